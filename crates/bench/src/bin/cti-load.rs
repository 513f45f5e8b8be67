//! CTI load benchmark: starts the real `ctid` binary (embedded PBX, a generated dataset of N
//! users) in a child process, logs N CTI clients in over loopback, subscribes them to phone
//! statuses, then changes phone statuses through the sim API and measures, on every client, the
//! delay from the change request to the delivery of the `updatestatus phones` push.
//!
//! Prints: login rate, server RSS per idle client, delivery delay p50/p99/max.
//!
//! `cargo build --release -p ctid -p ctid-bench && target/release/cti-load --clients 10000`

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use ctid_bench::workload::{cti_dataset, free_port, rss_kib};
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
    /// Give up on a round after this many seconds.
    #[arg(long, default_value_t = 30)]
    round_timeout: u64,
}

/// A push seen by a client: (line id, hint code, when).
type Seen = (u32, i32, Instant);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let ctid = match &args.ctid {
        Some(p) => p.clone(),
        None => std::env::current_exe()?.with_file_name("ctid"),
    };
    if !ctid.is_file() {
        bail!(
            "{} not found: build it first (`cargo build --release -p ctid`) or pass --ctid",
            ctid.display()
        );
    }
    let dir = std::env::temp_dir().join(format!("ctid-cti-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let dataset_file = dir.join("dataset.toml");
    std::fs::write(&dataset_file, toml::to_string(&cti_dataset(args.clients))?)?;
    let (cti_port, http_port) = (free_port()?, free_port()?);
    let mut server = Server::start(&ctid, &dataset_file, cti_port, http_port)?;
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{http_port}");
    server.wait_ready(&http, &base).await?;
    let rss_before = rss_kib(server.pid())?;
    println!(
        "server ready (pid {}), RSS {} KiB before clients",
        server.pid(),
        rss_before
    );

    // Log the clients in.
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel::<Seen>();
    let started = Instant::now();
    let semaphore = Arc::new(tokio::sync::Semaphore::new(args.concurrency));
    let mut logins = tokio::task::JoinSet::new();
    for user in 1..=args.clients {
        let permit = semaphore.clone().acquire_owned().await?;
        let seen = seen_tx.clone();
        logins.spawn(async move {
            let result = login(cti_port, user).await;
            drop(permit);
            let stream = result?;
            tokio::spawn(watch(stream, seen));
            anyhow::Ok(())
        });
    }
    let mut failed = 0;
    while let Some(result) = logins.join_next().await {
        if let Err(e) | Ok(Err(e)) = result.map_err(anyhow::Error::from) {
            failed += 1;
            if failed <= 5 {
                eprintln!("login failed: {e:#}");
            }
        }
    }
    let took = started.elapsed();
    let logged = args.clients - failed;
    println!(
        "logged in {logged} clients ({failed} failed) in {:.2} s: {:.0} logins/s",
        took.as_secs_f64(),
        logged as f64 / took.as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = rss_kib(server.pid())?;
    println!(
        "server RSS {} KiB with {logged} idle clients: {:.1} KiB per idle client",
        rss_after,
        (rss_after.saturating_sub(rss_before)) as f64 / logged.max(1) as f64
    );

    // Change phone statuses and time the pushes.
    let mut delays: Vec<Duration> = Vec::new();
    let mut incomplete = 0;
    for round in 0..args.rounds {
        let line = round % args.clients + 1;
        let number = format!("1{line:05}");
        for (action, hint) in [("unregister", 4), ("register", 0)] {
            while seen_rx.try_recv().is_ok() {}
            let t0 = Instant::now();
            let response = http
                .post(format!("{base}/sim/lines/{number}/{action}"))
                .json(&serde_json::json!({}))
                .send()
                .await?;
            if !response.status().is_success() {
                bail!("{action} {number}: {}", response.status());
            }
            let deadline = tokio::time::Instant::now() + Duration::from_secs(args.round_timeout);
            let mut got = 0;
            while got < logged {
                match tokio::time::timeout_at(deadline, seen_rx.recv()).await {
                    Ok(Some((tid, h, at))) if tid == line && h == hint => {
                        got += 1;
                        delays.push(at.duration_since(t0));
                    }
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => break,
                }
            }
            if got < logged {
                incomplete += 1;
                eprintln!("round {round} {action}: only {got}/{logged} clients got the push");
            }
        }
    }
    delays.sort();
    let pct =
        |p: f64| delays[((delays.len() as f64 * p).ceil() as usize).clamp(1, delays.len()) - 1];
    if delays.is_empty() {
        bail!("no push was delivered");
    }
    println!(
        "phone status push to {logged} clients, {} changes, {} deliveries: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms{}",
        args.rounds * 2,
        delays.len(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        delays.last().unwrap().as_secs_f64() * 1e3,
        if incomplete > 0 {
            format!(" ({incomplete} incomplete changes)")
        } else {
            String::new()
        }
    );
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Logs user `u<user>` in and subscribes it to phone statuses; returns the connection.
async fn login(port: u16, user: u32) -> anyhow::Result<BufReader<TcpStream>> {
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
    send(&mut conn, &serde_json::json!({"class":"getlist","function":"listid","listname":"phones","tipbxid":"xivo"})).await?;
    loop {
        let reply = expect(&mut conn, &mut line, "getlist").await?;
        if reply["function"] == "listid" {
            return Ok(conn);
        }
    }
}

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

/// Reports every phone status push the client receives.
async fn watch(mut conn: BufReader<TcpStream>, seen: mpsc::UnboundedSender<Seen>) {
    let mut line = String::new();
    loop {
        line.clear();
        match conn.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let at = Instant::now();
        if !(line.contains("\"phones\"") && line.contains("\"updatestatus\"")) {
            continue;
        }
        let Ok(msg) = serde_json::from_str::<Value>(line.trim_end()) else {
            continue;
        };
        let tid = msg["tid"]
            .as_str()
            .and_then(|t| t.parse().ok())
            .or_else(|| msg["tid"].as_u64().map(|t| t as u32));
        let hint = msg["status"]["hintstatus"]
            .as_str()
            .and_then(|h| h.parse().ok());
        if let (Some(tid), Some(hint)) = (tid, hint) {
            if seen.send((tid, hint, at)).is_err() {
                return;
            }
        }
    }
}

/// The `ctid serve` child process.
struct Server {
    child: Child,
}

impl Server {
    fn start(
        ctid: &PathBuf,
        dataset: &PathBuf,
        cti_port: u16,
        http_port: u16,
    ) -> anyhow::Result<Server> {
        let child = Command::new(ctid)
            .arg("serve")
            .arg("--dataset")
            .arg(dataset)
            .arg("--cti-listen")
            .arg(format!("127.0.0.1:{cti_port}"))
            .arg("--http-listen")
            .arg(format!("127.0.0.1:{http_port}"))
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdin(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", ctid.display()))?;
        Ok(Server { child })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    async fn wait_ready(&mut self, http: &reqwest::Client, base: &str) -> anyhow::Result<()> {
        for _ in 0..200 {
            if let Some(status) = self.child.try_wait()? {
                bail!("ctid exited early: {status}");
            }
            if http
                .get(format!("{base}/health"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("ctid did not become ready in 10 s")
    }

    fn stop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
