//! Password hashing and checking (argon2id, PHC strings). Passwords are never stored in clear.
//!
//! Every function is CPU-bound by design (tens of milliseconds): call them from a blocking
//! thread, never directly in async code. Servers check passwords through
//! [`crate::login_guard::PasswordChecker`], whose workers reuse [`verify_password_with_memory`]
//! with one memory block each, so checks allocate nothing.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// An argon2id hash (default parameters, like the users') checked when a login is unknown, so the
/// answer time does not tell which logins exist.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$22HQtzkfVquOmndB+C95+Q$7W5PS/VjTZ9FAUBVnbL/Hdr1LeFsj8EbNRp5Ps1rnNc";

/// Most memory one check may use, in 1 KiB blocks (256 MiB): a hash asking more never matches.
pub const MAX_CHECK_BLOCKS: usize = 256 * 1024;

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

/// Whether `password` matches the argon2 PHC `hash`, computed in the caller's `memory` (grown to
/// the hash's memory cost if it is smaller, never shrunk): a worker that keeps its block checks
/// passwords without allocating. A malformed or non-argon2 hash never matches.
pub fn verify_password_with_memory(hash: &str, password: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let Ok(version) = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let blocks = params.block_count();
    if blocks > MAX_CHECK_BLOCKS {
        tracing::warn!(
            kib = blocks,
            "password hash needs more memory than allowed: refused"
        );
        return false;
    }
    if memory.len() < blocks {
        memory.resize(blocks, Block::new());
    }
    let expected = expected.as_ref();
    let mut computed = [0u8; 64];
    let Some(out) = computed.get_mut(..expected.len()) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params);
    if argon
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt.as_ref(),
            out,
            &mut memory[..blocks],
        )
        .is_err()
    {
        return false;
    }
    // Constant-time comparison: the time does not tell how many bytes matched.
    out.iter()
        .zip(expected)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

/// Argon2 memory blocks for one password-check worker, sized for the default parameters (the
/// users' hashes and the dummy hash); [`verify_password_with_memory`] grows them for costlier
/// hashes.
pub fn password_memory() -> Vec<Block> {
    vec![Block::new(); Params::default().block_count()]
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

    #[test]
    fn checks_in_reused_memory_agree_with_the_allocating_check() {
        let mut memory = password_memory();
        let default_len = memory.len();
        let strong = hash_password("s3cret");
        let cheap = hash_password_cheap("u1");
        for _ in 0..2 {
            assert!(verify_password_with_memory(&strong, "s3cret", &mut memory));
            assert!(!verify_password_with_memory(&strong, "s3creT", &mut memory));
            assert!(verify_password_with_memory(&cheap, "u1", &mut memory));
            assert!(!verify_password_with_memory(&cheap, "u2", &mut memory));
        }
        assert_eq!(memory.len(), default_len, "the block is reused, not grown");
        assert!(!verify_password_with_memory("not a hash", "x", &mut memory));
        assert!(!verify_password_with_memory(
            "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ",
            "x",
            &mut memory
        ));
        // A costlier hash grows the block once.
        let big = argon2::Params::new(32 * 1024, 1, 1, None).unwrap();
        let h = Argon2::new(Algorithm::Argon2id, Version::V0x13, big)
            .hash_password(b"pw")
            .unwrap()
            .to_string();
        assert!(verify_password_with_memory(&h, "pw", &mut memory));
        assert_eq!(memory.len(), 32 * 1024);
    }
}
