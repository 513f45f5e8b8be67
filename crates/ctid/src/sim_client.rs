//! `ctid sim ...`: a small client of a running ctid's HTTP sim API, to place outside calls,
//! press phone buttons and generate live traffic for demos and integration testing.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::cli::{SimCommand, TrafficArgs};

/// Runs a `ctid sim` subcommand.
pub async fn run(command: SimCommand) -> anyhow::Result<()> {
    match command {
        SimCommand::Call {
            from,
            to,
            name,
            server,
        } => {
            let client = Client::new(&server);
            let reply = client
                .post(
                    "/sim/calls",
                    &json!({ "from": from, "to": to, "caller_name": name }),
                )
                .await?;
            println!("{}", serde_json::to_string_pretty(&reply)?);
        }
        SimCommand::Calls { server } => {
            let reply = Client::new(&server).get("/sim/calls").await?;
            println!("{}", serde_json::to_string_pretty(&reply)?);
        }
        SimCommand::Hangup { call_id, server } => {
            Client::new(&server)
                .post(&format!("/sim/calls/{call_id}/hangup"), &json!({}))
                .await?;
        }
        SimCommand::Line {
            number,
            action,
            to,
            server,
        } => {
            let body = match (action.as_str(), to) {
                ("dial", Some(to)) => json!({ "to": to }),
                ("dial", None) => bail!("`dial` needs --to NUMBER"),
                _ => json!({}),
            };
            Client::new(&server)
                .post(&format!("/sim/lines/{number}/{action}"), &body)
                .await?;
        }
        SimCommand::Traffic(args) => traffic(args).await?,
    }
    Ok(())
}

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    /// A client of the sim API at `server`; with `CTID_SIM__TOKEN` set (the variable that sets
    /// the server's `[sim] token`), every request presents that token.
    fn new(server: &str) -> Client {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Ok(token) = std::env::var("CTID_SIM__TOKEN")
            && let Ok(value) = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))
        {
            headers.insert(reqwest::header::AUTHORIZATION, value);
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .default_headers(headers)
            .build()
            .expect("a plain HTTP client builds");
        Client {
            http,
            base: server.trim_end_matches('/').to_owned(),
        }
    }

    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .with_context(|| self.unreachable())?;
        Self::decode(response).await
    }

    async fn post(&self, path: &str, body: &Value) -> anyhow::Result<Value> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .with_context(|| self.unreachable())?;
        Self::decode(response).await
    }

    fn unreachable(&self) -> String {
        format!(
            "cannot reach ctid at {} (is `ctid serve` running?)",
            self.base
        )
    }

    async fn decode(response: reqwest::Response) -> anyhow::Result<Value> {
        let status = response.status();
        let text = response.text().await?;
        let value: Value = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)?
        };
        if !status.is_success() {
            let message = value
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or(&text);
            bail!("{status}: {message}");
        }
        Ok(value)
    }
}

/// Places `rate × duration` calls to `to`, one every `1/rate` seconds; each caller hangs up after `talk`;
/// with `answer_after`, phones rung by these calls are answered after that delay.
async fn traffic(args: TrafficArgs) -> anyhow::Result<()> {
    if !(args.rate > 0.0 && args.rate <= 1000.0) {
        bail!("--rate must be between 0 and 1000 calls per second");
    }
    let client = std::sync::Arc::new(Client::new(&args.server));
    let gap = Duration::from_secs_f64(1.0 / args.rate);
    let total = (args.rate * args.duration.as_secs_f64()).round().max(1.0) as u64;
    let mut ticker = tokio::time::interval(gap);
    let mut placed = 0u64;
    let mut failed = 0u64;
    let mut hangups = tokio::task::JoinSet::new();
    let answerer = args
        .answer_after
        .map(|delay| tokio::spawn(answer_loop(client.clone(), delay)));
    for n in 0..total {
        ticker.tick().await;
        let from = format!("06{:08}", 10_000_000 + n);
        let body =
            json!({ "from": from, "to": args.to, "caller_name": format!("Caller {}", n + 1) });
        match client.post("/sim/calls", &body).await {
            Ok(reply) => {
                placed += 1;
                if let Some(id) = reply
                    .get("call_id")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                {
                    let client = client.clone();
                    let talk = args.talk;
                    hangups.spawn(async move {
                        tokio::time::sleep(talk).await;
                        let _ = client
                            .post(&format!("/sim/calls/{id}/hangup"), &json!({}))
                            .await;
                    });
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("call failed: {e:#}");
            }
        }
    }
    println!(
        "placed {placed} calls to {} ({failed} failed); waiting for the callers to hang up",
        args.to
    );
    while hangups.join_next().await.is_some() {}
    if let Some(task) = answerer {
        task.abort();
    }
    println!("traffic done");
    Ok(())
}

/// Answers, every second, the phones that have been ringing for at least `delay`.
async fn answer_loop(client: std::sync::Arc<Client>, delay: Duration) {
    let mut ringing_since: std::collections::HashMap<String, Instant> = Default::default();
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    loop {
        tick.tick().await;
        let Ok(calls) = client.get("/sim/calls").await else {
            continue;
        };
        let ringing = ringing_lines(&calls);
        ringing_since.retain(|line, _| ringing.contains(line));
        for line in ringing {
            let since = *ringing_since
                .entry(line.clone())
                .or_insert_with(Instant::now);
            if since.elapsed() >= delay {
                let _ = client
                    .post(&format!("/sim/lines/{line}/answer"), &json!({}))
                    .await;
                ringing_since.remove(&line);
            }
        }
    }
}

/// The numbers of the lines that ring in a `GET /sim/calls` reply.
fn ringing_lines(calls: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    for call in calls
        .get("calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for channel in call
            .get("channels")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let state = channel
                .get("state")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if let Some(line) = channel.get("line").and_then(Value::as_str)
                && state.eq_ignore_ascii_case("ringing")
                && !lines.iter().any(|l| l == line)
            {
                lines.push(line.to_owned());
            }
        }
    }
    lines
}
