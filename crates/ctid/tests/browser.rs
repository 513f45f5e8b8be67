//! ctid's pages and cti.js in a real browser: `ctid serve` (demo dataset, embedded PBX, the
//! /sim routes) and `node tests/browser/run.mjs`, which drives headless Chromium through
//! playwright-core: the sample application logs in with a password and with a token, dials
//! (the sim answers the far end), sees PhoneEvents and its agent's state changes; the wallboard
//! updates in place when a sim call joins a queue.
//!
//! Needs Debian's `chromium` (`apt-get install -y chromium`) and the node side
//! (`cd tests/browser && npm ci`); without them the test FAILS, saying so. Optional settings
//! (not `CTID_…`: those are the server's configuration):
//! `BROWSER_TEST_CHROMIUM` (the browser, default `/usr/bin/chromium`), `BROWSER_TEST_SCREENSHOTS=DIR`
//! (write `sample.png` and `wallboard.png` there, as in docs/), `BROWSER_TEST_CTI_JS=FILE`
//! (serve FILE in place of ctid's cti.js: a check against another cti.js, e.g. XuC's).

mod support;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use support::server::Server;

/// Guard for the whole browser run (its own waits are 10 s each).
const RUN_GUARD: Duration = Duration::from_secs(150);

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What the browser run needs, or a message saying how to install what is missing.
fn prerequisites() -> Result<(PathBuf, PathBuf), String> {
    let chromium = std::env::var_os("BROWSER_TEST_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let mut missing = Vec::new();
    if !chromium.exists() {
        missing.push(format!(
            "no Chromium at {}: apt-get install -y chromium (or set BROWSER_TEST_CHROMIUM)",
            chromium.display()
        ));
    }
    match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        _ => missing.push("no `node` on PATH: apt-get install -y nodejs npm".to_owned()),
    }
    let dir = workspace().join("tests/browser");
    if !dir.join("node_modules/playwright-core").exists() {
        missing.push(format!(
            "playwright-core is not installed: cd {} && npm ci",
            dir.display()
        ));
    }
    if missing.is_empty() {
        Ok((chromium, dir))
    } else {
        Err(missing.join("\n"))
    }
}

#[test]
fn the_pages_work_in_headless_chromium() {
    let (chromium, dir) = match prerequisites() {
        Ok(found) => found,
        Err(missing) => panic!("the browser tests cannot run:\n{missing}"),
    };
    let server = Server::start();
    let mut node = Command::new("node");
    node.current_dir(&dir)
        .arg("run.mjs")
        .arg("--base")
        .arg(&server.http)
        .arg("--chromium")
        .arg(&chromium)
        .stdin(Stdio::null());
    // Relative paths are taken from the workspace's root.
    if let Some(shots) = std::env::var_os("BROWSER_TEST_SCREENSHOTS") {
        node.arg("--screenshots").arg(workspace().join(shots));
    }
    if let Some(cti_js) = std::env::var_os("BROWSER_TEST_CTI_JS") {
        node.arg("--cti-js").arg(workspace().join(cti_js));
    }
    let child = node
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(RUN_GUARD) {
        Ok(out) => out.expect("node's output"),
        Err(_) => {
            let _ = Command::new("kill").arg(pid.to_string()).status();
            panic!("the browser run took more than {RUN_GUARD:?}");
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "the browser run failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    for case in [
        "sample: password login",
        "sample: token login",
        "wallboard:",
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with("ok - ") && l.contains(case)),
            "no passing case {case:?} in:\n{stdout}"
        );
    }
    assert!(
        stdout.lines().any(|l| l.ends_with(" passed, 0 failed")),
        "{stdout}"
    );
}
