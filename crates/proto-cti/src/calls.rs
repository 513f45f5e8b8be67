//! Call control of the user's own line: `hangup`, `attended_transfer`, `direct_transfer`,
//! `complete_transfer`, `cancel_transfer`, `blind_transfer_voicemail`,
//! `attended_transfer_voicemail`, and the switchboard's `answer` (`unique_id`, or the protocol
//! document's `uniqueid`), `hold_switchboard` and `resume_switchboard`. Refusals are answered
//! `{class:<class>, error_string}`; effects arrive as pushes (hints, current calls).

use ctid_core::Command;
use ctid_core::ids::UniqueId;
use ctid_core::live::CurrentCallStatus;

use crate::errors::command_error;
use crate::session::{Session, SessionEnd};
use crate::wire::input::Request;

fn valid_mailbox(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Serves one call-control class.
pub(crate) async fn handle(s: &mut Session, class: &str, req: Request) -> Result<(), SessionEnd> {
    let user = s.user;
    let (command, forbidden) = match req {
        Request::Hangup(m) => (
            Command::Hangup {
                user,
                uniqueid: m.unique_id.filter(|u| !u.is_empty()).map(UniqueId::new),
            },
            "hangup_unauthorized",
        ),
        Request::AttendedTransfer(m) => (
            Command::AttendedTransfer {
                user,
                destination: m.number.0.trim().to_owned(),
            },
            "transfer_unauthorized",
        ),
        Request::DirectTransfer(m) => (
            Command::BlindTransfer {
                user,
                destination: m.number.0.trim().to_owned(),
            },
            "transfer_unauthorized",
        ),
        Request::CompleteTransfer => (Command::CompleteTransfer { user }, "transfer_unauthorized"),
        Request::CancelTransfer => (Command::CancelTransfer { user }, "transfer_unauthorized"),
        Request::BlindTransferVoicemail(m) | Request::AttendedTransferVoicemail(m) => {
            let mailbox = m.voicemail.0.trim().to_owned();
            if !valid_mailbox(&mailbox) {
                return s.error(class, "invalid_field:voicemail").await;
            }
            (
                Command::TransferToVoicemail {
                    user,
                    mailbox,
                    attended: class == "attended_transfer_voicemail",
                },
                "transfer_unauthorized",
            )
        }
        Request::Answer(m) => (
            Command::Answer {
                user,
                uniqueid: m.id().map(UniqueId::from),
            },
            "answer_unauthorized",
        ),
        Request::HoldSwitchboard(_) => (
            Command::Hold {
                user,
                uniqueid: None,
                hold: Some(true),
            },
            "hold_unauthorized",
        ),
        Request::ResumeSwitchboard(m) => {
            let Some(id) = m.id().map(UniqueId::from) else {
                return s.error(class, "missing_field:unique_id").await;
            };
            // A call held on the operator's own line is resumed; any other waiting call is
            // taken onto the line.
            let line = s.ds().user(user).and_then(|u| u.line);
            let held_here = match line {
                Some(line) => {
                    let wanted = id.clone();
                    s.core
                        .read(move |st| {
                            st.line_calls(line).iter().any(|c| {
                                (c.uniqueid == wanted || c.linkedid == wanted)
                                    && c.status == CurrentCallStatus::Hold
                            })
                        })
                        .await
                        .unwrap_or(false)
                }
                None => false,
            };
            let command = if held_here {
                Command::Hold {
                    user,
                    uniqueid: Some(id),
                    hold: Some(false),
                }
            } else {
                Command::Answer {
                    user,
                    uniqueid: Some(id),
                }
            };
            (command, "answer_unauthorized")
        }
        _ => return Ok(()),
    };
    match s.core.execute(command).await {
        Ok(_) => Ok(()),
        Err(e) => s.error(class, &command_error(&e, forbidden)).await,
    }
}
