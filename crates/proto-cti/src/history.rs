//! `history`: the user's last calls from the call-log store, newest first, with xivo-ctid's
//! fields (`calldate` ISO, `duration` float seconds, `fullname`, `extension`, `mode` 0 sent /
//! 1 received / 2 missed).

use ctid_core::live::CallDirection;

use crate::session::{Session, SessionEnd};
use crate::wire::input::History;
use crate::wire::output::{HistoryItem, HistoryReply};

/// Default number of calls (the Qt client asks 8).
const DEFAULT_SIZE: u64 = 8;
/// Most calls returned.
const MAX_SIZE: u64 = 500;

/// Serves `history`.
pub(crate) async fn history(s: &mut Session, m: History) -> Result<(), SessionEnd> {
    let size = m.size.map_or(DEFAULT_SIZE, |n| n.0).min(MAX_SIZE) as usize;
    let calls = match s.call_log.history(s.user, size).await {
        Ok(calls) => calls,
        Err(e) => {
            tracing::warn!(error = %e, "CTI history: the call log failed");
            return s.error("history", "service_unavailable").await;
        }
    };
    let history = calls
        .iter()
        .map(|c| HistoryItem {
            calldate: c.start.to_iso8601(),
            duration: c.duration_secs(),
            fullname: if c.peer.name.is_empty() {
                c.peer.number.clone()
            } else {
                c.peer.name.clone()
            },
            mode: if c.is_missed() {
                2
            } else if c.direction == CallDirection::Outgoing {
                0
            } else {
                1
            },
            extension: c.peer.number.clone(),
        })
        .collect();
    s.reply(&HistoryReply {
        class: "history",
        replyid: s.commandid.as_ref(),
        history,
    })
    .await
}
