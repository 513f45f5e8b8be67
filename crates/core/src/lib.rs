//! ctid's domain core.
//!
//! It holds the configured world ([`dataset`]), the live telephony state ([`state`]) owned by a
//! single task ([`engine`]), and the vocabulary every other crate speaks:
//!
//! - [`pbx`]: the `Pbx` port — [`pbx::PbxEvent`]s in from a telephony engine, [`pbx::PbxAction`]s
//!   out to it;
//! - [`command`]: what clients ask ([`command::Command`]) and how the core answers;
//! - [`event`]: what changed ([`event::Event`]), handed to the protocol faces and other
//!   consumers through the [`hub`] (the faces' per-session fan-out lives in `crates/face`);
//! - [`live`]: the values derived once (hint codes, agent availability, queue statistics...);
//! - [`rights`]: who may do what beyond their own line, calls and agent;
//! - [`store`]: the call-log store port; [`time`]: the injected clock; [`auth`]: password hashes;
//! - [`login_guard`]: failed-login throttling and the password-check workers, shared by every
//!   face; [`budget`]: the connection budget every listener draws from.
//!
//! Invariants: the core does no network IO and reads no clock but the injected one; the state
//! changes only in the core task, by PBX events and commands, in order.

pub mod auth;
pub mod budget;
pub mod command;
pub mod dataset;
pub mod engine;
pub mod event;
pub mod hub;
pub mod ids;
pub mod live;
pub mod login_guard;
pub mod pbx;
mod pbx_snapshot;
pub mod rights;
pub mod state;
pub mod store;
pub mod time;

pub use command::{Command, CommandError, CommandKind, Outcome};
pub use dataset::Dataset;
pub use engine::{CoreConfig, CoreHandle, CoreStopped, spawn};
pub use event::Event;
pub use hub::{BufferPolicy, ConsumerStats, EventBatch, EventReceiver, Interest, every_event};
pub use pbx::{PbxAction, PbxAdapterEnd, PbxEvent, PbxPort, PbxRequest, PbxSnapshot, pbx_link};
pub use state::State;
pub use time::{Clock, ManualClock, SharedClock, SystemClock, Timestamp};
