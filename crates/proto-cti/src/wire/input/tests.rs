//! The parser's unit tests: every error named, the lenient forms real clients send.

use super::*;
use crate::wire::lenient::{CommandId, Id, Num};

fn err(line: &str) -> (Option<String>, String) {
    let e = parse(line.as_bytes()).unwrap_err();
    (e.class, e.error)
}

fn ok(line: &str) -> Request {
    parse(line.as_bytes()).unwrap().request
}

#[test]
fn bad_input_is_named() {
    assert_eq!(err(""), (None, "empty_line".into()));
    assert_eq!(err("   "), (None, "empty_line".into()));
    assert_eq!(err("{"), (None, "invalid_json".into()));
    assert_eq!(err("{\"class\":1}"), (None, "invalid_field:class".into()));
    assert_eq!(err("[1,2]"), (None, "not_an_object".into()));
    assert_eq!(err("\"x\""), (None, "not_an_object".into()));
    assert_eq!(err("nope"), (None, "invalid_json".into()));
    assert_eq!(err("{}"), (None, "missing_field:class".into()));
    assert_eq!(err("{\"a\":1} x"), (None, "invalid_json".into()));
    assert_eq!(
        parse(b"\xff\xfe").unwrap_err().error,
        "invalid_utf8".to_owned()
    );
    assert_eq!(
        err(r#"{"class":"foo"}"#),
        (Some("foo".into()), "unknown_class:foo".into())
    );
    assert_eq!(
        err(r#"{"class":"ipbxcommand"}"#),
        (Some("ipbxcommand".into()), "missing_field:command".into())
    );
    assert_eq!(
        err(r#"{"class":"ipbxcommand","command":"dial"}"#).1,
        "missing_field:destination"
    );
    assert_eq!(
        err(r#"{"class":"ipbxcommand","command":"dial","destination":[1]}"#).1,
        "invalid_field:destination"
    );
    assert_eq!(
        err(r#"{"class":"ipbxcommand","command":"fly"}"#).1,
        "unknown_command:fly"
    );
    assert_eq!(
        err(r#"{"class":"getlist","function":"listid","listname":"cars"}"#).1,
        "unknown_list:cars"
    );
    assert_eq!(
        err(r#"{"class":"getlist","function":"updateconfig","listname":"users"}"#).1,
        "missing_field:tid"
    );
    assert_eq!(
        err(r#"{"class":"featuresput","function":"fwd","value":{"destunc":[]}}"#).1,
        "invalid_field:value.destunc"
    );
    assert_eq!(
        err(r#"{"class":"login_capas","capaid":"x"}"#).1,
        "invalid_field:capaid"
    );
    assert_eq!(
        err(r#"{"class":"history","size":true}"#).1,
        "invalid_field:size"
    );
    assert_eq!(
        err(r#"{"class":"chitchat","to":"x","alias":"a","text":"t"}"#).1,
        "invalid_field:to"
    );
    assert_eq!(
        err(r#"{"class":"faxsend","size":1}"#).1,
        "missing_field:destination"
    );
}

#[test]
fn lenient_forms_of_real_clients() {
    let r = parse(br#"{"class":"login_capas","capaid":"2","state":"available","commandid":5}"#)
        .unwrap();
    assert_eq!(r.commandid, Some(CommandId::Int(5)));
    assert_eq!(
        r.request,
        Request::LoginCapas(LoginCapas {
            capaid: Num(2),
            state: Some("available".into())
        })
    );
    assert_eq!(
        ok(r#"{"class":"history","size":"8","xuserid":"xivo/1"}"#),
        Request::History(History { size: Some(Num(8)) })
    );
    assert_eq!(
        ok(r#"{"class":"getlist","function":"updatestatus","listname":"phones","tid":3}"#),
        Request::GetList(GetList {
            list: ListName::Phones,
            function: GetListFunction::UpdateStatus(Id("3".into()))
        })
    );
    match ok(r#"{"class":"answer","uniqueid":"123.4"}"#) {
        Request::Answer(c) => assert_eq!(c.id(), Some("123.4")),
        other => panic!("{other:?}"),
    }
    match ok(r#"{"class":"answer","unique_id":"123.5"}"#) {
        Request::Answer(c) => assert_eq!(c.id(), Some("123.5")),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        ok(r#"{"class":"featuresput","function":"enablednd","value":"true"}"#),
        Request::FeaturesPut(FeaturesPut {
            target: None,
            feature: Feature::Dnd(true)
        })
    );
    assert_eq!(
        ok(r#"{"class":"ipbxcommand","command":"dial","destination":1002}"#),
        Request::Ipbx(IpbxCommand::Dial {
            destination: "1002".into()
        })
    );
    assert_eq!(
        ok(
            r#"{"class":"ipbxcommand","command":"meetme","function":"MeetmeMute","functionargs":["4000","2"]}"#
        ),
        Request::Ipbx(IpbxCommand::Meetme {
            mute: true,
            room: "4000".into(),
            member: "2".into()
        })
    );
    assert_eq!(ok(r#"{"class":"people_headers"}"#), Request::NotImplemented);
    match ok(r#"{"class":"register_user_status_update","user_ids":[["u",1],["u","abc"]]}"#) {
        Request::StatusUpdates(s) => {
            assert_eq!(
                s.ids,
                vec![("u".into(), Id("1".into())), ("u".into(), Id("abc".into()))]
            );
            assert!(s.register);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn over_long_fields_and_lists_are_named() {
    let long = |n: usize| "x".repeat(n);
    let uuid = long(crate::wire::limits::UUID_BYTES + 1);
    let id = long(crate::wire::limits::ID_BYTES + 1);
    let name = long(crate::wire::limits::NAME_BYTES + 1);
    assert_eq!(
        err(&format!(
            r#"{{"class":"register_user_status_update","user_ids":[["u",1],["{uuid}",2]]}}"#
        )),
        (
            Some("register_user_status_update".into()),
            "field_too_long:user_ids.1.0".into()
        )
    );
    assert_eq!(
        err(&format!(
            r#"{{"class":"unregister_agent_status_update","agent_ids":[["u","{id}"]]}}"#
        ))
        .1,
        "field_too_long:agent_ids.0.1"
    );
    let many = vec![r#"["u",1]"#; crate::wire::limits::MAX_ITEMS + 1].join(",");
    assert_eq!(
        err(&format!(
            r#"{{"class":"register_endpoint_status_update","endpoint_ids":[{many}]}}"#
        ))
        .1,
        "too_many_items:endpoint_ids"
    );
    assert_eq!(
        err(&format!(
            r#"{{"class":"ipbxcommand","command":"dial","destination":"{name}"}}"#
        ))
        .1,
        "field_too_long:destination"
    );
    assert_eq!(
        err(&format!(
            r#"{{"class":"featuresput","function":"fwd","value":{{"destunc":"{name}"}}}}"#
        ))
        .1,
        "field_too_long:value.destunc"
    );
    assert_eq!(
        err(&format!(r#"{{"class":"answer","unique_id":"{id}"}}"#)).1,
        "field_too_long:unique_id"
    );
    assert_eq!(
        err(&format!(
            r#"{{"class":"chitchat","to":["{uuid}","u"],"alias":"a","text":"t"}}"#
        ))
        .1,
        "field_too_long:to"
    );
    assert_eq!(
        err(&format!(
            r#"{{"class":"ipbxcommand","command":"agentlogin","agentids":["a","{id}"]}}"#
        ))
        .1,
        "field_too_long:agentids.1"
    );
    assert_eq!(
        err(&format!(r#"{{"class":"login_id","userlogin":"{id}"}}"#)).1,
        "field_too_long:userlogin"
    );
    // Values at their limit pass.
    let at = long(crate::wire::limits::UUID_BYTES);
    assert!(
        parse(
            format!(r#"{{"class":"register_user_status_update","user_ids":[["{at}",1]]}}"#)
                .as_bytes()
        )
        .is_ok()
    );
}

#[test]
fn bad_values_are_quoted_cut_short() {
    let class = "c".repeat(1 << 20);
    let e = parse(format!(r#"{{"class":"{class}"}}"#).as_bytes()).unwrap_err();
    let quoted = format!("{}…", "c".repeat(crate::wire::limits::ECHO_BYTES));
    assert_eq!(e.class, None);
    assert_eq!(e.error, format!("unknown_class:{quoted}"));
    let command = "d".repeat(1000);
    assert_eq!(
        err(&format!(
            r#"{{"class":"ipbxcommand","command":"{command}"}}"#
        ))
        .1,
        format!("unknown_command:{}…", "d".repeat(64))
    );
    // A client's map key in an error path is cut too.
    let key = "k".repeat(100);
    assert_eq!(
        err(&format!(
            r#"{{"class":"getqueuesstats","on":{{"{key}":{{"xqos":true}}}}}}"#
        ))
        .1,
        format!("invalid_field:on.{}…", "k".repeat(61))
    );
    let e = err(&format!(
        r#"{{"class":"call_form_result","infos":{{"variables":{{"a":[1],"{key}":1}}}}}}"#
    ))
    .1;
    assert!(e.starts_with("invalid_field:infos.variables"), "{e}");
}
