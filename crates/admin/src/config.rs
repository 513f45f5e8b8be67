//! `[admin]`: the admin API's key, kept only as the SHA-256 digest of the key (hex), so a
//! configuration file or environment that leaks does not leak the key. No digest, no access:
//! the API then answers 401 to everything.

use serde::{Deserialize, Serialize};

/// `[admin]` (environment: `CTID_ADMIN__API_KEY_SHA256`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AdminConfig {
    /// SHA-256 of the API key, 64 hex digits (`ctid admin-key create` prints a key and this
    /// line). Unset: every request is refused.
    pub api_key_sha256: Option<String>,
}

/// Why `api_key_sha256` is not a digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadDigest(pub String);

impl std::fmt::Display for BadDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[admin] api_key_sha256: {}", self.0)
    }
}

impl std::error::Error for BadDigest {}

impl AdminConfig {
    /// The key's digest, if one is configured, or why the configured one is not a digest.
    pub fn digest(&self) -> Result<Option<[u8; 32]>, BadDigest> {
        let Some(hex) = self.api_key_sha256.as_deref() else {
            return Ok(None);
        };
        let hex = hex.trim();
        if hex.len() != 64 {
            return Err(BadDigest(format!(
                "expected 64 hex digits (a SHA-256), got {} characters",
                hex.len()
            )));
        }
        let mut digest = [0u8; 32];
        for (i, byte) in digest.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                .map_err(|_| BadDigest("expected hex digits only (0-9, a-f)".to_owned()))?;
        }
        Ok(Some(digest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(hex: &str) -> AdminConfig {
        AdminConfig {
            api_key_sha256: Some(hex.to_owned()),
        }
    }

    #[test]
    fn a_digest_is_64_hex_digits() {
        assert_eq!(AdminConfig::default().digest(), Ok(None));
        let digest = config(&"ab".repeat(32)).digest().unwrap().unwrap();
        assert_eq!(digest, [0xab; 32]);
        assert_eq!(config(&"AB".repeat(32)).digest().unwrap(), Some([0xab; 32]));
        assert!(config("abc").digest().unwrap_err().0.contains("64 hex"));
        let not_hex = format!("{}zz", "ab".repeat(31));
        assert!(not_hex.is_ascii());
        assert!(config(&not_hex).digest().unwrap_err().0.contains("hex"));
        // A multi-byte character never splits a pair: the length check counts bytes.
        let accented = format!("{}é", "a".repeat(62));
        assert!(config(&accented).digest().is_err());
    }
}
