//! Login over real sockets: the STARTTLS offer, the three steps with xivo-ctid's exact replies
//! and error strings, the login timeout on the injected clock, STARTTLS for real with rustls,
//! repeated login/logout cycles.

mod support;

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use support::{Client, TestServer};

#[tokio::test]
async fn offer_then_three_steps() {
    let srv = TestServer::start().await;
    let mut c = srv.connect().await;
    let offer = c.recv().await;
    assert_eq!(offer["class"], "starttls");
    assert!(
        offer.get("starttls").is_none(),
        "the offer has no starttls key: {offer}"
    );
    assert!(offer["timenow"].is_f64());

    c.send(json!({"class":"login_id","userlogin":"alice","company":"xivo","ident":"X11-LE-1","wazoversion":"2.3","lastlogout-stopper":"x","commandid":1}))
        .await;
    let r = c.recv().await;
    assert_eq!(r["class"], "login_id");
    assert_eq!(r["wazoversion"], "2.3");
    let sid = r["sessionid"].as_str().unwrap();
    assert_eq!(sid.len(), 10);
    assert!(sid.chars().all(|c| c.is_ascii_alphanumeric()));
    // The client re-sends starttls after login_id: ignored, no reply.
    c.send(json!({"class":"starttls","status":true})).await;

    c.send(json!({"class":"login_pass","password":"alice"}))
        .await;
    let r = c.recv().await;
    assert_eq!(r["class"], "login_pass");
    assert_eq!(r["capalist"], json!([1]));

    c.send(json!({"class":"login_capas","capaid":"1","state":"available"}))
        .await;
    let r = c.recv().await;
    assert_eq!(r["class"], "login_capas");
    assert_eq!(r["userid"], "1");
    assert_eq!(r["ipbxid"], "xivo");
    assert_eq!(r["appliname"], "Client");
    assert_eq!(r["capaxlets"][0], json!(["identity", "grid"]));
    assert_eq!(r["capas"]["preferences"], false);
    assert_eq!(r["capas"]["phonestatus"]["0"]["longname"], "Available");
    assert!(r["capas"]["userstatus"]["away"]["allowed"].is_array());
    assert_eq!(r["capas"]["services"][0], "enablednd");

    // A starttls after login is ignored too; the session works.
    c.send(json!({"class":"starttls","status":true})).await;
    c.send(json!({"class":"getipbxlist","commandid":42})).await;
    let r = c.expect_class("getipbxlist").await;
    assert_eq!(r["ipbxlist"], json!(["xivo"]));
    assert_eq!(r["replyid"], 42);
    assert!(
        c.skipped.iter().all(|m| m["class"] != "starttls"),
        "no starttls reply after login: {:?}",
        c.skipped
    );
    srv.stop().await;
}

#[tokio::test]
async fn xivo_22_clients_get_their_key_echoed() {
    let srv = TestServer::start().await;
    let mut c = srv.connect().await;
    c.recv().await;
    c.send(json!({"class":"login_id","userlogin":"bob","company":"xivo","ident":"x","xivoversion":"2.2"}))
        .await;
    let r = c.recv().await;
    assert_eq!(r["xivoversion"], "2.2");
    assert!(r.get("wazoversion").is_none());
    c.send(json!({"class":"login_pass","password":"bob"})).await;
    assert_eq!(c.recv().await["capalist"], json!([3]));
    c.send(json!({"class":"login_capas","capaid":3,"state":"available"}))
        .await;
    assert_eq!(c.recv().await["userid"], "2");
}

#[tokio::test]
async fn login_errors_have_ctid_strings() {
    let srv = TestServer::start().await;
    let mut c = srv.connect().await;
    c.recv().await;
    // Wrong version.
    c.send(json!({"class":"login_id","userlogin":"alice","wazoversion":"1.2"}))
        .await;
    let r = c.recv().await;
    assert_eq!(
        r,
        json!({"class":"login_id","error_string":"wazoversion_client:1.2;2.3","timenow":r["timenow"]})
    );
    c.send(json!({"class":"login_id","userlogin":"alice"}))
        .await;
    assert_eq!(c.recv().await["error_string"], "wazoversion_client:;2.3");
    // login_pass before login_id.
    c.send(json!({"class":"login_pass","password":"x"})).await;
    assert_eq!(c.recv().await["error_string"], "login_id_required");
    // Missing userlogin.
    c.send(json!({"class":"login_id","wazoversion":"2.3"}))
        .await;
    assert_eq!(c.recv().await["error_string"], "missing_field:userlogin");
    // Other classes before login.
    c.send(json!({"class":"keepalive"})).await;
    assert_eq!(
        c.recv().await,
        json!({"class":"keepalive","error_string":"not_authenticated","timenow":1767603600.0})
    );
    c.send(json!({"class":"getlist","function":"listid","listname":"users"}))
        .await;
    assert_eq!(c.recv().await["error_string"], "not_authenticated");
    // Wrong password, then right.
    c.send(json!({"class":"login_id","userlogin":"alice","wazoversion":"2.3"}))
        .await;
    c.recv().await;
    c.send(json!({"class":"login_pass","password":"nope"}))
        .await;
    assert_eq!(
        c.recv().await,
        json!({"class":"login_pass","error_string":"login_password","timenow":1767603600.0})
    );
    c.send(json!({"class":"login_pass","password":"alice"}))
        .await;
    assert_eq!(c.recv().await["capalist"], json!([1]));
    // Wrong and unknown profile ids.
    c.send(json!({"class":"login_capas","capaid":"2","state":"available"}))
        .await;
    assert_eq!(c.recv().await["error_string"], "wrong cti_profile_id");
    c.send(json!({"class":"login_capas","capaid":99})).await;
    assert_eq!(c.recv().await["error_string"], "unknown cti_profile_id");
    c.send(json!({"class":"login_capas","capaid":1})).await;
    assert_eq!(c.recv().await["class"], "login_capas");

    // Unknown login: same answer as a wrong password.
    let mut c = srv.connect().await;
    c.recv().await;
    c.send(json!({"class":"login_id","userlogin":"mallory","wazoversion":"2.3"}))
        .await;
    c.recv().await;
    c.send(json!({"class":"login_pass","password":"mallory"}))
        .await;
    assert_eq!(c.recv().await["error_string"], "login_password");
    // Three failures close the connection.
    c.send(json!({"class":"login_pass","password":"a"})).await;
    assert_eq!(c.recv().await["error_string"], "login_password");
    c.send(json!({"class":"login_pass","password":"b"})).await;
    assert_eq!(c.recv().await["error_string"], "login_password");
    c.expect_closed().await;
}

#[tokio::test]
async fn users_without_profile_or_cti_access_are_refused() {
    let mut ds = ctid_core::Dataset::demo();
    let toml = ctid_core::Dataset::demo_toml()
        .replace("profile = 3\n", "")
        .replace(
            "line = 3\nvoicemail = 3\nprofile = 2\n",
            "line = 3\nvoicemail = 3\nprofile = 2\ncti_enabled = false\n",
        );
    ds = ctid_core::Dataset::from_toml_str(&toml).unwrap_or(ds);
    assert!(ds.user_by_login("bob").unwrap().profile.is_none());
    assert!(!ds.user_by_login("carol").unwrap().cti_enabled);
    let srv = TestServer::start_on(Arc::new(ds), |_| {}).await;
    for (login, error) in [("bob", "login_password"), ("carol", "user_not_found")] {
        let mut c = srv.connect().await;
        c.recv().await;
        c.send(json!({"class":"login_id","userlogin":login,"wazoversion":"2.3"}))
            .await;
        c.recv().await;
        c.send(json!({"class":"login_pass","password":login})).await;
        assert_eq!(c.recv().await["error_string"], error, "{login}");
    }
}

#[tokio::test]
async fn login_times_out_on_the_injected_clock() {
    let srv = TestServer::start().await;
    let mut c = srv.connect().await;
    assert_eq!(c.recv().await["class"], "starttls");
    c.send(json!({"class":"login_id","userlogin":"alice","wazoversion":"2.3"}))
        .await;
    c.recv().await;
    // Not yet: 4.9 s.
    srv.clock.advance(Duration::from_millis(4900));
    c.send(json!({"class":"login_pass","password":"alice"}))
        .await;
    assert_eq!(c.recv().await["capalist"], json!([1]));
    srv.clock.advance(Duration::from_millis(200));
    c.expect_closed().await;
    assert!(
        c.skipped.is_empty(),
        "closed without a message: {:?}",
        c.skipped
    );

    // A logged-in session does not time out.
    let mut c = srv.login("bob").await;
    srv.clock.advance(Duration::from_secs(60));
    c.send(json!({"class":"keepalive","commandid":5})).await;
    let r = c.expect_class("keepalive").await;
    assert_eq!(r["replyid"], 5);
}

#[tokio::test]
async fn starttls_false_without_certificate_and_duplicates_ignored() {
    let srv = TestServer::start().await;
    let mut c = srv.connect().await;
    c.recv().await;
    c.send(json!({"class":"starttls","status":true})).await;
    let r = c.recv().await;
    assert_eq!(r["class"], "starttls");
    assert_eq!(r["starttls"], false);
    // A second one gets no reply (the next message is the login_id reply).
    c.send(json!({"class":"starttls","status":true})).await;
    let r = c.login_steps("alice", "alice").await;
    assert_eq!(r["userid"], "1");
    assert!(c.skipped.is_empty(), "{:?}", c.skipped);
}

#[tokio::test]
async fn ten_login_logout_cycles() {
    let srv = TestServer::start().await;
    for i in 0..10 {
        let mut c = srv.login("alice").await;
        c.send(json!({"class":"keepalive","commandid":i})).await;
        assert_eq!(c.expect_class("keepalive").await["replyid"], i);
        c.send(json!({"class":"logout","stopper":"disconnect"}))
            .await;
        c.expect_closed().await;
    }
    // Plain closes too.
    for _ in 0..3 {
        let c = srv.login("bob").await;
        c.close().await;
    }
    let mut c = srv.login("alice").await;
    c.send(json!({"class":"getipbxlist"})).await;
    c.expect_class("getipbxlist").await;
    srv.stop().await;
}

#[tokio::test]
async fn one_user_may_hold_several_sessions() {
    let srv = TestServer::start().await;
    let mut a = srv.login("alice").await;
    let mut b = srv.login("alice").await;
    for c in [&mut a, &mut b] {
        c.send(json!({"class":"getipbxlist"})).await;
        c.expect_class("getipbxlist").await;
    }
}

mod tls {
    use super::*;
    use rustls::pki_types::ServerName;
    use tokio_rustls::TlsConnector;

    fn cert_files() -> (std::path::PathBuf, std::path::PathBuf, Vec<u8>) {
        let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let dir = std::env::temp_dir().join(format!(
            "ctid-cti-tls-{}-{}",
            std::process::id(),
            rand_suffix()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let cert = dir.join("server.crt");
        let key = dir.join("server.key");
        std::fs::write(&cert, certified.cert.pem()).unwrap();
        std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
        (cert, key, certified.cert.der().to_vec())
    }

    fn rand_suffix() -> u64 {
        use std::time::{SystemTime, UNIX_EPOCH};
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
    }

    fn connector(der: Vec<u8>) -> TlsConnector {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(rustls::pki_types::CertificateDer::from(der))
            .unwrap();
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
        TlsConnector::from(Arc::new(config))
    }

    #[tokio::test]
    async fn starttls_upgrades_and_login_runs_over_tls() {
        let (cert, key, der) = cert_files();
        let srv = TestServer::start_with(|c| {
            c.tls_cert = Some(cert.clone());
            c.tls_key = Some(key.clone());
        })
        .await;
        let mut c = srv.connect().await;
        assert_eq!(c.recv().await["class"], "starttls");
        c.send(json!({"class":"starttls","status":true})).await;
        let r = c.recv().await;
        assert_eq!(r["starttls"], true, "{r}");
        let plain = c.take_stream();
        let tls = connector(der)
            .connect(ServerName::try_from("localhost").unwrap(), plain)
            .await
            .expect("TLS handshake");
        c.set_stream(Box::new(tls));
        // The Qt client's duplicate starttls right after login_id is ignored.
        let r = c.login_steps("alice", "alice").await;
        assert_eq!(r["userid"], "1");
        c.send(json!({"class":"starttls","status":true})).await;
        c.send(json!({"class":"getipbxlist"})).await;
        assert_eq!(
            c.expect_class("getipbxlist").await["ipbxlist"],
            json!(["xivo"])
        );
        assert!(
            c.skipped.iter().all(|m| m["class"] != "starttls"),
            "{:?}",
            c.skipped
        );
        let _ = std::fs::remove_dir_all(cert.parent().unwrap());
    }

    /// STARTTLS stripping: with `require_tls`, a client that stays in plain text (as one whose
    /// `starttls` an attacker on the path removed) cannot send its login, let alone its password;
    /// after the upgrade the login works.
    #[tokio::test]
    async fn require_tls_refuses_a_plain_text_login() {
        let (cert, key, der) = cert_files();
        let srv = TestServer::start_with(|c| {
            c.tls_cert = Some(cert.clone());
            c.tls_key = Some(key.clone());
            c.require_tls = true;
        })
        .await;
        let mut c = srv.connect().await;
        assert_eq!(c.recv().await["class"], "starttls");
        c.send(json!({"class":"login_id","userlogin":"dave","company":"xivo","wazoversion":"2.3"}))
            .await;
        let r = c.recv().await;
        assert_eq!(r["class"], "login_id");
        assert_eq!(r["error_string"], "starttls_required", "{r}");
        c.send(json!({"class":"login_pass","password":"dave"}))
            .await;
        let r = c.recv().await;
        assert_eq!(r["error_string"], "login_id_required", "{r}");

        let mut c = srv.connect().await;
        assert_eq!(c.recv().await["class"], "starttls");
        c.send(json!({"class":"starttls","status":true})).await;
        assert_eq!(c.recv().await["starttls"], true);
        let plain = c.take_stream();
        let tls = connector(der)
            .connect(ServerName::try_from("localhost").unwrap(), plain)
            .await
            .expect("TLS handshake");
        c.set_stream(Box::new(tls));
        assert_eq!(c.login_steps("dave", "dave").await["userid"], "4");
        let _ = std::fs::remove_dir_all(cert.parent().unwrap());
    }

    #[tokio::test]
    async fn require_tls_without_a_certificate_is_a_configuration_error() {
        let clock = ctid_core::ManualClock::at_default_start();
        let dataset = Arc::new(ctid_core::Dataset::demo());
        let (port, _adapter) = ctid_core::pbx_link(16);
        let core = ctid_core::spawn(dataset, clock.shared(), port, Default::default());
        let config = ctid_proto_cti::CtiConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            require_tls: true,
            ..Default::default()
        };
        let log = Arc::new(ctid_core::store::MemoryCallLog::default());
        let err = ctid_proto_cti::CtiServer::bind(config, core, log)
            .await
            .expect_err("refused");
        assert!(err.to_string().contains("require_tls"), "{err}");
    }

    #[tokio::test]
    async fn a_client_ignoring_the_offer_stays_in_plain_text() {
        let (cert, key, _) = cert_files();
        let srv = TestServer::start_with(|c| {
            c.tls_cert = Some(cert.clone());
            c.tls_key = Some(key.clone());
        })
        .await;
        let mut c = srv.connect().await;
        let r = c.login("dave", "dave").await;
        assert_eq!(r["userid"], "4");
        let _ = std::fs::remove_dir_all(cert.parent().unwrap());
    }

    #[tokio::test]
    async fn bytes_sent_right_after_starttls_are_not_lost() {
        // A client that pipelines its TLS ClientHello right behind the starttls request (without
        // waiting for the reply): the server must hand those bytes to the handshake.
        let (cert, key, der) = cert_files();
        let srv = TestServer::start_with(|c| {
            c.tls_cert = Some(cert.clone());
            c.tls_key = Some(key.clone());
        })
        .await;
        let mut c = srv.connect().await;
        assert_eq!(c.recv().await["class"], "starttls");
        let plain = c.take_stream();
        // Wrap the plain stream so the starttls line and the ClientHello go out in one write.
        let prefixed = PrefixWriter {
            inner: plain,
            pending: Some(b"{\"class\":\"starttls\",\"status\":true}\n".to_vec()),
            skip_reply: Vec::new(),
            skipped: false,
        };
        let tls = connector(der)
            .connect(ServerName::try_from("localhost").unwrap(), prefixed)
            .await
            .expect("TLS handshake with pipelined bytes");
        c.set_stream(Box::new(tls));
        let r = c.login_steps("eve", "eve").await;
        assert_eq!(r["userid"], "5");
        let _ = std::fs::remove_dir_all(cert.parent().unwrap());
    }

    /// Prepends a line to the first write, and swallows the server's plain-text starttls reply
    /// line before handing reads to TLS.
    struct PrefixWriter {
        inner: Box<dyn support::Stream>,
        pending: Option<Vec<u8>>,
        skip_reply: Vec<u8>,
        skipped: bool,
    }

    impl tokio::io::AsyncWrite for PrefixWriter {
        fn poll_write(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
            buf: &[u8],
        ) -> std::task::Poll<std::io::Result<usize>> {
            if let Some(mut p) = self.pending.take() {
                p.extend_from_slice(buf);
                // Write the whole combined chunk (small: fits in the socket buffer).
                let this = &mut *self;
                match std::pin::Pin::new(&mut this.inner).poll_write(cx, &p) {
                    std::task::Poll::Ready(Ok(n)) if n == p.len() => {
                        return std::task::Poll::Ready(Ok(buf.len()));
                    }
                    std::task::Poll::Ready(Ok(n)) => {
                        let prefix_len = p.len() - buf.len();
                        if n < prefix_len {
                            this.pending = Some(p[n..prefix_len].to_vec());
                            return std::task::Poll::Ready(Ok(0));
                        }
                        return std::task::Poll::Ready(Ok(n - prefix_len));
                    }
                    std::task::Poll::Ready(Err(e)) => return std::task::Poll::Ready(Err(e)),
                    std::task::Poll::Pending => {
                        this.pending = Some(p[..p.len() - buf.len()].to_vec());
                        return std::task::Poll::Pending;
                    }
                }
            }
            std::pin::Pin::new(&mut self.inner).poll_write(cx, buf)
        }
        fn poll_flush(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::pin::Pin::new(&mut self.inner).poll_flush(cx)
        }
        fn poll_shutdown(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
        }
    }

    impl tokio::io::AsyncRead for PrefixWriter {
        fn poll_read(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            // Swallow the plain-text reply line (up to and including its '\n') first.
            while !self.skipped {
                let mut byte = [0u8; 1];
                let mut one = tokio::io::ReadBuf::new(&mut byte);
                match std::pin::Pin::new(&mut self.inner).poll_read(cx, &mut one) {
                    std::task::Poll::Ready(Ok(())) => {
                        if one.filled().is_empty() {
                            return std::task::Poll::Ready(Ok(()));
                        }
                        self.skip_reply.push(byte[0]);
                        if byte[0] == b'\n' {
                            let reply: serde_json::Value =
                                serde_json::from_slice(&self.skip_reply).unwrap();
                            assert_eq!(reply["starttls"], true);
                            self.skipped = true;
                        }
                    }
                    other => return other,
                }
            }
            std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
        }
    }
}

#[tokio::test]
async fn a_pipelined_login_loses_nothing() {
    let srv = TestServer::start().await;
    let mut c = srv.connect().await;
    let mut burst = Vec::new();
    for m in [
        json!({"class":"login_id","userlogin":"alice","wazoversion":"2.3"}),
        json!({"class":"login_pass","password":"alice"}),
        json!({"class":"login_capas","capaid":1,"state":"available"}),
        json!({"class":"getipbxlist","commandid":1}),
        json!({"class":"keepalive","commandid":2}),
    ] {
        burst.extend(serde_json::to_vec(&m).unwrap());
        burst.push(b'\n');
    }
    c.send_raw(&burst).await;
    for class in ["starttls", "login_id", "login_pass", "login_capas"] {
        assert_eq!(c.recv().await["class"], class);
    }
    assert_eq!(c.expect_class("getipbxlist").await["replyid"], 1);
    assert_eq!(c.expect_class("keepalive").await["replyid"], 2);
}

#[tokio::test]
async fn connections_beyond_the_limit_are_closed() {
    let srv = TestServer::start_with(|c| c.max_connections = 1).await;
    let mut first = srv.login("alice").await;
    let mut second = srv.connect().await;
    second.expect_closed().await;
    assert!(second.skipped.is_empty());
    first.send(json!({"class":"getipbxlist"})).await;
    first.expect_class("getipbxlist").await;
    first.close().await;
    // The slot is free again once the first session has ended.
    for attempt in 0.. {
        assert!(attempt < 10_000, "the connection slot was never released");
        let mut c = srv.connect().await;
        match c.next_line().await {
            Some(line) => {
                assert!(String::from_utf8_lossy(&line).contains("starttls"));
                break;
            }
            None => continue,
        }
    }
}

#[tokio::test]
async fn shutdown_closes_sessions() {
    let srv = TestServer::start().await;
    let mut c = srv.login("alice").await;
    let mut pending = srv.connect().await;
    pending.recv().await;
    srv.stop().await;
    c.expect_closed().await;
    pending.expect_closed().await;
    let _ = Client::connect; // keep the import used
}

#[tokio::test]
async fn agent_and_supervisor_profiles_show_screen_pops() {
    // The Qt client shows (and decodes) sheets only with the `customerinfo` xlet; the demo
    // profiles that have a sheet list it.
    let srv = TestServer::start().await;
    for (login, profile_has_a_sheet) in [("alice", true), ("carol", true), ("bob", false)] {
        let mut c = srv.connect().await;
        let r = c.login(login, login).await;
        let xlets = r["capaxlets"].as_array().expect("capaxlets");
        let customerinfo = xlets.iter().any(|x| x[0] == "customerinfo");
        assert_eq!(customerinfo, profile_has_a_sheet, "{login}: {r}");
    }
}
