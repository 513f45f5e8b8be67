//! Call messages: `dial_success`, `current_calls` and the attended-transfer notices.

use serde::Serialize;

/// `{class:"dial_success", exten}`.
#[derive(Debug, Serialize)]
pub struct DialSuccess<'a> {
    /// Always `dial_success`.
    pub class: &'static str,
    /// The number dialled.
    pub exten: &'a str,
}

/// `current_calls`.
#[derive(Debug, Serialize)]
pub struct CurrentCalls {
    /// Always `current_calls`.
    pub class: &'static str,
    /// The calls.
    pub current_calls: Vec<CurrentCallOut>,
}

/// One call of `current_calls`.
#[derive(Debug, Serialize)]
pub struct CurrentCallOut {
    /// Other party's name.
    pub cid_name: String,
    /// Other party's number.
    pub cid_number: String,
    /// `up` or `hold`.
    pub call_status: &'static str,
    /// Start (float seconds).
    pub call_start: f64,
    /// The line's channel (ctid addition, to `answer`/`resume_switchboard` it).
    pub unique_id: String,
}

/// `current_call_attended_transfer_answered` / `_cancelled`.
#[derive(Debug, Serialize)]
pub struct TransferNotice {
    /// The class.
    pub class: &'static str,
    /// The line id, as a string.
    pub line: String,
}
