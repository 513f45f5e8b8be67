//! One client connection, from accept to close: the login phase ([`crate::login`]), then the
//! authenticated session — a reader (this task: decode, dispatch to the command families) and a
//! writer task (the face layer's `ctid_face::write_loop`) draining the session's outbox to the
//! socket. Replies and pushes share the outbox, so their order is kept. The outbox is bounded in
//! bytes (`[cti] outbox_max_bytes`): a reply or a push that would pass the budget cuts the
//! session off (a client that does not read), whoever sent it.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use serde::Serialize;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

use ctid_core::dataset::Dataset;
use ctid_core::ids::{SessionId, UserId};
use ctid_core::login_guard::LoginGuard;
use ctid_core::store::CallLogStore;
use ctid_core::{Command, CoreHandle, LoginBar, Right, Timestamp};
use ctid_face::{OutboxLimits, OutboxSender, Outboxes};

use crate::codec::Frame;
use crate::config::{CtiConfig, PushPolicy};
use crate::connection::{BoxIo, Connection, Reader};
use crate::fanout::{FanoutHandle, Topic};
use crate::subscription_budget::Budget;
use crate::wire::encode;
use crate::wire::input::{Incoming, ListName, Request, parse};
use crate::wire::lenient::CommandId;
use crate::wire::output::{DataMessage, Empty, ErrorReply, IpbxList, LegacyReply, Relations};
use crate::{
    agent, calls, chat, dial, fax, getlist, history, login, presence, queuestats, services, sheet,
    status_updates, subscribe,
};

/// What every connection shares.
pub(crate) struct Shared {
    pub config: CtiConfig,
    pub core: CoreHandle,
    pub call_log: Arc<dyn CallLogStore>,
    pub fanout: FanoutHandle,
    pub tls: Option<TlsAcceptor>,
    pub shutdown: CancellationToken,
    /// Throttling and password checks (shared with the other faces).
    pub login_guard: Arc<LoginGuard>,
    /// `getlist listid` replies of the lists that come from the dataset, encoded once per
    /// dataset version without their `timenow`.
    pub list_ids: [std::sync::Mutex<Option<(u64, Bytes)>>; ListName::ALL.len()],
    /// The sessions' outboxes (their byte budget, the count of sessions cut off).
    pub outboxes: Outboxes,
    next_id: AtomicU64,
}

impl Shared {
    pub fn new(
        config: CtiConfig,
        core: CoreHandle,
        call_log: Arc<dyn CallLogStore>,
        fanout: FanoutHandle,
        tls: Option<TlsAcceptor>,
        login_guard: Arc<LoginGuard>,
    ) -> Self {
        let outboxes = Outboxes::new("cti", OutboxLimits::bytes(config.outbox_max_bytes));
        Shared {
            config,
            core,
            call_log,
            fanout,
            tls,
            shutdown: CancellationToken::new(),
            login_guard,
            list_ids: Default::default(),
            outboxes,
            next_id: AtomicU64::new(1),
        }
    }
}

/// Why a session ends (returned by the send helpers so handlers can `?` out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionEnd {
    /// The client closed the connection (or it broke).
    Closed,
    /// The client sent `logout`.
    Logout,
    /// The session was cut off (its outbox passed its byte budget, or a write failed).
    Kicked,
    /// The server is shutting down.
    Shutdown,
    /// The session's user may no longer log in (removed, CTI disabled, no profile).
    Barred(LoginBar),
}

/// An authenticated session, as command handlers see it.
pub(crate) struct Session {
    pub id: SessionId,
    pub user: UserId,
    pub core: CoreHandle,
    pub fanout: FanoutHandle,
    pub call_log: Arc<dyn CallLogStore>,
    /// What all sessions share.
    pub shared: Arc<Shared>,
    out: OutboxSender,
    kick: CancellationToken,
    /// The `commandid` of the request being served.
    pub commandid: Option<CommandId>,
    /// Lists whose push topic the session joined.
    lists: HashSet<ListName>,
    /// Topics joined through `subscribe` and `register_*` (bounded).
    pub topics: HashSet<Topic>,
}

/// Longest line accepted before login.
const PRE_LOGIN_MAX_LINE: usize = 64 * 1024;

/// Most topics a session may join through `subscribe` / `register_*`.
pub(crate) const MAX_TOPICS: usize = 10_000;

impl Session {
    /// The configured world, as of the last configuration change.
    pub fn ds(&self) -> Arc<Dataset> {
        self.core.dataset()
    }

    /// Now, on the injected clock.
    pub fn now(&self) -> Timestamp {
        self.core.clock().now()
    }

    /// Queues encoded bytes without waiting. A reply that would pass the outbox's byte budget
    /// cuts the session off: the client is not reading what it asked for.
    pub async fn send(&self, bytes: Bytes) -> Result<(), SessionEnd> {
        self.out.try_send(bytes).map_err(|_| SessionEnd::Kicked)
    }

    /// Encodes and queues a message.
    pub async fn reply<T: Serialize + ?Sized>(&self, msg: &T) -> Result<(), SessionEnd> {
        self.send(encode(msg, self.now())).await
    }

    /// Queues `{"class": class, "error_string": error}`.
    pub async fn error(&self, class: &str, error: &str) -> Result<(), SessionEnd> {
        self.reply(&ErrorReply {
            class,
            error_string: error,
            replyid: None,
        })
        .await
    }

    /// Joins the push topics of a new session: every list under [`PushPolicy::All`]; under
    /// [`PushPolicy::Subscribed`] only its own user's pushes, until it asks about a list.
    async fn join_pushes(&mut self, policy: PushPolicy) {
        match policy {
            PushPolicy::All => {
                for list in ListName::ALL {
                    self.lists.insert(list);
                    self.fanout.subscribe(self.id, Topic::List(list)).await;
                }
            }
            PushPolicy::Subscribed => {
                self.fanout
                    .subscribe(self.id, Topic::UserPush(self.user))
                    .await;
            }
        }
    }

    /// Joins a list's push topic on the first request about it (a no-op under
    /// [`PushPolicy::All`]: the session is on every list from login). Joining the users list
    /// leaves the own-user push topic (the list carries those pushes too), so nothing arrives
    /// twice.
    pub async fn join_list(&mut self, list: ListName) {
        if self.lists.insert(list) {
            self.fanout.subscribe(self.id, Topic::List(list)).await;
            if list == ListName::Users {
                self.fanout
                    .unsubscribe(self.id, Topic::UserPush(self.user))
                    .await;
            }
        }
    }

    /// Joins a topic (`subscribe`, `register_*`); false when the session has too many.
    pub async fn join(&mut self, topic: Topic) -> bool {
        if self.topics.contains(&topic) {
            return true;
        }
        if self.topics.len() >= MAX_TOPICS {
            return false;
        }
        self.topics.insert(topic.clone());
        self.fanout.subscribe(self.id, topic).await;
        true
    }

    /// Leaves a topic.
    pub async fn leave(&mut self, topic: Topic) {
        if self.topics.remove(&topic) {
            self.fanout.unsubscribe(self.id, topic).await;
        }
    }
}

/// Serves one accepted connection, from `peer`, to its end.
pub(crate) async fn serve(shared: Arc<Shared>, io: BoxIo, peer: std::net::IpAddr) {
    // Before login no message needs more than a few KiB: an unauthenticated connection never
    // holds more than this.
    let conn = Connection::new(io, shared.config.max_line_bytes.min(PRE_LOGIN_MAX_LINE));
    let Some((mut conn, logged)) = login::run(conn, &shared, peer).await else {
        return;
    };
    conn.set_max_line(shared.config.max_line_bytes);
    let id = SessionId(shared.next_id.fetch_add(1, Ordering::Relaxed));
    let user = logged.user;
    tracing::info!(session = %id, user = %user, tls = conn.tls, "CTI session opened");
    let kick = CancellationToken::new();
    let (out, rx) = shared.outboxes.open(id, kick.clone());
    shared.fanout.register(id, out.clone()).await;
    shared.fanout.subscribe(id, Topic::User(user)).await;
    let (reader, writer) = conn.split();
    let writer = tokio::spawn(ctid_face::write_loop(rx, writer, ctid_face::AsIs));
    let mut session = Session {
        id,
        user,
        core: shared.core.clone(),
        fanout: shared.fanout.clone(),
        call_log: shared.call_log.clone(),
        shared: shared.clone(),
        out,
        kick: kick.clone(),
        commandid: None,
        lists: HashSet::new(),
        topics: HashSet::new(),
    };
    session.join_pushes(shared.config.push_policy).await;
    let end = match session
        .send(login::capas_reply(&session.ds(), user, session.now()))
        .await
    {
        Ok(()) => {
            if let Err(e) = shared
                .core
                .execute(Command::SessionOpened {
                    user,
                    presence: logged.presence.clone(),
                })
                .await
            {
                tracing::warn!(session = %id, error = %e, "the core refused the session opening");
            }
            read_loop(&mut session, reader, &shared.shutdown).await
        }
        Err(end) => end,
    };
    match end {
        SessionEnd::Kicked => {
            tracing::warn!(session = %id, user = %user, "CTI session closed: cut off (too slow or broken)")
        }
        SessionEnd::Barred(bar) => {
            tracing::info!(session = %id, user = %user, reason = bar_reason(bar), "CTI session closed: the user may no longer log in")
        }
        end => tracing::info!(session = %id, user = %user, ?end, "CTI session closed"),
    }
    shared.fanout.remove(id).await;
    let logout = end == SessionEnd::Logout;
    if let Err(e) = shared
        .core
        .execute(Command::SessionClosed { user, logout })
        .await
    {
        tracing::debug!(session = %id, error = %e, "the core refused the session closing");
    }
    drop(session);
    if end == SessionEnd::Kicked {
        kick.cancel();
    }
    // Let the writer flush what is queued (bounded: a peer that does not read is cut).
    if tokio::time::timeout(Duration::from_secs(2), writer)
        .await
        .is_err()
    {
        kick.cancel();
    }
}

/// A read buffer larger than this is released once empty (after a fax, say).
const IDLE_READ_BUFFER: usize = 64 * 1024;

async fn read_loop(
    s: &mut Session,
    mut reader: Reader,
    shutdown: &CancellationToken,
) -> SessionEnd {
    let kick = s.kick.clone();
    let mut config = s.core.watch_dataset();
    let mut seen = None;
    loop {
        let ds = config.borrow_and_update().clone();
        if seen != Some(ds.version()) {
            seen = Some(ds.version());
            if let Some(bar) = ds.login_bar(s.user) {
                return end_barred(s, bar).await;
            }
            leave_what_rights_no_longer_allow(s, &ds).await;
        }
        let frame = tokio::select! {
            biased;
            _ = kick.cancelled() => return SessionEnd::Kicked,
            _ = shutdown.cancelled() => return SessionEnd::Shutdown,
            changed = config.changed() => {
                if changed.is_err() {
                    return SessionEnd::Shutdown;
                }
                continue;
            }
            f = reader.next() => f,
        };
        let result = match frame {
            None | Some(Err(_)) => return SessionEnd::Closed,
            Some(Ok(Frame::Overlong)) => s.error("error", "line_too_long").await,
            Some(Ok(Frame::Line(line))) => match parse(&line) {
                Ok(msg) => dispatch(s, msg).await,
                Err(e) => {
                    s.error(e.class.as_deref().unwrap_or("error"), &e.error)
                        .await
                }
            },
        };
        if let Err(end) = result {
            return end;
        }
        let buf = reader.read_buffer();
        if buf.is_empty() && buf.capacity() > IDLE_READ_BUFFER {
            *reader.read_buffer_mut() = bytes::BytesMut::new();
        }
    }
}

/// Ends the session of a user who may no longer log in (removed from the configuration, CTI
/// disabled, profile gone): a last message saying why (the desktop client does not reconnect
/// after a forced disconnect), then the connection closes once the outbox is flushed.
async fn end_barred(s: &Session, bar: LoginBar) -> SessionEnd {
    let _ = s
        .reply(&serde_json::json!({
            "class": "disconnect",
            "type": "force",
            "reason": bar_reason(bar),
        }))
        .await;
    SessionEnd::Barred(bar)
}

/// The `reason` of the forced disconnect (docs/cti-protocol.md).
fn bar_reason(bar: LoginBar) -> &'static str {
    match bar {
        LoginBar::UnknownUser => "user_removed",
        LoginBar::CtiDisabled => "cti_disabled",
        LoginBar::NoProfile => "no_profile",
    }
}

/// A profile change applies to open sessions at once: commands are checked against the current
/// configuration by the core, and the subscriptions a right gave (queue entries) are left when
/// the profile no longer grants it.
async fn leave_what_rights_no_longer_allow(s: &mut Session, ds: &Dataset) {
    if ds.may(s.user, Right::ViewQueueEntries) {
        return;
    }
    let entries: Vec<Topic> = s
        .topics
        .iter()
        .filter(|t| matches!(t, Topic::QueueEntries(_)))
        .cloned()
        .collect();
    let mut budget = Budget::of(s);
    for topic in entries {
        budget.leave(s, topic).await;
    }
}

/// Runs one message of an authenticated session.
async fn dispatch(s: &mut Session, msg: Incoming) -> Result<(), SessionEnd> {
    s.commandid = msg.commandid;
    let class = msg.class;
    match msg.request {
        // Login messages after login are ignored, as xivo-ctid does (a reply would make the Qt
        // client log in again).
        Request::StartTls(_)
        | Request::LoginId(_)
        | Request::LoginPass(_)
        | Request::LoginCapas(_) => Ok(()),
        Request::Logout => Err(SessionEnd::Logout),
        Request::Keepalive => {
            s.reply(&LegacyReply {
                class: "keepalive",
                replyid: s.commandid.as_ref(),
                body: Empty {},
            })
            .await
        }
        Request::GetIpbxList => {
            s.reply(&LegacyReply {
                class: "getipbxlist",
                replyid: s.commandid.as_ref(),
                body: IpbxList { ipbxlist: ["xivo"] },
            })
            .await
        }
        Request::GetRelations => {
            let ds = s.ds().clone();
            let u = ds.user(s.user);
            s.reply(&DataMessage {
                class: "relations",
                data: Relations {
                    xivo_uuid: ds.xivo_uuid(),
                    user_id: s.user.0,
                    endpoint_id: u.and_then(|u| u.line).map(|l| l.0),
                    agent_id: ds.agent_of_user(s.user).map(|a| a.id.0),
                },
            })
            .await
        }
        Request::GetList(m) => getlist::handle(s, m).await,
        Request::AvailState(m) => presence::availstate(s, m).await,
        Request::FeaturesPut(m) => services::featuresput(s, m).await,
        Request::Ipbx(m) => match m {
            crate::wire::input::IpbxCommand::Dial { destination } => {
                dial::dial(s, &destination).await
            }
            other => agent::ipbxcommand(s, other).await,
        },
        Request::Hangup(_)
        | Request::AttendedTransfer(_)
        | Request::DirectTransfer(_)
        | Request::CompleteTransfer
        | Request::CancelTransfer
        | Request::BlindTransferVoicemail(_)
        | Request::AttendedTransferVoicemail(_)
        | Request::Answer(_)
        | Request::HoldSwitchboard(_)
        | Request::ResumeSwitchboard(_) => calls::handle(s, &class, msg.request).await,
        Request::Subscribe(m) => subscribe::subscribe(s, m).await,
        Request::SubscribeToQueuesStats => queuestats::subscribe(s).await,
        Request::GetQueuesStats(m) => queuestats::get(s, m).await,
        Request::History(m) => history::history(s, m).await,
        Request::StatusUpdates(m) => status_updates::handle(s, m).await,
        Request::Chitchat(m) => chat::chitchat(s, m).await,
        Request::CallFormResult(m) => sheet::call_form_result(s, m).await,
        Request::FaxSend(m) => fax::faxsend(s, m).await,
        Request::NotImplemented => s.error(&class, "not_implemented").await,
    }
}
