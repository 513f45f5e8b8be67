//! Memory under a queue flood: starts the real `ctid` binary (embedded PBX, demo dataset) in a
//! child process, logs one supervisor in over CTI who subscribes to `queueentryupdate` of the
//! `sales` queue and then stops reading, places N outside calls into that queue through the sim
//! HTTP API, has the supervisor read what the server kept for her (how many queue copies, the
//! last one's size, whether she was cut off), hangs every call up, closes the subscriber, and
//! prints the server's RSS before the calls, at its peak, and after the calls ended and the
//! session is gone. The server inherits the environment (`CTID_*`, `MIMALLOC_*`).
//!
//! Loopback only; bounded by `--calls` and `--settle`. It works against any ctid build (`--ctid`),
//! so one run of the same bench measures two builds.
//!
//! `cargo build --release -p ctid -p ctid-bench && target/release/memory-load --calls 6000`

use std::ffi::OsString;
use std::path::Path;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use ctid_bench::server::{Server, ctid_binary};
use ctid_bench::workload::{free_port, rss_kib};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};

/// Memory under a queue flood with a subscriber that never reads.
#[derive(Parser, Debug)]
struct Args {
    /// Outside calls placed into the queue.
    #[arg(long, default_value_t = 6000)]
    calls: u32,
    /// Calls placed at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// The queue's number (the demo's `sales`, id 1).
    #[arg(long, default_value = "3001")]
    queue_number: String,
    /// The queue's id (for `subscribe queueentryupdate`).
    #[arg(long, default_value_t = 1)]
    queue_id: u32,
    /// Raise the queue's `max_callers` to this (default: the demo's, 200), e.g. to the number
    /// of calls, for whole-queue pushes of thousands of callers.
    #[arg(long)]
    max_callers: Option<u32>,
    /// Seconds to wait after the session is gone before the last RSS reading.
    #[arg(long, default_value_t = 5)]
    settle: u64,
    /// The ctid binary (default: `ctid` next to this executable).
    #[arg(long)]
    ctid: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    let ctid = ctid_binary(args.ctid.as_deref())?;
    let dir = std::env::temp_dir().join(format!("ctid-memory-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let config = dir.join("ctid.toml");
    // Room in the sim for every call: the queue's own bound is what is measured.
    std::fs::write(
        &config,
        format!("[pbx.embedded]\nmax_calls = {}\n", args.calls + 16),
    )?;
    let (cti_port, http_port) = (free_port()?, free_port()?);
    let mut serve_args = vec![OsString::from("--config"), config.clone().into()];
    if let Some(max) = args.max_callers {
        let dataset = dir.join("dataset.toml");
        std::fs::write(
            &dataset,
            demo_with_max_callers(&ctid, &args.queue_number, max)?,
        )?;
        serve_args.extend([OsString::from("--dataset"), dataset.into()]);
    }
    let mut server = Server::start(&ctid, &serve_args, &[], cti_port, http_port)?;
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{http_port}");
    server.wait_ready(&http, &base).await?;
    let pid = server.pid();
    let before = rss_kib(pid)?;
    println!("server ready (pid {pid}), RSS {before} KiB before the calls");

    let mut subscriber = subscribe(cti_port, args.queue_id).await?;
    println!(
        "alice subscribed to queueentryupdate of queue {} and reads no more",
        args.queue_id
    );

    let peak = Arc::new(AtomicU64::new(before));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = tokio::spawn(sample_peak(pid, peak.clone(), sampling.clone()));

    let started = Instant::now();
    let (placed, refused) = place_calls(&http, &base, &args).await;
    println!(
        "placed {placed} calls into {} in {:.1} s ({refused} refused by the sim API)",
        args.queue_number,
        started.elapsed().as_secs_f64()
    );
    let waiting = live_calls(&http, &base).await?;
    println!(
        "{} calls live after the flood (waiting in the queue)",
        waiting.len()
    );
    let during = rss_kib(pid)?;
    let backlog = read_backlog(&mut subscriber).await;
    println!(
        "alice then read what was kept for her: {} messages ({} MiB), {} queueentryupdate \
         (the last listing {} callers){}",
        backlog.messages,
        mib(backlog.bytes / 1024),
        backlog.entry_updates,
        backlog.last_entries,
        if backlog.closed {
            "; the server had closed her connection (cut off)"
        } else {
            ""
        }
    );

    for call in &waiting {
        let _ = http
            .post(format!("{base}/sim/calls/{call}/hangup"))
            .send()
            .await;
    }
    drop(subscriber);
    let left = live_calls(&http, &base).await?.len();
    println!("hung every call up ({left} left), closed the subscriber");
    tokio::time::sleep(Duration::from_secs(args.settle)).await;
    sampling.store(false, Ordering::Relaxed);
    let _ = sampler.await;
    let after = rss_kib(pid)?;
    let peak = peak.load(Ordering::Relaxed).max(during);
    println!(
        "server RSS: before {} MiB, peak {} MiB, after {} MiB ({} s after the session is gone)",
        mib(before),
        mib(peak),
        mib(after),
        args.settle
    );
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}

/// Reads the server's RSS every 50 ms while `on`, keeping the highest.
async fn sample_peak(pid: u32, peak: Arc<AtomicU64>, on: Arc<AtomicBool>) {
    while on.load(Ordering::Relaxed) {
        if let Ok(rss) = rss_kib(pid) {
            peak.fetch_max(rss, Ordering::Relaxed);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Places the calls, `concurrency` at a time; returns (created, refused).
async fn place_calls(http: &reqwest::Client, base: &str, args: &Args) -> (u32, u32) {
    use futures::StreamExt;
    let results: Vec<bool> = futures::stream::iter(0..args.calls)
        .map(|i| {
            let body = json!({
                "from": format!("06{:08}", i),
                "to": args.queue_number,
                "caller_name": format!("Caller {i}"),
            });
            async move {
                http.post(format!("{base}/sim/calls"))
                    .json(&body)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            }
        })
        .buffer_unordered(args.concurrency.max(1))
        .collect()
        .await;
    let placed = results.iter().filter(|ok| **ok).count() as u32;
    (placed, args.calls - placed)
}

/// The ids of the live calls.
async fn live_calls(http: &reqwest::Client, base: &str) -> anyhow::Result<Vec<String>> {
    let calls: Value = http
        .get(format!("{base}/sim/calls"))
        .send()
        .await?
        .json()
        .await?;
    Ok(calls["calls"]
        .as_array()
        .map(|calls| {
            calls
                .iter()
                .filter_map(|c| c["call_id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}

/// The demo dataset (`ctid dataset demo`) with the queue numbered `number` holding at most
/// `max` callers.
fn demo_with_max_callers(ctid: &Path, number: &str, max: u32) -> anyhow::Result<String> {
    let demo = std::process::Command::new(ctid)
        .args(["dataset", "demo"])
        .output()?;
    let demo = String::from_utf8(demo.stdout)?;
    let line = format!("number = \"{number}\"\n");
    if !demo.contains(&line) {
        bail!("no queue numbered {number} in the demo dataset");
    }
    Ok(demo.replacen(&line, &format!("{line}max_callers = {max}\n"), 1))
}

/// What the subscriber read when it read again.
#[derive(Debug, Default)]
struct Backlog {
    messages: u64,
    bytes: u64,
    entry_updates: u64,
    last_entries: usize,
    closed: bool,
}

/// Reads what waits for the subscriber until nothing more comes for a second (60 s at most).
async fn read_backlog(conn: &mut BufReader<TcpStream>) -> Backlog {
    let mut backlog = Backlog::default();
    let mut line = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        line.clear();
        match tokio::time::timeout(Duration::from_secs(1), conn.read_line(&mut line)).await {
            Err(_) => break,
            Ok(Ok(0)) | Ok(Err(_)) => {
                backlog.closed = true;
                break;
            }
            Ok(Ok(n)) => {
                backlog.messages += 1;
                backlog.bytes += n as u64;
                let msg: Value = serde_json::from_str(line.trim_end()).unwrap_or_default();
                if msg["class"] == "queueentryupdate" {
                    backlog.entry_updates += 1;
                    backlog.last_entries = msg["state"]["entries"].as_array().map_or(0, Vec::len);
                }
            }
        }
    }
    backlog
}

/// Logs alice (a supervisor in the demo) in and subscribes her to a queue's entries; returns
/// the connection, which nobody reads from until the flood is over. Its receive buffer is
/// small (4 KiB), so that what the server sends waits on the server's side.
async fn subscribe(port: u16, queue: u32) -> anyhow::Result<BufReader<TcpStream>> {
    let socket = TcpSocket::new_v4()?;
    socket.set_recv_buffer_size(4096)?;
    let stream = socket
        .connect(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
        .await?;
    let mut conn = BufReader::new(stream);
    let mut line = String::new();
    expect(&mut conn, &mut line, "starttls").await?;
    send(&mut conn, &json!({"class":"login_id","userlogin":"alice","company":"xivo","ident":"bench","wazoversion":"2.3"})).await?;
    expect(&mut conn, &mut line, "login_id").await?;
    send(&mut conn, &json!({"class":"login_pass","password":"alice"})).await?;
    let reply = expect(&mut conn, &mut line, "login_pass").await?;
    let capaid = reply["capalist"][0].clone();
    send(
        &mut conn,
        &json!({"class":"login_capas","capaid":capaid,"state":"available"}),
    )
    .await?;
    expect(&mut conn, &mut line, "login_capas").await?;
    send(
        &mut conn,
        &json!({"class":"subscribe","message":"queueentryupdate","queueid":queue}),
    )
    .await?;
    expect(&mut conn, &mut line, "queueentryupdate").await?;
    Ok(conn)
}

async fn send(conn: &mut BufReader<TcpStream>, msg: &Value) -> anyhow::Result<()> {
    let mut bytes = serde_json::to_vec(msg)?;
    bytes.push(b'\n');
    conn.get_mut().write_all(&bytes).await?;
    Ok(())
}

/// Reads lines until one of class `class` arrives (10 s at most).
async fn expect(
    conn: &mut BufReader<TcpStream>,
    line: &mut String,
    class: &str,
) -> anyhow::Result<Value> {
    loop {
        line.clear();
        let n = tokio::time::timeout(Duration::from_secs(10), conn.read_line(line))
            .await
            .context("timeout")??;
        if n == 0 {
            bail!("connection closed while waiting for {class}");
        }
        let msg: Value = serde_json::from_str(line.trim_end())?;
        if msg["class"] == class {
            if let Some(e) = msg.get("error_string") {
                bail!("{class}: {e}");
            }
            return Ok(msg);
        }
    }
}
