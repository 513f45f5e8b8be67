//! Measures the Asterisk adapter's receive path on one core: a recorded AMI session
//! (crates/pbx-ami/tests/data/captures/) replayed at full speed as the bytes Asterisk sent,
//! through the AMI codec, the translator and the core's `State::apply_batch`. In the same run,
//! and on the same bytes, the codec alone, so the codec's share is a ratio of two figures taken
//! together. Prints AMI messages (what Asterisk sent: events and answers) handled per second
//! for each, and the `PbxEvent`s they made.
//!
//! `cargo run --release -p ctid-bench --bin ami-replay -- --rounds 300`

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use clap::Parser;
use ctid_core::{CoreConfig, Dataset, State, Timestamp};
use ctid_pbx_ami::capture::{Capture, Direction, Entry};
use ctid_pbx_ami::codec::{AmiCodec, AmiFrame, Limits, encode_message};
use ctid_pbx_ami::message::AmiMessage;
use ctid_pbx_ami::replay::ReplayCursor;
use tokio_util::codec::Decoder;

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
    /// Bytes handed to the decoder at a time (a socket read).
    #[arg(long, default_value_t = 16 * 1024)]
    read_size: usize,
}

/// What Asterisk sent, as wire bytes, and when each message came (time, phase).
struct Wire {
    bytes: Vec<u8>,
    stamps: Vec<(Duration, String)>,
}

fn wire_of(capture: &Capture) -> Wire {
    let mut bytes = BytesMut::new();
    let mut stamps = Vec::new();
    for entry in &capture.entries {
        if entry.direction == Direction::Received {
            encode_message(&entry.message, &mut bytes);
            stamps.push((entry.time, entry.phase.clone()));
        }
    }
    Wire {
        bytes: bytes.to_vec(),
        stamps,
    }
}

/// Decodes `bytes` as read `read_size` at a time; calls `each` with every message.
fn decode(bytes: &[u8], read_size: usize, mut each: impl FnMut(AmiMessage)) {
    let mut codec = AmiCodec::without_banner(Limits::default());
    let mut buf = BytesMut::with_capacity(read_size * 2);
    for chunk in bytes.chunks(read_size) {
        buf.extend_from_slice(chunk);
        while let Ok(Some(frame)) = codec.decode(&mut buf) {
            if let AmiFrame::Message(m) = frame {
                each(m);
            }
        }
    }
}

/// Totals of one measured loop.
#[derive(Default)]
struct Totals {
    messages: usize,
    events: usize,
    elapsed: Duration,
}

impl Totals {
    fn per_sec(&self) -> f64 {
        self.messages as f64 / self.elapsed.as_secs_f64()
    }
}

/// One round through codec, translation and the core.
fn full_round(
    wire: &Wire,
    read_size: usize,
    dataset: &Arc<Dataset>,
    state: &mut State,
    base: i64,
    totals: &mut Totals,
) {
    let mut out = Vec::new();
    let start = Instant::now();
    let mut entries = Vec::with_capacity(wire.stamps.len());
    let mut stamps = wire.stamps.iter();
    decode(&wire.bytes, read_size, |message| {
        let (time, phase) = stamps.next().expect("one stamp per message").clone();
        entries.push(Entry {
            time,
            direction: Direction::Received,
            phase,
            message,
        });
    });
    let capture = Capture {
        entries,
        ..Capture::default()
    };
    let mut cursor = ReplayCursor::new(capture, dataset.clone());
    while let Some(batch) = cursor.next_batch() {
        if !batch.events.is_empty() {
            let now = Timestamp(base + batch.time.as_millis() as i64);
            state.apply_batch(now, &batch.events, &mut out);
        }
        totals.messages += batch.messages;
        totals.events += batch.events.len();
        out.clear();
    }
    totals.elapsed += start.elapsed();
}

/// One round through the codec alone.
fn codec_round(wire: &Wire, read_size: usize, totals: &mut Totals) {
    let start = Instant::now();
    let mut fields = 0usize;
    decode(&wire.bytes, read_size, |message| {
        totals.messages += 1;
        fields += message.len();
    });
    totals.elapsed += start.elapsed();
    std::hint::black_box(fields);
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(args.read_size > 0, "--read-size must be at least 1");
    let capture = Capture::read(&args.capture)?;
    let dataset = Arc::new(Dataset::load(&args.dataset)?);
    let wire = wire_of(&capture);
    let mut state = State::new(dataset.clone(), Timestamp(0), CoreConfig::default());
    let mut full = Totals::default();
    let mut codec = Totals::default();
    // Interleaved, so both see the same machine load.
    for round in 0..args.rounds {
        let base = i64::from(round) * 1_000_000;
        full_round(&wire, args.read_size, &dataset, &mut state, base, &mut full);
        codec_round(&wire, args.read_size, &mut codec);
    }
    println!(
        "{} rounds of {} ({} AMI messages, {} bytes each): {} messages, {} PbxEvents",
        args.rounds,
        args.capture.display(),
        wire.stamps.len(),
        wire.bytes.len(),
        full.messages,
        full.events,
    );
    println!(
        "codec + translation + core: {:.0} AMI messages/s on one core ({:.0} PbxEvents/s), {:.3} s",
        full.per_sec(),
        full.events as f64 / full.elapsed.as_secs_f64(),
        full.elapsed.as_secs_f64(),
    );
    println!(
        "codec alone:                {:.0} AMI messages/s on one core ({:.0} MB/s), {:.3} s",
        codec.per_sec(),
        (wire.bytes.len() as f64 * f64::from(args.rounds)) / codec.elapsed.as_secs_f64() / 1e6,
        codec.elapsed.as_secs_f64(),
    );
    println!(
        "ratio: the whole path runs at {:.2} of the codec's rate (the codec is {:.0} % of its time)",
        full.per_sec() / codec.per_sec(),
        100.0 * codec.elapsed.as_secs_f64() / full.elapsed.as_secs_f64(),
    );
    Ok(())
}
