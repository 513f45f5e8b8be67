//! The baseline `cti-load` compares ctid against: a bare tokio TCP broadcast server with no
//! protocol. It sends the same push lines ctid would (an `updatestatus phones` of the same
//! size), each encoded once into shared bytes and written to every client by that client's own
//! task, one write per client — the least any push server can do on this machine.
//!
//! Wire (line-based, for the bench only): a client sends `watch` and gets `ok` once it is
//! registered for pushes; a controller sends `push <tid> <hint>` and every watcher receives one
//! push line.

use bytes::Bytes;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;

/// Pushes a watcher may fall behind by before it misses some (more than any bench round sends).
const BACKLOG: usize = 1024;

/// The push line for a phone status change, shaped and sized like ctid's.
pub fn push_line(tid: u32, hint: i32) -> Bytes {
    let timenow = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    Bytes::from(format!(
        "{{\"class\":\"getlist\",\"function\":\"updatestatus\",\"listname\":\"phones\",\"tipbxid\":\"xivo\",\"tid\":\"{tid}\",\"status\":{{\"hintstatus\":\"{hint}\"}},\"timenow\":{timenow:.3}}}\n"
    ))
}

/// Serves watchers and controllers on `listener` until the process ends.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    let (pushes, _) = broadcast::channel::<Bytes>(BACKLOG);
    loop {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        tokio::spawn(connection(stream, pushes.clone()));
    }
}

/// One connection: a watcher (writes every push) or a controller (broadcasts pushes).
async fn connection(stream: TcpStream, pushes: broadcast::Sender<Bytes>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let mut words = line.split_whitespace();
        match words.next() {
            Some("watch") => {
                let mut rx = pushes.subscribe();
                if write.write_all(b"ok\n").await.is_err() {
                    return;
                }
                loop {
                    match rx.recv().await {
                        Ok(bytes) => {
                            if write.write_all(&bytes).await.is_err() {
                                return;
                            }
                        }
                        Err(broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(broadcast::error::RecvError::Closed) => return,
                    }
                }
            }
            Some("push") => {
                let tid = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
                let hint = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
                let _ = pushes.send(push_line(tid, hint));
            }
            _ => return,
        }
    }
}
