//! `pjsip.conf`: a UDP transport, and for every line of protocol `pjsip` an endpoint, its AOR
//! (one contact, so the phone registers) and its auth (the derived password). The endpoint
//! carries the phone's caller id and, for `*98`, its user's mailbox (`CTID_MY_VM`).

use std::fmt::Write as _;

use ctid_core::Dataset;

use super::{
    GenerateError, Options, caller_id, header, lines_of, mailbox_of_line, peer_name, phone_secret,
    token,
};

/// The text of `pjsip.conf`.
pub fn generate(dataset: &Dataset, options: &Options) -> Result<String, GenerateError> {
    let mut out = header(
        "pjsip.conf",
        "the phones of the lines whose protocol is pjsip",
    );
    out.push_str("\n[transport-udp]\ntype = transport\nprotocol = udp\nbind = 0.0.0.0:5060\n");
    for line in lines_of(dataset, "pjsip") {
        let name = peer_name(line)?;
        let context = token(|| format!("line {} context", line.id), &line.context)?;
        let secret = phone_secret(&options.phone_secret_key, line);
        let _ = write!(
            out,
            "\n; line {id}, number {number}\n\
             [{name}]\ntype = endpoint\ntransport = transport-udp\ncontext = {context}\n\
             disallow = all\nallow = ulaw,alaw,g722\nauth = {name}\naors = {name}\n\
             callerid = {callerid}\ndirect_media = no\n",
            id = line.id,
            number = line.number,
            callerid = caller_id(dataset, line),
        );
        if let Some(mailbox) = mailbox_of_line(dataset, line) {
            let _ = writeln!(out, "mailboxes = {mailbox}\nset_var = CTID_MY_VM={mailbox}");
        }
        let _ = write!(
            out,
            "\n[{name}]\ntype = aor\nmax_contacts = 1\nremove_existing = yes\n\
             qualify_frequency = 30\n\
             \n[{name}]\ntype = auth\nauth_type = userpass\nusername = {name}\n\
             password = {secret}\n"
        );
    }
    Ok(out)
}
