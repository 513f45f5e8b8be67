//! Loading a dataset: TOML parsing, defaults, validation of references, password hashing and the
//! lookup index.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{Dataset, Destination, Index, MAX_QUEUE_CALLERS, Tables};
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
            tables,
            index: Index::default(),
            version: 0,
        };
        ds.complete()?;
        Ok(ds)
    }

    pub(super) fn complete(&mut self) -> Result<(), DatasetError> {
        self.fill_defaults()?;
        self.index = self.build_index()?;
        self.check_references()?;
        Ok(())
    }

    fn fill_defaults(&mut self) -> Result<(), DatasetError> {
        for user in &mut self.tables.users {
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
        }
        for line in &mut self.tables.lines {
            if line.name.is_empty() {
                line.name = line.number.clone();
            }
        }
        for group in &mut self.tables.agent_groups {
            if group.displayname.is_empty() {
                group.displayname = group.name.clone();
            }
        }
        for queue in &mut self.tables.queues {
            if queue.displayname.is_empty() {
                queue.displayname = queue.name.clone();
            }
        }
        let names: HashMap<_, _> = self
            .users()
            .iter()
            .map(|u| (u.id, (u.firstname.clone(), u.lastname.clone())))
            .collect();
        for agent in &mut self.tables.agents {
            if let Some((first, last)) = agent.user.and_then(|u| names.get(&u)) {
                if agent.firstname.is_empty() {
                    agent.firstname = first.clone();
                }
                if agent.lastname.is_empty() {
                    agent.lastname = last.clone();
                }
            }
        }
        Ok(())
    }

    fn build_index(&self) -> Result<Index, DatasetError> {
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
        let mut ix = Index::default();
        for (i, u) in self.tables.users.iter().enumerate() {
            unique(&mut ix.users, u.id, i, "user id")?;
            unique(&mut ix.users_by_login, u.login.clone(), i, "user login")?;
            unique(&mut ix.users_by_uuid, u.uuid.clone(), i, "user uuid")?;
            if let Some(line) = u.line {
                unique(&mut ix.users_by_line, line, i, "line owner for line")?;
            }
        }
        let mut numbers = HashMap::new();
        let mut claim = |number: &str, dest: Destination| -> Result<(), DatasetError> {
            if number.is_empty() || numbers.insert(number.to_owned(), dest).is_some() {
                return Err(DatasetError::Invalid(format!(
                    "extension number {number:?} is empty or used twice"
                )));
            }
            Ok(())
        };
        for (i, l) in self.tables.lines.iter().enumerate() {
            unique(&mut ix.lines, l.id, i, "line id")?;
            claim(&l.number, Destination::Line(l.id))?;
            ix.line_by_interface.insert(l.interface(), l.id);
            ix.line_by_interface.insert(l.identity(), l.id);
        }
        for (i, a) in self.tables.agents.iter().enumerate() {
            unique(&mut ix.agents, a.id, i, "agent id")?;
            unique(
                &mut ix.agents_by_number,
                a.number.clone(),
                i,
                "agent number",
            )?;
            if let Some(user) = a.user {
                unique(&mut ix.agents_by_user, user, i, "agent of user")?;
            }
        }
        let mut group_names = HashMap::new();
        for (i, g) in self.tables.agent_groups.iter().enumerate() {
            unique(&mut ix.agent_groups, g.id, i, "agent group id")?;
            unique(&mut group_names, g.name.clone(), i, "agent group name")?;
        }
        for (i, q) in self.tables.queues.iter().enumerate() {
            unique(&mut ix.queues, q.id, i, "queue id")?;
            unique(&mut ix.queues_by_name, q.name.clone(), i, "queue name")?;
            claim(&q.number, Destination::Queue(q.id))?;
        }
        for (i, v) in self.tables.voicemails.iter().enumerate() {
            unique(&mut ix.voicemails, v.id, i, "voicemail id")?;
        }
        for (i, r) in self.tables.rooms.iter().enumerate() {
            unique(&mut ix.rooms, r.id, i, "room id")?;
            claim(&r.number, Destination::Room(r.id))?;
        }
        for (i, p) in self.tables.profiles.iter().enumerate() {
            unique(&mut ix.profiles, p.id, i, "profile id")?;
        }
        ix.numbers = numbers;
        Ok(ix)
    }

    fn check_references(&self) -> Result<(), DatasetError> {
        let bad = |what: String| Err(DatasetError::Invalid(what));
        for u in &self.tables.users {
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
        for a in &self.tables.agents {
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
        for q in &self.tables.queues {
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
        for p in &self.tables.profiles {
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
        for g in &self.tables.presence_groups {
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
