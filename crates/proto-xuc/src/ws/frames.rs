//! The server's WebSocket frames. Server frames are never masked (RFC 6455 §5.1).
//!
//! Messages in a session's outbox are either JSON objects (every XuC message: they start with
//! `{`), which [`WsFraming`] wraps in a text frame as the writer loop writes them, or control
//! frames built whole here ([`pong`], [`close`]), whose first byte (`0x8A`, `0x88`) can never
//! start a JSON object, and which go out as they are.

use bytes::{BufMut, Bytes, BytesMut};

/// Opcode of a text frame, with FIN set.
const TEXT_FIN: u8 = 0x81;
/// Opcode of a close frame, with FIN set.
const CLOSE_FIN: u8 = 0x88;
/// Opcode of a pong frame, with FIN set.
const PONG_FIN: u8 = 0x8A;

/// Longest payload of a control frame.
pub const MAX_CONTROL_PAYLOAD: usize = 125;

/// Close codes (RFC 6455 §7.4.1).
pub mod close_code {
    /// Normal closure.
    pub const NORMAL: u16 = 1000;
    /// The server is going away (shutdown).
    pub const GOING_AWAY: u16 = 1001;
    /// A protocol error.
    pub const PROTOCOL_ERROR: u16 = 1002;
    /// A policy violation (e.g. a session that cannot start).
    pub const POLICY: u16 = 1008;
}

/// Appends the header of an unmasked frame with FIN set.
fn header(first: u8, len: usize, out: &mut impl BufMut) {
    out.put_u8(first);
    if len < 126 {
        out.put_u8(len as u8);
    } else if len <= usize::from(u16::MAX) {
        out.put_u8(126);
        out.put_u16(len as u16);
    } else {
        out.put_u8(127);
        out.put_u64(len as u64);
    }
}

/// The XuC face's framing in the writer loop: a text-frame header before each JSON message;
/// control frames (built whole by this module) go as they are.
#[derive(Clone, Copy, Debug, Default)]
pub struct WsFraming;

impl ctid_face::Framing for WsFraming {
    fn head(&mut self, msg: &[u8], out: &mut Vec<u8>) {
        if msg.first() == Some(&b'{') {
            header(TEXT_FIN, msg.len(), out);
        }
    }
}

/// A pong frame echoing a ping's payload (at most 125 bytes: longer is cut).
pub fn pong(payload: &[u8]) -> Bytes {
    let payload = &payload[..payload.len().min(MAX_CONTROL_PAYLOAD)];
    let mut b = BytesMut::with_capacity(2 + payload.len());
    header(PONG_FIN, payload.len(), &mut b);
    b.put_slice(payload);
    b.freeze()
}

/// A close frame with a code and a short reason (cut to fit a control frame).
pub fn close(code: u16, reason: &str) -> Bytes {
    let mut end = reason.len().min(MAX_CONTROL_PAYLOAD - 2);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    let reason = &reason.as_bytes()[..end];
    let mut b = BytesMut::with_capacity(4 + reason.len());
    header(CLOSE_FIN, 2 + reason.len(), &mut b);
    b.put_u16(code);
    b.put_slice(reason);
    b.freeze()
}

#[cfg(test)]
mod tests {
    use ctid_face::Framing;

    use super::*;

    fn framed(msg: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        WsFraming.head(msg, &mut out);
        out
    }

    #[test]
    fn text_headers_by_length_and_control_frames_as_they_are() {
        assert_eq!(framed(b"{}"), [0x81, 2]);
        assert_eq!(framed(&[b'{'; 126]), [0x81, 126, 0, 126]);
        assert_eq!(framed(&[b'{'; 70_000])[..2], [0x81, 127]);
        assert_eq!(framed(&pong(b"hi")), [] as [u8; 0]);
        assert_eq!(&pong(b"hi")[..], [0x8A, 2, b'h', b'i']);
        assert_eq!(&close(1000, "")[..], [0x88, 2, 0x03, 0xE8]);
        assert_eq!(close(1008, &"é".repeat(100)).len(), 2 + 2 + 122);
    }
}
