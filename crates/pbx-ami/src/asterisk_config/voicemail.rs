//! `voicemail.conf`: every box in its context, with its owner's name; the PIN is the mailbox
//! number until its owner changes it on the phone.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ctid_core::Dataset;

use super::{GenerateError, header, text, token};

/// The text of `voicemail.conf`.
pub fn generate(dataset: &Dataset) -> Result<String, GenerateError> {
    let mut out = header("voicemail.conf", "the voicemail boxes");
    out.push_str("\n[general]\nformat = wav49|wav\nmaxmsg = 100\nmaxsecs = 180\nattach = no\n");
    let mut by_context: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for vm in dataset.voicemails() {
        let context = token(|| format!("voicemail {} context", vm.id), &vm.context)?;
        let mailbox = token(|| format!("voicemail {} mailbox", vm.id), &vm.mailbox)?;
        by_context
            .entry(context)
            .or_default()
            .push(format!("{mailbox} => {mailbox},{}", text(&vm.fullname)));
    }
    for (context, boxes) in by_context {
        let _ = write!(out, "\n[{context}]\n");
        for line in boxes {
            let _ = writeln!(out, "{line}");
        }
    }
    Ok(out)
}
