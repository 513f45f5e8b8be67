//! `[bus]`: whether and where ctid publishes its events and consumes other nodes', and the
//! publisher's and consumer's bounds and timeouts. The bus is off while `url` is unset.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The type of the exchange events are published to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExchangeType {
    /// `topic` (XiVO, Wazo up to about 22.x: exchange `xivo`).
    #[default]
    Topic,
    /// `headers` (current Wazo: exchange `wazo-headers`).
    Headers,
}

/// `[bus]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BusConfig {
    /// The broker, `amqp://user:password@host:port/vhost` (`%2f` for `/`); no bus when unset.
    pub url: Option<String>,
    /// The exchange (default `xivo`), declared durable as kombu's defaults do.
    pub exchange: String,
    /// Its type (default `topic`).
    pub exchange_type: ExchangeType,
    /// Messages waiting for the broker at most (default 100,000); past it new ones are dropped,
    /// logged and counted.
    pub outbox_capacity: usize,
    /// Messages published and not yet confirmed at most (default 1,000).
    pub confirm_window: usize,
    /// Event batches queued between the core and the publisher (default 1,024).
    pub hub_capacity: usize,
    /// Time to connect, open a channel and declare the exchange (default 5 s).
    #[serde(rename = "connect_timeout_secs", with = "secs")]
    pub connect_timeout: Duration,
    /// Time without a confirm while messages wait for one before the connection is given up
    /// (default 10 s).
    #[serde(rename = "confirm_timeout_secs", with = "secs")]
    pub confirm_timeout: Duration,
    /// Longest wait between two connection attempts (default 30 s; the first is 0.2 s and
    /// doubles).
    #[serde(rename = "max_backoff_secs", with = "secs")]
    pub max_backoff: Duration,
    /// Whether to consume other nodes' statuses, chat and service changes (default true).
    pub consume: bool,
    /// Messages the broker delivers before they are acknowledged, at most (default 256).
    pub prefetch: u16,
    /// Messages the node's queue holds at most (`x-max-length`, default 10,000): past it the
    /// broker drops the oldest.
    pub queue_max_length: u32,
    /// Bytes the node's queue holds at most (`x-max-length-bytes`, default 16 MiB).
    pub queue_max_bytes: u64,
    /// Longest message body consumed (default 64 KiB); longer ones are dropped, counted.
    pub max_message_bytes: usize,
}

impl Default for BusConfig {
    fn default() -> Self {
        BusConfig {
            url: None,
            exchange: "xivo".into(),
            exchange_type: ExchangeType::Topic,
            outbox_capacity: 100_000,
            confirm_window: 1_000,
            hub_capacity: 1_024,
            connect_timeout: Duration::from_secs(5),
            confirm_timeout: Duration::from_secs(10),
            max_backoff: Duration::from_secs(30),
            consume: true,
            prefetch: 256,
            queue_max_length: 10_000,
            queue_max_bytes: 16 << 20,
            max_message_bytes: 64 << 10,
        }
    }
}

/// Durations as (possibly fractional) seconds.
mod secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let secs = f64::deserialize(d)?;
        Duration::try_from_secs_f64(secs).map_err(serde::de::Error::custom)
    }
}
