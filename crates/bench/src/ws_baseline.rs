//! The baseline `xuc-load` compares ctid's XuC face against: a bare WebSocket broadcast server
//! (tokio-tungstenite, the WebSocket implementation axum's own support is built on) with no
//! protocol, no login and no subscriptions. A push is encoded once and written to every client
//! by that client's own task as one text frame: the transport's limit on this machine.
//!
//! Wire: a connection starting with `GET ` is a WebSocket watcher; any other is a controller
//! sending lines `push <agent> <state>`, each broadcast to every watcher as an
//! `AgentStateEvent` shaped and sized like ctid's.

use futures::SinkExt;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// Pushes a watcher may fall behind by before it misses some (more than any bench round sends).
const BACKLOG: usize = 1024;

/// An `AgentStateEvent` for `agent` in `state`, shaped like ctid's.
pub fn agent_push(agent: u32, state: &str) -> Utf8Bytes {
    Utf8Bytes::from(format!(
        "{{\"msgType\":\"AgentStateEvent\",\"ctiMessage\":{{\"name\":\"{state}\",\"agentId\":{agent},\"phoneNb\":\"1{agent:05}\",\"since\":0,\"queues\":[1,2],\"cause\":\"\"}}}}"
    ))
}

/// Serves watchers and controllers on `listener` until the process ends.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    let (pushes, _) = broadcast::channel::<Utf8Bytes>(BACKLOG);
    loop {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        tokio::spawn(connection(stream, pushes.clone()));
    }
}

/// One connection: a WebSocket watcher or a line controller.
async fn connection(stream: TcpStream, pushes: broadcast::Sender<Utf8Bytes>) {
    let mut first = [0u8; 4];
    if !matches!(stream.peek(&mut first).await, Ok(4)) {
        return;
    }
    if &first == b"GET " {
        watcher(stream, pushes.subscribe()).await;
    } else {
        controller(stream, pushes).await;
    }
}

async fn watcher(stream: TcpStream, mut rx: broadcast::Receiver<Utf8Bytes>) {
    // Small buffers, as ctid's own sockets have.
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let Ok(mut ws) = tokio_tungstenite::accept_async_with_config(stream, Some(config)).await else {
        return;
    };
    loop {
        match rx.recv().await {
            Ok(text) => {
                if ws.send(Message::Text(text)).await.is_err() {
                    return;
                }
            }
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

async fn controller(stream: TcpStream, pushes: broadcast::Sender<Utf8Bytes>) {
    let mut lines = BufReader::new(stream).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let mut words = line.split_whitespace();
        if words.next() != Some("push") {
            return;
        }
        let agent = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
        let state = words.next().unwrap_or("AgentReady");
        let _ = pushes.send(agent_push(agent, state));
    }
}
