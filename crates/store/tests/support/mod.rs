//! Test databases: a SQLite file in a temporary directory, or a PostgreSQL database created for
//! the test on the server at `CTID_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`) and dropped after it, even when it fails. An
//! unreachable PostgreSQL fails the test: it is never skipped.

use std::sync::atomic::{AtomicU32, Ordering};

use ctid_store::{Store, StoreLocation};
use sqlx::Connection;

/// The PostgreSQL server the tests use (its database is only used to create others).
pub fn postgres_admin_url() -> String {
    std::env::var("CTID_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A database for one test.
pub struct TestDb {
    /// Where it is.
    pub location: StoreLocation,
    _dir: Option<tempfile::TempDir>,
    postgres_name: Option<String>,
}

/// Which backend.
#[derive(Clone, Copy, Debug)]
pub enum Dialect {
    /// SQLite in a temporary directory.
    Sqlite,
    /// A fresh database on the local PostgreSQL.
    Postgres,
}

impl TestDb {
    /// A new, empty database of `dialect`.
    pub async fn new(dialect: Dialect) -> TestDb {
        match dialect {
            Dialect::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                TestDb {
                    location: StoreLocation::SqliteDir(dir.path().join("data")),
                    _dir: Some(dir),
                    postgres_name: None,
                }
            }
            Dialect::Postgres => {
                static NEXT: AtomicU32 = AtomicU32::new(0);
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.subsec_nanos());
                let name = format!(
                    "ctid_test_{}_{}_{nanos}",
                    std::process::id(),
                    NEXT.fetch_add(1, Ordering::Relaxed)
                );
                let admin = postgres_admin_url();
                let mut conn = sqlx::PgConnection::connect(&admin)
                    .await
                    .unwrap_or_else(|e| {
                        panic!("PostgreSQL must be reachable at {admin} for the store tests: {e}")
                    });
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .expect("create the test database");
                let _ = conn.close().await;
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                TestDb {
                    location: StoreLocation::Postgres(format!("{base}/{name}")),
                    _dir: None,
                    postgres_name: Some(name),
                }
            }
        }
    }

    /// Opens the store on it (migrating it).
    pub async fn open(&self) -> Store {
        Store::open(&self.location).await.expect("store opens")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else {
            return;
        };
        // Dropped from a test's runtime (or while unwinding): a thread of its own does it.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&postgres_admin_url()).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

/// Runs each `async fn name(dialect: Dialect)` of the test file as two tests, `sqlite::name`
/// and `postgres::name` (the file imports [`Dialect`]).
macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(super::Dialect::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(super::Dialect::Postgres).await;
                }
            )*
        }
    };
}

/// Runs one SQL statement (no parameters) on the store's database, whichever the dialect: a
/// test's way to break or inspect what the store wrote.
pub async fn execute(store: &Store, sql: &str) {
    match store.backend() {
        ctid_store::Backend::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        ctid_store::Backend::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}
