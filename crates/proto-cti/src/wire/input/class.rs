//! The dispatch from a message's `class` to its parser, and the classes known but not served.

use super::getlist::parse_getlist;
use super::ipbx::parse_ipbx;
use super::parse_error::ParseError;
use super::read::read;
use super::request::Request;
use super::services::parse_featuresput;
use super::status_updates::{AgentIdsRaw, EndpointIdsRaw, StatusKind, StatusUpdates, UserIdsRaw};
use super::subscribe::parse_subscribe;
use crate::wire::limits::echo;

/// Classes of the protocol that ctid knows but does not serve yet.
const NOT_IMPLEMENTED: &[&str] = &[
    "people_headers",
    "people_search",
    "people_favorites",
    "people_set_favorite",
    "people_personal_contacts",
    "people_purge_personal_contacts",
    "people_personal_contact_raw",
    "people_create_personal_contact",
    "people_delete_personal_contact",
    "people_edit_personal_contact",
    "people_import_personal_contacts_csv",
    "people_export_personal_contacts_csv",
    "directory",
    "get_switchboard_directory_headers",
    "switchboard_directory_search",
    "parking",
];

/// Reads the message of class `class` from the line.
pub(super) fn parse_class(class: &str, text: &str) -> Result<Request, ParseError> {
    Ok(match class {
        "starttls" => Request::StartTls(read(class, text)?),
        "login_id" => Request::LoginId(read(class, text)?),
        "login_pass" => Request::LoginPass(read(class, text)?),
        "login_capas" => Request::LoginCapas(read(class, text)?),
        "logout" => Request::Logout,
        "keepalive" => Request::Keepalive,
        "getipbxlist" => Request::GetIpbxList,
        "getlist" => Request::GetList(parse_getlist(class, text)?),
        "availstate" => Request::AvailState(read(class, text)?),
        "featuresput" => Request::FeaturesPut(parse_featuresput(class, text)?),
        "ipbxcommand" => Request::Ipbx(parse_ipbx(class, text)?),
        "hangup" => Request::Hangup(read(class, text)?),
        "attended_transfer" => Request::AttendedTransfer(read(class, text)?),
        "direct_transfer" => Request::DirectTransfer(read(class, text)?),
        "complete_transfer" => Request::CompleteTransfer,
        "cancel_transfer" => Request::CancelTransfer,
        "blind_transfer_voicemail" => Request::BlindTransferVoicemail(read(class, text)?),
        "attended_transfer_voicemail" => Request::AttendedTransferVoicemail(read(class, text)?),
        "answer" => Request::Answer(read(class, text)?),
        "hold_switchboard" => Request::HoldSwitchboard(read(class, text)?),
        "resume_switchboard" => Request::ResumeSwitchboard(read(class, text)?),
        "subscribe" => Request::Subscribe(parse_subscribe(class, text)?),
        "subscribetoqueuesstats" => Request::SubscribeToQueuesStats,
        "getqueuesstats" => Request::GetQueuesStats(read(class, text)?),
        "history" => Request::History(read(class, text)?),
        "get_relations" => Request::GetRelations,
        "register_user_status_update" | "unregister_user_status_update" => {
            let raw: UserIdsRaw = read(class, text)?;
            Request::StatusUpdates(StatusUpdates {
                kind: StatusKind::User,
                register: class.starts_with("register"),
                ids: raw.user_ids,
            })
        }
        "register_agent_status_update" | "unregister_agent_status_update" => {
            let raw: AgentIdsRaw = read(class, text)?;
            Request::StatusUpdates(StatusUpdates {
                kind: StatusKind::Agent,
                register: class.starts_with("register"),
                ids: raw.agent_ids,
            })
        }
        "register_endpoint_status_update" | "unregister_endpoint_status_update" => {
            let raw: EndpointIdsRaw = read(class, text)?;
            Request::StatusUpdates(StatusUpdates {
                kind: StatusKind::Endpoint,
                register: class.starts_with("register"),
                ids: raw.endpoint_ids,
            })
        }
        "chitchat" => Request::Chitchat(read(class, text)?),
        "call_form_result" => Request::CallFormResult(read(class, text)?),
        "faxsend" => Request::FaxSend(read(class, text)?),
        c if NOT_IMPLEMENTED.contains(&c) => Request::NotImplemented,
        other => {
            // Answered in the client's class, unless too long to quote whole: then in `error`,
            // quoting it cut short once.
            let class = echo(other);
            let answer_in = (class.len() == other.len()).then_some(other);
            return Err(ParseError::new(answer_in, format!("unknown_class:{class}")));
        }
    })
}
