//! One entry of `CallHistory` / `CallHistoryByDays`, with the fields of XuC's call details:
//! `start` and `duration` as the API documentation shows them (`"2014-01-01 08:00:00"`,
//! `"00:21:35"`), the source and destination numbers and names, and `status`: `emitted` for an
//! outgoing call, `answered` or `missed` for an incoming one.

use serde::Serialize;

use ctid_core::Timestamp;
use ctid_core::live::{CallDirection, CallLogEntry, Party};

/// One side of a call as the entry names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side<'a> {
    /// The number.
    pub number: &'a str,
    /// First name (for a user; the whole caller name for an outside party).
    pub first_name: &'a str,
    /// Last name (empty for an outside party).
    pub last_name: &'a str,
}

impl<'a> From<&'a Party> for Side<'a> {
    fn from(p: &'a Party) -> Self {
        Side {
            number: &p.number,
            first_name: &p.name,
            last_name: "",
        }
    }
}

/// A `CallHistory` entry.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct CallDetailOut<'a> {
    /// When the call started (UTC), `YYYY-MM-DD hh:mm:ss`.
    pub start: String,
    /// Talk time, `hh:mm:ss` (`00:00:00` for an unanswered call).
    pub duration: String,
    /// The caller's number.
    #[serde(rename = "srcNum")]
    pub src_num: &'a str,
    /// The caller's first name.
    #[serde(rename = "srcFirstName")]
    pub src_first_name: &'a str,
    /// The caller's last name.
    #[serde(rename = "srcLastName")]
    pub src_last_name: &'a str,
    /// The called number.
    #[serde(rename = "dstNum")]
    pub dst_num: &'a str,
    /// The called party's first name.
    #[serde(rename = "dstFirstName")]
    pub dst_first_name: &'a str,
    /// The called party's last name.
    #[serde(rename = "dstLastName")]
    pub dst_last_name: &'a str,
    /// `emitted`, `answered` or `missed`.
    pub status: &'static str,
}

impl<'a> CallDetailOut<'a> {
    /// The entry for `call`, seen from `me` (the user whose history it is).
    pub fn new(call: &'a CallLogEntry, me: Side<'a>) -> Self {
        let peer = Side::from(&call.peer);
        let (src, dst, status) = match call.direction {
            CallDirection::Outgoing => (me, peer, "emitted"),
            CallDirection::Incoming if call.answered_at.is_some() => (peer, me, "answered"),
            CallDirection::Incoming => (peer, me, "missed"),
        };
        CallDetailOut {
            start: date_time(call.start),
            duration: hms(call.duration_secs()),
            src_num: src.number,
            src_first_name: src.first_name,
            src_last_name: src.last_name,
            dst_num: dst.number,
            dst_first_name: dst.first_name,
            dst_last_name: dst.last_name,
            status,
        }
    }
}

/// `YYYY-MM-DD hh:mm:ss` (UTC).
fn date_time(t: Timestamp) -> String {
    let iso = t.to_iso8601();
    format!("{} {}", &iso[..10], &iso[11..19])
}

/// `hh:mm:ss`, hours growing past 99 if they must.
fn hms(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    format!("{:02}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ctid_core::ids::{UniqueId, UserId};

    fn call(direction: CallDirection, answered: bool) -> CallLogEntry {
        // 2026-01-05 08:00:00 UTC, answered 5 s later, 21 min 35 s of talk.
        let start = Timestamp(1_767_600_000_000);
        CallLogEntry {
            user: UserId(1),
            start,
            answered_at: answered.then_some(Timestamp(start.0 + 5_000)),
            end: Timestamp(start.0 + 5_000 + 1_295_000),
            direction,
            peer: Party::new("0612345678", "Jane Doe"),
            linkedid: UniqueId::from("1767600000.1"),
        }
    }

    fn me() -> Side<'static> {
        Side {
            number: "1001",
            first_name: "Alice",
            last_name: "Arnaud",
        }
    }

    #[test]
    fn an_outgoing_call_is_emitted_from_the_user() {
        let c = call(CallDirection::Outgoing, true);
        let out = CallDetailOut::new(&c, me());
        assert_eq!(out.start, "2026-01-05 08:00:00");
        assert_eq!(out.duration, "00:21:35");
        assert_eq!((out.src_num, out.src_last_name), ("1001", "Arnaud"));
        assert_eq!(
            (out.dst_num, out.dst_first_name),
            ("0612345678", "Jane Doe")
        );
        assert_eq!(out.status, "emitted");
    }

    #[test]
    fn an_incoming_call_is_answered_or_missed_towards_the_user() {
        let c = call(CallDirection::Incoming, true);
        let out = CallDetailOut::new(&c, me());
        assert_eq!(
            (out.src_num, out.dst_num, out.status),
            ("0612345678", "1001", "answered")
        );
        let c = call(CallDirection::Incoming, false);
        let out = CallDetailOut::new(&c, me());
        assert_eq!((out.duration.as_str(), out.status), ("00:00:00", "missed"));
    }

    #[test]
    fn the_shape_has_xuc_field_names() {
        let c = call(CallDirection::Outgoing, false);
        let v = serde_json::to_value(CallDetailOut::new(&c, me())).unwrap();
        for key in [
            "start",
            "duration",
            "srcNum",
            "srcFirstName",
            "srcLastName",
            "dstNum",
            "dstFirstName",
            "dstLastName",
            "status",
        ] {
            assert!(v.get(key).is_some(), "{key} missing in {v}");
        }
    }
}
