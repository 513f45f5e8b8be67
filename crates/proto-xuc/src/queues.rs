//! Queue commands beyond the live statistics: `getQueueStatistics` (a queue's counters over a
//! window, from the core's queue log, answered as a `QueueStatistics` with the windowed
//! counters) and `subscribeToQueueCalls` / `unSubscribeToQueueCalls` (a queue's waiting
//! callers, `QueueCalls`, now and on every change). Watching callers needs the right to see
//! waiting calls (`Right::ViewQueueEntries`: switchboard or supervisor profiles), the rule
//! the CTI face applies to its queue entries.

use std::time::Duration;

use ctid_core::Right;
use ctid_core::ids::QueueId;

use crate::session::{Kicked, Session};
use crate::topic::Topic;
use crate::wire::lists::QueueCallsOut;
use crate::wire::output::{QueueStatisticsOut, msg};

/// Longest window accepted (a week), as the CTI face.
const MAX_WINDOW_SECS: u64 = 7 * 86_400;
/// The window when none is given (an hour).
const DEFAULT_WINDOW_SECS: u64 = 3600;
/// The answer-time threshold when none is given.
const DEFAULT_QOS_SECS: u64 = 60;

/// A configured queue, or the `Error` saying it is not.
fn queue(s: &Session, command: &str, id: u64) -> Result<Option<QueueId>, Kicked> {
    let known = u32::try_from(id)
        .ok()
        .map(QueueId)
        .filter(|q| s.ds().queue(*q).is_some());
    if known.is_none() {
        s.error("NotFound", Some(command), &format!("unknown queue {id}"))?;
    }
    Ok(known)
}

/// `getQueueStatistics`.
pub(crate) async fn statistics(
    s: &Session,
    id: u64,
    window: Option<u64>,
    xqos: Option<u64>,
) -> Result<(), Kicked> {
    let Some(q) = queue(s, "getQueueStatistics", id)? else {
        return Ok(());
    };
    let window = window
        .unwrap_or(DEFAULT_WINDOW_SECS)
        .clamp(1, MAX_WINDOW_SECS);
    let qos = xqos.unwrap_or(DEFAULT_QOS_SECS).min(MAX_WINDOW_SECS);
    let now = s.now();
    let Ok(stats) = s
        .shared
        .core
        .read(move |st| {
            st.queue_window_stats(
                q,
                now,
                Duration::from_secs(window),
                Duration::from_secs(qos),
            )
        })
        .await
    else {
        return s.error(
            "ServiceUnavailable",
            Some("getQueueStatistics"),
            "the core is stopping",
        );
    };
    s.reply(
        msg::QUEUE_STATISTICS,
        &QueueStatisticsOut::windowed(q, &stats, qos),
    )
}

/// `subscribeToQueueCalls`: the queue's callers now, then on every change.
pub(crate) async fn subscribe_calls(s: &mut Session, id: u64) -> Result<(), Kicked> {
    const COMMAND: &str = "subscribeToQueueCalls";
    if !s.ds().may(s.user, Right::ViewQueueEntries) {
        return s.error(
            "Forbidden",
            Some(COMMAND),
            "not allowed: watching waiting calls needs a switchboard or supervisor profile",
        );
    }
    let Some(q) = queue(s, COMMAND, id)? else {
        return Ok(());
    };
    if s.queue_calls.insert(q) {
        s.fanout.subscribe(s.id, Topic::QueueCalls(q)).await;
    }
    let entries = s
        .shared
        .core
        .read(move |st| st.queue_entries(q))
        .await
        .unwrap_or_default();
    s.reply(msg::QUEUE_CALLS, &QueueCallsOut::new(q, &entries))
}

/// `unSubscribeToQueueCalls`.
pub(crate) async fn unsubscribe_calls(s: &mut Session, id: u64) -> Result<(), Kicked> {
    if let Some(q) = u32::try_from(id).ok().map(QueueId)
        && s.queue_calls.remove(&q)
    {
        s.fanout.unsubscribe(s.id, Topic::QueueCalls(q)).await;
    }
    Ok(())
}
