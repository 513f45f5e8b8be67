//! The adapter writes users' services to AstDB ([`crate::services`]): all of them on every
//! connect, before the resync (Asterisk may have restarted with an empty AstDB, or the services
//! changed while it was gone), a window of actions in flight at a time; then, once live, those
//! the core changed during the resync. A refusal (an AMI user without the `system` write
//! permission) is logged, never fatal: calls still flow, the dialplan reads stale services.

use std::collections::{HashSet, VecDeque};

use super::{Conn, Link, Stop, is_success};
use crate::codec::AmiFrame;
use crate::message::AmiMessage;
use crate::pending::{Pending, Waiting};

/// `DBPut` actions in flight at once while writing every service on connect: enough to keep
/// the link busy, few enough that Asterisk's answers never fill the socket while ctid writes.
const WINDOW: usize = 64;

impl Link {
    /// Writes every user's services, and those the core changed meanwhile; events read
    /// meanwhile are kept in `buffered` for after the resync.
    pub(super) async fn write_services(
        &mut self,
        conn: &mut Conn,
        buffered: &mut VecDeque<AmiMessage>,
    ) -> Result<(), Stop> {
        let mut queue: VecDeque<AmiMessage> = self.services.write_all(&self.dataset).into();
        let total = queue.len();
        let mut in_flight: HashSet<String> = HashSet::new();
        let mut refused = 0usize;
        let mut first_refusal = String::new();
        loop {
            while in_flight.len() < WINDOW
                && let Some(message) = queue.pop_front()
            {
                let id = self.next_action_id();
                self.write(conn, &message.with("ActionID", &id)).await?;
                in_flight.insert(id);
            }
            if in_flight.is_empty() {
                if !self.services.has_unwritten() {
                    break;
                }
                // Changes the core made while these were written.
                queue.extend(self.services.write_unwritten(&self.dataset));
                continue;
            }
            let deadline = self.deadline(self.config.action_timeout);
            let AmiFrame::Message(m) = self.read(conn, deadline, "DBPut").await? else {
                continue;
            };
            match m.action_id() {
                Some(id) if m.event().is_none() && in_flight.remove(id) => {
                    if !is_success(&m) {
                        refused += 1;
                        if first_refusal.is_empty() {
                            first_refusal = m.get("Message").unwrap_or("refused").to_owned();
                        }
                    }
                }
                _ => self.buffer(m, buffered)?,
            }
        }
        if refused > 0 {
            tracing::warn!(
                refused,
                total,
                message = %first_refusal,
                "Asterisk refused to store users' services in AstDB (DBPut): the dialplan will \
                 not see DND, call filter and forwards (give the AMI user the `system` write \
                 permission)"
            );
        } else {
            tracing::debug!(total, "users' services written to AstDB");
        }
        Ok(())
    }

    /// Once live: writes the services the core changed during the resync.
    pub(super) async fn write_changed_services(&mut self, conn: &mut Conn) -> Result<(), Stop> {
        for message in self.services.write_unwritten(&self.dataset) {
            if !self.pending.has_room() {
                tracing::warn!("too many actions wait for Asterisk: a service write is dropped");
                continue;
            }
            let id = self.next_action_id();
            self.pending.insert(
                id.clone(),
                Pending {
                    waiting: Waiting::Internal {
                        name: "DBPut".into(),
                    },
                    deadline: self.deadline(self.config.action_timeout),
                },
            );
            self.write(conn, &message.with("ActionID", &id)).await?;
        }
        Ok(())
    }
}
