//! Measures ctid's message bus against the real RabbitMQ (loopback), each figure next to a
//! baseline taken in the same run:
//!
//! - **publish**: messages per second through ctid's publisher with publisher confirms
//!   (`call_form_result` commands into a running core, mapped, encoded, published with
//!   pipelined confirms, until the broker confirmed them all), against a bare lapin publisher
//!   with the same confirm window;
//! - **latency**: publish-to-consumer latency at a steady rate (default 1,000 events/s): from
//!   the command entering the core to the message reaching a consumer queue, p50/p90/p99/max,
//!   against the bare publisher's at the same rate;
//! - **core**: the core's event throughput (the call-centre workload of `core-throughput`
//!   through the core task) with a face's consumer only (the baseline: `ctid serve` always has
//!   its faces), with a bus publisher added whose broker cannot be reached (ctid's mapping and
//!   encoding only), and with one publishing to the broker (and, for reference, the core
//!   alone); runs alternating, best of each, as ratios to the baseline: in wall time (what the machine's two
//!   cores give when the publisher, lapin and the broker share them) and in CPU time of the
//!   core's own thread (what attaching the bus costs the core itself).
//!
//! Every exchange is the run's own and deleted at the end; the load stops by itself.
//!
//! `cargo run --release -p ctid-bench --bin bus-load -- --messages 50000 --rate 1000 --seconds 10`

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use ctid_bench::bus::{
    DEFAULT_BROKER, arrivals, connect, consume, delete_exchange, describe, latencies, publish_bare,
    run_exchange,
};
use ctid_bench::stats::percentile;
use ctid_bench::workload::{WorkloadSpec, generate};
use ctid_bus::{BusConfig, BusPublisher, BusStats, spawn_publisher};
use ctid_core::ids::UserId;
use ctid_core::{
    BufferPolicy, Command, CoreConfig, CoreHandle, Dataset, ManualClock, PbxEvent, SystemClock,
    Timestamp, pbx_link, spawn,
};

/// Message bus benchmark.
#[derive(Parser, Debug)]
struct Args {
    /// The broker.
    #[arg(long, default_value = DEFAULT_BROKER)]
    broker: String,
    /// Which figures.
    #[arg(long, value_enum, default_value_t = Only::All)]
    only: Only,
    /// Messages published for the throughput figure.
    #[arg(long, default_value_t = 50_000)]
    messages: u64,
    /// Events per second for the latency figure.
    #[arg(long, default_value_t = 1_000)]
    rate: u64,
    /// Seconds of steady rate for the latency figure.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Agents of the core workload.
    #[arg(long, default_value_t = 1_000)]
    agents: u32,
    /// Simulated seconds of the core workload.
    #[arg(long, default_value_t = 60)]
    sim_seconds: u64,
    /// Runs of each core configuration (alternating; the best of each is compared).
    #[arg(long, default_value_t = 3)]
    runs: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Only {
    Publish,
    Latency,
    Core,
    All,
}

/// How long a consumer waits for the next message before giving up.
const PATIENCE: Duration = Duration::from_secs(10);

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    let exchange = run_exchange("bus-load");
    let admin = connect(&args.broker).await?;
    let result = figures(&args, &exchange).await;
    delete_exchange(&admin, &exchange).await?;
    result
}

async fn figures(args: &Args, exchange: &str) -> anyhow::Result<()> {
    let all = args.only == Only::All;
    if all || args.only == Only::Publish {
        publish_rate(args, exchange).await?;
    }
    if all || args.only == Only::Latency {
        latency(args, exchange).await?;
    }
    if all || args.only == Only::Core {
        core_ratio(args, exchange).await?;
    }
    Ok(())
}

/// A core on the demo dataset (system clock) and ctid's publisher on `exchange`, connected.
async fn core_with_publisher(
    args: &Args,
    exchange: &str,
    config: BusConfig,
) -> anyhow::Result<(CoreHandle, BusPublisher)> {
    let (port, adapter) = pbx_link(4096);
    drain_actions(adapter.actions);
    let core = spawn(
        Arc::new(Dataset::demo()),
        SystemClock::shared(),
        port,
        CoreConfig::default(),
    );
    let publisher = spawn_publisher(
        &core,
        args.broker.clone(),
        BusConfig {
            exchange: exchange.to_owned(),
            ..config
        },
    )
    .await?;
    wait_connected(&publisher).await?;
    Ok((core, publisher))
}

/// Reads the core's PBX actions so that its queue never fills (the benchmark has no engine).
fn drain_actions(mut actions: tokio::sync::mpsc::Receiver<ctid_core::PbxRequest>) {
    tokio::spawn(async move { while actions.recv().await.is_some() {} });
}

async fn wait_connected(publisher: &BusPublisher) -> anyhow::Result<()> {
    let deadline = Instant::now() + PATIENCE;
    while !publisher.stats.connected() {
        anyhow::ensure!(Instant::now() < deadline, "the publisher did not connect");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(())
}

/// Waits until the broker confirmed `count` messages of a publisher; false after `PATIENCE`
/// without progress.
async fn wait_confirmed(stats: &BusStats, count: u64) -> bool {
    let mut last = (stats.confirmed(), Instant::now());
    while stats.confirmed() < count {
        let confirmed = stats.confirmed();
        if confirmed != last.0 {
            last = (confirmed, Instant::now());
        } else if last.1.elapsed() > PATIENCE {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    true
}

fn form(seq: u64) -> Command {
    Command::CallFormResult {
        user: UserId(1),
        variables: vec![("seq".to_owned(), seq.to_string())],
    }
}

/// Messages per second with confirms: ctid's publisher, then the bare one.
async fn publish_rate(args: &Args, exchange: &str) -> anyhow::Result<()> {
    let n = args.messages;
    println!("publish: {n} messages with publisher confirms (confirm window 1000)");
    let config = BusConfig {
        hub_capacity: (n as usize).max(1024),
        outbox_capacity: (n as usize).max(1024),
        ..BusConfig::default()
    };
    let (core, publisher) = core_with_publisher(args, exchange, config).await?;
    let started = Instant::now();
    // Four sessions submitting forms at once, each waiting for the core's answer.
    let senders: Vec<_> = (0..4u64)
        .map(|lane| {
            let core = core.clone();
            tokio::spawn(async move {
                let mut seq = lane;
                while seq < n {
                    let _ = core.execute(form(seq)).await;
                    seq += 4;
                }
            })
        })
        .collect();
    for sender in senders {
        sender.await?;
    }
    let submitted = started.elapsed();
    let complete = wait_confirmed(&publisher.stats, n).await;
    let took = started.elapsed();
    let stats = &publisher.stats;
    let ctid_rate = stats.confirmed() as f64 / took.as_secs_f64();
    println!(
        "  ctid: {} confirmed in {:.3} s = {ctid_rate:.0} messages/s (commands submitted in {:.3} s; dropped {}, hub dropped {}){}",
        stats.confirmed(),
        took.as_secs_f64(),
        submitted.as_secs_f64(),
        stats.dropped(),
        publisher.hub.dropped(),
        if complete { "" } else { " INCOMPLETE" }
    );
    drop(core);

    let connection = connect(&args.broker).await?;
    let channel = connection.create_channel().await?;
    let started = Instant::now();
    publish_bare(&channel, exchange, n, 1000, None).await?;
    let took = started.elapsed();
    let bare_rate = n as f64 / took.as_secs_f64();
    println!(
        "  bare lapin publisher: {n} confirmed in {:.3} s = {bare_rate:.0} messages/s",
        took.as_secs_f64()
    );
    println!(
        "  => ctid publishes {ctid_rate:.0} messages/s with confirms, {:.2} × the bare publisher",
        ctid_rate / bare_rate
    );
    Ok(())
}

/// Publish-to-consumer latency at `--rate` events/s: ctid's path, then the bare publisher.
async fn latency(args: &Args, exchange: &str) -> anyhow::Result<()> {
    let n = args.rate * args.seconds;
    let period = Duration::from_secs_f64(1.0 / args.rate as f64);
    println!(
        "latency: {n} events at {} events/s, command → consumer queue",
        args.rate
    );
    let listener = connect(&args.broker).await?;

    let consumer = consume(&listener.create_channel().await?, exchange, None).await?;
    let arrived = tokio::spawn(arrivals(consumer, n as usize, PATIENCE));
    let (core, publisher) = core_with_publisher(args, exchange, BusConfig::default()).await?;
    let mut sent = Vec::with_capacity(n as usize);
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    for seq in 0..n {
        ticks.tick().await;
        sent.push(Instant::now());
        let _ = core.execute(form(seq)).await;
    }
    let arrived = arrived.await?;
    let ctid = latencies(&sent, &arrived);
    println!(
        "  ctid: {} (dropped {}, hub dropped {})",
        describe(&ctid),
        publisher.stats.dropped(),
        publisher.hub.dropped()
    );
    drop(core);

    let consumer = consume(&listener.create_channel().await?, exchange, None).await?;
    let arrived = tokio::spawn(arrivals(consumer, n as usize, PATIENCE));
    let publishing = connect(&args.broker).await?;
    let sent = publish_bare(
        &publishing.create_channel().await?,
        exchange,
        n,
        1000,
        Some(period),
    )
    .await?;
    let bare = latencies(&sent, &arrived.await?);
    println!("  bare lapin publisher: {}", describe(&bare));
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "  => p50 {:.2} ms, p99 {:.2} ms at {} events/s; bare p99 {:.2} ms (ctid p99 {:.2} × bare)",
        ms(percentile(&ctid, 0.50)),
        ms(percentile(&ctid, 0.99)),
        args.rate,
        ms(percentile(&bare, 0.99)),
        percentile(&ctid, 0.99).as_secs_f64() / percentile(&bare, 0.99).as_secs_f64().max(1e-9)
    );
    Ok(())
}

/// The core's throughput on the call-centre workload with the bus attached and without.
async fn core_ratio(args: &Args, exchange: &str) -> anyhow::Result<()> {
    let workload = generate(&WorkloadSpec {
        agents: args.agents,
        duration: Duration::from_secs(args.sim_seconds),
        ..Default::default()
    });
    let dataset = Arc::new(workload.dataset);
    let mut batches: Vec<(Timestamp, Vec<PbxEvent>)> = Vec::new();
    for (at, event) in &workload.events {
        match batches.last_mut() {
            Some((t, batch)) if t == at => batch.push(event.clone()),
            _ => batches.push((*at, vec![event.clone()])),
        }
    }
    println!(
        "core: {} agents, {} PBX events in {} batches through the core task, with and without the bus",
        args.agents,
        workload.events.len(),
        batches.len()
    );
    // Best wall time and best core-thread CPU time of each attachment.
    let mut best = [(Duration::MAX, Duration::MAX); 4];
    for run in 1..=args.runs.max(1) {
        for attach in Attach::ALL {
            let (took, cpu, said) = core_run(args, exchange, &dataset, &batches, attach).await?;
            let slot = &mut best[attach as usize];
            *slot = (slot.0.min(took), slot.1.min(cpu));
            println!(
                "  run {run}, {}: {:.3} s, {:.0} PBX events/s; core thread CPU {:.3} s{said}",
                attach.name(),
                took.as_secs_f64(),
                workload.events.len() as f64 / took.as_secs_f64(),
                cpu.as_secs_f64()
            );
        }
    }
    let rate = |d: Duration| workload.events.len() as f64 / d.as_secs_f64();
    let (wall, cpu) = best[Attach::Face as usize];
    for attach in Attach::ALL {
        let (with_wall, with_cpu) = best[attach as usize];
        println!(
            "  => best, {}: {:.0} PBX events/s wall ({:.3} × with a face), {:.0} per core-thread CPU second ({:.3} ×)",
            attach.name(),
            rate(with_wall),
            rate(with_wall) / rate(wall),
            rate(with_cpu),
            rate(with_cpu) / rate(cpu),
        );
    }
    Ok(())
}

/// What consumes the core's events in one pass.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Attach {
    /// Nothing (a core alone, which ctid never runs).
    None = 0,
    /// A consumer of every batch with `BufferPolicy::Block` that drops them: what a face's
    /// fan-out task costs the core, as `ctid serve` always runs two (CTI, XuC). The baseline.
    Face = 1,
    /// That, and a bus publisher whose broker cannot be reached: the core's events are mapped,
    /// encoded and queued (ctid's own cost), nothing is sent.
    Unreachable = 2,
    /// That, and a bus publisher connected to the broker, publishing as it goes.
    Broker = 3,
}

impl Attach {
    const ALL: [Attach; 4] = [
        Attach::None,
        Attach::Face,
        Attach::Unreachable,
        Attach::Broker,
    ];

    fn name(self) -> &'static str {
        match self {
            Attach::None => "core alone",
            Attach::Face => "a face's consumer (baseline)",
            Attach::Unreachable => "+ bus, broker unreachable (map and encode only)",
            Attach::Broker => "+ bus publishing to the broker",
        }
    }
}

/// One pass of the workload through a fresh core task; with the bus, also what it published.
async fn core_run(
    args: &Args,
    exchange: &str,
    dataset: &Arc<Dataset>,
    batches: &[(Timestamp, Vec<PbxEvent>)],
    attach: Attach,
) -> anyhow::Result<(Duration, Duration, String)> {
    let clock = ManualClock::new(batches.first().map_or(Timestamp(0), |b| b.0));
    let (port, adapter) = pbx_link(4096);
    drain_actions(adapter.actions);
    let (core, core_thread) = core_on_its_own_thread(dataset.clone(), clock.clone(), port);
    // Room for the whole run (it replays minutes of traffic in a second): nothing dropped, so
    // the bus does all its work.
    let config = BusConfig {
        exchange: exchange.to_owned(),
        outbox_capacity: 1 << 20,
        hub_capacity: batches.len().max(1024),
        ..BusConfig::default()
    };
    if attach != Attach::None {
        let mut face = core.subscribe(1024, BufferPolicy::Block).await?;
        tokio::spawn(async move { while face.recv().await.is_some() {} });
    }
    let publisher = match attach {
        Attach::None | Attach::Face => None,
        Attach::Unreachable => {
            // Nothing listens on port 1.
            let url = "amqp://guest:guest@127.0.0.1:1/%2f".to_owned();
            Some(spawn_publisher(&core, url, config).await?)
        }
        Attach::Broker => {
            let publisher = spawn_publisher(&core, args.broker.clone(), config).await?;
            wait_connected(&publisher).await?;
            Some(publisher)
        }
    };
    let cpu_before = core.read(|_| thread_cpu()).await?;
    let started = Instant::now();
    for (at, batch) in batches {
        clock.set(*at);
        adapter.events.send(batch.clone()).await?;
    }
    // Served after every batch sent before it, on the core's thread.
    let cpu_after = core.read(|_| thread_cpu()).await?;
    let took = started.elapsed();
    let cpu = cpu_after.saturating_sub(cpu_before);
    drop(core);
    core_thread.stop();
    let said = match publisher {
        None => String::new(),
        Some(publisher) => {
            tokio::time::timeout(Duration::from_secs(60), publisher.reader).await??;
            let queued = publisher.stats.queued();
            // Let the broker take everything before the next run, outside the measure.
            let complete =
                attach == Attach::Unreachable || wait_confirmed(&publisher.stats, queued).await;
            publisher.task.abort();
            format!(
                " ({queued} bus messages, {} dropped, {} batches dropped at the hub{})",
                publisher.stats.dropped(),
                publisher.hub.dropped(),
                if complete { "" } else { ", not all confirmed" }
            )
        }
    };
    Ok((took, cpu, said))
}

/// The core task's own thread (a current-thread runtime): it runs nothing else, so its CPU time
/// is the core's, whatever else the machine runs.
struct CoreThread {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl CoreThread {
    fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn core_on_its_own_thread(
    dataset: Arc<Dataset>,
    clock: ManualClock,
    port: ctid_core::PbxPort,
) -> (CoreHandle, CoreThread) {
    let (handle_tx, handle_rx) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async move {
            let core = spawn(dataset, clock.shared(), port, CoreConfig::default());
            let _ = handle_tx.send(core);
            let _ = stopped.await;
        });
    });
    let core = handle_rx.recv().expect("the core's thread starts");
    (
        core,
        CoreThread {
            stop: Some(stop),
            thread: Some(thread),
        },
    )
}

/// CPU time of the calling thread.
fn thread_cpu() -> Duration {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_THREAD_CPUTIME_ID)
        .map(Duration::from)
        .unwrap_or_default()
}
