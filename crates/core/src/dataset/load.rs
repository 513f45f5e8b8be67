//! Loading a dataset: TOML parsing, defaults, validation of references, password hashing and the
//! lookup index.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use std::sync::Arc;

use super::{
    AgentIndex, Dataset, Destination, Index, LineIndex, MAX_QUEUE_CALLERS, QueueIndex, Stored,
    Tables, Touched, UserIndex,
};
use crate::auth;

/// Why a dataset could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// The file could not be read.
    #[error("cannot read dataset file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The TOML is malformed or has unknown keys.
    #[error("invalid dataset: {0}")]
    Parse(#[from] toml::de::Error),
    /// The content is inconsistent (duplicate ids or numbers, dangling references).
    #[error("invalid dataset: {0}")]
    Invalid(String),
}

/// Where a reloaded file's clear passwords may take the hash they already have.
pub(super) struct PasswordReuse<'a>(pub &'a dyn Fn(&super::User) -> Option<String>);

const DEMO: &str = include_str!("demo.toml");

impl Dataset {
    /// The built-in demo dataset (alice, bob, carol, dave, eve, frank; queues sales and support;
    /// room standup). Documentation and tests rely on its exact content.
    pub fn demo() -> Dataset {
        Dataset::from_toml_str(DEMO).expect("the built-in demo dataset is valid")
    }

    /// The demo dataset's TOML source (a starting point for a dataset of one's own).
    pub fn demo_toml() -> &'static str {
        DEMO
    }

    /// Loads a dataset file.
    pub fn load(path: &Path) -> Result<Dataset, DatasetError> {
        let text = std::fs::read_to_string(path).map_err(|source| DatasetError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Dataset::from_toml_str(&text)
    }

    /// Loads a dataset file, taking a user's hash from `reuse` instead of hashing its clear
    /// password when `reuse` has one.
    pub(super) fn load_with(
        path: &Path,
        reuse: PasswordReuse<'_>,
    ) -> Result<Dataset, DatasetError> {
        let text = std::fs::read_to_string(path).map_err(|source| DatasetError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let mut tables: Tables = toml::from_str(&text)?;
        for user in &mut tables.users {
            if let Some(hash) = (reuse.0)(user) {
                user.password = None;
                user.password_hash = Some(hash);
            }
        }
        Dataset::from_tables(tables)
    }

    /// Parses and validates a dataset from TOML text.
    pub fn from_toml_str(text: &str) -> Result<Dataset, DatasetError> {
        Dataset::from_tables(toml::from_str(text)?)
    }

    /// Validates tables built or edited in code and indexes them (generated datasets in
    /// benchmarks, variants of the demo in tests): defaults filled, clear passwords hashed,
    /// references checked, as a loaded file is.
    pub fn from_tables(tables: Tables) -> Result<Dataset, DatasetError> {
        let mut ds = Dataset {
            tables: Stored::from(tables),
            index: Index::default(),
            version: 0,
        };
        ds.complete(Touched::ALL)?;
        Ok(ds)
    }

    /// Fills the defaults of and re-indexes the `touched` tables (the others, and their index,
    /// are shared with the version they come from), then checks every reference.
    pub(super) fn complete(&mut self, touched: Touched) -> Result<(), DatasetError> {
        self.fill_defaults(touched)?;
        self.build_index(touched)?;
        self.check_references()?;
        Ok(())
    }

    fn fill_defaults(&mut self, touched: Touched) -> Result<(), DatasetError> {
        let t = &mut self.tables;
        if touched.whole {
            for user in Arc::make_mut(&mut t.users) {
                complete_user(user)?;
            }
        }
        if touched.lines && t.lines.iter().any(|l| l.name.is_empty()) {
            for line in Arc::make_mut(&mut t.lines) {
                if line.name.is_empty() {
                    line.name = line.number.clone();
                }
            }
        }
        if touched.agent_groups && t.agent_groups.iter().any(|g| g.displayname.is_empty()) {
            for group in Arc::make_mut(&mut t.agent_groups) {
                if group.displayname.is_empty() {
                    group.displayname = group.name.clone();
                }
            }
        }
        if touched.queues && t.queues.iter().any(|q| q.displayname.is_empty()) {
            for queue in Arc::make_mut(&mut t.queues) {
                if queue.displayname.is_empty() {
                    queue.displayname = queue.name.clone();
                }
            }
        }
        let unnamed = |a: &super::Agent| {
            a.user.is_some() && (a.firstname.is_empty() || a.lastname.is_empty())
        };
        if (touched.agents || touched.users) && t.agents.iter().any(unnamed) {
            let names: HashMap<_, _> = t
                .users
                .iter()
                .map(|u| (u.id, (u.firstname.clone(), u.lastname.clone())))
                .collect();
            for agent in Arc::make_mut(&mut t.agents) {
                if let Some((first, last)) = agent.user.and_then(|u| names.get(&u)) {
                    if agent.firstname.is_empty() {
                        agent.firstname = first.clone();
                    }
                    if agent.lastname.is_empty() {
                        agent.lastname = last.clone();
                    }
                }
            }
        }
        Ok(())
    }

    fn build_index(&mut self, touched: Touched) -> Result<(), DatasetError> {
        fn unique<K: std::hash::Hash + Eq + std::fmt::Display>(
            map: &mut HashMap<K, usize>,
            key: K,
            i: usize,
            what: &str,
        ) -> Result<(), DatasetError> {
            let shown = key.to_string();
            if map.insert(key, i).is_some() {
                return Err(DatasetError::Invalid(format!("duplicate {what} {shown}")));
            }
            Ok(())
        }
        fn ids<K: std::hash::Hash + Eq + std::fmt::Display + Copy, T>(
            table: &[T],
            id: impl Fn(&T) -> K,
            what: &str,
        ) -> Result<Arc<HashMap<K, usize>>, DatasetError> {
            let mut map = HashMap::with_capacity(table.len());
            for (i, item) in table.iter().enumerate() {
                unique(&mut map, id(item), i, what)?;
            }
            Ok(Arc::new(map))
        }
        let t = &self.tables;
        let ix = &mut self.index;
        if touched.users {
            let mut users = UserIndex::default();
            for (i, u) in t.users.iter().enumerate() {
                unique(&mut users.by_id, u.id, i, "user id")?;
                unique(&mut users.by_login, u.login.clone(), i, "user login")?;
                unique(&mut users.by_uuid, u.uuid.clone(), i, "user uuid")?;
                if let Some(line) = u.line {
                    unique(&mut users.by_line, line, i, "line owner for line")?;
                }
            }
            ix.users = Arc::new(users);
        }
        if touched.lines {
            let mut lines = LineIndex::default();
            for (i, l) in t.lines.iter().enumerate() {
                unique(&mut lines.by_id, l.id, i, "line id")?;
                lines.by_interface.insert(l.interface(), l.id);
                lines.by_interface.insert(l.identity(), l.id);
            }
            ix.lines = Arc::new(lines);
        }
        if touched.agents {
            let mut agents = AgentIndex::default();
            for (i, a) in t.agents.iter().enumerate() {
                unique(&mut agents.by_id, a.id, i, "agent id")?;
                unique(&mut agents.by_number, a.number.clone(), i, "agent number")?;
                if let Some(user) = a.user {
                    unique(&mut agents.by_user, user, i, "agent of user")?;
                }
            }
            ix.agents = Arc::new(agents);
        }
        if touched.agent_groups {
            let mut names = HashMap::new();
            for (i, g) in t.agent_groups.iter().enumerate() {
                unique(&mut names, g.name.clone(), i, "agent group name")?;
            }
            ix.agent_groups = ids(&t.agent_groups, |g| g.id, "agent group id")?;
        }
        if touched.queues {
            let mut queues = QueueIndex::default();
            for (i, q) in t.queues.iter().enumerate() {
                unique(&mut queues.by_id, q.id, i, "queue id")?;
                unique(&mut queues.by_name, q.name.clone(), i, "queue name")?;
            }
            ix.queues = Arc::new(queues);
        }
        if touched.voicemails {
            ix.voicemails = ids(&t.voicemails, |v| v.id, "voicemail id")?;
        }
        if touched.rooms {
            ix.rooms = ids(&t.rooms, |r| r.id, "room id")?;
        }
        if touched.profiles {
            ix.profiles = ids(&t.profiles, |p| p.id, "profile id")?;
        }
        if touched.lines || touched.queues || touched.rooms {
            let mut numbers = HashMap::with_capacity(t.lines.len() + t.queues.len());
            let mut claim = |number: &str, dest: Destination| -> Result<(), DatasetError> {
                if number.is_empty() || numbers.insert(number.to_owned(), dest).is_some() {
                    return Err(DatasetError::Invalid(format!(
                        "extension number {number:?} is empty or used twice"
                    )));
                }
                Ok(())
            };
            for l in t.lines.iter() {
                claim(&l.number, Destination::Line(l.id))?;
            }
            for q in t.queues.iter() {
                claim(&q.number, Destination::Queue(q.id))?;
            }
            for r in t.rooms.iter() {
                claim(&r.number, Destination::Room(r.id))?;
            }
            ix.numbers = Arc::new(numbers);
        }
        Ok(())
    }

    fn check_references(&self) -> Result<(), DatasetError> {
        let bad = |what: String| Err(DatasetError::Invalid(what));
        for u in self.tables.users.iter() {
            if let Some(l) = u.line
                && self.line(l).is_none()
            {
                return bad(format!("user {} refers to unknown line {l}", u.login));
            }
            if let Some(v) = u.voicemail
                && self.voicemail(v).is_none()
            {
                return bad(format!("user {} refers to unknown voicemail {v}", u.login));
            }
            if let Some(p) = u.profile
                && self.profile(p).is_none()
            {
                return bad(format!("user {} refers to unknown profile {p}", u.login));
            }
        }
        for a in self.tables.agents.iter() {
            if let Some(u) = a.user
                && self.user(u).is_none()
            {
                return bad(format!("agent {} refers to unknown user {u}", a.number));
            }
            if let Some(g) = a.group
                && self.agent_group(g).is_none()
            {
                return bad(format!(
                    "agent {} refers to unknown agent group {g}",
                    a.number
                ));
            }
        }
        for q in self.tables.queues.iter() {
            if !(1..=MAX_QUEUE_CALLERS).contains(&q.max_callers) {
                return bad(format!(
                    "queue {}: max_callers must be 1 to {MAX_QUEUE_CALLERS}, not {}",
                    q.name, q.max_callers
                ));
            }
            if let Some(dest) = &q.full_destination
                && self.resolve(dest).is_none()
            {
                return bad(format!(
                    "queue {}: full_destination {dest} is not a number of the numbering plan",
                    q.name
                ));
            }
            let mut seen = HashSet::new();
            for m in &q.members {
                if self.agent(m.agent).is_none() || !seen.insert(m.agent) {
                    return bad(format!(
                        "queue {}: member agent {} is unknown or listed twice",
                        q.name, m.agent
                    ));
                }
            }
        }
        for p in self.tables.profiles.iter() {
            if !self
                .presence_groups()
                .iter()
                .any(|g| g.name == p.presence_group)
            {
                return bad(format!(
                    "profile {} refers to unknown presence group {}",
                    p.name, p.presence_group
                ));
            }
        }
        for g in self.tables.presence_groups.iter() {
            for s in &g.statuses {
                for a in &s.allowed {
                    if g.status(a).is_none() {
                        return bad(format!(
                            "presence {}/{} allows unknown status {a}",
                            g.name, s.name
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A user's defaults (a uuid from the id), its clear password hashed and its hash checked: at
/// load for every user, and for each user a change adds or updates.
pub(super) fn complete_user(user: &mut super::User) -> Result<(), DatasetError> {
    if user.uuid.is_empty() {
        user.uuid = format!("00000000-0000-4000-8000-{:012}", user.id.0);
    }
    if let Some(clear) = user.password.take() {
        user.password_hash = Some(auth::hash_password(&clear));
    }
    if let Some(hash) = &user.password_hash
        && !auth::is_valid_hash(hash)
    {
        return Err(DatasetError::Invalid(format!(
            "user {}: password_hash is not an argon2 PHC string",
            user.login
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::*;

    #[test]
    fn the_demo_dataset_is_as_documented() {
        let ds = Dataset::demo();
        let logins: Vec<_> = ds
            .users()
            .iter()
            .map(|u| {
                (
                    u.login.as_str(),
                    ds.line_of_user(u.id).unwrap().number.as_str(),
                )
            })
            .collect();
        assert_eq!(
            logins,
            [
                ("alice", "1001"),
                ("bob", "1002"),
                ("carol", "1003"),
                ("dave", "1004"),
                ("eve", "1005"),
                ("frank", "1006")
            ]
        );
        for u in ds.users() {
            assert!(
                auth::verify_password(u.password_hash.as_deref().unwrap(), &u.login),
                "{}",
                u.login
            );
            let vm = ds.voicemail(u.voicemail.unwrap()).unwrap();
            assert_eq!(vm.mailbox, ds.line_of_user(u.id).unwrap().number);
            assert!(!u.mobile.is_empty());
            assert!(
                u.services.voicemail_enabled && !u.services.dnd,
                "{}: voicemail on, the rest off",
                u.login
            );
        }
        let agents: Vec<_> = ds
            .agents()
            .iter()
            .map(|a| {
                (
                    a.number.as_str(),
                    ds.user(a.user.unwrap()).unwrap().login.as_str(),
                )
            })
            .collect();
        assert_eq!(
            agents,
            [
                ("2001", "carol"),
                ("2002", "dave"),
                ("2003", "eve"),
                ("2004", "frank")
            ]
        );
        let sales = ds.queue_by_name("sales").unwrap();
        assert_eq!(sales.number, "3001");
        assert_eq!(
            sales
                .members
                .iter()
                .map(|m| ds.agent(m.agent).unwrap().number.as_str())
                .collect::<Vec<_>>(),
            ["2001", "2002", "2003"]
        );
        let support = ds.queue_by_name("support").unwrap();
        assert_eq!(support.number, "3002");
        assert_eq!(
            support
                .members
                .iter()
                .map(|m| ds.agent(m.agent).unwrap().number.as_str())
                .collect::<Vec<_>>(),
            ["2003", "2004"]
        );
        assert_eq!(ds.rooms()[0].name, "standup");
        assert_eq!(ds.rooms()[0].number, "4000");
        assert!(ds.is_supervisor(UserId(1)));
        assert!(ds.users().iter().skip(1).all(|u| !ds.is_supervisor(u.id)));
    }

    #[test]
    fn rejects_duplicates_and_dangling_references() {
        let dup = "[[lines]]\nid = 1\nnumber = \"1001\"\n[[lines]]\nid = 2\nnumber = \"1001\"\n";
        assert!(matches!(
            Dataset::from_toml_str(dup),
            Err(DatasetError::Invalid(_))
        ));
        let dangling = "[[users]]\nid = 1\nlogin = \"a\"\nfirstname = \"A\"\nline = 9\n";
        assert!(matches!(
            Dataset::from_toml_str(dangling),
            Err(DatasetError::Invalid(_))
        ));
        let unbounded = "[[queues]]\nid = 1\nname = \"q\"\nnumber = \"3001\"\nmax_callers = 0\n";
        assert!(matches!(
            Dataset::from_toml_str(unbounded),
            Err(DatasetError::Invalid(e)) if e.contains("max_callers")
        ));
        let typo = "[[users]]\nid = 1\nlogin = \"a\"\nfirstname = \"A\"\nlnie = 9\n";
        assert!(matches!(
            Dataset::from_toml_str(typo),
            Err(DatasetError::Parse(_))
        ));
    }

    #[test]
    fn clear_passwords_are_hashed_at_load() {
        let ds = Dataset::from_toml_str(
            "[[users]]\nid = 7\nlogin = \"zed\"\npassword = \"s3cret\"\nfirstname = \"Zed\"\n",
        )
        .unwrap();
        let u = ds.user(UserId(7)).unwrap();
        assert!(u.password.is_none());
        assert!(auth::verify_password(
            u.password_hash.as_deref().unwrap(),
            "s3cret"
        ));
        assert!(!toml::to_string(&ds).unwrap().contains("s3cret"));
    }
}
