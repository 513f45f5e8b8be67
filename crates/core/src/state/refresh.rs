//! The derivation pass run once after each PBX batch and each command: it re-derives the lines, agents and
//! queues marked as touched — in that order, since agents depend on their line and queues on
//! their members — and emits an event for each derived value that changed.

use super::State;
use super::agents::derive;
use super::lines::{derive_hint, refresh_calls};
use super::queues::{Contribution, member_device_status};
use crate::event::{Event, MembershipChange};
use crate::live::Availability;
use crate::time::Timestamp;

impl State {
    /// Re-derives every marked line, agent and queue and emits what changed.
    pub(super) fn refresh(&mut self, now: Timestamp, out: &mut Vec<Event>) {
        self.refresh_lines(out);
        self.refresh_agents(now, out);
        self.refresh_queues(now, out);
    }

    fn refresh_lines(&mut self, out: &mut Vec<Event>) {
        let dirty = self.lines.take_dirty();
        for &i in &dirty {
            let line = self.lines.at_mut(i);
            let hint = derive_hint(line, &self.channels);
            if hint != line.hint {
                line.hint = hint;
                out.push(Event::LineHint {
                    line: line.id,
                    hint,
                });
            }
            if let Some(calls) = refresh_calls(line, &self.channels) {
                out.push(Event::LineCalls {
                    line: line.id,
                    calls,
                });
            }
            if let Some(agent) = line.agent {
                self.agents.mark(agent);
            }
        }
        self.lines.restore_dirty(dirty);
    }

    fn refresh_agents(&mut self, now: Timestamp, out: &mut Vec<Event>) {
        let dirty = self.agents.take_dirty();
        for &i in &dirty {
            let agent = self.agents.at_mut(i);
            let line = agent.status.line.and_then(|l| self.lines.get(l));
            let derived = derive(agent, line, &self.channels, &self.dataset);
            let changed = agent.update(derived, now) | std::mem::take(&mut agent.changed);
            if changed {
                let status = agent.status.clone();
                let previous = agent.emitted.replace(status.clone());
                out.push(Event::AgentStatus { status, previous });
            }
            let logged = agent.logged();
            let device = if logged {
                member_device_status(line.map(|l| l.hint))
            } else {
                crate::live::MemberDeviceStatus::NotLogged
            };
            let available = agent.status.availability == Availability::Available;
            let talking = logged && agent.talking;
            let id = agent.status.agent;
            for &queue_id in &agent.status.queues {
                let Some(queue) = self.queues.get_mut(queue_id) else {
                    continue;
                };
                let Some(member) = queue.members.get_mut(&id) else {
                    continue;
                };
                if member.status.status != device || member.status.logged != logged {
                    let s = member.status_mut();
                    s.status = device;
                    s.logged = logged;
                }
                let emit = std::mem::take(&mut member.dirty);
                let added = emit && !std::mem::replace(&mut member.announced, true);
                let status = member.status.clone();
                let contribution = Contribution {
                    logged,
                    available: available && !member.status.paused,
                    talking,
                };
                let old = std::mem::replace(&mut member.counted, contribution);
                if emit {
                    let change = if added {
                        MembershipChange::Added {
                            members: queue.announced_members(),
                        }
                    } else {
                        MembershipChange::Changed
                    };
                    out.push(Event::QueueMember { status, change });
                }
                if old != contribution {
                    queue.recount(old, contribution);
                    self.queues.mark(queue_id);
                }
            }
        }
        self.agents.restore_dirty(dirty);
    }

    fn refresh_queues(&mut self, now: Timestamp, out: &mut Vec<Event>) {
        let dirty = self.queues.take_dirty();
        for &i in &dirty {
            let queue = self.queues.at_mut(i);
            if let Some(stats) = queue.stats_if_changed(now) {
                out.push(Event::QueueStats {
                    queue: queue.id,
                    stats,
                });
            }
        }
        self.queues.restore_dirty(dirty);
    }
}
