//! `ipbxcommand`: dial, agent login/logout, queue pause/add/remove, listen and conference mute,
//! and their parsing.

use serde::Deserialize;

use super::parse_error::ParseError;
use super::read::{read, required, sub, truncate};
use crate::wire::lenient::{Id, Num, OneOrMany};

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
    destination: Id,
}

#[derive(Deserialize)]
struct AgentRaw {
    #[serde(default)]
    agentids: Option<OneOrMany<Id>>,
    #[serde(default)]
    agentphonenumber: Option<Id>,
}

#[derive(Deserialize)]
struct PauseRaw {
    #[serde(default)]
    member: Option<String>,
    #[serde(default)]
    queue: Option<String>,
}

#[derive(Deserialize)]
struct QueueMemberRaw {
    member: String,
    queue: String,
    #[serde(default)]
    penalty: Option<Num>,
}

#[derive(Deserialize)]
struct ListenRaw {
    destination: Id,
}

#[derive(Deserialize)]
struct MeetmeRaw {
    function: String,
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
                        format!("unknown_function:{}", truncate(other, 64)),
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
                format!("unknown_command:{}", truncate(other, 64)),
            ));
        }
    })
}
