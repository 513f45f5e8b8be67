//! The embedded PBX's settings ([`SimConfig`]): ring timeout, how the simulated outside world
//! behaves (answer delay, busy / unreachable / never-answering numbers), which phones start
//! unregistered and which boxes start with messages, fax speed, the RNG seed and the channel
//! bound.
//!
//! In configuration files every duration is a number of **seconds** (integer or decimal:
//! `ring_timeout = 20`, `fax_delay = 0.5`); every field is optional.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Settings of the embedded PBX.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// How long a phone rings before the call goes to the user's no-answer forward or voicemail,
    /// or is given up (seconds in files; default 20 s). A user's `ring_seconds` overrides it.
    #[serde(with = "secs")]
    pub ring_timeout: Duration,
    /// How long an external number rings before it answers (seconds; default 2 s).
    #[serde(with = "secs")]
    pub far_end_answer_delay: Duration,
    /// External numbers that answer busy (dial status `BUSY`, cause 17).
    pub busy_numbers: Vec<String>,
    /// External numbers that cannot be reached (dial status `CONGESTION`, cause 34).
    pub unreachable_numbers: Vec<String>,
    /// External numbers that ring and never answer.
    pub no_answer_numbers: Vec<String>,
    /// Seed of the random generator (queue strategy `random`, bridge ids): the same seed gives
    /// the same run.
    pub seed: u64,
    /// Bytes per fax page: a document of `size` bytes is `ceil(size / fax_page_bytes)` pages.
    pub fax_page_bytes: usize,
    /// Time to send a fax (seconds; default 5 s).
    #[serde(with = "secs")]
    pub fax_delay: Duration,
    /// Bound on live channels; a call that would need more fails with congestion.
    pub max_channels: usize,
    /// Bound on live outside calls (`POST /sim/calls`); more are refused with 503 `unavailable`
    /// (default 1000).
    pub max_calls: usize,
    /// Numbers of the lines whose phone is not registered when the switch starts (every other
    /// line's is; `/sim` phone actions register and unregister them later).
    pub unregistered: Vec<String>,
    /// Messages waiting in voicemail boxes when the switch starts (every other box is empty).
    pub messages: Vec<MessagesWaiting>,
}

/// Messages in a voicemail box when the switch starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessagesWaiting {
    /// The box's mailbox number.
    pub mailbox: String,
    /// New messages.
    #[serde(default)]
    pub new: u32,
    /// Old (read) messages.
    #[serde(default)]
    pub old: u32,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            ring_timeout: Duration::from_secs(20),
            far_end_answer_delay: Duration::from_secs(2),
            busy_numbers: Vec::new(),
            unreachable_numbers: Vec::new(),
            no_answer_numbers: Vec::new(),
            seed: 0,
            fax_page_bytes: 50_000,
            fax_delay: Duration::from_secs(5),
            max_channels: 10_000,
            unregistered: Vec::new(),
            messages: Vec::new(),
            max_calls: 1000,
        }
    }
}

/// Durations as (possibly fractional) seconds.
mod secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let secs = f64::deserialize(d)?;
        Duration::try_from_secs_f64(secs)
            .map_err(|_| D::Error::custom(format!("{secs} is not a valid number of seconds")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_seconds_and_defaults() {
        let c: SimConfig = serde_json::from_str(
            r#"{"ring_timeout": 15, "fax_delay": 0.5, "busy_numbers": ["0600000000"]}"#,
        )
        .unwrap();
        assert_eq!(c.ring_timeout, Duration::from_secs(15));
        assert_eq!(c.fax_delay, Duration::from_millis(500));
        assert_eq!(c.far_end_answer_delay, Duration::from_secs(2));
        assert_eq!(c.busy_numbers, vec!["0600000000".to_owned()]);
        assert_eq!(c.max_channels, 10_000);
        assert!(serde_json::from_str::<SimConfig>(r#"{"ring_timeout": -1}"#).is_err());
        assert!(serde_json::from_str::<SimConfig>(r#"{"bogus": 1}"#).is_err());
        let c: SimConfig = serde_json::from_str(
            r#"{"unregistered": ["1005"], "messages": [{"mailbox": "1002", "new": 2}]}"#,
        )
        .unwrap();
        assert_eq!(c.unregistered, ["1005"]);
        assert_eq!(
            c.messages,
            [MessagesWaiting {
                mailbox: "1002".into(),
                new: 2,
                old: 0
            }]
        );
    }
}
