//! `subscribe`: `current_calls` (the own line's answered and held calls), `meetme_update` (every
//! conference room) and `queueentryupdate` (one queue's waiting callers, with the unique ids a
//! switchboard takes them with: only for profiles with the core's
//! [`Right::ViewQueueEntries`], else `permission_denied`). Each joins the matching topic, then
//! gets the current state at once; changes follow as pushes.

use ctid_core::Right;
use ctid_core::ids::QueueId;

use crate::fanout::Topic;
use crate::render::{current_calls_out, meetme_update_out, queue_entries_out};
use crate::session::{Session, SessionEnd};
use crate::subscription_budget::Budget;
use crate::wire::input::Subscribe;
use crate::wire::limits::echo;

/// Serves `subscribe`.
pub(crate) async fn subscribe(s: &mut Session, m: Subscribe) -> Result<(), SessionEnd> {
    match m {
        Subscribe::CurrentCalls => {
            let Some(line) = s.ds().user(s.user).and_then(|u| u.line) else {
                return s.error("subscribe", "no_line").await;
            };
            if let Err(refused) = Budget::of(s).join(s, Topic::CurrentCalls(line)).await {
                return s.error("subscribe", refused).await;
            }
            let Ok(calls) = s.core.read(move |st| st.line_calls(line)).await else {
                return s.error("subscribe", "service_unavailable").await;
            };
            s.reply(&current_calls_out(&calls)).await
        }
        Subscribe::MeetmeUpdate => {
            if let Err(refused) = Budget::of(s).join(s, Topic::Meetme).await {
                return s.error("subscribe", refused).await;
            }
            let Ok(rooms) = s.core.read(|st| st.conferences()).await else {
                return s.error("subscribe", "service_unavailable").await;
            };
            s.reply(&meetme_update_out(&s.ds(), &rooms)).await
        }
        Subscribe::QueueEntryUpdate(id) => {
            if !s.ds().may(s.user, Right::ViewQueueEntries) {
                return s.error("subscribe", "permission_denied").await;
            }
            let Some(queue) = id
                .as_u32()
                .map(QueueId)
                .filter(|q| s.ds().queue(*q).is_some())
            else {
                return s
                    .error("subscribe", &format!("unknown_queue:{}", echo(id.as_str())))
                    .await;
            };
            if let Err(refused) = Budget::of(s).join(s, Topic::QueueEntries(queue)).await {
                return s.error("subscribe", refused).await;
            }
            let Ok(entries) = s.core.read(move |st| st.queue_entries(queue)).await else {
                return s.error("subscribe", "service_unavailable").await;
            };
            s.reply(&queue_entries_out(&s.ds(), queue, &entries)).await
        }
    }
}
