//! Lenient field types: what real clients send in more than one JSON shape (ids as numbers or
//! strings, sizes as strings, booleans as `"true"`), each read into one Rust type.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, Visitor};
use serde::{Deserialize, Serialize};

/// An id or number given as a JSON string or number; kept as text (`"12"`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Id(pub String);

impl Id {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as an integer, when it is one.
    pub fn as_u32(&self) -> Option<u32> {
        self.0.trim().parse().ok()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

struct IdVisitor;

impl Visitor<'_> for IdVisitor {
    type Value = Id;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
        Ok(Id(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Id, E> {
        Ok(Id(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
        Ok(Id(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
        Ok(Id(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Id, E> {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            Ok(Id((v as i64).to_string()))
        } else {
            Ok(Id(v.to_string()))
        }
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        d.deserialize_any(IdVisitor)
    }
}

/// A non-negative integer given as a JSON number or a numeric string (`"8"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Num(pub u64);

struct NumVisitor;

impl Visitor<'_> for NumVisitor {
    type Value = Num;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative integer, as a number or a string")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
        Ok(Num(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
        u64::try_from(v)
            .map(Num)
            .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
        if v.fract() == 0.0 && (0.0..1.8e19).contains(&v) {
            Ok(Num(v as u64))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
        v.trim()
            .parse()
            .map(Num)
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        d.deserialize_any(NumVisitor)
    }
}

/// A boolean given as `true`/`false`, `"true"`/`"false"`, `1`/`0` or `"1"`/`"0"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Flag(pub bool);

struct FlagVisitor;

impl Visitor<'_> for FlagVisitor {
    type Value = Flag;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
        Ok(Flag(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Flag, E> {
        match v {
            0 => Ok(Flag(false)),
            1 => Ok(Flag(true)),
            _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
        }
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Flag, E> {
        match v {
            0 => Ok(Flag(false)),
            1 => Ok(Flag(true)),
            _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
        match v.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(Flag(true)),
            "false" | "0" | "no" | "off" | "" => Ok(Flag(false)),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Flag, D::Error> {
        d.deserialize_any(FlagVisitor)
    }
}

/// The client's `commandid`, echoed as `replyid`; an ill-typed one is ignored rather than refused.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CommandId {
    /// A number (what the Qt client sends).
    Int(i64),
    /// Anything else printable.
    Text(String),
}

impl<'de> Deserialize<'de> for CommandId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<CommandId, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Int(i64),
            Text(String),
            Float(f64),
            Other(IgnoredAny),
        }
        Ok(match Repr::deserialize(d)? {
            Repr::Int(i) => CommandId::Int(i),
            Repr::Text(s) => CommandId::Text(s),
            Repr::Float(f) => CommandId::Text(f.to_string()),
            Repr::Other(_) => CommandId::Text(String::new()),
        })
    }
}

/// One value or a list of them (old clients send lists where new ones send a single value).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// A single value.
    One(T),
    /// A list.
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The first value, if any.
    pub fn first(self) -> Option<T> {
        match self {
            OneOrMany::One(v) => Some(v),
            OneOrMany::Many(v) => v.into_iter().next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_shapes() {
        assert_eq!(serde_json::from_str::<Id>("12").unwrap(), Id("12".into()));
        assert_eq!(
            serde_json::from_str::<Id>("\"12\"").unwrap(),
            Id("12".into())
        );
        assert_eq!(serde_json::from_str::<Id>("12.0").unwrap(), Id("12".into()));
        assert!(serde_json::from_str::<Id>("[1]").is_err());
        assert_eq!(serde_json::from_str::<Num>("\"8\"").unwrap(), Num(8));
        assert_eq!(serde_json::from_str::<Num>("8").unwrap(), Num(8));
        assert!(serde_json::from_str::<Num>("-1").is_err());
        assert!(serde_json::from_str::<Num>("\"x\"").is_err());
        assert_eq!(
            serde_json::from_str::<Flag>("\"true\"").unwrap(),
            Flag(true)
        );
        assert_eq!(serde_json::from_str::<Flag>("0").unwrap(), Flag(false));
        assert!(serde_json::from_str::<Flag>("{}").is_err());
        assert_eq!(
            serde_json::from_str::<CommandId>("{}").unwrap(),
            CommandId::Text(String::new())
        );
        assert_eq!(
            serde_json::from_str::<CommandId>("7").unwrap(),
            CommandId::Int(7)
        );
    }
}
