//! Test harness: a real CTI server (core + embedded PBX + `CtiServer` on 127.0.0.1:0) on a
//! `ManualClock`, and a small line client that waits for messages matching a predicate. Waits
//! have a real-time safety timeout only as a guard; nothing sleeps.

#![allow(dead_code)]

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::oneshot;

use ctid_core::budget::ConnectionBudget;
use ctid_core::dataset::Dataset;
use ctid_core::login_guard::{LoginGuard, LoginGuardConfig};
use ctid_core::store::MemoryCallLog;
use ctid_core::{CoreConfig, CoreHandle, ManualClock};
use ctid_proto_cti::{CtiConfig, CtiServer, CtiStats};

/// Real-time guard for every wait.
pub const GUARD: Duration = Duration::from_secs(15);

/// A running server.
pub struct TestServer {
    pub addr: SocketAddr,
    pub clock: ManualClock,
    pub core: CoreHandle,
    pub dataset: Arc<Dataset>,
    pub call_log: Arc<MemoryCallLog>,
    /// The embedded PBX (outside callers, phone buttons).
    pub sim: ctid_pbx_sim::SimHandle,
    /// The server's login guard (throttling, password checks).
    pub guard: Arc<LoginGuard>,
    /// The server's counters.
    pub stats: CtiStats,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    /// A server on the demo dataset with default settings.
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    /// A server on the demo dataset, with settings adjusted by `f`.
    pub async fn start_with(f: impl FnOnce(&mut CtiConfig)) -> TestServer {
        Self::start_on(Arc::new(Dataset::demo()), f).await
    }

    /// A server on `dataset`, with settings adjusted by `f`.
    pub async fn start_on(dataset: Arc<Dataset>, f: impl FnOnce(&mut CtiConfig)) -> TestServer {
        Self::start_guarded(dataset, LoginGuardConfig::default(), f).await
    }

    /// A server on `dataset` with the given login guard settings, settings adjusted by `f`.
    pub async fn start_guarded(
        dataset: Arc<Dataset>,
        guard: LoginGuardConfig,
        f: impl FnOnce(&mut CtiConfig),
    ) -> TestServer {
        let clock = ManualClock::at_default_start();
        let (port, adapter) = ctid_core::pbx_link(1024);
        let sim = ctid_pbx_sim::start(
            dataset.clone(),
            clock.shared(),
            ctid_pbx_sim::SimConfig::default(),
            adapter,
        );
        let core = ctid_core::spawn(dataset.clone(), clock.shared(), port, CoreConfig::default());
        let call_log = Arc::new(MemoryCallLog::default());
        ctid_core::store::spawn_call_log_writer(&core, call_log.clone(), Default::default())
            .await
            .expect("core");
        let mut config = CtiConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            ..CtiConfig::default()
        };
        f(&mut config);
        let guard = LoginGuard::start(&guard, clock.shared()).expect("password workers");
        let budget = ConnectionBudget::unlimited().listener(0);
        let server = CtiServer::bind_with(
            config,
            core.clone(),
            call_log.clone(),
            guard.clone(),
            budget,
        )
        .await
        .expect("bind");
        let addr = server.local_addr();
        let stats = server.stats();
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(server.run(async move {
            let _ = rx.await;
        }));
        TestServer {
            addr,
            clock,
            core,
            dataset,
            call_log,
            sim,
            guard,
            stats,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// A raw connection (the STARTTLS offer not read yet).
    pub async fn connect(&self) -> Client {
        Client::connect(self.addr).await
    }

    /// A connection logged in as `login` (password = login, as in the demo dataset), with the
    /// `login_capas` reply read.
    pub async fn login(&self, login: &str) -> Client {
        let mut c = self.connect().await;
        c.login(login, login).await;
        c
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(GUARD, task)
                .await
                .expect("server stops in time")
                .expect("server task")
                .expect("server result");
        }
    }
}

/// A message predicate.
pub type Pred<'a> = dyn Fn(&Value) -> bool + 'a;

/// A byte stream (plain or TLS).
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// A line client.
pub struct Client {
    stream: Option<Box<dyn Stream>>,
    buf: Vec<u8>,
    /// Messages read and skipped while waiting for another.
    pub skipped: Vec<Value>,
}

impl Client {
    /// Connects.
    pub async fn connect(addr: SocketAddr) -> Client {
        let tcp = TcpStream::connect(addr).await.expect("connect");
        Client {
            stream: Some(Box::new(tcp)),
            buf: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// Connects from a given local address (e.g. another loopback address, 127.0.0.2: a
    /// different source address for the server's per-address rules).
    pub async fn connect_from(addr: SocketAddr, source: IpAddr) -> Client {
        let socket = TcpSocket::new_v4().expect("socket");
        socket
            .bind(SocketAddr::new(source, 0))
            .expect("bind source");
        let tcp = socket.connect(addr).await.expect("connect");
        Client {
            stream: Some(Box::new(tcp)),
            buf: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// Connects with a receive buffer of about `bytes` (the kernel may round it), so that a
    /// client that does not read leaves the server's writes unsent sooner.
    pub async fn connect_with_receive_buffer(addr: SocketAddr, bytes: u32) -> Client {
        let socket = TcpSocket::new_v4().expect("socket");
        socket.set_recv_buffer_size(bytes).expect("receive buffer");
        let tcp = socket.connect(addr).await.expect("connect");
        Client {
            stream: Some(Box::new(tcp)),
            buf: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// Sends raw bytes within the guard time; an error if the server closed the connection.
    pub async fn try_send_raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let s = self.stream();
        let write = async {
            s.write_all(bytes).await?;
            s.flush().await
        };
        tokio::time::timeout(GUARD, write)
            .await
            .expect("the server reads what the client sends")
    }

    fn stream(&mut self) -> &mut Box<dyn Stream> {
        self.stream.as_mut().expect("stream")
    }

    /// Sends a JSON message as one line.
    pub async fn send(&mut self, msg: Value) {
        let mut line = serde_json::to_vec(&msg).unwrap();
        line.push(b'\n');
        self.send_raw(&line).await;
    }

    /// Sends raw bytes.
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        let s = self.stream();
        s.write_all(bytes).await.expect("write");
        s.flush().await.expect("flush");
    }

    /// Reads the next line (`None` at end of stream), with the guard timeout.
    pub async fn next_line(&mut self) -> Option<Vec<u8>> {
        tokio::time::timeout(GUARD, self.read_line())
            .await
            .expect("a line within the guard time")
    }

    async fn read_line(&mut self) -> Option<Vec<u8>> {
        {
            loop {
                if let Some(pos) = self.buf.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = self.buf.drain(..=pos).collect();
                    return Some(line[..line.len() - 1].to_vec());
                }
                let mut chunk = [0u8; 16 * 1024];
                let n: usize = self.stream().read(&mut chunk).await.unwrap_or_default();
                if n == 0 {
                    return None;
                }
                self.buf.extend_from_slice(&chunk[..n]);
            }
        }
    }

    /// Reads the next message.
    pub async fn recv(&mut self) -> Value {
        let line = self.next_line().await.expect("connection open");
        serde_json::from_slice(&line).unwrap_or_else(|e| {
            panic!(
                "bad JSON from server: {e}: {}",
                String::from_utf8_lossy(&line)
            )
        })
    }

    /// Reads messages until one matches `pred`; others are kept in `skipped`.
    pub async fn expect(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let start = self.skipped.len();
        loop {
            let line = match tokio::time::timeout(GUARD, self.read_line()).await {
                Ok(Some(line)) => line,
                Ok(None) => panic!(
                    "connection closed while waiting for {what}; skipped: {:#?}",
                    &self.skipped[start..]
                ),
                Err(_) => panic!(
                    "timed out waiting for {what}; skipped meanwhile: {:#?}",
                    &self.skipped[start..]
                ),
            };
            let msg: Value = serde_json::from_slice(&line).expect("JSON");
            assert!(
                msg["timenow"].is_number(),
                "every message carries timenow: {msg}"
            );
            if pred(&msg) {
                return msg;
            }
            self.skipped.push(msg);
        }
    }

    /// Reads messages until every predicate has matched one (in any order); returns the matches
    /// in the order of the predicates.
    pub async fn expect_all(&mut self, preds: &[(&str, &Pred<'_>)]) -> Vec<Value> {
        let mut found: Vec<Option<Value>> = vec![None; preds.len()];
        while found.iter().any(Option::is_none) {
            let missing: Vec<&str> = preds
                .iter()
                .zip(&found)
                .filter(|(_, f)| f.is_none())
                .map(|((w, _), _)| *w)
                .collect();
            let what = missing.join(" + ");
            let m = self
                .expect(&what, |m| {
                    preds
                        .iter()
                        .zip(&found)
                        .any(|((_, p), f)| f.is_none() && p(m))
                })
                .await;
            for ((_, p), f) in preds.iter().zip(found.iter_mut()) {
                if f.is_none() && p(&m) {
                    *f = Some(m.clone());
                    break;
                }
            }
        }
        found.into_iter().map(Option::unwrap).collect()
    }

    /// The next message that is not a `getlist` push (presence and list pushes may arrive at any
    /// time after login).
    pub async fn reply(&mut self) -> Value {
        self.expect("a reply", |m| {
            !(m["class"] == "getlist" && m.get("error_string").is_none())
        })
        .await
    }

    /// Reads messages until one of `class` arrives.
    pub async fn expect_class(&mut self, class: &str) -> Value {
        self.expect(class, |m| m["class"] == class).await
    }

    /// Reads until the server closes the connection.
    pub async fn expect_closed(&mut self) {
        while let Some(line) = self.next_line().await {
            self.skipped
                .push(serde_json::from_slice(&line).unwrap_or(Value::Null));
        }
    }

    /// Sends a keepalive with a marker and returns every message received before its reply.
    pub async fn drain(&mut self) -> Vec<Value> {
        let marker = 987_654_321;
        self.send(json!({"class":"keepalive","commandid":marker}))
            .await;
        let mut before = Vec::new();
        loop {
            let m = self.recv().await;
            if m["class"] == "keepalive" && m["replyid"] == marker {
                return before;
            }
            before.push(m);
        }
    }

    /// The three-step login (reads the STARTTLS offer first).
    pub async fn login(&mut self, login: &str, password: &str) -> Value {
        let offer = self.recv().await;
        assert_eq!(offer["class"], "starttls");
        self.login_steps(login, password).await
    }

    /// The three login steps, the offer already handled.
    pub async fn login_steps(&mut self, login: &str, password: &str) -> Value {
        self.send(json!({"class":"login_id","userlogin":login,"company":"xivo","ident":"test","wazoversion":"2.3","commandid":1}))
            .await;
        let r = self.expect_class("login_id").await;
        assert!(r["sessionid"].is_string(), "{r}");
        self.send(json!({"class":"login_pass","password":password,"commandid":2}))
            .await;
        let r = self.expect_class("login_pass").await;
        let capaid = r["capalist"][0].clone();
        assert!(capaid.is_number(), "{r}");
        self.send(json!({"class":"login_capas","capaid":capaid.to_string(),"state":"available","commandid":3}))
            .await;
        let r = self.expect_class("login_capas").await;
        assert!(r["userid"].is_string(), "{r}");
        r
    }

    /// Replaces the stream (after a TLS upgrade).
    pub fn take_stream(&mut self) -> Box<dyn Stream> {
        assert!(self.buf.is_empty(), "no bytes pending before an upgrade");
        self.stream.take().expect("stream")
    }

    /// Sets the stream.
    pub fn set_stream(&mut self, s: Box<dyn Stream>) {
        self.stream = Some(s);
    }

    /// Closes the connection.
    pub async fn close(mut self) {
        if let Some(mut s) = self.stream.take() {
            let _ = s.shutdown().await;
        }
    }
}

/// A getlist request.
pub fn getlist(function: &str, list: &str, tid: Option<&str>) -> Value {
    let mut m = json!({"class":"getlist","function":function,"listname":list,"tipbxid":"xivo","commandid":7});
    if let Some(tid) = tid {
        m["tid"] = json!(tid);
    }
    m
}

/// Whether a message is the `getlist <function> <list>` reply/push for `tid`.
pub fn is_getlist(m: &Value, function: &str, list: &str, tid: &str) -> bool {
    m["class"] == "getlist" && m["function"] == function && m["listname"] == list && m["tid"] == tid
}
