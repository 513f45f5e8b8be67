//! `sip.conf` (chan_sip, Asterisk 20 and older): a peer for every line of protocol `sip`, with
//! the derived password, the phone's caller id and, for `*98`, its user's mailbox
//! (`CTID_MY_VM`). Lines of protocol `pjsip` are in `pjsip.conf`; Asterisk 21 has no chan_sip:
//! give the lines `protocol = "pjsip"` there.

use std::fmt::Write as _;

use ctid_core::Dataset;

use super::{
    GenerateError, Options, caller_id, header, lines_of, mailbox_of_line, peer_name, phone_secret,
    token,
};

/// The text of `sip.conf`.
pub fn generate(dataset: &Dataset, options: &Options) -> Result<String, GenerateError> {
    let mut out = header(
        "sip.conf",
        "the phones of the lines whose protocol is sip (chan_sip)",
    );
    out.push_str(
        "\n[general]\nudpbindaddr = 0.0.0.0:5060\nallowguest = no\nalwaysauthreject = yes\n\
         callevents = yes\n",
    );
    for line in lines_of(dataset, "sip") {
        let name = peer_name(line)?;
        let context = token(|| format!("line {} context", line.id), &line.context)?;
        let _ = write!(
            out,
            "\n; line {id}, number {number}\n\
             [{name}]\ntype = friend\nhost = dynamic\ncontext = {context}\n\
             secret = {secret}\ndisallow = all\nallow = ulaw,alaw,g722\nqualify = yes\n\
             directmedia = no\ncallerid = {callerid}\n",
            id = line.id,
            number = line.number,
            secret = phone_secret(&options.phone_secret_key, line),
            callerid = caller_id(dataset, line),
        );
        if let Some(mailbox) = mailbox_of_line(dataset, line) {
            let _ = writeln!(out, "mailbox = {mailbox}\nsetvar = CTID_MY_VM={mailbox}");
        }
    }
    Ok(out)
}
