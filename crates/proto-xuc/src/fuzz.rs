//! The fuzz harness behind [`crate::fuzz_parse`]: arbitrary bytes through the client-frame
//! decoder, in chunkings taken from the input, checked against a plain reference reading of the
//! same bytes (so a message is decoded the same however it arrives, and a too-large message is
//! reported exactly once), with the decoder's memory bound checked after every call; every
//! decoded text message then goes through the command parser.
//!
//! Input layout: byte 0 picks the message limit (`4 × byte`, so oversized messages are easy to
//! reach), byte 1 the chunking (chunk lengths are read from the stream itself, at most
//! `byte + 1`), the rest is the client's byte stream.

use bytes::{Bytes, BytesMut};
use tokio_util::codec::Decoder;

use crate::wire;
use crate::ws::decode::{FrameDecoder, Incoming};
use crate::ws::frames::MAX_CONTROL_PAYLOAD;

/// Longest frame header: 2 bytes, an 8-byte length, a 4-byte mask.
const MAX_HEADER: usize = 14;

/// Runs one fuzz input (see the module doc for its layout). Panics on any broken invariant.
pub fn run(data: &[u8]) {
    let (max_message, chunking, stream) = match data {
        [limit, chunking, stream @ ..] => (usize::from(*limit) * 4, usize::from(*chunking), stream),
        _ => (64, 0, data),
    };
    let expected = reference(stream, max_message);
    let whole = decode(stream, max_message, |_| stream.len().max(1));
    assert_eq!(whole, expected, "decoded in one chunk");
    let chunked = decode(stream, max_message, |at| {
        1 + usize::from(stream.get(at).copied().unwrap_or(0)) % (chunking + 1)
    });
    assert_eq!(chunked, expected, "decoded in chunks");
    for message in &expected.0 {
        if let Incoming::Text(text) = message {
            check_parse(text);
        }
    }
    check_parse(stream);
}

/// The command parser never panics, and quotes at most a short prefix of a bad command.
fn check_parse(frame: &[u8]) {
    if let Err(e) = wire::input::parse(frame) {
        assert!(e.command.is_none_or(|c| c.len() <= 80), "long quote");
    }
}

/// What a stream decodes to: the messages, and whether it ended in a protocol error.
type Decoded = (Vec<Incoming>, bool);

/// Feeds `stream` to a [`FrameDecoder`] in chunks of `chunk_len(offset)` bytes, checking its
/// memory bound after every call that asked for more bytes.
fn decode(stream: &[u8], max_message: usize, chunk_len: impl Fn(usize) -> usize) -> Decoded {
    let mut decoder = FrameDecoder::new(max_message);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut at = 0;
    while at < stream.len() {
        let end = (at + chunk_len(at)).min(stream.len());
        buf.extend_from_slice(&stream[at..end]);
        at = end;
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(message)) => out.push(message),
                Ok(None) => break,
                Err(_) => return (out, true),
            }
        }
        let held = decoder.held_bytes();
        assert!(held <= max_message, "holds {held} bytes of a message");
        assert!(
            held + buf.len() <= max_message + MAX_CONTROL_PAYLOAD + MAX_HEADER,
            "holds {held} + {} bytes",
            buf.len()
        );
    }
    (out, false)
}

/// A plain reading of RFC 6455 client frames with the whole stream at hand: what the decoder
/// must produce. A message is too large when its fragments add up to more than `max_message`.
fn reference(stream: &[u8], max_message: usize) -> Decoded {
    let mut out = Vec::new();
    // The message in progress: whether it is text, its bytes, its length so far.
    let mut message: Option<(bool, Vec<u8>, u64)> = None;
    let mut at = 0usize;
    loop {
        let rest = &stream[at..];
        let [b0, b1, ..] = *rest else { break };
        if b0 & 0x70 != 0 || b1 & 0x80 == 0 {
            return (out, true);
        }
        let (fin, opcode) = (b0 & 0x80 != 0, b0 & 0x0F);
        let (len, len_bytes) = match b1 & 0x7F {
            126 if rest.len() >= 4 => (u64::from(u16::from_be_bytes([rest[2], rest[3]])), 2),
            127 if rest.len() >= 10 => {
                let len = u64::from_be_bytes(rest[2..10].try_into().expect("8 bytes"));
                if len >= 1 << 63 {
                    return (out, true);
                }
                (len, 8)
            }
            126 | 127 => break,
            n => (u64::from(n), 0),
        };
        let header = 2 + len_bytes + 4;
        if rest.len() < header {
            break;
        }
        let mask = [
            rest[header - 4],
            rest[header - 3],
            rest[header - 2],
            rest[header - 1],
        ];
        let is_control = opcode >= 8;
        let broken = if is_control {
            !fin || len > MAX_CONTROL_PAYLOAD as u64
        } else {
            match opcode {
                0 => message.is_none(),
                1 | 2 => message.is_some(),
                _ => true,
            }
        };
        if broken {
            return (out, true);
        }
        if ((rest.len() - header) as u64) < len {
            break;
        }
        let payload: Vec<u8> = rest[header..header + len as usize]
            .iter()
            .enumerate()
            .map(|(i, b)| b ^ mask[i % 4])
            .collect();
        at += header + len as usize;
        if is_control {
            out.push(match opcode {
                8 => Incoming::Close(
                    (payload.len() >= 2).then(|| u16::from_be_bytes([payload[0], payload[1]])),
                ),
                9 => Incoming::Ping(Bytes::from(payload)),
                10 => Incoming::Pong,
                _ => return (out, true),
            });
            continue;
        }
        let (is_text, mut bytes, so_far) = message.take().unwrap_or((opcode == 1, Vec::new(), 0));
        let total = so_far + len;
        if total <= max_message as u64 {
            bytes.extend_from_slice(&payload);
        }
        if !fin {
            message = Some((is_text, bytes, total));
        } else if total > max_message as u64 {
            out.push(Incoming::TooLarge);
        } else if is_text {
            out.push(Incoming::Text(Bytes::from(bytes)));
        } else {
            out.push(Incoming::Binary);
        }
    }
    (out, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seeds of `fuzz/seeds/xuc_parse`, by name.
    fn seed(name: &str) -> Vec<u8> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/seeds/xuc_parse/");
        std::fs::read(format!("{dir}{name}")).expect("seed")
    }

    #[test]
    fn every_seed_passes_the_harness() {
        for name in ["ping", "dial", "fragmented", "oversized", "close"] {
            run(&seed(name));
        }
    }

    #[test]
    fn the_reference_reads_fragments_control_frames_and_oversized_messages() {
        let fragmented = seed("fragmented");
        assert_eq!(
            reference(&fragmented[2..], 256).0,
            [
                Incoming::Ping(Bytes::from_static(b"hb")),
                Incoming::Text(Bytes::from_static(
                    br#"{"claz":"web","command":"agentLogin","agentphonenumber":"1001"}"#
                )),
            ]
        );
        let oversized = seed("oversized");
        assert_eq!(
            reference(&oversized[2..], 32),
            (
                vec![
                    Incoming::TooLarge,
                    Incoming::TooLarge,
                    Incoming::Text(Bytes::from_static(br#"{"claz":"ping"}"#)),
                ],
                false
            )
        );
        // Cut inside the last frame: what came before, no error.
        assert_eq!(reference(&oversized[2..oversized.len() - 3], 32).0.len(), 2);
    }
}
