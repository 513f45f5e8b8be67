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
//!   through the core task) with the bus publisher attached and without, runs alternating,
//!   best of each, as a ratio.
//!
//! Every exchange is the run's own and deleted at the end; the load stops by itself.
//!
//! `cargo run --release -p ctid-bench --bin bus-load -- --messages 50000 --rate 1000 --seconds 10`

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use ctid_bench::bus::{
    DEFAULT_BROKER, arrivals, connect, consume, delete_exchange, describe, latencies, percentile,
    publish_bare, run_exchange,
};
use ctid_bench::workload::{WorkloadSpec, generate};
use ctid_bus::{BusConfig, BusPublisher, BusStats, spawn_publisher};
use ctid_core::ids::UserId;
use ctid_core::{
    Command, CoreConfig, CoreHandle, Dataset, ManualClock, PbxEvent, SystemClock, Timestamp,
    pbx_link, spawn,
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
        ms(percentile(&ctid, 50.0)),
        ms(percentile(&ctid, 99.0)),
        args.rate,
        ms(percentile(&bare, 99.0)),
        percentile(&ctid, 99.0).as_secs_f64() / percentile(&bare, 99.0).as_secs_f64().max(1e-9)
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
    let mut best = [Duration::MAX; 2];
    for run in 1..=args.runs.max(1) {
        for with_bus in [false, true] {
            let (took, said) = core_run(args, exchange, &dataset, &batches, with_bus).await?;
            let slot = &mut best[usize::from(with_bus)];
            *slot = (*slot).min(took);
            println!(
                "  run {run}, {}: {:.3} s, {:.0} PBX events/s{said}",
                if with_bus { "bus attached" } else { "no bus" },
                took.as_secs_f64(),
                workload.events.len() as f64 / took.as_secs_f64()
            );
        }
    }
    let rate = |d: Duration| workload.events.len() as f64 / d.as_secs_f64();
    println!(
        "  => best: {:.0} PBX events/s without the bus, {:.0} with it attached: {:.3} × ({:+.1} %)",
        rate(best[0]),
        rate(best[1]),
        rate(best[1]) / rate(best[0]),
        (rate(best[1]) / rate(best[0]) - 1.0) * 100.0
    );
    Ok(())
}

/// One pass of the workload through a fresh core task; with the bus, also what it published.
async fn core_run(
    args: &Args,
    exchange: &str,
    dataset: &Arc<Dataset>,
    batches: &[(Timestamp, Vec<PbxEvent>)],
    with_bus: bool,
) -> anyhow::Result<(Duration, String)> {
    let clock = ManualClock::new(batches.first().map_or(Timestamp(0), |b| b.0));
    let (port, adapter) = pbx_link(4096);
    drain_actions(adapter.actions);
    let core = spawn(dataset.clone(), clock.shared(), port, CoreConfig::default());
    let publisher = if with_bus {
        let config = BusConfig {
            exchange: exchange.to_owned(),
            outbox_capacity: 1 << 20,
            ..BusConfig::default()
        };
        let publisher = spawn_publisher(&core, args.broker.clone(), config).await?;
        wait_connected(&publisher).await?;
        Some(publisher)
    } else {
        None
    };
    let started = Instant::now();
    for (at, batch) in batches {
        clock.set(*at);
        adapter.events.send(batch.clone()).await?;
    }
    // Served after every batch sent before it.
    core.read(|_| ()).await?;
    let took = started.elapsed();
    drop(core);
    let said = match publisher {
        None => String::new(),
        Some(publisher) => {
            // Let the broker take everything before the next run, outside the measure.
            tokio::time::timeout(Duration::from_secs(60), publisher.reader).await??;
            let queued = publisher.stats.queued();
            let complete = wait_confirmed(&publisher.stats, queued).await;
            format!(
                " ({queued} bus messages, {} dropped, {} batches dropped at the hub{})",
                publisher.stats.dropped(),
                publisher.hub.dropped(),
                if complete { "" } else { ", not all confirmed" }
            )
        }
    };
    Ok((took, said))
}
