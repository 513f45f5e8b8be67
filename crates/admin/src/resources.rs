//! Each kind of configured object as a [`Resource`]: its table, key, the texts `search=` looks
//! in, and the few rules of its own (a user's password hash is never shown and is kept when an
//! update gives none; a queue's members change only through `/queues/{id}/members`).

use axum::http::StatusCode;
use ctid_core::dataset::{
    Agent, AgentGroup, ConfigKey, ConfigObject, Dataset, Line, Profile, Queue, Room, User,
    Voicemail,
};
use ctid_core::ids::{
    AgentGroupId, AgentId, LineId, ProfileId, QueueId, RoomId, UserId, VoicemailId,
};
use serde_json::json;

use crate::error::ApiError;
use crate::page::Search;
use crate::resource::Resource;

impl Resource for User {
    const NAME: &'static str = "user";
    const COLLECTION: &'static str = "users";
    const KEPT_BY_REPLACE: &'static [&'static str] = &["password_hash"];
    fn table(dataset: &Dataset) -> &[Self] {
        dataset.users()
    }
    fn find(dataset: &Dataset, id: u32) -> Option<&Self> {
        dataset.user(UserId(id))
    }
    fn id(&self) -> u32 {
        self.id.0
    }
    fn key(id: u32) -> ConfigKey {
        ConfigKey::User(UserId(id))
    }
    fn into_object(self) -> ConfigObject {
        ConfigObject::User(self)
    }
    fn found_by(&self, search: &Search) -> bool {
        search.matches([
            self.login.as_str(),
            &self.firstname,
            &self.lastname,
            &self.mobile,
            &self.uuid,
        ])
    }
    fn shown(&self) -> Self {
        User {
            password_hash: None,
            password: None,
            ..self.clone()
        }
    }
}

impl Resource for Line {
    const NAME: &'static str = "line";
    const COLLECTION: &'static str = "lines";
    fn table(dataset: &Dataset) -> &[Self] {
        dataset.lines()
    }
    fn find(dataset: &Dataset, id: u32) -> Option<&Self> {
        dataset.line(LineId(id))
    }
    fn id(&self) -> u32 {
        self.id.0
    }
    fn key(id: u32) -> ConfigKey {
        ConfigKey::Line(LineId(id))
    }
    fn into_object(self) -> ConfigObject {
        ConfigObject::Line(self)
    }
    fn found_by(&self, search: &Search) -> bool {
        search.matches([self.number.as_str(), &self.name])
    }
}

impl Resource for Agent {
    const NAME: &'static str = "agent";
    const COLLECTION: &'static str = "agents";
    fn table(dataset: &Dataset) -> &[Self] {
        dataset.agents()
    }
    fn find(dataset: &Dataset, id: u32) -> Option<&Self> {
        dataset.agent(AgentId(id))
    }
    fn id(&self) -> u32 {
        self.id.0
    }
    fn key(id: u32) -> ConfigKey {
        ConfigKey::Agent(AgentId(id))
    }
    fn into_object(self) -> ConfigObject {
        ConfigObject::Agent(self)
    }
    fn found_by(&self, search: &Search) -> bool {
        search.matches([self.number.as_str(), &self.firstname, &self.lastname])
    }
}

impl Resource for AgentGroup {
    const NAME: &'static str = "agent group";
    const COLLECTION: &'static str = "agent-groups";
    fn table(dataset: &Dataset) -> &[Self] {
        dataset.agent_groups()
    }
    fn find(dataset: &Dataset, id: u32) -> Option<&Self> {
        dataset.agent_group(AgentGroupId(id))
    }
    fn id(&self) -> u32 {
        self.id.0
    }
    fn key(id: u32) -> ConfigKey {
        ConfigKey::AgentGroup(AgentGroupId(id))
    }
    fn into_object(self) -> ConfigObject {
        ConfigObject::AgentGroup(self)
    }
    fn found_by(&self, search: &Search) -> bool {
        search.matches([self.name.as_str(), &self.displayname])
    }
}

impl Resource for Queue {
    const NAME: &'static str = "queue";
    const COLLECTION: &'static str = "queues";
    const KEPT_BY_REPLACE: &'static [&'static str] = &["members"];
    fn table(dataset: &Dataset) -> &[Self] {
        dataset.queues()
    }
    fn find(dataset: &Dataset, id: u32) -> Option<&Self> {
        dataset.queue(QueueId(id))
    }
    fn id(&self) -> u32 {
        self.id.0
    }
    fn key(id: u32) -> ConfigKey {
        ConfigKey::Queue(QueueId(id))
    }
    fn into_object(self) -> ConfigObject {
        ConfigObject::Queue(self)
    }
    fn found_by(&self, search: &Search) -> bool {
        search.matches([self.name.as_str(), &self.displayname, &self.number])
    }
    fn check_update(&self, current: &Self) -> Result<(), ApiError> {
        if self.members != current.members {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "InvalidBody",
                format!(
                    "a queue's members change through /api/v1/queues/{}/members",
                    self.id
                ),
                json!({ "field": "members" }),
            ));
        }
        Ok(())
    }
}

impl Resource for Voicemail {
    const NAME: &'static str = "voicemail box";
    const COLLECTION: &'static str = "voicemails";
    fn table(dataset: &Dataset) -> &[Self] {
        dataset.voicemails()
    }
    fn find(dataset: &Dataset, id: u32) -> Option<&Self> {
        dataset.voicemail(VoicemailId(id))
    }
    fn id(&self) -> u32 {
        self.id.0
    }
    fn key(id: u32) -> ConfigKey {
        ConfigKey::Voicemail(VoicemailId(id))
    }
    fn into_object(self) -> ConfigObject {
        ConfigObject::Voicemail(self)
    }
    fn found_by(&self, search: &Search) -> bool {
        search.matches([self.mailbox.as_str(), &self.fullname])
    }
}

impl Resource for Profile {
    const NAME: &'static str = "profile";
    const COLLECTION: &'static str = "profiles";
    fn table(dataset: &Dataset) -> &[Self] {
        dataset.profiles()
    }
    fn find(dataset: &Dataset, id: u32) -> Option<&Self> {
        dataset.profile(ProfileId(id))
    }
    fn id(&self) -> u32 {
        self.id.0
    }
    fn key(id: u32) -> ConfigKey {
        ConfigKey::Profile(ProfileId(id))
    }
    fn into_object(self) -> ConfigObject {
        ConfigObject::Profile(self)
    }
    fn found_by(&self, search: &Search) -> bool {
        search.matches([self.name.as_str(), &self.appliname])
    }
}

impl Resource for Room {
    const NAME: &'static str = "room";
    const COLLECTION: &'static str = "rooms";
    fn table(dataset: &Dataset) -> &[Self] {
        dataset.rooms()
    }
    fn find(dataset: &Dataset, id: u32) -> Option<&Self> {
        dataset.room(RoomId(id))
    }
    fn id(&self) -> u32 {
        self.id.0
    }
    fn key(id: u32) -> ConfigKey {
        ConfigKey::Room(RoomId(id))
    }
    fn into_object(self) -> ConfigObject {
        ConfigObject::Room(self)
    }
    fn found_by(&self, search: &Search) -> bool {
        search.matches([self.number.as_str(), &self.name])
    }
}
