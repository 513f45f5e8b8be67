//! Seeding the state with what a store kept from the previous run: users' services (the PBX is
//! told of every one that differs from the dataset's, as if the user had just set it), the
//! presence each user resumes on connecting, and agents' queue memberships changed at run time
//! (the PBX is asked to add, re-penalise or remove each one that differs from the configured
//! membership; the core learns the result from the engine's events, as for a supervisor's
//! change).

use crate::ids::ActionId;
use crate::pbx::{PbxAction, PbxRequest};
use crate::seed::Seed;
use crate::state::State;

impl State {
    /// Applies `seed` to a fresh state, appending the PBX actions that bring the switch in line
    /// (one [`PbxAction::SetServices`] per user whose stored services differ from the dataset's,
    /// one [`PbxAction::QueueAdd`] or [`PbxAction::QueueRemove`] per stored membership that
    /// differs from the configured one).
    pub(crate) fn seed(&mut self, seed: Seed, actions: &mut Vec<PbxRequest>) {
        let mut users: Vec<_> = seed.services.into_iter().collect();
        users.sort_by_key(|(user, _)| *user);
        for (user, services) in users {
            let Some(live) = self.users.get_mut(user) else {
                continue;
            };
            if live.services == services {
                continue;
            }
            live.services = services.clone();
            self.next_action += 1;
            actions.push(PbxRequest {
                id: ActionId(self.next_action),
                action: PbxAction::SetServices { user, services },
            });
        }
        for m in seed.memberships {
            if self.dataset.queue(m.queue).is_none() || self.dataset.agent(m.agent).is_none() {
                continue;
            }
            let live = self.queue_member(m.queue, m.agent).map(|s| s.penalty);
            if live == m.penalty {
                continue;
            }
            let (queue, agent) = (m.queue, m.agent);
            let action = match m.penalty {
                Some(penalty) => PbxAction::QueueAdd {
                    queue,
                    agent,
                    penalty,
                },
                None => PbxAction::QueueRemove { queue, agent },
            };
            self.next_action += 1;
            actions.push(PbxRequest {
                id: ActionId(self.next_action),
                action,
            });
        }
        for (user, status) in seed.presence {
            if let Some(live) = self.users.get_mut(user) {
                live.resume = Some(status);
            }
        }
    }
}
