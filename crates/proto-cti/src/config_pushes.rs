//! Configured objects in CTI form — the `config` of `getlist updateconfig` for users, phones,
//! agents, queues, voicemails and meetmes (notes §3.1) — and the pushes of configuration
//! changes, as xivo-ctid sends them: `getlist addconfig {list:[id]}` (the client then asks for
//! the object), `getlist updateconfig` with only the keys that changed, `getlist delconfig
//! {list:[id]}`. Queue memberships are pushed from the membership events (`render.rs`).

use serde_json::{Map, Value};

use ctid_core::Timestamp;
use ctid_core::dataset::{ChangeKind, ConfigKey, Dataset, User};
use ctid_core::ids::{AgentId, LineId, QueueId, RoomId, UserId, VoicemailId};

use crate::fanout::Topic;
use crate::wire::encode;
use crate::wire::input::ListName;
use crate::wire::output::{
    AgentConfig, IPBXID, ListChange, MeetmeConfig, ObjectReply, PhoneConfig, QueueConfig,
    UserConfig, UserServicesConfig, VoicemailConfig,
};

/// The CTI list and id of a configured object (none for what no list shows: profiles, agent
/// groups (CTI has no agent-group list), and memberships, pushed from their own events).
pub(crate) fn list_of(key: ConfigKey) -> Option<(ListName, String)> {
    Some(match key {
        ConfigKey::User(id) => (ListName::Users, id.to_string()),
        ConfigKey::Line(id) => (ListName::Phones, id.to_string()),
        ConfigKey::Agent(id) => (ListName::Agents, id.to_string()),
        ConfigKey::Queue(id) => (ListName::Queues, id.to_string()),
        ConfigKey::Voicemail(id) => (ListName::Voicemails, id.to_string()),
        ConfigKey::Room(id) => (ListName::Meetmes, id.to_string()),
        ConfigKey::QueueMember(..) | ConfigKey::Profile(_) | ConfigKey::AgentGroup(_) => {
            return None;
        }
    })
}

/// A user's configuration; `services` as the caller knows them (live, or none for a push of
/// configured fields).
pub(crate) fn user_config<'a>(
    ds: &'a Dataset,
    u: &'a User,
    services: UserServicesConfig,
) -> UserConfig<'a> {
    UserConfig {
        firstname: &u.firstname,
        lastname: &u.lastname,
        fullname: u.fullname(),
        mobilephonenumber: &u.mobile,
        agentid: ds.agent_of_user(u.id).map(|a| a.id.0),
        voicemailid: u.voicemail.map(|v| v.0),
        services,
        linelist: u.line.iter().map(|l| l.to_string()).collect(),
        xivo_uuid: ds.xivo_uuid(),
    }
}

/// A phone's configuration.
pub(crate) fn phone_config(ds: &Dataset, line: LineId) -> Option<PhoneConfig<'_>> {
    let l = ds.line(line)?;
    Some(PhoneConfig {
        number: &l.number,
        iduserfeatures: ds.user_of_line(l.id).map(|u| u.id.0),
        identity: l.identity(),
        context: &l.context,
    })
}

/// An agent's configuration.
pub(crate) fn agent_config(ds: &Dataset, agent: AgentId) -> Option<AgentConfig<'_>> {
    let a = ds.agent(agent)?;
    Some(AgentConfig {
        context: &a.context,
        firstname: &a.firstname,
        lastname: &a.lastname,
        number: &a.number,
    })
}

/// A queue's configuration.
pub(crate) fn queue_config(ds: &Dataset, queue: QueueId) -> Option<QueueConfig<'_>> {
    let q = ds.queue(queue)?;
    Some(QueueConfig {
        context: &q.context,
        name: &q.name,
        displayname: &q.displayname,
        number: &q.number,
    })
}

/// A voicemail box's configuration.
pub(crate) fn voicemail_config(ds: &Dataset, id: VoicemailId) -> Option<VoicemailConfig<'_>> {
    let v = ds.voicemail(id)?;
    Some(VoicemailConfig {
        context: &v.context,
        mailbox: &v.mailbox,
        fullname: &v.fullname,
    })
}

/// A conference room's configuration.
pub(crate) fn meetme_config(ds: &Dataset, room: RoomId) -> Option<MeetmeConfig<'_>> {
    let r = ds.room(room)?;
    Some(MeetmeConfig {
        context: &r.context,
        confno: &r.number,
        name: &r.name,
        admin_moderationmode: false,
        pin_required: r.pin.as_deref().is_some_and(|p| !p.is_empty()),
    })
}

/// An object's configured fields as a JSON object (a user's without its services, which are
/// live values the core owns and pushes on their own).
fn config_fields(ds: &Dataset, key: ConfigKey) -> Option<Map<String, Value>> {
    let value = match key {
        ConfigKey::User(id) => {
            let u = ds.user(id)?;
            serde_json::to_value(user_config(ds, u, UserServicesConfig::default()))
        }
        ConfigKey::Line(id) => serde_json::to_value(phone_config(ds, id)?),
        ConfigKey::Agent(id) => serde_json::to_value(agent_config(ds, id)?),
        ConfigKey::Queue(id) => serde_json::to_value(queue_config(ds, id)?),
        ConfigKey::Voicemail(id) => serde_json::to_value(voicemail_config(ds, id)?),
        ConfigKey::Room(id) => serde_json::to_value(meetme_config(ds, id)?),
        ConfigKey::QueueMember(..) | ConfigKey::Profile(_) | ConfigKey::AgentGroup(_) => {
            return None;
        }
    };
    match value {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// The pushes of one configuration change from `old` to `new`: `addconfig` or `delconfig` of
/// the object's id, or an `updateconfig` with the keys whose value changed (nothing when none
/// did). A change of a user's or agent's names also updates the objects that show them.
pub(crate) fn render_change(
    old: &Dataset,
    new: &Dataset,
    key: ConfigKey,
    change: ChangeKind,
    now: Timestamp,
    out: &mut ctid_face::Pushes<Topic>,
) {
    let Some((list, tid)) = list_of(key) else {
        return;
    };
    let topic = Topic::List(list);
    match change {
        ChangeKind::Added | ChangeKind::Removed => {
            let function = if change == ChangeKind::Added {
                "addconfig"
            } else {
                "delconfig"
            };
            let msg = ListChange {
                class: "getlist",
                function,
                listname: list.as_str(),
                tipbxid: IPBXID,
                list: [&tid],
            };
            out.push((topic, encode(&msg, now)));
        }
        ChangeKind::Updated => {
            let before = config_fields(old, key).unwrap_or_default();
            let Some(after) = config_fields(new, key) else {
                return;
            };
            let changed: Map<String, Value> = after
                .into_iter()
                .filter(|(k, v)| before.get(k) != Some(v))
                .collect();
            if changed.is_empty() {
                return;
            }
            let msg = ObjectReply::config(list.as_str(), &tid, changed);
            out.push((topic, encode(&msg, now)));
        }
    }
    // A user's line and agent show the user: keep their owners' view right.
    if let ConfigKey::User(user) = key {
        for line in lines_of(old, user).chain(lines_of(new, user)) {
            if old.line(line).is_some() && new.line(line).is_some() {
                render_change(
                    old,
                    new,
                    ConfigKey::Line(line),
                    ChangeKind::Updated,
                    now,
                    out,
                );
            }
        }
    }
}

fn lines_of(ds: &Dataset, user: UserId) -> impl Iterator<Item = LineId> {
    ds.user(user).and_then(|u| u.line).into_iter()
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use ctid_core::dataset::{ConfigChange, ConfigObject};

    fn json(b: &Bytes) -> Value {
        serde_json::from_slice(b).expect("json")
    }

    #[test]
    fn an_update_pushes_only_the_keys_that_changed() {
        let old = Dataset::demo();
        let mut bob = old.user(UserId(2)).unwrap().clone();
        bob.firstname = "Robert".to_owned();
        let new = old
            .with_changes(&[ConfigChange::Updated(ConfigObject::User(bob))])
            .unwrap();
        let mut out = ctid_face::Pushes::new();
        render_change(
            &old,
            &new,
            ConfigKey::User(UserId(2)),
            ChangeKind::Updated,
            ctid_core::ManualClock::DEFAULT_START,
            &mut out,
        );
        assert_eq!(out.len(), 1, "the line's owner id did not change");
        assert_eq!(out[0].0, Topic::List(ListName::Users));
        let msg = json(&out[0].1);
        assert_eq!(msg["function"], "updateconfig");
        assert_eq!(msg["tid"], "2");
        assert_eq!(
            msg["config"],
            serde_json::json!({"firstname": "Robert", "fullname": "Robert Bernard"})
        );
    }

    #[test]
    fn additions_and_removals_push_the_id() {
        let ds = Dataset::demo();
        for (change, function) in [
            (ChangeKind::Added, "addconfig"),
            (ChangeKind::Removed, "delconfig"),
        ] {
            let mut out = ctid_face::Pushes::new();
            render_change(
                &ds,
                &ds,
                ConfigKey::Queue(QueueId(7)),
                change,
                ctid_core::ManualClock::DEFAULT_START,
                &mut out,
            );
            let msg = json(&out[0].1);
            assert_eq!(msg["class"], "getlist");
            assert_eq!(msg["function"], function);
            assert_eq!(msg["listname"], "queues");
            assert_eq!(msg["tipbxid"], "xivo");
            assert_eq!(msg["list"], serde_json::json!(["7"]));
        }
    }
}
