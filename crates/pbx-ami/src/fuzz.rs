//! The fuzz harness behind [`crate::fuzz_decode`]: arbitrary bytes through the AMI decoder,
//! whole and in chunkings taken from the input, which must decode the same frames and skip the
//! same number of bad blocks; the decoder's memory stays bounded after every call; every
//! decoded message re-encodes to bytes that decode to the same message.
//!
//! Input layout: byte 0 picks the limits (line limit `16 + 4 × byte`, block limits four times
//! that and 16 lines, so limits are easy to reach), byte 1 the chunking (chunk lengths read
//! from the stream itself, at most `byte + 1`), the rest is what Asterisk sends.

use bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder};

use crate::codec::{AmiCodec, AmiFrame, Limits};
use crate::message::Kind;

/// Runs one fuzz input (see the module doc for its layout). Panics on any broken invariant.
pub fn run(data: &[u8]) {
    let (limit, chunking, stream) = match data {
        [limit, chunking, stream @ ..] => (usize::from(*limit), usize::from(*chunking), stream),
        _ => (16, 0, data),
    };
    let max_line = 16 + 4 * limit;
    let limits = Limits {
        max_line,
        max_block_bytes: 4 * max_line,
        max_block_lines: 16,
    };
    let whole = decode(stream, limits, |_| stream.len().max(1));
    let chunked = decode(stream, limits, |at| {
        1 + usize::from(stream.get(at).copied().unwrap_or(0)) % (chunking + 1)
    });
    assert_eq!(chunked, whole, "decoded in chunks");
    for frame in &whole.0 {
        if let AmiFrame::Message(message) = frame {
            round_trip(message, limits);
        }
    }
}

/// Frames and skipped-block count.
type Decoded = (Vec<AmiFrame>, u64);

fn decode(stream: &[u8], limits: Limits, chunk_len: impl Fn(usize) -> usize) -> Decoded {
    let mut codec = AmiCodec::with_limits(limits);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut at = 0;
    while at < stream.len() {
        let end = (at + chunk_len(at)).min(stream.len());
        buf.extend_from_slice(&stream[at..end]);
        at = end;
        while let Some(frame) = codec.decode(&mut buf).expect("never an error") {
            out.push(frame);
        }
        // What waits in the buffer is at most one line (and its line end).
        assert!(buf.len() <= limits.max_line + 1, "buffer {}", buf.len());
        assert!(
            codec.held_bytes() <= limits.max_block_bytes + limits.max_line,
            "block {}",
            codec.held_bytes()
        );
    }
    while let Some(frame) = codec.decode_eof(&mut buf).expect("never an error") {
        out.push(frame);
    }
    (out, codec.skipped())
}

fn round_trip(message: &crate::AmiMessage, limits: Limits) {
    if matches!(message.kind(), Kind::Response(r) if r.eq_ignore_ascii_case("Follows")) {
        return;
    }
    let mut bytes = BytesMut::new();
    AmiCodec::new()
        .encode(message, &mut bytes)
        .expect("encodes");
    let mut codec = AmiCodec::without_banner(Limits {
        // A non-UTF-8 byte decodes to U+FFFD, three bytes when encoded again.
        max_line: 3 * limits.max_line + 8,
        max_block_bytes: usize::MAX,
        max_block_lines: usize::MAX,
    });
    let again = codec.decode(&mut bytes).expect("never an error");
    let expected: crate::AmiMessage = {
        let mut m = crate::AmiMessage::new();
        for (k, v) in message.iter() {
            m.push(&k.replace('\r', " "), &v.replace('\r', " "));
        }
        m
    };
    assert_eq!(again, Some(AmiFrame::Message(expected)), "round trip");
}

#[cfg(test)]
mod tests {
    #[test]
    fn seeds_and_odd_inputs_pass() {
        let capture = "\u{4}\u{3}Asterisk Call Manager/9.0.0\r\nResponse: Success\r\n\
ActionID: 1\r\n\r\nResponse: Follows\r\nPrivilege: Command\r\nx\r\n--END COMMAND--\r\n\r\n\
Event: A\r\nKey:\r\r\n\r\nnot ami\r\n\r\n";
        super::run(capture.as_bytes());
        super::run(b"");
        super::run(b"\x00\x00");
        super::run(&[0, 7, b'a', b'\r', b'\n', b'b', b':', b'\r', b'\n', b'\n']);
        let mut long = vec![0u8, 5];
        long.extend(std::iter::repeat_n(b'k', 300));
        long.extend_from_slice(b": v\r\n\r\nA: b\n\n");
        super::run(&long);
    }
}
