//! The REST API's tokens: random (190 bits: 32 alphanumeric characters), expiring on the
//! injected clock, renewable and revocable, bounded in number. A token is a bearer secret: it
//! is never logged and never printed by `Debug`. Each token has a revocation signal the
//! WebSocket sessions opened with it watch: revoking the token (REST logout) ends them; its
//! expiry does not (a token opens a socket, the socket then lives on its own).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use rand::RngExt;
use rand::distr::Alphanumeric;
use tokio_util::sync::CancellationToken;

use ctid_core::ids::UserId;
use ctid_core::{SharedClock, Timestamp};

/// Characters of a token.
pub const TOKEN_CHARS: usize = 32;

/// A token secret (its `Debug` hides it).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Token(String);

impl Token {
    /// A token as a client presented it.
    pub fn from_client(token: &str) -> Token {
        Token(token.to_owned())
    }

    /// The secret, for the client that owns it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

/// Why a token was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenError {
    /// Unknown or revoked.
    Invalid,
    /// Known but expired.
    Expired,
    /// Too many live tokens.
    Full,
}

#[derive(Debug)]
struct Entry {
    user: UserId,
    expires: Timestamp,
    /// Fired when the token is revoked.
    revoked: CancellationToken,
}

/// The live tokens.
#[derive(Debug)]
pub struct Tokens {
    entries: Mutex<HashMap<Token, Entry>>,
    ttl: Duration,
    max: usize,
    clock: SharedClock,
}

impl Tokens {
    /// An empty store of tokens valid for `ttl`, at most `max` at a time.
    pub fn new(ttl: Duration, max: usize, clock: SharedClock) -> Self {
        Tokens {
            entries: Mutex::new(HashMap::new()),
            ttl,
            max: max.max(1),
            clock,
        }
    }

    /// How long a token lives.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A new token for `user`.
    pub fn issue(&self, user: UserId) -> Result<Token, TokenError> {
        let now = self.clock.now();
        let mut entries = self.lock();
        if entries.len() >= self.max {
            entries.retain(|_, e| e.expires > now);
            if entries.len() >= self.max {
                return Err(TokenError::Full);
            }
        }
        let token = Token(
            rand::rng()
                .sample_iter(Alphanumeric)
                .take(TOKEN_CHARS)
                .map(char::from)
                .collect(),
        );
        entries.insert(
            token.clone(),
            Entry {
                user,
                expires: now.plus(self.ttl),
                revoked: CancellationToken::new(),
            },
        );
        Ok(token)
    }

    /// The user of a live token.
    pub fn user(&self, token: &str) -> Result<UserId, TokenError> {
        let now = self.clock.now();
        let mut entries = self.lock();
        let key = Token(token.to_owned());
        match entries.get(&key) {
            None => Err(TokenError::Invalid),
            Some(e) if e.expires <= now => {
                entries.remove(&key);
                Err(TokenError::Expired)
            }
            Some(e) => Ok(e.user),
        }
    }

    /// The user of a live token and the signal fired when the token is revoked (what a
    /// session opened with it watches).
    pub fn session(&self, token: &str) -> Result<(UserId, CancellationToken), TokenError> {
        let user = self.user(token)?;
        match self.lock().get(&Token(token.to_owned())) {
            Some(e) => Ok((user, e.revoked.clone())),
            None => Err(TokenError::Invalid),
        }
    }

    /// Extends a live token's life by the TTL from now; returns its user.
    pub fn renew(&self, token: &str) -> Result<UserId, TokenError> {
        let user = self.user(token)?;
        let expires = self.clock.now().plus(self.ttl);
        if let Some(e) = self.lock().get_mut(&Token(token.to_owned())) {
            e.expires = expires;
        }
        Ok(user)
    }

    /// Revokes a token (the sessions opened with it end); returns whether it was live.
    pub fn revoke(&self, token: &str) -> bool {
        let now = self.clock.now();
        let removed = self.lock().remove(&Token(token.to_owned()));
        removed.is_some_and(|e| {
            e.revoked.cancel();
            e.expires > now
        })
    }

    /// Revokes every token of a user (the user left the configuration).
    pub fn revoke_user(&self, user: UserId) {
        self.lock().retain(|_, e| {
            let keep = e.user != user;
            if !keep {
                e.revoked.cancel();
            }
            keep
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Token, Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use ctid_core::ManualClock;

    use super::*;

    #[test]
    fn tokens_expire_renew_and_revoke_on_the_clock() {
        let clock = ManualClock::at_default_start();
        let tokens = Tokens::new(Duration::from_secs(60), 2, clock.shared());
        let a = tokens.issue(UserId(1)).unwrap();
        assert_eq!(a.expose().len(), TOKEN_CHARS);
        assert_eq!(format!("{a:?}"), "Token(…)");
        assert_eq!(tokens.user(a.expose()), Ok(UserId(1)));
        clock.advance(Duration::from_secs(59));
        assert_eq!(tokens.renew(a.expose()), Ok(UserId(1)));
        clock.advance(Duration::from_secs(59));
        assert_eq!(tokens.user(a.expose()), Ok(UserId(1)), "renewed at 59 s");
        clock.advance(Duration::from_secs(1));
        assert_eq!(tokens.user(a.expose()), Err(TokenError::Expired));
        assert_eq!(tokens.user(a.expose()), Err(TokenError::Invalid));
        let b = tokens.issue(UserId(2)).unwrap();
        assert_ne!(a, b);
        let (user, revoked) = tokens.session(b.expose()).unwrap();
        assert_eq!(user, UserId(2));
        assert!(!revoked.is_cancelled());
        assert!(tokens.revoke(b.expose()));
        assert!(revoked.is_cancelled());
        assert_eq!(tokens.user(b.expose()), Err(TokenError::Invalid));
        assert_eq!(tokens.user("guess"), Err(TokenError::Invalid));
    }

    #[test]
    fn the_store_is_bounded_and_expired_tokens_make_room() {
        let clock = ManualClock::at_default_start();
        let tokens = Tokens::new(Duration::from_secs(10), 2, clock.shared());
        tokens.issue(UserId(1)).unwrap();
        tokens.issue(UserId(1)).unwrap();
        assert_eq!(tokens.issue(UserId(1)), Err(TokenError::Full));
        clock.advance(Duration::from_secs(10));
        assert!(tokens.issue(UserId(1)).is_ok());
    }
}
