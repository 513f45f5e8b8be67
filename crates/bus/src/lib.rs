//! ctid's message bus: publishes the core's events to RabbitMQ (AMQP 0-9-1) with the names,
//! routing keys, ACLs, bodies and headers XiVO/Wazo services expect, and consumes other nodes'
//! (docs/bus.md).
//!
//! - `config.rs`: `[bus]`, off until a broker URL is set;
//! - `map.rs`, `calls.rs`: domain events → [`BusMessage`]s; `routing.rs`: the escaping rule;
//! - `message.rs`: the envelope (JSON body, AMQP headers);
//! - `publisher.rs`: the hub consumer (`DropNewest`: the core never waits) and the bounded outbox;
//! - `connection.rs`: connect, declare, publish with pipelined confirms, reconnect with backoff;
//! - `consumer.rs`: the node's bounded queue and the task handing other nodes' statuses, chat
//!   and service changes to the core; `inbound.rs`: parsing them, refusing bad input.

mod calls;
mod config;
mod connection;
mod consumer;
mod inbound;
mod map;
mod message;
mod publisher;
mod routing;

pub use config::{BusConfig, ExchangeType};
pub use consumer::{BusConsumer, ConsumerStats, spawn_consumer};
pub use inbound::{Rejected, Verdict};
pub use map::EventMapper;
pub use message::{BusMessage, Encoded, HeaderValue};
pub use publisher::{BusPublisher, BusStats, spawn_publisher};
pub use routing::escape_segment;
