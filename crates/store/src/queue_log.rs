//! The queue log in the database: callers entering a queue, answered or abandoning, with the
//! time they waited, for windowed queue statistics that survive a restart.

use ctid_core::Timestamp;
use ctid_core::ids::QueueId;
use ctid_core::store::StoreError;
use sqlx::Row;

use crate::{Store, failed, on_pool};

/// What happened to a caller in a queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueLogEvent {
    /// It joined the queue.
    Enter,
    /// A member answered it after this many seconds.
    Connect(u64),
    /// It hung up after waiting this many seconds.
    Abandon(u64),
}

/// One queue log record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueLogRecord {
    /// The queue.
    pub queue: QueueId,
    /// When.
    pub time: Timestamp,
    /// What.
    pub event: QueueLogEvent,
}

/// Most records one read returns.
pub const MAX_QUEUE_LOG_READ: usize = 100_000;

impl Store {
    /// Appends records, in order, in one transaction.
    pub async fn append_queue_log(&self, records: &[QueueLogRecord]) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await.map_err(failed("queue log: begin"))?;
            for r in records {
                let (event, wait) = match r.event {
                    QueueLogEvent::Enter => ("enter", 0),
                    QueueLogEvent::Connect(w) => ("connect", w),
                    QueueLogEvent::Abandon(w) => ("abandon", w),
                };
                sqlx::query(
                    "INSERT INTO queue_log (queue_id, time_ms, event, wait_secs) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(i64::from(r.queue.0))
                .bind(r.time.0)
                .bind(event)
                .bind(i64::try_from(wait).unwrap_or(i64::MAX))
                .execute(&mut *tx)
                .await
                .map_err(failed("queue log: append"))?;
            }
            tx.commit().await.map_err(failed("queue log: commit"))
        })
    }

    /// A queue's records at or after `since`, oldest first, at most `limit`
    /// (capped at [`MAX_QUEUE_LOG_READ`]).
    pub async fn queue_log_since(
        &self,
        queue: QueueId,
        since: Timestamp,
        limit: usize,
    ) -> Result<Vec<QueueLogRecord>, StoreError> {
        let limit = limit.min(MAX_QUEUE_LOG_READ) as i64;
        let rows = on_pool!(self, |pool| sqlx::query(
            "SELECT time_ms, event, wait_secs FROM queue_log \
             WHERE queue_id = $1 AND time_ms >= $2 ORDER BY time_ms, id LIMIT $3"
        )
        .bind(i64::from(queue.0))
        .bind(since.0)
        .bind(limit)
        .fetch_all(pool)
        .await
        .map_err(failed("queue log: read"))?
        .into_iter()
        .map(|row| {
            Ok::<_, sqlx::Error>((
                row.try_get::<i64, _>(0)?,
                row.try_get::<String, _>(1)?,
                row.try_get::<i64, _>(2)?,
            ))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(failed("queue log: read row"))?);
        Ok(rows
            .into_iter()
            .filter_map(|(time, event, wait)| {
                let wait = u64::try_from(wait).unwrap_or(0);
                let event = match event.as_str() {
                    "enter" => QueueLogEvent::Enter,
                    "connect" => QueueLogEvent::Connect(wait),
                    "abandon" => QueueLogEvent::Abandon(wait),
                    _ => return None,
                };
                Some(QueueLogRecord {
                    queue,
                    time: Timestamp(time),
                    event,
                })
            })
            .collect())
    }
}
