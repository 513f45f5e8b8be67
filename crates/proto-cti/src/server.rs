//! The listener: binds, starts the fan-out task, accepts connections up to `max_connections`
//! and within the process's connection budget (more are closed at once), serves each in its own
//! task, and shuts down gracefully (stops accepting, ends every session — each tells the core it
//! closed — and waits for them, bounded).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::task::TaskTracker;

use ctid_core::CoreHandle;
use ctid_core::budget::{ConnectionBudget, ListenerBudget};
use ctid_core::login_guard::{LoginGuard, LoginGuardConfig};
use ctid_core::store::CallLogStore;

use crate::config::CtiConfig;
use crate::connection::BoxIo;
use crate::session::{Shared, serve};
use crate::{fanout, starttls};

/// Batches of core events queued for the fan-out task.
const EVENT_QUEUE: usize = 1024;
/// Control messages queued for the fan-out task.
const CONTROL_QUEUE: usize = 4096;
/// How long a graceful shutdown waits for sessions to end.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The CTI server's counters.
#[derive(Clone, Debug)]
pub struct CtiStats {
    outboxes: ctid_face::Outboxes,
}

impl CtiStats {
    /// Sessions cut off because their outbox passed `[cti] outbox_max_bytes` (clients that do
    /// not read).
    pub fn sessions_cut_off(&self) -> u64 {
        self.outboxes.cut_offs()
    }

    /// Waits until at least `n` sessions have been cut off for their outbox.
    pub async fn sessions_cut_off_reach(&self, n: u64) {
        self.outboxes.cut_offs_reach(n).await;
    }
}

/// The CTI server: a bound listener and its fan-out task.
pub struct CtiServer {
    listener: TcpListener,
    shared: Arc<Shared>,
    budget: ListenerBudget,
    fanout_task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for CtiServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CtiServer")
            .field("local_addr", &self.listener.local_addr().ok())
            .finish_non_exhaustive()
    }
}

impl CtiServer {
    /// Binds the listener, loads the TLS certificate (when configured) and starts the fan-out
    /// task, with a login guard of its own (default settings) and no budget beyond
    /// `max_connections`.
    pub async fn bind(
        config: CtiConfig,
        core: CoreHandle,
        call_log: Arc<dyn CallLogStore>,
    ) -> io::Result<CtiServer> {
        let guard = LoginGuard::start(&LoginGuardConfig::default(), core.clock().clone())?;
        let budget = ConnectionBudget::unlimited().listener(0);
        Self::bind_with(config, core, call_log, guard, budget).await
    }

    /// [`CtiServer::bind`] with the process's login guard (shared with the other faces) and the
    /// listener's share of the connection budget.
    pub async fn bind_with(
        config: CtiConfig,
        core: CoreHandle,
        call_log: Arc<dyn CallLogStore>,
        login_guard: Arc<LoginGuard>,
        budget: ListenerBudget,
    ) -> io::Result<CtiServer> {
        let tls = match (&config.tls_cert, &config.tls_key) {
            (Some(cert), Some(key)) => Some(starttls::load_acceptor(cert, key).await?),
            (None, None) => None,
            _ => {
                tracing::warn!(
                    "CTI: tls_cert and tls_key must both be set for STARTTLS; it is off"
                );
                None
            }
        };
        if config.require_tls && tls.is_none() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "[cti] require_tls needs tls_cert and tls_key",
            ));
        }
        let listener = TcpListener::bind(config.listen).await?;
        let (handle, fanout_task) =
            fanout::spawn(&core, EVENT_QUEUE, CONTROL_QUEUE, config.coalesce_snapshots)
                .await
                .map_err(io::Error::other)?;
        tracing::info!(addr = %listener.local_addr()?, starttls = tls.is_some(), require_tls = config.require_tls, "CTI server listening");
        let shared = Arc::new(Shared::new(
            config,
            core,
            call_log,
            handle,
            tls,
            login_guard,
        ));
        Ok(CtiServer {
            listener,
            shared,
            budget,
            fanout_task,
        })
    }

    /// The server's counters, readable while it runs.
    pub fn stats(&self) -> CtiStats {
        CtiStats {
            outboxes: self.shared.outboxes.clone(),
        }
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| self.shared.config.listen)
    }

    /// Accepts connections until `shutdown` completes, then ends every session and waits for
    /// them (at most a few seconds).
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> io::Result<()> {
        let CtiServer {
            listener,
            shared,
            budget,
            fanout_task,
        } = self;
        let slots = Arc::new(Semaphore::new(shared.config.max_connections.max(1)));
        let tracker = TaskTracker::new();
        tokio::pin!(shutdown);
        loop {
            let (stream, peer) = tokio::select! {
                _ = &mut shutdown => break,
                accepted = listener.accept() => match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors and the like: back off a little.
                        tracing::warn!(error = %e, "CTI accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            let Ok(permit) = slots.clone().try_acquire_owned() else {
                tracing::warn!(%peer, "CTI connection refused: max_connections reached");
                drop(stream);
                continue;
            };
            let Some(budgeted) = budget.try_acquire() else {
                tracing::warn!(%peer, "CTI connection refused: the process's connection budget is spent");
                drop(stream);
                continue;
            };
            let _ = stream.set_nodelay(true);
            let shared = shared.clone();
            tracker.spawn(async move {
                let io: BoxIo = Box::new(stream);
                serve(shared, io, peer.ip()).await;
                drop((permit, budgeted));
            });
        }
        tracing::info!("CTI server shutting down");
        drop(listener);
        shared.shutdown.cancel();
        tracker.close();
        if tokio::time::timeout(SHUTDOWN_GRACE, tracker.wait())
            .await
            .is_err()
        {
            tracing::warn!("CTI sessions did not all end within the shutdown grace period");
        }
        drop(shared);
        fanout_task.abort();
        Ok(())
    }
}
