//! What the bus tests share (the bus crate's and the binary's, which includes this file by
//! path): the broker's URL, an exchange name of the test's own, and a [`Tap`] — a queue of the
//! test's own bound to that exchange, which reads what ctid publishes, publishes what other
//! nodes would, and deletes the exchange when dropped (even when the test fails), so runs leave
//! nothing behind. RabbitMQ must run on 127.0.0.1:5672 (or `CTID_TEST_AMQP_URL`): the tests
//! fail, never skip, without it.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures::StreamExt;
use lapin::options::{
    BasicConsumeOptions, BasicPublishOptions, ExchangeDeclareOptions, ExchangeDeleteOptions,
    QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, Consumer, ExchangeKind};
use serde_json::Value;

/// The longest a test waits for anything.
pub const GUARD: Duration = Duration::from_secs(10);

/// The broker the tests use.
pub fn broker_url() -> String {
    std::env::var("CTID_TEST_AMQP_URL")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".to_owned())
}

/// An exchange of this test's own, so that tests running at once do not see each other.
pub fn unique_exchange(test: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "ctid-test-{test}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A connection to the broker, or a failed test.
pub async fn connect() -> Connection {
    let url = broker_url();
    tokio::time::timeout(
        GUARD,
        Connection::connect(&url, ConnectionProperties::default()),
    )
    .await
    .unwrap_or_else(|_| panic!("RabbitMQ at {url} does not answer"))
    .unwrap_or_else(|e| panic!("RabbitMQ at {url} is required by this test: {e}"))
}

/// Deletes an exchange when dropped, from a thread of its own (a drop may happen inside a
/// runtime, or while a failed test unwinds).
pub struct ExchangeGuard(pub String);

impl Drop for ExchangeGuard {
    fn drop(&mut self) {
        let exchange = std::mem::take(&mut self.0);
        let deleting = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                let deleted = tokio::time::timeout(GUARD, async {
                    let connection =
                        Connection::connect(&broker_url(), ConnectionProperties::default()).await?;
                    let channel = connection.create_channel().await?;
                    channel
                        .exchange_delete(exchange.as_str().into(), ExchangeDeleteOptions::default())
                        .await?;
                    connection.close(200, "done".into()).await
                })
                .await;
                if !matches!(deleted, Ok(Ok(()))) {
                    eprintln!("could not delete the test exchange {exchange}: {deleted:?}");
                }
            });
        });
        let _ = deleting.join();
    }
}

/// A queue of the test's own on an exchange (declared as kombu declares `xivo`: durable topic).
pub struct Tap {
    _connection: Connection,
    /// The tap's channel.
    pub channel: Channel,
    consumer: Consumer,
    /// The exchange.
    pub exchange: String,
    _guard: ExchangeGuard,
}

/// One message as the tap saw it.
#[derive(Debug)]
pub struct Seen {
    /// Its routing key.
    pub routing_key: String,
    /// Its AMQP headers.
    pub headers: BTreeMap<String, AMQPValue>,
    /// Its content type.
    pub content_type: Option<String>,
    /// Its delivery mode.
    pub delivery_mode: Option<u8>,
    /// Its AMQP message id.
    pub message_id: Option<String>,
    /// Its body.
    pub body: Value,
}

impl Tap {
    /// Declares `exchange` and binds a new queue to it with `#`.
    pub async fn bind(exchange: &str) -> Tap {
        Tap::bind_keys(exchange, &["#"]).await
    }

    /// Declares `exchange` and binds a new queue to it with `keys`.
    pub async fn bind_keys(exchange: &str, keys: &[&str]) -> Tap {
        let guard = ExchangeGuard(exchange.to_owned());
        let connection = connect().await;
        let channel = connection.create_channel().await.expect("channel");
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
            .await
            .expect("declare the exchange");
        let queue = channel
            .queue_declare(
                "".into(),
                QueueDeclareOptions {
                    exclusive: true,
                    auto_delete: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await
            .expect("declare a queue");
        for key in keys {
            channel
                .queue_bind(
                    queue.name().clone(),
                    exchange.into(),
                    (*key).into(),
                    QueueBindOptions::default(),
                    FieldTable::default(),
                )
                .await
                .expect("bind the queue");
        }
        let consumer = channel
            .basic_consume(
                queue.name().clone(),
                "tap".into(),
                BasicConsumeOptions {
                    no_ack: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await
            .expect("consume");
        Tap {
            _connection: connection,
            channel,
            consumer,
            exchange: exchange.to_owned(),
            _guard: guard,
        }
    }

    /// The next message.
    pub async fn next(&mut self) -> Seen {
        let delivery = self
            .consumer
            .next()
            .await
            .expect("the consumer is open")
            .expect("a delivery");
        let headers = delivery
            .properties
            .headers()
            .as_ref()
            .map(|t| {
                t.inner()
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        Seen {
            routing_key: delivery.routing_key.to_string(),
            headers,
            content_type: delivery
                .properties
                .content_type()
                .as_ref()
                .map(|c| c.to_string()),
            delivery_mode: *delivery.properties.delivery_mode(),
            message_id: delivery
                .properties
                .message_id()
                .as_ref()
                .map(|id| id.to_string()),
            body: serde_json::from_slice(&delivery.data).expect("a JSON body"),
        }
    }

    /// The next message named `name` (others are skipped).
    pub async fn next_named(&mut self, name: &str) -> Seen {
        let mut skipped = Vec::new();
        loop {
            let delivery = tokio::time::timeout(GUARD, self.next())
                .await
                .unwrap_or_else(|_| panic!("no {name} on the bus in time; skipped {skipped:?}"));
            if delivery.body["name"] == name {
                return delivery;
            }
            skipped.push(delivery.body["name"].to_string());
        }
    }

    /// Publishes `body` as is to the exchange with `routing_key`, as another node or a hostile
    /// program would.
    pub async fn publish(&self, routing_key: &str, body: &[u8]) {
        tokio::time::timeout(
            GUARD,
            self.channel.basic_publish(
                self.exchange.as_str().into(),
                routing_key.into(),
                BasicPublishOptions::default(),
                body,
                BasicProperties::default(),
            ),
        )
        .await
        .expect("the broker takes the message")
        .expect("published");
    }

    /// Publishes a JSON bus message.
    pub async fn publish_json(&self, routing_key: &str, body: &Value) {
        self.publish(routing_key, body.to_string().as_bytes()).await;
    }
}

/// A string header of a message, if it has one.
pub fn text(seen: &Seen, key: &str) -> Option<String> {
    match seen.headers.get(key)? {
        AMQPValue::LongString(s) => Some(s.to_string()),
        AMQPValue::ShortString(s) => Some(s.to_string()),
        other => panic!("header {key} is not a string: {other:?}"),
    }
}
