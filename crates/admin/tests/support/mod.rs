//! Test harness: proto-cti's test server (the real core, embedded PBX and CTI server on
//! loopback, on a `ManualClock`; `crates/proto-cti/tests/support`, included, not copied) with
//! the admin API served beside it on 127.0.0.1:0 under `/api/v1`, as the binary mounts it, and
//! an HTTP client that sends the key.

#![allow(dead_code)]

#[path = "../../../proto-cti/tests/support/mod.rs"]
pub mod cti;

use std::net::SocketAddr;

use axum::Router;
use ctid_admin::AdminConfig;
use reqwest::Method;
use serde_json::Value;

pub use cti::{GUARD, TestServer};

/// The key every test server admits unless told otherwise.
pub const KEY: &str = "0123456789abcdef0123456789abcdef-test-key";

/// A CTI server with the admin API beside it.
pub struct AdminServer {
    /// The CTI side (core, PBX, CTI listener).
    pub cti: TestServer,
    /// The admin API's address.
    pub addr: SocketAddr,
    http: reqwest::Client,
}

/// An answer: the status and the JSON body (`Null` when empty).
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: Value,
    /// The headers.
    pub headers: reqwest::header::HeaderMap,
}

impl AdminServer {
    /// A server whose admin API admits [`KEY`].
    pub async fn start() -> AdminServer {
        let digest: String = ctid_admin::key::digest(KEY)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Self::start_with(AdminConfig {
            api_key_sha256: Some(digest),
        })
        .await
    }

    /// A server with this `[admin]` configuration.
    pub async fn start_with(config: AdminConfig) -> AdminServer {
        let cti = TestServer::start().await;
        let admin = ctid_admin::router(cti.core.clone(), &config).expect("a usable configuration");
        let router = Router::new().nest("/api/v1", admin);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, router).await });
        AdminServer {
            cti,
            addr,
            http: reqwest::Client::builder()
                .timeout(GUARD)
                .build()
                .expect("client"),
        }
    }

    /// The URL of an API path (`/users`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/api/v1{path}", self.addr)
    }

    /// A request with the key.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(path)).bearer_auth(KEY)
    }

    /// A request without any key.
    pub fn anonymous(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(path))
    }

    /// Sends a request and reads the answer.
    pub async fn send(request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("an answer");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("a body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                panic!("a JSON body ({e}): {}", String::from_utf8_lossy(&bytes))
            })
        };
        Answer {
            status,
            body,
            headers,
        }
    }

    /// `GET path` with the key.
    pub async fn get(&self, path: &str) -> Answer {
        Self::send(self.request(Method::GET, path)).await
    }

    /// `method path` with the key and a JSON body.
    pub async fn json(&self, method: Method, path: &str, body: Value) -> Answer {
        Self::send(self.request(method, path).json(&body)).await
    }

    /// `DELETE path` with the key.
    pub async fn delete(&self, path: &str) -> Answer {
        Self::send(self.request(Method::DELETE, path)).await
    }
}

impl Answer {
    /// Asserts the status and returns the body.
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status, status, "{:#}", self.body);
        self.body
    }

    /// Asserts an error answer: its status and `error` name; returns the body.
    pub fn expect_error(self, status: u16, error: &str) -> Value {
        let body = self.expect(status);
        assert_eq!(body["error"], error, "{body:#}");
        assert!(body["message"].is_string(), "{body:#}");
        assert!(body["details"].is_object(), "{body:#}");
        body
    }
}
