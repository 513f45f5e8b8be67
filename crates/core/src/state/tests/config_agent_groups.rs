//! Agent groups while running: added, updated and removed through configuration changes, each
//! announced by an `Event::Config`; a group still referred to by an agent cannot be removed; a
//! reloaded file's group changes come out of `Dataset::changes_to`.

use super::script::*;
use crate::dataset::{
    AgentGroup, ChangeKind, ConfigChange, ConfigError, ConfigKey, ConfigObject, Dataset,
};
use crate::event::Event;
use crate::ids::{AgentGroupId, AgentId};

fn group(id: u32, name: &str) -> AgentGroup {
    AgentGroup {
        id: AgentGroupId(id),
        name: name.to_owned(),
        displayname: String::new(),
    }
}

fn apply(w: &mut World, changes: Vec<ConfigChange>) -> (Result<(), ConfigError>, Vec<Event>) {
    let (mut actions, mut events) = (Vec::new(), Vec::new());
    let result = w
        .state
        .apply_config(w.now, changes, &mut actions, &mut events);
    (result, events)
}

fn config_events(events: &[Event]) -> Vec<(ConfigKey, ChangeKind)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Config { key, change, .. } => Some((*key, *change)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_demo_has_two_agent_groups() {
    let ds = Dataset::demo();
    let groups: Vec<_> = ds
        .agent_groups()
        .iter()
        .map(|g| (g.id.0, g.name.as_str(), g.displayname.as_str()))
        .collect();
    assert_eq!(
        groups,
        [
            (1, "sales_team", "Sales team"),
            (2, "support_team", "Support team")
        ]
    );
    let group_of = |agent| ds.agent(AgentId(agent)).and_then(|a| a.group);
    assert_eq!(group_of(1), Some(AgentGroupId(1)));
    assert_eq!(group_of(4), Some(AgentGroupId(2)));
}

#[test]
fn a_dataset_whose_agent_names_an_unknown_group_is_refused() {
    let text = Dataset::demo_toml().replace("user = 3\ngroup = 1", "user = 3\ngroup = 9");
    assert_ne!(text, Dataset::demo_toml());
    let err = Dataset::from_toml_str(&text).expect_err("an unknown group");
    assert_eq!(
        err.to_string(),
        "invalid dataset: agent 2001 refers to unknown agent group 9"
    );
    let twice = Dataset::demo_toml().replace("name = \"support_team\"", "name = \"sales_team\"");
    let err = Dataset::from_toml_str(&twice).expect_err("a name used twice");
    assert_eq!(
        err.to_string(),
        "invalid dataset: duplicate agent group name sales_team"
    );
}

#[test]
fn groups_are_added_updated_and_removed_with_their_events() {
    let mut w = World::demo();
    let mut carol = w.state.dataset().agent(AgentId(1)).unwrap().clone();
    carol.group = Some(AgentGroupId(3));
    let changes = vec![
        ConfigChange::Added(ConfigObject::AgentGroup(group(3, "vip_team"))),
        ConfigChange::Updated(ConfigObject::Agent(carol)),
    ];
    let (result, events) = apply(&mut w, changes);
    result.expect("valid changes");
    assert_eq!(
        config_events(&events),
        [
            (ConfigKey::AgentGroup(AgentGroupId(3)), ChangeKind::Added),
            (ConfigKey::Agent(AgentId(1)), ChangeKind::Updated),
        ]
    );
    let ds = w.state.dataset().clone();
    let vip = ds.agent_group(AgentGroupId(3)).expect("the new group");
    assert_eq!(
        vip.displayname, "vip_team",
        "the display name defaults to the name"
    );
    assert_eq!(ds.agent(AgentId(1)).unwrap().group, Some(AgentGroupId(3)));

    let mut renamed = group(3, "vip_team");
    renamed.displayname = "VIP".to_owned();
    let (result, events) = apply(
        &mut w,
        vec![ConfigChange::Updated(ConfigObject::AgentGroup(renamed))],
    );
    result.expect("valid change");
    assert_eq!(
        config_events(&events),
        [(ConfigKey::AgentGroup(AgentGroupId(3)), ChangeKind::Updated)]
    );
    assert_eq!(
        w.state
            .dataset()
            .agent_group(AgentGroupId(3))
            .unwrap()
            .displayname,
        "VIP"
    );

    // Carol's agent is still in it: refused, with the reason, and nothing changes.
    let remove = ConfigChange::Removed(ConfigKey::AgentGroup(AgentGroupId(3)));
    let (result, events) = apply(&mut w, vec![remove.clone()]);
    assert_eq!(
        result,
        Err(ConfigError::Invalid(
            "agent 2001 refers to unknown agent group 3".to_owned()
        ))
    );
    assert!(events.is_empty());
    assert!(w.state.dataset().agent_group(AgentGroupId(3)).is_some());

    // Carol's agent leaves it first (in the same set): removed.
    let mut carol = w.state.dataset().agent(AgentId(1)).unwrap().clone();
    carol.group = None;
    let (result, events) = apply(
        &mut w,
        vec![ConfigChange::Updated(ConfigObject::Agent(carol)), remove],
    );
    result.expect("valid changes");
    assert_eq!(
        config_events(&events),
        [
            (ConfigKey::Agent(AgentId(1)), ChangeKind::Updated),
            (ConfigKey::AgentGroup(AgentGroupId(3)), ChangeKind::Removed),
        ]
    );
    assert!(w.state.dataset().agent_group(AgentGroupId(3)).is_none());

    // Unknown groups cannot be updated or removed.
    let (result, _) = apply(
        &mut w,
        vec![ConfigChange::Updated(ConfigObject::AgentGroup(group(
            8, "x",
        )))],
    );
    assert_eq!(
        result,
        Err(ConfigError::Unknown(ConfigKey::AgentGroup(AgentGroupId(8))))
    );
}

#[test]
fn a_reloaded_file_changes_groups() {
    let old = Dataset::demo();
    // The support team is dissolved (its agents leave it), sales renamed, a new group added.
    let text = Dataset::demo_toml()
        .replace("user = 5\ngroup = 2", "user = 5")
        .replace("user = 6\ngroup = 2", "user = 6")
        .replace(
            "[[agent_groups]]\nid = 2\nname = \"support_team\"\ndisplayname = \"Support team\"\n",
            "[[agent_groups]]\nid = 5\nname = \"night_team\"\n",
        )
        .replace("displayname = \"Sales team\"", "displayname = \"Sales\"");
    let next = Dataset::from_toml_str(&text).expect("a valid file");
    let diff = old.changes_to(&next);
    let keys: Vec<_> = diff.changes.iter().map(|c| (c.key(), c.kind())).collect();
    assert_eq!(
        keys,
        [
            (ConfigKey::AgentGroup(AgentGroupId(2)), ChangeKind::Removed),
            (ConfigKey::AgentGroup(AgentGroupId(1)), ChangeKind::Updated),
            (ConfigKey::AgentGroup(AgentGroupId(5)), ChangeKind::Added),
            (ConfigKey::Agent(AgentId(3)), ChangeKind::Updated),
            (ConfigKey::Agent(AgentId(4)), ChangeKind::Updated),
        ]
    );
    let rebuilt = old.with_changes(&diff.changes).expect("the diff applies");
    assert!(rebuilt.changes_to(&next).changes.is_empty());
}
