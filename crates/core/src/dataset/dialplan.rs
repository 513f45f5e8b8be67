//! The numbering plan: what a dialled number reaches.
//!
//! Both the core (to refuse unreachable numbers before asking the PBX) and the embedded PBX (to
//! route calls) resolve numbers here, so they always agree.

use serde::{Deserialize, Serialize};

use super::Dataset;
use crate::ids::{LineId, QueueId, RoomId, VoicemailId};

/// Numbering-plan settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DialplanConfig {
    /// A number that is not an internal extension is external when it has at least this many
    /// digits (or starts with `+` or `0`); shorter unknown numbers are unreachable.
    pub external_min_digits: usize,
    /// The number that connects a user to their own voicemail box.
    pub voicemail_consult: String,
    /// Prefix that, followed by a mailbox number, leaves a message in that box (`*971002`).
    pub voicemail_deposit_prefix: String,
}

impl Default for DialplanConfig {
    fn default() -> Self {
        DialplanConfig {
            external_min_digits: 6,
            voicemail_consult: "*98".to_owned(),
            voicemail_deposit_prefix: "*97".to_owned(),
        }
    }
}

/// What a dialled number reaches.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Destination {
    /// A phone line.
    Line(LineId),
    /// A call queue.
    Queue(QueueId),
    /// A conference room.
    Room(RoomId),
    /// The caller's own voicemail box (consultation).
    VoicemailConsult,
    /// Leave a message in this box.
    Voicemail(VoicemailId),
    /// A number outside the PBX (normalised: spaces, dots and dashes removed).
    External(String),
}

/// Strips the separators people type in phone numbers.
pub fn normalize_number(number: &str) -> String {
    number
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect()
}

impl Dataset {
    /// Resolves a dialled number, or `None` when it reaches nothing.
    pub fn resolve(&self, number: &str) -> Option<Destination> {
        let number = normalize_number(number);
        if number.is_empty() {
            return None;
        }
        if let Some(dest) = self.index.numbers.get(&number) {
            return Some(dest.clone());
        }
        let plan = &self.tables.dialplan;
        if number == plan.voicemail_consult {
            return Some(Destination::VoicemailConsult);
        }
        if let Some(mailbox) = number.strip_prefix(plan.voicemail_deposit_prefix.as_str()) {
            return self
                .voicemail_by_mailbox(mailbox)
                .map(|v| Destination::Voicemail(v.id));
        }
        let digits = number.strip_prefix('+').unwrap_or(&number);
        let all_digits = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit());
        if all_digits
            && (number.starts_with('+')
                || number.starts_with('0')
                || digits.len() >= plan.external_min_digits)
        {
            return Some(Destination::External(number));
        }
        None
    }

    /// Whether a number belongs to the PBX's own numbering plan (an extension, queue, room or
    /// voicemail service), i.e. is "internal" for call direction purposes.
    pub fn is_internal_number(&self, number: &str) -> bool {
        matches!(self.resolve(number), Some(d) if !matches!(d, Destination::External(_)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_the_demo_numbering_plan() {
        let ds = Dataset::demo();
        assert_eq!(ds.resolve("1001"), Some(Destination::Line(LineId(1))));
        assert_eq!(ds.resolve("3001"), Some(Destination::Queue(QueueId(1))));
        assert_eq!(ds.resolve("4000"), Some(Destination::Room(RoomId(1))));
        assert_eq!(ds.resolve("*98"), Some(Destination::VoicemailConsult));
        assert_eq!(
            ds.resolve("*971002"),
            Some(Destination::Voicemail(VoicemailId(2)))
        );
        assert_eq!(ds.resolve("*979999"), None);
        assert_eq!(
            ds.resolve("06 12 34 56 78"),
            Some(Destination::External("0612345678".into()))
        );
        assert_eq!(
            ds.resolve("+33612345678"),
            Some(Destination::External("+33612345678".into()))
        );
        assert_eq!(ds.resolve("1999"), None);
        assert_eq!(ds.resolve(""), None);
        assert_eq!(ds.resolve("abc"), None);
        assert!(ds.is_internal_number("1002"));
        assert!(!ds.is_internal_number("0612345678"));
    }
}
