//! [`Request`]: every message ctid understands, one variant per class (the argument types live
//! in the per-family files of this module).

use super::{
    AvailState, CallFormResult, CallRef, Chitchat, FaxSend, FeaturesPut, GetList, GetQueuesStats,
    Hangup, History, HoldSwitchboard, IpbxCommand, LoginCapas, LoginId, LoginPass, StartTls,
    StatusUpdates, Subscribe, Transfer, VoicemailTransfer,
};

/// Every message ctid understands.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// `starttls` (answer to the server's offer).
    StartTls(StartTls),
    /// `login_id` (first login step).
    LoginId(LoginId),
    /// `login_pass` (second login step).
    LoginPass(LoginPass),
    /// `login_capas` (third login step).
    LoginCapas(LoginCapas),
    /// `logout`.
    Logout,
    /// `keepalive`.
    Keepalive,
    /// `getipbxlist`.
    GetIpbxList,
    /// `getlist` (`listid`, `updateconfig`, `updatestatus`).
    GetList(GetList),
    /// `availstate` (presence change).
    AvailState(AvailState),
    /// `featuresput` (services).
    FeaturesPut(FeaturesPut),
    /// `ipbxcommand` (dial, agents, queues, listen, conference).
    Ipbx(IpbxCommand),
    /// `hangup`.
    Hangup(Hangup),
    /// `attended_transfer`.
    AttendedTransfer(Transfer),
    /// `direct_transfer`.
    DirectTransfer(Transfer),
    /// `complete_transfer`.
    CompleteTransfer,
    /// `cancel_transfer`.
    CancelTransfer,
    /// `blind_transfer_voicemail`.
    BlindTransferVoicemail(VoicemailTransfer),
    /// `attended_transfer_voicemail`.
    AttendedTransferVoicemail(VoicemailTransfer),
    /// `answer` (switchboard).
    Answer(CallRef),
    /// `hold_switchboard`.
    HoldSwitchboard(HoldSwitchboard),
    /// `resume_switchboard`.
    ResumeSwitchboard(CallRef),
    /// `subscribe` (`current_calls`, `meetme_update`, `queueentryupdate`).
    Subscribe(Subscribe),
    /// `subscribetoqueuesstats`.
    SubscribeToQueuesStats,
    /// `getqueuesstats` with `on`.
    GetQueuesStats(GetQueuesStats),
    /// `history`.
    History(History),
    /// `get_relations`.
    GetRelations,
    /// `register_*_status_update` / `unregister_*_status_update`.
    StatusUpdates(StatusUpdates),
    /// `chitchat`.
    Chitchat(Chitchat),
    /// `call_form_result`.
    CallFormResult(CallFormResult),
    /// `faxsend`.
    FaxSend(FaxSend),
    /// A class of the protocol that ctid does not serve yet (people, directory...).
    NotImplemented,
}
