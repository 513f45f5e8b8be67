//! The decoder of client frames (a `tokio_util` [`Decoder`]): unmasks them, reassembles
//! fragmented messages, and bounds what it holds: a message longer than the limit is discarded
//! as its bytes arrive (never buffered) and reported once as [`Incoming::TooLarge`], so the
//! session answers an error and lives on. Control frames may come between fragments. What only
//! a broken client sends (an unmasked frame, reserved bits, an unknown opcode, a fragmented or
//! long control frame, a continuation out of place) is a [`ProtocolError`]: the socket closes.

use bytes::{Buf, Bytes, BytesMut};
use tokio_util::codec::Decoder;

use super::frames::MAX_CONTROL_PAYLOAD;

/// What the client sent.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming {
    /// A complete text message (its UTF-8 is checked by the JSON parser).
    Text(Bytes),
    /// A complete binary message (XuC has none: its content is dropped).
    Binary,
    /// A ping, with its payload.
    Ping(Bytes),
    /// A pong.
    Pong,
    /// A close, with its code if any.
    Close(Option<u16>),
    /// A message longer than the limit was discarded.
    TooLarge,
}

/// A frame no conforming client sends.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    /// Reading failed.
    #[error("read failed: {0}")]
    Io(#[from] std::io::Error),
    /// The frame breaks RFC 6455.
    #[error("WebSocket protocol error: {0}")]
    Frame(&'static str),
}

/// Decodes client frames with a message size limit.
#[derive(Debug)]
pub struct FrameDecoder {
    max_message: usize,
    /// The message being reassembled: whether it is text, and its bytes so far.
    partial: Option<(bool, BytesMut)>,
    /// Payload bytes still to discard.
    skip: u64,
    /// Report [`Incoming::TooLarge`] once the discarding is done.
    report_too_large: bool,
    /// The current fragmented message is being discarded until its final fragment.
    dropping_message: bool,
}

impl FrameDecoder {
    /// A decoder accepting messages of at most `max_message` bytes.
    pub fn new(max_message: usize) -> Self {
        FrameDecoder {
            max_message,
            partial: None,
            skip: 0,
            report_too_large: false,
            dropping_message: false,
        }
    }

    /// The bytes of a fragmented message held so far (never more than the limit).
    pub fn held_bytes(&self) -> usize {
        self.partial.as_ref().map_or(0, |(_, bytes)| bytes.len())
    }
}

/// A parsed frame header.
struct Header {
    fin: bool,
    opcode: u8,
    mask: [u8; 4],
    len: u64,
    size: usize,
}

fn parse_header(buf: &[u8]) -> Result<Option<Header>, ProtocolError> {
    if buf.len() < 2 {
        return Ok(None);
    }
    let (b0, b1) = (buf[0], buf[1]);
    if b0 & 0x70 != 0 {
        return Err(ProtocolError::Frame("reserved bits set"));
    }
    if b1 & 0x80 == 0 {
        return Err(ProtocolError::Frame("unmasked client frame"));
    }
    let (len, ext) = match b1 & 0x7F {
        126 => {
            if buf.len() < 4 {
                return Ok(None);
            }
            (u64::from(u16::from_be_bytes([buf[2], buf[3]])), 2)
        }
        127 => {
            if buf.len() < 10 {
                return Ok(None);
            }
            let mut b = [0u8; 8];
            b.copy_from_slice(&buf[2..10]);
            let len = u64::from_be_bytes(b);
            if len >> 63 != 0 {
                return Err(ProtocolError::Frame("frame length out of range"));
            }
            (len, 8)
        }
        n => (u64::from(n), 0),
    };
    let size = 2 + ext + 4;
    if buf.len() < size {
        return Ok(None);
    }
    let mut mask = [0u8; 4];
    mask.copy_from_slice(&buf[2 + ext..size]);
    Ok(Some(Header {
        fin: b0 & 0x80 != 0,
        opcode: b0 & 0x0F,
        mask,
        len,
        size,
    }))
}

fn unmask(payload: &mut [u8], mask: [u8; 4]) {
    for (i, b) in payload.iter_mut().enumerate() {
        *b ^= mask[i & 3];
    }
}

impl Decoder for FrameDecoder {
    type Item = Incoming;
    type Error = ProtocolError;

    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Incoming>, ProtocolError> {
        loop {
            if self.skip > 0 {
                let n = self.skip.min(buf.len() as u64);
                buf.advance(n as usize);
                self.skip -= n;
                if self.skip > 0 {
                    return Ok(None);
                }
            }
            if self.report_too_large {
                self.report_too_large = false;
                return Ok(Some(Incoming::TooLarge));
            }
            let Some(h) = parse_header(buf)? else {
                buf.reserve(14);
                return Ok(None);
            };
            if h.opcode >= 8 {
                if !h.fin || h.len > MAX_CONTROL_PAYLOAD as u64 {
                    return Err(ProtocolError::Frame("fragmented or long control frame"));
                }
                let total = h.size + h.len as usize;
                if buf.len() < total {
                    buf.reserve(total - buf.len());
                    return Ok(None);
                }
                buf.advance(h.size);
                let mut payload = buf.split_to(h.len as usize);
                unmask(&mut payload, h.mask);
                return match h.opcode {
                    8 => {
                        let code = (payload.len() >= 2)
                            .then(|| u16::from_be_bytes([payload[0], payload[1]]));
                        Ok(Some(Incoming::Close(code)))
                    }
                    9 => Ok(Some(Incoming::Ping(payload.freeze()))),
                    10 => Ok(Some(Incoming::Pong)),
                    _ => Err(ProtocolError::Frame("unknown control opcode")),
                };
            }
            let text = match h.opcode {
                0 => {
                    if self.partial.is_none() && !self.dropping_message {
                        return Err(ProtocolError::Frame("continuation without a message"));
                    }
                    None
                }
                1 | 2 => {
                    if self.partial.is_some() || self.dropping_message {
                        return Err(ProtocolError::Frame("new message inside a fragmented one"));
                    }
                    Some(h.opcode == 1)
                }
                _ => return Err(ProtocolError::Frame("unknown data opcode")),
            };
            let so_far = self.partial.as_ref().map_or(0, |(_, b)| b.len() as u64);
            if self.dropping_message || so_far + h.len > self.max_message as u64 {
                // Discard this frame's payload as it arrives (and the rest of the message).
                buf.advance(h.size);
                self.partial = None;
                self.skip = h.len;
                self.dropping_message = !h.fin;
                self.report_too_large = h.fin;
                continue;
            }
            let total = h.size + h.len as usize;
            if buf.len() < total {
                buf.reserve(total - buf.len());
                return Ok(None);
            }
            buf.advance(h.size);
            let mut payload = buf.split_to(h.len as usize);
            unmask(&mut payload, h.mask);
            let (is_text, mut message) = match (text, self.partial.take()) {
                (Some(is_text), _) => (is_text, payload),
                (None, Some((is_text, mut so_far))) => {
                    so_far.extend_from_slice(&payload);
                    (is_text, so_far)
                }
                (None, None) => unreachable!("checked above"),
            };
            if !h.fin {
                self.partial = Some((is_text, std::mem::take(&mut message)));
                continue;
            }
            return Ok(Some(if is_text {
                Incoming::Text(message.freeze())
            } else {
                Incoming::Binary
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A masked client frame.
    fn frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
        let mask = [1, 2, 3, 4];
        let mut f = vec![if fin { 0x80 } else { 0 } | opcode];
        match payload.len() {
            n if n < 126 => f.push(0x80 | n as u8),
            n if n <= 65535 => {
                f.push(0x80 | 126);
                f.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                f.push(0x80 | 127);
                f.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        f.extend_from_slice(&mask);
        f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i & 3]));
        f
    }

    /// Decodes `bytes` fed one chunk of `chunk` bytes at a time.
    fn decode_all(d: &mut FrameDecoder, bytes: &[u8], chunk: usize) -> Vec<Incoming> {
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        for c in bytes.chunks(chunk) {
            buf.extend_from_slice(c);
            while let Some(m) = d.decode(&mut buf).unwrap() {
                out.push(m);
            }
        }
        out
    }

    #[test]
    fn messages_whole_fragmented_and_interleaved_with_control_frames() {
        let mut bytes = frame(true, 1, b"{\"a\":1}");
        bytes.extend(frame(false, 1, b"{\"b\""));
        bytes.extend(frame(true, 9, b"p"));
        bytes.extend(frame(true, 0, b":2}"));
        bytes.extend(frame(true, 2, b"\x00\x01"));
        bytes.extend(frame(true, 8, &1000u16.to_be_bytes()));
        for chunk in [1, 3, 1000] {
            let mut d = FrameDecoder::new(64);
            assert_eq!(
                decode_all(&mut d, &bytes, chunk),
                [
                    Incoming::Text(Bytes::from_static(b"{\"a\":1}")),
                    Incoming::Ping(Bytes::from_static(b"p")),
                    Incoming::Text(Bytes::from_static(b"{\"b\":2}")),
                    Incoming::Binary,
                    Incoming::Close(Some(1000)),
                ]
            );
        }
    }

    #[test]
    fn an_oversized_message_is_skipped_and_reported_once() {
        let mut bytes = frame(true, 1, &[b'x'; 70_000]);
        bytes.extend(frame(false, 1, &[b'y'; 40]));
        bytes.extend(frame(false, 0, &[b'y'; 40]));
        bytes.extend(frame(true, 0, &[b'y'; 40]));
        bytes.extend(frame(true, 1, b"{}"));
        let mut d = FrameDecoder::new(64);
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        for c in bytes.chunks(4096) {
            buf.extend_from_slice(c);
            while let Some(m) = d.decode(&mut buf).unwrap() {
                out.push(m);
            }
            assert!(buf.len() <= 4096 + 14, "never holds the oversized payload");
        }
        assert_eq!(
            out,
            [
                Incoming::TooLarge,
                Incoming::TooLarge,
                Incoming::Text(Bytes::from_static(b"{}"))
            ]
        );
    }

    #[test]
    fn protocol_errors() {
        let cases: [Vec<u8>; 4] = [
            vec![0x81, 0x02, b'{', b'}'], // unmasked
            frame(true, 3, b""),          // unknown opcode
            frame(false, 9, b""),         // fragmented ping
            frame(true, 0, b"x"),         // continuation out of place
        ];
        for bytes in cases {
            let mut d = FrameDecoder::new(64);
            let mut buf = BytesMut::from(&bytes[..]);
            assert!(d.decode(&mut buf).is_err(), "{bytes:?}");
        }
    }
}
