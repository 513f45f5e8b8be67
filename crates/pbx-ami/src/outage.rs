//! What the core is told while Asterisk is unreachable: a snapshot with no channel, no caller
//! and no registered phone (so lines show unavailable), but with the queue memberships, logged
//! agents and voicemail counts last known, so an outage does not log agents out or empty their
//! queues in clients' eyes. The resync after the reconnection tells the truth.

use std::collections::BTreeMap;

use ctid_core::Dataset;
use ctid_core::ids::{AgentId, LineId, QueueId, VoicemailId};
use ctid_core::pbx::{AgentSnapshot, MemberSnapshot, PbxEvent, PbxSnapshot};

/// Follows the events sent to the core to know memberships, agents and voicemail counts.
#[derive(Debug, Default)]
pub struct OutageView {
    members: BTreeMap<(QueueId, AgentId), (u32, bool)>,
    agents: BTreeMap<AgentId, LineId>,
    voicemails: BTreeMap<VoicemailId, (u32, u32)>,
}

impl OutageView {
    /// Before any connection: the configured memberships, nobody logged in.
    pub fn new(dataset: &Dataset) -> OutageView {
        let mut view = OutageView::default();
        view.absorb(&PbxEvent::Snapshot(Box::new(PbxSnapshot::idle(dataset))));
        view
    }

    /// Follows one event sent to the core.
    pub fn absorb(&mut self, event: &PbxEvent) {
        match event {
            PbxEvent::Snapshot(s) => {
                self.members = s
                    .members
                    .iter()
                    .map(|m| ((m.queue, m.agent), (m.penalty, m.paused)))
                    .collect();
                self.agents = s.agents.iter().map(|a| (a.agent, a.line)).collect();
                self.voicemails = s.voicemails.iter().map(|&(v, n, o)| (v, (n, o))).collect();
            }
            PbxEvent::QueueMemberAdded {
                queue,
                agent,
                penalty,
                paused,
            } => {
                self.members.insert((*queue, *agent), (*penalty, *paused));
            }
            PbxEvent::QueueMemberRemoved { queue, agent } => {
                self.members.remove(&(*queue, *agent));
            }
            PbxEvent::QueueMemberPaused {
                queue,
                agent,
                paused,
                ..
            } => {
                if let Some(m) = self.members.get_mut(&(*queue, *agent)) {
                    m.1 = *paused;
                }
            }
            PbxEvent::QueueMemberPenalty {
                queue,
                agent,
                penalty,
            } => {
                if let Some(m) = self.members.get_mut(&(*queue, *agent)) {
                    m.0 = *penalty;
                }
            }
            PbxEvent::AgentLogin { agent, line } => {
                self.agents.insert(*agent, *line);
            }
            PbxEvent::AgentLogoff { agent } => {
                self.agents.remove(agent);
            }
            PbxEvent::MessageWaiting {
                voicemail,
                new,
                old,
            } => {
                if *new == 0 && *old == 0 {
                    self.voicemails.remove(voicemail);
                } else {
                    self.voicemails.insert(*voicemail, (*new, *old));
                }
            }
            _ => {}
        }
    }

    /// The snapshot to send while Asterisk is gone.
    pub fn snapshot(&self) -> PbxSnapshot {
        PbxSnapshot {
            members: self
                .members
                .iter()
                .map(|(&(queue, agent), &(penalty, paused))| MemberSnapshot {
                    queue,
                    agent,
                    penalty,
                    paused,
                })
                .collect(),
            agents: self
                .agents
                .iter()
                .map(|(&agent, &line)| AgentSnapshot {
                    agent,
                    line,
                    wrapup: false,
                    acd: None,
                })
                .collect(),
            voicemails: self
                .voicemails
                .iter()
                .map(|(&v, &(n, o))| (v, n, o))
                .collect(),
            ..PbxSnapshot::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_memberships_agents_and_boxes_but_no_phone() {
        let dataset = Dataset::demo();
        let mut view = OutageView::new(&dataset);
        let idle = PbxSnapshot::idle(&dataset);
        assert_eq!(view.snapshot().members, idle.members);
        assert!(view.snapshot().registered.is_empty());
        let member = idle.members[0].clone();
        view.absorb(&PbxEvent::QueueMemberPaused {
            queue: member.queue,
            agent: member.agent,
            paused: true,
            reason: None,
        });
        view.absorb(&PbxEvent::AgentLogin {
            agent: member.agent,
            line: dataset.lines()[0].id,
        });
        view.absorb(&PbxEvent::MessageWaiting {
            voicemail: VoicemailId(1),
            new: 2,
            old: 1,
        });
        let s = view.snapshot();
        assert!(
            s.members
                .iter()
                .any(|m| m.agent == member.agent && m.paused)
        );
        assert_eq!(s.agents.len(), 1);
        assert_eq!(s.voicemails, [(VoicemailId(1), 2, 1)]);
        view.absorb(&PbxEvent::AgentLogoff {
            agent: member.agent,
        });
        assert!(view.snapshot().agents.is_empty());
    }
}
