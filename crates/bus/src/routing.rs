//! The routing-key and ACL escaping rule of wazo-bus: a value taken from event content may not
//! inject AMQP wildcards or extra segments into a routing key or an ACL.

/// Escapes `value` for use as one segment of a routing key or an ACL: `.` becomes `__DOT__`,
/// `#` becomes `__HASH__` and `*` becomes `__STAR__`.
pub fn escape_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '.' => out.push_str("__DOT__"),
            '#' => out.push_str("__HASH__"),
            '*' => out.push_str("__STAR__"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_segment;

    #[test]
    fn wildcards_and_dots_are_escaped() {
        assert_eq!(escape_segment("a.b#c*d"), "a__DOT__b__HASH__c__STAR__d");
        assert_eq!(
            escape_segment("0000-4000-8000-000000000001"),
            "0000-4000-8000-000000000001"
        );
    }
}
