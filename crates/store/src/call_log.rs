//! The call log (CDR) in the database: the core's [`CallLogStore`] port. A batch is written in
//! one transaction; history is read on the caller's task (a face's session), never the core's.

use ctid_core::Timestamp;
use ctid_core::ids::{UniqueId, UserId};
use ctid_core::live::{CallDirection, CallLogEntry, Party};
use ctid_core::store::{CallLogStore, StoreError};
use futures::future::BoxFuture;
use sqlx::Row;

use crate::{Store, failed, on_pool};

/// Most calls one history read returns, whatever is asked.
pub const MAX_HISTORY: usize = 10_000;

const INSERT: &str = "INSERT INTO call_log \
    (user_id, start_ms, answered_ms, end_ms, direction, peer_number, peer_name, linkedid) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

const HISTORY: &str = "SELECT start_ms, answered_ms, end_ms, direction, peer_number, peer_name, \
    linkedid FROM call_log WHERE user_id = $1 ORDER BY id DESC LIMIT $2";

fn direction_name(direction: CallDirection) -> &'static str {
    match direction {
        CallDirection::Incoming => "incoming",
        CallDirection::Outgoing => "outgoing",
    }
}

impl Store {
    async fn append_entries(&self, entries: Vec<CallLogEntry>) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await.map_err(failed("append: begin"))?;
            for e in &entries {
                sqlx::query(INSERT)
                    .bind(i64::from(e.user.0))
                    .bind(e.start.0)
                    .bind(e.answered_at.map(|t| t.0))
                    .bind(e.end.0)
                    .bind(direction_name(e.direction))
                    .bind(e.peer.number.as_str())
                    .bind(e.peer.name.as_str())
                    .bind(&*e.linkedid.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(failed("append"))?;
            }
            tx.commit().await.map_err(failed("append: commit"))
        })
    }

    async fn read_history(
        &self,
        user: UserId,
        limit: usize,
    ) -> Result<Vec<CallLogEntry>, StoreError> {
        let limit = limit.min(MAX_HISTORY) as i64;
        let rows = on_pool!(self, |pool| sqlx::query(HISTORY)
            .bind(i64::from(user.0))
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(failed("history"))?
            .into_iter()
            .map(|row| {
                Ok::<_, sqlx::Error>((
                    row.try_get::<i64, _>(0)?,
                    row.try_get::<Option<i64>, _>(1)?,
                    row.try_get::<i64, _>(2)?,
                    row.try_get::<String, _>(3)?,
                    row.try_get::<String, _>(4)?,
                    row.try_get::<String, _>(5)?,
                    row.try_get::<String, _>(6)?,
                ))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(failed("history: read row"))?);
        Ok(rows
            .into_iter()
            .map(
                |(start, answered, end, direction, number, name, linkedid)| CallLogEntry {
                    user,
                    start: Timestamp(start),
                    answered_at: answered.map(Timestamp),
                    end: Timestamp(end),
                    direction: if direction == "outgoing" {
                        CallDirection::Outgoing
                    } else {
                        CallDirection::Incoming
                    },
                    peer: Party::new(number, name),
                    linkedid: UniqueId::from(linkedid.as_str()),
                },
            )
            .collect())
    }

    /// Calls in the log, all users together.
    pub async fn call_log_len(&self) -> Result<u64, StoreError> {
        let n: i64 = on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM call_log"
        )
        .fetch_one(pool)
        .await
        .map_err(failed("count calls"))?);
        Ok(n.max(0) as u64)
    }
}

impl CallLogStore for Store {
    fn append(&self, entry: CallLogEntry) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(self.append_entries(vec![entry]))
    }

    fn append_batch(&self, entries: Vec<CallLogEntry>) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(self.append_entries(entries))
    }

    fn history(
        &self,
        user: UserId,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<CallLogEntry>, StoreError>> {
        Box::pin(self.read_history(user, limit))
    }
}
