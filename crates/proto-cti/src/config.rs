//! Settings of the CTI server (`[cti]` in ctid's configuration file), with their defaults.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Settings of the CTI server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CtiConfig {
    /// Where to listen (default `0.0.0.0:5003`).
    pub listen: SocketAddr,
    /// Longest accepted input line in bytes (default 8 MiB: faxes travel inline, base64).
    /// Longer lines are discarded as they arrive and answered with an error.
    pub max_line_bytes: usize,
    /// Time a connection has to complete the three-step login (default 5 s), measured on the
    /// injected clock. On the wire of the configuration: `login_timeout_secs`.
    #[serde(rename = "login_timeout_secs", with = "ctid_face::config_secs")]
    pub login_timeout: Duration,
    /// Bytes queued for one session (replies and pushes not yet written to its socket) before
    /// it is cut off as a client that does not read (default 4 MiB). A single message longer
    /// than this still goes out when nothing else is queued.
    pub outbox_max_bytes: usize,
    /// Simultaneous connections accepted (default 50 000); more are closed at once.
    pub max_connections: usize,
    /// PEM certificate chain for STARTTLS. STARTTLS upgrades only when both this and
    /// `tls_key` are set; otherwise the offer is answered `"starttls": false`.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for STARTTLS.
    pub tls_key: Option<PathBuf>,
    /// Which list pushes a session receives (default [`PushPolicy::All`], as the protocol
    /// document promises; see `docs/cti-protocol.md`).
    pub push_policy: PushPolicy,
    /// Refuse `login_id` on a connection that has not upgraded to TLS (default false), so an
    /// attacker on the path cannot strip STARTTLS and read passwords. Needs `tls_cert` and
    /// `tls_key`.
    pub require_tls: bool,
    /// Bytes of the subscriptions (`subscribe`, `register_*_status_update`) one session may hold
    /// (default 256 KiB); one that would go over is refused (`subscription_limit`).
    pub max_subscription_bytes: usize,
    /// Whether a newer whole-state push (`queueentryupdate`, `getqueuesstats`, `current_calls`,
    /// `meetme_update`) replaces an older copy of the same object still waiting in a session's
    /// outbox (default true): a client that reads slowly then gets the current state rather
    /// than a backlog of outdated ones, and is not cut off for them (`docs/cti-protocol.md`,
    /// *Slow readers*).
    pub coalesce_snapshots: bool,
}

/// Which `getlist` pushes (users, phones, agents, queues, voicemails, queue members) reach a
/// session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PushPolicy {
    /// Every authenticated session receives every list's pushes from login on, unsolicited, as
    /// the protocol document and xivo-ctid do.
    #[default]
    All,
    /// A session receives a list's pushes only after its first `getlist` about that list (and
    /// its own user's pushes before that): less traffic for large deployments whose clients
    /// watch few lists. An opt-in that changes what clients receive.
    Subscribed,
}

impl Default for CtiConfig {
    fn default() -> Self {
        CtiConfig {
            listen: SocketAddr::from(([0, 0, 0, 0], 5003)),
            max_line_bytes: 8 * 1024 * 1024,
            login_timeout: Duration::from_secs(5),
            outbox_max_bytes: 4 * 1024 * 1024,
            max_connections: 50_000,
            tls_cert: None,
            tls_key: None,
            push_policy: PushPolicy::All,
            require_tls: false,
            max_subscription_bytes: 256 * 1024,
            coalesce_snapshots: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_seconds() {
        let c: CtiConfig = serde_json::from_str(r#"{"login_timeout_secs": 2.5}"#).unwrap();
        assert_eq!(c.login_timeout, Duration::from_millis(2500));
        assert_eq!(c.listen.port(), 5003);
        assert_eq!(c.max_line_bytes, 8 * 1024 * 1024);
        assert_eq!(c.outbox_max_bytes, 4_194_304);
        let back = serde_json::to_value(&c).unwrap();
        assert_eq!(back["login_timeout_secs"], 2.5);
        assert!(serde_json::from_str::<CtiConfig>(r#"{"login_timeout_secs": -1}"#).is_err());
        assert_eq!(c.push_policy, PushPolicy::All);
        let c: CtiConfig = serde_json::from_str(r#"{"push_policy": "subscribed"}"#).unwrap();
        assert_eq!(c.push_policy, PushPolicy::Subscribed);
        assert!(serde_json::from_str::<CtiConfig>(r#"{"push_policy": "some"}"#).is_err());
        assert!(c.coalesce_snapshots);
        let c: CtiConfig = serde_json::from_str(r#"{"coalesce_snapshots": false}"#).unwrap();
        assert!(!c.coalesce_snapshots);
    }
}
