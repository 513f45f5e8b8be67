//! `ctid serve`: raises the open-file limit, opens the store (`[store]`: SQLite under the data
//! directory, or PostgreSQL), takes the configuration from it (`startup_dataset.rs`: filled
//! from the dataset file or the demo on the first start), wires the telephony engine chosen by
//! `[pbx] engine`, the core (seeded with the users' services and presence and the agents'
//! run-time queue memberships the store kept), the store's writers (call log; users' services
//! and presence; configuration changes; run-time memberships), the message bus publisher and
//! consumer (when `[bus] url` is set), the login guard, the connection budget, the CTI server,
//! the XuC face, the admin API and the HTTP listener together, reloads the dataset file on SIGHUP
//! (`reload.rs`; the configuration writer stores what it changes), and shuts them down
//! gracefully on SIGINT/SIGTERM.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use ctid_core::login_guard::LoginGuard;
use ctid_core::store::{CallLogStore, CallLogWriterConfig, spawn_call_log_writer};
use ctid_core::{CoreConfig, Dataset, PbxAdapterEnd, Seed, SharedClock, SystemClock, pbx_link};
use ctid_proto_cti::CtiServer;
use ctid_store::config_writer::spawn_config_writer;
use ctid_store::memberships_writer::spawn_memberships_writer;
use ctid_store::services_writer::spawn_users_writer;
use ctid_store::{Store, WriterConfig};
use tokio_util::sync::CancellationToken;

use crate::config::{Config, Engine};
use crate::http_server::HttpLimits;
use crate::{http, http_server, limits, node_uuid};

/// Bound of the PBX port queues (actions and event batches).
const PBX_QUEUE: usize = 4096;
/// How long the store's writers get, on shutdown, to write what waits.
const STORE_FLUSH: Duration = Duration::from_secs(10);
/// How long the bus publisher gets, on shutdown, to publish what waits in its outbox.
const BUS_FLUSH: Duration = Duration::from_secs(10);

/// Runs the server until SIGINT or SIGTERM.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    tokio::spawn(forward_signals(shutdown.clone()));
    run(config, shutdown).await
}

/// Runs the server until `shutdown` is cancelled.
pub async fn run(config: Config, shutdown: CancellationToken) -> anyhow::Result<()> {
    let fd_limit = limits::raise_fd_limit();
    let budget = limits::budget(&config.limits, fd_limit);
    let reserve = config.limits.reserved_per_listener;
    let location = config.store.location();
    let store = Store::open(&location)
        .await
        .with_context(|| format!("cannot open the store ({})", describe(&location)))?;
    let (dataset, source) =
        crate::startup_dataset::load_or_fill(&store, config.dataset.file.as_deref()).await?;
    let dataset = name_the_node(&config, dataset).await?;
    tracing::info!(
        users = dataset.users().len(),
        lines = dataset.lines().len(),
        agents = dataset.agents().len(),
        queues = dataset.queues().len(),
        source = %source,
        "dataset loaded"
    );
    let stored = store
        .load_users()
        .await
        .context("cannot read users' services and presence from the store")?;
    let memberships = store
        .load_memberships()
        .await
        .context("cannot read agents' queue memberships from the store")?;
    tracing::info!(
        store = %describe(&location),
        services = stored.services.len(),
        presence = stored.presence.len(),
        memberships = memberships.len(),
        "store opened"
    );
    let seed = Seed {
        services: stored.services,
        presence: stored.presence,
        memberships: memberships.iter().map(|m| m.seeded()).collect(),
    };
    let clock = SystemClock::shared();
    let (port, adapter) = pbx_link(PBX_QUEUE);
    let sim = start_engine(&config, &dataset, &clock, adapter)?;
    let core_config = CoreConfig {
        inbox_capacity: config.core.inbox_capacity,
        originate_auto_answer: config.core.originate_auto_answer,
        remote_chat: config.bus.url.is_some() && config.bus.consume,
    };
    let core = ctid_core::spawn_seeded(dataset, clock.clone(), port, core_config, seed);
    let writers = [
        spawn_users_writer(&core, store.clone(), WriterConfig::default()).await?,
        spawn_config_writer(&core, store.clone(), WriterConfig::default()).await?,
        spawn_memberships_writer(&core, store.clone(), WriterConfig::default(), memberships)
            .await?,
    ];
    let reloads = tokio::spawn(crate::reload::reload_on_sighup(
        core.clone(),
        config.dataset.file.clone(),
    ));
    let login_guard = LoginGuard::start(&config.login, clock.clone())
        .context("cannot start the password-check workers")?;
    let call_log: Arc<dyn CallLogStore> = Arc::new(store.clone());
    let call_log_writer =
        spawn_call_log_writer(&core, call_log.clone(), CallLogWriterConfig::default()).await?;
    let mut bus = match &config.bus.url {
        Some(url) => Some(ctid_bus::spawn_publisher(&core, url.clone(), config.bus.clone()).await?),
        None => None,
    };
    let bus_consumer = match &config.bus.url {
        Some(url) if config.bus.consume => Some(ctid_bus::spawn_consumer(
            core.clone(),
            url.clone(),
            config.bus.clone(),
        )),
        _ => None,
    };

    let xuc = ctid_proto_xuc::XucFace::start(
        config.xuc.clone(),
        core.clone(),
        call_log.clone(),
        login_guard.clone(),
        shutdown.clone(),
    )
    .await
    .context("cannot start the XuC face")?;
    let cti = CtiServer::bind_with(
        config.cti.clone(),
        core.clone(),
        call_log,
        login_guard,
        budget.listener(reserve),
    )
    .await
    .with_context(|| format!("cannot listen for CTI clients on {}", config.cti.listen))?;
    let admin = ctid_admin::router(core.clone(), &config.admin)?;
    let http_listener = tokio::net::TcpListener::bind(config.http.listen)
        .await
        .with_context(|| format!("cannot listen for HTTP on {}", config.http.listen))?;
    tracing::info!(cti = %cti.local_addr(), http = %http_listener.local_addr()?, "ctid is ready");

    let http_limits = HttpLimits {
        max_connections: config.http.max_connections,
        header_read_timeout: config.http.header_read_timeout,
        idle_timeout: config.http.idle_timeout,
    };
    let http = http_server::serve(
        http_listener,
        http::router(Some(xuc.router()), Some(admin), sim, config.sim.clone()),
        http_limits,
        budget.listener(reserve),
        clock,
        shutdown.clone(),
    );
    let http = async move { http.await.context("HTTP server failed") };
    let cti_shutdown = shutdown.clone();
    let cti = async move {
        cti.run(async move { cti_shutdown.cancelled().await })
            .await
            .context("CTI server failed")
    };
    let served = tokio::try_join!(http, cti);
    reloads.abort();
    // The consumer holds a core handle: it stops first, so that the core can.
    let consumed = bus_consumer.map(|consumer| {
        consumer.task.abort();
        consumer.stats.clone()
    });
    // The core stops once its last handle is gone (the faces' are, once their sessions ended);
    // the call-log writer then writes what waits.
    drop(reloads);
    let stopped = futures::future::join_all(writers.map(|w| w.stop(STORE_FLUSH))).await;
    if stopped.contains(&false) {
        tracing::warn!(
            "users' services and presence, the configuration or memberships were still being written at shutdown"
        );
    }
    drop((core, xuc));
    let written = &call_log_writer.stats;
    let call_log_task = call_log_writer.task;
    if tokio::time::timeout(STORE_FLUSH, call_log_task)
        .await
        .is_err()
    {
        tracing::warn!("the call log was still being written at shutdown");
    }
    store.close().await;
    // The publisher's reader ended with the core; what waits in its outbox is published now.
    if let Some(bus) = &mut bus
        && tokio::time::timeout(BUS_FLUSH, &mut bus.task)
            .await
            .is_err()
    {
        tracing::warn!(
            waiting = bus
                .stats
                .queued()
                .saturating_sub(bus.stats.confirmed() + bus.stats.nacked()),
            "events were still waiting for the message bus at shutdown"
        );
    }
    served?;
    tracing::info!(
        call_log_written = written.written(),
        call_log_dropped = written.dropped() + call_log_writer.hub.dropped(),
        call_log_failed = written.failed(),
        "ctid stopped"
    );
    if let Some(bus) = bus {
        tracing::info!(
            bus_queued = bus.stats.queued(),
            bus_confirmed = bus.stats.confirmed(),
            bus_dropped = bus.stats.dropped() + bus.hub.dropped(),
            bus_nacked = bus.stats.nacked(),
            "message bus publisher stopped"
        );
    }
    if let Some(consumed) = consumed {
        tracing::info!(
            bus_received = consumed.received(),
            bus_applied = consumed.applied(),
            bus_refused = consumed.refused(),
            bus_dropped = consumed.dropped(),
            "message bus consumer stopped"
        );
    }
    Ok(())
}

/// The dataset named by the node's uuid ([`crate::node_uuid`]): the `xivo_uuid` every face and
/// the bus show.
async fn name_the_node(config: &Config, dataset: Dataset) -> anyhow::Result<Arc<Dataset>> {
    let (uuid, source) = node_uuid::resolve(&config.node, &config.store.data_dir).await?;
    let named = dataset.xivo_uuid();
    if named != Dataset::default_xivo_uuid() && named != uuid {
        tracing::warn!(
            dataset = named,
            node = %uuid,
            "the dataset's xivo_uuid is replaced by the node's uuid ([node] uuid, or the data directory's node-uuid file)"
        );
    }
    tracing::info!(node_uuid = %uuid, source = ?source, "node uuid");
    Ok(Arc::new(dataset.with_xivo_uuid(uuid)))
}

/// The store's location for logs and errors (a PostgreSQL URL without its password).
pub(crate) fn describe(location: &ctid_store::StoreLocation) -> String {
    match location {
        ctid_store::StoreLocation::SqliteDir(dir) => format!("SQLite in {}", dir.display()),
        ctid_store::StoreLocation::Postgres(url) => match url.split_once('@') {
            Some((_, host)) => format!("PostgreSQL at {host}"),
            None => format!("PostgreSQL at {url}"),
        },
    }
}

/// Starts the engine on the adapter end of the PBX port; returns the embedded PBX's handle when
/// it is the engine (for the `/sim` routes).
fn start_engine(
    config: &Config,
    dataset: &Arc<Dataset>,
    clock: &SharedClock,
    adapter: PbxAdapterEnd,
) -> anyhow::Result<Option<ctid_pbx_sim::SimHandle>> {
    match config.pbx.engine {
        Engine::Embedded => {
            tracing::info!("engine: embedded PBX");
            Ok(Some(ctid_pbx_sim::start(
                dataset.clone(),
                clock.clone(),
                config.pbx.embedded.clone(),
                adapter,
            )))
        }
        Engine::Replay => {
            let file = config.pbx.replay.file.as_ref().context(
                "[pbx] engine = \"replay\" needs [pbx.replay] file (or ctid serve --replay FILE)",
            )?;
            let speed = config.pbx.replay.speed.speed()?;
            let cursor = ctid_pbx_ami::replay::ReplayCursor::open(file, dataset.clone())?;
            tracing::info!(file = %file.display(), ?speed, "engine: replay of a recording");
            tokio::spawn(ctid_pbx_ami::replay::run(
                cursor,
                adapter,
                clock.clone(),
                speed,
            ));
            Ok(None)
        }
        Engine::Asterisk => {
            let ami = &config.pbx.asterisk;
            tracing::info!(address = %ami.address(), user = %ami.username, "engine: Asterisk (AMI)");
            ctid_pbx_ami::start(dataset.clone(), clock.clone(), ami.clone(), adapter);
            Ok(None)
        }
    }
}

async fn forward_signals(shutdown: CancellationToken) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => futures::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = futures::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("SIGINT received, shutting down"),
        _ = term => tracing::info!("SIGTERM received, shutting down"),
    }
    shutdown.cancel();
}
