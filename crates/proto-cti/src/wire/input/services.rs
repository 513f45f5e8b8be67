//! `availstate` (presence) and `featuresput` (DND, call filter, recording, voicemail, forwards)
//! and their parsing.

use serde::Deserialize;

use super::capped::max_bytes;
use crate::wire::limits::{ID_BYTES, NAME_BYTES};

use super::parse_error::ParseError;
use super::read::{read, required, sub};
use crate::wire::lenient::{Flag, Id};
use crate::wire::limits::echo;

/// `availstate`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AvailState {
    /// The new presence.
    #[serde(deserialize_with = "max_bytes::<_, _, NAME_BYTES>")]
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
    #[serde(deserialize_with = "max_bytes::<_, _, NAME_BYTES>")]
    pub destunc: Option<Id>,
    /// No-answer forward on/off.
    pub enablerna: Option<Flag>,
    /// No-answer forward destination.
    #[serde(deserialize_with = "max_bytes::<_, _, NAME_BYTES>")]
    pub destrna: Option<Id>,
    /// Busy forward on/off.
    pub enablebusy: Option<Flag>,
    /// Busy forward destination.
    #[serde(deserialize_with = "max_bytes::<_, _, NAME_BYTES>")]
    pub destbusy: Option<Id>,
}

#[derive(Deserialize)]
struct FeatureFlag {
    value: Flag,
    #[serde(default, deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
    target: Option<Id>,
}

#[derive(Deserialize)]
struct FeatureFwd {
    value: ForwardValue,
    #[serde(default, deserialize_with = "max_bytes::<_, _, ID_BYTES>")]
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
            format!("unknown_function:{}", echo(other)),
        )),
    }
}
