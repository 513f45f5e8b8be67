//! A blocking CTI client over TCP for the binary's tests: connect, log in as a demo user
//! (password = login), send JSON lines, read until a message matches (each read guarded).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;

use serde_json::{Value, json};

use super::GUARD;

/// A CTI connection.
pub struct Cti {
    /// The reading half.
    pub reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Cti {
    /// Connects to the CTI listener at `addr`.
    pub fn connect(addr: &str) -> Cti {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(GUARD)).unwrap();
        Cti {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    /// Connects and logs in as `user` (available).
    pub fn login_at(addr: &str, user: &str) -> Cti {
        let mut cti = Cti::connect(addr);
        cti.login(user);
        cti
    }

    /// Sends one message.
    pub fn send(&mut self, msg: Value) {
        writeln!(self.writer, "{msg}").unwrap();
    }

    /// Reads messages until one matches `pred` (others are skipped).
    pub fn recv_until(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let mut line = String::new();
            assert!(
                self.reader.read_line(&mut line).unwrap() > 0,
                "the server closed the connection"
            );
            let msg: Value = serde_json::from_str(&line).unwrap();
            if pred(&msg) {
                return msg;
            }
        }
    }

    /// Reads messages until one of class `class`.
    pub fn recv_class(&mut self, class: &str) -> Value {
        self.recv_until(|m| m["class"] == class)
    }

    /// Logs in as `user` (password = login in the demo dataset), presence available.
    pub fn login(&mut self, user: &str) {
        self.recv_class("starttls");
        self.send(json!({"class": "login_id", "userlogin": user, "company": "xivo", "ident": "test", "wazoversion": "2.3"}));
        self.recv_class("login_id");
        self.send(json!({"class": "login_pass", "password": user}));
        let capas = self.recv_class("login_pass");
        self.send(
            json!({"class": "login_capas", "capaid": capas["capalist"][0], "state": "available"}),
        );
        self.recv_class("login_capas");
    }
}
