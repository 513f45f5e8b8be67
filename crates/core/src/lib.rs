//! ctid's domain core.
//!
//! It holds the configured world ([`Dataset`]), the live telephony state ([`State`]) owned by a
//! single task (started by [`spawn`], driven through [`CoreHandle`]), and the vocabulary every
//! other crate speaks.
//!
//! # Public surface
//!
//! What faces, engines, the binary, benchmarks and tests use, and nothing more:
//!
//! - at the crate root: the core task ([`spawn`], [`spawn_seeded`] with a store's [`Seed`],
//!   [`CoreHandle`], [`CoreConfig`], [`CoreStopped`]), what sessions ask ([`Command`], [`CommandKind`], [`Outcome`],
//!   [`CommandError`]), the hub's consumer side ([`EventReceiver`], [`EventBatch`],
//!   [`BufferPolicy`], [`ConsumerStats`], [`Interest`], [`every_event`]), the read side of the
//!   state ([`State`]'s accessors, [`Channel`]'s accessors), [`Right`] and [`LoginBar`], the chat limits, the
//!   Pbx port's main types and the clock ([`Timestamp`], [`Clock`], [`SharedClock`],
//!   [`SystemClock`], [`ManualClock`]);
//! - modules, for the vocabularies too large for the root: [`dataset`] (the tables and
//!   [`Dataset`]'s read accessors; a dataset is built only by loading, [`Dataset::from_tables`]
//!   or [`Dataset::with_changes`], so its index always matches its tables), [`ids`], [`live`]
//!   (derived values), [`event`] (domain events), [`pbx`] (the whole port vocabulary), [`store`]
//!   (the call-log store port), [`remote`] (what other nodes say through the bus), [`auth`] (password hashes), [`login_guard`] (throttling and the
//!   password-check workers, shared by every face) and [`budget`] (the connection budget).
//!
//! The state's internals (its tables, channels' fields, the derivation pass, pending actions),
//! the hub's producer side, the rights table and the engine loop are private.
//!
//! Invariants: the core does no network IO and reads no clock but the injected one; the state
//! changes only in the core task, by PBX events, commands and configuration changes, in order.

pub mod auth;
pub mod budget;
mod command;
pub mod dataset;
mod engine;
pub mod event;
mod hub;
pub mod ids;
pub mod live;
pub mod login_guard;
pub mod pbx;
mod pbx_snapshot;
pub mod remote;
mod rights;
mod seed;
mod state;
pub mod store;
mod time;

pub use command::{Command, CommandError, CommandKind, MAX_DTMF_DIGITS, Outcome};
pub use dataset::Dataset;
pub use engine::{CoreConfig, CoreHandle, CoreStopped, spawn, spawn_seeded};
pub use event::{Event, MembershipChange};
pub use hub::{BufferPolicy, ConsumerStats, EventBatch, EventReceiver, Interest, every_event};
pub use pbx::{PbxAction, PbxAdapterEnd, PbxEvent, PbxPort, PbxRequest, PbxSnapshot, pbx_link};
pub use rights::{LoginBar, Right};
pub use seed::{Seed, SeededMembership};
pub use state::{CHAT_BURST, CHAT_REFILL, Channel, MAX_CHAT_TEXT_BYTES, State};
pub use time::{Clock, ManualClock, SharedClock, SystemClock, Timestamp};
