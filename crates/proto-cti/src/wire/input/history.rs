//! `history`: how many of the user's last calls.

use serde::Deserialize;

use crate::wire::lenient::Num;

/// `history`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct History {
    /// How many calls (default 8).
    #[serde(default)]
    pub size: Option<Num>,
}
