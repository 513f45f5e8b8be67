//! Queue statistics: `subscribetoqueuesstats` joins the statistics topic and immediately gets the
//! live counters of every queue (`Xivo-LoggedAgents`, `Xivo-WaitingCalls`, ... — some integers,
//! some strings, as xivo-ctid sends them); `getqueuesstats` with `on:{<queue id>:{xqos, window}}`
//! answers the windowed counters (`Xivo-Join`, `Xivo-Link`, ... all strings).

use std::collections::BTreeMap;
use std::time::Duration;

use ctid_core::ids::QueueId;

use crate::fanout::Topic;
use crate::render::live_stats_out;
use crate::session::{Session, SessionEnd};
use crate::wire::input::GetQueuesStats;
use crate::wire::output::{QueuesStats, WindowQueueStats};

/// Longest window accepted (a week).
const MAX_WINDOW_SECS: u64 = 7 * 86_400;

/// Serves `subscribetoqueuesstats`.
pub(crate) async fn subscribe(s: &mut Session) -> Result<(), SessionEnd> {
    if !s.join(Topic::QueueStats).await {
        return s
            .error("subscribetoqueuesstats", "too_many_subscriptions")
            .await;
    }
    let ids: Vec<QueueId> = s.ds().queues().iter().map(|q| q.id).collect();
    let now = s.now();
    let Ok(stats) = s
        .core
        .read(move |st| {
            ids.iter()
                .map(|q| (*q, st.queue_stats(*q, now)))
                .collect::<Vec<_>>()
        })
        .await
    else {
        return s
            .error("subscribetoqueuesstats", "service_unavailable")
            .await;
    };
    for (queue, stats) in stats {
        let mut map = BTreeMap::new();
        map.insert(queue.to_string(), live_stats_out(&stats));
        s.reply(&QueuesStats {
            class: "getqueuesstats",
            replyid: None,
            stats: map,
        })
        .await?;
    }
    Ok(())
}

fn percent(x: f64) -> String {
    if x.is_finite() {
        format!("{:.0}", x)
    } else {
        "0".to_owned()
    }
}

/// Serves `getqueuesstats` (on demand, over a window).
pub(crate) async fn get(s: &mut Session, m: GetQueuesStats) -> Result<(), SessionEnd> {
    let ds = s.ds().clone();
    let asked: Vec<(String, QueueId, Duration, Duration)> =
        m.on.iter()
            .filter_map(|(id, p)| {
                let q = id.trim().parse().ok().map(QueueId)?;
                ds.queue(q)?;
                let window = p.window.map_or(3600, |w| w.0).clamp(1, MAX_WINDOW_SECS);
                let qos = p.xqos.map_or(60, |w| w.0).min(MAX_WINDOW_SECS);
                Some((
                    id.clone(),
                    q,
                    Duration::from_secs(window),
                    Duration::from_secs(qos),
                ))
            })
            .take(ds.queues().len().max(1))
            .collect();
    let now = s.now();
    let Ok(stats) = s
        .core
        .read(move |st| {
            asked
                .into_iter()
                .map(|(id, q, window, qos)| (id, st.queue_window_stats(q, now, window, qos)))
                .collect::<Vec<_>>()
        })
        .await
    else {
        return s.error("getqueuesstats", "service_unavailable").await;
    };
    let stats = stats
        .into_iter()
        .map(|(id, w)| {
            (
                id,
                WindowQueueStats {
                    join: w.entered.to_string(),
                    link: w.answered.to_string(),
                    lost: w.abandoned.to_string(),
                    rate: percent(w.answer_rate),
                    qos: percent(w.qos),
                    holdtime_avg: percent(w.holdtime_avg),
                    holdtime_max: w.holdtime_max.to_string(),
                },
            )
        })
        .collect();
    s.reply(&QueuesStats {
        class: "getqueuesstats",
        replyid: s.commandid.as_ref(),
        stats,
    })
    .await
}
