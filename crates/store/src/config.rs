//! The configuration in the database: every table of a dataset (users, lines, agents, agent
//! groups, queues with their static members, voicemail boxes, rooms, profiles, and the
//! singleton sections xivo_uuid, dialplan, presence_groups and phone_hints).
//!
//! # The schema: one row per object, the object as JSON
//!
//! `config_object (kind, id, body, updated_at_ms)` holds one row per configured object, `body`
//! being the core's own serde form of it (the JSON of a [`ctid_core::dataset::User`], ...);
//! `config_section (name, body, updated_at_ms)` one row per singleton section. A queue's static
//! members are part of its row, as they are part of a queue in a dataset file.
//!
//! Why not a column per field: the core's types are the schema. A dataset gains fields often
//! (with serde defaults, so older rows still read); with a column per field each one would need
//! a migration in two dialects, a mapping both ways, and a risk of the two drifting apart from
//! the TOML format that `ctid import` / `ctid export` must round-trip. Rows keyed by
//! `(kind, id)` still give what a store must: one object written or deleted at a time (the
//! configuration writer), all-or-nothing replacement in one transaction (import), and a
//! reviewable table (`SELECT body FROM config_object WHERE kind = 'user'`). Nothing queries
//! inside the bodies: the whole configuration is read at start and validated by
//! [`Dataset::from_tables`] exactly as a dataset file is, so a row the core would not accept
//! fails the start with the reason, never silently. Bodies are TEXT in both dialects (not
//! PostgreSQL's JSONB) so that one set of queries serves both.
//!
//! Objects are read back in id order within each table (a file's order is not kept; ids are
//! what every face lists by). A store holds a configuration once its `xivo_uuid` section
//! exists: [`Store::fill_config_if_empty`] claims that row first, so two servers starting on an
//! empty database at once fill it once.

use std::time::{SystemTime, UNIX_EPOCH};

use ctid_core::dataset::{ConfigKey, Dataset, Tables};
use ctid_core::ids::{
    AgentGroupId, AgentId, LineId, ProfileId, QueueId, RoomId, UserId, VoicemailId,
};
use ctid_core::store::StoreError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;

use crate::{Store, failed, on_pool};

/// A kind of configured object, as the `kind` column names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    /// A user.
    User,
    /// A line.
    Line,
    /// An agent.
    Agent,
    /// A group of agents.
    AgentGroup,
    /// A queue, with its static members.
    Queue,
    /// A voicemail box.
    Voicemail,
    /// A conference room.
    Room,
    /// A CTI profile.
    Profile,
}

impl ObjectKind {
    /// Every kind.
    pub const ALL: [ObjectKind; 8] = [
        ObjectKind::User,
        ObjectKind::Line,
        ObjectKind::Agent,
        ObjectKind::AgentGroup,
        ObjectKind::Queue,
        ObjectKind::Voicemail,
        ObjectKind::Room,
        ObjectKind::Profile,
    ];

    /// The `kind` column's value.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::User => "user",
            ObjectKind::Line => "line",
            ObjectKind::Agent => "agent",
            ObjectKind::AgentGroup => "agent_group",
            ObjectKind::Queue => "queue",
            ObjectKind::Voicemail => "voicemail",
            ObjectKind::Room => "room",
            ObjectKind::Profile => "profile",
        }
    }

    fn parse(name: &str) -> Option<ObjectKind> {
        ObjectKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// The row that holds a configured object: its kind and id (a queue membership lives in its
/// queue's row).
pub fn row_of(key: ConfigKey) -> (ObjectKind, u32) {
    match key {
        ConfigKey::User(id) => (ObjectKind::User, id.0),
        ConfigKey::Line(id) => (ObjectKind::Line, id.0),
        ConfigKey::Agent(id) => (ObjectKind::Agent, id.0),
        ConfigKey::AgentGroup(id) => (ObjectKind::AgentGroup, id.0),
        ConfigKey::Queue(id) | ConfigKey::QueueMember(id, _) => (ObjectKind::Queue, id.0),
        ConfigKey::Voicemail(id) => (ObjectKind::Voicemail, id.0),
        ConfigKey::Room(id) => (ObjectKind::Room, id.0),
        ConfigKey::Profile(id) => (ObjectKind::Profile, id.0),
    }
}

/// One object's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectRow {
    /// Its kind.
    pub kind: ObjectKind,
    /// Its id.
    pub id: u32,
    /// The object as JSON.
    pub body: String,
}

/// What a write does to one object's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectWrite {
    /// Insert or replace the row.
    Put(ObjectRow),
    /// Delete the row of this kind and id.
    Delete(ObjectKind, u32),
}

fn encode<T: Serialize>(kind: ObjectKind, id: u32, object: &T) -> Result<ObjectRow, StoreError> {
    let body = serde_json::to_string(object)
        .map_err(|e| StoreError::caused_by(format!("encode {} {id}", kind.as_str()), e))?;
    Ok(ObjectRow { kind, id, body })
}

/// The row `(kind, id)` as it is in `dataset`: the object's JSON, or a deletion when the
/// dataset has no such object.
pub fn object_write(
    dataset: &Dataset,
    kind: ObjectKind,
    id: u32,
) -> Result<ObjectWrite, StoreError> {
    let row = match kind {
        ObjectKind::User => dataset.user(UserId(id)).map(|o| encode(kind, id, o)),
        ObjectKind::Line => dataset.line(LineId(id)).map(|o| encode(kind, id, o)),
        ObjectKind::Agent => dataset.agent(AgentId(id)).map(|o| encode(kind, id, o)),
        ObjectKind::AgentGroup => dataset
            .agent_group(AgentGroupId(id))
            .map(|o| encode(kind, id, o)),
        ObjectKind::Queue => dataset.queue(QueueId(id)).map(|o| encode(kind, id, o)),
        ObjectKind::Voicemail => dataset
            .voicemail(VoicemailId(id))
            .map(|o| encode(kind, id, o)),
        ObjectKind::Room => dataset.room(RoomId(id)).map(|o| encode(kind, id, o)),
        ObjectKind::Profile => dataset.profile(ProfileId(id)).map(|o| encode(kind, id, o)),
    };
    match row {
        Some(row) => Ok(ObjectWrite::Put(row?)),
        None => Ok(ObjectWrite::Delete(kind, id)),
    }
}

/// Every object of `tables` as rows.
pub fn object_rows(tables: &Tables) -> Result<Vec<ObjectRow>, StoreError> {
    fn add<T: Serialize>(
        out: &mut Vec<ObjectRow>,
        kind: ObjectKind,
        items: &[T],
        id: impl Fn(&T) -> u32,
    ) -> Result<(), StoreError> {
        for item in items {
            out.push(encode(kind, id(item), item)?);
        }
        Ok(())
    }
    let t = tables;
    let mut rows = Vec::new();
    add(&mut rows, ObjectKind::User, &t.users, |o| o.id.0)?;
    add(&mut rows, ObjectKind::Line, &t.lines, |o| o.id.0)?;
    add(&mut rows, ObjectKind::Agent, &t.agents, |o| o.id.0)?;
    add(&mut rows, ObjectKind::AgentGroup, &t.agent_groups, |o| {
        o.id.0
    })?;
    add(&mut rows, ObjectKind::Queue, &t.queues, |o| o.id.0)?;
    add(&mut rows, ObjectKind::Voicemail, &t.voicemails, |o| o.id.0)?;
    add(&mut rows, ObjectKind::Room, &t.rooms, |o| o.id.0)?;
    add(&mut rows, ObjectKind::Profile, &t.profiles, |o| o.id.0)?;
    Ok(rows)
}

/// The section that marks a store as holding a configuration.
const MARK: &str = "xivo_uuid";

/// The singleton sections of `tables` as `(name, JSON)` rows, the mark first.
fn section_rows(tables: &Tables) -> Result<Vec<(&'static str, String)>, StoreError> {
    let json = |name: &'static str, value: Result<String, serde_json::Error>| {
        value
            .map(|body| (name, body))
            .map_err(|e| StoreError::caused_by(format!("encode section {name}"), e))
    };
    Ok(vec![
        json(MARK, serde_json::to_string(&tables.xivo_uuid))?,
        json("dialplan", serde_json::to_string(&tables.dialplan))?,
        json(
            "presence_groups",
            serde_json::to_string(&tables.presence_groups),
        )?,
        json("phone_hints", serde_json::to_string(&tables.phone_hints))?,
    ])
}

fn decode<T: DeserializeOwned>(what: impl FnOnce() -> String, body: &str) -> Result<T, StoreError> {
    serde_json::from_str(body).map_err(|e| {
        StoreError::caused_by(
            format!(
                "the stored {} cannot be read (written by another ctid version?)",
                what()
            ),
            e,
        )
    })
}

/// Appends the object decoded from `body` to `table`, checking that its id is the row's.
fn push<T: DeserializeOwned>(
    table: &mut Vec<T>,
    kind: ObjectKind,
    id: i64,
    body: &str,
    id_of: impl Fn(&T) -> u32,
) -> Result<(), StoreError> {
    let object: T = decode(|| format!("{} {id}", kind.as_str()), body)?;
    if i64::from(id_of(&object)) != id {
        return Err(StoreError::new(format!(
            "the stored {} {id} holds the object of id {}",
            kind.as_str(),
            id_of(&object)
        )));
    }
    table.push(object);
    Ok(())
}

/// Builds the tables from the stored sections and object rows (objects in id order per kind);
/// `None` when the store holds no configuration (no mark).
fn tables_from_rows(rows: Vec<StoredRow>) -> Result<Option<Tables>, StoreError> {
    if !rows.iter().any(|r| r.section && r.name == MARK) {
        return Ok(None);
    }
    let mut t = Tables::default();
    for row in rows {
        let body = row.body.as_str();
        if row.section {
            let what = || format!("section {}", row.name);
            match row.name.as_str() {
                MARK => t.xivo_uuid = decode(what, body)?,
                "dialplan" => t.dialplan = decode(what, body)?,
                "presence_groups" => t.presence_groups = decode(what, body)?,
                "phone_hints" => t.phone_hints = decode(what, body)?,
                other => {
                    return Err(StoreError::new(format!(
                        "unknown configuration section {other:?} in the store"
                    )));
                }
            }
            continue;
        }
        let Some(kind) = ObjectKind::parse(&row.name) else {
            return Err(StoreError::new(format!(
                "unknown kind of configured object {:?} in the store",
                row.name
            )));
        };
        let id = row.id;
        match kind {
            ObjectKind::User => push(&mut t.users, kind, id, body, |o| o.id.0)?,
            ObjectKind::Line => push(&mut t.lines, kind, id, body, |o| o.id.0)?,
            ObjectKind::Agent => push(&mut t.agents, kind, id, body, |o| o.id.0)?,
            ObjectKind::AgentGroup => push(&mut t.agent_groups, kind, id, body, |o| o.id.0)?,
            ObjectKind::Queue => push(&mut t.queues, kind, id, body, |o| o.id.0)?,
            ObjectKind::Voicemail => push(&mut t.voicemails, kind, id, body, |o| o.id.0)?,
            ObjectKind::Room => push(&mut t.rooms, kind, id, body, |o| o.id.0)?,
            ObjectKind::Profile => push(&mut t.profiles, kind, id, body, |o| o.id.0)?,
        }
    }
    Ok(Some(t))
}

/// A row of either configuration table, as one query reads both.
struct StoredRow {
    section: bool,
    name: String,
    id: i64,
    body: String,
}

/// Sections and objects in one statement (one snapshot in both dialects), objects by kind and
/// id.
const SELECT_ALL: &str = "SELECT 1 AS section, name, CAST(0 AS BIGINT) AS id, body FROM config_section \
    UNION ALL SELECT 0 AS section, kind, id, body FROM config_object ORDER BY 1, 2, 3";
const CLAIM_MARK: &str = "INSERT INTO config_section (name, body, updated_at_ms) \
    VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING";
const INSERT_SECTION: &str =
    "INSERT INTO config_section (name, body, updated_at_ms) VALUES ($1, $2, $3)";
const INSERT_OBJECT: &str =
    "INSERT INTO config_object (kind, id, body, updated_at_ms) VALUES ($1, $2, $3, $4)";
const UPSERT_OBJECT: &str = "INSERT INTO config_object (kind, id, body, updated_at_ms) \
    VALUES ($1, $2, $3, $4) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body, \
    updated_at_ms = excluded.updated_at_ms";
const DELETE_OBJECT: &str = "DELETE FROM config_object WHERE kind = $1 AND id = $2";

/// How a whole configuration goes in.
enum Replace<'a> {
    /// Only into a store that holds none (the first start).
    IfEmpty(&'a [(&'static str, String)]),
    /// Over whatever the store holds, sections included; run-time memberships, which are
    /// relative to the configuration replaced, go with it (an import).
    All(&'a [(&'static str, String)]),
    /// The objects only (a resynchronisation from a running core, whose sections cannot
    /// change while it runs).
    Objects,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Store {
    /// The stored configuration's tables (not yet validated: build the dataset with
    /// [`Dataset::from_tables`]), or `None` if the store holds none yet.
    pub async fn load_config(&self) -> Result<Option<Tables>, StoreError> {
        let rows = on_pool!(self, |pool| sqlx::query(SELECT_ALL)
            .fetch_all(pool)
            .await
            .map_err(failed("load configuration"))?
            .into_iter()
            .map(|row| {
                Ok::<_, sqlx::Error>(StoredRow {
                    section: row.try_get::<i32, _>(0)? == 1,
                    name: row.try_get(1)?,
                    id: row.try_get(2)?,
                    body: row.try_get(3)?,
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(failed("load configuration: read row"))?);
        tables_from_rows(rows)
    }

    /// Stores `tables` as the configuration if the store holds none, in one transaction;
    /// whether it did (false: a configuration was there, nothing changed).
    pub async fn fill_config_if_empty(&self, tables: &Tables) -> Result<bool, StoreError> {
        let sections = section_rows(tables)?;
        self.replace(Replace::IfEmpty(&sections), &object_rows(tables)?)
            .await
    }

    /// Replaces the whole stored configuration with `tables`, all or nothing (an import). The
    /// agents' queue memberships changed at run time are forgotten with the configuration
    /// they were relative to.
    pub async fn replace_config(&self, tables: &Tables) -> Result<(), StoreError> {
        let sections = section_rows(tables)?;
        self.replace(Replace::All(&sections), &object_rows(tables)?)
            .await
            .map(drop)
    }

    /// Replaces every stored object (not the sections) with `rows`, in one transaction.
    pub async fn replace_config_objects(&self, rows: &[ObjectRow]) -> Result<(), StoreError> {
        self.replace(Replace::Objects, rows).await.map(drop)
    }

    /// Writes and deletes object rows, in order, in one transaction.
    pub async fn write_config_objects(&self, writes: &[ObjectWrite]) -> Result<(), StoreError> {
        if writes.is_empty() {
            return Ok(());
        }
        let now = now_ms();
        on_pool!(self, |pool| {
            let mut tx = pool
                .begin()
                .await
                .map_err(failed("write configuration: begin"))?;
            for write in writes {
                match write {
                    ObjectWrite::Put(row) => sqlx::query(UPSERT_OBJECT)
                        .bind(row.kind.as_str())
                        .bind(i64::from(row.id))
                        .bind(row.body.as_str())
                        .bind(now),
                    ObjectWrite::Delete(kind, id) => sqlx::query(DELETE_OBJECT)
                        .bind(kind.as_str())
                        .bind(i64::from(*id)),
                }
                .execute(&mut *tx)
                .await
                .map_err(failed("write configured object"))?;
            }
            tx.commit()
                .await
                .map_err(failed("write configuration: commit"))
        })
    }

    async fn replace(&self, how: Replace<'_>, objects: &[ObjectRow]) -> Result<bool, StoreError> {
        let now = now_ms();
        on_pool!(self, |pool| {
            let mut tx = pool
                .begin()
                .await
                .map_err(failed("store configuration: begin"))?;
            let sections: &[(&str, String)] = match how {
                Replace::IfEmpty(sections) => {
                    // The claim is the transaction's first statement: a second server starting
                    // on the same empty store waits for it, then finds the mark taken.
                    let (mark, body) = &sections[0];
                    let claimed = sqlx::query(CLAIM_MARK)
                        .bind(*mark)
                        .bind(body.as_str())
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(failed("store configuration: claim"))?
                        .rows_affected()
                        == 1;
                    if !claimed {
                        let _ = tx.rollback().await;
                        return Ok(false);
                    }
                    sqlx::query("DELETE FROM config_object")
                        .execute(&mut *tx)
                        .await
                        .map_err(failed("store configuration: clear"))?;
                    &sections[1..]
                }
                Replace::All(sections) => {
                    for table in ["config_section", "config_object", "agent_queue_membership"] {
                        sqlx::query(&format!("DELETE FROM {table}"))
                            .execute(&mut *tx)
                            .await
                            .map_err(failed("store configuration: clear"))?;
                    }
                    sections
                }
                Replace::Objects => {
                    sqlx::query("DELETE FROM config_object")
                        .execute(&mut *tx)
                        .await
                        .map_err(failed("store configuration: clear"))?;
                    &[]
                }
            };
            for (name, body) in sections {
                sqlx::query(INSERT_SECTION)
                    .bind(*name)
                    .bind(body.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(failed("store configuration section"))?;
            }
            for row in objects {
                sqlx::query(INSERT_OBJECT)
                    .bind(row.kind.as_str())
                    .bind(i64::from(row.id))
                    .bind(row.body.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(failed("store configured object"))?;
            }
            tx.commit()
                .await
                .map_err(failed("store configuration: commit"))?;
            Ok(true)
        })
    }
}
