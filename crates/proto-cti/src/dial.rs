//! `ipbxcommand dial`: click-to-dial. Every destination form of the protocol is turned into a
//! number here (`exten:xivo/1202`, `user:xivo/3` → that user's line, `phone:xivo/3`,
//! `voicemail:xivo/2` → the deposit number, `vm_consult:…` → the own-voicemail number,
//! `queue:`/`meetme:`/`agent:` → their numbers, `"Bob <1002>"` → `1002`, a plain number) and the
//! core places the call. Success answers `{class:"dial_success", exten}`; refusals
//! `{class:"ipbxcommand", error_string:"unreachable_extension:<n>" | "call_unauthorized" | ...}`.

use ctid_core::dataset::Dataset;
use ctid_core::ids::{AgentId, LineId, QueueId, RoomId, UserId, VoicemailId};
use ctid_core::{Command, Outcome};

use crate::errors::command_error;
use crate::session::{Session, SessionEnd};
use crate::wire::limits::echo;
use crate::wire::output::DialSuccess;

/// Splits `<type>:<ipbx>/<id>` (also `<type>:<id>`).
pub fn split_xid(s: &str) -> Option<(&str, &str)> {
    let (kind, rest) = s.split_once(':')?;
    let id = rest.rsplit_once('/').map_or(rest, |(_, id)| id);
    Some((kind, id))
}

/// The number a dial destination means, or why not (`Err` holds the text to report).
pub fn resolve_destination(
    ds: &Dataset,
    user: UserId,
    destination: &str,
) -> Result<String, String> {
    let d = destination.trim();
    if let (Some(start), Some(end)) = (d.rfind('<'), d.rfind('>'))
        && start < end
    {
        let inner = d[start + 1..end].trim();
        if !inner.is_empty() {
            return Ok(inner.to_owned());
        }
    }
    let Some((kind, id)) = split_xid(d) else {
        return if d.is_empty() {
            Err(String::new())
        } else {
            Ok(d.to_owned())
        };
    };
    let num = || id.trim().parse::<u32>().ok();
    let found = match kind {
        "exten" => Some(id.to_owned()),
        "user" => num()
            .and_then(|i| ds.line_of_user(UserId(i)))
            .or_else(|| ds.user_by_uuid(id).and_then(|u| ds.line_of_user(u.id)))
            .map(|l| l.number.clone()),
        "phone" | "line" => num()
            .and_then(|i| ds.line(LineId(i)))
            .map(|l| l.number.clone()),
        "voicemail" => num()
            .and_then(|i| ds.voicemail(VoicemailId(i)))
            .map(|v| format!("{}{}", ds.dialplan().voicemail_deposit_prefix, v.mailbox)),
        "vm_consult" => ds
            .user(user)
            .and_then(|u| u.voicemail)
            .map(|_| ds.dialplan().voicemail_consult.clone()),
        "queue" => num()
            .and_then(|i| ds.queue(QueueId(i)))
            .map(|q| q.number.clone()),
        "meetme" => num()
            .and_then(|i| ds.room(RoomId(i)))
            .map(|r| r.number.clone()),
        "agent" => num()
            .and_then(|i| ds.agent(AgentId(i)))
            .map(|a| a.number.clone()),
        "tel" | "sip" => Some(id.to_owned()),
        _ => None,
    };
    found.ok_or_else(|| d.to_owned())
}

/// Serves `ipbxcommand dial`.
pub(crate) async fn dial(s: &mut Session, destination: &str) -> Result<(), SessionEnd> {
    let number = match resolve_destination(&s.ds(), s.user, destination) {
        Ok(n) => n,
        Err(what) => {
            return s
                .error(
                    "ipbxcommand",
                    &format!("unreachable_extension:{}", echo(&what)),
                )
                .await;
        }
    };
    let result = s
        .core
        .execute(Command::Dial {
            user: s.user,
            destination: number.clone(),
            variables: Vec::new(),
            from_mobile: false,
        })
        .await;
    match result {
        Ok(outcome) => {
            let exten = match &outcome {
                Outcome::Dialing { destination, .. } => destination.as_str(),
                _ => number.as_str(),
            };
            s.reply(&DialSuccess {
                class: "dial_success",
                exten,
            })
            .await
        }
        Err(e) => {
            s.error("ipbxcommand", &command_error(&e, "call_unauthorized"))
                .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_destination_form() {
        let ds = Dataset::demo();
        let me = UserId(1);
        let r = |d: &str| resolve_destination(&ds, me, d);
        assert_eq!(r("1002"), Ok("1002".into()));
        assert_eq!(r(" 0612345678 "), Ok("0612345678".into()));
        assert_eq!(r("exten:xivo/1202"), Ok("1202".into()));
        assert_eq!(r("user:xivo/2"), Ok("1002".into()));
        assert_eq!(r("phone:xivo/3"), Ok("1003".into()));
        assert_eq!(r("voicemail:xivo/2"), Ok("*971002".into()));
        assert_eq!(r("vm_consult:xivo/1"), Ok("*98".into()));
        assert_eq!(r("queue:xivo/1"), Ok("3001".into()));
        assert_eq!(r("meetme:xivo/1"), Ok("4000".into()));
        assert_eq!(r("agent:xivo/2"), Ok("2002".into()));
        assert_eq!(r("Bob Bernard <1002>"), Ok("1002".into()));
        assert_eq!(r("\"Bob\" <1002>"), Ok("1002".into()));
        assert_eq!(r("user:xivo/99"), Err("user:xivo/99".into()));
        assert_eq!(r("martian:xivo/1"), Err("martian:xivo/1".into()));
        assert_eq!(r(""), Err(String::new()));
    }
}
