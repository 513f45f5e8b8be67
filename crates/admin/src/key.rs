//! Admin API keys: making one (`ctid admin-key create`: 256 random bits, hex) and checking a
//! presented one against the configured digest in constant time (SHA-256 of the presented key,
//! compared whole with `subtle`, so neither the key nor its digest leaks through timing).

use rand::RngExt;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Longest key accepted in a request, in bytes (a generated one is 64).
pub const MAX_KEY_BYTES: usize = 256;

/// A new key and the configuration line that admits it.
#[derive(Clone, Debug)]
pub struct NewKey {
    /// The key, to give to the API's clients (64 hex digits, 256 random bits).
    pub key: String,
    /// Its SHA-256, for `[admin] api_key_sha256`.
    pub sha256: String,
}

/// Makes a new random key.
pub fn generate() -> NewKey {
    let bytes: [u8; 32] = rand::rng().random();
    let key = hex(&bytes);
    let sha256 = hex(&digest(&key));
    NewKey { key, sha256 }
}

/// The SHA-256 of a key.
pub fn digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// Whether `presented` is the key whose digest is `expected`, in time independent of where
/// they differ.
pub fn matches(presented: &str, expected: &[u8; 32]) -> bool {
    presented.len() <= MAX_KEY_BYTES && bool::from(digest(presented).ct_eq(expected))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_matches_its_digest_and_nothing_else() {
        let new = generate();
        assert_eq!(new.key.len(), 64);
        assert!(new.key.bytes().all(|b| b.is_ascii_hexdigit()));
        let config = crate::AdminConfig {
            api_key_sha256: Some(new.sha256.clone()),
        };
        let expected = config.digest().unwrap().unwrap();
        assert!(matches(&new.key, &expected));
        assert!(!matches(&new.key[1..], &expected));
        assert!(!matches(&new.key.to_uppercase(), &expected));
        assert!(!matches("", &expected));
        assert_ne!(generate().key, new.key);
    }

    #[test]
    fn the_digest_is_sha256() {
        // `echo -n abc | sha256sum`
        assert_eq!(
            hex(&digest("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
