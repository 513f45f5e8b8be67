//! The switch's whole live state as the Pbx port's resync snapshot ([`PbxSnapshot`]): what the
//! embedded PBX sends first when it starts (the core's starting state comes from it, not from
//! the dataset) and again when asked to resync ([`SimHandle::resync`](crate::SimHandle::resync),
//! standing for an adapter's reconnect).

use ctid_core::pbx::{
    AcdCallSnapshot, AgentSnapshot, ChannelSnapshot, MemberSnapshot, PbxSnapshot,
    QueueCallerSnapshot, RoomSnapshot,
};

use crate::sim::Sim;
use crate::world::Role;

impl Sim {
    /// Everything live: channels (oldest first) with their bridges, rings and listens, waiting
    /// callers, memberships, logged-in agents with their queue calls, registered phones,
    /// voicemail counts and conference rooms.
    pub fn pbx_snapshot(&self) -> PbxSnapshot {
        let mut channels: Vec<_> = self.world.channels.values().collect();
        channels.sort_by_key(|c| c.seq);
        let channels = channels
            .into_iter()
            .map(|c| ChannelSnapshot {
                uniqueid: c.id.clone(),
                linkedid: c.linkedid.clone(),
                name: c.name.clone(),
                endpoint: c.endpoint.clone(),
                caller: c.caller.clone(),
                connected: c.connected.clone(),
                exten: c.exten.clone(),
                state: c.state,
                held: c.held,
                bridge: c.bridge.clone(),
                dialled_by: match &c.role {
                    Role::Ringing(r) => r.caller.clone(),
                    _ => None,
                },
                spying: match &c.role {
                    Role::Spying(target) => Some(target.clone()),
                    _ => None,
                },
                variables: c.vars.clone(),
            })
            .collect();
        let queues = || {
            self.queue_order
                .iter()
                .filter_map(|id| self.queues.get(id).map(|q| (*id, q)))
        };
        let queue_callers = queues()
            .flat_map(|(queue, q)| {
                q.entries
                    .iter()
                    .enumerate()
                    .map(move |(i, e)| QueueCallerSnapshot {
                        queue,
                        uniqueid: e.caller.clone(),
                        position: i as u32 + 1,
                        waited: self.now.since(e.joined).as_secs(),
                    })
            })
            .collect();
        let members = queues()
            .flat_map(|(queue, q)| {
                q.members.iter().map(move |m| MemberSnapshot {
                    queue,
                    agent: m.agent,
                    penalty: m.penalty,
                    paused: m.paused,
                })
            })
            .collect();
        let mut agents: Vec<AgentSnapshot> = self
            .agents
            .iter()
            .filter_map(|(id, a)| {
                Some(AgentSnapshot {
                    agent: *id,
                    line: a.line?,
                    wrapup: a.wrapup.is_some(),
                    acd: self.queue_calls.iter().find(|c| c.agent == *id).map(|c| {
                        AcdCallSnapshot {
                            queue: c.queue,
                            caller: c.caller.clone(),
                            destination: c.member.clone(),
                        }
                    }),
                })
            })
            .collect();
        agents.sort_by_key(|a| a.agent);
        let mut registered: Vec<_> = self
            .registered
            .iter()
            .filter(|(_, on)| **on)
            .map(|(line, _)| *line)
            .collect();
        registered.sort();
        let mut voicemails: Vec<_> = self
            .boxes
            .iter()
            .filter(|(_, c)| c.new > 0 || c.old > 0)
            .map(|(v, c)| (*v, c.new, c.old))
            .collect();
        voicemails.sort();
        let mut rooms: Vec<_> = self
            .rooms
            .iter()
            .filter(|(_, r)| !r.members.is_empty())
            .map(|(room, r)| RoomSnapshot {
                room: *room,
                members: r.members.clone(),
            })
            .collect();
        rooms.sort_by_key(|r| r.room);
        PbxSnapshot {
            channels,
            queue_callers,
            members,
            agents,
            registered,
            voicemails,
            rooms,
        }
    }
}
