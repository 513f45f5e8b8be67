//! Measures the core's event throughput: PBX events applied (in batches, one per simulated
//! instant, derived once per batch as the core task does), and domain events produced, per
//! second on one core, for a call-centre load (default: 1,000 agents, 100 queue calls per second
//! of simulated time), with queues that ring one member per call and with queues that ring every
//! free member (ringall); both are reported by default, from the same run of the program.
//!
//! `cargo run --release -p ctid-bench --bin core-throughput -- --agents 1000 --calls-per-sec 100 --seconds 120`

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use ctid_bench::workload::{RingMode, WorkloadSpec, generate};
use ctid_core::{CoreConfig, PbxEvent, State, Timestamp};

/// Core event throughput benchmark.
#[derive(Parser, Debug)]
struct Args {
    /// Agents (each with a user and a line).
    #[arg(long, default_value_t = 1000)]
    agents: u32,
    /// Queue calls per second of simulated time.
    #[arg(long, default_value_t = 100)]
    calls_per_sec: u32,
    /// Simulated seconds of traffic.
    #[arg(long, default_value_t = 120)]
    seconds: u64,
    /// Times each stream is applied (each on a fresh state); the best run is reported.
    #[arg(long, default_value_t = 3)]
    runs: u32,
    /// Which workloads: queues ringing one member per call, every free member, or both.
    #[arg(long, value_enum, default_value_t = Workloads::Both)]
    ring: Workloads,
}

/// The `--ring` choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Workloads {
    /// One member per call (leastrecent).
    One,
    /// Every free member per call (ringall).
    Ringall,
    /// Both, one after the other.
    Both,
}

fn main() {
    let args = Args::parse();
    let modes: &[RingMode] = match args.ring {
        Workloads::One => &[RingMode::OneMember],
        Workloads::Ringall => &[RingMode::Ringall],
        Workloads::Both => &[RingMode::OneMember, RingMode::Ringall],
    };
    let results: Vec<_> = modes.iter().map(|mode| measure(&args, *mode)).collect();
    println!();
    for (mode, (events, domain)) in modes.iter().zip(results) {
        println!(
            "best, {}: {events:.0} PBX events/s applied, {domain:.0} domain events/s produced, on one core",
            name(*mode)
        );
    }
}

fn name(mode: RingMode) -> &'static str {
    match mode {
        RingMode::OneMember => "one member rung per call",
        RingMode::Ringall => "ringall (every free member rung per call)",
    }
}

/// Applies one workload `--runs` times; returns the best run's PBX and domain events per second.
fn measure(args: &Args, ring_mode: RingMode) -> (f64, f64) {
    let spec = WorkloadSpec {
        agents: args.agents,
        calls_per_sec: args.calls_per_sec,
        duration: Duration::from_secs(args.seconds),
        ring_mode,
        ..Default::default()
    };
    let workload = generate(&spec);
    let dataset = Arc::new(workload.dataset);
    println!(
        "workload {}: {} agents, {} queues, {} calls ({} abandoned), {} member phones rung, over {} s simulated, {} PBX events",
        name(ring_mode),
        args.agents,
        dataset.queues().len(),
        workload.calls,
        workload.abandoned,
        workload.rings,
        args.seconds,
        workload.events.len()
    );
    // The core applies what the engine reports for one step as a batch and derives once per
    // batch: the events of one simulated instant form a batch here.
    let mut batches: Vec<(Timestamp, Vec<PbxEvent>)> = Vec::new();
    for (at, event) in &workload.events {
        match batches.last_mut() {
            Some((t, batch)) if t == at => batch.push(event.clone()),
            _ => batches.push((*at, vec![event.clone()])),
        }
    }
    println!("  {} batches (one per simulated instant)", batches.len());
    let mut best: Option<(Duration, usize)> = None;
    for run in 1..=args.runs.max(1) {
        let mut state = State::new(dataset.clone(), workload.events[0].0, CoreConfig::default());
        let mut out = Vec::with_capacity(64);
        let mut produced = 0usize;
        let started = Instant::now();
        for (at, batch) in &batches {
            state.apply_batch(*at, batch, &mut out);
            produced += out.len();
            out.clear();
        }
        let took = started.elapsed();
        println!(
            "  run {run}: {:.3} s, {:.0} PBX events/s, {:.0} domain events/s ({produced} domain events)",
            took.as_secs_f64(),
            workload.events.len() as f64 / took.as_secs_f64(),
            produced as f64 / took.as_secs_f64()
        );
        if best.is_none_or(|(t, _)| took < t) {
            best = Some((took, produced));
        }
    }
    let (took, produced) = best.expect("at least one run");
    (
        workload.events.len() as f64 / took.as_secs_f64(),
        produced as f64 / took.as_secs_f64(),
    )
}
