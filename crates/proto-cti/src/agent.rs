//! `ipbxcommand` for call-centre work: `agentlogin`, `agentlogout`, `queuepause`,
//! `queueunpause`, `queueadd`, `queueremove`, `listen`, and conference `meetme`
//! (`MeetmeMute`/`MeetmeUnmute`). Objects are named `agent:xivo/<id>`, `agent:special:me`,
//! `queue:xivo/<id>`, `queue:xivo/all`. Effects come back as pushes (agents, queuemembers,
//! queue statistics); refusals as `{class:"ipbxcommand", error_string}`.

use ctid_core::Command;
use ctid_core::dataset::Dataset;
use ctid_core::ids::{AgentId, QueueId, RoomId};

use crate::dial::split_xid;
use crate::errors::command_error;
use crate::session::{Session, SessionEnd};
use crate::wire::input::IpbxCommand;

/// An agent reference: `None` for "mine" (`agent:special:me`, empty), `Err` when malformed.
pub fn parse_agent(ds: &Dataset, s: Option<&str>) -> Result<Option<AgentId>, String> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if s == "agent:special:me" || s == "special:me" {
        return Ok(None);
    }
    let id = match split_xid(s) {
        Some((_, id)) => id,
        None => s.rsplit_once('/').map_or(s, |(_, id)| id),
    };
    if let Ok(n) = id.parse::<u32>() {
        return Ok(Some(AgentId(n)));
    }
    ds.agent_by_number(id)
        .map(|a| Some(a.id))
        .ok_or_else(|| s.to_owned())
}

/// A queue reference: `None` for all queues (`queue:xivo/all`, empty), `Err` when malformed.
pub fn parse_queue(ds: &Dataset, s: Option<&str>) -> Result<Option<QueueId>, String> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let id = match split_xid(s) {
        Some((_, id)) => id,
        None => s.rsplit_once('/').map_or(s, |(_, id)| id),
    };
    if id == "all" {
        return Ok(None);
    }
    if let Ok(n) = id.parse::<u32>() {
        return Ok(Some(QueueId(n)));
    }
    ds.queue_by_name(id)
        .map(|q| Some(q.id))
        .ok_or_else(|| s.to_owned())
}

/// Serves the agent, queue, listen and conference `ipbxcommand`s.
pub(crate) async fn ipbxcommand(s: &mut Session, m: IpbxCommand) -> Result<(), SessionEnd> {
    let ds = s.ds().clone();
    let requester = s.user;
    let command = match m {
        IpbxCommand::Dial { .. } => return Ok(()),
        IpbxCommand::AgentLogin {
            agentids,
            agentphonenumber,
        } => match parse_agent(&ds, agentids.as_deref()) {
            Ok(agent) => Command::AgentLogin {
                requester,
                agent,
                number: agentphonenumber
                    .map(|n| n.trim().to_owned())
                    .filter(|n| !n.is_empty()),
            },
            Err(_) => return s.error("ipbxcommand", "invalid_field:agentids").await,
        },
        IpbxCommand::AgentLogout { agentids } => match parse_agent(&ds, agentids.as_deref()) {
            Ok(agent) => Command::AgentLogout { requester, agent },
            Err(_) => return s.error("ipbxcommand", "invalid_field:agentids").await,
        },
        IpbxCommand::QueuePause {
            member,
            queue,
            paused,
        } => {
            let Ok(agent) = parse_agent(&ds, member.as_deref()) else {
                return s.error("ipbxcommand", "invalid_field:member").await;
            };
            let Ok(queue) = parse_queue(&ds, queue.as_deref()) else {
                return s.error("ipbxcommand", "invalid_field:queue").await;
            };
            Command::QueuePause {
                requester,
                agent,
                queue,
                paused,
                reason: None,
            }
        }
        IpbxCommand::QueueAdd {
            member,
            queue,
            penalty,
        } => {
            let Ok(Some(agent)) = parse_agent(&ds, Some(&member)) else {
                return s.error("ipbxcommand", "invalid_field:member").await;
            };
            let Ok(Some(queue)) = parse_queue(&ds, Some(&queue)) else {
                return s.error("ipbxcommand", "invalid_field:queue").await;
            };
            Command::QueueAdd {
                requester,
                agent,
                queue,
                penalty,
            }
        }
        IpbxCommand::QueueRemove { member, queue } => {
            let Ok(Some(agent)) = parse_agent(&ds, Some(&member)) else {
                return s.error("ipbxcommand", "invalid_field:member").await;
            };
            let Ok(Some(queue)) = parse_queue(&ds, Some(&queue)) else {
                return s.error("ipbxcommand", "invalid_field:queue").await;
            };
            Command::QueueRemove {
                requester,
                agent,
                queue,
            }
        }
        IpbxCommand::Listen { destination } => match parse_agent(&ds, Some(&destination)) {
            Ok(Some(agent)) => Command::Listen { requester, agent },
            _ => return s.error("ipbxcommand", "invalid_field:destination").await,
        },
        IpbxCommand::Meetme { mute, room, member } => {
            let room_id = ds
                .rooms()
                .iter()
                .find(|r| r.number == room)
                .map(|r| r.id)
                .or_else(|| {
                    room.parse()
                        .ok()
                        .map(RoomId)
                        .filter(|r| ds.room(*r).is_some())
                });
            let Some(room) = room_id else {
                return s.error("ipbxcommand", "invalid_field:functionargs").await;
            };
            let Ok(member) = member.trim().parse::<u32>() else {
                return s.error("ipbxcommand", "invalid_field:functionargs").await;
            };
            Command::ConferenceMute {
                requester,
                room,
                member,
                muted: mute,
            }
        }
    };
    match s.core.execute(command).await {
        Ok(_) => Ok(()),
        Err(e) => s.error("ipbxcommand", &command_error(&e, "")).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_and_queue_references() {
        let ds = Dataset::demo();
        assert_eq!(parse_agent(&ds, None), Ok(None));
        assert_eq!(parse_agent(&ds, Some("agent:special:me")), Ok(None));
        assert_eq!(parse_agent(&ds, Some("agent:xivo/3")), Ok(Some(AgentId(3))));
        assert_eq!(parse_agent(&ds, Some("xivo/2")), Ok(Some(AgentId(2))));
        assert!(parse_agent(&ds, Some("agent:xivo/bogus")).is_err());
        assert_eq!(parse_queue(&ds, Some("queue:xivo/all")), Ok(None));
        assert_eq!(parse_queue(&ds, Some("queue:xivo/2")), Ok(Some(QueueId(2))));
        assert_eq!(
            parse_queue(&ds, Some("queue:xivo/sales")),
            Ok(Some(QueueId(1)))
        );
        assert!(parse_queue(&ds, Some("queue:xivo/nope")).is_err());
    }
}
