//! `availstate`: a user changes their presence. The core checks it against the profile and runs
//! the status's actions; the change comes back to every interested session as the push
//! `getlist updatestatus users {availstate}`.

use ctid_core::Command;

use crate::errors::command_error;
use crate::session::{Session, SessionEnd};
use crate::wire::input::AvailState;

/// Serves `availstate`.
pub(crate) async fn availstate(s: &mut Session, m: AvailState) -> Result<(), SessionEnd> {
    let result = s
        .core
        .execute(Command::SetPresence {
            user: s.user,
            status: m.availstate,
        })
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(e) => s.error("availstate", &command_error(&e, "")).await,
    }
}
