//! The AMI wire codec: a tokio-util [`Decoder`] turning Asterisk's byte stream into
//! [`AmiFrame`]s (the banner line first, then `Key: Value` blocks ended by a blank line) and an
//! [`Encoder`] writing [`AmiMessage`]s as actions.
//!
//! What Asterisk sends is not trusted: every line and every block has a size limit
//! ([`Limits`]). A block with a line too long, too many lines or bytes, or a line that is not
//! `Key: Value` is skipped up to the next blank line, with a logged warning and a count
//! ([`AmiCodec::skipped`]); the decoder then goes on with the next block. It never panics and
//! never holds more than about one line and one block of memory. Lines end in CRLF (a bare LF
//! is tolerated); bytes that are not UTF-8 (Latin-1 caller names) are replaced, not refused.
//!
//! `Response: Follows` (the `Command` action's answer before Asterisk 13) is read to its
//! `--END COMMAND--` line, each output line kept as an `Output` field, as Asterisk 13+ sends it.

use bytes::{Buf, BufMut, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use crate::message::{AmiMessage, Kind};

/// Size limits of the decoder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes in one line, without its line ending.
    pub max_line: usize,
    /// Bytes in one block (the sum of its lines).
    pub max_block_bytes: usize,
    /// Lines in one block.
    pub max_block_lines: usize,
}

impl Default for Limits {
    /// 8 KiB lines, 64 KiB and 1,024 lines per block: the largest real events (a `VarSet`
    /// with a long SIP header, a `CoreShowChannel`) are a few KiB.
    fn default() -> Self {
        Limits {
            max_line: 8 * 1024,
            max_block_bytes: 64 * 1024,
            max_block_lines: 1024,
        }
    }
}

/// One decoded unit of the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AmiFrame {
    /// The first line Asterisk sends (`Asterisk Call Manager/9.0.0`).
    Banner(String),
    /// One `Key: Value` block.
    Message(AmiMessage),
}

/// Where the decoder is in the current block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    /// Reading `Key: Value` lines.
    Fields,
    /// In a `Response: Follows` block: headers, then raw output up to `--END COMMAND--`.
    Follows {
        /// A line of output was read (headers are over).
        output: bool,
        /// `--END COMMAND--` was read: the blank line ends the block.
        ended: bool,
    },
    /// The block is bad: its lines are dropped up to the next blank line.
    Skipping,
}

/// The AMI codec (see the module documentation).
#[derive(Debug)]
pub struct AmiCodec {
    limits: Limits,
    banner_read: bool,
    message: AmiMessage,
    block: Block,
    block_bytes: usize,
    block_lines: usize,
    /// Inside a line longer than the limit: its bytes are dropped up to its end.
    discarding_line: bool,
    /// Bytes of the buffer already searched for a line end.
    scanned: usize,
    skipped: u64,
}

/// The marker ending a `Response: Follows` block's output.
const END_COMMAND: &str = "--END COMMAND--";

impl AmiCodec {
    /// A codec expecting the banner first, with the default [`Limits`].
    pub fn new() -> AmiCodec {
        AmiCodec::with_limits(Limits::default())
    }

    /// A codec expecting the banner first.
    pub fn with_limits(limits: Limits) -> AmiCodec {
        AmiCodec {
            limits,
            banner_read: false,
            message: AmiMessage::new(),
            block: Block::Fields,
            block_bytes: 0,
            block_lines: 0,
            discarding_line: false,
            scanned: 0,
            skipped: 0,
        }
    }

    /// A codec that expects no banner (to read a stream from its middle, such as a capture).
    pub fn without_banner(limits: Limits) -> AmiCodec {
        AmiCodec {
            banner_read: true,
            ..AmiCodec::with_limits(limits)
        }
    }

    /// How many bad blocks (too long, or not `Key: Value`) were skipped so far.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// Bytes held for the block being read (for memory-bound checks).
    pub fn held_bytes(&self) -> usize {
        // A block being skipped holds nothing: its lines are counted, not kept.
        if self.block == Block::Skipping {
            0
        } else {
            self.block_bytes
        }
    }

    /// Marks the current block bad: it is dropped up to the next blank line.
    fn skip_block(&mut self, why: &'static str) {
        if self.block != Block::Skipping {
            self.skipped += 1;
            tracing::warn!(
                why,
                skipped = self.skipped,
                "AMI: bad block from Asterisk skipped up to the next blank line"
            );
            self.block = Block::Skipping;
            self.message = AmiMessage::new();
        }
    }

    fn reset_block(&mut self) -> AmiMessage {
        self.block = Block::Fields;
        self.block_bytes = 0;
        self.block_lines = 0;
        // The next message gets the room this one needed: blocks are alike, so it rarely grows.
        let room = AmiMessage::with_capacity(self.message.len(), self.message.text_len());
        std::mem::replace(&mut self.message, room)
    }

    /// Takes one complete line (without its line ending); returns a frame when it ends one.
    fn line(&mut self, raw: &[u8]) -> Option<AmiFrame> {
        if !self.banner_read {
            if raw.is_empty() {
                return None;
            }
            self.banner_read = true;
            return Some(AmiFrame::Banner(
                String::from_utf8_lossy(raw).trim().to_owned(),
            ));
        }
        if raw.is_empty() {
            match self.block {
                Block::Follows { ended: false, .. } => {}
                Block::Skipping => {
                    self.reset_block();
                    return None;
                }
                _ if self.message.is_empty() => return None,
                _ => return Some(AmiFrame::Message(self.reset_block())),
            }
        }
        self.block_lines += 1;
        self.block_bytes += raw.len();
        if self.block_lines > self.limits.max_block_lines {
            self.skip_block("too many lines in one block");
        } else if self.block_bytes > self.limits.max_block_bytes {
            self.skip_block("block too large");
        }
        let text = utf8(raw);
        match self.block {
            Block::Skipping => None,
            Block::Follows {
                output,
                ended: false,
            } => {
                if text == END_COMMAND {
                    self.block = Block::Follows {
                        output,
                        ended: true,
                    };
                    return None;
                }
                match split_field(&text) {
                    Some((key, value)) if !output && is_follows_header(key) => {
                        self.message.push(key, value);
                    }
                    _ => {
                        self.block = Block::Follows {
                            output: true,
                            ended: false,
                        };
                        self.message.push("Output", &text);
                    }
                }
                None
            }
            Block::Fields | Block::Follows { ended: true, .. } => {
                let Some((key, value)) = split_field(&text) else {
                    self.skip_block("a line that is not `Key: Value`");
                    return None;
                };
                self.message.push(key, value);
                if self.message.len() == 1
                    && matches!(self.message.kind(), Kind::Response(r) if r.eq_ignore_ascii_case("Follows"))
                {
                    self.block = Block::Follows {
                        output: false,
                        ended: false,
                    };
                }
                None
            }
        }
    }
}

impl Default for AmiCodec {
    fn default() -> Self {
        AmiCodec::new()
    }
}

/// A line as text: as it is when it is UTF-8 (the usual case, checked fast), with U+FFFD for
/// each invalid sequence otherwise.
fn utf8(raw: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(raw) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(raw),
    }
}

/// The headers of a `Response: Follows` block before its output.
fn is_follows_header(key: &str) -> bool {
    ["Privilege", "ActionID", "Message"]
        .iter()
        .any(|h| h.eq_ignore_ascii_case(key))
}

/// `Key: Value` → (key, value without the space after the colon); `None` when the line has
/// no colon or an empty key.
fn split_field(line: &str) -> Option<(&str, &str)> {
    let colon = memchr::memchr(b':', line.as_bytes())?;
    let (key, value) = (&line[..colon], &line[colon + 1..]);
    let key = key.trim_end();
    if key.is_empty() || key.starts_with(char::is_whitespace) {
        return None;
    }
    Some((key, value.strip_prefix(' ').unwrap_or(value)))
}

impl Decoder for AmiCodec {
    type Item = AmiFrame;
    type Error = std::io::Error;

    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<AmiFrame>, std::io::Error> {
        // Lines are read in place; the bytes of the lines taken leave the buffer once, when a
        // frame is returned or the buffer holds no whole line more.
        let mut taken = 0;
        loop {
            let from = taken + self.scanned;
            let Some(at) = memchr::memchr(b'\n', &buf[from..]) else {
                if self.discarding_line || buf.len() - taken > self.limits.max_line + 1 {
                    // (+ 1: the CR of a line of exactly the limit may be there already.)
                    // All of it belongs to a line already too long.
                    if !self.discarding_line {
                        self.skip_block("line too long");
                        self.discarding_line = true;
                    }
                    buf.clear();
                    self.scanned = 0;
                } else {
                    self.scanned = buf.len() - taken;
                    buf.advance(taken);
                }
                return Ok(None);
            };
            let end = from + at;
            let start = std::mem::replace(&mut taken, end + 1);
            self.scanned = 0;
            if self.discarding_line {
                // The tail of a line too long: the block is already being skipped.
                self.discarding_line = false;
                continue;
            }
            let mut content = &buf[start..end];
            if let Some(stripped) = content.strip_suffix(b"\r") {
                content = stripped;
            }
            if content.len() > self.limits.max_line {
                self.skip_block("line too long");
                continue;
            }
            if let Some(frame) = self.line(content) {
                buf.advance(taken);
                return Ok(Some(frame));
            }
        }
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<AmiFrame>, std::io::Error> {
        if let Some(frame) = self.decode(buf)? {
            return Ok(Some(frame));
        }
        if !buf.is_empty() || !self.message.is_empty() {
            tracing::debug!(
                bytes = buf.len(),
                lines = self.message.len(),
                "AMI: connection closed in the middle of a block: dropped"
            );
        }
        buf.clear();
        self.scanned = 0;
        self.discarding_line = false;
        self.reset_block();
        Ok(None)
    }
}

impl Encoder<&AmiMessage> for AmiCodec {
    type Error = std::io::Error;

    fn encode(&mut self, message: &AmiMessage, dst: &mut BytesMut) -> Result<(), std::io::Error> {
        encode_message(message, dst);
        Ok(())
    }
}

/// Writes `message` as an AMI block (`Key: Value` CRLF lines, then a blank line). A CR or LF
/// inside a key or value (which would end the line and let a value inject lines) is written
/// as a space.
pub fn encode_message(message: &AmiMessage, dst: &mut BytesMut) {
    for (key, value) in message.iter() {
        dst.reserve(key.len() + value.len() + 4);
        put_clean(dst, key);
        dst.put_slice(b": ");
        put_clean(dst, value);
        dst.put_slice(b"\r\n");
    }
    dst.put_slice(b"\r\n");
}

fn put_clean(dst: &mut BytesMut, text: &str) {
    for &b in text.as_bytes() {
        dst.put_u8(if b == b'\r' || b == b'\n' { b' ' } else { b });
    }
}

#[cfg(test)]
mod tests;
