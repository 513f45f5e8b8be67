//! `faxsend`: a document to fax, inline in base64.

use serde::Deserialize;

use super::capped::max_bytes;
use crate::wire::limits::NAME_BYTES;

use crate::wire::lenient::{Id, Num};

/// `faxsend`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FaxSend {
    /// The number to fax.
    #[serde(deserialize_with = "max_bytes::<_, _, NAME_BYTES>")]
    pub destination: Id,
    /// Size of the document in bytes.
    pub size: Num,
    /// The document, base64.
    pub data: String,
    /// File name (informative).
    #[serde(default, deserialize_with = "max_bytes::<_, _, NAME_BYTES>")]
    pub filename: Option<String>,
}
