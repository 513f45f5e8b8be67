//! A TCP proxy on loopback that a test puts between ctid and the broker, to cut the connection
//! and bring it back without touching the shared broker: [`Proxy::cut`] closes every proxied
//! connection and turns new ones away (accepted, then closed at once) until [`Proxy::reopen`].

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Copy buffer of each direction.
const BUFFER: usize = 16 << 10;
/// Connections held open at once at most (a test makes a handful).
const MAX_CONNECTIONS: usize = 64;

/// A running proxy; it stops when dropped.
pub struct Proxy {
    /// Where clients connect.
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

struct Shared {
    target: SocketAddr,
    down: AtomicBool,
    stopping: AtomicBool,
    /// Both sockets of every proxied connection, to cut them.
    open: Mutex<Vec<TcpStream>>,
}

impl Proxy {
    /// Starts a proxy to `target` on an ephemeral loopback port.
    pub fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            target,
            down: AtomicBool::new(false),
            stopping: AtomicBool::new(false),
            open: Mutex::new(Vec::new()),
        });
        let accepting = shared.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if accepting.stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                accepting.serve(client);
            }
        });
        Proxy { addr, shared }
    }

    /// Closes every proxied connection; new ones are closed at once until [`Proxy::reopen`].
    pub fn cut(&self) {
        self.shared.down.store(true, Ordering::SeqCst);
        for socket in self.shared.open.lock().unwrap().drain(..) {
            let _ = socket.shutdown(Shutdown::Both);
        }
    }

    /// Proxies new connections again.
    pub fn reopen(&self) {
        self.shared.down.store(false, Ordering::SeqCst);
    }
}

impl Shared {
    fn serve(&self, client: TcpStream) {
        let mut open = self.open.lock().unwrap();
        open.retain(|s| s.peer_addr().is_ok());
        if self.down.load(Ordering::SeqCst) || open.len() + 2 > MAX_CONNECTIONS {
            let _ = client.shutdown(Shutdown::Both);
            return;
        }
        let Ok(server) = TcpStream::connect(self.target) else {
            let _ = client.shutdown(Shutdown::Both);
            return;
        };
        let (Ok(c), Ok(s)) = (client.try_clone(), server.try_clone()) else {
            return;
        };
        open.push(c);
        open.push(s);
        let (Ok(client_in), Ok(server_in)) = (client.try_clone(), server.try_clone()) else {
            return;
        };
        std::thread::spawn(move || pipe(client_in, server));
        std::thread::spawn(move || pipe(server_in, client));
    }
}

/// Copies `from` to `to` until either side closes, then closes both.
fn pipe(mut from: TcpStream, mut to: TcpStream) {
    let mut buffer = vec![0; BUFFER];
    while let Ok(n) = from.read(&mut buffer) {
        if n == 0 || to.write_all(&buffer[..n]).is_err() {
            break;
        }
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wakes the accepting thread so it sees `stopping`.
        let _ = TcpStream::connect(self.addr);
    }
}

/// `url` (`amqp://user:password@host:port/vhost`) with its host and port replaced by `addr`.
pub fn url_via(url: &str, addr: SocketAddr) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let userinfo = authority
        .rsplit_once('@')
        .map_or(String::new(), |(user, _)| format!("{user}@"));
    format!("{scheme}://{userinfo}{addr}{path}")
}

/// The host and port of `url`, resolved.
pub fn url_addr(url: &str) -> SocketAddr {
    use std::net::ToSocketAddrs;
    let rest = url.split_once("://").expect("a URL").1;
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host_port = if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:5672")
    };
    host_port
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .unwrap_or_else(|| panic!("cannot resolve the broker's address in {url}"))
}
