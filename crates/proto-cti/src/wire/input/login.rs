//! The login classes: `starttls`, `login_id`, `login_pass`, `login_capas`.

use serde::Deserialize;

use crate::wire::lenient::{Flag, Id, Num};

/// `{"class":"starttls","status":true}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StartTls {
    /// Whether the client wants TLS.
    #[serde(default)]
    pub status: Option<Flag>,
}

/// `login_id`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LoginId {
    /// Login name (a number is taken as text).
    pub userlogin: Id,
    /// Company (ignored).
    #[serde(default)]
    pub company: Option<String>,
    /// Client identity (ignored).
    #[serde(default)]
    pub ident: Option<String>,
    /// Protocol version (Wazo clients, "2.3").
    #[serde(default)]
    pub wazoversion: Option<Id>,
    /// Protocol version (XiVO clients, "2.2").
    #[serde(default)]
    pub xivoversion: Option<Id>,
}

/// `login_pass`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LoginPass {
    /// The password, in clear (a number is taken as text).
    pub password: Id,
}

/// `login_capas`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LoginCapas {
    /// The profile id from `capalist`.
    pub capaid: Num,
    /// Requested presence.
    #[serde(default)]
    pub state: Option<String>,
}
