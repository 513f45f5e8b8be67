//! A client connection before and around login: the byte stream (plain or TLS) with its line
//! reader, direct writes (used until the session has an outbox), the STARTTLS upgrade, and the
//! split into a reader and a writer once the user is authenticated.

use std::io;

use bytes::Bytes;
use futures::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio_rustls::TlsAcceptor;
use tokio_util::codec::FramedRead;

use crate::codec::{Frame, LineCodec};
use crate::starttls::Prefixed;

/// A byte stream a session runs on (TCP, or TLS over TCP).
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Io for T {}

/// A boxed stream.
pub type BoxIo = Box<dyn Io>;

/// The reading half of an authenticated session (bytes read before the split come first).
pub type Reader = FramedRead<Prefixed<ReadHalf<BoxIo>>, LineCodec>;

/// The writing half of an authenticated session.
pub type Writer = WriteHalf<BoxIo>;

/// A connection: a framed stream.
pub struct Connection {
    framed: FramedRead<BoxIo, LineCodec>,
    /// Whether the stream is TLS.
    pub tls: bool,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("tls", &self.tls)
            .finish()
    }
}

impl Connection {
    /// A plain connection reading lines of at most `max_line` bytes.
    pub fn new(io: BoxIo, max_line: usize) -> Self {
        Connection {
            framed: FramedRead::new(io, LineCodec::new(max_line)),
            tls: false,
        }
    }

    /// Changes the longest accepted input line.
    pub fn set_max_line(&mut self, max: usize) {
        self.framed.decoder_mut().set_max(max);
    }

    /// The next input frame; `None` at end of stream.
    pub async fn next_frame(&mut self) -> Option<io::Result<Frame>> {
        self.framed.next().await
    }

    /// Writes bytes and flushes them.
    pub async fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        let io = self.framed.get_mut();
        io.write_all(bytes).await?;
        io.flush().await
    }

    /// Upgrades to TLS (server side). Bytes already read past the current line are handed to
    /// the handshake first.
    pub async fn upgrade(self, acceptor: &TlsAcceptor) -> io::Result<Connection> {
        let parts = self.framed.into_parts();
        let prefix = Bytes::from(parts.read_buf);
        let tls = acceptor.accept(Prefixed::new(prefix, parts.io)).await?;
        let io: BoxIo = Box::new(tls);
        Ok(Connection {
            framed: FramedRead::new(io, parts.codec),
            tls: true,
        })
    }

    /// Splits into a line reader and a writer. Bytes already read past the last line (a client
    /// may pipeline requests behind `login_capas`) are read again first: a `FramedRead` does not
    /// decode bytes put in its buffer before it has read from its stream.
    pub fn split(self) -> (Reader, Writer) {
        let parts = self.framed.into_parts();
        let (r, w) = tokio::io::split(parts.io);
        let leftover = Bytes::from(parts.read_buf);
        (FramedRead::new(Prefixed::new(leftover, r), parts.codec), w)
    }
}
