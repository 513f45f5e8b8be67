//! What can go wrong when driving the embedded PBX ([`SimError`]).

use serde::Serialize;

/// The kind of a [`SimError`]; the HTTP API maps each to a status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SimErrorKind {
    /// No such line or call (404).
    NotFound,
    /// The action is illegal in the current state: answering a line that is not ringing, hold
    /// without a call, dialling from an unregistered line... (409).
    Conflict,
    /// The request is malformed: empty or too long number, unknown action... (400).
    BadRequest,
    /// The PBX cannot take it: it stopped, or its channel bound is reached (503).
    Unavailable,
}

impl SimErrorKind {
    /// The error code used on the wire (`not_found`, `conflict`, `bad_request`, `unavailable`).
    pub fn code(self) -> &'static str {
        match self {
            SimErrorKind::NotFound => "not_found",
            SimErrorKind::Conflict => "conflict",
            SimErrorKind::BadRequest => "bad_request",
            SimErrorKind::Unavailable => "unavailable",
        }
    }
}

/// An error from the embedded PBX: a kind and a human-readable message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SimError {
    /// What kind of error.
    pub kind: SimErrorKind,
    /// What happened, for people.
    pub message: String,
}

impl SimError {
    /// An error of this kind.
    pub fn new(kind: SimErrorKind, message: impl Into<String>) -> SimError {
        SimError {
            kind,
            message: message.into(),
        }
    }

    /// [`SimErrorKind::NotFound`].
    pub fn not_found(message: impl Into<String>) -> SimError {
        SimError::new(SimErrorKind::NotFound, message)
    }

    /// [`SimErrorKind::Conflict`].
    pub fn conflict(message: impl Into<String>) -> SimError {
        SimError::new(SimErrorKind::Conflict, message)
    }

    /// [`SimErrorKind::BadRequest`].
    pub fn bad_request(message: impl Into<String>) -> SimError {
        SimError::new(SimErrorKind::BadRequest, message)
    }

    /// [`SimErrorKind::Unavailable`].
    pub fn unavailable(message: impl Into<String>) -> SimError {
        SimError::new(SimErrorKind::Unavailable, message)
    }

    /// The error's kind.
    pub fn kind(&self) -> SimErrorKind {
        self.kind
    }

    /// The error's message.
    pub fn message(&self) -> &str {
        &self.message
    }
}
