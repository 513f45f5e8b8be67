//! Measures the Asterisk adapter's translation and the core together: a recorded AMI session
//! (crates/pbx-ami/tests/data/captures/) replayed at full speed, message by message through the
//! translator into `State::apply_batch`, on one core. Prints the AMI messages (what Asterisk
//! sent) handled per second, and the `PbxEvent`s they made. The codec is not in the loop: the
//! capture is parsed before timing.
//!
//! `cargo run --release -p ctid-bench --bin ami-replay -- --rounds 300`

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use ctid_core::{CoreConfig, Dataset, State, Timestamp};
use ctid_pbx_ami::capture::Capture;
use ctid_pbx_ami::replay::ReplayCursor;

/// AMI replay throughput benchmark.
#[derive(Parser, Debug)]
struct Args {
    /// The capture to replay.
    #[arg(
        long,
        default_value = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../pbx-ami/tests/data/captures/asterisk-20-chansip-2.capture.txt"
        )
    )]
    capture: PathBuf,
    /// The dataset matching it.
    #[arg(
        long,
        default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../pbx-ami/tests/data/lab.toml")
    )]
    dataset: PathBuf,
    /// Times the capture is replayed into the same state, one after the other.
    #[arg(long, default_value_t = 300)]
    rounds: u32,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let capture = Capture::read(&args.capture)?;
    let dataset = Arc::new(Dataset::load(&args.dataset)?);
    let mut state = State::new(dataset.clone(), Timestamp(0), CoreConfig::default());
    let mut out = Vec::new();
    let mut messages = 0usize;
    let mut events = 0usize;
    let mut elapsed = Duration::ZERO;
    for round in 0..args.rounds {
        // Building the cursor copies the parsed capture: not timed.
        let mut cursor = ReplayCursor::new(capture.clone(), dataset.clone());
        let base = i64::from(round) * 1_000_000;
        let start = Instant::now();
        while let Some(batch) = cursor.next_batch() {
            if !batch.events.is_empty() {
                let now = Timestamp(base + batch.time.as_millis() as i64);
                state.apply_batch(now, &batch.events, &mut out);
            }
            messages += batch.messages;
            events += batch.events.len();
            out.clear();
        }
        elapsed += start.elapsed();
    }
    let secs = elapsed.as_secs_f64();
    println!(
        "{} rounds of {}: {messages} AMI messages, {events} PbxEvents in {secs:.3} s",
        args.rounds,
        args.capture.display()
    );
    println!(
        "{:.0} AMI messages/s translated and applied by the core, on one core ({:.0} PbxEvents/s)",
        messages as f64 / secs,
        events as f64 / secs
    );
    Ok(())
}
