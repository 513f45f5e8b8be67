//! The size limits of CTI input, in one place: how long each kind of client-supplied field may
//! be, how many items a list argument may hold, and how much of a bad value an error reply
//! quotes back ([`echo`]).
//!
//! The field limits are well above what real values look like (`spec/notes`): a `xivo_uuid` or
//! user uuid is a 36-byte UUID; ids are small integers or forms like `agent:xivo/12`,
//! `queue:xivo/all` and Asterisk unique ids (`1361268824.64`); numbers and destinations are
//! extensions or phone numbers; presence names and client versions are short words. A field
//! over its limit is refused when the line is parsed (`field_too_long:<path>`), a list over its
//! limit likewise (`too_many_items:<path>`): nothing of it is kept.

use std::borrow::Cow;

/// A server uuid (`xivo_uuid`) or a user uuid.
pub const UUID_BYTES: usize = 64;
/// An object id or identifier: user, agent, queue, phone, call (`unique_id`), room, member,
/// `tid`, `target`, `agent:xivo/<id>` / `queue:xivo/<id>`, a login name.
pub const ID_BYTES: usize = 128;
/// A name, number or destination: dialled numbers, forward and transfer destinations, presence
/// names, the chat alias, client identity and version, file names.
pub const NAME_BYTES: usize = 256;
/// A password (`login_pass`).
pub const PASSWORD_BYTES: usize = 1024;
/// Free text: a chat message (the core's own cap), a form field's value.
pub const TEXT_BYTES: usize = ctid_core::MAX_CHAT_TEXT_BYTES;
/// Items of a list argument: `[xivo_uuid, id]` pairs of one `register_*_status_update`, agent
/// ids, queues of one `getqueuesstats`, the fields of a call form.
pub const MAX_ITEMS: usize = 1000;
/// Bytes of a client's value quoted back in an error reply (`unknown_class:<class>`...).
pub const ECHO_BYTES: usize = 64;

/// What marks a quoted value as cut.
const CUT_MARK: &str = "…";

/// A client's value as an error reply quotes it: at most [`ECHO_BYTES`] bytes, cut at a char
/// boundary and marked with `…` when cut.
pub fn echo(value: &str) -> Cow<'_, str> {
    if value.len() <= ECHO_BYTES {
        return Cow::Borrowed(value);
    }
    let mut end = ECHO_BYTES;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}{CUT_MARK}", &value[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_cuts_at_a_char_boundary_and_marks_the_cut() {
        assert_eq!(echo("foo"), "foo");
        let exact = "a".repeat(ECHO_BYTES);
        assert_eq!(echo(&exact), exact);
        let long = "b".repeat(ECHO_BYTES + 1);
        assert_eq!(echo(&long), format!("{}…", "b".repeat(ECHO_BYTES)));
        // 'é' is two bytes: the cut falls before a split character.
        let accents = format!("a{}", "é".repeat(ECHO_BYTES));
        let cut = echo(&accents);
        assert!(cut.ends_with('…'));
        assert!(cut.len() <= ECHO_BYTES + CUT_MARK.len());
        assert_eq!(cut.trim_end_matches('…'), &accents[..ECHO_BYTES - 1]);
    }
}
