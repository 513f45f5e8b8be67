//! The connection to the broker: connect, open a channel in confirm mode, declare the exchange
//! (durable, as kombu's defaults do, so ctid and other consumers can declare it in either order),
//! then publish the outbox with **pipelined** publisher confirms: up to `confirm_window`
//! messages are in flight at once, confirms are awaited concurrently, never one round trip per
//! message. When the connection is lost, the messages not yet confirmed go back in front of the
//! outbox and are published again after the reconnection (at least once), which waits with a
//! doubling backoff. Every step has a timeout.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions};
use lapin::types::{FieldTable, ShortString};
use lapin::{
    BasicProperties, Channel, Confirmation, Connection, ConnectionProperties, ExchangeKind,
};
use tokio::sync::mpsc;
use tokio::time::timeout;

use crate::config::{BusConfig, ExchangeType};
use crate::publisher::BusStats;

/// The first wait before a reconnection; it doubles up to `max_backoff`.
pub(crate) const FIRST_BACKOFF: Duration = Duration::from_millis(200);

/// A message ready for `basic.publish`.
#[derive(Clone, Debug)]
pub(crate) struct Outgoing {
    /// `<node uuid>:<run>:<n>` (see `publisher.rs`).
    pub(crate) message_id: ShortString,
    pub(crate) routing_key: ShortString,
    pub(crate) body: Vec<u8>,
    pub(crate) headers: FieldTable,
}

/// Why publishing on a connection ended.
enum PumpEnd {
    /// The reader ended (the core stopped) and everything was published.
    OutboxClosed,
    /// The connection failed.
    Lost(String),
}

/// Publishes the outbox until it is closed and empty, reconnecting as needed.
pub(crate) async fn run(
    url: String,
    config: BusConfig,
    mut outbox: mpsc::Receiver<Outgoing>,
    stats: Arc<BusStats>,
) {
    let mut retry = VecDeque::new();
    let mut backoff = FIRST_BACKOFF;
    let mut failing = false;
    loop {
        let opened = timeout(config.connect_timeout, open(&url, &config)).await;
        match opened {
            Ok(Ok((connection, channel))) => {
                stats.connections.fetch_add(1, Ordering::Relaxed);
                stats.connected.store(true, Ordering::Relaxed);
                tracing::info!(exchange = %config.exchange, "connected to the message bus");
                failing = false;
                backoff = FIRST_BACKOFF;
                let end = pump(&channel, &config, &mut outbox, &mut retry, &stats).await;
                stats.connected.store(false, Ordering::Relaxed);
                match end {
                    PumpEnd::OutboxClosed => {
                        let _ = timeout(
                            config.connect_timeout,
                            connection.close(200, ShortString::from("ctid stopping")),
                        )
                        .await;
                        return;
                    }
                    PumpEnd::Lost(reason) => {
                        tracing::warn!(%reason, waiting = retry.len(), "lost the message bus; reconnecting");
                    }
                }
            }
            failed => {
                let reason = match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => "timed out".to_owned(),
                };
                if !std::mem::replace(&mut failing, true) {
                    tracing::warn!(%reason, "cannot reach the message bus; events wait in its outbox");
                } else {
                    tracing::debug!(%reason, "cannot reach the message bus");
                }
                if outbox.is_closed() {
                    let lost = retry.len() + outbox.len();
                    stats.dropped.fetch_add(lost as u64, Ordering::Relaxed);
                    tracing::warn!(
                        lost,
                        "stopping with the message bus unreachable: events not published"
                    );
                    return;
                }
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(config.max_backoff);
    }
}

/// Connects, opens a channel in confirm mode and declares the exchange.
async fn open(url: &str, config: &BusConfig) -> lapin::Result<(Connection, Channel)> {
    let connection = Connection::connect(url, ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    declare_exchange(&channel, config).await?;
    Ok((connection, channel))
}

/// Declares the configured exchange as kombu's defaults do (durable, not auto-delete), so ctid
/// and other programs may declare it in either order.
pub(crate) async fn declare_exchange(channel: &Channel, config: &BusConfig) -> lapin::Result<()> {
    let kind = match config.exchange_type {
        ExchangeType::Topic => ExchangeKind::Topic,
        ExchangeType::Headers => ExchangeKind::Headers,
    };
    channel
        .exchange_declare(
            exchange_name(config),
            kind,
            ExchangeDeclareOptions {
                durable: true,
                ..ExchangeDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await
}

/// The configured exchange name (cut to AMQP's 255 bytes: a longer one is a configuration
/// mistake the broker refuses anyway).
pub(crate) fn exchange_name(config: &BusConfig) -> ShortString {
    let mut name = config.exchange.clone();
    while name.len() > 255 {
        name.pop();
    }
    ShortString::from(name)
}

/// Publishes from `retry` then the outbox with up to `confirm_window` unconfirmed messages,
/// until the outbox is closed and everything is confirmed, or the connection fails (then the
/// unconfirmed messages are back in `retry`, in order).
async fn pump(
    channel: &Channel,
    config: &BusConfig,
    outbox: &mut mpsc::Receiver<Outgoing>,
    retry: &mut VecDeque<Outgoing>,
    stats: &BusStats,
) -> PumpEnd {
    let exchange = exchange_name(config);
    let window = config.confirm_window.max(1);
    let mut in_flight: BTreeMap<u64, Outgoing> = BTreeMap::new();
    let mut confirms = FuturesUnordered::new();
    let mut sequence = 0u64;
    let mut outbox_open = true;
    let end = loop {
        if !outbox_open && retry.is_empty() && in_flight.is_empty() {
            break PumpEnd::OutboxClosed;
        }
        let room = in_flight.len() < window;
        let next = if room && !retry.is_empty() {
            retry.pop_front()
        } else {
            tokio::select! {
                biased;
                Some((seq, confirmation)) = confirms.next(), if !confirms.is_empty() => {
                    let confirmation: lapin::Result<Confirmation> = confirmation;
                    match confirmation {
                        Ok(Confirmation::Nack(_)) => {
                            in_flight.remove(&seq);
                            stats.nacked.fetch_add(1, Ordering::Relaxed);
                            tracing::warn!("the broker refused a bus message (nack)");
                        }
                        Ok(_) => {
                            in_flight.remove(&seq);
                            stats.confirmed.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => break PumpEnd::Lost(e.to_string()),
                    }
                    None
                }
                message = outbox.recv(), if room && outbox_open => {
                    if message.is_none() {
                        outbox_open = false;
                    }
                    message
                }
                _ = tokio::time::sleep(config.confirm_timeout), if !in_flight.is_empty() => {
                    break PumpEnd::Lost("no publisher confirm in time".to_owned());
                }
            }
        };
        let Some(message) = next else {
            continue;
        };
        let properties = BasicProperties::default()
            .with_content_type(ShortString::from("application/json"))
            .with_delivery_mode(1)
            .with_message_id(message.message_id.clone())
            .with_headers(message.headers.clone());
        let published = timeout(
            config.confirm_timeout,
            channel.basic_publish(
                exchange.clone(),
                message.routing_key.clone(),
                BasicPublishOptions::default(),
                &message.body,
                properties,
            ),
        )
        .await;
        sequence += 1;
        in_flight.insert(sequence, message);
        match published {
            Ok(Ok(confirm)) => {
                let seq = sequence;
                confirms.push(async move { (seq, confirm.await) });
            }
            Ok(Err(e)) => break PumpEnd::Lost(e.to_string()),
            Err(_) => break PumpEnd::Lost("publishing timed out".to_owned()),
        }
    };
    if let PumpEnd::Lost(_) = end {
        // Unconfirmed messages go back first, in the order they were published.
        for message in in_flight.into_values().rev() {
            retry.push_front(message);
        }
    }
    end
}
