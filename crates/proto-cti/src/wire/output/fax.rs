//! Fax messages: the `faxsend` acknowledgement and `fax_progress`.

use serde::Serialize;

use crate::wire::lenient::CommandId;

/// `fax_progress`.
#[derive(Debug, Serialize)]
pub struct FaxProgress {
    /// Always `fax_progress`.
    pub class: &'static str,
    /// `PRESENDFAX`, `SUCCESS`, `FAILED`.
    pub status: &'static str,
    /// Pages sent.
    pub pages: Option<u32>,
}

/// The `faxsend` acknowledgement (xivo-ctid's exact form).
#[derive(Debug, Serialize)]
pub struct FaxSendAck<'a> {
    /// Always `faxsend`.
    pub class: &'static str,
    /// The request's `commandid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replyid: Option<&'a CommandId>,
    /// Always `return_is_none`.
    pub warning_string: &'static str,
}
