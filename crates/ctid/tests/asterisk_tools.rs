//! `ctid asterisk-config` and `ctid ami record` as a user runs them: the files written for the
//! demo dataset are the golden ones of crates/pbx-ami, the phones' key is kept between runs,
//! secrets are readable by their owner only, a missing AMI secret is refused; a recording of a
//! small AMI peer (a real TCP listener) is a capture the replay reads.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

const CTID: &str = env!("CARGO_BIN_EXE_ctid");

const FILES: [&str; 8] = [
    "pjsip.conf",
    "sip.conf",
    "extensions.conf",
    "queues.conf",
    "agents.conf",
    "voicemail.conf",
    "confbridge.conf",
    "manager.conf",
];

fn asterisk_config(out: &Path, extra: &[&str], secret: Option<&str>) -> std::process::Output {
    let mut command = Command::new(CTID);
    command
        .arg("asterisk-config")
        .arg("--out")
        .arg(out)
        .args(extra);
    command.env_remove("CTID_PBX__ASTERISK__SECRET");
    command.env_remove("CTID_PHONE_SECRET_KEY");
    if let Some(secret) = secret {
        command.env("CTID_PBX__ASTERISK__SECRET", secret);
    }
    command.output().expect("ctid runs")
}

#[test]
fn asterisk_config_writes_the_golden_files_and_keeps_the_phone_key() {
    let dir = tempfile::tempdir().unwrap();
    let golden =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../pbx-ami/tests/data/asterisk-config/demo");
    let out = asterisk_config(
        dir.path(),
        &["--phone-secret-key", "golden-key"],
        Some("s3cret-for-tests"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("8 files for 6 lines, 2 queues, 4 agents"),
        "{said}"
    );
    for name in FILES {
        let written = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let expected = std::fs::read_to_string(golden.join(name)).unwrap();
        assert_eq!(written, expected, "{name}");
    }
    let mode = std::fs::metadata(dir.path().join("manager.conf"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    // Without a key: one is made and kept in the directory; the next run gives the same phones.
    let other = tempfile::tempdir().unwrap();
    let first = asterisk_config(other.path(), &[], Some("x"));
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let key = std::fs::read_to_string(other.path().join("phone-secret-key")).unwrap();
    assert_eq!(key.trim().len(), 32);
    let sip = std::fs::read_to_string(other.path().join("sip.conf")).unwrap();
    let again = asterisk_config(other.path(), &[], Some("x"));
    assert!(again.status.success());
    assert_eq!(
        std::fs::read_to_string(other.path().join("sip.conf")).unwrap(),
        sip
    );
    assert_ne!(
        sip,
        std::fs::read_to_string(golden.join("sip.conf")).unwrap(),
        "another key, other passwords"
    );

    let refused = asterisk_config(dir.path(), &[], None);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("[pbx.asterisk] secret is empty"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}

/// A minimal AMI peer: banner, every action answered `Success` (lists as empty lists), one
/// event after the inventory, then the connection closed.
fn serve_one_session(listener: TcpListener) {
    let (stream, _) = listener.accept().unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    writer
        .write_all(b"Asterisk Call Manager/9.0.0\r\n")
        .unwrap();
    let mut block: Vec<String> = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 {
            return;
        }
        let text = line.trim_end().to_owned();
        if !text.is_empty() {
            block.push(text);
            continue;
        }
        let field = |key: &str| {
            block
                .iter()
                .find_map(|l| l.strip_prefix(&format!("{key}: ")))
                .unwrap_or("")
                .to_owned()
        };
        let (action, id) = (field("Action"), field("ActionID"));
        block.clear();
        let answer = match action.as_str() {
            "Login" | "Events" => format!("Response: Success\r\nActionID: {id}\r\n\r\n"),
            "Logoff" => return,
            list => format!(
                "Response: Success\r\nActionID: {id}\r\nEventList: start\r\n\r\n\
                 Event: {list}Complete\r\nActionID: {id}\r\nEventList: Complete\r\n\r\n"
            ),
        };
        writer.write_all(answer.as_bytes()).unwrap();
        // After the last list: one live event, then Asterisk goes away.
        if action
            == ctid_pbx_ami::snapshot::resync_actions()
                .last()
                .and_then(|a| a.get("Action").map(str::to_owned))
                .unwrap_or_default()
        {
            writer
                .write_all(
                    b"Event: PeerStatus\r\nPrivilege: system,all\r\nChannelType: SIP\r\n\
                      Peer: SIP/1001\r\nPeerStatus: Reachable\r\n\r\n",
                )
                .unwrap();
            return;
        }
    }
}

#[test]
fn ami_record_writes_a_capture_that_replays() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || serve_one_session(listener));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("session.capture.txt");
    let out = Command::new(CTID)
        .args(["ami", "record", "--seconds", "30", "--out"])
        .arg(&file)
        .env("CTID_PBX__ASTERISK__PORT", port.to_string())
        .env("CTID_PBX__ASTERISK__USERNAME", "cti")
        .env("CTID_PBX__ASTERISK__SECRET", "ctisecret")
        .env("CTID_PBX__ASTERISK__AUTH", "plain")
        .output()
        .unwrap();
    peer.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("Asterisk closed the connection"), "{said}");
    let capture = ctid_pbx_ami::capture::Capture::read(&file).expect("a valid capture");
    assert!(
        !std::fs::read_to_string(&file)
            .unwrap()
            .contains("ctisecret")
    );
    let dataset = std::sync::Arc::new(ctid_core::Dataset::demo());
    let mut cursor = ctid_pbx_ami::replay::ReplayCursor::new(capture, dataset);
    let mut events = Vec::new();
    while let Some(batch) = cursor.next_batch() {
        events.extend(batch.events);
    }
    assert!(
        matches!(events[0], ctid_core::pbx::PbxEvent::Snapshot(_)),
        "{events:?}"
    );
    assert!(
        events.contains(&ctid_core::pbx::PbxEvent::LineRegistration {
            line: ctid_core::ids::LineId(1),
            registered: true
        }),
        "{events:?}"
    );
}
