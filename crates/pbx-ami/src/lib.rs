//! ctid's Asterisk adapter: a second implementation of the core's `Pbx` port
//! (`ctid_core::pbx`), speaking the Asterisk Manager Interface to Asterisk 18–22.
//!
//! The layers, each in its own module:
//! - [`codec`] — the wire: the banner, `Key: Value` blocks, size limits, bad blocks skipped;
//! - [`message`] — one AMI message (`Key: Value` lines, repeated keys kept in order);
//! - [`link`] — the adapter's task: connect, log in ([`login`], plain or MD5), the event
//!   [`filter`], resync, live events and actions, reconnection with [`backoff`];
//! - [`actions`] — the core's actions as AMI actions, and [`pending`], their answers awaited;
//! - [`channels`] — the live channels' names, for actions that need them;
//! - [`services`] — users' services in AstDB for the dialplan, all rewritten on each connect;
//! - [`outage`] — what the core is told while Asterisk is gone;
//! - [`translate`] — AMI events → `PbxEvent`s, mapping interfaces and names to configured ids;
//! - [`snapshot`] — the resync: the list actions sent on every (re)connect and the
//!   `PbxSnapshot` built from their answers;
//! - [`config`] — `[pbx.asterisk]`;
//! - [`capture`] — the recording format (shared/data/ami/README.md): reader and writer;
//! - [`replay`] — a recording played to the core as if a switch sent it;
//! - [`record`] — `ctid ami record`: a live AMI session written as a capture;
//! - [`asterisk_config`] — `ctid asterisk-config`: Asterisk's configuration for a dataset.
//!
//! Nothing outside this crate knows which engine runs (design guide, principle 2).

pub mod actions;
pub mod asterisk_config;
pub mod backoff;
pub mod capture;
pub mod channels;
pub mod codec;
pub mod config;
pub mod filter;
mod fuzz;
pub mod link;
pub mod login;
pub mod message;
pub mod outage;
pub mod pending;
pub mod record;
pub mod replay;
pub mod services;
pub mod snapshot;
pub mod translate;

pub use config::{AmiConfig, AuthMode};
pub use link::{AmiHandle, AmiStats, NOT_CONNECTED, start};
pub use message::AmiMessage;

/// Feeds arbitrary bytes to the AMI decoder, whole and in chunkings taken from the input (the
/// fuzz target's entry point; the input's layout is in `fuzz.rs`). It must never panic: the
/// decoder decodes the same frames however the bytes arrive, never holds more than its limits,
/// and what it decodes re-encodes to the same message.
pub fn fuzz_decode(data: &[u8]) {
    fuzz::run(data);
}
