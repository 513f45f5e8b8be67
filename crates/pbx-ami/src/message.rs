//! One AMI message: the ordered `Key: Value` lines of a block, as Asterisk sent them.
//!
//! Keys are matched without regard to case (Asterisk is not consistent: `ActionID` /
//! `ActionId`); repeated keys (`Variable:` in `Originate`, `ChanVariable` in events) are kept in
//! order. Values are kept as sent, without the single space after the colon.

/// What kind of message a block is, from its first line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind<'a> {
    /// `Event: Name`.
    Event(&'a str),
    /// `Response: Success|Error|Follows|Goodbye`.
    Response(&'a str),
    /// `Action: Name` (what a client sends).
    Action(&'a str),
    /// Anything else.
    Other,
}

/// One AMI message.
///
/// Stored flat, for the codec's sake (it builds one per block Asterisk sends, tens of thousands
/// a second): every key and value one after the other in one string, and per line where its
/// key and its value end. A message is two allocations, not two per line.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AmiMessage {
    text: String,
    /// Per line: (end of its key, end of its value) in `text`; the key starts where the
    /// previous value ends.
    ends: Vec<(u32, u32)>,
}

impl std::fmt::Debug for AmiMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl AmiMessage {
    /// An empty message.
    pub fn new() -> AmiMessage {
        AmiMessage::default()
    }

    /// An empty message with room for `lines` lines of `bytes` bytes of keys and values.
    pub fn with_capacity(lines: usize, bytes: usize) -> AmiMessage {
        AmiMessage {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(lines),
        }
    }

    /// A message whose first line is `Action: name`.
    pub fn action(name: &str) -> AmiMessage {
        let mut message = AmiMessage::new();
        message.push("Action", name);
        message
    }

    /// Appends a line (a repeated key is kept).
    pub fn push(&mut self, key: &str, value: &str) {
        self.text.push_str(key);
        let key_end = self.text.len();
        self.text.push_str(value);
        // Offsets past 4 GiB wrap: nothing builds such a message (the codec's blocks are at
        // most 64 KiB, actions are small).
        self.ends.push((key_end as u32, self.text.len() as u32));
    }

    /// Appends a line, builder style.
    pub fn with(mut self, key: &str, value: &str) -> AmiMessage {
        self.push(key, value);
        self
    }

    /// Bytes of keys and values.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    fn line(&self, index: usize) -> (&str, &str) {
        let start = match index {
            0 => 0,
            i => self.ends[i - 1].1 as usize,
        };
        let (key_end, value_end) = self.ends[index];
        (
            &self.text[start..key_end as usize],
            &self.text[key_end as usize..value_end as usize],
        )
    }

    /// The first value of `key`, matched without regard to case.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    }

    /// Every value of `key`, in order.
    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    }

    /// Every line, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        (0..self.ends.len()).map(|i| self.line(i))
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the message has no line.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// What kind of message this is, from its first line.
    pub fn kind(&self) -> Kind<'_> {
        if self.ends.is_empty() {
            return Kind::Other;
        }
        match self.line(0) {
            (k, v) if k.eq_ignore_ascii_case("Event") => Kind::Event(v),
            (k, v) if k.eq_ignore_ascii_case("Response") => Kind::Response(v),
            (k, v) if k.eq_ignore_ascii_case("Action") => Kind::Action(v),
            _ => Kind::Other,
        }
    }

    /// The event's name, if this is an event.
    pub fn event(&self) -> Option<&str> {
        match self.kind() {
            Kind::Event(name) => Some(name),
            _ => None,
        }
    }

    /// The `ActionID` the message answers or carries.
    pub fn action_id(&self) -> Option<&str> {
        self.get("ActionID")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_without_case_and_repeat_in_order() {
        let m = AmiMessage::new()
            .with("Event", "VarSet")
            .with("ActionId", "7")
            .with("Variable", "a=1")
            .with("Variable", "b=2");
        assert_eq!(m.kind(), Kind::Event("VarSet"));
        assert_eq!(m.action_id(), Some("7"));
        assert_eq!(m.get_all("variable").collect::<Vec<_>>(), ["a=1", "b=2"]);
        assert_eq!(m.get("Missing"), None);
        assert_eq!(
            m.iter().collect::<Vec<_>>(),
            [
                ("Event", "VarSet"),
                ("ActionId", "7"),
                ("Variable", "a=1"),
                ("Variable", "b=2")
            ]
        );
        let empty = AmiMessage::new().with("", "").with("K", "");
        assert_eq!(empty.iter().collect::<Vec<_>>(), [("", ""), ("K", "")]);
        assert_eq!(AmiMessage::new().kind(), Kind::Other);
    }
}
