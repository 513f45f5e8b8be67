//! Conference room commands: `conferenceMuteMe` / `conferenceUnmuteMe` (one's own place in the
//! room), `conferenceMuteAll` / `conferenceUnmuteAll` (every other member) and
//! `conferenceMute` / `conferenceUnmute` (a member by `index`, its join order), all mapped to
//! the core's `ConferenceMute` (members of the room and supervisors may mute: the core checks),
//! and `conferenceKick` (a member by `index` leaves: one's own place, or anyone's for a
//! supervisor), the core's `ConferenceKick`.
//! Refusals answer `ConferenceCommandError` (`{Error, command, message}`), as XuC does for
//! these commands.

use ctid_core::ids::RoomId;
use ctid_core::live::ConferenceState;
use ctid_core::{Command, CommandError};

use crate::session::{Kicked, Session};
use crate::wire::input::ConferenceAction;
use crate::wire::output::{ErrorOut, msg};

/// Answers a refused room command.
fn refused(s: &Session, action: ConferenceAction, e: &CommandError) -> Result<(), Kicked> {
    s.reply(
        msg::CONFERENCE_COMMAND_ERROR,
        &ErrorOut {
            error: crate::errors::error_name(e),
            command: Some(action.command()),
            message: &e.to_string(),
        },
    )
}

/// Serves a room command on the room numbered `number`.
pub(crate) async fn command(
    s: &Session,
    action: ConferenceAction,
    number: &str,
    index: Option<u64>,
) -> Result<(), Kicked> {
    use ConferenceAction as A;
    let Some(room) = s
        .ds()
        .rooms()
        .iter()
        .find(|r| r.number == number)
        .map(|r| r.id)
    else {
        let e = CommandError::NotFound {
            kind: "conference".into(),
            id: number.to_owned(),
        };
        return refused(s, action, &e);
    };
    let state: Option<ConferenceState> = s
        .shared
        .core
        .read(move |st| st.conference(room))
        .await
        .ok()
        .flatten();
    let members = state.map(|st| st.members).unwrap_or_default();
    let mine = members.iter().find(|m| m.user == Some(s.user));
    let (targets, muted): (Vec<u32>, bool) = match action {
        A::MuteMe | A::UnmuteMe => {
            let Some(me) = mine else {
                let e = CommandError::InvalidState("you are not in this conference".into());
                return refused(s, action, &e);
            };
            (vec![me.join_order], action == A::MuteMe)
        }
        A::MuteAll | A::UnmuteAll => (
            members
                .iter()
                .filter(|m| m.user != Some(s.user))
                .map(|m| m.join_order)
                .collect(),
            action == A::MuteAll,
        ),
        A::Kick => {
            let Some(member) = index.and_then(|i| u32::try_from(i).ok()) else {
                let e = CommandError::InvalidArgument {
                    field: "index".into(),
                    reason: "out of range".into(),
                };
                return refused(s, action, &e);
            };
            let command = Command::ConferenceKick {
                requester: s.user,
                room,
                member,
            };
            return match s.shared.core.execute(command).await {
                Ok(_) => Ok(()),
                Err(e) => refused(s, action, &e),
            };
        }
        A::Mute | A::Unmute => {
            let Some(index) = index.and_then(|i| u32::try_from(i).ok()) else {
                let e = CommandError::InvalidArgument {
                    field: "index".into(),
                    reason: "out of range".into(),
                };
                return refused(s, action, &e);
            };
            (vec![index], action == A::Mute)
        }
    };
    for member in targets {
        if let Err(e) = mute(s, room, member, muted).await {
            return refused(s, action, &e);
        }
    }
    Ok(())
}

async fn mute(s: &Session, room: RoomId, member: u32, muted: bool) -> Result<(), CommandError> {
    let command = Command::ConferenceMute {
        requester: s.user,
        room,
        member,
        muted,
    };
    s.shared.core.execute(command).await.map(|_| ())
}
