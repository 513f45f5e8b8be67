//! The load generator's WebSocket client, kept as cheap as a raw socket: the opening handshake
//! written and checked by hand, client frames built masked, server frames split without
//! copying the payload. Only what a benchmark needs: text frames of any length from the
//! server, short text frames to it.

use anyhow::{Context, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Longest handshake answer accepted.
const MAX_HANDSHAKE: usize = 16 * 1024;

/// Opens `ws://127.0.0.1:<port><path>`; returns the socket and the bytes read past the
/// handshake (the first frames).
pub async fn connect(port: u16, path: &str) -> anyhow::Result<(TcpStream, Vec<u8>)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    stream.set_nodelay(true)?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut got = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    let end = loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            bail!("connection closed during the handshake");
        }
        got.extend_from_slice(&buf[..n]);
        if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        if got.len() > MAX_HANDSHAKE {
            bail!("handshake answer too long");
        }
    };
    let head = std::str::from_utf8(&got[..end]).context("handshake answer not UTF-8")?;
    if !head.starts_with("HTTP/1.1 101") {
        bail!("upgrade refused: {}", head.lines().next().unwrap_or(""));
    }
    Ok((stream, got[end..].to_vec()))
}

/// A masked text frame carrying `payload` (the mask key is fixed: the bench needs no secrecy).
pub fn text_frame(payload: &[u8]) -> Vec<u8> {
    const MASK: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];
    let mut frame = Vec::with_capacity(payload.len() + 14);
    frame.push(0x81);
    match payload.len() {
        n if n < 126 => frame.push(0x80 | n as u8),
        n if n <= 0xffff => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(&MASK);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ MASK[i % 4]));
    frame
}

/// The first complete server frame in `buf`: its opcode, its payload's range in `buf`, and the
/// length of the whole frame; `None` while it is incomplete.
pub fn next_frame(buf: &[u8]) -> Option<(u8, std::ops::Range<usize>, usize)> {
    let (&b0, &b1) = (buf.first()?, buf.get(1)?);
    let (len, header) = match b1 & 0x7f {
        126 => (
            u16::from_be_bytes(buf.get(2..4)?.try_into().ok()?) as usize,
            4,
        ),
        127 => (
            u64::from_be_bytes(buf.get(2..10)?.try_into().ok()?) as usize,
            10,
        ),
        n => (n as usize, 2),
    };
    let masked = b1 & 0x80 != 0;
    let start: usize = header + if masked { 4 } else { 0 };
    let end = start.checked_add(len)?;
    (buf.len() >= end).then_some((b0 & 0x0f, start..end, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_of_each_length_form_are_split_back() {
        for len in [0usize, 125, 126, 65_535, 65_536] {
            let payload = vec![b'x'; len];
            // A server frame: the client frame without its mask bit and key, payload clear.
            let mut frame = text_frame(&payload);
            let header = frame.len() - 4 - len;
            frame[1] &= 0x7f;
            frame.drain(header..header + 4);
            frame[header..].copy_from_slice(&payload);
            let (opcode, range, total) = next_frame(&frame).expect("complete");
            assert_eq!((opcode, range.len(), total), (1, len, frame.len()));
            assert!(next_frame(&frame[..frame.len() - 1]).is_none());
        }
    }
}
