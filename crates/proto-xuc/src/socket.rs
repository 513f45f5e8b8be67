//! The WebSocket endpoints: `/xuc/api/2.0/cti?token=T` and
//! `/xuc/ctichannel/tokenAuthentication?token=T` (a token from the REST login), and the
//! password forms `/ctichannel` and `/xuc/ctichannel` (`username`, `password`, `agentNumber`;
//! also the `amp;password` / `amp;agentNumber` spellings one published client sends). The
//! phone number is not used: the session's line is the user's own. A request that is not a
//! WebSocket handshake gets a JSON 400; a handshake whose credentials fail is upgraded and told
//! `LoggedOnError`, then closed (a browser cannot read a refused handshake's body).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;

use ctid_core::ids::UserId;
use tokio_util::sync::CancellationToken;

use crate::auth::{self, AuthError};
use crate::face::{ConnectionHold, Shared};
use crate::ws::handshake;
use crate::{rest, session};

/// How long the upgrade may take once answered.
const UPGRADE_WAIT: Duration = Duration::from_secs(10);

fn query(req: &Request) -> HashMap<String, String> {
    Query::<HashMap<String, String>>::try_from_uri(req.uri())
        .map(|q| q.0)
        .unwrap_or_default()
}

/// A token endpoint.
pub(crate) async fn token_socket(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let accept = match handshake::check(req.headers()) {
        Ok(a) => a,
        Err(e) => return rest::error(StatusCode::BAD_REQUEST, "NotWebSocket", e.0),
    };
    let who = match query(&req).get("token") {
        Some(token) => auth::token(&shared, token),
        None => Err(AuthError::InvalidToken),
    };
    upgrade(shared, req, &accept, who)
}

/// A password endpoint.
pub(crate) async fn password_socket(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let accept = match handshake::check(req.headers()) {
        Ok(a) => a,
        Err(e) => return rest::error(StatusCode::BAD_REQUEST, "NotWebSocket", e.0),
    };
    let q = query(&req);
    let password = q.get("password").or_else(|| q.get("amp;password"));
    let who = match (q.get("username"), password) {
        (Some(login), Some(password)) => {
            auth::password(&shared, login, password, rest::peer(&req)).await
        }
        _ => Err(AuthError::InvalidCredentials),
    };
    // A password session has no token to revoke: a signal that never fires.
    let who = who.map(|user| (user, CancellationToken::new()));
    upgrade(shared, req, &accept, who)
}

fn upgrade(
    shared: Arc<Shared>,
    mut req: Request,
    accept: &str,
    who: Result<(UserId, CancellationToken), AuthError>,
) -> Response {
    let hold = req.extensions().get::<ConnectionHold>().cloned();
    let on_upgrade = hyper::upgrade::on(&mut req);
    tokio::spawn(async move {
        let io = match tokio::time::timeout(UPGRADE_WAIT, on_upgrade).await {
            Ok(Ok(io)) => io,
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "XuC WebSocket upgrade failed");
                return;
            }
            Err(_) => return,
        };
        match who {
            Ok((user, revoked)) => session::run(shared, io, user, revoked, hold).await,
            Err(e) => {
                tracing::info!(error = e.name(), "XuC WebSocket session refused");
                session::refuse(io, e.message()).await;
            }
        }
    });
    handshake::switching(accept)
}
