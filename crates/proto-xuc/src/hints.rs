//! Phone hints: `subscribeToPhoneHints` watches numbers (each one's `PhoneHintStatusEvent`
//! now, then on every change of its line's hint), `unsubscribeFromAllPhoneHints` stops them
//! all. A number that is no line of the configuration is told `-2` (`UNEXISTING`) once. Any
//! user may watch any phone's status (as the CTI face's phone list shows them all).

use ctid_core::ids::LineId;

use crate::session::{Kicked, Session};
use crate::topic::Topic;
use crate::wire::input::MAX_PHONE_HINTS;
use crate::wire::lists::PhoneHintOut;
use crate::wire::output::msg;

/// `Cti.PhoneStatus` `UNEXISTING`.
const UNEXISTING: i32 = -2;

/// `subscribeToPhoneHints`.
pub(crate) async fn subscribe(s: &mut Session, numbers: Vec<String>) -> Result<(), Kicked> {
    let ds = s.ds();
    let mut lines: Vec<(String, Option<LineId>)> = Vec::with_capacity(numbers.len());
    for number in numbers {
        let line = ds.line_by_number(&number).map(|l| l.id);
        if let Some(line) = line
            && !s.phone_hints.contains(&line)
        {
            if s.phone_hints.len() >= MAX_PHONE_HINTS {
                return s.error(
                    "InvalidArgument",
                    Some("subscribeToPhoneHints"),
                    &format!("more than {MAX_PHONE_HINTS} numbers watched"),
                );
            }
            s.phone_hints.insert(line);
            s.fanout.subscribe(s.id, Topic::PhoneHint(line)).await;
        }
        lines.push((number, line));
    }
    let hints = s
        .shared
        .core
        .read(move |st| {
            lines
                .into_iter()
                .map(|(n, l)| (n, l.map_or(UNEXISTING, |l| st.line_hint(l).code())))
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
    for (number, status) in &hints {
        s.reply_paced(
            msg::PHONE_HINT_STATUS_EVENT,
            &PhoneHintOut {
                number,
                status: *status,
            },
        )
        .await?;
    }
    Ok(())
}

/// `unsubscribeFromAllPhoneHints`.
pub(crate) async fn unsubscribe_all(s: &mut Session) -> Result<(), Kicked> {
    for line in std::mem::take(&mut s.phone_hints) {
        s.fanout.unsubscribe(s.id, Topic::PhoneHint(line)).await;
    }
    Ok(())
}
