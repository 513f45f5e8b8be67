//! What other nodes tell this one, through the message bus: the statuses of their users, agents
//! and lines, chat messages to this node's users, and service changes of this node's users made
//! elsewhere. The bus consumer (crates/bus) parses bus messages into a [`RemoteInput`] and hands
//! it to the core ([`crate::CoreHandle::remote`]); the core checks it like a command (sizes,
//! known recipients), keeps the last status of each remote object (bounded) and emits the events
//! the faces render. The core does no IO: it never sees the bus itself.

use std::sync::Arc;

use serde::Serialize;

use crate::live::ServiceChange;

/// Longest node uuid or object id of another node accepted, in bytes.
pub const MAX_REMOTE_ID_BYTES: usize = 128;
/// Longest status name of another node's object accepted, in bytes.
pub const MAX_REMOTE_STATUS_BYTES: usize = 128;
/// Longest chat alias (the sender's name) from another node accepted, in bytes.
pub const MAX_REMOTE_ALIAS_BYTES: usize = 256;
/// Remote objects whose last status the core keeps at most; statuses of more objects are still
/// passed on, not kept (a session registering for one then learns it at its next change).
pub const MAX_REMOTE_STATUSES: usize = 100_000;

/// What kind of object a remote status is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum RemoteKind {
    /// A user (`status.user`), named by uuid.
    User,
    /// An agent (`status.agent`), named by id.
    Agent,
    /// A line (`status.endpoint`), named by id.
    Endpoint,
}

/// An object of another node: its kind, the node's uuid and its id there.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RemoteObject {
    /// User, agent or line.
    pub kind: RemoteKind,
    /// The node's uuid (`origin_uuid` of the bus message).
    pub node: Arc<str>,
    /// The object's id on that node (a user's uuid; an agent's or line's id, as text).
    pub id: Arc<str>,
}

/// A remote object's status, as the bus carried it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum RemoteStatus {
    /// A name: a user's presence, an agent's `logged_in` / `logged_out`.
    Name(Arc<str>),
    /// A number: a line's Asterisk device state.
    Code(i64),
}

/// A user of another node.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RemoteUser {
    /// The node's uuid.
    pub node: Arc<str>,
    /// The user's uuid.
    pub uuid: Arc<str>,
}

/// One thing another node said, for the core.
#[derive(Clone, Debug, PartialEq)]
pub enum RemoteInput {
    /// A status of one of its objects.
    Status {
        /// The object.
        object: RemoteObject,
        /// Its status now.
        status: RemoteStatus,
    },
    /// A chat message from one of its users to a user of this node.
    Chat {
        /// The sender.
        from: RemoteUser,
        /// The recipient's uuid (a user of this node).
        to_user_uuid: String,
        /// The sender's name, as the sending node gave it.
        alias: String,
        /// The message (at most [`crate::MAX_CHAT_TEXT_BYTES`]).
        text: String,
    },
    /// A service of a user of this node was changed elsewhere (confd, another node).
    Services {
        /// The user's uuid.
        user_uuid: String,
        /// The change.
        change: ServiceChange,
    },
}
