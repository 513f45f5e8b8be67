//! End-to-end scenarios: the real embedded PBX under the real core, in virtual time.
//!
//! Each scenario drives phones and outside callers through the sim's `SimHandle` and clients'
//! requests through `CoreHandle::execute`, then checks the values the core derives (hints,
//! phone events, call log, agent availability, queue statistics, presence, services,
//! voicemail, conferences) both by reading the state and through the domain events it emitted.
//! After every step the harness (`support.rs`) also checks that the event stream and the state
//! agree, and that the core's channels are exactly the sim's (states, holds, bridges,
//! variables). No test sleeps: time is a `ManualClock`, and real-time timeouts are only guards.
//!
//! - `calls`: internal call, busy, DND, forwards, voicemail, missed calls, hold, call waiting;
//! - `transfers`: blind and attended transfers (complete, cancel) with attached data;
//! - `queues`: every strategy, pauses, wrap-up, live and window statistics;
//! - `agents`: agent availability through every rule;
//! - `presence`: sessions, presence transitions and their actions;
//! - `switchboard`: several callers waiting, answering a chosen one;
//! - `originate`: click-to-dial with auto-answer and its failures;
//! - `conference`: room join, leave, mute, and supervisor listen;
//! - `resync`: the sim's snapshot (the resync contract) against what the core learned live;
//! - `soak`: a seeded random mix of everything, ending idle.

mod agents;
mod calls;
mod conference;
mod originate;
mod presence;
mod queues;
mod resync;
mod soak;
mod support;
mod switchboard;
mod transfers;
