//! ctid's face layer: what every protocol face (the CTI face in `crates/proto-cti`, the coming
//! XuC WebSocket face) shares between the core's events and its clients' sockets, with nothing of
//! any protocol in it.
//!
//! ```text
//!  core hub ──batch──▶ fan-out task ([`task`]) ──(topic, Bytes)──▶ index ([`index`])
//!                       └ the face's Render: event → (topic, bytes), encoded once
//!  index ──try_send(Bytes clone)──▶ session outbox ([`outbox`], bounded in bytes)
//!  session outbox ──▶ writer loop ([`writer`], the face's Framing) ──▶ socket
//! ```
//!
//! - [`outbox`]: a session's outbox, a sender/receiver pair sharing a queue and its count of the
//!   bytes queued; a send that would pass the session's byte budget cuts the session off (its
//!   kick token fires, logged once, counted). Replies and pushes share it, so their order is
//!   kept. A replaceable message (an object's whole state, with a [`SupersedeKey`]) drops an
//!   older copy of the same object still waiting there and goes to the end.
//! - [`pushes`]: [`Pushes`], what the face's [`Render`] makes of an event: `(topic, bytes)`
//!   messages, plain or replaceable (opt-in per message).
//! - [`index`]: [`Fanout`], the sessions' outboxes indexed by topic: an event costs the number
//!   of sessions that asked for its topic, not the number connected.
//! - [`writer`]: the loop draining an outbox to any `AsyncWrite`, framing each message through
//!   the face's [`Framing`] hook (CTI lines go as they are; a WebSocket face adds frame headers).
//! - [`config_secs`]: durations written as seconds in the faces' settings.
//! - [`task`]: the fan-out task skeleton: a control channel (register, subscribe, unsubscribe,
//!   remove) served before events, and the event loop publishing what the face's [`Render`]
//!   produced.
//!
//! Hot-path rules: bytes are encoded once and shared (`Bytes` clones), the only lock on the path
//! from an event to a socket is each outbox's queue, held for a push or a pop (never across a
//! write or an await), and nothing waits on a slow client.

pub mod config_secs;
pub mod index;
pub mod outbox;
pub mod pushes;
pub mod task;
pub mod writer;

pub use index::{Delivery, Fanout};
pub use outbox::{OutboxLimits, OutboxReceiver, OutboxSender, Outboxes, SendError, SupersedeKey};
pub use pushes::Pushes;
pub use task::{Control, FanoutHandle, Render, spawn_fanout};
pub use writer::{AsIs, Framing, write_loop};
