//! Logging in: the banner check and the `Login` actions (plain, or after an MD5 `Challenge`).

use md5::{Digest, Md5};

use crate::config::AuthMode;
use crate::message::AmiMessage;

/// Whether the first line is an Asterisk Manager Interface banner (`Asterisk Call
/// Manager/9.0.0`, `Asterisk Call Manager/1.1`, ...).
pub fn is_banner(line: &str) -> bool {
    line.contains("Call Manager")
}

/// The `Challenge` action asking for an MD5 challenge.
pub fn challenge() -> AmiMessage {
    AmiMessage::action("Challenge").with("AuthType", "MD5")
}

/// The `Key` of an MD5 login: the hex MD5 of the challenge followed by the secret.
pub fn md5_key(challenge: &str, secret: &str) -> String {
    let mut md5 = Md5::new();
    md5.update(challenge.as_bytes());
    md5.update(secret.as_bytes());
    md5.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The `Login` action; events stay off until the filters are set.
pub fn login(mode: AuthMode, username: &str, secret: &str, challenge: Option<&str>) -> AmiMessage {
    let message = AmiMessage::action("Login").with("Username", username);
    let message = match (mode, challenge) {
        (AuthMode::Md5, Some(challenge)) => message
            .with("AuthType", "MD5")
            .with("Key", &md5_key(challenge, secret)),
        _ => message.with("Secret", secret),
    };
    message.with("Events", "off")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_key_is_the_hex_digest_of_challenge_and_secret() {
        assert_eq!(md5_key("", ""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_key("a", "bc"), "900150983cd24fb0d6963f7d28e17f72");
    }

    #[test]
    fn banners() {
        assert!(is_banner("Asterisk Call Manager/9.0.0"));
        assert!(is_banner("Asterisk Call Manager/1.1"));
        assert!(!is_banner("SSH-2.0-OpenSSH_9.6"));
        assert!(!is_banner("HTTP/1.1 400 Bad Request"));
    }

    #[test]
    fn login_messages() {
        let plain = login(AuthMode::Plain, "cti", "ctisecret", None);
        assert_eq!(plain.get("Secret"), Some("ctisecret"));
        let md5 = login(AuthMode::Md5, "cti", "ctisecret", Some("xyz"));
        assert_eq!(md5.get("Secret"), None);
        assert_eq!(md5.get("AuthType"), Some("MD5"));
        assert_eq!(md5.get("Key").map(str::len), Some(32));
        assert_eq!(md5.get("Events"), Some("off"));
    }
}
