//! CTI load benchmark: starts the real `ctid` binary (embedded PBX, a generated dataset of N
//! users) in a child process, logs N CTI clients in over loopback, subscribes them to phone
//! statuses, then changes phone statuses through the sim API and measures, on every client, the
//! delay from the change request to the delivery of the `updatestatus phones` push.
//!
//! Prints: the rate of clients logged in and subscribed, the three-step login time per client,
//! server RSS per idle client, delivery delay p50/p99/max. Every client reads everything it is
//! sent from its login on, as a real client does. The clients share the machine with the server,
//! so they are kept as cheap as possible: one thread, no JSON parsing of pushes.
//!
//! `cargo build --release -p ctid -p ctid-bench && target/release/cti-load --clients 10000`

use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, bail};
use clap::Parser;
use ctid_bench::baseline;
use ctid_bench::child::BaselineChild;
use ctid_bench::clients::{lower_priority, run_all};
use ctid_bench::delivery::{self, Deliveries, Figures};
use ctid_bench::kernel_recv::TimestampedReader;
use ctid_bench::server::{Server, ctid_binary};
use ctid_bench::stats::summary;
use ctid_bench::workload::{cpu_seconds, cti_dataset, free_port, rss_kib};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// CTI load benchmark.
#[derive(Parser, Debug)]
struct Args {
    /// Concurrent CTI clients (each a distinct user).
    #[arg(long, default_value_t = 10_000)]
    clients: u32,
    /// Logins in flight at once.
    #[arg(long, default_value_t = 200)]
    concurrency: usize,
    /// Phone status changes to measure (each an unregister and a register).
    #[arg(long, default_value_t = 10)]
    rounds: u32,
    /// The ctid binary (default: `ctid` next to this executable).
    #[arg(long)]
    ctid: Option<PathBuf>,
    /// Run the load generator (not the server) at this niceness once the server is started, so
    /// that on a small machine the server gets the CPU first, as it would with clients on other
    /// hosts (0: same priority).
    #[arg(long, default_value_t = 0)]
    client_nice: i32,
    /// Give up on a round after this many seconds.
    #[arg(long, default_value_t = 30)]
    round_timeout: u64,
    /// Seconds to wait once the server is ready before reading its RSS "before clients" (the
    /// allocator may still be returning what loading the dataset used).
    #[arg(long, default_value_t = 0)]
    settle: u64,
    /// Also run the same clients and push pattern against a bare tokio TCP broadcast server
    /// (no protocol, shared bytes, one write per client) and print ctid's figures as ratios of
    /// the baseline's.
    #[arg(long)]
    baseline: bool,
    /// ctid's `[cti] push_policy` (`all`, the default, or `subscribed`).
    #[arg(long)]
    push_policy: Option<String>,
    /// Internal: run as the baseline server (the child process `--baseline` starts).
    #[arg(long, hide = true)]
    serve_baseline: bool,
}

/// A push seen by a client: line id and hint code.
type Seen = delivery::Seen<(u32, i32)>;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.serve_baseline {
        // The baseline server gets a multi-threaded runtime, as ctid does.
        return tokio::runtime::Runtime::new()?.block_on(serve_baseline());
    }
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(run(args))
}

/// The child process of `--baseline`: binds a loopback port, prints it, serves until killed.
async fn serve_baseline() -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("{}", listener.local_addr()?.port());
    baseline::serve(listener).await?;
    Ok(())
}

async fn run(args: Args) -> anyhow::Result<()> {
    let ctid = ctid_binary(args.ctid.as_deref())?;
    let dir = std::env::temp_dir().join(format!("ctid-cti-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let dataset_file = dir.join("dataset.toml");
    std::fs::write(&dataset_file, toml::to_string(&cti_dataset(args.clients))?)?;
    let (cti_port, http_port) = (free_port()?, free_port()?);
    let env: Vec<(&str, &str)> = args
        .push_policy
        .as_deref()
        .map(|policy| ("CTID_CTI__PUSH_POLICY", policy))
        .into_iter()
        .collect();
    let dataset_arg = [OsStr::new("--dataset"), dataset_file.as_os_str()];
    let mut server = Server::start(&ctid, &dataset_arg, &env, cti_port, http_port)?;
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{http_port}");
    server.wait_ready(&http, &base).await?;
    lower_priority(args.client_nice)?;
    tokio::time::sleep(Duration::from_secs(args.settle)).await;
    let rss_before = rss_kib(server.pid())?;
    println!(
        "server ready (pid {}), RSS {} KiB before clients ({} s after ready)",
        server.pid(),
        rss_before,
        args.settle
    );

    // Each client logs in (three-step login), subscribes to phone statuses and from then on
    // reads everything it is sent, as a real client does: with `push_policy = "all"` every
    // login pushes the new user's status to every session already logged in.
    let started = Instant::now();
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel::<Seen>();
    let mut login_times = run_all(args.clients, args.concurrency, |user| {
        let seen = seen_tx.clone();
        async move {
            let t0 = Instant::now();
            let conn = login(cti_port, user).await?;
            let login_took = t0.elapsed();
            let conn = subscribe(conn).await?;
            tokio::spawn(watch(conn, seen));
            Ok(login_took)
        }
    })
    .await;
    drop(seen_tx);
    let took = started.elapsed();
    let logged = login_times.len() as u32;
    println!(
        "logged in and subscribed {logged} clients ({} failed; getlist listid phones, {} ids each) in {:.2} s: {:.0} clients/s",
        args.clients - logged,
        args.clients,
        took.as_secs_f64(),
        logged as f64 / took.as_secs_f64()
    );
    println!(
        "  three-step login time per client: {}",
        summary(&mut login_times)
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = rss_kib(server.pid())?;
    println!(
        "server RSS {} KiB with {logged} idle clients: {:.1} KiB per idle client",
        rss_after,
        (rss_after.saturating_sub(rss_before)) as f64 / logged.max(1) as f64
    );

    // Change phone statuses and time the pushes.
    let ctid_figures = measure(
        "ctid",
        &mut seen_rx,
        logged,
        &args,
        server.pid(),
        async |number: &str, action: &str| {
            let response = http
                .post(format!("{base}/sim/lines/{number}/{action}"))
                .json(&serde_json::json!({}))
                .send()
                .await?;
            if !response.status().is_success() {
                bail!("{action} {number}: {}", response.status());
            }
            Ok(())
        },
    )
    .await?;
    server.stop();
    drop(seen_rx);
    let _ = std::fs::remove_dir_all(&dir);
    if !args.baseline {
        return Ok(());
    }

    // The same clients and push pattern against the bare broadcast server.
    let bare = BaselineChild::start("--serve-baseline")?;
    let port = bare.port;
    let conns = run_all(args.clients, args.concurrency, |_| watch_baseline(port)).await;
    let watching = conns.len() as u32;
    println!(
        "baseline: {watching} clients connected to the bare broadcast server (pid {})",
        bare.pid()
    );
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel::<Seen>();
    for conn in conns {
        tokio::spawn(watch(conn, seen_tx.clone()));
    }
    drop(seen_tx);
    let control = TcpStream::connect(("127.0.0.1", port)).await?;
    control.set_nodelay(true)?;
    let control = tokio::sync::Mutex::new(control);
    let baseline_figures = measure(
        "baseline",
        &mut seen_rx,
        watching,
        &args,
        bare.pid(),
        async |number: &str, action: &str| {
            let tid: u32 = number[1..].parse()?;
            let hint = if action == "unregister" { 4 } else { 0 };
            let line = format!("push {tid} {hint}\n");
            control.lock().await.write_all(line.as_bytes()).await?;
            Ok(())
        },
    )
    .await?;
    println!(
        "ctid / baseline: {}",
        ctid_figures.ratios_to(&baseline_figures)
    );
    Ok(())
}

/// Runs the rounds: each changes one line's status twice (`trigger(number, action)`), waits for
/// every client's push and records the delays; prints and returns the figures.
async fn measure(
    name: &str,
    seen_rx: &mut mpsc::UnboundedReceiver<Seen>,
    clients: u32,
    args: &Args,
    server_pid: u32,
    mut trigger: impl AsyncFnMut(&str, &str) -> anyhow::Result<()>,
) -> anyhow::Result<Figures> {
    let mut deliveries = Deliveries::default();
    let cpu_before = cpu_seconds(server_pid)?;
    for round in 0..args.rounds {
        let line = round % args.clients + 1;
        let number = format!("1{line:05}");
        for (action, hint) in [("unregister", 4), ("register", 0)] {
            while seen_rx.try_recv().is_ok() {}
            let t0 = (Instant::now(), SystemTime::now());
            trigger(&number, action).await?;
            let deadline = tokio::time::Instant::now() + Duration::from_secs(args.round_timeout);
            let got = deliveries
                .wait_round(seen_rx, &(line, hint), clients, t0, deadline)
                .await;
            if got < clients {
                eprintln!(
                    "{name}: round {round} {action}: only {got}/{clients} clients got the push"
                );
            }
        }
    }
    let cpu = cpu_seconds(server_pid)? - cpu_before;
    deliveries.report(name, "phone status push", clients, args.rounds * 2, cpu)
}

/// Connects a watcher to the baseline server; returns once the server has registered it.
async fn watch_baseline(port: u16) -> anyhow::Result<Conn> {
    let stream = TcpStream::connect(("127.0.0.1", port)).await?;
    stream.set_nodelay(true)?;
    let mut conn = BufReader::new(stream);
    conn.get_mut().write_all(b"watch\n").await?;
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(30), conn.read_line(&mut line))
        .await
        .context("timeout")??;
    if line.trim_end() != "ok" {
        bail!("baseline server answered {line:?}");
    }
    Ok(conn)
}

/// Logs user `u<user>` in (the three-step login); returns the connection.
async fn login(port: u16, user: u32) -> anyhow::Result<Conn> {
    let stream = TcpStream::connect(("127.0.0.1", port)).await?;
    stream.set_nodelay(true)?;
    let mut conn = BufReader::new(stream);
    let mut line = String::new();
    expect(&mut conn, &mut line, "starttls").await?;
    let login = format!("u{user}");
    send(&mut conn, &serde_json::json!({"class":"login_id","userlogin":login,"company":"xivo","ident":"bench","wazoversion":"2.3"})).await?;
    expect(&mut conn, &mut line, "login_id").await?;
    send(
        &mut conn,
        &serde_json::json!({"class":"login_pass","password":login}),
    )
    .await?;
    let reply = expect(&mut conn, &mut line, "login_pass").await?;
    let capaid = reply["capalist"][0].clone();
    if capaid.is_null() {
        bail!("login_pass refused: {reply}");
    }
    send(
        &mut conn,
        &serde_json::json!({"class":"login_capas","capaid":capaid,"state":"available"}),
    )
    .await?;
    expect(&mut conn, &mut line, "login_capas").await?;
    Ok(conn)
}

/// Subscribes a logged-in client to phone statuses (as the desktop client does: `listid phones`).
async fn subscribe(mut conn: Conn) -> anyhow::Result<Conn> {
    send(&mut conn, &serde_json::json!({"class":"getlist","function":"listid","listname":"phones","tipbxid":"xivo"})).await?;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = tokio::time::timeout(Duration::from_secs(30), conn.read_until(b'\n', &mut line))
            .await
            .context("timeout")??;
        if n == 0 {
            bail!("connection closed while subscribing");
        }
        if line.windows(19).any(|w| w == b"\"function\":\"listid\"") {
            return Ok(conn);
        }
    }
}

type Conn = BufReader<TcpStream>;

async fn send(conn: &mut BufReader<TcpStream>, msg: &Value) -> anyhow::Result<()> {
    let mut bytes = serde_json::to_vec(msg)?;
    bytes.push(b'\n');
    conn.get_mut().write_all(&bytes).await?;
    Ok(())
}

/// Reads lines until one of class `class` arrives.
async fn expect(
    conn: &mut BufReader<TcpStream>,
    line: &mut String,
    class: &str,
) -> anyhow::Result<Value> {
    loop {
        line.clear();
        let n = tokio::time::timeout(Duration::from_secs(30), conn.read_line(line))
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

/// Reports every phone status push the client receives (found by byte search, not parsing),
/// with the kernel's receive timestamp of the bytes.
async fn watch(conn: Conn, seen: mpsc::UnboundedSender<Seen>) {
    let mut pending = conn.buffer().to_vec();
    let mut reader = TimestampedReader::new(conn.into_inner());
    let mut buf = vec![0u8; 4096];
    loop {
        let read = reader.read(&mut buf).await;
        let at = Instant::now();
        let (n, kernel_at) = match read {
            Ok((0, _)) | Err(_) => return,
            Ok(r) => r,
        };
        pending.extend_from_slice(&buf[..n]);
        while let Some(end) = pending.iter().position(|b| *b == b'\n') {
            if let Some((tid, hint)) = phone_status(&pending[..end])
                && seen.send(((tid, hint), at, kernel_at)).is_err()
            {
                return;
            }
            pending.drain(..=end);
        }
    }
}

/// `(tid, hintstatus)` of an `updatestatus phones` line.
fn phone_status(line: &[u8]) -> Option<(u32, i32)> {
    fn after<'a>(line: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
        line.windows(key.len())
            .position(|w| w == key)
            .map(|i| &line[i + key.len()..])
    }
    fn number<T: std::str::FromStr>(rest: &[u8]) -> Option<T> {
        let end = rest.iter().position(|b| *b == b'"')?;
        std::str::from_utf8(&rest[..end]).ok()?.parse().ok()
    }
    after(line, b"\"listname\":\"phones\"")?;
    let hint = number(after(line, b"\"hintstatus\":\"")?)?;
    let tid = number(after(line, b"\"tid\":\"")?)?;
    Some((tid, hint))
}
