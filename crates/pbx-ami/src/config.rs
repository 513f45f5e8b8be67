//! `[pbx.asterisk]`: where the Asterisk Manager Interface is, how to log in, and the adapter's
//! timeouts and reconnection backoff.
//!
//! In configuration files every duration is a number of **seconds** (integer or decimal:
//! `connect_timeout = 5`, `action_timeout = 2.5`). The secret also comes from the environment
//! (`CTID_PBX__ASTERISK__SECRET`); `ctid config show` prints it as `***`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How to log in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// `Challenge` (AuthType MD5), then `Login` with `Key` = md5(challenge + secret): the
    /// secret never crosses the network.
    #[default]
    Md5,
    /// `Login` with the secret in clear.
    Plain,
}

/// Settings of the Asterisk adapter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AmiConfig {
    /// Asterisk's host (default 127.0.0.1).
    pub host: String,
    /// The AMI port (`manager.conf` `port`, default 5038).
    pub port: u16,
    /// The AMI user (a `manager.conf` section).
    pub username: String,
    /// Its secret.
    pub secret: String,
    /// How to log in (default `md5`).
    pub auth: AuthMode,
    /// Time to open the TCP connection (seconds; default 5 s).
    #[serde(with = "secs")]
    pub connect_timeout: Duration,
    /// Time for the banner and each login step (seconds; default 5 s).
    #[serde(with = "secs")]
    pub login_timeout: Duration,
    /// Time an action has to be answered before it is reported failed (seconds; default 10 s).
    /// An originate's result comes later: its ring time is added.
    #[serde(with = "secs")]
    pub action_timeout: Duration,
    /// Time a resync list may go without a message before the resync is given up and the
    /// connection restarted (seconds; default 10 s).
    #[serde(with = "secs")]
    pub list_timeout: Duration,
    /// Interval of the keep-alive `Ping` (seconds; default 20 s); a ping unanswered within
    /// `action_timeout` drops the connection.
    #[serde(with = "secs")]
    pub ping_interval: Duration,
    /// First wait before reconnecting (seconds; default 1 s), doubled after each failure...
    #[serde(with = "secs")]
    pub reconnect_min: Duration,
    /// ... up to this (seconds; default 30 s).
    #[serde(with = "secs")]
    pub reconnect_max: Duration,
    /// How long the first leg of an originate rings (seconds; default 30 s).
    #[serde(with = "secs")]
    pub originate_ring: Duration,
    /// Ask Asterisk (action `Filter`) to send only the events ctid reads (default true; the
    /// AMI user then needs the `system` write permission).
    pub event_filter: bool,
    /// Live events held while a resync runs, at most; more restart the connection (default
    /// 65,536).
    pub max_buffered_events: usize,
    /// The dialplan context of the agents' queue-member channels (`Local/2001@agents/n`, where
    /// the shipped dialplan runs `AgentRequest`; default `agents`).
    pub agent_context: String,
    /// The dialplan context where a number outside is dialled for "dial from mobile" (default
    /// `default`).
    pub outside_context: String,
}

impl Default for AmiConfig {
    fn default() -> Self {
        AmiConfig {
            host: "127.0.0.1".to_owned(),
            port: 5038,
            username: "ctid".to_owned(),
            secret: String::new(),
            auth: AuthMode::Md5,
            connect_timeout: Duration::from_secs(5),
            login_timeout: Duration::from_secs(5),
            action_timeout: Duration::from_secs(10),
            list_timeout: Duration::from_secs(10),
            ping_interval: Duration::from_secs(20),
            reconnect_min: Duration::from_secs(1),
            reconnect_max: Duration::from_secs(30),
            originate_ring: Duration::from_secs(30),
            event_filter: true,
            max_buffered_events: 65_536,
            agent_context: "agents".to_owned(),
            outside_context: "default".to_owned(),
        }
    }
}

impl AmiConfig {
    /// `host:port`.
    pub fn address(&self) -> String {
        if self.host.contains(':') && !self.host.starts_with('[') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// Durations as (possibly fractional) seconds.
mod secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let secs = f64::deserialize(d)?;
        Duration::try_from_secs_f64(secs).map_err(serde::de::Error::custom)
    }
}
