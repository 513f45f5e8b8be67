//! A `Duration` written in configuration files as a number of seconds (fractions allowed, never
//! negative), shared by the faces' settings (`[cti] login_timeout_secs`, `[xuc]
//! token_ttl_secs`, ...): use it as `#[serde(with = "ctid_face::config_secs")]`.

use std::time::Duration;

use serde::{Deserialize, Deserializer, Serializer};

/// Writes the duration as seconds (a float).
pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Reads seconds (integer or float; negative, infinite or too large is an error).
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let secs = f64::deserialize(d)?;
    Duration::try_from_secs_f64(secs).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct S(#[serde(with = "super")] Duration);

    #[test]
    fn seconds_in_and_out() {
        let s: S = serde_json::from_str("2.5").unwrap();
        assert_eq!(s.0, Duration::from_millis(2500));
        assert_eq!(
            serde_json::to_string(&S(Duration::from_secs(3))).unwrap(),
            "3.0"
        );
        assert!(serde_json::from_str::<S>("-1").is_err());
        assert!(serde_json::from_str::<S>("\"x\"").is_err());
    }
}
