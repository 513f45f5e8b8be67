//! XuC load benchmark: starts the real `ctid` binary (embedded PBX, a generated dataset of N
//! users, each with a line and an agent) in a child process, logs N browser-like clients in
//! over loopback (REST `auth/login` for a token, then the WebSocket with the token), subscribes
//! them to every agent's events (`subscribeToAgentEvents`; with `--queue-stats` also
//! `subscribeToQueueStats`; each also gets its own phone's events), then has one more user log
//! their agent in and out and measures, on every client, the delay from the command to the
//! delivery of the `AgentStateEvent`.
//!
//! Prints: the login rate (REST + WebSocket + subscription), server RSS per idle client,
//! delivery delay p50/p99/max (read by the client, and received by its TCP stack), server CPU
//! per delivered push; with `--baseline`, the same clients and pushes against a bare WebSocket
//! broadcast server (`ctid_bench::ws_baseline`) and ctid's figures as ratios of the baseline's.
//! The clients share the machine with the server, so they are kept cheap: one thread, frames
//! split by hand, no JSON parsing of pushes. Clients do not ping (the server's idle timeout is
//! raised for the run): pings would be 1 message per client every 5 s on top of the pushes.
//!
//! `cargo build --release -p ctid -p ctid-bench && target/release/xuc-load --clients 10000`

use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, bail};
use clap::Parser;
use ctid_bench::child::BaselineChild;
use ctid_bench::clients::{lower_priority, run_all};
use ctid_bench::delivery::{self, Deliveries, Figures, ratio};
use ctid_bench::kernel_recv::TimestampedReader;
use ctid_bench::server::{Server, ctid_binary};
use ctid_bench::stats::summary;
use ctid_bench::workload::{cpu_seconds, free_port, login_dataset, rss_kib};
use ctid_bench::{ws_baseline, ws_client};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// XuC load benchmark.
#[derive(Parser, Debug)]
struct Args {
    /// Concurrent XuC clients (each a distinct user).
    #[arg(long, default_value_t = 10_000)]
    clients: u32,
    /// Logins in flight at once.
    #[arg(long, default_value_t = 100)]
    concurrency: usize,
    /// Agent state changes to measure (each a login and a logout).
    #[arg(long, default_value_t = 10)]
    rounds: u32,
    /// Agents per queue in the generated dataset (fewer queues: smaller queue statistics).
    #[arg(long, default_value_t = 1000)]
    queue_size: u32,
    /// Also subscribe every client to queue statistics (every queue's now, then on change).
    #[arg(long)]
    queue_stats: bool,
    /// The ctid binary (default: `ctid` next to this executable).
    #[arg(long)]
    ctid: Option<PathBuf>,
    /// Run the load generator at this niceness once the server is started (0: same priority).
    #[arg(long, default_value_t = 0)]
    client_nice: i32,
    /// Give up on a round after this many seconds.
    #[arg(long, default_value_t = 30)]
    round_timeout: u64,
    /// Seconds to wait once the server is ready before reading its RSS "before clients".
    #[arg(long, default_value_t = 0)]
    settle: u64,
    /// Also run the same clients and pushes against a bare WebSocket broadcast server.
    #[arg(long)]
    baseline: bool,
    /// Internal: run as the baseline server (the child process `--baseline` starts).
    #[arg(long, hide = true)]
    serve_baseline: bool,
}

/// A push seen by a client: the agent, and whether it is logged in (`AgentReady`).
type Seen = delivery::Seen<(u32, bool)>;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.serve_baseline {
        return tokio::runtime::Runtime::new()?.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            println!("{}", listener.local_addr()?.port());
            ws_baseline::serve(listener).await?;
            Ok(())
        });
    }
    raise_open_file_limit(u64::from(args.clients) * 2 + 2048);
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    let ctid = ctid_binary(args.ctid.as_deref())?;
    let dir = std::env::temp_dir().join(format!("ctid-xuc-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let dataset_file = dir.join("dataset.toml");
    // One more user than clients: the controller, whose agent logs in and out.
    let controller = args.clients + 1;
    let dataset = login_dataset(controller, args.queue_size);
    std::fs::write(&dataset_file, toml::to_string(&dataset)?)?;
    let (cti_port, http_port) = (free_port()?, free_port()?);
    let max_connections = (u64::from(args.clients) + 512).to_string();
    let env = [
        ("CTID_HTTP__MAX_CONNECTIONS", max_connections.as_str()),
        ("CTID_XUC__IDLE_TIMEOUT_SECS", "86400"),
    ];
    let dataset_arg = [OsStr::new("--dataset"), dataset_file.as_os_str()];
    let mut server = Server::start(&ctid, &dataset_arg, &env, cti_port, http_port)?;
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{http_port}");
    server.wait_ready(&http, &base).await?;
    lower_priority(args.client_nice)?;
    tokio::time::sleep(Duration::from_secs(args.settle)).await;
    let rss_before = rss_kib(server.pid())?;
    println!(
        "server ready (pid {}), RSS {rss_before} KiB before clients ({} s after ready)",
        server.pid(),
        args.settle
    );

    let mut subscriptions = vec![r#"{"claz":"web","command":"subscribeToAgentEvents"}"#];
    if args.queue_stats {
        subscriptions.push(r#"{"claz":"web","command":"subscribeToQueueStats"}"#);
    }
    let started = Instant::now();
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel::<Seen>();
    let mut login_times = run_all(args.clients, args.concurrency, |user| {
        let (seen, http, subscriptions) = (seen_tx.clone(), http.clone(), subscriptions.clone());
        async move {
            let t0 = Instant::now();
            let (stream, first) = open_session(&http, http_port, user, &subscriptions).await?;
            let took = t0.elapsed();
            tokio::spawn(watch(stream, first, seen));
            Ok(took)
        }
    })
    .await;
    drop(seen_tx);
    let took = started.elapsed();
    let logged = login_times.len() as u32;
    println!(
        "logged in and subscribed {logged} clients ({} failed; REST login, WebSocket, {}) in {:.2} s: {:.0} clients/s",
        args.clients - logged,
        if args.queue_stats {
            "agent events + queue statistics"
        } else {
            "agent events"
        },
        took.as_secs_f64(),
        logged as f64 / took.as_secs_f64()
    );
    println!(
        "  login + WebSocket + subscription time per client: {}",
        summary(&mut login_times)
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = rss_kib(server.pid())?;
    println!(
        "server RSS {rss_after} KiB with {logged} idle clients: {:.1} KiB per idle client",
        rss_after.saturating_sub(rss_before) as f64 / f64::from(logged.max(1))
    );

    let (control, _) = open_session(&http, http_port, controller, &[]).await?;
    let control = tokio::sync::Mutex::new(control);
    let ctid_figures = measure(
        "ctid",
        &mut seen_rx,
        logged,
        controller,
        &args,
        server.pid(),
        async |login: bool| {
            let command = if login { "agentLogin" } else { "agentLogout" };
            let frame = format!(r#"{{"claz":"web","command":"{command}"}}"#);
            control
                .lock()
                .await
                .write_all(&ws_client::text_frame(frame.as_bytes()))
                .await?;
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

    let bare = BaselineChild::start("--serve-baseline")?;
    let port = bare.port;
    let conns = run_all(args.clients, args.concurrency, |_| {
        ws_client::connect(port, "/")
    })
    .await;
    let watching = conns.len() as u32;
    println!(
        "baseline: {watching} clients connected to the bare WebSocket broadcast server (pid {})",
        bare.pid()
    );
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel::<Seen>();
    for (stream, first) in conns {
        tokio::spawn(watch(stream, first, seen_tx.clone()));
    }
    drop(seen_tx);
    let control = TcpStream::connect(("127.0.0.1", port)).await?;
    let control = tokio::sync::Mutex::new(control);
    let baseline_figures = measure(
        "baseline",
        &mut seen_rx,
        watching,
        controller,
        &args,
        bare.pid(),
        async |login: bool| {
            let state = if login {
                "AgentReady"
            } else {
                "AgentLoggedOut"
            };
            let line = format!("push {controller} {state}\n");
            control.lock().await.write_all(line.as_bytes()).await?;
            Ok(())
        },
    )
    .await?;
    println!(
        "ctid / baseline: {}; throughput (deliveries per server CPU second) ctid / baseline {:.2}",
        ctid_figures.ratios_to(&baseline_figures),
        ratio(
            baseline_figures.cpu_per_push_us,
            ctid_figures.cpu_per_push_us
        ),
    );
    Ok(())
}

/// Logs user `u<user>` in over REST, opens the WebSocket with the token, sends `commands`, and
/// returns once the server has answered a ping sent after them (so they were all served).
async fn open_session(
    http: &reqwest::Client,
    port: u16,
    user: u32,
    commands: &[&str],
) -> anyhow::Result<(TcpStream, Vec<u8>)> {
    let login = format!("u{user}");
    let response = http
        .post(format!("http://127.0.0.1:{port}/xuc/api/2.0/auth/login"))
        .json(&serde_json::json!({"login": login, "password": login}))
        .timeout(Duration::from_secs(30))
        .send()
        .await?;
    if !response.status().is_success() {
        bail!("login {login}: {}", response.status());
    }
    let body: serde_json::Value = response.json().await?;
    let token = body["token"].as_str().context("no token")?;
    let (mut stream, mut pending) =
        ws_client::connect(port, &format!("/xuc/api/2.0/cti?token={token}")).await?;
    for command in commands.iter().chain([&r#"{"claz":"ping"}"#]) {
        stream
            .write_all(&ws_client::text_frame(command.as_bytes()))
            .await?;
    }
    // Read (and drop) what comes until the ping's answer.
    let mut buf = vec![0u8; 4096];
    loop {
        while let Some((opcode, payload, len)) = ws_client::next_frame(&pending) {
            if opcode == 8 {
                bail!("{login}: the server closed the socket");
            }
            let pong = pending[payload].starts_with(br#"{"msgType":"Pong""#);
            pending.drain(..len);
            if pong {
                return Ok((stream, pending));
            }
        }
        let n = tokio::time::timeout(
            Duration::from_secs(30),
            tokio::io::AsyncReadExt::read(&mut stream, &mut buf),
        )
        .await
        .context("no answer to the ping in 30 s")??;
        if n == 0 {
            bail!("{login}: connection closed while subscribing");
        }
        pending.extend_from_slice(&buf[..n]);
    }
}

/// Reports every `AgentStateEvent` the client receives (found by byte search, not parsing),
/// with the kernel's receive timestamp of the bytes.
async fn watch(stream: TcpStream, mut pending: Vec<u8>, seen: mpsc::UnboundedSender<Seen>) {
    let mut reader = TimestampedReader::new(stream);
    let mut buf = vec![0u8; 4096];
    loop {
        let read = reader.read(&mut buf).await;
        let at = Instant::now();
        let (n, kernel_at) = match read {
            Ok((0, _)) | Err(_) => return,
            Ok(r) => r,
        };
        pending.extend_from_slice(&buf[..n]);
        while let Some((opcode, payload, len)) = ws_client::next_frame(&pending) {
            if opcode == 8 {
                return;
            }
            if let Some((agent, ready)) = agent_state(&pending[payload])
                && seen.send(((agent, ready), at, kernel_at)).is_err()
            {
                return;
            }
            pending.drain(..len);
        }
    }
}

/// `(agentId, name == AgentReady)` of an `AgentStateEvent` message.
fn agent_state(message: &[u8]) -> Option<(u32, bool)> {
    fn after<'a>(m: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
        m.windows(key.len())
            .position(|w| w == key)
            .map(|i| &m[i + key.len()..])
    }
    if !message.starts_with(br#"{"msgType":"AgentStateEvent""#) {
        return None;
    }
    let ready = after(message, br#""name":""#)?.starts_with(b"AgentReady\"");
    let digits = after(message, br#""agentId":"#)?;
    let end = digits.iter().position(|b| !b.is_ascii_digit())?;
    let agent = std::str::from_utf8(&digits[..end]).ok()?.parse().ok()?;
    Some((agent, ready))
}

/// Runs the rounds: each logs the controller's agent in, then out (`trigger(login)`), waits for
/// every client's push and records the delays; prints and returns the figures.
async fn measure(
    name: &str,
    seen_rx: &mut mpsc::UnboundedReceiver<Seen>,
    clients: u32,
    agent: u32,
    args: &Args,
    server_pid: u32,
    mut trigger: impl AsyncFnMut(bool) -> anyhow::Result<()>,
) -> anyhow::Result<Figures> {
    let mut deliveries = Deliveries::default();
    let cpu_before = cpu_seconds(server_pid)?;
    for round in 0..args.rounds {
        for login in [true, false] {
            while seen_rx.try_recv().is_ok() {}
            let t0 = (Instant::now(), SystemTime::now());
            trigger(login).await?;
            let deadline = tokio::time::Instant::now() + Duration::from_secs(args.round_timeout);
            let got = deliveries
                .wait_round(seen_rx, &(agent, login), clients, t0, deadline)
                .await;
            if got < clients {
                eprintln!(
                    "{name}: round {round} {}: only {got}/{clients} clients got the push",
                    if login { "login" } else { "logout" }
                );
            }
        }
    }
    let cpu = cpu_seconds(server_pid)? - cpu_before;
    deliveries.report(name, "AgentStateEvent", clients, args.rounds * 2, cpu)
}

/// Raises this process's open-file limit (inherited by the server it starts) to `wanted`, or
/// as far as the hard limit allows when it may not raise that.
fn raise_open_file_limit(wanted: u64) {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return;
    };
    if soft >= wanted {
        return;
    }
    if setrlimit(Resource::RLIMIT_NOFILE, wanted, wanted.max(hard)).is_err() {
        let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
        eprintln!("open-file limit {hard} (wanted {wanted}): fewer clients than asked may connect");
    }
}
