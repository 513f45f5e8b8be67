//! The WebSocket transport (RFC 6455), kept small and under the face's control: the upgrade
//! handshake ([`handshake`]), the decoder of client frames with a size limit that discards an
//! oversized message as it arrives so the socket lives on ([`decode`]), and the server's frames
//! ([`frames`]): a [`ctid_face::Framing`] that puts a text-frame header before each message in
//! the face layer's writer loop (each push is encoded once and shared; only its 2 to 4 header
//! bytes are per socket), and the control frames (pong, close) as ready-framed bytes.
//!
//! Why not a WebSocket library: the face layer's writer loop writes shared bytes straight to
//! the socket and coalesces queued messages into one write; and a library's reader gives up on
//! an oversized frame, where XuC clients must get an `Error` message and keep their socket.

pub mod decode;
pub mod frames;
pub mod handshake;
