//! Tests of the live state: scripted PBX event sequences shaped like AMI streams, against the
//! demo dataset, checking derived values and emitted events; and commands with their checks.

mod agents;
mod batches;
mod calls;
mod commands;
mod config;
mod config_agent_groups;
mod failures;
mod hints;
mod junk;
mod presence;
mod queues;
mod remote;
mod resync;
mod rights;
mod script;
mod seed;
mod voicemail_rooms_transfers;
