//! The embedded PBX learning configuration changes from the core (`PbxAction::ConfigChanged`),
//! as an Asterisk would after a reload: a removed line's calls end and its agent is logged off,
//! a removed queue's callers are sent away, a new line exists unregistered until its phone
//! registers, new queues and static members appear (reported as `QueueMemberAdded`, which the
//! core, having added them already, takes as no change).

use std::sync::Arc;

use ctid_core::dataset::{ConfigChange, ConfigKey, ConfigObject};
use ctid_core::ids::{AgentId, QueueId, UniqueId};
use ctid_core::live::VoicemailCounts;
use ctid_core::pbx::PbxEvent;

use crate::agents::AgentRt;
use crate::causes;
use crate::queue::QueueRt;
use crate::sim::Sim;
use crate::world::Role;

impl Sim {
    /// Applies configuration changes the core has validated and applied.
    pub fn config_changed(&mut self, changes: &[ConfigChange]) {
        let next = match self.ds.with_changes(changes) {
            Ok(next) => Arc::new(next),
            Err(e) => {
                tracing::warn!(error = %e, "the embedded PBX cannot follow a configuration change");
                return;
            }
        };
        for change in changes {
            if let ConfigChange::Removed(key) = change {
                self.config_removed(*key);
            }
        }
        self.ds = next;
        for change in changes {
            match change {
                ConfigChange::Added(object) => self.config_added(object),
                ConfigChange::Updated(ConfigObject::QueueMember { queue, member }) => {
                    self.queue_add(*queue, member.agent, member.penalty);
                }
                _ => {}
            }
        }
        // Nothing here answers the core's action: a refusal recorded on the way is dropped.
        self.take_refusal();
    }

    /// Ends what a removal ends, while the old configuration still names it.
    fn config_removed(&mut self, key: ConfigKey) {
        match key {
            ConfigKey::QueueMember(queue, agent) => self.queue_remove(queue, agent),
            ConfigKey::Agent(agent) => self.drop_agent(agent),
            ConfigKey::Queue(queue) => self.drop_queue(queue),
            ConfigKey::Line(line) => {
                let logged: Vec<AgentId> = self
                    .agents
                    .iter()
                    .filter(|(_, a)| a.line == Some(line))
                    .map(|(id, _)| *id)
                    .collect();
                for agent in logged {
                    self.agent_logoff(agent);
                }
                let calls: Vec<UniqueId> = self
                    .world
                    .on_line(line)
                    .iter()
                    .map(|c| c.id.clone())
                    .collect();
                for id in calls {
                    self.hangup(&id, causes::NORMAL);
                }
                self.registered.remove(&line);
            }
            ConfigKey::Room(room) => {
                let members: Vec<UniqueId> = self
                    .world
                    .channels
                    .values()
                    .filter(|c| matches!(c.role, Role::Conference(r) if r == room))
                    .map(|c| c.id.clone())
                    .collect();
                for id in members {
                    self.hangup(&id, causes::NORMAL);
                }
            }
            ConfigKey::User(user) => {
                self.services.remove(&user);
            }
            ConfigKey::Voicemail(voicemail) => {
                self.boxes.remove(&voicemail);
            }
            ConfigKey::Profile(_) | ConfigKey::AgentGroup(_) => {}
        }
    }

    fn drop_agent(&mut self, agent: AgentId) {
        if self.agents.get(&agent).is_some_and(|a| a.line.is_some()) {
            self.agent_logoff(agent);
        }
        let queues: Vec<QueueId> = self
            .queues
            .iter()
            .filter(|(_, q)| q.members.iter().any(|m| m.agent == agent))
            .map(|(id, _)| *id)
            .collect();
        for queue in queues {
            self.queue_remove(queue, agent);
        }
        self.agents.remove(&agent);
    }

    fn drop_queue(&mut self, queue: QueueId) {
        let callers: Vec<UniqueId> = self
            .queues
            .get(&queue)
            .map(|q| q.entries.iter().map(|e| e.caller.clone()).collect())
            .unwrap_or_default();
        for caller in callers {
            self.hangup(&caller, causes::NORMAL);
        }
        let members: Vec<AgentId> = self
            .queues
            .get(&queue)
            .map(|q| q.members.iter().map(|m| m.agent).collect())
            .unwrap_or_default();
        for agent in members {
            self.queue_remove(queue, agent);
        }
        self.queues.remove(&queue);
        self.queue_order.retain(|q| *q != queue);
    }

    fn config_added(&mut self, object: &ConfigObject) {
        match object {
            ConfigObject::User(user) => {
                self.services.insert(user.id, user.services.clone());
            }
            ConfigObject::Line(line) => {
                self.registered.insert(line.id, false);
            }
            ConfigObject::Agent(agent) => {
                self.agents.insert(agent.id, AgentRt::default());
            }
            ConfigObject::Queue(queue) => {
                self.queues.insert(queue.id, QueueRt::new(queue));
                self.queue_order.push(queue.id);
                for m in &queue.members {
                    self.emit(PbxEvent::QueueMemberAdded {
                        queue: queue.id,
                        agent: m.agent,
                        penalty: m.penalty,
                        paused: false,
                    });
                }
            }
            ConfigObject::QueueMember { queue, member } => {
                self.queue_add(*queue, member.agent, member.penalty);
            }
            ConfigObject::Voicemail(voicemail) => {
                self.boxes.insert(voicemail.id, VoicemailCounts::default());
            }
            ConfigObject::Profile(_) | ConfigObject::Room(_) | ConfigObject::AgentGroup(_) => {}
        }
    }
}
