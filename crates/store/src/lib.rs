//! ctid's store: what must survive a restart, in SQLite (a file under a data directory, the
//! default) or PostgreSQL, through sqlx.
//!
//! [`Store::open`] connects, applies the migrations of its dialect (`migrations/sqlite`,
//! `migrations/postgres`, embedded in the binary) and refuses a database whose schema is newer
//! than this binary knows. A [`Store`] implements the core's call-log port
//! ([`ctid_core::store::CallLogStore`]: a batch in one transaction, history read on the caller's
//! task, never the core's), and keeps users' services and last presence (`services.rs`, written
//! by the [`services_writer`]), agents' queue memberships changed at run time (`memberships.rs`,
//! written by the [`memberships_writer`]) and the queue log (`queue_log.rs`).
//!
//! It holds the configuration too (`config.rs`: every table of a dataset, one row per object):
//! filled on the first start or by an import, read at every start, and kept up with the
//! running core's changes by the [`config_writer`]. The writers share one loop (`writer.rs`:
//! bounded, never blocking the core, retrying with backoff, resynchronising after a drop).
//!
//! Queries are written once with `$N` parameters, which both dialects accept, and run on either
//! pool through [`on_pool!`]; nothing needs a live database at compile time.

mod call_log;
mod config;
pub mod config_writer;
mod memberships;
pub mod memberships_writer;
mod open;
mod queue_log;
mod services;
pub mod services_writer;
mod writer;

pub use config::{ObjectKind, ObjectRow, ObjectWrite, object_rows, object_write, row_of};
pub use memberships::StoredMembership;
pub use open::{Backend, OpenError, StoreLocation, known_schema_version};
pub use queue_log::{QueueLogEvent, QueueLogRecord};
pub use services::StoredUser;
pub use writer::{StoreWriter, WriterConfig, WriterStats};

use ctid_core::store::StoreError;

/// A connected, migrated store.
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
}

/// Runs `$body` with `$pool` bound to the store's pool, whichever the dialect (the body is
/// compiled once per dialect).
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite($pool) => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

impl Store {
    /// Which dialect this store speaks (`sqlite` or `postgres`).
    pub fn dialect(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// The connection pool (for tools and tests that run their own SQL).
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// Closes the pool, waiting for the connections to finish (SQLite checkpoints its WAL).
    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await)
    }
}

/// A database error as the core's store error.
pub(crate) fn failed(what: &str) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
    move |e| StoreError::caused_by(what, e)
}
