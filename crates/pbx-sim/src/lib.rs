//! ctid's embedded PBX: a simulated telephone switch behind the core's `Pbx` port.
//!
//! It is a real, useful engine — how people develop against ctid without an Asterisk — not a
//! test double: phones register and ring, calls are bridged, held and transferred, users'
//! forwards, do-not-disturb, call filtering and voicemail apply, queues distribute calls to
//! agents with their strategies and wrap-up, conference rooms, supervisor listen, click-to-dial
//! and faxes work. It reports what happens as [`PbxEvent`]s with the same shapes and order as
//! the Asterisk AMI adapter produces from a real Asterisk 20 (recorded sessions in
//! `shared/data/ami/`), with Asterisk-style unique ids and channel names, and executes the
//! core's [`PbxAction`]s.
//!
//! Outside callers and phone buttons come in through a [`SimHandle`] — and, for people and
//! tools, through its HTTP API ([`http::router`]). Every timer runs on the injected clock, so
//! tests run in virtual time.
//!
//! ```no_run
//! # async fn demo() {
//! use std::sync::Arc;
//! use ctid_core::{Dataset, SystemClock, pbx_link};
//! use ctid_pbx_sim::{LineAction, SimConfig};
//!
//! let (core_end, pbx_end) = pbx_link(1024);
//! let sim = ctid_pbx_sim::start(Arc::new(Dataset::demo()), SystemClock::shared(),
//!     SimConfig::default(), pbx_end);
//! let call = sim.outside_call("0612345678".into(), "1001".into(), None).await.unwrap();
//! sim.line_action("1001", LineAction::Answer).await.unwrap();
//! # let _ = (core_end, call);
//! # }
//! ```
//!
//! Code map: `task` (the loop) drives `sim` (the state), whose behaviour is split by subject:
//! `channel` and `hangup` (primitives and teardown), `routing` (the dialplan), `dial` (ringing
//! channels answered, refused, timed out), `queue` + `strategy` (ACD), `agents`, `transfer`,
//! `conference`, `voicemail`, `originate`, `listen`, `pickup`, `fax`, `phone` (buttons, hold),
//! `outside` (outside callers), `actions` (the core's actions and timers dispatched, refusals
//! answered), `resync` (the whole state for the core), `snapshot` (live calls for `/sim`),
//! `world` (channels and bridges), `timers`, `ids`.
//!
//! [`PbxEvent`]: ctid_core::pbx::PbxEvent
//! [`PbxAction`]: ctid_core::pbx::PbxAction

mod actions;
mod agents;
mod causes;
mod channel;
mod conference;
mod config;
mod config_changes;
mod dial;
mod dtmf;
mod error;
mod fax;
mod handle;
mod hangup;
pub mod http;
pub mod http_access;
mod ids;
mod listen;
mod originate;
mod outside;
mod phone;
mod pickup;
mod queue;
mod resync;
mod routing;
mod sim;
mod snapshot;
mod strategy;
mod task;
mod timers;
mod transfer;
mod validate;
mod voicemail;
mod world;

use std::sync::Arc;

use ctid_core::SharedClock;
use ctid_core::dataset::Dataset;
use ctid_core::pbx::{PbxAdapterEnd, PbxEvent};
use tokio::sync::mpsc;

pub use config::{MessagesWaiting, SimConfig};
pub use error::{SimError, SimErrorKind};
pub use handle::SimHandle;
pub use phone::LineAction;
pub use snapshot::{SimCall, SimChannel};

/// Bound of the queue of requests from handles.
const REQUEST_QUEUE: usize = 1024;

/// Starts the embedded PBX on the current tokio runtime, on the adapter end of a PBX port.
///
/// Phones start registered (but those `config.unregistered` names), agents logged out, queues
/// with their configured members. The switch reports this starting state as the port's first
/// batch, a [`PbxEvent::Snapshot`], before `start` returns: a request made to the core after
/// `start` sees it. The switch runs until the core drops its end of the port and every handle
/// is dropped.
pub fn start(
    dataset: Arc<Dataset>,
    clock: SharedClock,
    config: SimConfig,
    port: PbxAdapterEnd,
) -> SimHandle {
    let (tx, rx) = mpsc::channel(REQUEST_QUEUE);
    let sim = sim::Sim::new(dataset, config, clock.now());
    let first = vec![PbxEvent::Snapshot(Box::new(sim.pbx_snapshot()))];
    if port.events.try_send(first).is_err() {
        tracing::warn!("the core's end of the PBX port is full or closed: no starting snapshot");
    }
    tokio::spawn(task::run(sim, clock, port, rx));
    SimHandle::new(tx)
}
