//! Error strings: how each refusal of the core ([`CommandError`]) and each protocol-level problem
//! is named in a CTI `error_string`.
//!
//! Protocol-level strings (from the parser and the session): `empty_line`, `invalid_json`,
//! `invalid_utf8`, `not_an_object`, `invalid_message`, `missing_field:<name>`,
//! `invalid_field:<path>`, `unknown_class:<class>`, `unknown_command:<c>`,
//! `unknown_function:<f>`, `unknown_message:<m>`, `unknown_list:<l>`, `line_too_long`,
//! `not_authenticated`, `not_implemented`, `login_id_required`, `login_pass_required`,
//! `field_too_long:<path>`, `too_many_items:<path>`. A client's value quoted in an error string is
//! cut to [`crate::wire::limits::ECHO_BYTES`] bytes (marked `…`).

use ctid_core::{CommandError, CommandKind};

use crate::wire::limits::echo;

/// The class a failure of a command of this kind is answered in, when the failure comes after
/// the command's reply (the switch refused the action it asked for): the class of the request
/// that makes such a command.
pub fn command_class(kind: CommandKind) -> &'static str {
    use CommandKind as K;
    match kind {
        K::Session => "login_capas",
        K::Presence => "availstate",
        K::Service => "featuresput",
        K::Hangup => "hangup",
        K::Answer => "answer",
        K::Hold => "hold_switchboard",
        K::BlindTransfer => "direct_transfer",
        K::AttendedTransfer => "attended_transfer",
        K::CompleteTransfer => "complete_transfer",
        K::CancelTransfer => "cancel_transfer",
        K::BlindTransferToVoicemail => "blind_transfer_voicemail",
        K::AttendedTransferToVoicemail => "attended_transfer_voicemail",
        K::SendFax => "faxsend",
        K::Chat => "chitchat",
        K::CallFormResult => "call_form_result",
        K::Dial
        | K::Conference
        | K::SetCallData
        | K::AgentLogin
        | K::AgentLogout
        | K::QueuePause
        | K::QueueAdd
        | K::QueueRemove
        | K::Listen
        | K::ConferenceMute
        | K::ConferenceKick
        | K::SendDtmf => "ipbxcommand",
    }
}

/// The `error_string` for a refusal of the core (a value it names is quoted with [`echo`]). `forbidden` names a refusal of rights for the
/// command family (`call_unauthorized`, `hangup_unauthorized`, `transfer_unauthorized`...);
/// empty means `permission_denied`.
pub fn command_error(e: &CommandError, forbidden: &str) -> String {
    match e {
        CommandError::UnreachableExtension(n) => format!("unreachable_extension:{}", echo(n)),
        CommandError::Forbidden(_) if forbidden.is_empty() => "permission_denied".to_owned(),
        CommandError::Forbidden(_) => forbidden.to_owned(),
        CommandError::NotFound { kind, id } => format!("unknown_{kind}:{}", echo(id)),
        CommandError::NoLine => "no_line".to_owned(),
        CommandError::NoAgent => "no_agent".to_owned(),
        CommandError::NoCall => "no_call".to_owned(),
        CommandError::InvalidState(_) => "invalid_state".to_owned(),
        CommandError::AgentExtenInUse => "agent_login_exten_in_use".to_owned(),
        CommandError::AgentInvalidExten => "agent_login_invalid_exten".to_owned(),
        CommandError::AgentAlreadyLogged(n) => format!("agent_already_logged:{}", echo(n)),
        CommandError::InvalidPresence(p) => format!("invalid_presence:{}", echo(p)),
        CommandError::InvalidArgument { field, .. } => format!("invalid_field:{}", echo(field)),
        CommandError::RateLimited(_) => "rate_limited".to_owned(),
        CommandError::ServiceUnavailable => "service_unavailable".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_every_error() {
        let cases = [
            (
                CommandError::UnreachableExtension("1202".into()),
                "unreachable_extension:1202",
            ),
            (CommandError::Forbidden("x".into()), "call_unauthorized"),
            (
                CommandError::NotFound {
                    kind: "agent".into(),
                    id: "7".into(),
                },
                "unknown_agent:7",
            ),
            (CommandError::NoLine, "no_line"),
            (CommandError::NoAgent, "no_agent"),
            (CommandError::NoCall, "no_call"),
            (CommandError::InvalidState("x".into()), "invalid_state"),
            (CommandError::AgentExtenInUse, "agent_login_exten_in_use"),
            (CommandError::AgentInvalidExten, "agent_login_invalid_exten"),
            (
                CommandError::AgentAlreadyLogged("1001".into()),
                "agent_already_logged:1001",
            ),
            (
                CommandError::InvalidPresence("zzz".into()),
                "invalid_presence:zzz",
            ),
            (
                CommandError::InvalidArgument {
                    field: "size".into(),
                    reason: "x".into(),
                },
                "invalid_field:size",
            ),
            (CommandError::RateLimited("x".into()), "rate_limited"),
            (CommandError::ServiceUnavailable, "service_unavailable"),
        ];
        for (e, s) in cases {
            assert_eq!(command_error(&e, "call_unauthorized"), s);
        }
        assert_eq!(
            command_error(&CommandError::Forbidden("x".into()), ""),
            "permission_denied"
        );
    }
}
