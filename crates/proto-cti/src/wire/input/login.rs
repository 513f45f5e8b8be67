//! The login classes: `starttls`, `login_id`, `login_pass`, `login_capas`.

use serde::Deserialize;

use super::capped::max_bytes;
use crate::wire::limits::{ID_BYTES, NAME_BYTES, PASSWORD_BYTES};

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
    #[serde(deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
    pub userlogin: Id,
    /// Company (ignored).
    #[serde(default, deserialize_with = "max_bytes::<_, _, NAME_BYTES>")]
    pub company: Option<String>,
    /// Client identity (ignored).
    #[serde(default, deserialize_with = "max_bytes::<_, _, NAME_BYTES>")]
    pub ident: Option<String>,
    /// Protocol version (Wazo clients, "2.3").
    #[serde(default, deserialize_with = "max_bytes::<_, _, NAME_BYTES>")]
    pub wazoversion: Option<Id>,
    /// Protocol version (XiVO clients, "2.2").
    #[serde(default, deserialize_with = "max_bytes::<_, _, NAME_BYTES>")]
    pub xivoversion: Option<Id>,
}

/// `login_pass`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LoginPass {
    /// The password, in clear (a number is taken as text).
    #[serde(deserialize_with = "max_bytes::<_, _, PASSWORD_BYTES>")]
    pub password: Id,
}

/// `login_capas`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LoginCapas {
    /// The profile id from `capalist`.
    pub capaid: Num,
    /// Requested presence.
    #[serde(default, deserialize_with = "max_bytes::<_, _, NAME_BYTES>")]
    pub state: Option<String>,
}
