//! Reading a class's own type from the line with field-level error names
//! (`missing_field:<path>`, `invalid_field:<path>`, `field_too_long:<path>`...), the sub-head (`command` / `function` /
//! `message`) of classes with several forms.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::capped::{TOO_LONG, TOO_MANY};
use super::parse_error::ParseError;
use crate::wire::limits::echo;

/// What selects the form of a class with several: `command`, `function` or `message`.
#[derive(Deserialize)]
pub(super) struct SubHead<'a> {
    #[serde(borrow, default)]
    pub(super) command: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(super) function: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(super) message: Option<Cow<'a, str>>,
}

/// Names a deserialization failure: `missing_field:<path>`, `invalid_field:<path>`,
/// `field_too_long:<path>`, `too_many_items:<path>` or `invalid_message`. Paths may hold a
/// client's map keys, so they are quoted with [`echo`].
pub(super) fn field_error(
    class: &str,
    err: serde_path_to_error::Error<serde_json::Error>,
) -> ParseError {
    let path = err.path().to_string();
    let inner = err.into_inner();
    let msg = inner.to_string();
    let prefix = if path == "." || path.is_empty() {
        String::new()
    } else {
        format!("{path}.")
    };
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return ParseError::new(
            Some(class),
            format!("missing_field:{}", echo(&format!("{prefix}{name}"))),
        );
    }
    for marker in [TOO_LONG, TOO_MANY] {
        if let Some(rest) = msg.strip_prefix(marker) {
            // `field_too_long:3.0 at line …`: the position inside the field, if any.
            let inside = rest
                .strip_prefix(':')
                .and_then(|r| r.split_whitespace().next());
            let full = match inside {
                Some(inside) => format!("{prefix}{inside}"),
                None => path,
            };
            return ParseError::new(Some(class), format!("{marker}:{}", echo(&full)));
        }
    }
    if path == "." || path.is_empty() {
        return ParseError::new(Some(class), "invalid_message");
    }
    ParseError::new(Some(class), format!("invalid_field:{}", echo(&path)))
}

/// Reads the class's own type from the line, naming a missing or ill-typed field.
pub(super) fn read<T: DeserializeOwned>(class: &str, text: &str) -> Result<T, ParseError> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| field_error(class, e))
}

/// Reads the sub-head of a class with several forms.
pub(super) fn sub<'a>(class: &str, text: &'a str) -> Result<SubHead<'a>, ParseError> {
    serde_json::from_str(text).map_err(|_| ParseError::new(Some(class), "invalid_message"))
}

/// The sub-head field `name`, or `missing_field:<name>`.
pub(super) fn required<'a>(
    class: &str,
    name: &str,
    v: &'a Option<Cow<'a, str>>,
) -> Result<&'a str, ParseError> {
    v.as_deref()
        .ok_or_else(|| ParseError::new(Some(class), format!("missing_field:{name}")))
}
