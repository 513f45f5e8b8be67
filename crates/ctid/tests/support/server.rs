//! A `ctid serve` child process on ephemeral ports (demo dataset unless told otherwise) with a
//! data directory of its own, its log read line by line (so a test waits for what the server
//! says, never for time), the `ctid sim` client commands against it, and a graceful stop.

use std::cell::RefCell;
use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

use super::GUARD;

/// The binary under test.
pub const CTID: &str = env!("CARGO_BIN_EXE_ctid");

/// What a server is started with: arguments after `serve`, environment, data directory.
#[derive(Default)]
pub struct Launch {
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
    data_dir: Option<PathBuf>,
}

impl Launch {
    /// One more argument of `ctid serve`.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Launch {
        self.args.push(arg.into());
        self
    }

    /// More arguments of `ctid serve`.
    pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(mut self, args: I) -> Launch {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// An environment variable of the server (`CTID_…` settings).
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Launch {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Runs on the data directory `dir` (kept) rather than a fresh temporary one.
    pub fn data_dir(mut self, dir: &Path) -> Launch {
        self.data_dir = Some(dir.to_owned());
        self
    }

    /// Starts the server and waits until it says it is ready.
    pub fn start(self) -> Server {
        let temporary = match self.data_dir {
            Some(_) => None,
            None => Some(tempfile::tempdir().expect("a temporary data directory")),
        };
        let data_dir = match (&self.data_dir, &temporary) {
            (Some(dir), _) => dir.clone(),
            (None, Some(temp)) => temp.path().to_owned(),
            (None, None) => unreachable!("one of the two is set"),
        };
        let mut child = Command::new(CTID)
            .args([
                "serve",
                "--cti-listen",
                "127.0.0.1:0",
                "--http-listen",
                "127.0.0.1:0",
            ])
            .arg("--data-dir")
            .arg(&data_dir)
            .args(&self.args)
            .envs(self.env)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ctid starts");
        // The reader thread keeps the pipe drained, so the server never blocks on its log.
        let (tx, lines) = mpsc::channel();
        let stderr = child.stderr.take().expect("piped stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            log: RefCell::new(Log {
                lines,
                seen: Vec::new(),
                cursor: 0,
            }),
            cti: String::new(),
            http: String::new(),
            data_dir,
            _temporary: temporary,
        };
        let ready = server.wait_line("ctid is ready");
        let field = |name: &str| {
            let at = ready
                .find(&format!("{name}="))
                .unwrap_or_else(|| panic!("no {name} in {ready}"))
                + name.len()
                + 1;
            ready[at..].split_whitespace().next().unwrap().to_owned()
        };
        server.cti = field("cti");
        server.http = format!("http://{}", field("http"));
        // Lines logged before "ready" (the bus connecting, say) may still be waited for.
        server.log.borrow_mut().cursor = 0;
        server
    }
}

/// The server's log: the lines read so far and how far the test has waited through them.
struct Log {
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    cursor: usize,
}

/// A running `ctid serve`; killed when dropped.
pub struct Server {
    /// The process.
    pub child: Child,
    log: RefCell<Log>,
    /// The CTI listener's address (`host:port`).
    pub cti: String,
    /// The HTTP listener's base URL (`http://host:port`).
    pub http: String,
    /// The data directory.
    pub data_dir: PathBuf,
    _temporary: Option<tempfile::TempDir>,
}

impl Server {
    /// What to start a server with.
    pub fn launch() -> Launch {
        Launch::default()
    }

    /// A server with a fresh data directory, removed when it is dropped.
    pub fn start() -> Server {
        Server::launch().start()
    }

    /// A server with a fresh data directory and `extra` arguments of `ctid serve`.
    pub fn start_with(extra: &[&str]) -> Server {
        Server::launch().args(extra).start()
    }

    /// A server on the data directory `data` (kept).
    pub fn start_in(data: &Path, extra: &[&str]) -> Server {
        Server::launch().data_dir(data).args(extra).start()
    }

    /// The node's uuid, as ctid keeps it in its data directory.
    pub fn node_uuid(&self) -> String {
        let path = self.data_dir.join("node-uuid");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
            .trim()
            .to_owned()
    }

    /// The next log line (after the last one waited for) containing `needle`; the test fails
    /// after [`GUARD`] without one, showing the log.
    pub fn wait_line(&self, needle: &str) -> String {
        let mut log = self.log.borrow_mut();
        loop {
            while log.cursor < log.seen.len() {
                let at = log.cursor;
                log.cursor += 1;
                if log.seen[at].contains(needle) {
                    return log.seen[at].clone();
                }
            }
            match log.lines.recv_timeout(GUARD) {
                Ok(line) => log.seen.push(line),
                Err(e) => panic!(
                    "no log line with {needle:?} ({e}); the log:\n{}",
                    log.seen.join("\n")
                ),
            }
        }
    }

    /// Every line logged until the process closed its log (call once it has exited).
    fn rest_of_log(&self) -> Vec<String> {
        let mut log = self.log.borrow_mut();
        while let Ok(line) = log.lines.recv_timeout(GUARD) {
            log.seen.push(line);
        }
        let from = log.cursor;
        log.cursor = log.seen.len();
        log.seen[from..].to_vec()
    }

    /// Sends SIGTERM (a graceful stop).
    pub fn terminate(&self) {
        self.signal("-TERM");
    }

    /// Sends a signal (`-TERM`, `-HUP`) to the server.
    pub fn signal(&self, signal: &str) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args([signal, &pid])
                .status()
                .unwrap()
                .success(),
            "kill {signal} {pid}"
        );
    }

    /// Stops the server with SIGTERM, checks its graceful exit (status 0) and returns what it
    /// logged from "ctid stopped" on (the final counters).
    pub fn stop(mut self) -> Vec<String> {
        self.terminate();
        let stopped = self.wait_line("ctid stopped");
        let status = self.child.wait().unwrap();
        assert!(status.success(), "exit status {status}");
        let mut rest = vec![stopped];
        rest.extend(self.rest_of_log());
        rest
    }

    /// Runs `ctid sim ARGS` against this server; its standard output (the command must succeed).
    pub fn sim(&self, args: &[&str]) -> String {
        sim(&self.http, args)
    }
}

/// Runs `ctid sim ARGS` against the server at `http` (from any thread); its standard output
/// (the command must succeed).
pub fn sim(http: &str, args: &[&str]) -> String {
    let out = Command::new(CTID)
        .arg("sim")
        .args(args)
        .args(["--server", http])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ctid sim {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The value of `key=value` in a log line (tracing's format), if there is one.
pub fn log_field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split_whitespace()
        .find_map(|word| word.strip_prefix(key)?.strip_prefix('='))
}
