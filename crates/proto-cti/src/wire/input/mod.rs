//! Messages from clients: one serde type per class (and per `command`/`function`/`message` where
//! a class has several forms), and the parser that turns a line into a [`Request`] or a
//! [`ParseError`] naming the problem (`invalid_json`, `missing_field:destination`,
//! `unknown_class:foo`...).
//!
//! Parsing is two-step: a cheap `Head` read finds `class` (and `commandid`), then the class's
//! own type is read from the same text with `serde_path_to_error`, so that a missing or ill-typed
//! field is reported by name.

mod call_form;
mod calls;
mod capped;
mod chat;
mod class;
mod fax;
mod getlist;
mod history;
mod ipbx;
mod login;
mod parse_error;
mod queuestats;
mod read;
mod request;
mod services;
mod status_updates;
mod subscribe;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use serde::Deserialize;

use super::lenient::CommandId;

pub use call_form::{CallFormInfos, CallFormResult};
pub use calls::{CallRef, Hangup, HoldSwitchboard, Transfer, VoicemailTransfer};
pub use chat::Chitchat;
pub use fax::FaxSend;
pub use getlist::{GetList, GetListFunction, ListName};
pub use history::History;
pub use ipbx::IpbxCommand;
pub use login::{LoginCapas, LoginId, LoginPass, StartTls};
pub use parse_error::ParseError;
pub use queuestats::{GetQueuesStats, QueueStatsParams};
pub use request::Request;
pub use services::{AvailState, Feature, FeaturesPut, ForwardValue};
pub use status_updates::{StatusKind, StatusUpdates};
pub use subscribe::Subscribe;

use class::parse_class;
use parse_error::commandid_int;

/// A parsed client message.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    /// The `class` as sent.
    pub class: String,
    /// The `commandid`, if any (echoed as `replyid` by a few replies).
    pub commandid: Option<CommandId>,
    /// The message.
    pub request: Request,
}

#[derive(Deserialize)]
struct Head<'a> {
    #[serde(borrow, default)]
    class: Option<Cow<'a, str>>,
    #[serde(default)]
    commandid: Option<CommandId>,
}

/// Parses one line into a message.
pub fn parse(line: &[u8]) -> Result<Incoming, ParseError> {
    let text = std::str::from_utf8(line).map_err(|_| ParseError::new(None, "invalid_utf8"))?;
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(ParseError::new(None, "empty_line"));
    }
    if !trimmed.starts_with('{') {
        return Err(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Ok(_) => ParseError::new(None, "not_an_object"),
            Err(_) => ParseError::new(None, "invalid_json"),
        });
    }
    let head: Head<'_> = match serde_json::from_str(text) {
        Ok(h) => h,
        Err(e) if e.is_data() => {
            return Err(ParseError::new(None, "invalid_field:class"));
        }
        Err(_) => return Err(ParseError::new(None, "invalid_json")),
    };
    let commandid = head.commandid;
    let Some(class) = head.class else {
        return Err(ParseError {
            commandid: commandid_int(&commandid),
            ..ParseError::new(None, "missing_field:class")
        });
    };
    let class: &str = &class;
    match parse_class(class, text) {
        Ok(request) => Ok(Incoming {
            class: class.to_owned(),
            commandid,
            request,
        }),
        Err(mut e) => {
            e.commandid = commandid_int(&commandid);
            Err(e)
        }
    }
}
