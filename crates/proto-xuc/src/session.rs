//! One XuC WebSocket session, from the upgraded connection to its close: `LoggedOn` first, then
//! the initial state (in the order apps register their handlers: `UserConfigUpdate`,
//! `UsersStatuses`, `UserStatusUpdate`, `PhoneStatusUpdate`, `VoiceMailStatusUpdate`,
//! `RightProfile`, the own agent's `AgentStateEvent`), then a reader (this task: frames → requests → the command families in
//! [`crate::commands`]) and the face layer's writer loop draining the session's outbox (bounded
//! in bytes, `[xuc] outbox_max_bytes`) with the WebSocket framing. Replies and pushes share
//! the outbox, so their order is kept; a socket that does not read is cut off (logged by its
//! outbox) whoever overflowed it. A socket from which nothing arrives for `[xuc] idle_timeout`
//! (on the injected clock) is closed: cti.js pings every 5 s, a dead peer does not.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio_util::codec::FramedRead;
use tokio_util::sync::CancellationToken;

use ctid_core::dataset::Dataset;
use ctid_core::ids::{LineId, QueueId, SessionId, UserId};
use ctid_core::{Command, CommandError, Timestamp};
use ctid_face::OutboxSender;

use crate::face::{ConnectionHold, Shared};
use crate::topic::{FanoutHandle, Topic};
use crate::wire::encode;
use crate::wire::input::{Request, parse};
use crate::wire::output::*;
use crate::ws::decode::{FrameDecoder, Incoming, ProtocolError};
use crate::ws::frames::{WsFraming, close, close_code, pong};

/// How long the end of a session waits for its writer to flush the last frames.
const FLUSH_WAIT: Duration = Duration::from_secs(5);

/// How long a long answer (a big list, every agent's state) may wait for room in the outbox,
/// message by message, before the client is cut off as one that does not read.
const PACE_WAIT: Duration = Duration::from_secs(30);

/// The session was cut off (its outbox overflowed or its writer ended).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kicked;

/// An open session, as command handlers see it.
pub(crate) struct Session {
    pub id: SessionId,
    pub user: UserId,
    pub shared: Arc<Shared>,
    pub fanout: FanoutHandle,
    out: OutboxSender,
    /// Joined [`Topic::AgentEvents`].
    pub agent_events: bool,
    /// Joined [`Topic::QueueStats`].
    pub queue_stats: bool,
    /// Joined [`Topic::QueueMembers`].
    pub queue_members: bool,
    /// Joined [`Topic::Conferences`].
    pub conferences: bool,
    /// The [`Topic::QueueCalls`] joined.
    pub queue_calls: HashSet<QueueId>,
    /// The [`Topic::PhoneHint`]s joined.
    pub phone_hints: HashSet<LineId>,
}

impl Session {
    /// The configuration now.
    pub fn ds(&self) -> Arc<Dataset> {
        self.shared.core.dataset()
    }

    /// Now, on the injected clock.
    pub fn now(&self) -> Timestamp {
        self.shared.core.clock().now()
    }

    /// Queues bytes without waiting.
    pub fn send(&self, bytes: Bytes) -> Result<(), Kicked> {
        self.out.try_send(bytes).map_err(|_| Kicked)
    }

    /// Encodes and queues a message.
    pub fn reply<T: Serialize + ?Sized>(&self, msg_type: &str, payload: &T) -> Result<(), Kicked> {
        self.send(encode(msg_type, payload))
    }

    /// Encodes and queues a message of a long answer, waiting for room in the outbox rather
    /// than overflowing it (the face layer's `send_paced`; a client that reads nothing for
    /// [`PACE_WAIT`] is cut off).
    pub async fn reply_paced<T: Serialize + ?Sized>(
        &self,
        msg_type: &str,
        payload: &T,
    ) -> Result<(), Kicked> {
        let give_up = self.shared.core.clock().sleep(PACE_WAIT);
        self.out
            .send_paced(encode(msg_type, payload), give_up)
            .await
            .map_err(|_| Kicked)
    }

    /// Queues an `Error`.
    pub fn error(&self, error: &str, command: Option<&str>, message: &str) -> Result<(), Kicked> {
        self.reply(
            msg::ERROR,
            &ErrorOut {
                error,
                command,
                message,
            },
        )
    }

    /// Queues the `Error` of a command the core refused.
    pub fn refused(&self, command: &str, e: &CommandError) -> Result<(), Kicked> {
        self.error(crate::errors::error_name(e), Some(command), &e.to_string())
    }

    /// Runs a command in the core; a refusal is answered with an `Error`.
    pub async fn execute(&self, command_name: &str, command: Command) -> Result<(), Kicked> {
        match self.shared.core.execute(command).await {
            Ok(_) => Ok(()),
            Err(e) => self.refused(command_name, &e),
        }
    }
}

/// Why a session ended, for the log.
#[derive(Debug)]
enum End {
    Closed,
    Kicked,
    Shutdown,
    /// Nothing arrived for `[xuc] idle_timeout`.
    Idle,
    /// The user was removed, or may no longer log in.
    UserRemoved,
    /// The token the socket was opened with was revoked (REST logout).
    TokenRevoked,
    Protocol(&'static str),
}

/// Sends `LoggedOnError` and closes: a session that cannot start.
pub(crate) async fn refuse(io: hyper::upgrade::Upgraded, reason: &str) {
    let mut io = TokioIo::new(io);
    let error = encode(
        msg::LOGGED_ON_ERROR,
        &ErrorOut {
            error: "loggedOnFailed",
            command: None,
            message: reason,
        },
    );
    let mut bytes = Vec::new();
    ctid_face::Framing::head(&mut WsFraming, &error, &mut bytes);
    bytes.extend_from_slice(&error);
    bytes.extend_from_slice(&close(close_code::POLICY, reason));
    use tokio::io::AsyncWriteExt;
    let _ = tokio::time::timeout(FLUSH_WAIT, async {
        io.write_all(&bytes).await?;
        io.shutdown().await
    })
    .await;
}

/// Serves an authenticated session of `user` on an upgraded connection, to its end.
pub(crate) async fn run(
    shared: Arc<Shared>,
    io: hyper::upgrade::Upgraded,
    user: UserId,
    revoked: CancellationToken,
    hold: Option<ConnectionHold>,
) {
    let id = shared.next_session_id();
    let kick = CancellationToken::new();
    let (out, rx) = shared.outboxes.open(id, kick.clone());
    let (read_half, write_half) = tokio::io::split(TokioIo::new(io));
    let writer = tokio::spawn(ctid_face::write_loop(rx, write_half, WsFraming));
    let mut session = Session {
        id,
        user,
        shared: shared.clone(),
        fanout: shared.fanout.clone(),
        out,
        agent_events: false,
        queue_stats: false,
        queue_members: false,
        conferences: false,
        queue_calls: HashSet::new(),
        phone_hints: HashSet::new(),
    };
    let _open = shared.stats.opened();
    tracing::info!(session = %id, user = %user, "XuC session opened");
    let end = match start(&mut session).await {
        Ok(()) => serve(&mut session, read_half, &kick, &revoked).await,
        Err(Kicked) => End::Kicked,
    };
    tracing::info!(session = %id, user = %user, reason = ?end, "XuC session closed");
    session.fanout.remove(id).await;
    if !matches!(end, End::Kicked) {
        let (code, reason) = match end {
            End::Shutdown => (close_code::GOING_AWAY, "server shutdown"),
            End::UserRemoved => (close_code::POLICY, "user removed"),
            End::TokenRevoked => (close_code::POLICY, "token revoked"),
            End::Idle => (close_code::POLICY, "idle timeout"),
            End::Protocol(r) => (close_code::PROTOCOL_ERROR, r),
            _ => (close_code::NORMAL, ""),
        };
        let _ = session.send(close(code, reason));
    }
    let _ = shared
        .core
        .execute(Command::SessionClosed {
            user,
            logout: false,
        })
        .await;
    drop(session);
    if tokio::time::timeout(FLUSH_WAIT, writer).await.is_err() {
        kick.cancel();
    }
    drop(hold);
}

/// `LoggedOn`, the session's opening in the core, the subscriptions, then the initial state.
async fn start(s: &mut Session) -> Result<(), Kicked> {
    // First in the outbox, before any push can be.
    s.reply(msg::LOGGED_ON, &Empty {})?;
    let ds = s.ds();
    let Some(user) = ds.user(s.user) else {
        return Err(Kicked);
    };
    // The session's opening first, so its own presence push does not come before the initial
    // state; then the subscriptions, then the read: a change after the read is pushed after.
    let opened = s
        .shared
        .core
        .execute(Command::SessionOpened {
            user: s.user,
            presence: None,
        })
        .await;
    if let Err(e) = opened {
        s.reply(
            msg::LOGGED_ON_ERROR,
            &ErrorOut {
                error: "loggedOnFailed",
                command: None,
                message: &e.to_string(),
            },
        )?;
        return Err(Kicked);
    }
    s.fanout.register(s.id, s.out.clone()).await;
    s.fanout.subscribe(s.id, Topic::User(s.user)).await;
    if let Some(line) = user.line {
        s.fanout.subscribe(s.id, Topic::Line(line)).await;
    }
    if let Some(vm) = user.voicemail {
        s.fanout.subscribe(s.id, Topic::Voicemail(vm)).await;
    }
    if let Some(agent) = ds.agent_of_user(s.user) {
        s.fanout.subscribe(s.id, Topic::Agent(agent.id)).await;
    }
    let (uid, line, vm) = (s.user, user.line, user.voicemail);
    let agent = ds.agent_of_user(s.user).map(|a| a.id);
    let state = s
        .shared
        .core
        .read(move |st| {
            (
                st.user_services(uid).cloned().unwrap_or_default(),
                st.user_presence(uid).map(|p| p.status.clone()),
                line.map(|l| st.line_hint(l)),
                vm.map(|v| st.voicemail_counts(v)),
                agent.and_then(|a| st.agent_status(a).cloned()),
            )
        })
        .await;
    let Ok((services, presence, hint, counts, agent_status)) = state else {
        return Err(Kicked);
    };
    s.reply(
        msg::USER_CONFIG_UPDATE,
        &UserConfigOut::new(user, &services, &ds),
    )?;
    s.reply(msg::USERS_STATUSES, &users_statuses(&ds, user))?;
    if let Some(status) = &presence {
        s.reply(msg::USER_STATUS_UPDATE, &UserStatusOut { status })?;
    }
    if let Some(hint) = hint {
        s.reply(
            msg::PHONE_STATUS_UPDATE,
            &PhoneStatusOut {
                status: hint_name(hint),
            },
        )?;
    }
    if let (Some(vm), Some(counts)) = (vm, counts) {
        s.reply(msg::VOICEMAIL_STATUS_UPDATE, &VoicemailOut::new(vm, counts))?;
    }
    s.reply(msg::RIGHT_PROFILE, &RightProfileOut::new(&ds, user))?;
    if let Some(status) = &agent_status {
        s.reply(msg::AGENT_STATE_EVENT, &AgentStateOut::new(status, s.now()))?;
    }
    Ok(())
}

/// The reader loop.
async fn serve(
    s: &mut Session,
    read_half: tokio::io::ReadHalf<TokioIo<hyper::upgrade::Upgraded>>,
    kick: &CancellationToken,
    revoked: &CancellationToken,
) -> End {
    let mut frames = FramedRead::with_capacity(
        read_half,
        FrameDecoder::new(s.shared.config.max_message_bytes),
        1024,
    );
    let mut datasets = s.shared.core.watch_dataset();
    let shutdown = s.shared.shutdown.clone();
    let clock = s.shared.core.clock().clone();
    let idle = s.shared.config.idle_timeout;
    let mut deadline = clock.now().plus(idle);
    loop {
        let incoming = tokio::select! {
            _ = kick.cancelled() => return End::Kicked,
            _ = shutdown.cancelled() => return End::Shutdown,
            _ = revoked.cancelled() => return End::TokenRevoked,
            _ = clock.sleep_until(deadline) => return End::Idle,
            changed = datasets.changed() => {
                if changed.is_ok() && datasets.borrow_and_update().login_bar(s.user).is_some() {
                    return End::UserRemoved;
                }
                continue;
            }
            f = frames.next() => {
                deadline = clock.now().plus(idle);
                f
            }
        };
        let served = match incoming {
            None | Some(Err(ProtocolError::Io(_))) => return End::Closed,
            Some(Err(ProtocolError::Frame(reason))) => return End::Protocol(reason),
            Some(Ok(Incoming::Close(_))) => return End::Closed,
            Some(Ok(Incoming::Ping(payload))) => s.send(pong(&payload)),
            Some(Ok(Incoming::Pong)) => Ok(()),
            Some(Ok(Incoming::Binary)) => s.error(
                "InvalidMessage",
                None,
                "binary frames are not supported: send JSON text",
            ),
            Some(Ok(Incoming::TooLarge)) => s.error(
                "MessageTooLarge",
                None,
                &format!(
                    "message longer than {} bytes discarded",
                    s.shared.config.max_message_bytes
                ),
            ),
            Some(Ok(Incoming::Text(text))) => match parse(&text) {
                Ok(Request::Ping) => s.reply(msg::PONG, &Empty {}),
                Ok(Request::Web(command)) => crate::commands::serve(s, command).await,
                Err(e) => s.error(e.error, e.command.as_deref(), &e.message),
            },
        };
        if served.is_err() {
            return End::Kicked;
        }
    }
}
