//! Test harness: a real XuC face (core + embedded PBX + the face's router served by axum on
//! 127.0.0.1:0) on a `ManualClock`, a CTI server on the same core, and WebSocket and REST
//! clients. Every frame a client receives is checked to be a JSON object envelope. Waits have a
//! real-time safety timeout only as a guard; nothing sleeps.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;

use ctid_core::budget::ConnectionBudget;
use ctid_core::dataset::Dataset;
use ctid_core::login_guard::{LoginGuard, LoginGuardConfig};
use ctid_core::store::{
    CallLogWriterConfig, CallLogWriterStats, MemoryCallLog, spawn_call_log_writer,
};
use ctid_core::{CoreConfig, CoreHandle, ManualClock};
use ctid_proto_cti::{CtiConfig, CtiServer};
use ctid_proto_xuc::{XucConfig, XucFace};

/// Real-time guard for every wait.
pub const GUARD: Duration = Duration::from_secs(15);

/// A running server.
pub struct TestServer {
    /// The HTTP listener (XuC routes).
    pub addr: SocketAddr,
    /// The CTI listener.
    pub cti_addr: SocketAddr,
    pub clock: ManualClock,
    pub core: CoreHandle,
    pub dataset: Arc<Dataset>,
    pub sim: ctid_pbx_sim::SimHandle,
    /// The call log both faces read (and the core's call-log writer fills).
    pub call_log: Arc<MemoryCallLog>,
    /// The call-log writer's counters.
    pub call_log_stats: Arc<CallLogWriterStats>,
    pub face: XucFace,
    pub shutdown: CancellationToken,
}

impl TestServer {
    /// A server on the demo dataset with default settings.
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    /// A server on the demo dataset, with XuC settings adjusted by `f`.
    pub async fn start_with(f: impl FnOnce(&mut XucConfig)) -> TestServer {
        Self::start_on(Dataset::demo(), f).await
    }

    /// A server on `dataset`, with XuC settings adjusted by `f`.
    pub async fn start_on(dataset: Dataset, f: impl FnOnce(&mut XucConfig)) -> TestServer {
        let dataset = Arc::new(dataset);
        let clock = ManualClock::at_default_start();
        let (port, adapter) = ctid_core::pbx_link(1024);
        let sim = ctid_pbx_sim::start(
            dataset.clone(),
            clock.shared(),
            ctid_pbx_sim::SimConfig::default(),
            adapter,
        );
        let core = ctid_core::spawn(dataset.clone(), clock.shared(), port, CoreConfig::default());
        let guard =
            LoginGuard::start(&LoginGuardConfig::default(), clock.shared()).expect("workers");
        let mut config = XucConfig::default();
        f(&mut config);
        let shutdown = CancellationToken::new();
        let call_log = Arc::new(MemoryCallLog::default());
        let writer = spawn_call_log_writer(&core, call_log.clone(), CallLogWriterConfig::default())
            .await
            .expect("core");
        let call_log_stats = writer.stats.clone();
        let face = XucFace::start(
            config,
            core.clone(),
            call_log.clone(),
            guard.clone(),
            shutdown.clone(),
        )
        .await
        .expect("core");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = face
            .router()
            .into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let cti = CtiServer::bind_with(
            CtiConfig {
                listen: "127.0.0.1:0".parse().unwrap(),
                ..CtiConfig::default()
            },
            core.clone(),
            call_log.clone(),
            guard,
            ConnectionBudget::unlimited().listener(0),
        )
        .await
        .expect("bind CTI");
        let cti_addr = cti.local_addr();
        let cti_shutdown = shutdown.clone();
        tokio::spawn(cti.run(async move { cti_shutdown.cancelled().await }));
        TestServer {
            addr,
            cti_addr,
            clock,
            core,
            dataset,
            sim,
            call_log,
            call_log_stats,
            face,
            shutdown,
        }
    }

    /// `http://addr` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `POST /xuc/api/2.0/auth/login`: the status and the JSON body.
    pub async fn rest_login(&self, login: &str, password: &str) -> (u16, Value) {
        let r = reqwest::Client::new()
            .post(self.url("/xuc/api/2.0/auth/login"))
            .json(&json!({"login": login, "password": password}))
            .timeout(GUARD)
            .send()
            .await
            .expect("login request");
        let status = r.status().as_u16();
        (status, r.json().await.expect("a JSON body"))
    }

    /// A token for `login` (password = login, as in the demo dataset).
    pub async fn token(&self, login: &str) -> String {
        let (status, body) = self.rest_login(login, login).await;
        assert_eq!(status, 200, "{body}");
        body["token"].as_str().expect("a token").to_owned()
    }

    /// A WebSocket on `path` (with its query).
    pub async fn ws(&self, path: &str) -> WsClient {
        let url = format!("ws://{}{path}", self.addr);
        let (stream, _) = tokio::time::timeout(GUARD, tokio_tungstenite::connect_async(url))
            .await
            .expect("handshake in time")
            .expect("handshake");
        WsClient {
            stream,
            skipped: Vec::new(),
        }
    }

    /// A session of `login` opened with a REST token, `LoggedOn` read.
    pub async fn session(&self, login: &str) -> WsClient {
        let token = self.token(login).await;
        let mut c = self.ws(&format!("/xuc/api/2.0/cti?token={token}")).await;
        let first = c.recv().await;
        assert_eq!(first["msgType"], "LoggedOn", "{first}");
        c
    }

    /// A CTI client logged in as `login`.
    pub async fn cti(&self, login: &str) -> CtiClient {
        CtiClient::login(self.cti_addr, login).await
    }
}

/// A WebSocket client.
pub struct WsClient {
    pub stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Messages read and skipped while waiting for another.
    pub skipped: Vec<Value>,
}

impl WsClient {
    /// Sends a JSON message as a text frame.
    pub async fn send(&mut self, msg: Value) {
        self.send_raw(Message::text(msg.to_string())).await;
    }

    /// Sends a frame.
    pub async fn send_raw(&mut self, msg: Message) {
        tokio::time::timeout(GUARD, self.stream.send(msg))
            .await
            .expect("send in time")
            .expect("send");
    }

    /// The next message (`None` when the server closed), checked to be a JSON object envelope.
    pub async fn next(&mut self) -> Option<Value> {
        loop {
            let frame = tokio::time::timeout(GUARD, self.stream.next())
                .await
                .expect("a frame within the guard time");
            match frame {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return None,
                Some(Ok(Message::Text(text))) => {
                    let v: Value = serde_json::from_str(&text)
                        .unwrap_or_else(|e| panic!("not JSON: {e}: {text}"));
                    assert!(
                        v["msgType"].is_string()
                            && v.get("ctiMessage").is_some_and(|m| !m.is_null()),
                        "not an envelope: {v}"
                    );
                    return Some(v);
                }
                Some(Ok(Message::Binary(_))) => panic!("the server sent a binary frame"),
                Some(Ok(_)) => continue,
            }
        }
    }

    /// The next message; panics if the socket closed.
    pub async fn recv(&mut self) -> Value {
        self.next().await.expect("socket open")
    }

    /// Reads messages until one matches `pred`; others are kept in `skipped`.
    pub async fn expect(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let start = self.skipped.len();
        loop {
            match self.next().await {
                Some(m) if pred(&m) => return m,
                Some(m) => self.skipped.push(m),
                None => panic!(
                    "closed while waiting for {what}; skipped: {:#?}",
                    &self.skipped[start..]
                ),
            }
        }
    }

    /// Reads messages until one of type `msg_type`.
    pub async fn expect_type(&mut self, msg_type: &str) -> Value {
        self.expect(msg_type, |m| m["msgType"] == msg_type).await
    }

    /// Sends a ping and returns every message received before its `Pong`.
    pub async fn drain(&mut self) -> Vec<Value> {
        self.send(json!({"claz":"ping"})).await;
        let mut before = Vec::new();
        loop {
            let m = self.recv().await;
            if m["msgType"] == "Pong" {
                return before;
            }
            before.push(m);
        }
    }

    /// Sends a web command.
    pub async fn command(&mut self, command: &str, args: Value) {
        let mut msg = json!({"claz":"web","command":command});
        if let (Some(m), Value::Object(a)) = (msg.as_object_mut(), args) {
            m.extend(a);
        }
        self.send(msg).await;
    }

    /// Reads until the server closes the socket; returns what came before.
    pub async fn until_closed(&mut self) -> Vec<Value> {
        let mut all = Vec::new();
        while let Some(m) = self.next().await {
            all.push(m);
        }
        all
    }
}

/// A minimal CTI client (JSON lines).
pub struct CtiClient {
    reader: BufReader<TcpStream>,
}

impl CtiClient {
    /// Connects and logs in (password = login).
    pub async fn login(addr: SocketAddr, login: &str) -> CtiClient {
        let tcp = TcpStream::connect(addr).await.expect("connect");
        let mut c = CtiClient {
            reader: BufReader::new(tcp),
        };
        c.expect("starttls", |m| m["class"] == "starttls").await;
        c.send(json!({"class":"login_id","userlogin":login,"company":"xivo","ident":"t","wazoversion":"2.3","commandid":1})).await;
        c.expect("login_id", |m| m["class"] == "login_id").await;
        c.send(json!({"class":"login_pass","password":login,"commandid":2}))
            .await;
        let r = c.expect("login_pass", |m| m["class"] == "login_pass").await;
        let capaid = r["capalist"][0].to_string();
        c.send(json!({"class":"login_capas","capaid":capaid,"state":"available","commandid":3}))
            .await;
        c.expect("login_capas", |m| m["class"] == "login_capas")
            .await;
        c
    }

    /// Sends a message.
    pub async fn send(&mut self, msg: Value) {
        let mut line = msg.to_string();
        line.push('\n');
        self.reader
            .get_mut()
            .write_all(line.as_bytes())
            .await
            .expect("write");
    }

    /// Reads messages until one matches.
    pub async fn expect(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let mut line = String::new();
            let n = tokio::time::timeout(GUARD, self.reader.read_line(&mut line))
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
                .expect("read");
            assert!(n > 0, "closed while waiting for {what}");
            let m: Value = serde_json::from_str(&line).expect("JSON");
            if pred(&m) {
                return m;
            }
        }
    }
}
