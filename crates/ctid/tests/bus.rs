//! `ctid serve` with the message bus on (`--bus-url`), against the real RabbitMQ on
//! 127.0.0.1:5672 (or `CTID_TEST_AMQP_URL`; the test fails, never skips, without it): a CTI
//! client changing presence and a call from the sim reach a queue bound to the exchange; and a
//! broker that cannot be reached does not keep ctid from serving.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use futures::StreamExt;
use lapin::options::{
    BasicConsumeOptions, ExchangeDeclareOptions, ExchangeDeleteOptions, QueueBindOptions,
    QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{Channel, Connection, ConnectionProperties, Consumer, ExchangeKind};
use serde_json::{Value, json};

const CTID: &str = env!("CARGO_BIN_EXE_ctid");
const GUARD: Duration = Duration::from_secs(20);

fn broker_url() -> String {
    std::env::var("CTID_TEST_AMQP_URL")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".to_owned())
}

/// A running `ctid serve` and its log lines.
struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
    cti: String,
    http: String,
}

impl Server {
    fn start(bus_url: &str, exchange: &str) -> Server {
        let mut child = Command::new(CTID)
            .args([
                "serve",
                "--cti-listen",
                "127.0.0.1:0",
                "--http-listen",
                "127.0.0.1:0",
            ])
            .args(["--bus-url", bus_url])
            .env("CTID_BUS__EXCHANGE", exchange)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ctid starts");
        let (tx, lines) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let ready = wait_line(&lines, "ctid is ready");
        let field = |name: &str| {
            let at = ready.find(&format!("{name}=")).expect("address in the log") + name.len() + 1;
            ready[at..].split_whitespace().next().unwrap().to_owned()
        };
        let (cti, http) = (field("cti"), format!("http://{}", field("http")));
        Server {
            child,
            lines,
            cti,
            http,
        }
    }

    fn sim(&self, args: &[&str]) {
        let out = Command::new(CTID)
            .arg("sim")
            .args(args)
            .args(["--server", &self.http])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "ctid sim {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn wait_line(lines: &mpsc::Receiver<String>, needle: &str) -> String {
    loop {
        let line = lines
            .recv_timeout(GUARD)
            .unwrap_or_else(|_| panic!("no log line with {needle:?}"));
        if line.contains(needle) {
            return line;
        }
    }
}

/// A CTI client logged in as `user` (password = login in the demo dataset).
fn cti_login(addr: &str, user: &str) -> (BufReader<TcpStream>, TcpStream) {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(GUARD)).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    let recv_until = |reader: &mut BufReader<TcpStream>, class: &str| -> Value {
        loop {
            let mut line = String::new();
            assert!(reader.read_line(&mut line).unwrap() > 0, "closed");
            let msg: Value = serde_json::from_str(&line).unwrap();
            if msg["class"] == class {
                return msg;
            }
        }
    };
    recv_until(&mut reader, "starttls");
    writeln!(writer, "{}", json!({"class": "login_id", "userlogin": user, "company": "xivo", "ident": "test", "wazoversion": "2.3"})).unwrap();
    recv_until(&mut reader, "login_id");
    writeln!(
        writer,
        "{}",
        json!({"class": "login_pass", "password": user})
    )
    .unwrap();
    let capas = recv_until(&mut reader, "login_pass");
    writeln!(
        writer,
        "{}",
        json!({"class": "login_capas", "capaid": capas["capalist"][0], "state": "available"})
    )
    .unwrap();
    recv_until(&mut reader, "login_capas");
    (reader, writer)
}

/// A queue bound with `#` to a test exchange of its own.
struct Tap {
    _connection: Connection,
    channel: Channel,
    consumer: Consumer,
    exchange: String,
}

impl Tap {
    async fn bind(exchange: &str) -> Tap {
        let url = broker_url();
        let connection = tokio::time::timeout(
            GUARD,
            Connection::connect(&url, ConnectionProperties::default()),
        )
        .await
        .unwrap_or_else(|_| panic!("RabbitMQ at {url} does not answer"))
        .unwrap_or_else(|e| panic!("RabbitMQ at {url} is required by this test: {e}"));
        let channel = connection.create_channel().await.unwrap();
        let durable = ExchangeDeclareOptions {
            durable: true,
            ..Default::default()
        };
        channel
            .exchange_declare(
                exchange.into(),
                ExchangeKind::Topic,
                durable,
                FieldTable::default(),
            )
            .await
            .unwrap();
        let exclusive = QueueDeclareOptions {
            exclusive: true,
            auto_delete: true,
            ..Default::default()
        };
        let queue = channel
            .queue_declare("".into(), exclusive, FieldTable::default())
            .await
            .unwrap();
        channel
            .queue_bind(
                queue.name().clone(),
                exchange.into(),
                "#".into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await
            .unwrap();
        let no_ack = BasicConsumeOptions {
            no_ack: true,
            ..Default::default()
        };
        let consumer = channel
            .basic_consume(
                queue.name().clone(),
                "tap".into(),
                no_ack,
                FieldTable::default(),
            )
            .await
            .unwrap();
        Tap {
            _connection: connection,
            channel,
            consumer,
            exchange: exchange.to_owned(),
        }
    }

    /// The next message whose body matches `wanted` (routing key, body).
    async fn next_matching(&mut self, wanted: impl Fn(&Value) -> bool) -> (String, Value) {
        loop {
            let delivery = tokio::time::timeout(GUARD, self.consumer.next())
                .await
                .expect("a message on the bus in time")
                .expect("consumer open")
                .expect("a delivery");
            let body: Value = serde_json::from_slice(&delivery.data).expect("JSON");
            if wanted(&body) {
                return (delivery.routing_key.to_string(), body);
            }
        }
    }

    async fn delete(self) {
        let _ = self
            .channel
            .exchange_delete(
                self.exchange.as_str().into(),
                ExchangeDeleteOptions::default(),
            )
            .await;
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn presence_and_calls_reach_the_bus() {
    let runtime = runtime();
    let exchange = format!("ctid-test-serve-{}", std::process::id());
    let mut tap = runtime.block_on(Tap::bind(&exchange));
    let server = Server::start(&broker_url(), &exchange);
    let (_reader, mut alice) = cti_login(&server.cti, "alice");
    writeln!(
        alice,
        "{}",
        json!({"class": "availstate", "availstate": "away", "ipbxid": "xivo", "userid": "1"})
    )
    .unwrap();
    let (key, body) = runtime.block_on(
        tap.next_matching(|b| b["name"] == "user_status_update" && b["data"]["status"] == "away"),
    );
    assert_eq!(key, "status.user");
    assert_eq!(
        body["data"]["user_uuid"],
        "00000000-0000-4000-8000-000000000001"
    );

    server.sim(&["call", "--from", "0612345678", "--to", "1002"]);
    let (key, body) = runtime.block_on(tap.next_matching(|b| b["name"] == "call_created"));
    assert_eq!(key, "calls.call.created");
    assert_eq!(
        body["data"]["user_uuid"],
        "00000000-0000-4000-8000-000000000002"
    );
    assert_eq!(
        body["required_acl"],
        "events.calls.00000000-0000-4000-8000-000000000002"
    );
    runtime.block_on(tap.delete());
}

#[test]
fn an_unreachable_broker_does_not_stop_ctid_serving() {
    // Nothing listens on port 1.
    let server = Server::start("amqp://guest:guest@127.0.0.1:1/%2f", "xivo");
    wait_line(&server.lines, "cannot reach the message bus");
    let (_reader, mut alice) = cti_login(&server.cti, "alice");
    writeln!(
        alice,
        "{}",
        json!({"class": "availstate", "availstate": "away", "ipbxid": "xivo", "userid": "1"})
    )
    .unwrap();
    server.sim(&["call", "--from", "0612345678", "--to", "1002"]);
    let (_reader, _bob) = cti_login(&server.cti, "bob");
}
