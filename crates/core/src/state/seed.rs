//! Seeding the state with what a store kept from the previous run: users' services (the PBX is
//! told of every one that differs from the dataset's, as if the user had just set it) and the
//! presence each user resumes on connecting.

use crate::ids::ActionId;
use crate::pbx::{PbxAction, PbxRequest};
use crate::seed::Seed;
use crate::state::State;

impl State {
    /// Applies `seed` to a fresh state, appending the PBX actions that bring the switch in line
    /// (one [`PbxAction::SetServices`] per user whose stored services differ from the dataset's).
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
        for (user, status) in seed.presence {
            if let Some(live) = self.users.get_mut(user) {
                live.resume = Some(status);
            }
        }
    }
}
