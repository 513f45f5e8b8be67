//! The bus consumer: one queue per node (server-named, exclusive, auto-delete, bounded with
//! `x-max-length` / `x-max-length-bytes`: the broker drops the oldest past them) bound to the
//! statuses, the chat messages to this node and the user service changes; a task reading it
//! with a bounded prefetch, parsing each message (`inbound.rs`), handing what is for this node
//! to the core ([`CoreHandle::remote`]) and acknowledging it. A message this node published is
//! skipped; a malformed, oversized or unknown one is logged, counted and dropped. The consumer
//! never stops on bad input; it reconnects with a doubling backoff when the broker goes away
//! (messages published meanwhile are not seen: the queue goes with the connection).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use ctid_core::{CommandError, CoreHandle};
use futures::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicQosOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{Connection, ConnectionProperties, Consumer};
use tokio::sync::watch;
use tokio::time::timeout;

use crate::config::{BusConfig, ExchangeType};
use crate::connection::{FIRST_BACKOFF, declare_exchange, exchange_name};
use crate::inbound::{self, CONSUMED_NAMES, Rejected, Verdict};
use crate::routing::escape_segment;

/// Counters of the consumer, readable while it runs.
#[derive(Debug, Default)]
pub struct ConsumerStats {
    received: AtomicU64,
    applied: AtomicU64,
    own: AtomicU64,
    not_for_us: AtomicU64,
    refused: AtomicU64,
    malformed: AtomicU64,
    oversize: AtomicU64,
    unknown: AtomicU64,
    connections: AtomicU64,
    connected: AtomicBool,
}

impl ConsumerStats {
    /// Messages received.
    pub fn received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    /// Messages the core took.
    pub fn applied(&self) -> u64 {
        self.applied.load(Ordering::Relaxed)
    }

    /// Messages this node published (skipped).
    pub fn own(&self) -> u64 {
        self.own.load(Ordering::Relaxed)
    }

    /// Chat messages to another node's users (skipped).
    pub fn not_for_us(&self) -> u64 {
        self.not_for_us.load(Ordering::Relaxed)
    }

    /// Well-formed messages the core refused (an unknown user, a value too long).
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    /// Messages that were not the JSON they should be (dropped).
    pub fn malformed(&self) -> u64 {
        self.malformed.load(Ordering::Relaxed)
    }

    /// Messages longer than `max_message_bytes` (dropped).
    pub fn oversize(&self) -> u64 {
        self.oversize.load(Ordering::Relaxed)
    }

    /// Messages with a name ctid does not consume (dropped).
    pub fn unknown(&self) -> u64 {
        self.unknown.load(Ordering::Relaxed)
    }

    /// Messages dropped as bad input (malformed, oversized, unknown).
    pub fn dropped(&self) -> u64 {
        self.malformed() + self.oversize() + self.unknown()
    }

    /// Connections made so far.
    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    /// Whether the consumer is connected and bound now.
    pub fn connected(&self) -> bool {
        self.connected.load(Ordering::Relaxed)
    }
}

/// A running consumer.
#[derive(Debug)]
pub struct BusConsumer {
    /// Its counters.
    pub stats: Arc<ConsumerStats>,
    /// The consuming task. It holds a core handle: abort it (or drop the consumer) before
    /// waiting for the core to stop.
    pub task: tokio::task::JoinHandle<()>,
    /// How many times the node's queue was declared, bound and consumed from (0 until the
    /// first connection): what a test waits for before publishing.
    pub bound: watch::Receiver<u64>,
}

impl Drop for BusConsumer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts consuming for the node named by the core's dataset (`xivo_uuid`) from the broker at
/// `url`.
pub fn spawn_consumer(core: CoreHandle, url: String, config: BusConfig) -> BusConsumer {
    let stats = Arc::new(ConsumerStats::default());
    let (bound_tx, bound) = watch::channel(0);
    let task = tokio::spawn(run(core, url, config, stats.clone(), bound_tx));
    BusConsumer { stats, task, bound }
}

/// Why consuming on a connection ended.
enum End {
    /// The core stopped.
    CoreStopped,
    /// The connection failed.
    Lost(String),
}

async fn run(
    core: CoreHandle,
    url: String,
    config: BusConfig,
    stats: Arc<ConsumerStats>,
    bound: watch::Sender<u64>,
) {
    let own = core.dataset().xivo_uuid().to_owned();
    let mut backoff = FIRST_BACKOFF;
    let mut failing = false;
    loop {
        match timeout(config.connect_timeout, open(&url, &config, &own)).await {
            Ok(Ok((connection, consumer))) => {
                let connections = stats.connections.fetch_add(1, Ordering::Relaxed) + 1;
                stats.connected.store(true, Ordering::Relaxed);
                bound.send_replace(connections);
                tracing::info!(exchange = %config.exchange, "consuming from the message bus");
                failing = false;
                backoff = FIRST_BACKOFF;
                let end = consume(&core, &config, &own, consumer, &stats).await;
                stats.connected.store(false, Ordering::Relaxed);
                match end {
                    End::CoreStopped => {
                        let _ = timeout(
                            config.connect_timeout,
                            connection.close(200, ShortString::from("ctid stopping")),
                        )
                        .await;
                        return;
                    }
                    End::Lost(reason) => {
                        tracing::warn!(%reason, "lost the message bus consumer; reconnecting");
                    }
                }
            }
            failed => {
                let reason = match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => "timed out".to_owned(),
                };
                if !std::mem::replace(&mut failing, true) {
                    tracing::warn!(%reason, "cannot consume from the message bus");
                } else {
                    tracing::debug!(%reason, "cannot consume from the message bus");
                }
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(config.max_backoff);
    }
}

/// The node queue's bounds.
fn queue_arguments(config: &BusConfig) -> FieldTable {
    let mut arguments = FieldTable::default();
    arguments.insert(
        ShortString::from("x-max-length"),
        AMQPValue::LongLongInt(i64::from(config.queue_max_length)),
    );
    arguments.insert(
        ShortString::from("x-max-length-bytes"),
        AMQPValue::LongLongInt(i64::try_from(config.queue_max_bytes).unwrap_or(i64::MAX)),
    );
    arguments
}

/// The routing keys (topic exchange) of what this node consumes.
fn topic_bindings(own: &str) -> Vec<String> {
    vec![
        "status.user".to_owned(),
        "status.agent".to_owned(),
        "status.endpoint".to_owned(),
        format!("chat.message.{}.*.received", escape_segment(own)),
        "config.users.*.services.*.updated".to_owned(),
        "config.users.*.forwards.*.updated".to_owned(),
    ]
}

/// Connects, declares the exchange and the node's queue, binds it and starts consuming.
async fn open(url: &str, config: &BusConfig, own: &str) -> lapin::Result<(Connection, Consumer)> {
    let connection = Connection::connect(url, ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    channel
        .basic_qos(config.prefetch.max(1), BasicQosOptions::default())
        .await?;
    declare_exchange(&channel, config).await?;
    let queue = channel
        .queue_declare(
            ShortString::from(""),
            QueueDeclareOptions {
                exclusive: true,
                auto_delete: true,
                ..QueueDeclareOptions::default()
            },
            queue_arguments(config),
        )
        .await?;
    let exchange = exchange_name(config);
    let bindings: Vec<(String, FieldTable)> = match config.exchange_type {
        ExchangeType::Topic => topic_bindings(own)
            .into_iter()
            .map(|key| (key, FieldTable::default()))
            .collect(),
        ExchangeType::Headers => CONSUMED_NAMES
            .iter()
            .map(|name| {
                let mut match_name = FieldTable::default();
                match_name.insert(
                    ShortString::from("x-match"),
                    AMQPValue::LongString(LongString::from("all")),
                );
                match_name.insert(
                    ShortString::from("name"),
                    AMQPValue::LongString(LongString::from(*name)),
                );
                (String::new(), match_name)
            })
            .collect(),
    };
    for (key, arguments) in bindings {
        let Ok(key) = ShortString::try_new(key) else {
            tracing::warn!("the node uuid is too long for a routing key: no chat from the bus");
            continue;
        };
        channel
            .queue_bind(
                queue.name().clone(),
                exchange.clone(),
                key,
                QueueBindOptions::default(),
                arguments,
            )
            .await?;
    }
    let consumer = channel
        .basic_consume(
            queue.name().clone(),
            ShortString::from("ctid"),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    Ok((connection, consumer))
}

/// Logs bad input: the first of each kind at warning level, then every 1,000th (the rest at
/// debug level), so a flood of garbage cannot flood the log.
fn log_rejected(rejected: &Rejected, count: u64, routing_key: &str) {
    let loud = count == 1 || count.is_multiple_of(1000);
    let (kind, detail) = match rejected {
        Rejected::Oversize(len) => ("oversized", format!("{len} bytes")),
        Rejected::Malformed(reason) => ("malformed", reason.clone()),
        Rejected::Unknown(name) => ("unknown", crate::inbound::quote(name)),
    };
    if loud {
        tracing::warn!(kind, %detail, routing_key, count, "bus message dropped");
    } else {
        tracing::debug!(kind, %detail, routing_key, count, "bus message dropped");
    }
}

/// Consumes until the connection fails or the core stops.
async fn consume(
    core: &CoreHandle,
    config: &BusConfig,
    own: &str,
    mut consumer: Consumer,
    stats: &ConsumerStats,
) -> End {
    while let Some(delivery) = consumer.next().await {
        let delivery = match delivery {
            Ok(delivery) => delivery,
            Err(e) => return End::Lost(e.to_string()),
        };
        stats.received.fetch_add(1, Ordering::Relaxed);
        match inbound::parse(&delivery.data, own, config.max_message_bytes) {
            Ok(Verdict::Apply(input)) => match core.remote(input).await {
                Ok(()) => {
                    stats.applied.fetch_add(1, Ordering::Relaxed);
                }
                Err(CommandError::ServiceUnavailable) => return End::CoreStopped,
                Err(e) => {
                    stats.refused.fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(error = %e, routing_key = %delivery.routing_key, "bus message not applied");
                }
            },
            Ok(Verdict::Own) => {
                stats.own.fetch_add(1, Ordering::Relaxed);
            }
            Ok(Verdict::NotForUs) => {
                stats.not_for_us.fetch_add(1, Ordering::Relaxed);
            }
            Err(rejected) => {
                let counter = match rejected {
                    Rejected::Oversize(_) => &stats.oversize,
                    Rejected::Malformed(_) => &stats.malformed,
                    Rejected::Unknown(_) => &stats.unknown,
                };
                let count = counter.fetch_add(1, Ordering::Relaxed) + 1;
                log_rejected(&rejected, count, delivery.routing_key.as_str());
            }
        }
        let acked = timeout(
            config.confirm_timeout,
            delivery.acker.ack(BasicAckOptions::default()),
        )
        .await;
        match acked {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return End::Lost(e.to_string()),
            Err(_) => return End::Lost("acknowledging timed out".to_owned()),
        }
    }
    End::Lost("the broker ended the consumer".to_owned())
}
