//! Helpers shared by the bus crate's integration tests.

pub mod amqp;
