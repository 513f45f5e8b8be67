//! Call history from the call-log store (the one CTI `history` reads, kept across restarts):
//! `getUserCallHistory` (the user's last `size` calls), `getAgentCallHistory` (the last `size`
//! calls of the user's agent: ctid keeps the call log per user, so these are the calls of the
//! user the agent belongs to) → `CallHistory`; `getUserCallHistoryByDays` (the calls of the
//! last `days` days) → `CallHistoryByDays`. Newest first. The store is read off the core task;
//! a store that fails is answered with an `Error` and logged.

use ctid_core::Timestamp;
use ctid_core::live::CallLogEntry;

use crate::session::{Kicked, Session};
use crate::wire::history::{CallDetailOut, Side};
use crate::wire::input::HistoryOf;
use crate::wire::output::msg;

/// Calls returned when `size` is absent (the size XuC apps ask).
const DEFAULT_SIZE: u64 = 20;
/// Most calls returned by one request.
const MAX_CALLS: u64 = 1000;
/// Days covered when `days` is absent.
const DEFAULT_DAYS: u64 = 7;
/// Most days one request covers.
const MAX_DAYS: u64 = 366;
const DAY_MS: i64 = 86_400_000;

/// Serves the history commands.
pub(crate) async fn call_history(s: &mut Session, of: HistoryOf) -> Result<(), Kicked> {
    let (command, reply, limit, since) = match of {
        HistoryOf::UserLast(size) => ("getUserCallHistory", msg::CALL_HISTORY, size, None),
        HistoryOf::AgentLast(size) => ("getAgentCallHistory", msg::CALL_HISTORY, size, None),
        HistoryOf::UserDays(days) => {
            let days = days.unwrap_or(DEFAULT_DAYS).min(MAX_DAYS) as i64;
            let since = Timestamp(s.now().0 - days * DAY_MS);
            let reply = msg::CALL_HISTORY_BY_DAYS;
            (
                "getUserCallHistoryByDays",
                reply,
                Some(MAX_CALLS),
                Some(since),
            )
        }
    };
    if matches!(of, HistoryOf::AgentLast(_)) && s.ds().agent_of_user(s.user).is_none() {
        return s.error("NoAgent", Some(command), "the user has no agent");
    }
    let limit = limit.unwrap_or(DEFAULT_SIZE).min(MAX_CALLS) as usize;
    let calls = match s.shared.call_log.history(s.user, limit).await {
        Ok(calls) => calls,
        Err(e) => {
            tracing::warn!(error = %e, command, "XuC call history: the call log failed");
            return s.error(
                "ServiceUnavailable",
                Some(command),
                "call history unavailable",
            );
        }
    };
    let calls: Vec<&CallLogEntry> = calls
        .iter()
        .filter(|c| since.is_none_or(|t| c.start >= t))
        .collect();
    let ds = s.ds();
    let user = ds.user(s.user);
    let me = Side {
        number: ds.line_of_user(s.user).map_or("", |l| l.number.as_str()),
        first_name: user.map_or("", |u| u.firstname.as_str()),
        last_name: user.map_or("", |u| u.lastname.as_str()),
    };
    let list: Vec<CallDetailOut> = calls
        .into_iter()
        .map(|c| CallDetailOut::new(c, me.clone()))
        .collect();
    s.reply_paced(reply, &list).await
}
