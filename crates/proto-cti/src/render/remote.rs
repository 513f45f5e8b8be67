//! Statuses of other nodes' objects (from the bus, through the core's
//! [`Event::RemoteStatus`](ctid_core::Event)) as the `*_status_update` messages a session
//! registered for `[xivo_uuid, id]` gets, and the topic they go to.

use bytes::Bytes;
use ctid_core::Timestamp;
use ctid_core::remote::{RemoteKind, RemoteObject, RemoteStatus};

use crate::fanout::{Topic, remote_topic};
use crate::wire::encode;
use crate::wire::input::StatusKind;
use crate::wire::output::{
    DataMessage, RemoteAgentStatusData, RemoteEndpointStatusData, RemoteId, RemoteStatusValue,
    RemoteUserStatusData,
};

/// The face's name for a kind of remote object.
pub(crate) fn status_kind(kind: RemoteKind) -> StatusKind {
    match kind {
        RemoteKind::User => StatusKind::User,
        RemoteKind::Agent => StatusKind::Agent,
        RemoteKind::Endpoint => StatusKind::Endpoint,
    }
}

/// The core's name for a kind of status subscription.
pub(crate) fn remote_kind(kind: StatusKind) -> RemoteKind {
    match kind {
        StatusKind::User => RemoteKind::User,
        StatusKind::Agent => RemoteKind::Agent,
        StatusKind::Endpoint => RemoteKind::Endpoint,
    }
}

/// The topic of a remote object's status and its `*_status_update` message.
pub(crate) fn remote_status_out(
    object: &RemoteObject,
    status: &RemoteStatus,
    now: Timestamp,
) -> (Topic, Bytes) {
    let topic = remote_topic(status_kind(object.kind), &object.node, &object.id);
    let status = match status {
        RemoteStatus::Name(name) => RemoteStatusValue::Name(name),
        RemoteStatus::Code(code) => RemoteStatusValue::Code(*code),
    };
    let xivo_uuid = &*object.node;
    let bytes = match object.kind {
        RemoteKind::User => encode(
            &DataMessage {
                class: "user_status_update",
                data: RemoteUserStatusData {
                    user_uuid: &object.id,
                    xivo_uuid,
                    status,
                },
            },
            now,
        ),
        RemoteKind::Agent => encode(
            &DataMessage {
                class: "agent_status_update",
                data: RemoteAgentStatusData {
                    agent_id: RemoteId::of(&object.id),
                    xivo_uuid,
                    status,
                },
            },
            now,
        ),
        RemoteKind::Endpoint => encode(
            &DataMessage {
                class: "endpoint_status_update",
                data: RemoteEndpointStatusData {
                    endpoint_id: RemoteId::of(&object.id),
                    xivo_uuid,
                    status,
                },
            },
            now,
        ),
    };
    (topic, bytes)
}
