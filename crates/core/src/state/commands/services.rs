//! User services (DND, call filter, recording, voicemail, forwards): checking a change (rights,
//! reachable forward destinations), applying it, telling clients what changed and the PBX the
//! full new set.

use super::not_found;
use crate::command::{CommandError, Outcome};
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
        let mut services = self
            .users
            .get(target)
            .map(|u| u.services.clone())
            .ok_or_else(|| not_found("user", target))?;
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
        self.change_services(target, change, true, actions, out);
        Ok(Outcome::Done)
    }

    /// Applies a service change: emits the changed keys if any, and tells the PBX the full set
    /// (always when `always_tell_pbx`, else only on change).
    pub(in crate::state) fn change_services(
        &mut self,
        user: UserId,
        change: &ServiceChange,
        always_tell_pbx: bool,
        actions: &mut Vec<PbxAction>,
        out: &mut Vec<Event>,
    ) {
        let Some(live) = self.users.get_mut(user) else {
            return;
        };
        let before = live.services.clone();
        change.apply(&mut live.services);
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
