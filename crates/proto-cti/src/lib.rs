//! The CTI protocol server of xivo-ctid (JSON lines over TCP, in-band STARTTLS), served on top
//! of ctid's core, wire-compatible with the XiVO/Wazo desktop client.
//!
//! The public API is [`CtiConfig`], [`CtiServer`] and [`fuzz_parse`]; [`wire`], [`codec`],
//! [`sheet`] and [`errors`] are public for tools and tests.
//!
//! Code map (see docs/cti-protocol.md for the protocol as ctid speaks it):
//! - `server`: listener, connection limit, graceful shutdown;
//! - `session`: one connection — login phase (`login`, `starttls`), then a reader that
//!   dispatches to one module per command family (`getlist`, `presence`, `services`, `dial`,
//!   `calls`, `agent`, `subscribe`, `queuestats`, `history`, `status_updates`, `chat`, `fax`,
//!   [`sheet`]) and a writer (the face layer's, `ctid_face::write_loop`) draining the
//!   session's outbox, bounded in bytes (`outbox_max_bytes`);
//! - [`codec`] and `connection`: line framing with a maximum length, the byte stream;
//! - [`wire`]: every message in and out as a serde type, `timenow` added on encode;
//! - `fanout` and `render`: the CTI topics and renderer; the face layer's fan-out task
//!   (`ctid_face`) publishes what they render, once per event, to the sessions by topic.

mod agent;
mod calls;
mod chat;
pub mod codec;
pub mod config;
mod config_pushes;
mod connection;
mod dial;
pub mod errors;
mod fanout;
mod fax;
mod getlist;
mod history;
mod login;
mod presence;
mod queuestats;
mod render;
mod server;
mod services;
mod session;
pub mod sheet;
mod starttls;
mod status_updates;
mod subscribe;
mod subscription_budget;
pub mod wire;

pub use config::{CtiConfig, PushPolicy};
pub use server::{CtiServer, CtiStats};

/// Feeds arbitrary bytes to the line decoder and the message parser (the fuzz target's entry
/// point). It must never panic, whatever the input, and an error never quotes more than a short
/// prefix of the input (see [`wire::limits`]).
pub fn fuzz_parse(data: &[u8]) {
    use tokio_util::codec::Decoder;

    let mut codec = codec::LineCodec::new(4096);
    // Feed in two chunks to exercise partial lines.
    let split = data.first().map_or(0, |b| *b as usize % (data.len() + 1));
    let mut buf = bytes::BytesMut::new();
    for chunk in [&data[..split], &data[split..]] {
        buf.extend_from_slice(chunk);
        while let Ok(Some(frame)) = codec.decode(&mut buf) {
            if let codec::Frame::Line(line) = frame {
                check_parse(&line);
            }
        }
    }
    if let Ok(Some(codec::Frame::Line(line))) = codec.decode_eof(&mut buf) {
        check_parse(&line);
    }
    check_parse(data);
}

/// Parses a line; an error's class and string quote at most a short prefix of the input.
fn check_parse(line: &[u8]) {
    use wire::limits::ECHO_BYTES;

    if let Err(e) = wire::input::parse(line) {
        let class = e.class.as_deref().unwrap_or_default();
        assert!(class.len() <= ECHO_BYTES + '…'.len_utf8(), "{class}");
        assert!(e.error.len() <= 2 * ECHO_BYTES, "{}", e.error);
    }
}
