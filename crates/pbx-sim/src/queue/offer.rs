//! Waiting callers offered, oldest first, to the queue's available members: the strategy picks
//! whom to ring (`AgentCalled`, `DialBegin`) and the attempt's `member_timeout` starts.

use std::time::Duration;

use ctid_core::dataset::Strategy;
use ctid_core::ids::{AgentId, LineId, QueueId, UniqueId};
use ctid_core::live::{ChannelState, Endpoint};
use ctid_core::pbx::PbxEvent;

use super::live::EntryState;
use crate::channel::NewChannel;
use crate::sim::Sim;
use crate::strategy::{self, Candidate};
use crate::timers::Timer;
use crate::world::{Ring, RingPurpose, Role};

impl Sim {
    /// Offers every queue's waiting callers to its available members.
    pub fn offer_waiting_callers(&mut self) {
        for queue in self.queue_order.clone() {
            self.offer_queue(queue);
        }
    }

    /// Offers a queue's waiting callers, oldest first, to its available members.
    pub(super) fn offer_queue(&mut self, queue: QueueId) {
        if self.available_members(queue).is_empty() {
            return;
        }
        let waiting: Vec<UniqueId> = match self.queues.get(&queue) {
            Some(q) => q
                .entries
                .iter()
                .filter(|e| matches!(e.state, EntryState::Waiting))
                .map(|e| e.caller.clone())
                .collect(),
            None => return,
        };
        for caller in waiting {
            let candidates = self.available_members(queue);
            if candidates.is_empty() {
                break;
            }
            let Some(cfg) = self.ds.queue(queue) else {
                return;
            };
            let strategy = cfg.strategy;
            let Some(q) = self.queues.get_mut(&queue) else {
                return;
            };
            let Some(i) = q.entry_index(&caller) else {
                continue;
            };
            if candidates
                .iter()
                .all(|c| q.entries[i].tried.contains(&c.agent))
            {
                q.entries[i].tried.clear();
            }
            let chosen = strategy::pick(
                strategy,
                &candidates,
                &q.entries[i].tried,
                q.rr_last,
                q.members.len(),
                &mut self.rng,
            );
            self.ring_members(queue, &caller, chosen);
        }
    }

    /// The members who could take a call now.
    fn available_members(&self, queue: QueueId) -> Vec<Candidate> {
        let Some(q) = self.queues.get(&queue) else {
            return Vec::new();
        };
        q.members
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.paused)
            .filter_map(|(order, m)| {
                let agent = self.agents.get(&m.agent)?;
                let line = agent.line?;
                let free = agent.wrapup.is_none()
                    && self.line_reachable(line)
                    && !self.world.line_in_use(line);
                free.then_some(Candidate {
                    agent: m.agent,
                    penalty: m.penalty,
                    order,
                    calls: m.calls,
                    last_call: m.last_call,
                })
            })
            .collect()
    }

    /// Rings the chosen members for a waiting caller.
    fn ring_members(&mut self, queue: QueueId, caller: &UniqueId, chosen: Vec<AgentId>) {
        let Some(cfg) = self.ds.queue(queue).cloned() else {
            return;
        };
        let Some(caller_ch) = self.world.get(caller) else {
            return;
        };
        let caller_party = caller_ch.caller.clone();
        let linkedid = caller_ch.linkedid.clone();
        let token = self.timers.token();
        let mut rung = Vec::new();
        for agent in chosen {
            let Some(line) = self.agents.get(&agent).and_then(|a| a.line) else {
                continue;
            };
            if !self.can_create(1) {
                break;
            }
            let callee = self.create_channel(NewChannel {
                endpoint: Endpoint::Line(line),
                linkedid: Some(linkedid.clone()),
                caller: self.line_party(line),
                exten: cfg.number.clone(),
                state: ChannelState::Down,
                inbound: false,
            });
            self.inherit_usr_vars(caller, &callee);
            self.emit(PbxEvent::AgentCalled {
                queue,
                agent,
                caller: caller.clone(),
                destination: callee.clone(),
            });
            self.emit(PbxEvent::DialBegin {
                caller: Some(caller.clone()),
                callee: callee.clone(),
                destination: self.interface_of(line),
            });
            self.set_state(&callee, ChannelState::Ringing);
            self.set_connected(&callee, caller_party.clone());
            self.set_role(
                &callee,
                Role::Ringing(Ring {
                    caller: Some(caller.clone()),
                    started: self.now,
                    purpose: RingPurpose::Queue { queue, agent },
                    token,
                }),
            );
            rung.push((agent, callee));
        }
        if rung.is_empty() {
            return;
        }
        let Some(q) = self.queues.get_mut(&queue) else {
            return;
        };
        if cfg.strategy == Strategy::Rrmemory
            && let Some((last, _)) = rung.last()
        {
            q.rr_last = q.members.iter().position(|m| m.agent == *last);
        }
        if let Some(i) = q.entry_index(caller) {
            let entry = &mut q.entries[i];
            entry.tried.extend(rung.iter().map(|(a, _)| *a));
            entry.state = EntryState::Ringing {
                members: rung,
                token,
            };
        }
        if cfg.member_timeout > 0 {
            let at = self
                .now
                .plus(Duration::from_secs(u64::from(cfg.member_timeout)));
            self.timers.set(
                at,
                Timer::QueueRingTimeout {
                    caller: caller.clone(),
                    token,
                },
            );
        }
    }

    /// The PBX interface of a line (`SIP/1003`), the dial string of a queue member.
    fn interface_of(&self, line: LineId) -> String {
        self.ds
            .line(line)
            .map(|l| l.interface())
            .unwrap_or_default()
    }
}
