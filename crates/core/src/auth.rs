//! Password hashing and checking (argon2id, PHC strings). Passwords are never stored in clear.
//!
//! Both functions are CPU-bound by design (tens of milliseconds): call them from
//! `tokio::task::spawn_blocking`, never directly in async code.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// Hashes a password with argon2id and a random salt, giving a PHC string.
pub fn hash_password(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .expect("argon2 with default parameters cannot fail")
        .to_string()
}

/// Hashes a password with deliberately cheap argon2id parameters (64 KiB, one pass), for
/// generated test and benchmark datasets with thousands of users. Never for real accounts.
pub fn hash_password_cheap(password: &str) -> String {
    let params = argon2::Params::new(64, 1, 1, None).expect("valid argon2 parameters");
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password(password.as_bytes())
        .expect("argon2 with valid parameters cannot fail")
        .to_string()
}

/// Whether `password` matches the PHC `hash`. A malformed hash never matches.
pub fn verify_password(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Whether `hash` parses as a PHC string.
pub fn is_valid_hash(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_malformed_ones_never_match() {
        let strong = hash_password("s3cret");
        assert!(strong.starts_with("$argon2id$") && verify_password(&strong, "s3cret"));
        assert!(!verify_password(&strong, "S3cret"));
        let cheap = hash_password_cheap("u1");
        assert!(verify_password(&cheap, "u1") && !verify_password(&cheap, "u2"));
        assert!(!verify_password("not a hash", "anything") && !is_valid_hash("$argon2id$garbage"));
    }
}
