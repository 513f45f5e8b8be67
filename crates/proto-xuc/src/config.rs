//! Settings of the XuC face (`[xuc]` in ctid's configuration file), with their defaults.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Settings of the XuC WebSocket API and its REST authentication.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct XucConfig {
    /// How long a token from `POST /xuc/api/2.0/auth/login` stays valid (default 3600 s),
    /// on the injected clock; `auth/check` renews it. On the wire: `token_ttl_secs`.
    #[serde(rename = "token_ttl_secs", with = "ctid_face::config_secs")]
    pub token_ttl: Duration,
    /// Live tokens at most (default 100 000); a login past it, when none has expired, is
    /// refused with 503.
    pub max_tokens: usize,
    /// Longest accepted WebSocket message, in bytes (default 64 KiB); longer frames or
    /// messages are discarded as they arrive and answered with an `Error` message.
    pub max_message_bytes: usize,
    /// Bytes queued for one socket before it is cut off as a client that does not read
    /// (default 1 MiB). A single message longer than this still goes out when nothing else
    /// is queued.
    pub outbox_max_bytes: usize,
    /// Time a password check (WebSocket password forms, `auth/login`) may take, throttling
    /// delays included (default 10 s); past it the login fails.
    #[serde(rename = "login_timeout_secs", with = "ctid_face::config_secs")]
    pub login_timeout: Duration,
    /// A socket from which nothing arrives this long is closed (default 60 s; cti.js pings
    /// every 5 s), on the injected clock. On the wire: `idle_timeout_secs`.
    #[serde(rename = "idle_timeout_secs", with = "ctid_face::config_secs")]
    pub idle_timeout: Duration,
    /// Event batches the fan-out task may have waiting (default 1024).
    pub fanout_events: usize,
    /// Subscription requests the fan-out task may have waiting (default 4096).
    pub fanout_controls: usize,
}

impl Default for XucConfig {
    fn default() -> Self {
        XucConfig {
            token_ttl: Duration::from_secs(3600),
            max_tokens: 100_000,
            max_message_bytes: 64 * 1024,
            outbox_max_bytes: 1024 * 1024,
            login_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            fanout_events: 1024,
            fanout_controls: 4096,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_seconds() {
        let c: XucConfig = serde_json::from_str(r#"{"token_ttl_secs": 90}"#).unwrap();
        assert_eq!(c.token_ttl, Duration::from_secs(90));
        assert_eq!(c.max_message_bytes, 65_536);
        assert!(serde_json::from_str::<XucConfig>(r#"{"token_ttl_secs": -1}"#).is_err());
        assert!(serde_json::from_str::<XucConfig>(r#"{"nope": 1}"#).is_err());
    }
}
