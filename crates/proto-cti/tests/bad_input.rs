//! Bad input over a real socket: every case gets an error reply naming the problem, and the
//! session stays open; overlong lines are refused without being buffered.

mod support;

use serde_json::json;
use support::TestServer;

#[tokio::test]
async fn every_bad_input_gets_an_error_and_the_session_lives() {
    let srv = TestServer::start().await;
    let mut c = srv.login("alice").await;
    let cases: Vec<(&[u8], &str, &str)> = vec![
        (b"\n", "error", "empty_line"),
        (b"   \n", "error", "empty_line"),
        (b"{not json\n", "error", "invalid_json"),
        (b"[1,2,3]\n", "error", "not_an_object"),
        (b"42\n", "error", "not_an_object"),
        (b"\xff\xfe\xfd\n", "error", "invalid_utf8"),
        (b"{\"commandid\":1}\n", "error", "missing_field:class"),
        (b"{\"class\":7}\n", "error", "invalid_field:class"),
        (b"{\"class\":\"foo\"}\n", "foo", "unknown_class:foo"),
        (b"{\"class\":\"ipbxcommand\"}\n", "ipbxcommand", "missing_field:command"),
        (
            b"{\"class\":\"ipbxcommand\",\"command\":\"teleport\"}\n",
            "ipbxcommand",
            "unknown_command:teleport",
        ),
        (
            b"{\"class\":\"ipbxcommand\",\"command\":\"dial\"}\n",
            "ipbxcommand",
            "missing_field:destination",
        ),
        (
            b"{\"class\":\"ipbxcommand\",\"command\":\"dial\",\"destination\":{}}\n",
            "ipbxcommand",
            "invalid_field:destination",
        ),
        (
            b"{\"class\":\"featuresput\",\"value\":true}\n",
            "featuresput",
            "missing_field:function",
        ),
        (
            b"{\"class\":\"featuresput\",\"function\":\"enablednd\"}\n",
            "featuresput",
            "missing_field:value",
        ),
        (
            b"{\"class\":\"featuresput\",\"function\":\"enablednd\",\"value\":\"maybe\"}\n",
            "featuresput",
            "invalid_field:value",
        ),
        (
            b"{\"class\":\"getlist\",\"function\":\"listid\",\"listname\":\"cars\"}\n",
            "getlist",
            "unknown_list:cars",
        ),
        (
            b"{\"class\":\"getlist\",\"function\":\"fly\",\"listname\":\"users\"}\n",
            "getlist",
            "unknown_function:fly",
        ),
        (b"{\"class\":\"getlist\",\"function\":\"listid\"}\n", "getlist", "missing_field:listname"),
        (b"{\"class\":\"answer\",\"unique_id\":5}\n", "answer", "invalid_field:unique_id"),
        (b"{\"class\":\"history\",\"size\":\"many\"}\n", "history", "invalid_field:size"),
        (b"{\"class\":\"chitchat\",\"to\":\"bob\",\"alias\":\"a\",\"text\":\"t\"}\n", "chitchat", "invalid_field:to"),
        (b"{\"class\":\"subscribe\"}\n", "subscribe", "missing_field:message"),
        (b"{\"class\":\"subscribe\",\"message\":\"weather\"}\n", "subscribe", "unknown_message:weather"),
        (b"{\"class\":\"subscribe\",\"message\":\"queueentryupdate\"}\n", "subscribe", "missing_field:queueid"),
        (b"{\"class\":\"register_user_status_update\"}\n", "register_user_status_update", "missing_field:user_ids"),
        (b"{\"class\":\"faxsend\",\"destination\":\"0612345678\",\"size\":3,\"data\":\"!!!\"}\n", "faxsend", "invalid_field:data"),
        (b"{\"class\":\"faxsend\",\"destination\":\"0612345678\",\"size\":99,\"data\":\"YWJj\"}\n", "faxsend", "size_mismatch"),
        (b"{\"class\":\"blind_transfer_voicemail\",\"voicemail\":\"10 02\"}\n", "blind_transfer_voicemail", "invalid_field:voicemail"),
        (b"{\"class\":\"people_search\",\"pattern\":\"bob\"}\n", "people_search", "not_implemented"),
        (b"{\"class\":\"ipbxcommand\",\"command\":\"meetme\",\"function\":\"MeetmeMute\",\"functionargs\":[\"4000\"]}\n", "ipbxcommand", "invalid_field:functionargs"),
        (b"{\"class\":\"ipbxcommand\",\"command\":\"queueadd\",\"member\":\"agent:xivo/x\",\"queue\":\"queue:xivo/1\"}\n", "ipbxcommand", "invalid_field:member"),
        (b"{\"class\":\"subscribe\",\"message\":\"queueentryupdate\",\"queueid\":77}\n", "subscribe", "unknown_queue:77"),
    ];
    for (line, class, error) in cases {
        c.send_raw(line).await;
        let r = c.reply().await;
        assert_eq!(
            (r["class"].as_str(), r["error_string"].as_str()),
            (Some(class), Some(error)),
            "for {:?}: {r}",
            String::from_utf8_lossy(line)
        );
    }
    // Several lines in one write, and a line split across writes.
    c.send_raw(b"{\"class\":\"keepalive\",\"commandid\":1}\n{\"class\":\"keepalive\",\"commandid\":2}\n{\"class\":\"keep")
        .await;
    assert_eq!(c.reply().await["replyid"], 1);
    assert_eq!(c.reply().await["replyid"], 2);
    c.send_raw(b"alive\",\"commandid\":3}\r\n").await;
    assert_eq!(c.reply().await["replyid"], 3);
    c.send(json!({"class":"getipbxlist"})).await;
    assert_eq!(c.reply().await["ipbxlist"], json!(["xivo"]));
}

#[tokio::test]
async fn overlong_lines_are_refused_and_the_session_lives() {
    let srv = TestServer::start_with(|c| c.max_line_bytes = 64 * 1024).await;
    let mut c = srv.login("alice").await;
    // 1 MiB in several writes, then a newline.
    let chunk = vec![b'a'; 256 * 1024];
    for _ in 0..4 {
        c.send_raw(&chunk).await;
    }
    c.send_raw(b"\n").await;
    let r = c.reply().await;
    assert_eq!(r["class"], "error");
    assert_eq!(r["error_string"], "line_too_long");
    c.send(json!({"class":"keepalive","commandid":9})).await;
    let r = c.reply().await;
    assert_eq!(
        (r["class"].as_str(), &r["replyid"]),
        (Some("keepalive"), &json!(9))
    );

    // Before login too.
    let mut c = srv.connect().await;
    c.reply().await;
    let mut big = vec![b'{'; 100 * 1024];
    big.push(b'\n');
    c.send_raw(&big).await;
    assert_eq!(c.reply().await["error_string"], "line_too_long");
    let r = c.login_steps("bob", "bob").await;
    assert_eq!(r["userid"], "2");
}

#[tokio::test]
async fn bad_input_before_login_keeps_the_connection() {
    let srv = TestServer::start().await;
    let mut c = srv.connect().await;
    c.reply().await;
    for line in [&b"\n"[..], b"junk\n", b"{}\n", b"{\"class\":\"nope\"}\n"] {
        c.send_raw(line).await;
        assert!(c.reply().await["error_string"].is_string());
    }
    // Before login, lines are limited to 64 KiB whatever max_line_bytes is.
    let mut big = vec![b' '; 100 * 1024];
    big.push(b'\n');
    c.send_raw(&big).await;
    assert_eq!(c.reply().await["error_string"], "line_too_long");
    let r = c.login_steps("alice", "alice").await;
    assert_eq!(r["userid"], "1");
}
