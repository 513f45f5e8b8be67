//! Field types as lenient as browsers make them: an id given as a number or as a string of
//! digits; a `null` (JavaScript's `NaN` and explicit nulls) read as absent.

use serde::{Deserialize, Deserializer};

/// An integer id, sent as `12` or `"12"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Id(pub u64);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Text(String),
        }
        match Raw::deserialize(d)
            .map_err(|_| serde::de::Error::custom("expected an id (a number)"))?
        {
            Raw::Number(n) => Ok(Id(n)),
            Raw::Text(s) => s
                .trim()
                .parse()
                .map(Id)
                .map_err(|_| serde::de::Error::custom("expected an id (a number)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_as_numbers_or_strings() {
        let ids: Vec<Option<Id>> = serde_json::from_str(r#"[12, "13", null]"#).unwrap();
        assert_eq!(ids, [Some(Id(12)), Some(Id(13)), None]);
        assert!(serde_json::from_str::<Id>(r#""x""#).is_err());
        assert!(serde_json::from_str::<Id>("-1").is_err());
    }
}
