//! The connection and the session over real sockets: REST login → token → WebSocket →
//! `LoggedOn` and the initial state in order; the password forms; pings; bad frames answered
//! with `Error` while the socket lives; REST errors as JSON; CORS; token expiry on the injected
//! clock and revocation.

mod support;

use std::time::Duration;

use futures::SinkExt;
use serde_json::{Value, json};
use support::TestServer;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

const INITIAL: [&str; 6] = [
    "UserConfigUpdate",
    "UsersStatuses",
    "UserStatusUpdate",
    "PhoneStatusUpdate",
    "VoiceMailStatusUpdate",
    "RightProfile",
];

/// Whether the initial-state message types appear in `msgs` in order (as a subsequence: a push
/// of a change made meanwhile may come before the initial message of its type).
fn initial_in_order(msgs: &[Value]) -> bool {
    let mut want = INITIAL.iter().peekable();
    for m in msgs {
        if want.peek().is_some_and(|t| m["msgType"] == **t) {
            want.next();
        }
    }
    want.peek().is_none()
}

#[tokio::test]
async fn rest_login_then_the_socket_gets_logged_on_then_the_initial_state_in_order() {
    let srv = TestServer::start().await;
    let (status, body) = srv.rest_login("alice", "alice").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["login"], "alice");
    assert_eq!(body["TTL"], 3600);
    let token = body["token"].as_str().unwrap();
    assert!(token.len() >= 22, "at least 128 bits: {token}");
    let mut c = srv.ws(&format!("/xuc/api/2.0/cti?token={token}")).await;
    let first = c.recv().await;
    assert_eq!(first, json!({"msgType":"LoggedOn","ctiMessage":{}}));
    let msgs = c.drain().await;
    assert!(initial_in_order(&msgs), "{msgs:#?}");
    let config = &msgs
        .iter()
        .find(|m| m["msgType"] == "UserConfigUpdate")
        .unwrap()["ctiMessage"];
    assert_eq!(config["userId"], 1);
    assert_eq!(config["fullName"], "Alice Arnaud");
    assert_eq!(config["lineIds"], json!([1]));
    assert_eq!(config["voiceMailId"], 1);
    assert_eq!(config["dndEnabled"], false);
    assert_eq!(config["naFwdDestination"], "");
    let statuses = &msgs
        .iter()
        .find(|m| m["msgType"] == "UsersStatuses")
        .unwrap()["ctiMessage"];
    assert!(
        statuses.as_array().is_some_and(|s| !s.is_empty()),
        "{statuses}"
    );
    assert!(statuses[0]["name"].is_string() && statuses[0]["longName"].is_string());
    let phone = &msgs
        .iter()
        .find(|m| m["msgType"] == "PhoneStatusUpdate")
        .unwrap()["ctiMessage"];
    assert_eq!(phone["status"], "AVAILABLE");
    let vm = &msgs
        .iter()
        .find(|m| m["msgType"] == "VoiceMailStatusUpdate")
        .unwrap()["ctiMessage"];
    assert_eq!(vm["voiceMailId"], 1);
    assert_eq!(vm["newMessages"], 0);
    let rights = &msgs
        .iter()
        .find(|m| m["msgType"] == "RightProfile")
        .unwrap()["ctiMessage"];
    assert_eq!(rights["profile"], "supervisor");
    assert_eq!(srv.face.stats().sessions(), 1);
}

#[tokio::test]
async fn the_password_and_legacy_token_forms_open_sessions_too() {
    let srv = TestServer::start().await;
    for path in [
        "/ctichannel?username=bob&agentNumber=1002&password=bob",
        "/xuc/ctichannel?username=bob&amp;agentNumber=1002&amp;password=bob",
    ] {
        let mut c = srv.ws(path).await;
        assert_eq!(c.recv().await["msgType"], "LoggedOn", "{path}");
        let msgs = c.drain().await;
        assert!(initial_in_order(&msgs), "{path}: {msgs:#?}");
    }
    let token = srv.token("bob").await;
    let mut c = srv
        .ws(&format!(
            "/xuc/ctichannel/tokenAuthentication?token={token}"
        ))
        .await;
    assert_eq!(c.recv().await["msgType"], "LoggedOn");

    let mut c = srv.ws("/xuc/ctichannel?username=bob&password=wrong").await;
    let m = c.recv().await;
    assert_eq!(m["msgType"], "LoggedOnError");
    assert_eq!(m["ctiMessage"]["Error"], "loggedOnFailed");
    assert_eq!(c.until_closed().await, Vec::<Value>::new());
}

#[tokio::test]
async fn a_ping_is_answered_at_once_with_an_envelope() {
    let srv = TestServer::start().await;
    let mut c = srv.session("bob").await;
    c.drain().await;
    c.send(json!({"claz":"ping"})).await;
    assert_eq!(c.recv().await, json!({"msgType":"Pong","ctiMessage":{}}));
    // A WebSocket ping gets its pong (tungstenite answers and hides it; the socket lives).
    c.send_raw(Message::Ping(vec![1, 2].into())).await;
    c.drain().await;
}

#[tokio::test]
async fn bad_frames_get_an_error_and_the_socket_lives() {
    let srv = TestServer::start().await;
    let mut c = srv.session("bob").await;
    c.drain().await;
    let cases: Vec<(Message, &str)> = vec![
        (Message::text("not json"), "InvalidJson"),
        (Message::text("null"), "InvalidMessage"),
        (Message::text("[1,2]"), "InvalidMessage"),
        (Message::text(r#"{"command":"dial"}"#), "InvalidMessage"),
        (Message::binary(vec![0u8, 1, 2]), "InvalidMessage"),
        (
            Message::text(r#"{"claz":"web","command":"fly"}"#),
            "UnknownCommand",
        ),
        (
            Message::text(r#"{"claz":"web","command":"dnd","state":"yes"}"#),
            "InvalidArgument",
        ),
        (
            Message::text(r#"{"claz":"web","command":"agentLogin","agentid":[1]}"#),
            "InvalidArgument",
        ),
        (
            Message::text(r#"{"claz":"web","command":"getIceConfig"}"#),
            "NotImplemented",
        ),
        (
            Message::text(format!(
                r#"{{"claz":"web","command":"dial","destination":"{}"}}"#,
                "1".repeat(70_000)
            )),
            "MessageTooLarge",
        ),
    ];
    for (frame, error) in cases {
        c.send_raw(frame.clone()).await;
        let m = c.recv().await;
        assert_eq!(m["msgType"], "Error", "{frame:?}: {m}");
        assert_eq!(m["ctiMessage"]["Error"], error, "{m}");
        assert!(
            m["ctiMessage"]["message"].as_str().unwrap().len() < 200,
            "{m}"
        );
    }
    c.send(json!({"claz":"ping"})).await;
    assert_eq!(c.recv().await["msgType"], "Pong");
}

#[tokio::test]
async fn rest_errors_are_json_and_preflights_are_answered() {
    let srv = TestServer::start().await;
    let http = reqwest::Client::new();
    let (status, body) = srv.rest_login("bob", "wrong").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("InvalidCredentials"))
    );
    assert!(body["message"].is_string());
    let (status, body) = srv.rest_login("nobody", "x").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("InvalidCredentials"))
    );

    let r = http
        .post(srv.url("/xuc/api/2.0/auth/login"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "BadRequest");
    let r = http
        .post(srv.url("/xuc/api/2.0/auth/login"))
        .body("x".repeat(10_000))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(r.json::<Value>().await.unwrap()["message"].is_string());
    for (method, path, status) in [
        (reqwest::Method::GET, "/xuc/api/2.0/auth/check", 401),
        (reqwest::Method::GET, "/xuc/api/2.0/nothing", 404),
        (reqwest::Method::GET, "/xuc/api/2.0/auth/login", 405),
        (reqwest::Method::GET, "/xuc/api/2.0/cti?token=x", 400),
    ] {
        let r = http.request(method, srv.url(path)).send().await.unwrap();
        assert_eq!(r.status(), status, "{path}");
        let body: Value = r.json().await.expect("a JSON body");
        assert!(
            body["error"].is_string() && body["message"].is_string(),
            "{path}: {body}"
        );
    }

    let r = http
        .request(reqwest::Method::OPTIONS, srv.url("/xuc/api/2.0/auth/login"))
        .header("Origin", "http://crm.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    let methods = r.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(methods.contains("POST"), "{methods}");
}

async fn check(srv: &TestServer, token: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .get(srv.url("/xuc/api/2.0/auth/check"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn tokens_expire_on_the_injected_clock_renew_on_check_and_revoke_on_logout() {
    let srv = TestServer::start_with(|c| c.token_ttl = Duration::from_secs(60)).await;
    let token = srv.token("bob").await;
    let (status, body) = check(&srv, &token).await;
    assert_eq!(
        (status, body["login"].as_str(), body["TTL"].as_u64()),
        (200, Some("bob"), Some(60))
    );
    assert_eq!(body["token"], token.as_str());
    srv.clock.advance(Duration::from_secs(59));
    assert_eq!(check(&srv, &token).await.0, 200, "renewed");
    srv.clock.advance(Duration::from_secs(59));
    let mut c = srv.ws(&format!("/xuc/api/2.0/cti?token={token}")).await;
    assert_eq!(
        c.recv().await["msgType"],
        "LoggedOn",
        "still valid after renewal"
    );
    srv.clock.advance(Duration::from_secs(1));
    let (status, body) = check(&srv, &token).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("TokenExpired"))
    );
    let mut c = srv.ws(&format!("/xuc/api/2.0/cti?token={token}")).await;
    let m = c.recv().await;
    assert_eq!(m["msgType"], "LoggedOnError");
    assert_eq!(c.until_closed().await, Vec::<Value>::new());

    let token = srv.token("bob").await;
    let r = reqwest::Client::new()
        .post(srv.url("/xuc/api/2.0/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (status, body) = check(&srv, &token).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("InvalidToken"))
    );
}

#[tokio::test]
async fn a_client_close_ends_the_session() {
    let srv = TestServer::start().await;
    let mut c = srv.session("bob").await;
    c.drain().await;
    c.stream
        .send(Message::Close(Some(CloseFrame {
            code: CloseCode::Normal,
            reason: "bye".into(),
        })))
        .await
        .unwrap();
    c.until_closed().await;
    let stats = srv.face.stats();
    tokio::time::timeout(support::GUARD, async {
        while stats.sessions() > 0 {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the session ends");
}

#[tokio::test]
async fn a_socket_that_does_not_read_is_cut_off() {
    let srv = TestServer::start_with(|c| c.outbox_max_bytes = 4096).await;
    let token = srv.token("alice").await;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let tcp = socket.connect(srv.addr).await.unwrap();
    let url = format!("ws://{}/xuc/api/2.0/cti?token={token}", srv.addr);
    let (mut ws, _) = tokio_tungstenite::client_async(url, tcp).await.unwrap();
    let stats = srv.face.stats();
    // Ask for the line's configuration again and again, never reading the answers (long
    // answers, as getAgentStates, wait for room instead: tests/limits.rs).
    let ask = Message::text(r#"{"claz":"web","command":"getConfig","objectType":"line"}"#);
    tokio::time::timeout(support::GUARD, async {
        while stats.cut_offs() == 0 {
            if ws.send(ask.clone()).await.is_err() {
                break;
            }
        }
        stats.cut_offs_reach(1).await;
    })
    .await
    .expect("the socket is cut off");
    assert_eq!(stats.cut_offs(), 1);
}

#[tokio::test]
async fn an_agent_gets_its_own_state_at_open() {
    let srv = TestServer::start().await;
    let mut carol = srv.session("carol").await;
    let msgs = carol.drain().await;
    let own = msgs
        .iter()
        .find(|m| m["msgType"] == "AgentStateEvent")
        .expect("the own agent's state");
    assert_eq!(own["ctiMessage"]["agentId"], 1);
    assert_eq!(own["ctiMessage"]["name"], "AgentLoggedOut");
    let last_initial = msgs
        .iter()
        .position(|m| m["msgType"] == "RightProfile")
        .unwrap();
    let agent = msgs
        .iter()
        .position(|m| m["msgType"] == "AgentStateEvent")
        .unwrap();
    assert!(agent > last_initial, "after the initial state");
}

#[tokio::test]
async fn a_silent_socket_is_closed_after_the_idle_timeout_and_pings_keep_it() {
    let srv = TestServer::start_with(|c| c.idle_timeout = Duration::from_secs(60)).await;
    let mut c = srv.session("bob").await;
    c.drain().await;
    srv.clock.advance(Duration::from_secs(59));
    c.drain().await; // a ping: the socket lives, its idle time starts again
    srv.clock.advance(Duration::from_secs(59));
    c.drain().await;
    srv.clock.advance(Duration::from_secs(60));
    c.until_closed().await;
    let stats = srv.face.stats();
    tokio::time::timeout(support::GUARD, async {
        while stats.sessions() > 0 {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the session ends");
}
