//! Replies of the login phase: `starttls`, `login_id`, `login_pass`, `login_capas` (with its
//! capas: presences, phone hint styles, preferences).

use std::collections::BTreeMap;

use serde::Serialize;

/// `{"class":"starttls","starttls":<bool>}`.
#[derive(Debug, Serialize)]
pub struct StartTlsReply {
    /// Always `starttls`.
    pub class: &'static str,
    /// Whether the server upgrades now.
    pub starttls: bool,
}

/// `login_id` success.
#[derive(Debug, Serialize)]
pub struct LoginIdReply<'a> {
    /// Always `login_id`.
    pub class: &'static str,
    /// Ten random alphanumerics.
    pub sessionid: &'a str,
    /// Present when the client sent `wazoversion`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wazoversion: Option<&'a str>,
    /// Present when the client sent `xivoversion`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xivoversion: Option<&'a str>,
}

/// `login_pass` success.
#[derive(Debug, Serialize)]
pub struct LoginPassReply {
    /// Always `login_pass`.
    pub class: &'static str,
    /// The user's profile id.
    pub capalist: [u32; 1],
}

/// `login_capas` success.
#[derive(Debug, Serialize)]
pub struct LoginCapasReply<'a> {
    /// Always `login_capas`.
    pub class: &'static str,
    /// The user id, as a string.
    pub userid: String,
    /// Always `xivo`.
    pub ipbxid: &'static str,
    /// Profile's application name.
    pub appliname: &'a str,
    /// `[name, layout(, flags)(, order)]`.
    pub capaxlets: Vec<Vec<&'a str>>,
    /// Capabilities.
    pub capas: Capas<'a>,
}

/// The `capas` of `login_capas`.
#[derive(Debug, Serialize)]
pub struct Capas<'a> {
    /// Services the client may show.
    pub services: &'a [String],
    /// Preferences, or `false` when there are none.
    pub preferences: Preferences<'a>,
    /// Presence statuses.
    pub userstatus: BTreeMap<&'a str, UserStatusStyle<'a>>,
    /// Phone hint styles by code.
    pub phonestatus: BTreeMap<String, PhoneStatusStyle<'a>>,
}

/// Preferences: a map, or `false`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Preferences<'a> {
    /// Some preferences.
    Map(&'a BTreeMap<String, String>),
    /// None.
    None(bool),
}

/// One presence status of `capas.userstatus`.
#[derive(Debug, Serialize)]
pub struct UserStatusStyle<'a> {
    /// Display name.
    pub longname: &'a str,
    /// Colour.
    pub color: &'a str,
    /// Statuses reachable from this one.
    pub allowed: &'a [String],
    /// Actions run on entering it.
    pub actions: &'a BTreeMap<String, String>,
}

/// One hint code of `capas.phonestatus`.
#[derive(Debug, Serialize)]
pub struct PhoneStatusStyle<'a> {
    /// Display name.
    pub longname: &'a str,
    /// Colour.
    pub color: &'a str,
}
