//! Every XuC message in and out as a serde type: [`input`] parses a client frame
//! (`{"claz":"web","command":...}` or `{"claz":"ping"}`) into a typed [`input::Request`];
//! [`output`] holds the payloads of the server's messages ([`lists`] those of lists,
//! configurations and the pushes about them, [`history`] the call history's entries); [`encode`] wraps one in the envelope
//! `{"msgType": ..., "ctiMessage": ...}` and produces shared bytes (always a JSON object: a
//! client throws on anything else).

pub mod history;
pub mod input;
pub mod lenient;
pub mod lists;
pub mod output;

use bytes::Bytes;
use serde::Serialize;

/// The server's envelope.
#[derive(Serialize)]
struct Envelope<'a, T: ?Sized> {
    #[serde(rename = "msgType")]
    msg_type: &'a str,
    #[serde(rename = "ctiMessage")]
    cti_message: &'a T,
}

/// Encodes `{"msgType": msg_type, "ctiMessage": payload}`.
pub fn encode<T: Serialize + ?Sized>(msg_type: &str, payload: &T) -> Bytes {
    match serde_json::to_vec(&Envelope {
        msg_type,
        cti_message: payload,
    }) {
        Ok(v) => Bytes::from(v),
        Err(e) => {
            // Our payload types always serialize; never send anything but an object.
            tracing::error!(error = %e, msg_type, "XuC message failed to encode");
            Bytes::from_static(br#"{"msgType":"Error","ctiMessage":{"Error":"EncodeFailed"}}"#)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope() {
        assert_eq!(
            &encode("LoggedOn", &serde_json::json!({}))[..],
            br#"{"msgType":"LoggedOn","ctiMessage":{}}"#
        );
    }
}
