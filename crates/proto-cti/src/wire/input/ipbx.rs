//! `ipbxcommand`: dial, agent login/logout, queue pause/add/remove, listen and conference mute,
//! and their parsing.

use serde::Deserialize;

use super::capped::{id_list, ids, max_bytes};
use crate::wire::limits::{ID_BYTES, NAME_BYTES};

use super::parse_error::ParseError;
use super::read::{read, required, sub};
use crate::wire::lenient::{Id, Num, OneOrMany};
use crate::wire::limits::echo;

/// `ipbxcommand`.
#[derive(Debug, Clone, PartialEq)]
pub enum IpbxCommand {
    /// `dial`.
    Dial {
        /// Where to.
        destination: String,
    },
    /// `agentlogin`.
    AgentLogin {
        /// `agent:special:me`, `agent:xivo/<id>` or absent.
        agentids: Option<String>,
        /// The extension to log on.
        agentphonenumber: Option<String>,
    },
    /// `agentlogout`.
    AgentLogout {
        /// `agent:special:me`, `agent:xivo/<id>` or absent.
        agentids: Option<String>,
    },
    /// `queuepause` / `queueunpause`.
    QueuePause {
        /// `agent:xivo/<id>` (absent: own agent).
        member: Option<String>,
        /// `queue:xivo/<id>` or `queue:xivo/all` (absent: all).
        queue: Option<String>,
        /// Pause or unpause.
        paused: bool,
    },
    /// `queueadd`.
    QueueAdd {
        /// `agent:xivo/<id>`.
        member: String,
        /// `queue:xivo/<id>`.
        queue: String,
        /// Penalty.
        penalty: u32,
    },
    /// `queueremove`.
    QueueRemove {
        /// `agent:xivo/<id>`.
        member: String,
        /// `queue:xivo/<id>`.
        queue: String,
    },
    /// `listen`.
    Listen {
        /// The agent (`xivo/<id>` or `agent:xivo/<id>`).
        destination: String,
    },
    /// `meetme` with `MeetmeMute` / `MeetmeUnmute`.
    Meetme {
        /// Mute or unmute.
        mute: bool,
        /// Room number (or id).
        room: String,
        /// The member's join order.
        member: String,
    },
}

#[derive(Deserialize)]
struct DialRaw {
    #[serde(deserialize_with = "max_bytes::<_, _, NAME_BYTES>")]
    destination: Id,
}

#[derive(Deserialize)]
struct AgentRaw {
    #[serde(default, deserialize_with = "ids")]
    agentids: Option<OneOrMany<Id>>,
    #[serde(default, deserialize_with = "max_bytes::<_, _, NAME_BYTES>")]
    agentphonenumber: Option<Id>,
}

#[derive(Deserialize)]
struct PauseRaw {
    #[serde(default, deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
    member: Option<String>,
    #[serde(default, deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
    queue: Option<String>,
}

#[derive(Deserialize)]
struct QueueMemberRaw {
    #[serde(deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
    member: String,
    #[serde(deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
    queue: String,
    #[serde(default)]
    penalty: Option<Num>,
}

#[derive(Deserialize)]
struct ListenRaw {
    #[serde(deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
    destination: Id,
}

#[derive(Deserialize)]
struct MeetmeRaw {
    #[serde(deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
    function: String,
    #[serde(deserialize_with = "id_list")]
    functionargs: Vec<Id>,
}

/// Reads an `ipbxcommand` message, by its `command`.
pub(super) fn parse_ipbx(class: &str, text: &str) -> Result<IpbxCommand, ParseError> {
    let head = sub(class, text)?;
    let command = required(class, "command", &head.command)?;
    Ok(match command {
        "dial" => {
            let raw: DialRaw = read(class, text)?;
            IpbxCommand::Dial {
                destination: raw.destination.0,
            }
        }
        "agentlogin" => {
            let raw: AgentRaw = read(class, text)?;
            IpbxCommand::AgentLogin {
                agentids: raw.agentids.and_then(OneOrMany::first).map(|i| i.0),
                agentphonenumber: raw.agentphonenumber.map(|i| i.0),
            }
        }
        "agentlogout" => {
            let raw: AgentRaw = read(class, text)?;
            IpbxCommand::AgentLogout {
                agentids: raw.agentids.and_then(OneOrMany::first).map(|i| i.0),
            }
        }
        "queuepause" | "queueunpause" => {
            let raw: PauseRaw = read(class, text)?;
            IpbxCommand::QueuePause {
                member: raw.member,
                queue: raw.queue,
                paused: command == "queuepause",
            }
        }
        "queueadd" => {
            let raw: QueueMemberRaw = read(class, text)?;
            IpbxCommand::QueueAdd {
                member: raw.member,
                queue: raw.queue,
                penalty: raw
                    .penalty
                    .map_or(0, |p| u32::try_from(p.0).unwrap_or(u32::MAX)),
            }
        }
        "queueremove" => {
            let raw: QueueMemberRaw = read(class, text)?;
            IpbxCommand::QueueRemove {
                member: raw.member,
                queue: raw.queue,
            }
        }
        "listen" => {
            let raw: ListenRaw = read(class, text)?;
            IpbxCommand::Listen {
                destination: raw.destination.0,
            }
        }
        "meetme" => {
            let raw: MeetmeRaw = read(class, text)?;
            let mute = match raw.function.as_str() {
                "MeetmeMute" => true,
                "MeetmeUnmute" => false,
                other => {
                    return Err(ParseError::new(
                        Some(class),
                        format!("unknown_function:{}", echo(other)),
                    ));
                }
            };
            let mut args = raw.functionargs.into_iter();
            let (Some(room), Some(member)) = (args.next(), args.next()) else {
                return Err(ParseError::new(Some(class), "invalid_field:functionargs"));
            };
            IpbxCommand::Meetme {
                mute,
                room: room.0,
                member: member.0,
            }
        }
        other => {
            return Err(ParseError::new(
                Some(class),
                format!("unknown_command:{}", echo(other)),
            ));
        }
    })
}
