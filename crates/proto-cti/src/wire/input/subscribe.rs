//! `subscribe`: `current_calls`, `meetme_update`, `queueentryupdate`, and their parsing.

use serde::Deserialize;

use super::capped::max_bytes;
use crate::wire::limits::ID_BYTES;

use super::parse_error::ParseError;
use super::read::{read, required, sub};
use crate::wire::lenient::Id;
use crate::wire::limits::echo;

/// `subscribe`.
#[derive(Debug, Clone, PartialEq)]
pub enum Subscribe {
    /// `current_calls` of the own line.
    CurrentCalls,
    /// `meetme_update`.
    MeetmeUpdate,
    /// `queueentryupdate` of one queue.
    QueueEntryUpdate(Id),
}

#[derive(Deserialize)]
struct QueueEntryRaw {
    #[serde(deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
    queueid: Id,
}

/// Reads a `subscribe` message, by its `message`.
pub(super) fn parse_subscribe(class: &str, text: &str) -> Result<Subscribe, ParseError> {
    let head = sub(class, text)?;
    let message = required(class, "message", &head.message)?;
    Ok(match message {
        "current_calls" => Subscribe::CurrentCalls,
        "meetme_update" => Subscribe::MeetmeUpdate,
        "queueentryupdate" => {
            let raw: QueueEntryRaw = read(class, text)?;
            Subscribe::QueueEntryUpdate(raw.queueid)
        }
        other => {
            return Err(ParseError::new(
                Some(class),
                format!("unknown_message:{}", echo(other)),
            ));
        }
    })
}
