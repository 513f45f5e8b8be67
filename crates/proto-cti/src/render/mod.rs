//! Rendering: the core's values and [`Event`](ctid_core::Event)s translated into CTI wire
//! messages.
//!
//! - `values.rs`: pure converters, core value → wire struct, shared with the request handlers
//!   (a `getlist updatestatus agents` reply and an agent push have the same shape);
//! - `renderer.rs`: the fan-out task's [`Renderer`], which calls [`Renderer::render`] once per
//!   event; each message is encoded once and handed to the topics that want it;
//! - `remote.rs`: statuses of other nodes' objects (from the bus);
//! - `snapshot.rs`: the whole-state pushes, never sent twice with the same wire form, and
//!   replaceable in an outbox.

mod remote;
mod renderer;
mod snapshot;
mod values;

pub(crate) use remote::{remote_kind, remote_status_out};
pub use renderer::Renderer;
pub use values::{
    agent_status_default, agent_status_out, current_calls_out, live_stats_out, meetme_update_out,
    queue_entries_out, queue_member_fields, queue_member_tid, user_services_config,
    user_services_patch,
};
