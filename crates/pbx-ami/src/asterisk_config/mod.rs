//! `ctid asterisk-config`: the Asterisk configuration for ctid's dataset, so a real switch is
//! set up from the same dataset ctid serves, one generator per file: `pjsip.conf` and
//! `sip.conf` (the lines, by their protocol), `extensions.conf` (the numbering plan of
//! `ctid_core::dataset` and the dialplan reading the services ctid writes to AstDB),
//! `queues.conf`, `agents.conf` (app_agent_pool), `voicemail.conf`, `confbridge.conf` and
//! `manager.conf` (the AMI user ctid logs in with, from `[pbx.asterisk]`).
//!
//! Every name written into a file (numbers, peer names, contexts, mailboxes) is checked to be a
//! plain token ([`token`]): a name that would break the file's syntax is an error naming the
//! object, never written. Free text (full names) is cleaned ([`text`]).

mod agents;
mod confbridge;
mod extensions;
mod manager;
mod pjsip;
mod queues;
mod sip;
mod voicemail;

use ctid_core::Dataset;
use ctid_core::dataset::Line;
use md5::{Digest, Md5};

use crate::config::AmiConfig;

/// What the generator needs besides the dataset and the AMI settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The key phones' SIP passwords are derived from (one password per line, the same for the
    /// same key: regenerating keeps them).
    pub phone_secret_key: String,
    /// How outside numbers are dialled: a dial string where `{number}` is the number
    /// (`PJSIP/{number}@trunk`).
    pub outside_dial: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            phone_secret_key: String::new(),
            outside_dial: "PJSIP/{number}@trunk".to_owned(),
        }
    }
}

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfFile {
    /// Its name (`pjsip.conf`).
    pub name: &'static str,
    /// Its text.
    pub text: String,
}

/// Why the configuration cannot be written.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GenerateError {
    /// A name would break the file's syntax.
    #[error(
        "{what} {value:?} cannot be written to Asterisk's configuration: use letters, digits \
         and _ - . + * # only"
    )]
    BadName {
        /// What it names (`line 3 number`).
        what: String,
        /// The value.
        value: String,
    },
    /// A setting is missing.
    #[error("{0}")]
    Missing(String),
}

/// The dialplan context every number of the dataset is in (each configured context includes it).
pub const DIAL_CONTEXT: &str = "ctid-dial";
/// The context calls from the outside (a trunk) enter: the call filter knows them.
pub const FROM_OUTSIDE_CONTEXT: &str = "ctid-from-outside";
/// The dialled prefix an agent logs in with, followed by the agent number.
pub const AGENT_LOGIN_PREFIX: &str = "*31";
/// The dialled prefix an agent logs off with, followed by the agent number.
pub const AGENT_LOGOFF_PREFIX: &str = "*32";

/// Every file, in a fixed order.
pub fn generate(
    dataset: &Dataset,
    ami: &AmiConfig,
    options: &Options,
) -> Result<Vec<ConfFile>, GenerateError> {
    Ok(vec![
        ConfFile {
            name: "pjsip.conf",
            text: pjsip::generate(dataset, options)?,
        },
        ConfFile {
            name: "sip.conf",
            text: sip::generate(dataset, options)?,
        },
        ConfFile {
            name: "extensions.conf",
            text: extensions::generate(dataset, ami, options)?,
        },
        ConfFile {
            name: "queues.conf",
            text: queues::generate(dataset, ami)?,
        },
        ConfFile {
            name: "agents.conf",
            text: agents::generate(dataset)?,
        },
        ConfFile {
            name: "voicemail.conf",
            text: voicemail::generate(dataset)?,
        },
        ConfFile {
            name: "confbridge.conf",
            text: confbridge::generate(dataset)?,
        },
        ConfFile {
            name: "manager.conf",
            text: manager::generate(ami)?,
        },
    ])
}

/// The first lines of every file.
fn header(name: &str, what: &str) -> String {
    format!(
        "; {name}: {what}\n; Written by `ctid asterisk-config` from ctid's dataset: change the \
         dataset and write it again rather than editing it.\n"
    )
}

/// `value` when it is a plain token (letters, digits, `_ - . + * # @`), else an error naming
/// `what`.
pub fn token(what: impl FnOnce() -> String, value: &str) -> Result<&str, GenerateError> {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.+*#@".contains(c));
    if plain {
        Ok(value)
    } else {
        Err(GenerateError::BadName {
            what: what(),
            value: value.to_owned(),
        })
    }
}

/// Free text for a value: line breaks become spaces, `;` (a comment) and `,` are dropped,
/// surrounding spaces trimmed.
pub fn text(value: &str) -> String {
    value
        .chars()
        .filter(|c| !matches!(c, ';' | ',' | '[' | ']'))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// A line's SIP password: derived from the key and the line's peer name (hex, 24 characters).
pub fn phone_secret(key: &str, line: &Line) -> String {
    let digest = Md5::digest(format!("ctid-phone:{key}:{}", line.name).as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// A line's peer name, checked.
fn peer_name(line: &Line) -> Result<&str, GenerateError> {
    token(|| format!("line {} peer name", line.id), &line.name)
}

/// The lines served by the channel driver `protocol` (`sip`, `pjsip`), in dataset order.
fn lines_of<'a>(dataset: &'a Dataset, protocol: &'a str) -> impl Iterator<Item = &'a Line> + 'a {
    dataset
        .lines()
        .iter()
        .filter(move |l| l.protocol.eq_ignore_ascii_case(protocol))
}

/// The voicemail box of the user of `line`, as `mailbox@context`.
fn mailbox_of_line(dataset: &Dataset, line: &Line) -> Option<String> {
    let user = dataset.user_of_line(line.id)?;
    let vm = dataset.voicemail(user.voicemail?)?;
    Some(format!("{}@{}", vm.mailbox, vm.context))
}

/// The CallerID a line's phone presents: `"Full Name" <number>`.
fn caller_id(dataset: &Dataset, line: &Line) -> String {
    let name = dataset
        .user_of_line(line.id)
        .map(|u| text(&u.fullname()))
        .unwrap_or_default()
        .replace('"', "'");
    if name.is_empty() {
        format!("<{}>", line.number)
    } else {
        format!("\"{name}\" <{}>", line.number)
    }
}

#[cfg(test)]
mod tests;
