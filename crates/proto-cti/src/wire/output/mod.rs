//! Messages to clients: one serde type per message shape, with the exact key names xivo-ctid
//! sends (`spec/notes/cti-server-behaviour.md` §1–§3). `timenow` is added by
//! [`super::encode::encode`].

mod calls;
mod chat;
mod fax;
mod history;
mod list_objects;
mod lists;
mod login;
mod meetme;
mod queues;
mod replies;
mod sheet;
mod status_updates;

pub use calls::{CurrentCallOut, CurrentCalls, DialSuccess, TransferNotice};
pub use chat::ChitchatOut;
pub use fax::{FaxProgress, FaxSendAck};
pub use history::{HistoryItem, HistoryReply};
pub use list_objects::{
    AgentConfig, AgentStatusOut, MeetmeConfig, PhoneConfig, PhoneStatus, QueueConfig,
    QueueMemberFields, QueueStatusOut, UserConfig, UserServicesConfig, UserStatus, VoicemailConfig,
    VoicemailStatus,
};
pub use lists::{ListChange, ListIdReply, ObjectReply};
pub use login::{
    Capas, LoginCapasReply, LoginIdReply, LoginPassReply, PhoneStatusStyle, Preferences,
    StartTlsReply, UserStatusStyle,
};
pub use meetme::{MeetmeMemberOut, MeetmeRoomOut, MeetmeUpdate, MeetmeUser, MeetmeUserEntry};
pub use queues::{
    LiveQueueStats, QueueEntryOut, QueueEntryState, QueueEntryUpdate, QueuesStats, WindowQueueStats,
};
pub use replies::{ClassOnly, DataMessage, Empty, ErrorReply, IpbxList, LegacyReply};
pub use sheet::SheetOut;
pub use status_updates::{
    AgentStatusData, EndpointStatusData, Relations, RemoteAgentStatusData,
    RemoteEndpointStatusData, RemoteId, RemoteStatusValue, RemoteUserStatusData, UserStatusData,
};

/// The ipbx id every object lives on.
pub const IPBXID: &str = "xivo";
