//! Reading a class's own type from the line with field-level error names
//! (`missing_field:<path>`, `invalid_field:<path>`), the sub-head (`command` / `function` /
//! `message`) of classes with several forms, and the cut of echoed values.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::parse_error::ParseError;

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

/// Names a deserialization failure: `missing_field:<path>`, `invalid_field:<path>` or
/// `invalid_message`.
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
        return ParseError::new(Some(class), format!("missing_field:{prefix}{name}"));
    }
    if path == "." || path.is_empty() {
        return ParseError::new(Some(class), "invalid_message");
    }
    ParseError::new(Some(class), format!("invalid_field:{path}"))
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

/// At most `max` bytes of `s`, cut at a char boundary.
pub(super) fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
