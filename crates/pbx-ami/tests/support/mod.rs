//! A scripted AMI peer: a real TCP listener speaking AMI with fragments recorded from Asterisk
//! 20 (`shared/data/ami/`), and the adapter started against it on a real `pbx_link`, on a
//! manual clock.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use ctid_core::ids::ActionId;
use ctid_core::pbx::{PbxAction, PbxEvent, PbxPort, PbxRequest, PbxSnapshot, pbx_link};
use ctid_core::{Dataset, ManualClock};
use ctid_pbx_ami::codec::{AmiCodec, AmiFrame, Limits};
use ctid_pbx_ami::message::Kind;
use ctid_pbx_ami::{AmiConfig, AmiHandle, AmiMessage, AuthMode};
use futures::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::FramedRead;

/// How long a test waits for anything before failing.
pub const WAIT: Duration = Duration::from_secs(10);

/// Asterisk 20's banner.
pub const BANNER: &str = "Asterisk Call Manager/9.0.0";

/// The secret of the captures' AMI user.
pub const SECRET: &str = "ctisecret";

/// The listener the adapter connects to.
pub struct Peer {
    listener: TcpListener,
}

impl Peer {
    /// Listens on a free loopback port.
    pub async fn bind() -> Peer {
        Peer {
            listener: TcpListener::bind("127.0.0.1:0").await.unwrap(),
        }
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().unwrap().port()
    }

    /// The adapter's next connection.
    pub async fn accept(&self) -> Conn {
        let (stream, _) = tokio::time::timeout(WAIT, self.listener.accept())
            .await
            .expect("the adapter connects")
            .unwrap();
        Conn::new(stream)
    }
}

/// One connection from the adapter, seen from Asterisk's side.
pub struct Conn {
    reader: FramedRead<tokio::net::tcp::OwnedReadHalf, AmiCodec>,
    writer: OwnedWriteHalf,
    /// An action read ahead (the first after the services written on connect).
    peeked: Option<AmiMessage>,
    /// The `DBPut`s the adapter sent on connect (users' services), as answered.
    pub services_written: Vec<AmiMessage>,
}

impl Conn {
    fn new(stream: TcpStream) -> Conn {
        let (read, write) = stream.into_split();
        Conn {
            reader: FramedRead::new(read, AmiCodec::without_banner(Limits::default())),
            writer: write,
            peeked: None,
            services_written: Vec::new(),
        }
    }

    /// Writes raw bytes (`\n` in `text` becomes CRLF, as Asterisk writes).
    pub async fn send(&mut self, text: &str) {
        let wire = text.replace("\r\n", "\n").replace('\n', "\r\n");
        self.send_raw(wire.as_bytes()).await;
    }

    /// Writes bytes as they are.
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        // The adapter may have closed already (tests of failures): errors do not matter.
        let _ = self.writer.write_all(bytes).await;
    }

    /// The next action the adapter sends.
    pub async fn action(&mut self) -> AmiMessage {
        if let Some(peeked) = self.peeked.take() {
            return peeked;
        }
        match tokio::time::timeout(WAIT, self.reader.next()).await {
            Ok(Some(Ok(AmiFrame::Message(m)))) => m,
            other => panic!("expected an action, got {other:?}"),
        }
    }

    /// The next action, which must be `name`.
    pub async fn expect(&mut self, name: &str) -> AmiMessage {
        let m = self.action().await;
        assert_eq!(m.kind(), Kind::Action(name), "{m:?}");
        m
    }

    /// Whether the adapter closed the connection (waits for it).
    pub async fn closed(&mut self) -> bool {
        loop {
            match tokio::time::timeout(WAIT, self.reader.next()).await {
                Ok(None) | Ok(Some(Err(_))) => return true,
                Ok(Some(Ok(_))) => continue,
                Err(_) => return false,
            }
        }
    }

    /// Answers `action` with `Response: Success` and these extra lines.
    pub async fn ok(&mut self, action: &AmiMessage, extra: &str) {
        let id = action.action_id().unwrap();
        self.send(&format!("Response: Success\nActionID: {id}\n{extra}\n"))
            .await;
    }

    /// Answers `action` with `Response: Error` and `message`.
    pub async fn error(&mut self, action: &AmiMessage, message: &str) {
        let id = action.action_id().unwrap();
        self.send(&format!(
            "Response: Error\nActionID: {id}\nMessage: {message}\n\n"
        ))
        .await;
    }

    /// Banner and plain login, as Asterisk 20 answers them.
    pub async fn login_plain(&mut self, banner: &str) {
        self.send(&format!("{banner}\n")).await;
        let login = self.expect("Login").await;
        assert_eq!(login.get("Username"), Some("cti"));
        assert_eq!(login.get("Secret"), Some(SECRET));
        self.ok(&login, "Message: Authentication accepted\n").await;
    }

    /// The rest of the handshake after a login: filters, events on, and every resync list
    /// answered empty (a list start and its `Complete` event, as Asterisk 20 sends them).
    pub async fn after_login(&mut self) {
        let mut action = self.action().await;
        while action.kind() == Kind::Action("Filter") {
            self.ok(&action, "Message: Success\n").await;
            action = self.action().await;
        }
        assert_eq!(action.kind(), Kind::Action("Events"), "{action:?}");
        self.ok(&action, "Events: On\n").await;
        self.answer_services().await;
        for _ in ctid_pbx_ami::snapshot::resync_actions() {
            let list = self.action().await;
            self.empty_list(&list).await;
        }
    }

    /// Answers the `DBPut`s the adapter sends after turning events on (every user's services),
    /// as Asterisk does, keeping them in `services_written`; stops at the first other action.
    pub async fn answer_services(&mut self) {
        self.services_written.clear();
        loop {
            let action = self.action().await;
            if action.kind() != Kind::Action("DBPut") {
                self.peeked = Some(action);
                return;
            }
            self.ok(&action, "Message: Updated database successfully\n")
                .await;
            self.services_written.push(action);
        }
    }

    /// Answers a list action with an empty list.
    pub async fn empty_list(&mut self, list: &AmiMessage) {
        let Kind::Action(name) = list.kind() else {
            panic!("not an action: {list:?}")
        };
        let id = list.action_id().unwrap();
        self.send(&format!(
            "Response: Success\nActionID: {id}\nEventList: start\nMessage: {name} will follow\n\n\
             Event: {name}Complete\nActionID: {id}\nEventList: Complete\nListItems: 0\n\n"
        ))
        .await;
    }

    /// Banner, plain login, filters, events, resync.
    pub async fn handshake(&mut self) {
        self.login_plain(BANNER).await;
        self.after_login().await;
    }
}

/// A test's adapter and the core's end of its port.
pub struct Rig {
    /// The core's end.
    pub core: PbxPort,
    /// The clock the adapter's timers run on.
    pub clock: ManualClock,
    /// The adapter.
    pub handle: AmiHandle,
    /// The dataset.
    pub dataset: Arc<Dataset>,
    next_action: u64,
}

/// Settings for tests: plain login, no backoff, no keep-alive unless asked.
pub fn config(port: u16) -> AmiConfig {
    AmiConfig {
        host: "127.0.0.1".into(),
        port,
        username: "cti".into(),
        secret: SECRET.into(),
        auth: AuthMode::Plain,
        reconnect_min: Duration::ZERO,
        reconnect_max: Duration::ZERO,
        ping_interval: Duration::from_secs(3600),
        ..AmiConfig::default()
    }
}

impl Rig {
    /// Starts the adapter with `config` on the demo dataset.
    pub fn start(config: AmiConfig) -> Rig {
        Rig::start_with(config, Dataset::demo())
    }

    /// Starts the adapter with `config` on the lab dataset of the recordings
    /// (`tests/data/lab.toml`).
    pub fn start_lab(config: AmiConfig) -> Rig {
        let lab = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/lab.toml");
        Rig::start_with(
            config,
            Dataset::load(lab.as_ref()).expect("the lab dataset loads"),
        )
    }

    /// Starts the adapter with `config` on `dataset`.
    pub fn start_with(config: AmiConfig, dataset: Dataset) -> Rig {
        let (core, adapter) = pbx_link(64);
        let clock = ManualClock::at_default_start();
        let dataset = Arc::new(dataset);
        let handle = ctid_pbx_ami::start(dataset.clone(), clock.shared(), config, adapter);
        Rig {
            core,
            clock,
            handle,
            dataset,
            next_action: 0,
        }
    }

    /// The next batch of events at the core's end.
    pub async fn batch(&mut self) -> Vec<PbxEvent> {
        tokio::time::timeout(WAIT, self.core.events.recv())
            .await
            .expect("a batch of events reaches the core")
            .expect("the adapter runs")
    }

    /// The next batch, which must be one snapshot.
    pub async fn snapshot(&mut self) -> PbxSnapshot {
        let batch = self.batch().await;
        match <[PbxEvent; 1]>::try_from(batch) {
            Ok([PbxEvent::Snapshot(s)]) => *s,
            Ok(other) => panic!("expected a snapshot, got {other:?}"),
            Err(other) => panic!("expected a snapshot, got {other:?}"),
        }
    }

    /// Sends an action as the core does; returns its id.
    pub fn submit(&mut self, action: PbxAction) -> ActionId {
        self.next_action += 1;
        let id = ActionId(self.next_action);
        self.core
            .submit(PbxRequest { id, action })
            .expect("the port takes it");
        id
    }

    /// Waits for the adapter to be live (resync done: its snapshot received).
    pub async fn live(&mut self) -> PbxSnapshot {
        self.snapshot().await
    }
}
