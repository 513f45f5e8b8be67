//! Agents' queue memberships and penalties as changed at run time (an agent added to or removed
//! from a queue, a penalty changed), kept over the configured ones on restart. A row is a
//! difference from the configuration: the [`crate::memberships_writer`] deletes it when the live
//! membership is the configured one again.

use ctid_core::SeededMembership;
use ctid_core::ids::{AgentId, QueueId};
use ctid_core::store::StoreError;
use sqlx::Row;

use crate::{Store, failed, on_pool};

/// An agent's membership of a queue as last changed at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredMembership {
    /// The agent.
    pub agent: AgentId,
    /// The queue.
    pub queue: QueueId,
    /// Whether the agent is a member (false: removed at run time).
    pub member: bool,
    /// The agent's penalty in the queue.
    pub penalty: u32,
}

impl StoredMembership {
    /// The membership as the core is seeded with it.
    pub fn seeded(&self) -> SeededMembership {
        SeededMembership {
            queue: self.queue,
            agent: self.agent,
            penalty: self.member.then_some(self.penalty),
        }
    }
}

const UPSERT: &str = "INSERT INTO agent_queue_membership (agent_id, queue_id, member, penalty) \
    VALUES ($1, $2, $3, $4) ON CONFLICT (agent_id, queue_id) DO UPDATE SET \
    member = excluded.member, penalty = excluded.penalty";
const DELETE: &str = "DELETE FROM agent_queue_membership WHERE agent_id = $1 AND queue_id = $2";

impl Store {
    /// Writes membership changes, in order, in one transaction.
    pub async fn save_memberships(&self, changes: &[StoredMembership]) -> Result<(), StoreError> {
        self.write_memberships(changes, &[]).await
    }

    /// Writes membership changes and deletes the rows of `(agent, queue)` pairs in `deleted`,
    /// in one transaction.
    pub async fn write_memberships(
        &self,
        changes: &[StoredMembership],
        deleted: &[(AgentId, QueueId)],
    ) -> Result<(), StoreError> {
        if changes.is_empty() && deleted.is_empty() {
            return Ok(());
        }
        on_pool!(self, |pool| {
            let mut tx = pool
                .begin()
                .await
                .map_err(failed("save memberships: begin"))?;
            for m in changes {
                sqlx::query(UPSERT)
                    .bind(i64::from(m.agent.0))
                    .bind(i64::from(m.queue.0))
                    .bind(m.member)
                    .bind(i64::from(m.penalty))
                    .execute(&mut *tx)
                    .await
                    .map_err(failed("save membership"))?;
            }
            for (agent, queue) in deleted {
                sqlx::query(DELETE)
                    .bind(i64::from(agent.0))
                    .bind(i64::from(queue.0))
                    .execute(&mut *tx)
                    .await
                    .map_err(failed("delete membership"))?;
            }
            tx.commit()
                .await
                .map_err(failed("save memberships: commit"))
        })
    }

    /// Every stored membership, by agent then queue.
    pub async fn load_memberships(&self) -> Result<Vec<StoredMembership>, StoreError> {
        let rows = on_pool!(self, |pool| sqlx::query(
            "SELECT agent_id, queue_id, member, penalty FROM agent_queue_membership \
             ORDER BY agent_id, queue_id"
        )
        .fetch_all(pool)
        .await
        .map_err(failed("load memberships"))?
        .into_iter()
        .map(|row| {
            Ok::<_, sqlx::Error>((
                row.try_get::<i64, _>(0)?,
                row.try_get::<i64, _>(1)?,
                row.try_get::<bool, _>(2)?,
                row.try_get::<i64, _>(3)?,
            ))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(failed("load memberships: read row"))?);
        Ok(rows
            .into_iter()
            .filter_map(|(agent, queue, member, penalty)| {
                Some(StoredMembership {
                    agent: AgentId(u32::try_from(agent).ok()?),
                    queue: QueueId(u32::try_from(queue).ok()?),
                    member,
                    penalty: u32::try_from(penalty).ok()?,
                })
            })
            .collect())
    }
}
