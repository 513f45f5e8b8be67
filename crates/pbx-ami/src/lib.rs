//! ctid's Asterisk adapter: a second implementation of the core's `Pbx` port
//! (`ctid_core::pbx`), speaking the Asterisk Manager Interface to Asterisk 18–22.
//!
//! The layers, each in its own module:
//! - [`message`] — one AMI message (`Key: Value` lines, repeated keys kept in order);
//! - [`translate`] — AMI events → `PbxEvent`s, mapping interfaces and names to configured ids;
//! - [`snapshot`] — the resync: the list actions sent on every (re)connect and the
//!   `PbxSnapshot` built from their answers;
//! - [`capture`] — the recording format (shared/data/ami/README.md): reader and writer;
//! - [`replay`] — a recording played to the core as if a switch sent it.
//!
//! Nothing outside this crate knows which engine runs (design guide, principle 2).

pub mod capture;
pub mod message;
pub mod replay;
pub mod snapshot;
pub mod translate;

pub use message::AmiMessage;
