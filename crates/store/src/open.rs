//! Opening the store: where it is (a SQLite file under a data directory, or a PostgreSQL URL),
//! connecting with bounded pools and timeouts, SQLite in WAL mode, the schema version check and
//! the migrations of the dialect.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::Store;

/// The SQLite migrations, embedded.
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
/// The PostgreSQL migrations, embedded.
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// The SQLite database's file name in the data directory.
pub const SQLITE_FILE: &str = "ctid.sqlite3";
/// How long a query waits for a pooled connection, and SQLite for a lock.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections per pool.
const MAX_CONNECTIONS: u32 = 8;
/// PostgreSQL's limit on any one statement.
const STATEMENT_TIMEOUT: &str = "30s";

/// Where the store is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreLocation {
    /// A SQLite file (`ctid.sqlite3`) in this directory, created with it when missing.
    SqliteDir(PathBuf),
    /// A PostgreSQL server (`postgres://user@host:port/database`).
    Postgres(String),
}

/// A connection pool of one of the two dialects.
#[derive(Clone, Debug)]
pub enum Backend {
    /// SQLite.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// Why the store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The data directory could not be created.
    #[error("cannot create the data directory {dir}")]
    DataDir {
        /// The directory.
        dir: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The database URL is not a PostgreSQL URL.
    #[error("invalid database URL (expected postgres://user@host:port/database)")]
    Url(#[source] sqlx::Error),
    /// The database could not be reached or opened.
    #[error("cannot connect to the {dialect} database")]
    Connect {
        /// `sqlite` or `postgres`.
        dialect: &'static str,
        /// Why.
        #[source]
        source: sqlx::Error,
    },
    /// The database was set up by a newer ctid.
    #[error(
        "the database schema is version {found}, newer than this ctid knows (up to {known}): \
         run the ctid that upgraded it, or point this one at another database"
    )]
    NewerSchema {
        /// The schema version found in the database.
        found: i64,
        /// The newest version this binary knows.
        known: i64,
    },
    /// Reading the schema version or applying a migration failed.
    #[error("cannot migrate the {dialect} database")]
    Migrate {
        /// `sqlite` or `postgres`.
        dialect: &'static str,
        /// Why.
        #[source]
        source: sqlx::Error,
    },
}

/// The newest schema version this binary knows (the same for both dialects).
pub fn known_schema_version() -> i64 {
    let sqlite = SQLITE_MIGRATIONS.iter().map(|m| m.version).max();
    let postgres = POSTGRES_MIGRATIONS.iter().map(|m| m.version).max();
    debug_assert_eq!(sqlite, postgres, "both dialects know the same versions");
    sqlite.unwrap_or(0)
}

impl Store {
    /// Opens the store at `location`: connects, checks the schema version and migrates.
    pub async fn open(location: &StoreLocation) -> Result<Store, OpenError> {
        let backend = match location {
            StoreLocation::SqliteDir(dir) => {
                std::fs::create_dir_all(dir).map_err(|source| OpenError::DataDir {
                    dir: dir.clone(),
                    source,
                })?;
                let options = SqliteConnectOptions::new()
                    .filename(dir.join(SQLITE_FILE))
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(ACQUIRE_TIMEOUT);
                let pool = SqlitePoolOptions::new()
                    .max_connections(MAX_CONNECTIONS)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(options)
                    .await
                    .map_err(|source| OpenError::Connect {
                        dialect: "sqlite",
                        source,
                    })?;
                Backend::Sqlite(pool)
            }
            StoreLocation::Postgres(url) => {
                let options = PgConnectOptions::from_str(url)
                    .map_err(OpenError::Url)?
                    .options([("statement_timeout", STATEMENT_TIMEOUT)]);
                let pool = PgPoolOptions::new()
                    .max_connections(MAX_CONNECTIONS)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(options)
                    .await
                    .map_err(|source| OpenError::Connect {
                        dialect: "postgres",
                        source,
                    })?;
                Backend::Postgres(pool)
            }
        };
        let store = Store { backend };
        store.migrate().await?;
        Ok(store)
    }

    /// The schema version the database is at (0 for an empty database).
    pub async fn schema_version(&self) -> Result<i64, OpenError> {
        let dialect = self.dialect();
        let migrate = |source| OpenError::Migrate { dialect, source };
        let exists: bool = match &self.backend {
            Backend::Sqlite(pool) => sqlx::query_scalar(
                "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            )
            .fetch_one(pool)
            .await
            .map_err(migrate)?,
            Backend::Postgres(pool) => {
                sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
                    .fetch_one(pool)
                    .await
                    .map_err(migrate)?
            }
        };
        if !exists {
            return Ok(0);
        }
        let version: Option<i64> = crate::on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT MAX(version) FROM _sqlx_migrations"
        )
        .fetch_one(pool)
        .await
        .map_err(migrate)?);
        Ok(version.unwrap_or(0))
    }

    /// Refuses a newer schema, then applies the migrations not yet applied.
    async fn migrate(&self) -> Result<(), OpenError> {
        let found = self.schema_version().await?;
        let known = known_schema_version();
        if found > known {
            return Err(OpenError::NewerSchema { found, known });
        }
        let dialect = self.dialect();
        let migrate = |e: sqlx::migrate::MigrateError| OpenError::Migrate {
            dialect,
            source: sqlx::Error::Migrate(Box::new(e)),
        };
        match &self.backend {
            Backend::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await.map_err(migrate)?,
            Backend::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await.map_err(migrate)?,
        }
        if found < known {
            tracing::info!(dialect, from = found, to = known, "store schema migrated");
        }
        Ok(())
    }
}
