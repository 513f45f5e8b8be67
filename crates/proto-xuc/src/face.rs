//! The XuC face as a whole: what its routes and sessions share ([`Shared`]: the core, the login
//! guard, the tokens, the fan-out, the outboxes), its start ([`XucFace::start`]) and its
//! counters ([`XucStats`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use tokio_util::sync::CancellationToken;

use ctid_core::ids::SessionId;
use ctid_core::login_guard::LoginGuard;
use ctid_core::store::CallLogStore;
use ctid_core::{CoreHandle, CoreStopped};
use ctid_face::{OutboxLimits, Outboxes};

use crate::config::XucConfig;
use crate::tokens::Tokens;
use crate::topic::{self, FanoutHandle};

/// Something that must live as long as a WebSocket session: the HTTP server inserts one in
/// each request's extensions (its connection slot), and a session keeps it after the upgrade,
/// so an upgraded connection still counts against the server's connection limits.
#[derive(Clone)]
pub struct ConnectionHold(pub Arc<dyn Send + Sync>);

impl std::fmt::Debug for ConnectionHold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConnectionHold")
    }
}

/// The face's counters (cheap to clone).
#[derive(Clone, Debug, Default)]
pub struct XucStats {
    open: Arc<AtomicUsize>,
    outboxes: Option<Outboxes>,
}

impl XucStats {
    /// Sessions open now.
    pub fn sessions(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    /// Sessions cut off so far because they did not read.
    pub fn cut_offs(&self) -> u64 {
        self.outboxes.as_ref().map_or(0, Outboxes::cut_offs)
    }

    /// Waits until at least `n` sessions have been cut off.
    pub async fn cut_offs_reach(&self, n: u64) {
        if let Some(o) = &self.outboxes {
            o.cut_offs_reach(n).await;
        }
    }

    /// Counts a session open until the guard drops.
    pub(crate) fn opened(&self) -> OpenGuard {
        self.open.fetch_add(1, Ordering::Relaxed);
        OpenGuard(self.open.clone())
    }
}

/// Counts one open session.
pub(crate) struct OpenGuard(Arc<AtomicUsize>);

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What the routes and sessions share.
pub(crate) struct Shared {
    pub config: XucConfig,
    pub core: CoreHandle,
    /// Where the call history is read.
    pub call_log: Arc<dyn CallLogStore>,
    pub login_guard: Arc<LoginGuard>,
    pub tokens: Tokens,
    pub fanout: FanoutHandle,
    pub outboxes: Outboxes,
    pub shutdown: CancellationToken,
    pub stats: XucStats,
    next_id: AtomicU64,
}

impl Shared {
    /// A new session id.
    pub fn next_session_id(&self) -> SessionId {
        SessionId(self.next_id.fetch_add(1, Ordering::Relaxed))
    }
}

/// The XuC face: build its routes with [`XucFace::router`] and serve them on the HTTP listener
/// (with upgrades enabled, and each request's peer address as `ConnectInfo<SocketAddr>`).
#[derive(Clone)]
pub struct XucFace {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for XucFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XucFace").finish_non_exhaustive()
    }
}

impl XucFace {
    /// Starts the face's fan-out task on `core`; the history commands read `call_log`;
    /// sessions close when `shutdown` fires.
    pub async fn start(
        config: XucConfig,
        core: CoreHandle,
        call_log: Arc<dyn CallLogStore>,
        login_guard: Arc<LoginGuard>,
        shutdown: CancellationToken,
    ) -> Result<XucFace, CoreStopped> {
        let (fanout, _task) =
            topic::spawn(&core, config.fanout_events, config.fanout_controls).await?;
        let outboxes = Outboxes::new("xuc", OutboxLimits::bytes(config.outbox_max_bytes));
        let tokens = Tokens::new(config.token_ttl, config.max_tokens, core.clock().clone());
        let stats = XucStats {
            open: Arc::default(),
            outboxes: Some(outboxes.clone()),
        };
        Ok(XucFace {
            shared: Arc::new(Shared {
                config,
                core,
                call_log,
                login_guard,
                tokens,
                fanout,
                outboxes,
                shutdown,
                stats,
                next_id: AtomicU64::new(1),
            }),
        })
    }

    /// The face's counters.
    pub fn stats(&self) -> XucStats {
        self.shared.stats.clone()
    }

    /// The face's routes: the REST API under `/xuc/api/2.0/` (with CORS) and the WebSocket
    /// endpoints.
    pub fn router(&self) -> axum::Router {
        crate::routes::router(self.shared.clone())
    }
}
