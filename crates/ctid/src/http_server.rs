//! Serving the HTTP listener connection by connection (hyper's HTTP/1), so that no client can
//! hold the process's file descriptors: a cap on concurrent HTTP connections, a slot in the
//! process's connection budget per connection, a header-read timeout (a connection that has not
//! sent a complete request head that long after it opened or after its last response is closed:
//! idle keep-alive connections and slow senders alike) and an idle timeout (no byte read or
//! written that long during a request closes the connection). Both timeouts run on the injected
//! clock. Each request carries the peer's address (`ConnectInfo`) and the connection's slot
//! (`ConnectionHold`): a WebSocket session upgraded from the connection keeps the slot, so it
//! still counts against the cap and the budget after the HTTP exchange is over (the HTTP
//! timeouts end at the upgrade; the session has its own rules).

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use ctid_core::budget::ListenerBudget;
use ctid_core::{SharedClock, Timestamp};
use ctid_proto_xuc::ConnectionHold;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_service::Service;

/// How long a graceful shutdown lets connections finish their request.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The limits of the HTTP listener.
#[derive(Clone, Debug)]
pub struct HttpLimits {
    /// Concurrent connections at most; more are closed at once.
    pub max_connections: usize,
    /// Time to send a complete request head, from the connection's opening or its previous
    /// response.
    pub header_read_timeout: Duration,
    /// Time without a byte read or written, during a request.
    pub idle_timeout: Duration,
}

/// Serves `router` on `listener` until `shutdown`, within `limits` and `budget`, timing on
/// `clock`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: HttpLimits,
    budget: ListenerBudget,
    clock: SharedClock,
    shutdown: CancellationToken,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let tracker = TaskTracker::new();
    let mut refusing = false;
    loop {
        let (stream, peer) = tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: back off a little.
                    tracing::warn!(error = %e, "HTTP accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let slot = slots.clone().try_acquire_owned().ok();
        let budgeted = slot.as_ref().and_then(|_| budget.try_acquire());
        let (Some(slot), Some(budgeted)) = (slot, budgeted) else {
            if !refusing {
                tracing::warn!(%peer, max_connections = limits.max_connections, "HTTP connections refused: connection cap or budget reached");
                refusing = true;
            }
            drop(stream);
            continue;
        };
        if refusing {
            tracing::info!("HTTP connections accepted again");
            refusing = false;
        }
        let router = router.clone();
        let limits = limits.clone();
        let clock = clock.clone();
        let shutdown = shutdown.clone();
        let hold = ConnectionHold(Arc::new((slot, budgeted)));
        tracker.spawn(async move {
            serve_connection(stream, peer, hold, router, &limits, clock, shutdown).await;
        });
    }
    drop(listener);
    tracker.close();
    if tokio::time::timeout(SHUTDOWN_GRACE + Duration::from_secs(1), tracker.wait())
        .await
        .is_err()
    {
        tracing::warn!("HTTP connections did not all end within the shutdown grace period");
    }
    Ok(())
}

/// Why a connection was cut.
#[derive(Debug, PartialEq, Eq)]
enum Cut {
    HeaderTimeout,
    IdleTimeout,
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    hold: ConnectionHold,
    router: Router,
    limits: &HttpLimits,
    clock: SharedClock,
    shutdown: CancellationToken,
) {
    let _ = stream.set_nodelay(true);
    let marks = Arc::new(Marks::new(clock.now()));
    let io = TokioIo::new(Tracked {
        inner: stream,
        marks: marks.clone(),
        clock: clock.clone(),
    });
    let service_marks = marks.clone();
    let service_clock = clock.clone();
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        req.extensions_mut().insert(hold.clone());
        let mut router = router.clone();
        let marks = service_marks.clone();
        let clock = service_clock.clone();
        marks.request_started();
        async move {
            let response = router.call(req).await;
            marks.request_done(clock.now());
            response
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .max_buf_size(64 * 1024)
        .serve_connection(io, service)
        .with_upgrades();
    tokio::pin!(conn);
    let watch = watch(&marks, limits, &clock);
    tokio::pin!(watch);
    tokio::select! {
        r = conn.as_mut() => {
            if let Err(e) = r {
                tracing::debug!(%peer, error = %e, "HTTP connection ended with an error");
            }
        }
        cut = &mut watch => {
            tracing::debug!(%peer, ?cut, "HTTP connection closed");
        }
        _ = shutdown.cancelled() => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, conn).await;
        }
    }
}

/// Resolves when the connection breaks a timeout. Marks only move forward, so sleeping until
/// the earliest deadline and looking again is exact.
async fn watch(marks: &Marks, limits: &HttpLimits, clock: &SharedClock) -> Cut {
    loop {
        let now = clock.now();
        let idle = Timestamp(marks.last_activity.load(Ordering::Relaxed)).plus(limits.idle_timeout);
        let waiting = marks.waiting_since.load(Ordering::Relaxed);
        let header =
            (waiting != IN_REQUEST).then(|| Timestamp(waiting).plus(limits.header_read_timeout));
        if let Some(h) = header
            && now >= h
        {
            return Cut::HeaderTimeout;
        }
        if waiting == IN_REQUEST && now >= idle {
            return Cut::IdleTimeout;
        }
        let next = header.map_or(idle, |h| h.min(idle));
        clock
            .sleep_until(next.max(now.plus(Duration::from_millis(1))))
            .await;
    }
}

/// `waiting_since` while a request is being served.
const IN_REQUEST: i64 = i64::MIN;

/// What a connection's timeouts look at (Unix ms on the injected clock).
struct Marks {
    /// Last byte read or written.
    last_activity: AtomicI64,
    /// Since when the connection waits for a request head ([`IN_REQUEST`] while serving one).
    waiting_since: AtomicI64,
}

impl Marks {
    fn new(now: Timestamp) -> Self {
        Marks {
            last_activity: AtomicI64::new(now.0),
            waiting_since: AtomicI64::new(now.0),
        }
    }

    fn touch(&self, now: Timestamp) {
        self.last_activity.fetch_max(now.0, Ordering::Relaxed);
    }

    fn request_started(&self) {
        self.waiting_since.store(IN_REQUEST, Ordering::Relaxed);
    }

    fn request_done(&self, now: Timestamp) {
        self.touch(now);
        self.waiting_since.store(now.0, Ordering::Relaxed);
    }
}

/// A stream that marks every byte read or written.
struct Tracked<S> {
    inner: S,
    marks: Arc<Marks>,
    clock: SharedClock,
}

impl<S: AsyncRead + Unpin> AsyncRead for Tracked<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let r = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.marks.touch(this.clock.now());
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tracked<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            this.marks.touch(this.clock.now());
        }
        r
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use ctid_core::ManualClock;
    use ctid_core::budget::ConnectionBudget;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    const GUARD: Duration = Duration::from_secs(15);
    const HEALTH: &[u8] = b"GET /health HTTP/1.1\r\nhost: x\r\n\r\n";

    struct Fixture {
        addr: SocketAddr,
        clock: ManualClock,
        shutdown: CancellationToken,
        task: tokio::task::JoinHandle<io::Result<()>>,
    }

    async fn start(max_connections: usize, budget: ListenerBudget) -> Fixture {
        let clock = ManualClock::at_default_start();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router =
            Router::new()
                .route(
                    "/health",
                    get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move {
                        peer.ip().to_string()
                    }),
                )
                .route("/echo", get(upgrade_to_echo));
        let limits = HttpLimits {
            max_connections,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
        };
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(serve(
            listener,
            router,
            limits,
            budget,
            clock.shared(),
            shutdown.clone(),
        ));
        Fixture {
            addr,
            clock,
            shutdown,
            task,
        }
    }

    /// Upgrades the connection to an echo of what the client sends, keeping the connection's
    /// slot (`ConnectionHold`) as a WebSocket session does.
    async fn upgrade_to_echo(mut req: axum::extract::Request) -> axum::response::Response {
        let hold = req.extensions().get::<ConnectionHold>().cloned();
        let on_upgrade = hyper::upgrade::on(&mut req);
        tokio::spawn(async move {
            if let Ok(io) = on_upgrade.await {
                let (mut r, mut w) = tokio::io::split(TokioIo::new(io));
                let _ = tokio::io::copy(&mut r, &mut w).await;
            }
            drop(hold);
        });
        axum::response::Response::builder()
            .status(101)
            .header("connection", "upgrade")
            .header("upgrade", "echo")
            .body(axum::body::Body::empty())
            .unwrap()
    }

    #[tokio::test]
    async fn an_upgraded_connection_keeps_its_slot_and_leaves_the_http_timeouts() {
        let f = start(1, ConnectionBudget::unlimited().listener(0)).await;
        let mut up = TcpStream::connect(f.addr).await.unwrap();
        up.write_all(
            b"GET /echo HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: echo\r\n\r\n",
        )
        .await
        .unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        tokio::time::timeout(GUARD, async {
            while !head.ends_with(b"\r\n\r\n") {
                let n = up.read(&mut buf).await.unwrap();
                assert!(n > 0, "closed before the upgrade");
                head.extend_from_slice(&buf[..n]);
            }
        })
        .await
        .expect("the upgrade answer");
        assert!(
            head.starts_with(b"HTTP/1.1 101"),
            "{}",
            String::from_utf8_lossy(&head)
        );
        // Past both HTTP timeouts: the upgraded connection is not HTTP any more.
        f.clock.advance(Duration::from_secs(120));
        up.write_all(b"ping").await.unwrap();
        let n = tokio::time::timeout(GUARD, up.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&buf[..n], b"ping");
        // It still holds the only slot.
        let mut refused = TcpStream::connect(f.addr).await.unwrap();
        let _ = refused.write_all(HEALTH).await;
        assert!(until_closed(&mut refused).await.is_empty());
        // Once it ends, the slot is free.
        drop(up);
        let served = tokio::time::timeout(GUARD, async {
            loop {
                let mut s = TcpStream::connect(f.addr).await.unwrap();
                let _ = s.write_all(HEALTH).await;
                let r = until_closed_or_answered(&mut s).await;
                if !r.is_empty() {
                    return r;
                }
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the slot comes back");
        assert!(served.starts_with("HTTP/1.1 200"), "{served}");
        f.shutdown.cancel();
    }

    /// What the server answers a request before it closes or answers (empty: closed at once).
    async fn until_closed_or_answered(s: &mut TcpStream) -> String {
        let mut buf = vec![0u8; 4096];
        let mut got = Vec::new();
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
            if String::from_utf8_lossy(&got).contains("127.0.0.1") {
                break;
            }
        }
        String::from_utf8(got).unwrap()
    }

    /// Reads until the server closes the connection; returns what was read.
    async fn until_closed(s: &mut TcpStream) -> Vec<u8> {
        let mut all = Vec::new();
        tokio::time::timeout(GUARD, async {
            let mut buf = [0u8; 4096];
            loop {
                match s.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => all.extend_from_slice(&buf[..n]),
                }
            }
        })
        .await
        .expect("the server closes the connection within the guard time");
        all
    }

    /// One request on a connection kept open; returns the response head and body.
    async fn health(s: &mut TcpStream) -> String {
        s.write_all(HEALTH).await.unwrap();
        let mut buf = vec![0u8; 4096];
        let mut got = Vec::new();
        tokio::time::timeout(GUARD, async {
            while !String::from_utf8_lossy(&got).contains("127.0.0.1") {
                let n = s.read(&mut buf).await.unwrap();
                assert!(n > 0, "closed: {}", String::from_utf8_lossy(&got));
                got.extend_from_slice(&buf[..n]);
            }
        })
        .await
        .expect("a response within the guard time");
        String::from_utf8(got).unwrap()
    }

    #[tokio::test]
    async fn idle_and_slow_connections_are_cut_and_the_cap_holds() {
        let f = start(3, ConnectionBudget::unlimited().listener(0)).await;
        // The attack: connections that send nothing (or a head byte by byte) hold the listener.
        let mut idle = TcpStream::connect(f.addr).await.unwrap();
        let mut slow = TcpStream::connect(f.addr).await.unwrap();
        slow.write_all(b"GET /health HTTP/1.1\r\nhost")
            .await
            .unwrap();
        let mut kept_alive = TcpStream::connect(f.addr).await.unwrap();
        let r = health(&mut kept_alive).await;
        assert!(r.starts_with("HTTP/1.1 200"), "{r}");
        // The cap: a fourth connection is closed at once, without an answer.
        let mut refused = TcpStream::connect(f.addr).await.unwrap();
        let _ = refused.write_all(HEALTH).await;
        assert!(until_closed(&mut refused).await.is_empty());

        // The header-read timeout, on the injected clock, ends all three.
        f.clock.advance(Duration::from_secs(10));
        for s in [&mut idle, &mut slow, &mut kept_alive] {
            assert!(until_closed(s).await.is_empty());
        }
        // Room again.
        let mut s = TcpStream::connect(f.addr).await.unwrap();
        assert!(health(&mut s).await.starts_with("HTTP/1.1 200"));
        f.shutdown.cancel();
        tokio::time::timeout(GUARD, f.task)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    }

    #[tokio::test]
    async fn a_stalled_request_is_cut_by_the_idle_timeout() {
        let f = start(8, ConnectionBudget::unlimited().listener(0)).await;
        let mut s = TcpStream::connect(f.addr).await.unwrap();
        // A complete head announcing a body that never comes: the request is being served.
        s.write_all(b"POST /health HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\n")
            .await
            .unwrap();
        let mut other = TcpStream::connect(f.addr).await.unwrap();
        assert!(health(&mut other).await.starts_with("HTTP/1.1 200"));
        f.clock.advance(Duration::from_secs(30));
        until_closed(&mut s).await;
        f.shutdown.cancel();
    }

    #[tokio::test]
    async fn another_listener_cannot_spend_this_ones_reserve() {
        let budget = ConnectionBudget::new(4);
        let http = budget.listener(2);
        let cti = budget.listener(1);
        // The other listener takes everything it can.
        let taken: Vec<_> = std::iter::from_fn(|| cti.try_acquire()).collect();
        assert_eq!(taken.len(), 2);
        let f = start(8, http).await;
        let mut a = TcpStream::connect(f.addr).await.unwrap();
        let mut b = TcpStream::connect(f.addr).await.unwrap();
        assert!(health(&mut a).await.starts_with("HTTP/1.1 200"));
        assert!(health(&mut b).await.starts_with("HTTP/1.1 200"));
        let mut c = TcpStream::connect(f.addr).await.unwrap();
        let _ = c.write_all(HEALTH).await;
        assert!(
            until_closed(&mut c).await.is_empty(),
            "beyond the reserve, the budget is spent"
        );
        drop(taken);
        let mut d = TcpStream::connect(f.addr).await.unwrap();
        assert!(health(&mut d).await.starts_with("HTTP/1.1 200"));
        f.shutdown.cancel();
    }
}
