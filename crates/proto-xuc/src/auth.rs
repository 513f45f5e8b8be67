//! Who a request is: a password checked through the core's login guard (failed-login
//! throttling per login and per address, argon2 on the shared workers: the same checks as CTI
//! logins), or a token from the REST login. A user needs a known profile and `cti_enabled`.

use std::net::IpAddr;
use tokio_util::sync::CancellationToken;

use ctid_core::ids::UserId;
use ctid_core::login_guard::Verdict;
use ctid_core::{LoginBar, Timestamp};

use crate::face::Shared;
use crate::tokens::TokenError;

/// Longest login or password accepted.
pub const MAX_CREDENTIAL: usize = 256;

/// Why a login failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthError {
    /// Unknown login or wrong password.
    InvalidCredentials,
    /// The login or the address is locked out after failures, until then.
    LockedOut(Timestamp),
    /// The password is right but the user may not use CTI clients.
    NotAllowed,
    /// The check did not finish in time.
    Timeout,
    /// The token is unknown or revoked.
    InvalidToken,
    /// The token expired.
    TokenExpired,
}

impl AuthError {
    /// Its name in REST errors and `LoggedOnError` messages.
    pub fn name(self) -> &'static str {
        match self {
            AuthError::InvalidCredentials => "InvalidCredentials",
            AuthError::LockedOut(_) => "TooManyAttempts",
            AuthError::NotAllowed => "NotAllowed",
            AuthError::Timeout => "Timeout",
            AuthError::InvalidToken => "InvalidToken",
            AuthError::TokenExpired => "TokenExpired",
        }
    }

    /// A sentence for the client.
    pub fn message(self) -> &'static str {
        match self {
            AuthError::InvalidCredentials => "invalid login or password",
            AuthError::LockedOut(_) => "too many failed logins: try again later",
            AuthError::NotAllowed => "this user may not use CTI clients",
            AuthError::Timeout => "the login took too long",
            AuthError::InvalidToken => "invalid token",
            AuthError::TokenExpired => "token expired",
        }
    }
}

/// Checks `login`/`password` from `peer`.
pub(crate) async fn password(
    shared: &Shared,
    login: &str,
    password: &str,
    peer: IpAddr,
) -> Result<UserId, AuthError> {
    if login.len() > MAX_CREDENTIAL || password.len() > MAX_CREDENTIAL {
        return Err(AuthError::InvalidCredentials);
    }
    let ds = shared.core.dataset();
    let user = ds.user_by_login(login);
    let hash = user.and_then(|u| u.password_hash.clone());
    let clock = shared.core.clock().clone();
    let deadline = clock.now().plus(shared.config.login_timeout);
    let verdict = tokio::select! {
        v = shared.login_guard.verify(login, peer, hash, password.to_owned()) => v,
        _ = clock.sleep_until(deadline) => return Err(AuthError::Timeout),
    };
    match verdict {
        Verdict::Match => {}
        Verdict::Mismatch => return Err(AuthError::InvalidCredentials),
        Verdict::LockedOut(until) => return Err(AuthError::LockedOut(until)),
    }
    let Some(user) = user else {
        return Err(AuthError::InvalidCredentials);
    };
    allowed(shared, user.id)
}

/// Whether a user may open a session now (the core's rule for every face).
fn allowed(shared: &Shared, user: UserId) -> Result<UserId, AuthError> {
    match shared.core.dataset().login_bar(user) {
        None => Ok(user),
        Some(LoginBar::UnknownUser) => Err(AuthError::InvalidToken),
        Some(LoginBar::NoProfile | LoginBar::CtiDisabled) => Err(AuthError::NotAllowed),
    }
}

/// The user of a token, and the token's revocation signal.
pub(crate) fn token(
    shared: &Shared,
    token: &str,
) -> Result<(UserId, CancellationToken), AuthError> {
    let (user, revoked) = shared.tokens.session(token).map_err(token_error)?;
    Ok((allowed(shared, user)?, revoked))
}

/// A token error as an authentication error.
pub(crate) fn token_error(e: TokenError) -> AuthError {
    match e {
        TokenError::Expired => AuthError::TokenExpired,
        TokenError::Invalid | TokenError::Full => AuthError::InvalidToken,
    }
}
