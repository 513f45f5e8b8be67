//! The `ctid` binary as a user runs it: `serve` on ephemeral ports (demo dataset) with a data
//! directory of its own (a temporary one), driven by the `ctid sim` commands, a CTI client over
//! TCP and a XuC client (REST login, WebSocket through the HTTP listener's upgrades), stopped by
//! SIGTERM (graceful, exit status 0); restarted on the same data directory (services, call
//! history, configuration changes and run-time queue memberships are back); the admin API with
//! a key made by `ctid admin-key create` (its changes survive a restart); and the helper
//! commands (`config show` with environment overrides, `dataset demo|check`, `import`,
//! `export`, `hash-password`).

mod support;

use std::io::{BufRead, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use support::GUARD;
use support::cti::Cti;
use support::server::{CTID, Server};

/// Reads WebSocket messages until one matches.
fn ws_until(
    ws: &mut tokio_tungstenite::tungstenite::WebSocket<
        tokio_tungstenite::tungstenite::stream::MaybeTlsStream<TcpStream>,
    >,
    pred: impl Fn(&Value) -> bool,
) -> Value {
    loop {
        let msg = ws.read().expect("a message within the guard time");
        if let tokio_tungstenite::tungstenite::Message::Text(text) = msg {
            let msg: Value = serde_json::from_str(&text).unwrap();
            if pred(&msg) {
                return msg;
            }
        }
    }
}

#[test]
fn a_xuc_client_logs_in_and_gets_phone_events_through_the_http_listener() {
    use tokio_tungstenite::tungstenite::{self, Message, stream::MaybeTlsStream};

    let server = Server::start();
    let login: Value = reqwest::blocking::Client::new()
        .post(format!("{}/xuc/api/2.0/auth/login", server.http))
        .json(&json!({"login": "bob", "password": "bob"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let token = login["token"].as_str().expect("a token");
    let url = format!(
        "{}/xuc/api/2.0/cti?token={token}",
        server.http.replace("http://", "ws://")
    );
    let (mut ws, _) = tungstenite::connect(url).expect("the WebSocket handshake");
    if let MaybeTlsStream::Plain(tcp) = ws.get_ref() {
        tcp.set_read_timeout(Some(GUARD)).unwrap();
    }
    assert_eq!(
        ws_until(&mut ws, |_| true)["msgType"],
        "LoggedOn",
        "the first message"
    );
    ws.send(Message::text(r#"{"claz":"ping"}"#)).unwrap();
    ws_until(&mut ws, |m| m["msgType"] == "Pong");
    server.sim(&["call", "--from", "0612345678", "--to", "1002"]);
    let ringing = ws_until(&mut ws, |m| {
        m["msgType"] == "PhoneEvent" && m["ctiMessage"]["eventType"] == "EventRinging"
    });
    assert_eq!(ringing["ctiMessage"]["otherDN"], "0612345678");
    server.wait_line("XuC session opened");
}

#[test]
fn serve_drive_and_stop_gracefully() {
    let mut server = Server::start();
    let health = reqwest::blocking::get(format!("{}/health", server.http)).unwrap();
    assert_eq!(health.json::<Value>().unwrap(), json!({"status": "ok"}));

    // Bob watches the phones over CTI.
    let mut bob = Cti::connect(&server.cti);
    bob.login("bob");
    bob.send(
        json!({"class": "getlist", "function": "listid", "listname": "phones", "tipbxid": "xivo"}),
    );
    bob.recv_until(|m| m["function"] == "listid");

    // An outside caller rings bob's line 1002 (phone id 2): hint 8; bob answers: 1; hangs up: 0.
    let hint = |b: &mut Cti, code: &str| {
        b.recv_until(|m| {
            m["listname"] == "phones" && m["tid"] == "2" && m["status"]["hintstatus"] == code
        })
    };
    let call: Value = serde_json::from_str(&server.sim(&[
        "call",
        "--from",
        "0612345678",
        "--to",
        "1002",
        "--name",
        "Jane",
    ]))
    .unwrap();
    assert!(call["call_id"].is_string());
    hint(&mut bob, "8");
    let calls: Value = serde_json::from_str(&server.sim(&["calls"])).unwrap();
    assert_eq!(calls["calls"][0]["call_id"], call["call_id"]);
    server.sim(&["line", "1002", "answer"]);
    hint(&mut bob, "1");
    server.sim(&["line", "1002", "hangup"]);
    hint(&mut bob, "0");

    // Live traffic: 5 callers to the sales queue over a quarter second, each hanging up after
    // 100 ms; once the command returns, every caller is gone.
    let out = server.sim(&[
        "traffic",
        "--rate",
        "20",
        "--duration",
        "250ms",
        "--to",
        "3001",
        "--talk",
        "100ms",
    ]);
    assert!(out.contains("placed 5 calls to 3001 (0 failed)"), "{out}");
    let calls: Value = serde_json::from_str(&server.sim(&["calls"])).unwrap();
    assert_eq!(calls["calls"], json!([]));

    // A client mistake is a clear error, not a crash.
    let out = Command::new(CTID)
        .args(["sim", "line", "1002", "answer", "--server", &server.http])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("409"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // SIGTERM: the server says so, closes the sessions and exits 0.
    server.terminate();
    server.wait_line("SIGTERM received");
    server.wait_line("ctid stopped");
    let status = server.child.wait().unwrap();
    assert!(status.success(), "exit status {status}");
    let mut rest = String::new();
    let _ = bob.reader.read_line(&mut rest);
    assert!(
        rest.is_empty() || rest.ends_with('\n'),
        "the session ended cleanly"
    );
}

/// Users' services and the call log are kept in the data directory: after a restart on it, the
/// DND and forward bob set over CTI are back (in his configuration and in how the PBX routes his
/// calls) and so is the call he took.
#[test]
fn services_and_history_survive_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start_in(data.path(), &[]);
    let mut bob = Cti::connect(&server.cti);
    bob.login("bob");
    bob.send(
        json!({"class": "getlist", "function": "listid", "listname": "phones", "tipbxid": "xivo"}),
    );
    bob.recv_until(|m| m["function"] == "listid");
    let hint = |b: &mut Cti, phone: &str, code: &str| {
        b.recv_until(|m| {
            m["listname"] == "phones" && m["tid"] == phone && m["status"]["hintstatus"] == code
        });
    };
    // A call bob takes.
    server.sim(&[
        "call",
        "--from",
        "0612345678",
        "--to",
        "1002",
        "--name",
        "Jane",
    ]);
    hint(&mut bob, "2", "8");
    server.sim(&["line", "1002", "answer"]);
    hint(&mut bob, "2", "1");
    server.sim(&["line", "1002", "hangup"]);
    hint(&mut bob, "2", "0");
    let history = |b: &mut Cti| {
        b.send(json!({"class": "history", "size": "8", "xuserid": "xivo/2", "commandid": 7}));
        b.recv_until(|m| m["class"] == "history")["history"].clone()
    };
    // DND and an unconditional forward to 1003.
    bob.send(json!({"class": "featuresput", "function": "enablednd", "value": true}));
    bob.recv_until(|m| m["function"] == "updateconfig" && m["config"]["enablednd"] == true);
    bob.send(json!({"class": "featuresput", "function": "fwd", "value": {"destunc": "1003", "enableunc": true}}));
    bob.recv_until(|m| m["function"] == "updateconfig" && m["config"]["enableunc"] == true);
    server.stop();

    // Alice looks (bob logging in as available would run that presence's actions: DND off).
    let server = Server::start_in(data.path(), &[]);
    let mut alice = Cti::connect(&server.cti);
    alice.login("alice");
    alice.send(json!({"class": "getlist", "function": "updateconfig", "listname": "users", "tipbxid": "xivo", "tid": "2"}));
    let config = alice
        .recv_until(|m| m["function"] == "updateconfig" && m["config"].get("firstname").is_some())
        ["config"]
        .clone();
    assert_eq!(
        (
            &config["enablednd"],
            &config["enableunc"],
            &config["destunc"]
        ),
        (&json!(true), &json!(true), &json!("1003")),
        "{config}"
    );
    // The PBX routes with the restored services: a call to bob rings 1003 (phone 3).
    alice.send(
        json!({"class": "getlist", "function": "listid", "listname": "phones", "tipbxid": "xivo"}),
    );
    alice.recv_until(|m| m["function"] == "listid");
    server.sim(&["call", "--from", "0698765432", "--to", "1002"]);
    hint(&mut alice, "3", "8");
    let mut bob = Cti::connect(&server.cti);
    bob.login("bob");
    let calls = history(&mut bob);
    assert_eq!(calls.as_array().map(Vec::len), Some(1), "{calls}");
    assert_eq!(calls[0]["extension"], "0612345678");
    assert_eq!(calls[0]["fullname"], "Jane");
    assert_eq!(calls[0]["mode"], 1, "received");
    server.stop();
    assert!(
        data.path().join("ctid.sqlite3").is_file(),
        "the SQLite database is in the data directory"
    );
}

/// `ctid serve --dataset FILE` reloads the file on SIGHUP: a user added to the file appears to
/// connected clients and can log in at once; an invalid file is refused and changes nothing.
#[test]
fn sighup_reloads_the_dataset_file() {
    let dir = std::env::temp_dir().join(format!("ctid-reload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("dataset.toml");
    let demo = Command::new(CTID)
        .args(["dataset", "demo"])
        .output()
        .unwrap();
    let demo = String::from_utf8(demo.stdout).unwrap();
    std::fs::write(&file, &demo).unwrap();
    let server = Server::start_with(&["--dataset", file.to_str().unwrap()]);
    let mut alice = Cti::connect(&server.cti);
    alice.login("alice");
    let hup = |server: &Server| server.signal("-HUP");

    // Gina and her line are added to the file.
    let gina = "\n[[lines]]\nid = 7\nnumber = \"1007\"\n\n[[users]]\nid = 7\nlogin = \"gina\"\npassword = \"gina\"\nfirstname = \"Gina\"\nline = 7\nprofile = 3\n";
    std::fs::write(&file, format!("{demo}{gina}")).unwrap();
    hup(&server);
    let summary = server.wait_line("dataset reloaded");
    assert!(summary.contains("added=2"), "{summary}");
    assert!(summary.contains("removed=0"), "{summary}");
    alice.recv_until(|m| {
        m["function"] == "addconfig" && m["listname"] == "users" && m["list"] == json!(["7"])
    });
    let mut gina_client = Cti::connect(&server.cti);
    gina_client.login("gina");

    // An invalid file (line 7 claims alice's number) is refused: nothing changes.
    std::fs::write(
        &file,
        format!("{demo}{}", gina.replace("\"1007\"", "\"1001\"")),
    )
    .unwrap();
    hup(&server);
    let refused = server.wait_line("dataset reload refused");
    assert!(refused.contains("1001"), "{refused}");
    // The same file again: no change (gina's password keeps its hash).
    std::fs::write(&file, format!("{demo}{gina}")).unwrap();
    hup(&server);
    server.wait_line("dataset reloaded: no change");
    let mut again = Cti::connect(&server.cti);
    again.login("gina");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `ctid admin-key create` prints a key and the configuration line that admits it; a server
/// configured with that line serves the admin API under `/api/v1` to that key only. What the
/// API changes (a line and a user created, the user's services) is kept by the store: after a
/// restart on the same data directory the user is there, logs in with the password the API was
/// given, and has the services the API set.
#[test]
fn the_admin_api_opens_with_a_created_key_and_its_changes_survive_a_restart() {
    let out = Command::new(CTID)
        .args(["admin-key", "create"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    let key = printed
        .lines()
        .find(|l| l.len() == 64 && l.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(|| panic!("no key in {printed}"));
    let setting = printed
        .lines()
        .find(|l| l.starts_with("api_key_sha256 = "))
        .unwrap_or_else(|| panic!("no configuration line in {printed}"));
    let config_dir = tempfile::tempdir().unwrap();
    let config = config_dir.path().join("ctid.toml");
    std::fs::write(&config, format!("[admin]\n{setting}\n")).unwrap();
    let data = tempfile::tempdir().unwrap();
    let args = ["--config", config.to_str().unwrap()];
    let server = Server::start_in(data.path(), &args);
    let http = reqwest::blocking::Client::builder()
        .timeout(GUARD)
        .build()
        .unwrap();
    let api = format!("{}/api/v1", server.http);
    let refused = http
        .get(format!("{api}/users"))
        .bearer_auth("not-the-key")
        .send()
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    let listed: Value = http
        .get(format!("{api}/users"))
        .bearer_auth(key)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(listed["total"], 6, "{listed}");
    let send = |method: reqwest::Method, path: &str, body: Value| {
        let response = http
            .request(method, format!("{api}{path}"))
            .bearer_auth(key)
            .json(&body)
            .send()
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json::<Value>().unwrap())
    };
    let (status, line) = send(reqwest::Method::POST, "/lines", json!({"number": "1007"}));
    assert_eq!(status, 201, "{line}");
    let (status, gina) = send(
        reqwest::Method::POST,
        "/users",
        json!({"login": "gina", "password": "gina", "firstname": "Gina",
               "line": line["id"], "profile": 3}),
    );
    assert_eq!(status, 201, "{gina}");
    let services = format!("/users/{}/services", gina["id"]);
    let (status, set) = send(reqwest::Method::PATCH, &services, json!({"dnd": true}));
    assert_eq!((status, &set["dnd"]), (200, &json!(true)), "{set}");
    server.stop();

    let server = Server::start_in(data.path(), &args);
    let api = format!("{}/api/v1", server.http);
    let kept: Value = http
        .get(format!("{api}/users/{}", gina["id"]))
        .bearer_auth(key)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(kept, gina);
    let kept: Value = http
        .get(format!("{api}{services}"))
        .bearer_auth(key)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(kept["dnd"], true, "{kept}");
    // She logs in with the password the API was given (the demo's rule: password = login).
    let mut cti = Cti::connect(&server.cti);
    cti.login("gina");
    server.stop();
}

#[test]
fn helper_commands() {
    let out = Command::new(CTID)
        .args(["config", "show", "--cti-listen", "127.0.0.1:6003"])
        .env("CTID_HTTP__LISTEN", "127.0.0.1:9999")
        .env("CTID_PBX__EMBEDDED__RING_TIMEOUT", "30")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown: toml::Value = toml::from_str(&String::from_utf8(out.stdout).unwrap()).unwrap();
    assert_eq!(shown["http"]["listen"].as_str(), Some("127.0.0.1:9999"));
    assert_eq!(shown["cti"]["listen"].as_str(), Some("127.0.0.1:6003"));
    assert_eq!(
        shown["pbx"]["embedded"]["ring_timeout"].as_float(),
        Some(30.0)
    );

    let bad = Command::new(CTID)
        .args(["config", "show"])
        .env("CTID_HTTP__LISTEN", "not an address")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid configuration"));

    let dir = std::env::temp_dir().join(format!("ctid-binary-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let demo = Command::new(CTID)
        .args(["dataset", "demo"])
        .output()
        .unwrap();
    let (passed, said) = dataset_check(&dir, &demo.stdout);
    assert!(passed, "{said}");
    assert!(
        said.contains("6 users, 6 lines, 4 agents, 2 queues"),
        "{said}"
    );
    let (passed, said) = dataset_check(
        &dir,
        b"[[users]]\nid = 1\nlogin = \"x\"\nfirstname = \"X\"\nline = 7\n",
    );
    assert!(!passed && said.contains("unknown line 7"), "{said}");
    let (passed, said) = dataset_check(
        &dir,
        b"[[queues]]\nid = 1\nname = \"q\"\nnumber = \"3001\"\nmax_callers = 20000\n",
    );
    assert!(
        !passed && said.contains("queue q: max_callers must be 1 to 10000, not 20000"),
        "{said}"
    );

    let mut hash = Command::new(CTID)
        .arg("hash-password")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    hash.stdin.take().unwrap().write_all(b"s3cret\n").unwrap();
    let out = hash.wait_with_output().unwrap();
    let phc = String::from_utf8(out.stdout).unwrap();
    assert!(ctid_core::auth::verify_password(phc.trim(), "s3cret"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Writes `toml` to a dataset file in `dir` and runs `ctid dataset check` on it: whether the
/// check passed, and what it printed (its output, then its errors).
fn dataset_check(dir: &std::path::Path, toml: &[u8]) -> (bool, String) {
    let file = dir.join("dataset.toml");
    std::fs::write(&file, toml).unwrap();
    let check = Command::new(CTID)
        .args(["dataset", "check"])
        .arg(&file)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    (check.status.success(), said)
}

/// The demo dataset's TOML, as `ctid dataset demo` prints it.
fn demo_toml() -> String {
    let demo = Command::new(CTID)
        .args(["dataset", "demo"])
        .output()
        .unwrap();
    String::from_utf8(demo.stdout).unwrap()
}

/// Gina and her line, to append to the demo dataset.
const GINA: &str = "\n[[lines]]\nid = 7\nnumber = \"1007\"\n\n[[users]]\nid = 7\nlogin = \"gina\"\npassword = \"gina\"\nfirstname = \"Gina\"\nline = 7\nprofile = 3\n";

/// Runs `ctid ARGS --data-dir DATA`: whether it succeeded, its standard output and its errors.
fn ctid_on(data: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(CTID)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A change the SIGHUP reload applied is in the store: the next start has it, and a
/// `--dataset` file that differs from the store is then ignored with a warning.
#[test]
fn a_reloaded_change_survives_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("dataset.toml");
    let demo = demo_toml();
    std::fs::write(&file, &demo).unwrap();
    let dataset = ["--dataset", file.to_str().unwrap()];
    let server = Server::start_in(data.path(), &dataset);
    std::fs::write(&file, format!("{demo}{GINA}")).unwrap();
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-HUP", &pid])
            .status()
            .unwrap()
            .success()
    );
    server.wait_line("dataset reloaded");
    server.stop();

    // The file back to the demo: the store, which has gina, wins.
    std::fs::write(&file, &demo).unwrap();
    let server = Server::start_in(data.path(), &dataset);
    let ignored = server.wait_line("--dataset file is ignored");
    assert!(ignored.contains("ctid import"), "{ignored}");
    let mut gina = Cti::connect(&server.cti);
    gina.login("gina");
    server.stop();
}

/// Agents' queue memberships changed at run time (a supervisor's `queueadd`, `queueremove`)
/// are back after a restart, over the configured ones.
#[test]
fn run_time_memberships_survive_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start_in(data.path(), &[]);
    let mut alice = Cti::connect(&server.cti);
    alice.login("alice");
    alice.send(
        json!({"class": "getlist", "function": "listid", "listname": "queues", "tipbxid": "xivo"}),
    );
    alice.recv_until(|m| m["function"] == "listid");
    let members = |c: &mut Cti, queue: &str, agents: Value| {
        c.recv_until(|m| {
            m["function"] == "updatestatus"
                && m["listname"] == "queues"
                && m["tid"] == queue
                && m["status"]["agentmembers"] == agents
        });
    };
    // Agent 1 (2001) joins support with penalty 3 and leaves sales.
    alice.send(json!({"class": "ipbxcommand", "command": "queueadd", "member": "agent:xivo/1", "queue": "queue:xivo/2", "penalty": 3}));
    members(&mut alice, "2", json!(["1", "3", "4"]));
    alice.send(json!({"class": "ipbxcommand", "command": "queueremove", "member": "agent:xivo/1", "queue": "queue:xivo/1"}));
    members(&mut alice, "1", json!(["2", "3"]));
    server.stop();

    let server = Server::start_in(data.path(), &[]);
    let mut alice = Cti::connect(&server.cti);
    alice.login("alice");
    alice.send(
        json!({"class": "getlist", "function": "listid", "listname": "queuemembers", "tipbxid": "xivo"}),
    );
    alice.recv_until(|m| m["function"] == "listid");
    // Asked now, or pushed once the PBX has applied the stored membership.
    alice.send(json!({"class": "getlist", "function": "updateconfig", "listname": "queuemembers", "tipbxid": "xivo", "tid": "Agent/2001,support"}));
    alice.recv_until(|m| {
        m["listname"] == "queuemembers"
            && m["tid"] == "Agent/2001,support"
            && m["config"]["penalty"] == "3"
    });
    alice.send(
        json!({"class": "getlist", "function": "listid", "listname": "queues", "tipbxid": "xivo"}),
    );
    alice.recv_until(|m| m["function"] == "listid" && m["listname"] == "queues");
    alice.send(json!({"class": "getlist", "function": "updatestatus", "listname": "queues", "tipbxid": "xivo", "tid": "1"}));
    members(&mut alice, "1", json!(["2", "3"]));
    server.stop();
}

/// `ctid import` and `ctid export` move whole configurations: an export imports back to the
/// same export; an invalid file changes nothing and says why; `ctid serve` takes what was
/// imported.
#[test]
fn import_and_export_round_trip() {
    let data = tempfile::tempdir().unwrap();
    let (ok, _, said) = ctid_on(data.path(), &["export"]);
    assert!(!ok && said.contains("holds no configuration yet"), "{said}");

    let file = data.path().join("with-gina.toml");
    std::fs::write(&file, format!("{}{GINA}", demo_toml())).unwrap();
    let (ok, out, said) = ctid_on(data.path(), &["import", file.to_str().unwrap()]);
    assert!(ok, "{said}");
    assert!(
        out.contains("7 users, 7 lines, 4 agents, 2 queues"),
        "{out}"
    );
    let exported = data.path().join("exported.toml");
    let (ok, _, said) = ctid_on(
        data.path(),
        &["export", "--out", exported.to_str().unwrap()],
    );
    assert!(ok, "{said}");
    let first = std::fs::read_to_string(&exported).unwrap();
    assert!(first.contains("login = \"gina\""), "{first}");
    assert!(
        !first.contains("password = ") && first.contains("password_hash = \"$argon2"),
        "passwords leave as hashes only"
    );
    let (ok, _, said) = ctid_on(data.path(), &["import", exported.to_str().unwrap()]);
    assert!(ok, "{said}");
    let (ok, second, said) = ctid_on(data.path(), &["export"]);
    assert!(ok, "{said}");
    assert_eq!(second, first, "export, import, export: the same file");

    // Gina's line claims alice's number: refused, nothing changed.
    let bad = data.path().join("bad.toml");
    std::fs::write(&bad, first.replace("\"1007\"", "\"1001\"")).unwrap();
    let (ok, _, said) = ctid_on(data.path(), &["import", bad.to_str().unwrap()]);
    assert!(!ok, "an invalid file is refused");
    assert!(
        said.contains("not imported, the store is unchanged") && said.contains("1001"),
        "{said}"
    );
    let (_, after, _) = ctid_on(data.path(), &["export"]);
    assert_eq!(after, first, "the store is unchanged");

    let server = Server::start_in(data.path(), &[]);
    let mut gina = Cti::connect(&server.cti);
    gina.login("gina");
    server.stop();
}

/// A data directory whose database a newer ctid migrated is refused by every command that
/// opens it, with a message saying so, and left as it was.
#[test]
fn a_store_with_a_newer_schema_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let location = ctid_store::StoreLocation::SqliteDir(data.path().to_owned());
        let store = ctid_store::Store::open(&location).await.unwrap();
        let ctid_store::Backend::Sqlite(pool) = store.backend() else {
            unreachable!("a SQLite store");
        };
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, \
             execution_time) VALUES ($1, 'from a newer ctid', TRUE, x'00', 0)",
        )
        .bind(ctid_store::known_schema_version() + 1)
        .execute(pool)
        .await
        .unwrap();
        store.close().await;
    });
    for args in [
        &[
            "serve",
            "--cti-listen",
            "127.0.0.1:0",
            "--http-listen",
            "127.0.0.1:0",
        ][..],
        &["export"],
        &["import", "/dev/null"],
    ] {
        let (ok, _, said) = ctid_on(data.path(), args);
        assert!(!ok, "ctid {args:?} refuses the store");
        assert!(
            said.contains("newer than this ctid knows"),
            "ctid {args:?}: {said}"
        );
    }
}
