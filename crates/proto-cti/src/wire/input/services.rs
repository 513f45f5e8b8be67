//! `availstate` (presence) and `featuresput` (DND, call filter, recording, voicemail, forwards)
//! and their parsing.

use serde::Deserialize;

use super::parse_error::ParseError;
use super::read::{read, required, sub, truncate};
use crate::wire::lenient::{Flag, Id};

/// `availstate`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AvailState {
    /// The new presence.
    pub availstate: String,
}

/// `featuresput`.
#[derive(Debug, Clone, PartialEq)]
pub struct FeaturesPut {
    /// Whose services (`target`, default the requester).
    pub target: Option<Id>,
    /// The change.
    pub feature: Feature,
}

/// One `featuresput` function.
#[derive(Debug, Clone, PartialEq)]
pub enum Feature {
    /// `enablednd`.
    Dnd(bool),
    /// `incallfilter`.
    IncallFilter(bool),
    /// `enablerecording`.
    Recording(bool),
    /// `enablevoicemail`.
    Voicemail(bool),
    /// `fwd`.
    Forward(ForwardValue),
}

/// The `value` of a `fwd` featuresput.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ForwardValue {
    /// Unconditional forward on/off.
    pub enableunc: Option<Flag>,
    /// Unconditional forward destination.
    pub destunc: Option<Id>,
    /// No-answer forward on/off.
    pub enablerna: Option<Flag>,
    /// No-answer forward destination.
    pub destrna: Option<Id>,
    /// Busy forward on/off.
    pub enablebusy: Option<Flag>,
    /// Busy forward destination.
    pub destbusy: Option<Id>,
}

#[derive(Deserialize)]
struct FeatureFlag {
    value: Flag,
    #[serde(default)]
    target: Option<Id>,
}

#[derive(Deserialize)]
struct FeatureFwd {
    value: ForwardValue,
    #[serde(default)]
    target: Option<Id>,
}

/// Reads a `featuresput` message, by its `function`.
pub(super) fn parse_featuresput(class: &str, text: &str) -> Result<FeaturesPut, ParseError> {
    let head = sub(class, text)?;
    let function = required(class, "function", &head.function)?;
    let flag = |f: fn(bool) -> Feature| -> Result<FeaturesPut, ParseError> {
        let raw: FeatureFlag = read(class, text)?;
        Ok(FeaturesPut {
            target: raw.target,
            feature: f(raw.value.0),
        })
    };
    match function {
        "enablednd" => flag(Feature::Dnd),
        "incallfilter" => flag(Feature::IncallFilter),
        "enablerecording" => flag(Feature::Recording),
        "enablevoicemail" => flag(Feature::Voicemail),
        "fwd" => {
            let raw: FeatureFwd = read(class, text)?;
            Ok(FeaturesPut {
                target: raw.target,
                feature: Feature::Forward(raw.value),
            })
        }
        other => Err(ParseError::new(
            Some(class),
            format!("unknown_function:{}", truncate(other, 64)),
        )),
    }
}
