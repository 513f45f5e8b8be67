//! `faxsend`: a document to fax, inline in base64.

use serde::Deserialize;

use crate::wire::lenient::{Id, Num};

/// `faxsend`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FaxSend {
    /// The number to fax.
    pub destination: Id,
    /// Size of the document in bytes.
    pub size: Num,
    /// The document, base64.
    pub data: String,
    /// File name (informative).
    #[serde(default)]
    pub filename: Option<String>,
}
