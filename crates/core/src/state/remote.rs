//! Input from other nodes ([`crate::remote`]): their objects' statuses (the last one of each
//! kept, bounded, for a session that registers later), chat messages to this node's users, and
//! service changes of this node's users made elsewhere. Each is checked like a command: sizes,
//! a known recipient; a refusal changes nothing.

use std::collections::HashMap;
use std::sync::Arc;

use super::State;
use super::commands::MAX_CHAT_TEXT_BYTES;
use crate::command::{CommandError, CommandKind};
use crate::event::Event;
use crate::pbx::PbxRequest;
use crate::remote::{
    MAX_REMOTE_ALIAS_BYTES, MAX_REMOTE_ID_BYTES, MAX_REMOTE_STATUS_BYTES, MAX_REMOTE_STATUSES,
    RemoteInput, RemoteObject, RemoteStatus,
};
use crate::time::Timestamp;

/// The last status of each remote object, at most [`MAX_REMOTE_STATUSES`] of them.
#[derive(Debug, Default)]
pub(super) struct RemoteStatuses {
    last: HashMap<RemoteObject, RemoteStatus>,
}

impl RemoteStatuses {
    /// Records `status`; says whether it is news (differs from the one kept).
    fn record(&mut self, object: &RemoteObject, status: &RemoteStatus) -> bool {
        match self.last.get_mut(object) {
            Some(kept) if kept == status => false,
            Some(kept) => {
                *kept = status.clone();
                true
            }
            None => {
                if self.last.len() < MAX_REMOTE_STATUSES {
                    self.last.insert(object.clone(), status.clone());
                }
                true
            }
        }
    }
}

fn too_long(field: &str, max: usize) -> CommandError {
    CommandError::InvalidArgument {
        field: field.to_owned(),
        reason: format!("empty or longer than {max} bytes"),
    }
}

fn check_len(field: &str, value: &str, max: usize) -> Result<(), CommandError> {
    if value.is_empty() || value.len() > max {
        return Err(too_long(field, max));
    }
    Ok(())
}

impl State {
    /// Applies one input from another node, appending the PBX requests it causes (a service
    /// change tells the engine) and its events.
    pub fn apply_remote(
        &mut self,
        now: Timestamp,
        input: RemoteInput,
        actions: &mut Vec<PbxRequest>,
        out: &mut Vec<Event>,
    ) -> Result<(), CommandError> {
        match input {
            RemoteInput::Status { object, status } => {
                check_len("node", &object.node, MAX_REMOTE_ID_BYTES)?;
                check_len("id", &object.id, MAX_REMOTE_ID_BYTES)?;
                if let RemoteStatus::Name(name) = &status {
                    check_len("status", name, MAX_REMOTE_STATUS_BYTES)?;
                }
                if *object.node == *self.dataset.xivo_uuid() {
                    return Err(CommandError::InvalidArgument {
                        field: "node".to_owned(),
                        reason: "this node's own status".to_owned(),
                    });
                }
                if self.remote_statuses.record(&object, &status) {
                    out.push(Event::RemoteStatus {
                        object: Arc::new(object),
                        status,
                    });
                }
                Ok(())
            }
            RemoteInput::Chat {
                from,
                to_user_uuid,
                alias,
                text,
            } => {
                check_len("from", &from.node, MAX_REMOTE_ID_BYTES)?;
                check_len("from", &from.uuid, MAX_REMOTE_ID_BYTES)?;
                if alias.len() > MAX_REMOTE_ALIAS_BYTES {
                    return Err(too_long("alias", MAX_REMOTE_ALIAS_BYTES));
                }
                if text.len() > MAX_CHAT_TEXT_BYTES {
                    return Err(too_long("text", MAX_CHAT_TEXT_BYTES));
                }
                let to = self
                    .dataset
                    .user_by_uuid(&to_user_uuid)
                    .map(|u| u.id)
                    .ok_or_else(|| super::commands::not_found("user", &to_user_uuid))?;
                out.push(Event::RemoteChat {
                    from,
                    to,
                    alias,
                    text,
                });
                Ok(())
            }
            RemoteInput::Services { user_uuid, change } => {
                let user = self
                    .dataset
                    .user_by_uuid(&user_uuid)
                    .map(|u| u.id)
                    .ok_or_else(|| super::commands::not_found("user", &user_uuid))?;
                // The service that changed it is the authority: no rights nor destination check.
                let mut asked = Vec::new();
                self.change_services(user, std::slice::from_ref(&change), false, &mut asked, out);
                self.submit(now, user, CommandKind::Service, asked, actions);
                self.refresh(now, out);
                Ok(())
            }
        }
    }

    /// The last status another node published for one of its objects, if known.
    pub fn remote_status(&self, object: &RemoteObject) -> Option<&RemoteStatus> {
        self.remote_statuses.last.get(object)
    }
}
