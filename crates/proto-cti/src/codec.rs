//! Line framing: one JSON object per `\n`-terminated line, with a maximum length.
//!
//! Unlike `tokio_util::codec::LinesCodec`, decoding never fails on content: an overlong line is
//! reported once as [`Frame::Overlong`] and its bytes are discarded as they arrive (the buffer
//! never holds more than `max` bytes of it), invalid UTF-8 is left to the message parser, and the
//! connection goes on with the next line.

use bytes::{Buf, BytesMut};
use tokio_util::codec::Decoder;

/// One unit of input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A complete line, without its `\n` (and without a trailing `\r`).
    Line(BytesMut),
    /// A line longer than the maximum started; the rest of it up to its `\n` is dropped.
    Overlong,
}

/// The line decoder.
#[derive(Debug, Clone)]
pub struct LineCodec {
    max: usize,
    /// Where to resume searching for `\n` in the buffer.
    next_index: usize,
    /// Inside an overlong line: drop bytes until the next `\n`.
    discarding: bool,
}

impl LineCodec {
    /// Changes the longest accepted line (applies from the next line).
    pub fn set_max(&mut self, max: usize) {
        self.max = max.max(1);
    }

    /// A decoder refusing lines longer than `max` bytes.
    pub fn new(max: usize) -> Self {
        LineCodec {
            max: max.max(1),
            next_index: 0,
            discarding: false,
        }
    }
}

fn trim_line(mut line: BytesMut) -> BytesMut {
    if line.last() == Some(&b'\n') {
        line.truncate(line.len() - 1);
    }
    if line.last() == Some(&b'\r') {
        line.truncate(line.len() - 1);
    }
    line
}

impl Decoder for LineCodec {
    type Item = Frame;
    type Error = std::io::Error;

    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, std::io::Error> {
        loop {
            let start = self.next_index.min(buf.len());
            let newline = buf[start..].iter().position(|b| *b == b'\n');
            if self.discarding {
                match newline {
                    Some(i) => {
                        buf.advance(start + i + 1);
                        self.discarding = false;
                        self.next_index = 0;
                        continue;
                    }
                    None => {
                        buf.clear();
                        self.next_index = 0;
                        return Ok(None);
                    }
                }
            }
            return match newline {
                Some(i) => {
                    let end = start + i;
                    self.next_index = 0;
                    let line = buf.split_to(end + 1);
                    let line = trim_line(line);
                    if line.len() > self.max {
                        Ok(Some(Frame::Overlong))
                    } else {
                        Ok(Some(Frame::Line(line)))
                    }
                }
                None if buf.len() > self.max => {
                    buf.clear();
                    self.next_index = 0;
                    self.discarding = true;
                    Ok(Some(Frame::Overlong))
                }
                None => {
                    self.next_index = buf.len();
                    Ok(None)
                }
            };
        }
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, std::io::Error> {
        if let Some(frame) = self.decode(buf)? {
            return Ok(Some(frame));
        }
        if buf.is_empty() || self.discarding {
            buf.clear();
            return Ok(None);
        }
        // A last line without its `\n`: take it as a line.
        self.next_index = 0;
        let line = buf.split_to(buf.len());
        Ok(Some(Frame::Line(trim_line(line))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(codec: &mut LineCodec, buf: &mut BytesMut) -> Vec<Frame> {
        let mut out = Vec::new();
        while let Some(f) = codec.decode(buf).unwrap() {
            out.push(f);
        }
        out
    }

    fn line(s: &str) -> Frame {
        Frame::Line(BytesMut::from(s))
    }

    #[test]
    fn splits_lines_and_keeps_partial_ones() {
        let mut c = LineCodec::new(100);
        let mut buf = BytesMut::from(&b"{\"a\":1}\n{\"b\":2}\r\n{\"c\""[..]);
        assert_eq!(
            decode_all(&mut c, &mut buf),
            vec![line("{\"a\":1}"), line("{\"b\":2}")]
        );
        buf.extend_from_slice(b":3}\n\n");
        assert_eq!(
            decode_all(&mut c, &mut buf),
            vec![line("{\"c\":3}"), line("")]
        );
        assert!(buf.is_empty());
    }

    #[test]
    fn overlong_lines_are_discarded_without_buffering() {
        let mut c = LineCodec::new(8);
        let mut buf = BytesMut::from(&b"0123456789"[..]);
        assert_eq!(decode_all(&mut c, &mut buf), vec![Frame::Overlong]);
        assert!(buf.is_empty());
        buf.extend_from_slice(b"abcdefghijklmnop");
        assert_eq!(decode_all(&mut c, &mut buf), vec![]);
        assert!(buf.is_empty());
        buf.extend_from_slice(b"xyz\nok\n");
        assert_eq!(decode_all(&mut c, &mut buf), vec![line("ok")]);
        // A long line arriving whole is refused too.
        let mut buf = BytesMut::from(&b"0123456789abc\nshort\n"[..]);
        assert_eq!(
            decode_all(&mut c, &mut buf),
            vec![Frame::Overlong, line("short")]
        );
    }

    #[test]
    fn eof_yields_the_last_partial_line() {
        let mut c = LineCodec::new(100);
        let mut buf = BytesMut::from(&b"abc"[..]);
        assert_eq!(c.decode(&mut buf).unwrap(), None);
        assert_eq!(c.decode_eof(&mut buf).unwrap(), Some(line("abc")));
        assert_eq!(c.decode_eof(&mut buf).unwrap(), None);
    }
}
