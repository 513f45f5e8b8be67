//! Checks on what clients send: numbers and names are bounded and printable.

use crate::error::SimError;

/// Longest number accepted.
pub(crate) const MAX_NUMBER: usize = 64;
/// Longest caller name accepted.
pub(crate) const MAX_NAME: usize = 128;

/// A number: not empty, at most 64 characters, no control characters.
pub(crate) fn number(field: &str, value: &str) -> Result<(), SimError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(SimError::bad_request(format!("`{field}` is empty")));
    }
    if value.chars().count() > MAX_NUMBER {
        return Err(SimError::bad_request(format!(
            "`{field}` is longer than {MAX_NUMBER} characters"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(SimError::bad_request(format!(
            "`{field}` contains control characters"
        )));
    }
    Ok(())
}

/// A caller name: at most 128 characters, no control characters.
pub(crate) fn name(field: &str, value: &str) -> Result<(), SimError> {
    if value.chars().count() > MAX_NAME {
        return Err(SimError::bad_request(format!(
            "`{field}` is longer than {MAX_NAME} characters"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(SimError::bad_request(format!(
            "`{field}` contains control characters"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert!(number("to", "1001").is_ok());
        assert!(number("to", " ").is_err());
        assert!(number("to", &"1".repeat(65)).is_err());
        assert!(number("to", &"1".repeat(64)).is_ok());
        assert!(number("to", "10\n01").is_err());
        assert!(name("caller_name", "").is_ok());
        assert!(name("caller_name", &"é".repeat(128)).is_ok());
        assert!(name("caller_name", &"é".repeat(129)).is_err());
    }
}
