//! What the message-bus benchmarks share: a connection to the broker, an exchange of the run's
//! own, a consumer queue on it that records when each numbered message arrives, a bare lapin
//! publisher with pipelined confirms (the baseline ctid's publisher is compared with), and a
//! latency summary (percentiles from [`crate::stats`]).

use std::time::{Duration, Instant};

use anyhow::Context;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use lapin::options::{
    BasicConsumeOptions, BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions,
    ExchangeDeleteOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, Consumer, ExchangeKind};
use serde_json::Value;

use crate::stats::percentile;

/// The broker used unless `--broker` says otherwise.
pub const DEFAULT_BROKER: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";

/// Connects to the broker, within 10 s.
pub async fn connect(url: &str) -> anyhow::Result<Connection> {
    tokio::time::timeout(
        Duration::from_secs(10),
        Connection::connect(url, ConnectionProperties::default()),
    )
    .await
    .with_context(|| format!("RabbitMQ at {url} does not answer"))?
    .with_context(|| format!("cannot connect to RabbitMQ at {url}"))
}

/// An exchange name of this run's own.
pub fn run_exchange(bench: &str) -> String {
    format!("ctid-bench-{bench}-{}", std::process::id())
}

/// Declares `exchange` as ctid does (durable topic).
pub async fn declare_exchange(channel: &Channel, exchange: &str) -> anyhow::Result<()> {
    channel
        .exchange_declare(
            exchange.into(),
            ExchangeKind::Topic,
            ExchangeDeclareOptions {
                durable: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await?;
    Ok(())
}

/// Deletes `exchange`.
pub async fn delete_exchange(connection: &Connection, exchange: &str) -> anyhow::Result<()> {
    let channel = connection.create_channel().await?;
    channel
        .exchange_delete(exchange.into(), ExchangeDeleteOptions::default())
        .await?;
    Ok(())
}

/// A queue bound with `#` to `exchange`: exclusive and auto-deleted, or, `durable`, kept across
/// a broker restart under the name `name` (then deleted by the caller).
pub async fn consume(
    channel: &Channel,
    exchange: &str,
    durable: Option<&str>,
) -> anyhow::Result<Consumer> {
    declare_exchange(channel, exchange).await?;
    let options = match durable {
        Some(_) => QueueDeclareOptions {
            durable: true,
            ..Default::default()
        },
        None => QueueDeclareOptions {
            exclusive: true,
            auto_delete: true,
            ..Default::default()
        },
    };
    let queue = channel
        .queue_declare(durable.unwrap_or("").into(), options, FieldTable::default())
        .await?;
    channel
        .queue_bind(
            queue.name().clone(),
            exchange.into(),
            "#".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    Ok(channel
        .basic_consume(
            queue.name().clone(),
            "bench".into(),
            BasicConsumeOptions {
                no_ack: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await?)
}

/// The number a benchmark put in a `call_form_result` body (`data.variables.seq`).
pub fn seq_of(body: &[u8]) -> Option<u64> {
    let body: Value = serde_json::from_slice(body).ok()?;
    body["data"]["variables"]["seq"].as_str()?.parse().ok()
}

/// A `call_form_result` body numbered `seq`, as ctid publishes one (the baseline's messages).
pub fn numbered_body(seq: u64) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "name": "call_form_result",
        "origin_uuid": "ctid-bench",
        "data": {"user_id": 1, "variables": {"seq": seq.to_string()}},
    }))
    .unwrap_or_default()
}

/// Reads `consumer` until `count` numbered messages arrived or `patience` passed without any:
/// each message's number and arrival time.
pub async fn arrivals(
    mut consumer: Consumer,
    count: usize,
    patience: Duration,
) -> Vec<(u64, Instant)> {
    let mut seen = Vec::with_capacity(count);
    while seen.len() < count {
        match tokio::time::timeout(patience, consumer.next()).await {
            Ok(Some(Ok(delivery))) => {
                if let Some(seq) = seq_of(&delivery.data) {
                    seen.push((seq, Instant::now()));
                }
            }
            _ => break,
        }
    }
    seen
}

/// The bare baseline: publishes `count` numbered bodies ([`numbered_body`]) to `exchange` on a
/// channel in confirm mode, with up to `window` messages unconfirmed (as ctid's publisher
/// does), one every `pace` if given, else as fast as it can; waits for every confirm. Returns
/// when each was sent.
pub async fn publish_bare(
    channel: &Channel,
    exchange: &str,
    count: u64,
    window: usize,
    pace: Option<Duration>,
) -> anyhow::Result<Vec<Instant>> {
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let mut confirms = FuturesUnordered::new();
    let mut sent = Vec::with_capacity(count as usize);
    let mut ticks = pace.map(|period| {
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        interval
    });
    for seq in 0..count {
        if let Some(ticks) = &mut ticks {
            ticks.tick().await;
        }
        while confirms.len() >= window {
            if let Some(confirm) = confirms.next().await {
                confirm?;
            }
        }
        let properties = BasicProperties::default()
            .with_content_type("application/json".into())
            .with_delivery_mode(1);
        sent.push(Instant::now());
        let confirm = channel
            .basic_publish(
                exchange.into(),
                "call_form_result".into(),
                BasicPublishOptions::default(),
                &numbered_body(seq),
                properties,
            )
            .await?;
        confirms.push(confirm);
    }
    while let Some(confirm) = confirms.next().await {
        confirm?;
    }
    Ok(sent)
}

/// Latencies (arrival − sending) of the messages that arrived, sorted.
pub fn latencies(sent: &[Instant], arrived: &[(u64, Instant)]) -> Vec<Duration> {
    let mut out: Vec<Duration> = arrived
        .iter()
        .filter_map(|(seq, at)| Some(at.duration_since(*sent.get(*seq as usize)?)))
        .collect();
    out.sort();
    out
}

/// `p50 … p99 … max` of sorted latencies, in milliseconds.
pub fn describe(sorted: &[Duration]) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    format!(
        "p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} samples)",
        ms(percentile(sorted, 0.50)),
        ms(percentile(sorted, 0.90)),
        ms(percentile(sorted, 0.99)),
        ms(sorted.last().copied().unwrap_or_default()),
        sorted.len()
    )
}
