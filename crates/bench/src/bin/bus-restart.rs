//! Really restarts the local RabbitMQ (`rabbitmqctl stop_app`, then `start_app`) while ctid's
//! publisher sends numbered `call_form_result` messages at a steady rate, and reports what a
//! consumer received: messages submitted, published (confirmed by the broker), dropped by ctid,
//! received by a durable queue of the run's own (it reconnects after the restart), missing ones
//! by number, and duplicates. Not part of the test suite: it stops the broker every test uses,
//! so it runs only with `--restart-the-broker`, on a machine where nothing else needs it then.
//!
//! Messages are not persistent (as XiVO publishes them), so those the broker held in the queue
//! when it stopped are lost with it: the report tells them from what ctid itself lost.
//!
//! `cargo run --release -p ctid-bench --bin bus-restart -- --restart-the-broker --rate 200 --seconds 12`

use std::collections::BTreeMap;
use std::process::Command as Process;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use ctid_bench::bus::{DEFAULT_BROKER, connect, consume, seq_of};
use ctid_bus::{BusConfig, spawn_publisher};
use ctid_core::ids::UserId;
use ctid_core::{Command, CoreConfig, Dataset, SystemClock, pbx_link, spawn};
use futures::StreamExt;
use lapin::options::{ExchangeDeleteOptions, QueueDeleteOptions};

/// Broker restart benchmark.
#[derive(Parser, Debug)]
struct Args {
    /// The broker (the local one: `rabbitmqctl` restarts it).
    #[arg(long, default_value = DEFAULT_BROKER)]
    broker: String,
    /// Messages per second.
    #[arg(long, default_value_t = 200)]
    rate: u64,
    /// Seconds of sending.
    #[arg(long, default_value_t = 12)]
    seconds: u64,
    /// Seconds after the start when the broker is stopped.
    #[arg(long, default_value_t = 4)]
    restart_after: u64,
    /// `rabbitmqctl`.
    #[arg(long, default_value = "rabbitmqctl")]
    rabbitmqctl: String,
    /// Required: this stops the broker every other program on the machine uses.
    #[arg(long)]
    restart_the_broker: bool,
}

/// Longest wait for the broker to come back, for the publisher to confirm, for a message.
const PATIENCE: Duration = Duration::from_secs(60);

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.restart_the_broker,
        "this stops and starts the local RabbitMQ: pass --restart-the-broker when nothing else needs it"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(args))
}

/// What the consumer received: how many times each number arrived.
type Arrivals = Arc<Mutex<BTreeMap<u64, u32>>>;

async fn run(args: Args) -> anyhow::Result<()> {
    let name = format!("ctid-bench-restart-{}", std::process::id());
    let arrivals: Arrivals = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let reader = tokio::spawn(read_through_restarts(
        args.broker.clone(),
        name.clone(),
        arrivals.clone(),
        stop.clone(),
    ));
    // The consumer's queue exists before anything is published.
    let deadline = Instant::now() + PATIENCE;
    while !queue_exists(&args.broker, &name).await {
        anyhow::ensure!(Instant::now() < deadline, "the consumer did not bind");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let (port, adapter) = pbx_link(1024);
    let mut actions = adapter.actions;
    tokio::spawn(async move { while actions.recv().await.is_some() {} });
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
            exchange: name.clone(),
            ..BusConfig::default()
        },
    )
    .await?;

    let total = args.rate * args.seconds;
    let sender = {
        let core = core.clone();
        let period = Duration::from_secs_f64(1.0 / args.rate as f64);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period);
            for seq in 0..total {
                ticks.tick().await;
                let _ = core
                    .execute(Command::CallFormResult {
                        user: UserId(1),
                        variables: vec![("seq".to_owned(), seq.to_string())],
                    })
                    .await;
            }
        })
    };
    tokio::time::sleep(Duration::from_secs(args.restart_after)).await;
    let before = publisher.stats.confirmed();
    let stopping = Instant::now();
    rabbitmqctl(&args.rabbitmqctl, "stop_app").await?;
    let stopped = stopping.elapsed();
    rabbitmqctl(&args.rabbitmqctl, "start_app").await?;
    let outage = stopping.elapsed();
    println!(
        "broker stopped at {} s (stop_app took {:.1} s), back after {:.1} s; {before} messages confirmed before",
        args.restart_after,
        stopped.as_secs_f64(),
        outage.as_secs_f64()
    );
    sender.await?;
    drop(core);
    tokio::time::timeout(PATIENCE, publisher.reader).await??;
    let stats = &publisher.stats;
    let deadline = Instant::now() + PATIENCE;
    while stats.confirmed() + stats.nacked() < stats.queued() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The consumer takes what is left (it stops after a quiet second).
    let mut last = (0, Instant::now());
    while last.1.elapsed() < Duration::from_secs(1) {
        let count = arrivals.lock().unwrap().len();
        if count != last.0 {
            last = (count, Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::SeqCst);
    let _ = reader.await;

    let received = arrivals.lock().unwrap().clone();
    let missing: Vec<u64> = (0..total).filter(|s| !received.contains_key(s)).collect();
    let twice = received.values().filter(|&&c| c > 1).count();
    println!(
        "{total} submitted at {} /s: {} queued, {} confirmed, {} nacked, {} dropped by ctid, {} connections",
        args.rate,
        stats.queued(),
        stats.confirmed(),
        stats.nacked(),
        stats.dropped() + publisher.hub.dropped(),
        stats.connections()
    );
    println!(
        "received {} distinct ({twice} more than once); missing {}: {}",
        received.len(),
        missing.len(),
        ranges(&missing)
    );
    println!(
        "loss: {:.3} % of the messages ({} lost in ctid, {} lost after the broker took them)",
        missing.len() as f64 * 100.0 / total.max(1) as f64,
        stats.dropped() + publisher.hub.dropped(),
        (missing.len() as u64).saturating_sub(stats.dropped() + publisher.hub.dropped())
    );

    let connection = connect(&args.broker).await?;
    let channel = connection.create_channel().await?;
    channel
        .queue_delete(name.as_str().into(), QueueDeleteOptions::default())
        .await?;
    channel
        .exchange_delete(name.as_str().into(), ExchangeDeleteOptions::default())
        .await?;
    Ok(())
}

/// Consumes the durable queue `name`, reconnecting (every 0.2 s) when the broker goes away,
/// until `stop`.
async fn read_through_restarts(
    url: String,
    name: String,
    arrivals: Arrivals,
    stop: Arc<AtomicBool>,
) {
    while !stop.load(Ordering::SeqCst) {
        let Ok(connection) = connect(&url).await else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        let consumer = match connection.create_channel().await {
            Ok(channel) => consume(&channel, &name, Some(&name)).await,
            Err(e) => Err(e.into()),
        };
        let Ok(mut consumer) = consumer else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        while !stop.load(Ordering::SeqCst) {
            match tokio::time::timeout(Duration::from_millis(200), consumer.next()).await {
                Ok(Some(Ok(delivery))) => {
                    if let Some(seq) = seq_of(&delivery.data) {
                        *arrivals.lock().unwrap().entry(seq).or_default() += 1;
                    }
                }
                Ok(_) => break,
                Err(_) => {}
            }
        }
    }
}

/// Whether the queue `name` exists now.
async fn queue_exists(url: &str, name: &str) -> bool {
    let Ok(connection) = connect(url).await else {
        return false;
    };
    let Ok(channel) = connection.create_channel().await else {
        return false;
    };
    channel
        .queue_declare(
            name.into(),
            lapin::options::QueueDeclareOptions {
                passive: true,
                ..Default::default()
            },
            lapin::types::FieldTable::default(),
        )
        .await
        .is_ok()
}

/// Runs `rabbitmqctl VERB` (blocking, off the runtime's threads).
async fn rabbitmqctl(program: &str, verb: &str) -> anyhow::Result<()> {
    let program = program.to_owned();
    let arg = verb.to_owned();
    let status = tokio::task::spawn_blocking(move || {
        Process::new(&program)
            .args(["-q", &arg])
            .status()
            .map_err(|e| anyhow::anyhow!("cannot run {program}: {e}"))
    })
    .await??;
    anyhow::ensure!(status.success(), "rabbitmqctl {verb} failed: {status}");
    Ok(())
}

/// `1-3, 7` for `[1, 2, 3, 7]`.
fn ranges(numbers: &[u64]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < numbers.len() {
        let start = numbers[i];
        while i + 1 < numbers.len() && numbers[i + 1] == numbers[i] + 1 {
            i += 1;
        }
        out.push(if numbers[i] == start {
            start.to_string()
        } else {
            format!("{start}-{}", numbers[i])
        });
        i += 1;
    }
    if out.is_empty() {
        "none".to_owned()
    } else {
        out.join(", ")
    }
}
