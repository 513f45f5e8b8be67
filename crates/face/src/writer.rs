//! The writer loop: drains a session's outbox to its socket, for any face.
//!
//! A lone message (the common case: one push encoded once for every subscriber) is written
//! straight from its shared bytes; several queued messages are coalesced into one write of at
//! most about [`WRITE_BATCH`] bytes. No buffer outlives a write, so an idle session holds none.
//! Each message's bytes go back to the outbox's budget once written. The face's [`Framing`]
//! wraps each message for the wire (CTI lines carry their own `\n` and go [`AsIs`]; a WebSocket
//! face puts a frame header before each message).

use std::time::Duration;

use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::outbox::OutboxReceiver;

/// Messages are gathered into writes of at most about this size.
pub const WRITE_BATCH: usize = 64 * 1024;

/// How long the loop waits for the socket's shutdown once the outbox is closed.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(1);

/// How a face puts one message on the wire: what goes before and after its bytes.
pub trait Framing: Send + 'static {
    /// Appends what precedes `msg` on the wire (e.g. a WebSocket frame header) to `out`.
    fn head(&mut self, _msg: &[u8], _out: &mut Vec<u8>) {}
    /// Appends what follows `msg` on the wire to `out`.
    fn tail(&mut self, _msg: &[u8], _out: &mut Vec<u8>) {}
}

/// Messages go on the wire as they are (they carry their own terminator, as CTI lines do).
#[derive(Clone, Copy, Debug, Default)]
pub struct AsIs;

impl Framing for AsIs {}

/// Drains `rx` to `w` until the outbox closes (every sender gone), the session's kick token
/// fires, or a write fails (which fires the kick token). Then shuts the writer down, bounded,
/// and gives the outbox back (what is left in it is the client's loss).
pub async fn write_loop<W, F>(mut rx: OutboxReceiver, mut w: W, mut framing: F) -> OutboxReceiver
where
    W: AsyncWrite + Unpin,
    F: Framing,
{
    let kick = rx.kick().clone();
    let mut queued = Vec::new();
    let mut edges = Vec::new();
    // One cancellation future for the session's life (creating one per message costs a lock).
    let kicked = kick.cancelled();
    tokio::pin!(kicked);
    loop {
        let first = tokio::select! {
            biased;
            _ = &mut kicked => break,
            m = rx.recv() => match m {
                Some(m) => m,
                None => break,
            },
        };
        let mut size = first.len();
        queued.push(first);
        while size < WRITE_BATCH {
            match rx.try_recv() {
                Some(next) => {
                    size += next.len();
                    queued.push(next);
                }
                None => break,
            }
        }
        let batch = async {
            if let [only] = queued.as_slice() {
                edges.clear();
                framing.head(only, &mut edges);
                w.write_all(&edges).await?;
                w.write_all(only).await?;
                edges.clear();
                framing.tail(only, &mut edges);
                w.write_all(&edges).await?;
            } else {
                let mut buf = Vec::with_capacity(size + 16 * queued.len());
                for m in &queued {
                    framing.head(m, &mut buf);
                    buf.extend_from_slice(m);
                    framing.tail(m, &mut buf);
                }
                w.write_all(&buf).await?;
            }
            w.flush().await
        };
        let result = tokio::select! {
            r = batch => r,
            _ = &mut kicked => break,
        };
        rx.release(size);
        queued.clear();
        if queued.capacity() > 64 {
            queued = Vec::new();
        }
        if edges.capacity() > 1024 {
            edges = Vec::new();
        }
        if let Err(e) = result {
            tracing::debug!(error = %e, "session write failed");
            kick.cancel();
            break;
        }
    }
    let _ = tokio::time::timeout(SHUTDOWN_WAIT, w.shutdown()).await;
    rx
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use tokio::io::AsyncReadExt;
    use tokio_util::sync::CancellationToken;

    use ctid_core::ids::SessionId;

    use super::*;
    use crate::outbox::{OutboxLimits, Outboxes};

    /// Frames each message as `<len>:` + message + `;`.
    struct LengthPrefixed;

    impl Framing for LengthPrefixed {
        fn head(&mut self, msg: &[u8], out: &mut Vec<u8>) {
            out.extend_from_slice(format!("{}:", msg.len()).as_bytes());
        }
        fn tail(&mut self, _msg: &[u8], out: &mut Vec<u8>) {
            out.push(b';');
        }
    }

    /// What the loop writes for `msgs`, and the bytes left counted in the outbox after.
    async fn written<F: Framing>(framing: F, msgs: &[&'static str]) -> (Vec<u8>, usize) {
        let outboxes = Outboxes::new("test", OutboxLimits::bytes(1024));
        let (tx, rx) = outboxes.open(SessionId(1), CancellationToken::new());
        for m in msgs {
            tx.try_send(Bytes::from_static(m.as_bytes())).unwrap();
        }
        // The loop drains what is queued, then ends: the last sender is gone.
        drop(tx);
        let (mut client, server) = tokio::io::duplex(4096);
        let writer = tokio::spawn(write_loop(rx, server, framing));
        let mut out = Vec::new();
        client.read_to_end(&mut out).await.unwrap();
        let rx = writer.await.unwrap();
        (out, rx.queued_bytes())
    }

    #[tokio::test]
    async fn messages_go_as_they_are_and_their_bytes_are_released() {
        let (out, left) = written(AsIs, &["one\n", "two\n", "three\n"]).await;
        assert_eq!((&out[..], left), (&b"one\ntwo\nthree\n"[..], 0));
        let (out, left) = written(AsIs, &["lone\n"]).await;
        assert_eq!((&out[..], left), (&b"lone\n"[..], 0));
    }

    #[tokio::test]
    async fn a_framing_wraps_each_message_lone_or_batched() {
        let (out, left) = written(LengthPrefixed, &["ab"]).await;
        assert_eq!((&out[..], left), (&b"2:ab;"[..], 0));
        let (out, left) = written(LengthPrefixed, &["ab", "cde"]).await;
        assert_eq!((&out[..], left), (&b"2:ab;3:cde;"[..], 0));
    }
}
