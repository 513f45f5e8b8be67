//! User services (DND, call filter, recording, voicemail, forwards): checking a change (rights,
//! reachable forward destinations), applying it, telling clients what changed and the PBX the
//! full new set. A user changes their own (a supervisor others'); an administrator (the admin
//! API, no requester) changes anyone's, under the same rules but the rights.

use super::not_found;
use crate::command::{CommandError, Outcome};
use crate::dataset::UserServices;
use crate::event::Event;
use crate::ids::UserId;
use crate::live::{ForwardKind, ServiceChange};
use crate::pbx::PbxAction;
use crate::rights::Right;
use crate::state::State;
use crate::state::users::changed_services;

impl State {
    pub(super) fn set_service(
        &mut self,
        requester: UserId,
        target: UserId,
        change: &ServiceChange,
        actions: &mut Vec<PbxAction>,
        out: &mut Vec<Event>,
    ) -> Result<Outcome, CommandError> {
        self.user(requester)?;
        self.user(target)?;
        if requester != target && !self.dataset.may(requester, Right::ChangeOthersServices) {
            return Err(CommandError::Forbidden(
                "only supervisors may change other users' services".to_owned(),
            ));
        }
        self.check_services(target, std::slice::from_ref(change))?;
        self.change_services(target, std::slice::from_ref(change), true, actions, out);
        Ok(Outcome::Done)
    }

    /// An administrator's changes of a user's services, all of them or none (the first that
    /// breaks a rule refuses the set): one event with every service that changed and one
    /// update of the PBX. Returns the user's services after.
    pub(in crate::state) fn set_services_as_admin_checked(
        &mut self,
        target: UserId,
        changes: &[ServiceChange],
        actions: &mut Vec<PbxAction>,
        out: &mut Vec<Event>,
    ) -> Result<UserServices, CommandError> {
        self.user(target)?;
        self.check_services(target, changes)?;
        self.change_services(target, changes, true, actions, out);
        self.users
            .get(target)
            .map(|u| u.services.clone())
            .ok_or_else(|| not_found("user", target))
    }

    /// Whether `changes`, applied in order to the user's services, break no rule: a forward
    /// a change enables (or gives a destination while enabled) must reach a number of the
    /// numbering plan.
    fn check_services(
        &self,
        target: UserId,
        changes: &[ServiceChange],
    ) -> Result<(), CommandError> {
        let mut services = self
            .users
            .get(target)
            .map(|u| u.services.clone())
            .ok_or_else(|| not_found("user", target))?;
        for change in changes {
            change.apply(&mut services);
            if let ServiceChange::Forward {
                kind,
                enabled,
                destination,
            } = change
            {
                let fwd = match kind {
                    ForwardKind::Unconditional => &services.fwd_unconditional,
                    ForwardKind::Busy => &services.fwd_busy,
                    ForwardKind::NoAnswer => &services.fwd_noanswer,
                };
                let enabling = *enabled == Some(true) || destination.is_some();
                if fwd.enabled && enabling && self.dataset.resolve(&fwd.destination).is_none() {
                    return Err(CommandError::UnreachableExtension(fwd.destination.clone()));
                }
            }
        }
        Ok(())
    }

    /// Applies service changes: emits the changed keys if any (one event for the set), and
    /// tells the PBX the full set (always when `always_tell_pbx`, else only on change).
    pub(in crate::state) fn change_services(
        &mut self,
        user: UserId,
        changes: &[ServiceChange],
        always_tell_pbx: bool,
        actions: &mut Vec<PbxAction>,
        out: &mut Vec<Event>,
    ) {
        let Some(live) = self.users.get_mut(user) else {
            return;
        };
        let before = live.services.clone();
        for change in changes {
            change.apply(&mut live.services);
        }
        let changed = changed_services(&before, &live.services);
        if !changed.is_empty() {
            out.push(Event::UserServices {
                user,
                services: live.services.clone(),
                changed,
            });
        } else if !always_tell_pbx {
            return;
        }
        actions.push(PbxAction::SetServices {
            user,
            services: live.services.clone(),
        });
    }
}
