//! Deserializers that enforce the limits of [`crate::wire::limits`] while a line is parsed: a
//! field is read, then refused if over its limit, before anything is kept. They fail with a
//! message that [`super::read::field_error`] turns into `field_too_long:<path>` or
//! `too_many_items:<path>`, `<path>` being the field's path in the message (with the position
//! inside the field when the field is a list, e.g. `user_ids.3.0`).

use std::collections::BTreeMap;

use serde::de::{Deserialize, Deserializer, Error};

use crate::wire::lenient::{Id, OneOrMany};
use crate::wire::limits::{ID_BYTES, MAX_ITEMS, TEXT_BYTES, UUID_BYTES};

/// The start of the message of a field over its byte limit.
pub(super) const TOO_LONG: &str = "field_too_long";
/// The start of the message of a list over its item limit.
pub(super) const TOO_MANY: &str = "too_many_items";

/// A value made of text whose longest piece can be measured.
pub(super) trait TextLen {
    /// Bytes of the longest text in the value.
    fn text_len(&self) -> usize;
}

impl TextLen for String {
    fn text_len(&self) -> usize {
        self.len()
    }
}

impl TextLen for Id {
    fn text_len(&self) -> usize {
        self.0.len()
    }
}

impl<T: TextLen> TextLen for Option<T> {
    fn text_len(&self) -> usize {
        self.as_ref().map_or(0, TextLen::text_len)
    }
}

impl<A: TextLen, B: TextLen> TextLen for (A, B) {
    fn text_len(&self) -> usize {
        self.0.text_len().max(self.1.text_len())
    }
}

/// Reads a text field (or an optional one, or a pair) of at most `MAX` bytes.
pub(super) fn max_bytes<'de, D, T, const MAX: usize>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + TextLen,
{
    let value = T::deserialize(d)?;
    if value.text_len() > MAX {
        return Err(D::Error::custom(TOO_LONG));
    }
    Ok(value)
}

/// The error for item `at` (and its part `part`, if any) of a list.
fn item_error<E: Error>(marker: &str, at: usize, part: Option<usize>) -> E {
    match part {
        Some(p) => E::custom(format_args!("{marker}:{at}.{p}")),
        None => E::custom(format_args!("{marker}:{at}")),
    }
}

/// Reads the `[[xivo_uuid, id], …]` list of `register_*_status_update`: at most
/// [`MAX_ITEMS`] pairs, uuids of at most [`UUID_BYTES`], ids of at most [`ID_BYTES`].
pub(super) fn id_pairs<'de, D>(d: D) -> Result<Vec<(String, Id)>, D::Error>
where
    D: Deserializer<'de>,
{
    let pairs = Vec::<(String, Id)>::deserialize(d)?;
    if pairs.len() > MAX_ITEMS {
        return Err(D::Error::custom(TOO_MANY));
    }
    for (i, (uuid, id)) in pairs.iter().enumerate() {
        if uuid.len() > UUID_BYTES {
            return Err(item_error(TOO_LONG, i, Some(0)));
        }
        if id.0.len() > ID_BYTES {
            return Err(item_error(TOO_LONG, i, Some(1)));
        }
    }
    Ok(pairs)
}

/// Reads an optional id or list of ids (`agentids`): at most [`MAX_ITEMS`] ids of at most
/// [`ID_BYTES`].
pub(super) fn ids<'de, D>(d: D) -> Result<Option<OneOrMany<Id>>, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Option::<OneOrMany<Id>>::deserialize(d)?;
    match &value {
        Some(OneOrMany::One(id)) if id.0.len() > ID_BYTES => Err(D::Error::custom(TOO_LONG)),
        Some(OneOrMany::Many(ids)) => check_ids(ids).map(|()| value),
        _ => Ok(value),
    }
}

/// Reads a list of ids (`functionargs`): at most [`MAX_ITEMS`] ids of at most [`ID_BYTES`].
pub(super) fn id_list<'de, D>(d: D) -> Result<Vec<Id>, D::Error>
where
    D: Deserializer<'de>,
{
    let ids = Vec::<Id>::deserialize(d)?;
    check_ids(&ids)?;
    Ok(ids)
}

fn check_ids<E: Error>(ids: &[Id]) -> Result<(), E> {
    if ids.len() > MAX_ITEMS {
        return Err(E::custom(TOO_MANY));
    }
    match ids.iter().position(|id| id.0.len() > ID_BYTES) {
        Some(i) => Err(item_error(TOO_LONG, i, None)),
        None => Ok(()),
    }
}

/// Reads a map keyed by ids (`getqueuesstats`'s `on`): at most [`MAX_ITEMS`] keys of at most
/// [`ID_BYTES`].
pub(super) fn id_keyed<'de, D, V>(d: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    let map = BTreeMap::<String, V>::deserialize(d)?;
    check_keys(&map)?;
    Ok(map)
}

/// Reads a call form's variables: at most [`MAX_ITEMS`] names of at most [`ID_BYTES`], values
/// of at most [`TEXT_BYTES`].
pub(super) fn form_variables<'de, D>(d: D) -> Result<BTreeMap<String, Id>, D::Error>
where
    D: Deserializer<'de>,
{
    let map = BTreeMap::<String, Id>::deserialize(d)?;
    check_keys(&map)?;
    if let Some((name, _)) = map.iter().find(|(_, v)| v.0.len() > TEXT_BYTES) {
        return Err(D::Error::custom(format_args!("{TOO_LONG}:{name}")));
    }
    Ok(map)
}

fn check_keys<E: Error, V>(map: &BTreeMap<String, V>) -> Result<(), E> {
    if map.len() > MAX_ITEMS {
        return Err(E::custom(TOO_MANY));
    }
    if map.keys().any(|k| k.len() > ID_BYTES) {
        return Err(E::custom(TOO_LONG));
    }
    Ok(())
}
