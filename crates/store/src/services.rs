//! Users' services (DND, call filter, recording, voicemail, the three forwards) and last
//! presence in the database: read all at start (to seed the core), written in batches by the
//! [`crate::services_writer`].

use std::collections::HashMap;

use ctid_core::dataset::{Forward, UserServices};
use ctid_core::ids::UserId;
use ctid_core::store::StoreError;
use sqlx::Row;

use crate::{Store, failed, on_pool};

/// What the store holds of users: the last services and presence written for each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredUser {
    /// Services, per user.
    pub services: HashMap<UserId, UserServices>,
    /// Last presence status name, per user.
    pub presence: HashMap<UserId, String>,
}

const UPSERT_SERVICES: &str = "INSERT INTO user_services (user_id, dnd, incallfilter, recording, \
    voicemail_enabled, fwd_unconditional_enabled, fwd_unconditional_destination, \
    fwd_busy_enabled, fwd_busy_destination, fwd_noanswer_enabled, fwd_noanswer_destination) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
    ON CONFLICT (user_id) DO UPDATE SET dnd = excluded.dnd, \
    incallfilter = excluded.incallfilter, recording = excluded.recording, \
    voicemail_enabled = excluded.voicemail_enabled, \
    fwd_unconditional_enabled = excluded.fwd_unconditional_enabled, \
    fwd_unconditional_destination = excluded.fwd_unconditional_destination, \
    fwd_busy_enabled = excluded.fwd_busy_enabled, \
    fwd_busy_destination = excluded.fwd_busy_destination, \
    fwd_noanswer_enabled = excluded.fwd_noanswer_enabled, \
    fwd_noanswer_destination = excluded.fwd_noanswer_destination";

const UPSERT_PRESENCE: &str = "INSERT INTO user_presence (user_id, status) VALUES ($1, $2) \
    ON CONFLICT (user_id) DO UPDATE SET status = excluded.status";

const SELECT_SERVICES: &str = "SELECT user_id, dnd, incallfilter, recording, voicemail_enabled, \
    fwd_unconditional_enabled, fwd_unconditional_destination, fwd_busy_enabled, \
    fwd_busy_destination, fwd_noanswer_enabled, fwd_noanswer_destination FROM user_services";

fn user_id(raw: i64) -> Option<UserId> {
    u32::try_from(raw).ok().map(UserId)
}

impl Store {
    /// Writes users' services and presence, in one transaction.
    pub async fn save_users(
        &self,
        services: &[(UserId, UserServices)],
        presence: &[(UserId, String)],
    ) -> Result<(), StoreError> {
        if services.is_empty() && presence.is_empty() {
            return Ok(());
        }
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await.map_err(failed("save users: begin"))?;
            for (user, s) in services {
                sqlx::query(UPSERT_SERVICES)
                    .bind(i64::from(user.0))
                    .bind(s.dnd)
                    .bind(s.incallfilter)
                    .bind(s.recording)
                    .bind(s.voicemail_enabled)
                    .bind(s.fwd_unconditional.enabled)
                    .bind(s.fwd_unconditional.destination.as_str())
                    .bind(s.fwd_busy.enabled)
                    .bind(s.fwd_busy.destination.as_str())
                    .bind(s.fwd_noanswer.enabled)
                    .bind(s.fwd_noanswer.destination.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(failed("save services"))?;
            }
            for (user, status) in presence {
                sqlx::query(UPSERT_PRESENCE)
                    .bind(i64::from(user.0))
                    .bind(status.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(failed("save presence"))?;
            }
            tx.commit().await.map_err(failed("save users: commit"))
        })
    }

    /// Every user's stored services and presence.
    pub async fn load_users(&self) -> Result<StoredUser, StoreError> {
        let mut stored = StoredUser::default();
        on_pool!(self, |pool| {
            for row in sqlx::query(SELECT_SERVICES)
                .fetch_all(pool)
                .await
                .map_err(failed("load services"))?
            {
                let read = || -> Result<_, sqlx::Error> {
                    let forward = |enabled: &str, destination: &str| {
                        Ok::<_, sqlx::Error>(Forward {
                            enabled: row.try_get(enabled)?,
                            destination: row.try_get(destination)?,
                        })
                    };
                    Ok((
                        row.try_get::<i64, _>("user_id")?,
                        UserServices {
                            dnd: row.try_get("dnd")?,
                            incallfilter: row.try_get("incallfilter")?,
                            recording: row.try_get("recording")?,
                            voicemail_enabled: row.try_get("voicemail_enabled")?,
                            fwd_unconditional: forward(
                                "fwd_unconditional_enabled",
                                "fwd_unconditional_destination",
                            )?,
                            fwd_busy: forward("fwd_busy_enabled", "fwd_busy_destination")?,
                            fwd_noanswer: forward(
                                "fwd_noanswer_enabled",
                                "fwd_noanswer_destination",
                            )?,
                        },
                    ))
                };
                let (id, services) = read().map_err(failed("load services: read row"))?;
                if let Some(id) = user_id(id) {
                    stored.services.insert(id, services);
                }
            }
            for row in sqlx::query("SELECT user_id, status FROM user_presence")
                .fetch_all(pool)
                .await
                .map_err(failed("load presence"))?
            {
                let id: i64 = row.try_get(0).map_err(failed("load presence: read row"))?;
                let status: String = row.try_get(1).map_err(failed("load presence: read row"))?;
                if let Some(id) = user_id(id) {
                    stored.presence.insert(id, status);
                }
            }
            Ok::<_, StoreError>(())
        })?;
        Ok(stored)
    }
}
