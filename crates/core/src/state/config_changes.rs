//! Configuration changes applied to the live state: the next dataset is built and validated
//! whole first (a refused set changes nothing), then the live tables follow it — users, lines,
//! agents, queues and their memberships, rooms, voicemail boxes added or dropped — and one
//! [`Event::Config`] per change is emitted, between the removals of live memberships (which
//! faces name from the old configuration) and what the refresh pass derives from the new one.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::State;
use super::agents::AgentLive;
use super::lines::LineLive;
use super::queues::QueueLive;
use crate::dataset::{
    ChangeKind, ConfigChange, ConfigError, ConfigKey, ConfigObject, Dataset, DatasetVersion,
};
use crate::event::Event;
use crate::ids::{AgentId, LineId, QueueId};
use crate::pbx::{PbxAction, PbxRequest};
use crate::time::Timestamp;

impl State {
    /// Applies configuration changes, in order, as one batch: validates the dataset they yield
    /// (refused whole with the reason, nothing applied), swaps it in, updates the live state,
    /// emits the domain events and asks the engine to follow (`PbxAction::ConfigChanged`).
    pub fn apply_config(
        &mut self,
        now: Timestamp,
        changes: Vec<ConfigChange>,
        actions: &mut Vec<PbxRequest>,
        out: &mut Vec<Event>,
    ) -> Result<(), ConfigError> {
        let next = Arc::new(self.dataset.with_changes(&changes)?);
        for change in &changes {
            if change.kind() == ChangeKind::Removed {
                self.drop_memberships(change.key(), out);
            }
        }
        let old = std::mem::replace(&mut self.dataset, next.clone());
        let mut lines_to_configure = BTreeSet::new();
        for change in &changes {
            self.follow(now, &old, &next, change, &mut lines_to_configure);
            out.push(Event::Config {
                key: change.key(),
                change: change.kind(),
                dataset: DatasetVersion(next.clone()),
            });
        }
        for line in lines_to_configure {
            if let Some(l) = self.lines.get_mut(line) {
                l.configure(&next);
                self.lines.mark(line);
            }
        }
        self.next_action += 1;
        actions.push(PbxRequest {
            id: crate::ids::ActionId(self.next_action),
            action: PbxAction::ConfigChanged { changes },
        });
        self.refresh(now, out);
        Ok(())
    }

    /// Removes the live memberships a removal ends (a membership, every membership of an agent
    /// or of a queue), emitting `QueueMemberRemoved` for each.
    fn drop_memberships(&mut self, key: ConfigKey, out: &mut Vec<Event>) {
        let ended: Vec<(QueueId, AgentId)> = match key {
            ConfigKey::QueueMember(queue, agent) => vec![(queue, agent)],
            ConfigKey::Agent(agent) => self
                .queues
                .iter()
                .filter(|q| q.members.contains_key(&agent))
                .map(|q| (q.id, agent))
                .collect(),
            ConfigKey::Queue(queue) => self
                .queues
                .get(queue)
                .map(|q| q.members.keys().map(|a| (queue, *a)).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        for (queue, agent) in ended {
            if self
                .queues
                .get(queue)
                .is_some_and(|q| q.members.contains_key(&agent))
            {
                self.on_member_removed(queue, agent, out);
            }
        }
    }

    /// Brings the live tables in line with one change (the dataset is already `next`).
    fn follow(
        &mut self,
        now: Timestamp,
        old: &Dataset,
        next: &Dataset,
        change: &ConfigChange,
        lines: &mut BTreeSet<LineId>,
    ) {
        match change {
            ConfigChange::Added(object) | ConfigChange::Updated(object) => {
                let added = matches!(change, ConfigChange::Added(_));
                self.follow_object(now, old, next, object, added, lines);
            }
            ConfigChange::Removed(key) => match *key {
                ConfigKey::User(user) => {
                    self.users.remove(user);
                    self.transfers.remove(&user);
                    self.chat_budgets.remove(&user);
                    lines.extend(old.user(user).and_then(|u| u.line));
                }
                ConfigKey::Line(line) => {
                    if let Some(agent) = self.lines.remove(line).and_then(|l| l.agent) {
                        self.agents.mark(agent);
                    }
                }
                ConfigKey::Agent(agent) => {
                    let line = self.agents.remove(agent).and_then(|a| a.status.line);
                    if let Some(l) = line.and_then(|l| self.lines.get_mut(l))
                        && l.agent == Some(agent)
                    {
                        l.agent = None;
                    }
                }
                ConfigKey::Queue(queue) => {
                    self.queues.remove(queue);
                }
                ConfigKey::Room(room) => self.rooms.remove(room),
                ConfigKey::Voicemail(voicemail) => {
                    self.voicemails.remove(&voicemail);
                }
                // No live state: groups and profiles are read from the dataset.
                ConfigKey::QueueMember(..) | ConfigKey::Profile(_) | ConfigKey::AgentGroup(_) => {}
            },
        }
    }

    fn follow_object(
        &mut self,
        now: Timestamp,
        old: &Dataset,
        next: &Dataset,
        object: &ConfigObject,
        added: bool,
        lines: &mut BTreeSet<LineId>,
    ) {
        match object {
            ConfigObject::User(user) => {
                // Services and presence are the core's from now on: an update changes names,
                // line, profile, password.
                self.users.insert(user);
                lines.extend(old.user(user.id).and_then(|u| u.line));
                lines.extend(user.line);
            }
            ConfigObject::Line(line) => {
                if added {
                    self.lines.insert(LineLive::new(next, line));
                }
                lines.insert(line.id);
            }
            ConfigObject::Agent(agent) => {
                if added {
                    self.agents.insert(AgentLive::new(next, agent, now));
                } else if let Some(a) = self.agents.get_mut(agent.id)
                    && a.status.number != agent.number
                {
                    a.status_mut().number = agent.number.clone();
                    self.agents.mark(agent.id);
                }
            }
            ConfigObject::Queue(queue) => {
                if !added {
                    return;
                }
                let mut live = QueueLive::new(next, queue);
                let agents: Vec<AgentId> = live.members.keys().copied().collect();
                for member in live.members.values_mut() {
                    member.dirty = true;
                    member.announced = false;
                }
                self.queues.insert(live);
                for agent in agents {
                    if let Some(a) = self.agents.get_mut(agent) {
                        let s = a.status_mut();
                        if let Err(at) = s.queues.binary_search(&queue.id) {
                            s.queues.insert(at, queue.id);
                        }
                        self.agents.mark(agent);
                    }
                }
            }
            ConfigObject::QueueMember { queue, member } => {
                if added {
                    self.on_member_added(*queue, member.agent, member.penalty, false);
                } else {
                    self.on_member_penalty(*queue, member.agent, member.penalty);
                }
            }
            ConfigObject::Room(room) => self.rooms.insert(room.id),
            ConfigObject::Voicemail(voicemail) => {
                self.voicemails.entry(voicemail.id).or_default();
            }
            ConfigObject::Profile(_) | ConfigObject::AgentGroup(_) => {}
        }
    }
}
