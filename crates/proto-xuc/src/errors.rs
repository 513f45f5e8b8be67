//! The core's command errors as XuC `Error` names, and XuC command names for the kinds of
//! command a late failure answers.

use ctid_core::{CommandError, CommandKind};

/// The `Error` name of a refused command.
pub fn error_name(e: &CommandError) -> &'static str {
    match e {
        CommandError::UnreachableExtension(_) => "UnreachableExtension",
        CommandError::Forbidden(_) => "Forbidden",
        CommandError::NotFound { .. } => "NotFound",
        CommandError::NoLine => "NoLine",
        CommandError::NoAgent => "NoAgent",
        CommandError::NoCall => "NoCall",
        CommandError::InvalidState(_) => "InvalidState",
        CommandError::AgentExtenInUse => "AgentExtenInUse",
        CommandError::AgentInvalidExten => "PhoneNumberUnknown",
        CommandError::AgentAlreadyLogged(_) => "LoggedInOnAnotherPhone",
        CommandError::InvalidPresence(_) => "InvalidStatus",
        CommandError::InvalidArgument { .. } => "InvalidArgument",
        CommandError::RateLimited(_) => "RateLimited",
        CommandError::ServiceUnavailable => "ServiceUnavailable",
    }
}

/// The XuC command that asks for a kind of core command.
pub fn command_name(kind: CommandKind) -> &'static str {
    use CommandKind as K;
    match kind {
        K::Session => "session",
        K::Presence => "userStatusUpdate",
        K::Service => "dnd",
        K::Dial => "dial",
        K::Hangup => "hangup",
        K::Answer => "answer",
        K::Hold => "hold",
        K::BlindTransfer | K::BlindTransferToVoicemail => "directTransfer",
        K::AttendedTransfer | K::AttendedTransferToVoicemail => "attendedTransfer",
        K::CompleteTransfer => "completeTransfer",
        K::CancelTransfer => "cancelTransfer",
        K::Conference => "conference",
        K::SetCallData => "setData",
        K::AgentLogin => "agentLogin",
        K::AgentLogout => "agentLogout",
        K::QueuePause => "pauseAgent",
        K::QueueAdd => "setAgentQueue",
        K::QueueRemove => "removeAgentFromQueue",
        K::Listen => "listenAgent",
        K::ConferenceMute => "conferenceMute",
        K::ConferenceKick => "conferenceKick",
        K::SendDtmf => "sendDtmf",
        K::SendFax => "sendFax",
        K::Chat => "flashTextBrowserRequest",
        K::CallFormResult => "callFormResult",
    }
}
