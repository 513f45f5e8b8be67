//! The adapter's task: connects to Asterisk, logs in, sets the event filter, resyncs, then
//! translates live events for the core and the core's actions for Asterisk, until the
//! connection is lost; then tells the core the switch is gone, waits (capped exponential
//! backoff) and starts again.
//!
//! Every wait has a deadline on the injected clock: the connection, the banner and each login
//! step (`login_timeout`), each resync list (`list_timeout` without a message), each action's
//! answer (`action_timeout`), the keep-alive ping. While not live (connecting, logging in,
//! resyncing, waiting to reconnect) every action the core sends is answered at once with
//! `ActionFailed` ("the Asterisk switch is not connected"); a configuration change is followed
//! in every state.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use ctid_core::pbx::{PbxAction, PbxAdapterEnd, PbxEvent, PbxRequest};
use ctid_core::{Dataset, SharedClock, Timestamp};
use futures::{FutureExt, SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_util::codec::Framed;

use crate::actions::{self, Expect, Plan};
use crate::backoff::Backoff;
use crate::channels::Channels;
use crate::codec::{AmiCodec, AmiFrame};
use crate::config::{AmiConfig, AuthMode};
use crate::message::{AmiMessage, Kind};
use crate::outage::OutageView;
use crate::pending::{Pending, PendingActions, Waiting};
use crate::services::ServiceBook;
use crate::snapshot::{SnapshotBuilder, resync_actions};
use crate::translate::Translator;
use crate::{filter, login};

mod service_writes;

/// The reason given for actions while Asterisk is not connected.
pub const NOT_CONNECTED: &str = "the Asterisk switch is not connected";

/// Events per batch sent to the core, at most.
const MAX_BATCH: usize = 512;
/// Frames read in one go before a batch is sent.
const MAX_READ_AHEAD: usize = 256;
/// How often waiting actions are checked for their deadline.
const SWEEP: Duration = Duration::from_secs(1);

/// Counters of the adapter, readable while it runs.
#[derive(Debug, Default)]
pub struct AmiStats {
    connects: AtomicU64,
    login_failures: AtomicU64,
    skipped_blocks: AtomicU64,
    events: AtomicU64,
    live: AtomicBool,
}

impl AmiStats {
    /// Sessions that reached the live state (resync done).
    pub fn connects(&self) -> u64 {
        self.connects.load(Ordering::Relaxed)
    }

    /// Logins Asterisk refused.
    pub fn login_failures(&self) -> u64 {
        self.login_failures.load(Ordering::Relaxed)
    }

    /// Bad blocks from Asterisk the codec skipped.
    pub fn skipped_blocks(&self) -> u64 {
        self.skipped_blocks.load(Ordering::Relaxed)
    }

    /// AMI events read while live.
    pub fn events(&self) -> u64 {
        self.events.load(Ordering::Relaxed)
    }

    /// Whether the adapter is live now (logged in and resynced).
    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::Relaxed)
    }
}

/// The running adapter.
#[derive(Debug)]
pub struct AmiHandle {
    /// Its counters.
    pub stats: Arc<AmiStats>,
    /// Its task: it ends when the core drops its end of the PBX port.
    pub task: tokio::task::JoinHandle<()>,
}

/// Starts the Asterisk adapter on the current tokio runtime, on the adapter end of a PBX port.
/// It connects at once and keeps connecting until the core drops its end of the port.
pub fn start(
    dataset: Arc<Dataset>,
    clock: SharedClock,
    config: AmiConfig,
    port: PbxAdapterEnd,
) -> AmiHandle {
    let stats = Arc::new(AmiStats::default());
    let link = Link {
        outage: OutageView::new(&dataset),
        translator: Translator::new(dataset.clone()),
        services: ServiceBook::new(&dataset),
        dataset,
        clock,
        config,
        port,
        channels: Channels::default(),
        pending: PendingActions::default(),
        next_action: 0,
        stats: stats.clone(),
        outage_sent: false,
    };
    AmiHandle {
        stats,
        task: tokio::spawn(link.run()),
    }
}

/// Why a session ended.
#[derive(Debug)]
enum Stop {
    /// The core dropped its end of the port: the adapter stops.
    CoreGone,
    /// The connection is lost or unusable (the reason, for the log).
    Lost(String),
    /// Asterisk refused the login (its message).
    LoginRefused(String),
}

type Conn = Framed<TcpStream, AmiCodec>;

struct Link {
    dataset: Arc<Dataset>,
    clock: SharedClock,
    config: AmiConfig,
    port: PbxAdapterEnd,
    translator: Translator,
    /// Users' services, written to AstDB on every connect and on each change.
    services: ServiceBook,
    channels: Channels,
    pending: PendingActions,
    outage: OutageView,
    next_action: u64,
    stats: Arc<AmiStats>,
    /// The core was told the switch is gone (and not told otherwise since).
    outage_sent: bool,
}

impl Link {
    async fn run(mut self) {
        let mut backoff = Backoff::new(self.config.reconnect_min, self.config.reconnect_max);
        let address = self.config.address();
        loop {
            let mut was_live = false;
            let stop = self.session(&address, &mut was_live).await;
            self.stats.live.store(false, Ordering::Relaxed);
            if was_live {
                backoff.reset();
            }
            match stop {
                Stop::CoreGone => {
                    tracing::info!("the core is gone: the Asterisk adapter stops");
                    return;
                }
                Stop::Lost(reason) => {
                    tracing::warn!(%address, %reason, "Asterisk connection lost or failed");
                }
                Stop::LoginRefused(message) => {
                    self.stats.login_failures.fetch_add(1, Ordering::Relaxed);
                    tracing::error!(
                        %address,
                        username = %self.config.username,
                        %message,
                        "Asterisk refused the login: check [pbx.asterisk] username and secret \
                         against manager.conf"
                    );
                }
            }
            if self
                .fail_pending("the connection to Asterisk was lost")
                .await
                .is_err()
            {
                return;
            }
            if !self.outage_sent {
                self.outage_sent = true;
                let snapshot = self.outage.snapshot();
                if self
                    .send_batch(vec![PbxEvent::Snapshot(Box::new(snapshot))])
                    .await
                    .is_err()
                {
                    return;
                }
            }
            let wait = backoff.next_wait();
            tracing::info!(?wait, %address, "reconnecting to Asterisk");
            let deadline = self.clock.now().plus(wait);
            match self.guard(deadline, futures::future::pending::<()>()).await {
                Err(Stop::CoreGone) => return,
                _ => continue,
            }
        }
    }

    /// One connection, from connect to loss.
    async fn session(&mut self, address: &str, was_live: &mut bool) -> Stop {
        let deadline = self.deadline(self.config.connect_timeout);
        let stream = match self.guard(deadline, TcpStream::connect(address)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => return Stop::Lost(format!("cannot connect: {e}")),
            Err(Stop::Lost(_)) => return Stop::Lost("connection timed out".to_owned()),
            Err(stop) => return stop,
        };
        let _ = stream.set_nodelay(true);
        let mut conn = Framed::new(stream, AmiCodec::new());
        let skipped_before = self.stats.skipped_blocks();
        let mut buffered = VecDeque::new();
        if let Err(stop) = self.log_in(&mut conn, &mut buffered).await {
            return stop;
        }
        if let Err(stop) = self.write_services(&mut conn, &mut buffered).await {
            return stop;
        }
        if let Err(stop) = self.resync(&mut conn, &mut buffered).await {
            return stop;
        }
        *was_live = true;
        self.stats.live.store(true, Ordering::Relaxed);
        self.stats.connects.fetch_add(1, Ordering::Relaxed);
        tracing::info!(%address, "Asterisk connected and resynced");
        if let Err(stop) = self.write_changed_services(&mut conn).await {
            return stop;
        }
        self.live(&mut conn, skipped_before).await
    }

    fn deadline(&self, d: Duration) -> Timestamp {
        self.clock.now().plus(d)
    }

    fn next_action_id(&mut self) -> String {
        self.next_action += 1;
        format!("ctid-{}", self.next_action)
    }

    /// Awaits `fut` until `deadline`, answering the core's actions meanwhile as not connected.
    async fn guard<T>(
        &mut self,
        deadline: Timestamp,
        fut: impl Future<Output = T>,
    ) -> Result<T, Stop> {
        let fut = std::pin::pin!(fut);
        let mut fut = fut;
        let mut timer = self.clock.sleep_until(deadline);
        loop {
            tokio::select! {
                biased;
                out = &mut fut => return Ok(out),
                () = &mut timer => return Err(Stop::Lost("timed out".to_owned())),
                request = self.port.actions.recv() => match request {
                    None => return Err(Stop::CoreGone),
                    Some(request) => self.not_connected(request).await?,
                },
            }
        }
    }

    /// Answers an action while not live; follows a configuration change; keeps a change of
    /// services, written once connected.
    async fn not_connected(&mut self, request: PbxRequest) -> Result<(), Stop> {
        match request.action {
            PbxAction::ConfigChanged { changes } => {
                self.follow_config(&changes);
                return Ok(());
            }
            PbxAction::SetServices { user, services } => {
                self.services.set(user, services);
                return Ok(());
            }
            _ => {}
        }
        self.send_batch(vec![PbxEvent::ActionFailed {
            action: request.id,
            reason: NOT_CONNECTED.to_owned(),
        }])
        .await
    }

    fn follow_config(&mut self, changes: &[ctid_core::dataset::ConfigChange]) {
        match self.dataset.with_changes(changes) {
            Ok(next) => {
                let next = Arc::new(next);
                self.services.follow(&self.dataset, &next);
                self.dataset = next;
                self.translator.set_dataset(self.dataset.clone());
                tracing::info!(
                    changes = changes.len(),
                    "configuration changed: the adapter follows it (Asterisk's own configuration \
                     is not rewritten by ctid)"
                );
            }
            Err(e) => tracing::error!(error = %e, "configuration change the adapter cannot follow"),
        }
    }

    async fn send_batch(&mut self, batch: Vec<PbxEvent>) -> Result<(), Stop> {
        if batch.is_empty() {
            return Ok(());
        }
        self.port
            .events
            .send(batch)
            .await
            .map_err(|_| Stop::CoreGone)
    }

    /// Writes one action with `action_id` (bounded by `login_timeout`).
    async fn write(&mut self, conn: &mut Conn, message: &AmiMessage) -> Result<(), Stop> {
        let deadline = self.deadline(self.config.login_timeout.max(self.config.action_timeout));
        match self.guard(deadline, conn.send(message)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(Stop::Lost(format!("cannot write to Asterisk: {e}"))),
            Err(Stop::Lost(_)) => Err(Stop::Lost(
                "Asterisk does not read what ctid writes".to_owned(),
            )),
            Err(stop) => Err(stop),
        }
    }

    /// Reads the next message before `deadline`, answering actions as not connected meanwhile.
    async fn read(
        &mut self,
        conn: &mut Conn,
        deadline: Timestamp,
        what: &str,
    ) -> Result<AmiFrame, Stop> {
        match self.guard(deadline, conn.next()).await {
            Ok(Some(Ok(frame))) => Ok(frame),
            Ok(Some(Err(e))) => Err(Stop::Lost(format!("read error: {e}"))),
            Ok(None) => Err(Stop::Lost(format!(
                "Asterisk closed the connection ({what})"
            ))),
            Err(Stop::Lost(_)) => Err(Stop::Lost(format!("no answer in time ({what})"))),
            Err(stop) => Err(stop),
        }
    }

    /// Sends `message` with a new `ActionID` and reads up to its response; events read
    /// meanwhile are kept in `buffered` (bounded).
    async fn request(
        &mut self,
        conn: &mut Conn,
        message: AmiMessage,
        buffered: &mut VecDeque<AmiMessage>,
        what: &str,
    ) -> Result<AmiMessage, Stop> {
        let id = self.next_action_id();
        self.write(conn, &message.with("ActionID", &id)).await?;
        let deadline = self.deadline(self.config.login_timeout);
        loop {
            match self.read(conn, deadline, what).await? {
                AmiFrame::Banner(_) => {}
                AmiFrame::Message(m) if m.action_id() == Some(&id) && m.event().is_none() => {
                    return Ok(m);
                }
                AmiFrame::Message(m) => self.buffer(m, buffered)?,
            }
        }
    }

    fn buffer(&self, message: AmiMessage, buffered: &mut VecDeque<AmiMessage>) -> Result<(), Stop> {
        if message.event().is_none() {
            return Ok(());
        }
        if buffered.len() >= self.config.max_buffered_events {
            return Err(Stop::Lost(format!(
                "more than {} events arrived during the resync",
                self.config.max_buffered_events
            )));
        }
        buffered.push_back(message);
        Ok(())
    }

    /// Banner, login (plain or MD5), event filter, events on.
    async fn log_in(
        &mut self,
        conn: &mut Conn,
        buffered: &mut VecDeque<AmiMessage>,
    ) -> Result<(), Stop> {
        let deadline = self.deadline(self.config.login_timeout);
        match self.read(conn, deadline, "banner").await? {
            AmiFrame::Banner(banner) if login::is_banner(&banner) => {
                tracing::debug!(%banner, "Asterisk banner");
            }
            AmiFrame::Banner(other) => {
                return Err(Stop::Lost(format!(
                    "not an Asterisk Manager Interface: {other:?}"
                )));
            }
            AmiFrame::Message(_) => return Err(Stop::Lost("no banner".to_owned())),
        }
        let challenge = match self.config.auth {
            AuthMode::Plain => None,
            AuthMode::Md5 => {
                let answer = self
                    .request(conn, login::challenge(), buffered, "MD5 challenge")
                    .await?;
                match (answer.kind(), answer.get("Challenge")) {
                    (Kind::Response(r), Some(c)) if r.eq_ignore_ascii_case("Success") => {
                        Some(c.to_owned())
                    }
                    _ => {
                        return Err(Stop::LoginRefused(format!(
                            "MD5 challenge refused: {}",
                            answer.get("Message").unwrap_or("no message")
                        )));
                    }
                }
            }
        };
        let message = login::login(
            self.config.auth,
            &self.config.username,
            &self.config.secret,
            challenge.as_deref(),
        );
        let answer = self.request(conn, message, buffered, "login").await?;
        if !is_success(&answer) {
            return Err(Stop::LoginRefused(
                answer.get("Message").unwrap_or("no message").to_owned(),
            ));
        }
        if self.config.event_filter {
            for f in filter::filter_actions() {
                let answer = self.request(conn, f, buffered, "event filter").await?;
                if !is_success(&answer) {
                    tracing::warn!(
                        message = answer.get("Message").unwrap_or(""),
                        "Asterisk refused the event filter: every event will be read (give the AMI \
                         user the `system` write permission, or set event_filter = false)"
                    );
                    break;
                }
            }
        }
        let events_on = AmiMessage::action("Events").with("EventMask", "on");
        let answer = self.request(conn, events_on, buffered, "events on").await?;
        if !is_success(&answer) {
            return Err(Stop::Lost(format!(
                "Asterisk refused to send events: {}",
                answer.get("Message").unwrap_or("no message")
            )));
        }
        Ok(())
    }

    /// Sends the resync lists one after the other (then those their answers call for), builds
    /// the snapshot, sends it, then the events that arrived meanwhile.
    async fn resync(
        &mut self,
        conn: &mut Conn,
        buffered: &mut VecDeque<AmiMessage>,
    ) -> Result<(), Stop> {
        self.channels.clear();
        self.translator = Translator::new(self.dataset.clone());
        let mut builder = SnapshotBuilder::new(self.dataset.clone());
        let mut lists: VecDeque<AmiMessage> = resync_actions().into();
        while let Some(action) = lists.pop_front() {
            let name = match action.kind() {
                Kind::Action(name) => name.to_owned(),
                _ => "list".to_owned(),
            };
            let id = self.next_action_id();
            self.write(conn, &action.with("ActionID", &id)).await?;
            let mut deadline = self.deadline(self.config.list_timeout);
            loop {
                let frame = self.read(conn, deadline, &name).await?;
                let AmiFrame::Message(m) = frame else {
                    continue;
                };
                if m.action_id() != Some(&id) {
                    self.buffer(m, buffered)?;
                    continue;
                }
                deadline = self.deadline(self.config.list_timeout);
                self.channels.absorb(&m);
                builder.absorb(&m);
                let list = m.get("EventList").unwrap_or("");
                let done = match m.kind() {
                    Kind::Event(_) => list.eq_ignore_ascii_case("Complete"),
                    _ => !list.eq_ignore_ascii_case("start"),
                };
                if done {
                    break;
                }
            }
            // Lists the answers call for (each conference's members).
            lists.extend(builder.follow_ups());
        }
        let snapshot = builder.finish();
        let first = PbxEvent::Snapshot(Box::new(snapshot));
        self.outage.absorb(&first);
        self.send_batch(vec![first]).await?;
        self.outage_sent = false;
        let mut batch = Vec::new();
        while let Some(m) = buffered.pop_front() {
            self.on_event(&m, &mut batch);
            if batch.len() >= MAX_BATCH {
                self.send_batch(std::mem::take(&mut batch)).await?;
            }
        }
        self.send_batch(batch).await
    }

    /// Translates one live event into `batch`.
    fn on_event(&mut self, message: &AmiMessage, batch: &mut Vec<PbxEvent>) {
        self.channels.absorb(message);
        let from = batch.len();
        self.translator.event(message, batch);
        for event in &batch[from..] {
            self.outage.absorb(event);
        }
    }

    /// The live loop: events in, actions out, deadlines, keep-alive.
    async fn live(&mut self, conn: &mut Conn, skipped_before: u64) -> Stop {
        let mut sweep = self.clock.sleep(SWEEP);
        let mut ping = self.clock.sleep(self.config.ping_interval);
        loop {
            let result = tokio::select! {
                frame = conn.next() => match frame {
                    None => Err(Stop::Lost("Asterisk closed the connection".to_owned())),
                    Some(Err(e)) => Err(Stop::Lost(format!("read error: {e}"))),
                    Some(Ok(frame)) => self.on_frames(conn, frame, skipped_before).await,
                },
                request = self.port.actions.recv() => match request {
                    None => Err(Stop::CoreGone),
                    Some(request) => self.on_request(conn, request).await,
                },
                () = &mut sweep => {
                    sweep = self.clock.sleep(SWEEP);
                    self.sweep().await
                },
                () = &mut ping => {
                    ping = self.clock.sleep(self.config.ping_interval);
                    self.ping(conn).await
                },
            };
            if let Err(stop) = result {
                return stop;
            }
        }
    }

    /// Handles `first` and the frames already read behind it, then sends their events.
    async fn on_frames(
        &mut self,
        conn: &mut Conn,
        first: AmiFrame,
        skipped_before: u64,
    ) -> Result<(), Stop> {
        let mut batch = Vec::new();
        let mut replies = Vec::new();
        let mut frame = Some(first);
        let mut read = 0;
        while let Some(AmiFrame::Message(m)) = frame.take() {
            self.on_message(m, &mut batch, &mut replies);
            read += 1;
            if read >= MAX_READ_AHEAD || batch.len() >= MAX_BATCH {
                break;
            }
            match conn.next().now_or_never() {
                Some(Some(Ok(next))) => frame = Some(next),
                Some(None) => {
                    self.send_batch(batch).await?;
                    return Err(Stop::Lost("Asterisk closed the connection".to_owned()));
                }
                Some(Some(Err(e))) => {
                    self.send_batch(batch).await?;
                    return Err(Stop::Lost(format!("read error: {e}")));
                }
                None => {}
            }
        }
        self.stats
            .skipped_blocks
            .store(skipped_before + conn.codec().skipped(), Ordering::Relaxed);
        self.send_batch(batch).await?;
        for (core, step) in replies {
            self.send_step(conn, core, step).await?;
        }
        Ok(())
    }

    /// One message while live: an answer to a waiting action, or an event.
    fn on_message(
        &mut self,
        message: AmiMessage,
        batch: &mut Vec<PbxEvent>,
        replies: &mut Vec<(ctid_core::ids::ActionId, actions::Step)>,
    ) {
        match message.kind() {
            Kind::Response(_) => {
                if let Some(action_id) = message.action_id() {
                    let action_id = action_id.to_owned();
                    self.on_response(&action_id, &message, batch, replies);
                }
            }
            Kind::Event(name) => {
                self.stats.events.fetch_add(1, Ordering::Relaxed);
                if name == "OriginateResponse"
                    && let Some(action_id) = message.action_id()
                {
                    let action_id = action_id.to_owned();
                    self.on_originate_response(&action_id, &message, batch);
                }
                self.on_event(&message, batch);
            }
            _ => {}
        }
    }

    fn on_response(
        &mut self,
        action_id: &str,
        message: &AmiMessage,
        batch: &mut Vec<PbxEvent>,
        replies: &mut Vec<(ctid_core::ids::ActionId, actions::Step)>,
    ) {
        let success = is_success(message);
        let Some(pending) = self.pending.get_mut(action_id) else {
            return;
        };
        let Waiting::Core { id, expect, name } = &pending.waiting else {
            if let Some(Pending {
                waiting: Waiting::Internal { name },
                ..
            }) = self.pending.take(action_id)
                && !success
            {
                let reason = message.get("Message").unwrap_or("refused");
                tracing::warn!(action = %name, %reason, "Asterisk refused an action of ctid's own");
            }
            return;
        };
        let (id, name) = (*id, name.clone());
        if success {
            if let Expect::Originate { .. } = expect {
                // Accepted: the result comes as an OriginateResponse event.
                pending.deadline = self
                    .clock
                    .now()
                    .plus(self.config.originate_ring + self.config.action_timeout);
            } else {
                self.pending.take(action_id);
            }
            return;
        }
        let reason = message.get("Message").unwrap_or("refused").to_owned();
        let Some(pending) = self.pending.take(action_id) else {
            return;
        };
        if let Waiting::Core {
            expect: Expect::AddOrPenalty(penalty),
            ..
        } = pending.waiting
            && reason.to_ascii_lowercase().contains("already")
        {
            replies.push((
                id,
                actions::Step {
                    message: penalty,
                    expect: Expect::Response,
                },
            ));
            return;
        }
        tracing::info!(action = %name, %reason, "Asterisk refused an action");
        self.pending.forget_core(id);
        batch.push(PbxEvent::ActionFailed { action: id, reason });
    }

    fn on_originate_response(
        &mut self,
        action_id: &str,
        message: &AmiMessage,
        batch: &mut Vec<PbxEvent>,
    ) {
        let Some(pending) = self.pending.take(action_id) else {
            return;
        };
        let Waiting::Core {
            id,
            expect: Expect::Originate { report },
            ..
        } = pending.waiting
        else {
            return;
        };
        let success = message
            .get("Response")
            .is_some_and(|r| r.eq_ignore_ascii_case("Success"));
        let reason = originate_reason(message.get("Reason").unwrap_or(""));
        if report {
            batch.push(PbxEvent::OriginateResult {
                action: id,
                uniqueid: message
                    .get("Uniqueid")
                    .filter(|u| !u.is_empty() && *u != "<null>")
                    .map(ctid_core::ids::UniqueId::new),
                success,
                reason: if success { String::new() } else { reason },
            });
        } else if !success {
            batch.push(PbxEvent::ActionFailed { action: id, reason });
        }
    }

    /// One of the core's actions while live.
    async fn on_request(&mut self, conn: &mut Conn, request: PbxRequest) -> Result<(), Stop> {
        if let PbxAction::ConfigChanged { changes } = &request.action {
            self.follow_config(changes);
            // A new user, or a user on another line: its services where the dialplan reads.
            return self.write_changed_services(conn).await;
        }
        if let PbxAction::SetServices { user, services } = &request.action {
            self.services.set(*user, services.clone());
            self.services.written(*user);
        }
        match actions::plan(&request.action, &self.dataset, &self.channels, &self.config) {
            Plan::Refuse(reason) => {
                self.send_batch(vec![PbxEvent::ActionFailed {
                    action: request.id,
                    reason,
                }])
                .await
            }
            Plan::Send(steps) => {
                for step in steps {
                    self.send_step(conn, request.id, step).await?;
                }
                Ok(())
            }
        }
    }

    async fn send_step(
        &mut self,
        conn: &mut Conn,
        core: ctid_core::ids::ActionId,
        step: actions::Step,
    ) -> Result<(), Stop> {
        if !self.pending.has_room() {
            return self
                .send_batch(vec![PbxEvent::ActionFailed {
                    action: core,
                    reason: "too many actions are waiting for Asterisk".to_owned(),
                }])
                .await;
        }
        let name: Box<str> = match step.message.kind() {
            Kind::Action(name) => name.into(),
            _ => "action".into(),
        };
        let action_id = self.next_action_id();
        let message = step.message.with("ActionID", &action_id);
        self.pending.insert(
            action_id,
            Pending {
                waiting: Waiting::Core {
                    id: core,
                    expect: step.expect,
                    name,
                },
                deadline: self.deadline(self.config.action_timeout),
            },
        );
        self.write(conn, &message).await
    }

    /// Reports the actions whose answer is late.
    async fn sweep(&mut self) -> Result<(), Stop> {
        let mut batch = Vec::new();
        let mut ping_lost = false;
        for pending in self.pending.expired(self.clock.now()) {
            match pending.waiting {
                Waiting::Ping => ping_lost = true,
                Waiting::Internal { name } => {
                    tracing::warn!(action = %name, "Asterisk did not answer an action of ctid's own in time");
                }
                Waiting::Core { id, name, .. } => {
                    tracing::warn!(action = %name, "Asterisk did not answer an action in time");
                    self.pending.forget_core(id);
                    batch.push(PbxEvent::ActionFailed {
                        action: id,
                        reason: format!("Asterisk did not answer {name} in time"),
                    });
                }
            }
        }
        self.send_batch(batch).await?;
        if ping_lost {
            return Err(Stop::Lost("Asterisk does not answer pings".to_owned()));
        }
        Ok(())
    }

    async fn ping(&mut self, conn: &mut Conn) -> Result<(), Stop> {
        let action_id = self.next_action_id();
        self.pending.insert(
            action_id.clone(),
            Pending {
                waiting: Waiting::Ping,
                deadline: self.deadline(self.config.action_timeout),
            },
        );
        self.write(
            conn,
            &AmiMessage::action("Ping").with("ActionID", &action_id),
        )
        .await
    }

    /// Fails every waiting action of the core (the connection is gone).
    async fn fail_pending(&mut self, reason: &str) -> Result<(), ()> {
        let mut failed = Vec::new();
        for pending in self.pending.drain() {
            if let Waiting::Core { id, .. } = pending.waiting
                && !failed.contains(&id)
            {
                failed.push(id);
            }
        }
        let batch: Vec<PbxEvent> = failed
            .into_iter()
            .map(|action| PbxEvent::ActionFailed {
                action,
                reason: reason.to_owned(),
            })
            .collect();
        self.send_batch(batch).await.map_err(|_| ())
    }
}

fn is_success(message: &AmiMessage) -> bool {
    matches!(message.kind(), Kind::Response(r) if r.eq_ignore_ascii_case("Success"))
}

/// Asterisk's originate `Reason` codes (`AST_CONTROL_*`) for people.
fn originate_reason(code: &str) -> String {
    match code {
        "0" => "the call could not be placed".to_owned(),
        "1" => "hung up".to_owned(),
        "3" => "no answer".to_owned(),
        "4" => "answered".to_owned(),
        "5" => "busy".to_owned(),
        "8" => "congestion".to_owned(),
        other => format!("failed (reason {other})"),
    }
}
