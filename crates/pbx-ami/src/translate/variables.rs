//! Variables and user events: `VarSet` of the variables the core keeps (`USR_*` call data,
//! `XIVO_*` dialplan data; the rest is dropped, and should be filtered at the source), and the
//! dialplan's `UserEvent`s that mean something to the core (none yet: listed here as they come).

use ctid_core::pbx::PbxEvent;

use super::channels::uniqueid;
use super::{Fields, Translator};

/// Whether the core keeps a channel variable.
pub fn kept_variable(name: &str) -> bool {
    name.starts_with("USR_") || name.starts_with("XIVO_")
}

impl Translator {
    pub(super) fn var_set(&mut self, e: Fields<'_>, out: &mut Vec<PbxEvent>) -> Option<()> {
        let name = e.some("Variable")?;
        if !kept_variable(name) {
            return Some(());
        }
        out.push(PbxEvent::VarSet {
            uniqueid: uniqueid(e)?,
            name: name.to_owned(),
            value: e.get("Value").unwrap_or_default().to_owned(),
        });
        Some(())
    }

    pub(super) fn user_event(&mut self, e: Fields<'_>, _out: &mut Vec<PbxEvent>) -> Option<()> {
        tracing::debug!(
            user_event = e.get("UserEvent").unwrap_or_default(),
            "user event with no meaning for the core"
        );
        Some(())
    }
}
