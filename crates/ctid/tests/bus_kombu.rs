//! The seed's Python bus client (message-bus.rst's kombu example, kept unchanged in
//! `tests/bus/kombu_call_form_example.py`) receives the `call_form_result` a CTI client of
//! `ctid serve` submits, exactly as the documentation shows it. The example is fixed to the
//! exchange `xivo` on `localhost:5672`, so this test is too (a nonce tells its messages from
//! another run's). Needs `python3` with kombu (`pip install --user kombu`; `.ci/run` installs it):
//! the test fails, never skips, without them, and without the broker.
//!
//! The example's queue has no name and kombu's defaults make it durable, so it outlives the
//! example: the test deletes such queues (bound to `xivo` by `call_form_result`, no consumer)
//! with `rabbitmqctl` where the broker runs here.

mod support;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::json;

use support::cti::Cti;
use support::server::Server;

/// The broker the example connects to (its URL, in ctid's form).
const EXAMPLE_BROKER: &str = "amqp://guest:guest@localhost:5672/%2f";
/// How long one submitted form may take to reach the example before the test submits another
/// (the example binds its queue at some point after it starts, and says nothing then).
const ATTEMPT_WAIT: Duration = Duration::from_secs(2);
/// Forms submitted at most.
const ATTEMPTS: u32 = 10;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/bus/kombu_call_form_example.py")
}

/// Python 3 with kombu (`CTID_TEST_PYTHON`, else `python3`, else the venv `.ci/run` makes
/// under `target/bus-python` where the system's Python is externally managed), or the failure
/// saying what to install.
fn python() -> String {
    let venv =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bus-python/bin/python3");
    let candidates = match std::env::var("CTID_TEST_PYTHON") {
        Ok(python) => vec![python],
        Err(_) => vec!["python3".to_owned(), venv.display().to_string()],
    };
    let mut said = Vec::new();
    for python in candidates {
        match Command::new(&python)
            .args(["-c", "import kombu"])
            .stdin(Stdio::null())
            .output()
        {
            Ok(out) if out.status.success() => return python,
            Ok(out) => said.push(format!(
                "{python}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )),
            Err(e) => said.push(format!("{python}: {e}")),
        }
    }
    panic!(
        "this test needs Python 3 with kombu: `python3 -m pip install --user kombu` (.ci/run installs it; or set CTID_TEST_PYTHON)\n{}",
        said.join("\n")
    )
}

/// The running example; killed (and its queue deleted) when dropped.
struct Example {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Example {
    fn start(python: &str) -> Example {
        // Unbuffered, so each `print` reaches the test at once.
        let mut child = Command::new(python)
            .arg("-u")
            .arg(example())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the example starts");
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Example { child, lines }
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        delete_left_queues();
    }
}

/// Deletes the durable, server-named queues examples left on `xivo` (`--if-unused`: a running
/// example's queue is left to it).
fn delete_left_queues() {
    let rabbitmqctl = |args: &[&str]| -> Option<String> {
        let out = Command::new("rabbitmqctl")
            .arg("-q")
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let Some(bindings) = rabbitmqctl(&[
        "list_bindings",
        "--no-table-headers",
        "source_name",
        "routing_key",
        "destination_name",
    ]) else {
        eprintln!("no rabbitmqctl here: queues the kombu example left on `xivo` are not deleted");
        return;
    };
    for line in bindings.lines() {
        if let ["xivo", "call_form_result", queue] = line.split('\t').collect::<Vec<_>>()[..]
            && queue.starts_with("amq.gen-")
        {
            // The broker may not have seen the example's connection close yet: a few tries
            // (each takes rabbitmqctl's own start, about a second).
            for _ in 0..3 {
                if rabbitmqctl(&["delete_queue", queue, "--if-unused"]).is_some() {
                    break;
                }
            }
        }
    }
}

#[test]
fn the_seed_kombu_example_receives_call_form_result() {
    let python = python();
    // What an earlier run could not delete.
    delete_left_queues();
    let server = Server::launch().args(["--bus-url", EXAMPLE_BROKER]).start();
    server.wait_line("connected to the message bus");
    let node = server.node_uuid();
    let example = Example::start(&python);
    let mut alice = Cti::login_at(&server.cti, "alice");
    let nonce = format!("ctid-kombu-{}-", std::process::id());

    // Alice submits a form until the example, once listening, prints one of them.
    let mut printed = None;
    for attempt in 1..=ATTEMPTS {
        alice.send(
            json!({"class": "call_form_result", "infos": {"buttonname": "saveandclose",
            "variables": {"XIVOFORM_ticket": format!("{nonce}{attempt}")}}}),
        );
        while let Ok(line) = example.lines.recv_timeout(ATTEMPT_WAIT) {
            if line.contains(&nonce) {
                printed = Some(line);
                break;
            }
        }
        if printed.is_some() {
            break;
        }
    }
    let printed = printed.unwrap_or_else(|| {
        panic!("the kombu example printed none of {ATTEMPTS} call forms in time")
    });
    let at = printed.find(&nonce).unwrap() + nonce.len();
    let attempt: String = printed[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    // The body as message-bus.rst documents it, as the example prints the dict kombu decoded.
    assert_eq!(
        printed,
        format!(
            "Received: {{'name': 'call_form_result', 'origin_uuid': '{node}', 'data': {{'user_id': 1, 'variables': {{'ticket': '{nonce}{attempt}'}}}}}}"
        )
    );
}
