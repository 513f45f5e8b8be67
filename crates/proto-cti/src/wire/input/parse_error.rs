//! [`ParseError`]: why a line is not a message ctid can run, with the class and `commandid` to
//! answer in when they could be read.

use crate::wire::lenient::CommandId;

/// Why a line is not a message ctid can run; `class` is the class when it could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The message's class, when known.
    pub class: Option<String>,
    /// The `error_string` to reply with.
    pub error: String,
    /// The `commandid`, when it could be read.
    pub commandid: Option<i64>,
}

impl ParseError {
    pub(super) fn new(class: Option<&str>, error: impl Into<String>) -> Self {
        ParseError {
            class: class.map(str::to_owned),
            error: error.into(),
            commandid: None,
        }
    }
}

/// The `commandid` when it is a number (error replies echo only those).
pub(super) fn commandid_int(c: &Option<CommandId>) -> Option<i64> {
    match c {
        Some(CommandId::Int(i)) => Some(*i),
        _ => None,
    }
}
