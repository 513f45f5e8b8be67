//! Measures what a configuration change costs the core: a large dataset (default 10,000 users,
//! lines and agents, from the core-throughput generator) is loaded into a running core, then
//! `--changes` single-user updates (a first name) go through `CoreHandle::apply_config` one
//! after the other. It prints the time per change as the caller sees it, the part of it spent
//! building the next dataset (`Dataset::with_changes`, measured alone beforehand), and the
//! core's event-loop stall: the latency of `CoreHandle::read` probes issued back to back while
//! the changes run, next to the same probes with no change running.
//!
//! `cargo run --release -p ctid-bench --bin config-change -- --users 10000 --changes 200`

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use ctid_bench::workload::{WorkloadSpec, dataset};
use ctid_core::dataset::{ConfigChange, ConfigObject, Dataset};
use ctid_core::{CoreConfig, CoreHandle, SystemClock, pbx_link, spawn};

/// Configuration change cost benchmark.
#[derive(Parser, Debug)]
struct Args {
    /// Users (each with a line and an agent).
    #[arg(long, default_value_t = 10_000)]
    users: u32,
    /// Single-user updates applied, one after the other.
    #[arg(long, default_value_t = 200)]
    changes: u32,
    /// Read probes measured with no change running (the baseline).
    #[arg(long, default_value_t = 2_000)]
    idle_probes: u32,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    let built = Instant::now();
    let ds = dataset(&WorkloadSpec {
        agents: args.users,
        ..Default::default()
    });
    println!(
        "dataset: {} users, {} lines, {} agents, {} queues (built in {:.0?})",
        ds.users().len(),
        ds.lines().len(),
        ds.agents().len(),
        ds.queues().len(),
        built.elapsed()
    );
    let ds = Arc::new(ds);

    // The next dataset alone, off the core: what each change costs before any live update.
    let alone = measure_with_changes(&ds, args.changes.min(50));
    println!(
        "Dataset::with_changes (one user updated), alone: {} (n = {})",
        Summary::of(alone.clone()),
        alone.len()
    );

    let (port, mut engine) = pbx_link(1024);
    let core = spawn(
        ds.clone(),
        Arc::new(SystemClock),
        port,
        CoreConfig::default(),
    );
    // The engine end takes the core's actions (each change sends one) and reports nothing.
    tokio::spawn(async move { while engine.actions.recv().await.is_some() {} });

    let idle = probe_reads(&core, |n| n >= args.idle_probes).await?;
    println!(
        "core read latency, no change running: {} (n = {})",
        Summary::of(idle.clone()),
        idle.len()
    );

    let running = Arc::new(AtomicBool::new(true));
    let probe = {
        let core = core.clone();
        let running = running.clone();
        tokio::spawn(
            async move { probe_reads(&core, move |_| !running.load(Ordering::Relaxed)).await },
        )
    };
    let mut per_change = Vec::with_capacity(args.changes as usize);
    for i in 0..args.changes {
        let change = rename(&core.dataset(), i);
        let started = Instant::now();
        core.apply_config(vec![change])
            .await
            .map_err(|e| anyhow::anyhow!("change {i} refused: {e}"))?;
        per_change.push(started.elapsed());
    }
    running.store(false, Ordering::Relaxed);
    let during = probe.await??;
    println!(
        "apply_config (one user updated), as the caller sees it: {} (n = {})",
        Summary::of(per_change.clone()),
        per_change.len()
    );
    println!(
        "core read latency while changes run: {} (n = {})",
        Summary::of(during.clone()),
        during.len()
    );
    let stalled: Vec<_> = during
        .iter()
        .filter(|d| **d > Duration::from_millis(1))
        .collect();
    println!(
        "reads that waited over 1 ms: {} of {}, {:.0?} in all (the core busy with a change)",
        stalled.len(),
        during.len(),
        stalled.into_iter().sum::<Duration>()
    );
    let total: Duration = per_change.iter().sum();
    println!(
        "changes per second, one at a time: {:.0}",
        per_change.len() as f64 / total.as_secs_f64()
    );
    Ok(())
}

/// The update of user `i` (modulo the users): a new first name.
fn rename(ds: &Dataset, i: u32) -> ConfigChange {
    let users = ds.users();
    let mut user = users[i as usize % users.len()].clone();
    user.firstname = format!("Renamed{i}");
    ConfigChange::Updated(ConfigObject::User(user))
}

/// Times `Dataset::with_changes` for `n` single-user updates, each on the previous version.
fn measure_with_changes(ds: &Arc<Dataset>, n: u32) -> Vec<Duration> {
    let mut current = (**ds).clone();
    let mut times = Vec::with_capacity(n as usize);
    for i in 0..n {
        let change = rename(&current, i);
        let started = Instant::now();
        let next = current.with_changes(&[change]).expect("a valid change");
        times.push(started.elapsed());
        current = next;
    }
    times
}

/// Issues `CoreHandle::read` probes back to back until `done(probes so far)`; returns each
/// one's latency (the time the core's loop took to get to it, plus the round trip).
async fn probe_reads(
    core: &CoreHandle,
    done: impl Fn(u32) -> bool,
) -> anyhow::Result<Vec<Duration>> {
    let mut latencies = Vec::new();
    let mut n = 0;
    while !done(n) {
        let started = Instant::now();
        core.read(|_| ())
            .await
            .map_err(|_| anyhow::anyhow!("the core stopped"))?;
        latencies.push(started.elapsed());
        n += 1;
        if n.is_multiple_of(64) {
            tokio::task::yield_now().await;
        }
    }
    Ok(latencies)
}

/// Percentiles of a set of durations.
struct Summary {
    p50: Duration,
    p99: Duration,
    max: Duration,
    mean: Duration,
}

impl Summary {
    fn of(mut times: Vec<Duration>) -> Summary {
        if times.is_empty() {
            times.push(Duration::ZERO);
        }
        times.sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        Summary {
            p50: at(0.50),
            p99: at(0.99),
            max: times[times.len() - 1],
            mean: times.iter().sum::<Duration>() / times.len() as u32,
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "mean {:.2?}, p50 {:.2?}, p99 {:.2?}, max {:.2?}",
            self.mean, self.p50, self.p99, self.max
        )
    }
}
