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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AmiMessage {
    fields: Vec<(Box<str>, Box<str>)>,
}

impl AmiMessage {
    /// An empty message.
    pub fn new() -> AmiMessage {
        AmiMessage::default()
    }

    /// A message whose first line is `Action: name`.
    pub fn action(name: &str) -> AmiMessage {
        let mut message = AmiMessage::new();
        message.push("Action", name);
        message
    }

    /// Appends a line (a repeated key is kept).
    pub fn push(&mut self, key: &str, value: &str) {
        self.fields.push((key.into(), value.into()));
    }

    /// Appends a line, builder style.
    pub fn with(mut self, key: &str, value: &str) -> AmiMessage {
        self.push(key, value);
        self
    }

    /// The first value of `key`, matched without regard to case.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| &**v)
    }

    /// Every value of `key`, in order.
    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| &**v)
    }

    /// Every line, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(k, v)| (&**k, &**v))
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the message has no line.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// What kind of message this is, from its first line.
    pub fn kind(&self) -> Kind<'_> {
        match self.fields.first() {
            Some((k, v)) if k.eq_ignore_ascii_case("Event") => Kind::Event(v),
            Some((k, v)) if k.eq_ignore_ascii_case("Response") => Kind::Response(v),
            Some((k, v)) if k.eq_ignore_ascii_case("Action") => Kind::Action(v),
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
    }
}
