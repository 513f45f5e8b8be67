//! `manager.conf`: the AMI listener and the user ctid logs in with, from `[pbx.asterisk]`
//! (host, port, username, secret), with the permissions docs/asterisk.md explains, reachable
//! from ctid's address only.

use std::net::IpAddr;

use super::{GenerateError, header, token};
use crate::config::AmiConfig;

/// The text of `manager.conf`.
pub fn generate(ami: &AmiConfig) -> Result<String, GenerateError> {
    let user = token(|| "[pbx.asterisk] username".to_owned(), &ami.username)?;
    if ami.secret.is_empty() {
        return Err(GenerateError::Missing(
            "[pbx.asterisk] secret is empty: set it (CTID_PBX__ASTERISK__SECRET) so that \
             manager.conf and ctid agree"
                .to_owned(),
        ));
    }
    if ami.secret.chars().any(|c| c.is_control() || c == ';') {
        return Err(GenerateError::BadName {
            what: "[pbx.asterisk] secret".to_owned(),
            value: "***".to_owned(),
        });
    }
    // Asterisk listens on the address ctid connects to (any address when ctid names a host);
    // only loopback can be narrowed here: ctid's own address is not known.
    let host = ami.host.parse::<IpAddr>().ok();
    let bind = host.map_or_else(|| "0.0.0.0".to_owned(), |ip| ip.to_string());
    let permit = if host.is_some_and(|ip| ip.is_loopback()) {
        format!("{bind}/255.255.255.255")
    } else {
        "0.0.0.0/0.0.0.0   ; narrow it to ctid's address: <address>/255.255.255.255".to_owned()
    };
    let mut out = header(
        "manager.conf",
        "the Asterisk Manager Interface and ctid's user",
    );
    out.push_str(&format!(
        "\n[general]\nenabled = yes\nport = {port}\nbindaddr = {bind}\n\
         \n[{user}]\nsecret = {secret}\ndeny = 0.0.0.0/0.0.0.0\npermit = {permit}\n\
         read = system,call,agent,user,dtmf,reporting,dialplan\n\
         write = system,call,agent,user,originate,reporting\nwritetimeout = 5000\n",
        port = ami.port,
        secret = ami.secret,
    ));
    Ok(out)
}
