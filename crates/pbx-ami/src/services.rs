//! Users' services (do not disturb, call filter, voicemail, the three forwards) where the
//! dialplan reads them: AstDB, written with `DBPut`, family `ctid/<line number>`, keys `dnd`,
//! `incallfilter`, `vm_enabled` (`1` / `0`), `fwd_unc`, `fwd_busy`, `fwd_rna` (the destination,
//! empty when the forward is off). The dialplan `ctid asterisk-config` writes reads them.
//!
//! ctid keeps the services, not Asterisk: a [`ServiceBook`] holds every user's current ones
//! (the dataset's, then each `SetServices` the core sends, connected or not), so that every
//! (re)connect writes them all (Asterisk may have restarted with an empty AstDB, or the services
//! changed while it was gone), and a change made while not connected is written later instead
//! of failing.

use std::collections::{BTreeMap, BTreeSet};

use ctid_core::Dataset;
use ctid_core::dataset::{Forward, UserServices};
use ctid_core::ids::UserId;

use crate::message::AmiMessage;

/// The AstDB family holding one line's services: `ctid/<line number>`.
pub fn family(line_number: &str) -> String {
    format!("ctid/{line_number}")
}

/// The `DBPut` actions writing `services` for the line numbered `line_number`.
pub fn writes(line_number: &str, services: &UserServices) -> Vec<AmiMessage> {
    let family = family(line_number);
    let flag = |on: bool| if on { "1" } else { "0" };
    let forward = |f: &Forward| {
        if f.enabled {
            f.destination.clone()
        } else {
            String::new()
        }
    };
    let keys = [
        ("dnd", flag(services.dnd).to_owned()),
        ("incallfilter", flag(services.incallfilter).to_owned()),
        ("vm_enabled", flag(services.voicemail_enabled).to_owned()),
        ("fwd_unc", forward(&services.fwd_unconditional)),
        ("fwd_busy", forward(&services.fwd_busy)),
        ("fwd_rna", forward(&services.fwd_noanswer)),
    ];
    keys.into_iter()
        .map(|(key, value)| {
            AmiMessage::action("DBPut")
                .with("Family", &family)
                .with("Key", key)
                .with("Val", &value)
        })
        .collect()
}

/// Every user's current services, and those changed since they were last written.
#[derive(Debug, Default)]
pub struct ServiceBook {
    by_user: BTreeMap<UserId, UserServices>,
    unwritten: BTreeSet<UserId>,
}

impl ServiceBook {
    /// The dataset's services of every user.
    pub fn new(dataset: &Dataset) -> ServiceBook {
        ServiceBook {
            by_user: dataset
                .users()
                .iter()
                .map(|u| (u.id, u.services.clone()))
                .collect(),
            unwritten: BTreeSet::new(),
        }
    }

    /// Records a user's services (the core's `SetServices`), not written yet.
    pub fn set(&mut self, user: UserId, services: UserServices) {
        self.by_user.insert(user, services);
        self.unwritten.insert(user);
    }

    /// The services kept for `user`.
    pub fn get(&self, user: UserId) -> Option<&UserServices> {
        self.by_user.get(&user)
    }

    /// Records that `user`'s services were just written (sent while connected).
    pub fn written(&mut self, user: UserId) {
        self.unwritten.remove(&user);
    }

    /// Follows a new configuration (`old` → `new`): users gone are forgotten, new users start
    /// with their configured services; the others keep what the core said. New users and users
    /// whose line number changed are to be written.
    pub fn follow(&mut self, old: &Dataset, new: &Dataset) {
        self.by_user.retain(|user, _| new.user(*user).is_some());
        self.unwritten.retain(|user| new.user(*user).is_some());
        for user in new.users() {
            if let std::collections::btree_map::Entry::Vacant(entry) = self.by_user.entry(user.id) {
                entry.insert(user.services.clone());
                self.unwritten.insert(user.id);
            }
            let number = |d: &Dataset| d.line_of_user(user.id).map(|l| l.number.clone());
            if number(old) != number(new) {
                self.unwritten.insert(user.id);
            }
        }
    }

    /// The writes of every user who has a line (in user order); nothing is unwritten after.
    pub fn write_all(&mut self, dataset: &Dataset) -> Vec<AmiMessage> {
        self.unwritten.clear();
        self.by_user
            .iter()
            .filter_map(|(user, services)| {
                Some(writes(&dataset.line_of_user(*user)?.number, services))
            })
            .flatten()
            .collect()
    }

    /// The writes of the users whose services changed since last written; nothing is
    /// unwritten after.
    pub fn write_unwritten(&mut self, dataset: &Dataset) -> Vec<AmiMessage> {
        let users = std::mem::take(&mut self.unwritten);
        users
            .into_iter()
            .filter_map(|user| {
                let line = dataset.line_of_user(user)?;
                Some(writes(&line.number, self.by_user.get(&user)?))
            })
            .flatten()
            .collect()
    }

    /// Whether some change waits to be written.
    pub fn has_unwritten(&self) -> bool {
        !self.unwritten.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Dataset {
        Dataset::demo()
    }

    fn values(messages: &[AmiMessage]) -> Vec<(String, String, String)> {
        messages
            .iter()
            .map(|m| {
                assert_eq!(m.kind(), crate::message::Kind::Action("DBPut"));
                (
                    m.get("Family").unwrap().to_owned(),
                    m.get("Key").unwrap().to_owned(),
                    m.get("Val").unwrap().to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn writes_name_every_key_with_flags_and_destinations() {
        let services = UserServices {
            dnd: true,
            fwd_busy: Forward {
                enabled: true,
                destination: "1003".into(),
            },
            fwd_noanswer: Forward {
                enabled: false,
                destination: "1004".into(),
            },
            ..UserServices::default()
        };
        let put = values(&writes("1001", &services));
        let f = |k: &str, v: &str| ("ctid/1001".to_owned(), k.to_owned(), v.to_owned());
        assert_eq!(
            put,
            [
                f("dnd", "1"),
                f("incallfilter", "0"),
                f("vm_enabled", "1"),
                f("fwd_unc", ""),
                f("fwd_busy", "1003"),
                f("fwd_rna", ""),
            ]
        );
    }

    #[test]
    fn the_book_writes_everyone_with_a_line_then_only_what_changed() {
        let d = demo();
        let mut book = ServiceBook::new(&d);
        let with_line = d.users().iter().filter(|u| u.line.is_some()).count();
        assert!(with_line > 1, "the demo has users with lines");
        assert_eq!(book.write_all(&d).len(), with_line * 6);
        assert!(!book.has_unwritten());
        assert!(book.write_unwritten(&d).is_empty());

        let user = d.users().iter().find(|u| u.line.is_some()).unwrap();
        let dnd = UserServices {
            dnd: true,
            ..user.services.clone()
        };
        book.set(user.id, dnd.clone());
        assert!(book.has_unwritten());
        assert_eq!(book.get(user.id), Some(&dnd));
        let number = &d.line_of_user(user.id).unwrap().number;
        let put = values(&book.write_unwritten(&d));
        assert_eq!(put.len(), 6);
        assert!(put.contains(&(family(number), "dnd".into(), "1".into())));
        assert!(!book.has_unwritten());
        // Everyone again on the next connect, the change kept.
        let all = values(&book.write_all(&d));
        assert!(all.contains(&(family(number), "dnd".into(), "1".into())));
    }

    #[test]
    fn users_without_a_line_have_nothing_to_write() {
        let d = demo();
        let mut book = ServiceBook::new(&d);
        if let Some(lineless) = d.users().iter().find(|u| u.line.is_none()) {
            book.set(lineless.id, UserServices::default());
            assert!(book.write_unwritten(&d).is_empty());
        }
        let unknown = UserId(u32::MAX);
        book.set(unknown, UserServices::default());
        book.follow(&d, &d);
        assert_eq!(book.get(unknown), None, "users gone are forgotten");
        assert!(book.write_unwritten(&d).is_empty(), "nothing changed");

        // A user moved to another line is written again, under its new number.
        let mut tables = d.clone().into_tables();
        let moved = tables.users.iter().position(|u| u.line.is_some()).unwrap();
        let mut line = tables.lines[0].clone();
        line.id = ctid_core::ids::LineId(99);
        line.number = "1099".into();
        line.name = "1099".into();
        let free_line = line.id;
        tables.lines.push(line);
        tables.users[moved].line = Some(free_line);
        let next = Dataset::from_tables(tables).unwrap();
        book.follow(&d, &next);
        let put = values(&book.write_unwritten(&next));
        let number = &next.line(free_line).unwrap().number;
        assert_eq!(put.len(), 6);
        assert!(put.iter().all(|(f, _, _)| *f == family(number)));
    }
}
