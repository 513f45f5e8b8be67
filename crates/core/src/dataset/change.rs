//! Configuration changes while running: what can change ([`ConfigChange`]: a user, line, agent,
//! agent group, queue, queue membership, voicemail box, profile or room added, updated or removed), how a
//! set of changes yields the next [`Dataset`] (validated exactly as a dataset file is, or
//! refused whole with a [`ConfigError`]), and the changes between two datasets (a reloaded file).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::Hash;

use serde::{Deserialize, Serialize};

use super::{
    Agent, AgentGroup, Dataset, DatasetError, Line, Queue, QueueMemberConfig, Room, User, Voicemail,
};
use super::{Profile, Touched, load::PasswordReuse};
use crate::ids::{AgentGroupId, AgentId, LineId, ProfileId, QueueId, RoomId, UserId, VoicemailId};
use std::sync::Arc;

/// One configured object, whole (what an add or an update brings).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ConfigObject {
    /// A user (a clear `password` is hashed before the change reaches the core).
    User(User),
    /// A line.
    Line(Line),
    /// An agent.
    Agent(Agent),
    /// A group of agents.
    AgentGroup(AgentGroup),
    /// A queue. Added: with its members; updated: its settings only (memberships change
    /// through [`ConfigObject::QueueMember`]).
    Queue(Queue),
    /// A static membership of an agent in a queue.
    QueueMember {
        /// The queue.
        queue: QueueId,
        /// The agent and its penalty.
        member: QueueMemberConfig,
    },
    /// A voicemail box.
    Voicemail(Voicemail),
    /// A CTI profile.
    Profile(Profile),
    /// A conference room.
    Room(Room),
}

/// Which configured object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ConfigKey {
    /// A user.
    User(UserId),
    /// A line.
    Line(LineId),
    /// An agent.
    Agent(AgentId),
    /// A group of agents.
    AgentGroup(AgentGroupId),
    /// A queue.
    Queue(QueueId),
    /// An agent's membership of a queue.
    QueueMember(QueueId, AgentId),
    /// A voicemail box.
    Voicemail(VoicemailId),
    /// A CTI profile.
    Profile(ProfileId),
    /// A conference room.
    Room(RoomId),
}

impl fmt::Display for ConfigKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigKey::User(id) => write!(f, "user {id}"),
            ConfigKey::Line(id) => write!(f, "line {id}"),
            ConfigKey::Agent(id) => write!(f, "agent {id}"),
            ConfigKey::AgentGroup(id) => write!(f, "agent group {id}"),
            ConfigKey::Queue(id) => write!(f, "queue {id}"),
            ConfigKey::QueueMember(q, a) => write!(f, "membership of agent {a} in queue {q}"),
            ConfigKey::Voicemail(id) => write!(f, "voicemail {id}"),
            ConfigKey::Profile(id) => write!(f, "profile {id}"),
            ConfigKey::Room(id) => write!(f, "room {id}"),
        }
    }
}

impl ConfigObject {
    /// The object's key.
    pub fn key(&self) -> ConfigKey {
        match self {
            ConfigObject::User(u) => ConfigKey::User(u.id),
            ConfigObject::Line(l) => ConfigKey::Line(l.id),
            ConfigObject::Agent(a) => ConfigKey::Agent(a.id),
            ConfigObject::AgentGroup(g) => ConfigKey::AgentGroup(g.id),
            ConfigObject::Queue(q) => ConfigKey::Queue(q.id),
            ConfigObject::QueueMember { queue, member } => {
                ConfigKey::QueueMember(*queue, member.agent)
            }
            ConfigObject::Voicemail(v) => ConfigKey::Voicemail(v.id),
            ConfigObject::Profile(p) => ConfigKey::Profile(p.id),
            ConfigObject::Room(r) => ConfigKey::Room(r.id),
        }
    }
}

/// Added, updated or removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChangeKind {
    /// The object is new.
    Added,
    /// The object changed.
    Updated,
    /// The object is gone.
    Removed,
}

impl ChangeKind {
    /// `added`, `updated`, `removed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Updated => "updated",
            ChangeKind::Removed => "removed",
        }
    }
}

/// One change of the configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ConfigChange {
    /// A new object (its id must be free).
    Added(ConfigObject),
    /// A new version of an existing object.
    Updated(ConfigObject),
    /// An object removed (nothing may still refer to it).
    Removed(ConfigKey),
}

impl ConfigChange {
    /// The object changed.
    pub fn key(&self) -> ConfigKey {
        match self {
            ConfigChange::Added(o) | ConfigChange::Updated(o) => o.key(),
            ConfigChange::Removed(k) => *k,
        }
    }

    /// Added, updated or removed.
    pub fn kind(&self) -> ChangeKind {
        match self {
            ConfigChange::Added(_) => ChangeKind::Added,
            ConfigChange::Updated(_) => ChangeKind::Updated,
            ConfigChange::Removed(_) => ChangeKind::Removed,
        }
    }
}

/// Why a set of configuration changes was refused (nothing of it was applied).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// An added object's id is taken.
    #[error("{0} already exists")]
    AlreadyExists(ConfigKey),
    /// An updated or removed object (or the queue of a membership) does not exist.
    #[error("{0} does not exist")]
    Unknown(ConfigKey),
    /// The dataset after the changes would not load: duplicate numbers or logins, a reference
    /// to something missing (a user's line, a queue's agent...), a bad password hash. The same
    /// reasons `ctid dataset check` gives.
    #[error("the change would make the dataset invalid: {0}")]
    Invalid(String),
    /// The core task has stopped.
    #[error("the core has stopped")]
    CoreStopped,
}

impl From<DatasetError> for ConfigError {
    fn from(e: DatasetError) -> Self {
        ConfigError::Invalid(match e {
            DatasetError::Invalid(reason) => reason,
            other => other.to_string(),
        })
    }
}

/// A table of configured objects with ids.
trait Keyed {
    type Id: Eq + Hash + Copy;
    fn key(&self) -> Self::Id;
}

macro_rules! keyed {
    ($($t:ty => $id:ty),*) => {$(
        impl Keyed for $t {
            type Id = $id;
            fn key(&self) -> $id {
                self.id
            }
        }
    )*};
}
keyed!(User => UserId, Line => LineId, Agent => AgentId, AgentGroup => AgentGroupId, Queue => QueueId,
    Voicemail => VoicemailId, Profile => ProfileId, Room => RoomId);

fn add<T: Keyed>(list: &mut Vec<T>, item: T, key: ConfigKey) -> Result<(), ConfigError> {
    if list.iter().any(|x| x.key() == item.key()) {
        return Err(ConfigError::AlreadyExists(key));
    }
    list.push(item);
    Ok(())
}

fn update<T: Keyed>(list: &mut [T], item: T, key: ConfigKey) -> Result<(), ConfigError> {
    let slot = list
        .iter_mut()
        .find(|x| x.key() == item.key())
        .ok_or(ConfigError::Unknown(key))?;
    *slot = item;
    Ok(())
}

fn remove<T: Keyed>(list: &mut Vec<T>, id: T::Id, key: ConfigKey) -> Result<(), ConfigError> {
    let at = list
        .iter()
        .position(|x| x.key() == id)
        .ok_or(ConfigError::Unknown(key))?;
    list.remove(at);
    Ok(())
}

impl Dataset {
    /// This dataset's version: 0 when loaded, one more for each set of changes applied.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The dataset after `changes`, applied in order, validated and indexed as a loaded file
    /// is; or why not (then nothing applies). A user's clear `password` is hashed here: hash
    /// it beforehand where hashing must not block (see `CoreHandle::apply_config`).
    pub fn with_changes(&self, changes: &[ConfigChange]) -> Result<Dataset, ConfigError> {
        let mut next = self.clone();
        let mut touched = Touched::default();
        for change in changes {
            next.apply_one(change.clone(), &mut touched)?;
        }
        next.complete(touched)?;
        next.version = self.version + 1;
        Ok(next)
    }

    fn apply_one(
        &mut self,
        change: ConfigChange,
        touched: &mut Touched,
    ) -> Result<(), ConfigError> {
        let key = change.key();
        let mut change = change;
        if let ConfigChange::Added(ConfigObject::User(u))
        | ConfigChange::Updated(ConfigObject::User(u)) = &mut change
        {
            super::load::complete_user(u)?;
        }
        match key {
            ConfigKey::User(_) => touched.users = true,
            ConfigKey::Line(_) => touched.lines = true,
            ConfigKey::Agent(_) => touched.agents = true,
            ConfigKey::AgentGroup(_) => touched.agent_groups = true,
            ConfigKey::Queue(_) | ConfigKey::QueueMember(..) => touched.queues = true,
            ConfigKey::Voicemail(_) => touched.voicemails = true,
            ConfigKey::Profile(_) => touched.profiles = true,
            ConfigKey::Room(_) => touched.rooms = true,
        }
        match change {
            ConfigChange::Added(object) => match object {
                ConfigObject::User(u) => add(Arc::make_mut(&mut self.tables.users), u, key),
                ConfigObject::Line(l) => add(Arc::make_mut(&mut self.tables.lines), l, key),
                ConfigObject::Agent(a) => add(Arc::make_mut(&mut self.tables.agents), a, key),
                ConfigObject::AgentGroup(g) => {
                    add(Arc::make_mut(&mut self.tables.agent_groups), g, key)
                }
                ConfigObject::Queue(q) => add(Arc::make_mut(&mut self.tables.queues), q, key),
                ConfigObject::Voicemail(v) => {
                    add(Arc::make_mut(&mut self.tables.voicemails), v, key)
                }
                ConfigObject::Profile(p) => add(Arc::make_mut(&mut self.tables.profiles), p, key),
                ConfigObject::Room(r) => add(Arc::make_mut(&mut self.tables.rooms), r, key),
                ConfigObject::QueueMember { queue, member } => {
                    let q = self.queue_mut(queue)?;
                    if q.members.iter().any(|m| m.agent == member.agent) {
                        return Err(ConfigError::AlreadyExists(key));
                    }
                    q.members.push(member);
                    Ok(())
                }
            },
            ConfigChange::Updated(object) => match object {
                ConfigObject::User(u) => {
                    update(Arc::make_mut(&mut self.tables.users).as_mut_slice(), u, key)
                }
                ConfigObject::Line(l) => {
                    update(Arc::make_mut(&mut self.tables.lines).as_mut_slice(), l, key)
                }
                ConfigObject::Agent(a) => update(
                    Arc::make_mut(&mut self.tables.agents).as_mut_slice(),
                    a,
                    key,
                ),
                ConfigObject::AgentGroup(g) => update(
                    Arc::make_mut(&mut self.tables.agent_groups).as_mut_slice(),
                    g,
                    key,
                ),
                ConfigObject::Queue(mut q) => {
                    q.members = self.queue_mut(q.id)?.members.clone();
                    update(
                        Arc::make_mut(&mut self.tables.queues).as_mut_slice(),
                        q,
                        key,
                    )
                }
                ConfigObject::Voicemail(v) => update(
                    Arc::make_mut(&mut self.tables.voicemails).as_mut_slice(),
                    v,
                    key,
                ),
                ConfigObject::Profile(p) => update(
                    Arc::make_mut(&mut self.tables.profiles).as_mut_slice(),
                    p,
                    key,
                ),
                ConfigObject::Room(r) => {
                    update(Arc::make_mut(&mut self.tables.rooms).as_mut_slice(), r, key)
                }
                ConfigObject::QueueMember { queue, member } => {
                    let slot = self
                        .queue_mut(queue)?
                        .members
                        .iter_mut()
                        .find(|m| m.agent == member.agent)
                        .ok_or(ConfigError::Unknown(key))?;
                    *slot = member;
                    Ok(())
                }
            },
            ConfigChange::Removed(key) => match key {
                ConfigKey::User(id) => remove(Arc::make_mut(&mut self.tables.users), id, key),
                ConfigKey::Line(id) => remove(Arc::make_mut(&mut self.tables.lines), id, key),
                ConfigKey::Agent(id) => remove(Arc::make_mut(&mut self.tables.agents), id, key),
                ConfigKey::AgentGroup(id) => {
                    remove(Arc::make_mut(&mut self.tables.agent_groups), id, key)
                }
                ConfigKey::Queue(id) => remove(Arc::make_mut(&mut self.tables.queues), id, key),
                ConfigKey::Voicemail(id) => {
                    remove(Arc::make_mut(&mut self.tables.voicemails), id, key)
                }
                ConfigKey::Profile(id) => remove(Arc::make_mut(&mut self.tables.profiles), id, key),
                ConfigKey::Room(id) => remove(Arc::make_mut(&mut self.tables.rooms), id, key),
                ConfigKey::QueueMember(queue, agent) => {
                    let q = self.queue_mut(queue)?;
                    let at = q
                        .members
                        .iter()
                        .position(|m| m.agent == agent)
                        .ok_or(ConfigError::Unknown(key))?;
                    q.members.remove(at);
                    Ok(())
                }
            },
        }
    }

    fn queue_mut(&mut self, id: QueueId) -> Result<&mut Queue, ConfigError> {
        Arc::make_mut(&mut self.tables.queues)
            .iter_mut()
            .find(|q| q.id == id)
            .ok_or(ConfigError::Unknown(ConfigKey::Queue(id)))
    }

    /// The changes that turn this dataset into `next` (a reloaded file), in an order that
    /// applies: removals first (memberships before agents and queues), then additions and
    /// updates. Sections that cannot change while running (`xivo_uuid`, `dialplan`,
    /// `presence_groups`, `phone_hints`) are named in [`ConfigDiff::fixed`].
    pub fn changes_to(&self, next: &Dataset) -> ConfigDiff {
        let mut removed = Vec::new();
        let mut changed = Vec::new();
        // Memberships of queues present in both.
        for q in self.tables.queues.iter() {
            let Some(nq) = next.queue(q.id) else { continue };
            for m in &q.members {
                match nq.members.iter().find(|n| n.agent == m.agent) {
                    None => {
                        removed.push(ConfigChange::Removed(ConfigKey::QueueMember(q.id, m.agent)))
                    }
                    Some(n) if n != m => {
                        changed.push(ConfigChange::Updated(ConfigObject::QueueMember {
                            queue: q.id,
                            member: n.clone(),
                        }))
                    }
                    Some(_) => {}
                }
            }
        }
        diff_table(
            &self.tables.queues,
            &next.tables.queues,
            ConfigKey::Queue,
            ConfigObject::Queue,
            |a, b| {
                Queue {
                    members: Vec::new(),
                    ..a.clone()
                } == Queue {
                    members: Vec::new(),
                    ..b.clone()
                }
            },
            &mut removed,
            &mut changed,
        );
        for q in next.tables.queues.iter() {
            let Some(old) = self.queue(q.id) else {
                continue;
            };
            for n in &q.members {
                if !old.members.iter().any(|m| m.agent == n.agent) {
                    changed.push(ConfigChange::Added(ConfigObject::QueueMember {
                        queue: q.id,
                        member: n.clone(),
                    }));
                }
            }
        }
        // Groups before agents: an added group exists before an agent joins it (a whole set
        // is validated at its end, but the events follow this order).
        diff_table(
            &self.tables.agent_groups,
            &next.tables.agent_groups,
            ConfigKey::AgentGroup,
            ConfigObject::AgentGroup,
            PartialEq::eq,
            &mut removed,
            &mut changed,
        );
        diff_table(
            &self.tables.agents,
            &next.tables.agents,
            ConfigKey::Agent,
            ConfigObject::Agent,
            PartialEq::eq,
            &mut removed,
            &mut changed,
        );
        diff_table(
            &self.tables.users,
            &next.tables.users,
            ConfigKey::User,
            ConfigObject::User,
            PartialEq::eq,
            &mut removed,
            &mut changed,
        );
        diff_table(
            &self.tables.lines,
            &next.tables.lines,
            ConfigKey::Line,
            ConfigObject::Line,
            PartialEq::eq,
            &mut removed,
            &mut changed,
        );
        diff_table(
            &self.tables.voicemails,
            &next.tables.voicemails,
            ConfigKey::Voicemail,
            ConfigObject::Voicemail,
            PartialEq::eq,
            &mut removed,
            &mut changed,
        );
        diff_table(
            &self.tables.profiles,
            &next.tables.profiles,
            ConfigKey::Profile,
            ConfigObject::Profile,
            PartialEq::eq,
            &mut removed,
            &mut changed,
        );
        diff_table(
            &self.tables.rooms,
            &next.tables.rooms,
            ConfigKey::Room,
            ConfigObject::Room,
            PartialEq::eq,
            &mut removed,
            &mut changed,
        );
        let mut fixed = Vec::new();
        if self.tables.xivo_uuid != next.tables.xivo_uuid {
            fixed.push("xivo_uuid");
        }
        if self.tables.dialplan != next.tables.dialplan {
            fixed.push("dialplan");
        }
        if self.tables.presence_groups != next.tables.presence_groups {
            fixed.push("presence_groups");
        }
        if self.tables.phone_hints != next.tables.phone_hints {
            fixed.push("phone_hints");
        }
        removed.extend(changed);
        ConfigDiff {
            changes: removed,
            fixed,
        }
    }

    /// Loads a dataset file to replace this one: as [`Dataset::load`], except that a clear
    /// `password` this dataset's hash already verifies keeps that hash (a reload then sees no
    /// change where the file has none). Hashes and checks passwords: run it off the core task.
    pub fn reload(&self, path: &std::path::Path) -> Result<Dataset, DatasetError> {
        let reuse = |user: &User| -> Option<String> {
            let clear = user.password.as_deref()?;
            let hash = self.user(user.id)?.password_hash.as_deref()?;
            crate::auth::verify_password(hash, clear).then(|| hash.to_owned())
        };
        Dataset::load_with(path, PasswordReuse(&reuse))
    }
}

/// The changes between two datasets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConfigDiff {
    /// What to apply, in order.
    pub changes: Vec<ConfigChange>,
    /// Sections that differ but only take effect at restart.
    pub fixed: Vec<&'static str>,
}

impl ConfigDiff {
    /// How many objects are added, updated and removed.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |k| self.changes.iter().filter(|c| c.kind() == k).count();
        (
            count(ChangeKind::Added),
            count(ChangeKind::Updated),
            count(ChangeKind::Removed),
        )
    }
}

fn diff_table<T: Keyed + Clone>(
    old: &[T],
    new: &[T],
    key: impl Fn(T::Id) -> ConfigKey,
    object: impl Fn(T) -> ConfigObject,
    same: impl Fn(&T, &T) -> bool,
    removed: &mut Vec<ConfigChange>,
    changed: &mut Vec<ConfigChange>,
) {
    let olds: HashMap<T::Id, &T> = old.iter().map(|o| (o.key(), o)).collect();
    let news: HashSet<T::Id> = new.iter().map(|n| n.key()).collect();
    for o in old {
        if !news.contains(&o.key()) {
            removed.push(ConfigChange::Removed(key(o.key())));
        }
    }
    for n in new {
        match olds.get(&n.key()) {
            None => changed.push(ConfigChange::Added(object(n.clone()))),
            Some(o) if !same(o, n) => changed.push(ConfigChange::Updated(object(n.clone()))),
            Some(_) => {}
        }
    }
}

/// A version of the configuration as events carry it: equal when it is the same version, shown
/// as its version number.
#[derive(Clone, Debug)]
pub struct DatasetVersion(pub std::sync::Arc<Dataset>);

impl PartialEq for DatasetVersion {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Serialize for DatasetVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0.version())
    }
}
