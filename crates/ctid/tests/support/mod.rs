//! What the `ctid` binary's integration tests share: [`server`] starts `ctid serve` as a user
//! does and reads its log, [`cti`] is a blocking CTI client, [`proxy`] cuts a TCP connection
//! on demand, and [`amqp`] is the bus crate's test support (the broker's URL, exchanges of a
//! test's own, a tap queue), included by path.

#![allow(dead_code)]

#[path = "../../../bus/tests/support/amqp.rs"]
pub mod amqp;
pub mod cti;
pub mod proxy;
pub mod server;

use std::time::Duration;

/// Guard against a hung process: tests wait for output, never for time.
pub const GUARD: Duration = Duration::from_secs(20);
