//! The JavaScript API's files and the pages over HTTP: served under both `/assets/` and
//! `/xucassets/` with their content types and cache headers, a 304 for a copy still fresh,
//! the pages with their security policy, 404 for anything else, CORS for cross-origin probes.

mod support;

use support::TestServer;

async fn get(server: &TestServer, path: &str, etag: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .get(server.url(path))
        .header("Origin", "http://crm.example");
    if let Some(etag) = etag {
        request = request.header("If-None-Match", etag);
    }
    request.send().await.expect("an answer")
}

#[tokio::test]
async fn the_javascript_api_is_served_where_xuc_apps_load_it() {
    let server = TestServer::start().await;
    for prefix in ["/assets", "/xucassets"] {
        for file in ["cti.js", "callback.js", "membership.js", "shotgun.js"] {
            let path = format!("{prefix}/javascripts/{file}");
            let response = get(&server, &path, None).await;
            assert_eq!(response.status(), 200, "{path}");
            let headers = response.headers().clone();
            assert_eq!(headers["content-type"], "text/javascript; charset=utf-8");
            assert_eq!(headers["cache-control"], "no-cache");
            assert_eq!(headers["x-content-type-options"], "nosniff");
            assert_eq!(headers["access-control-allow-origin"], "*", "{path}");
            let etag = headers["etag"].to_str().unwrap().to_owned();
            let body = response.text().await.unwrap();
            assert!(
                body.contains(&format!("{file}, as served by ctid")),
                "{path}"
            );

            let again = get(&server, &path, Some(&etag)).await;
            assert_eq!(again.status(), 304, "{path} unchanged");
            assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
            assert!(again.text().await.unwrap().is_empty());
            let stale = get(&server, &path, Some("\"0000000000000000\"")).await;
            assert_eq!(stale.status(), 200, "{path} changed");
        }
    }
    let css = get(&server, "/assets/stylesheets/wallboard.css", None).await;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
}

#[tokio::test]
async fn the_pages_are_served_with_their_policy() {
    let server = TestServer::start().await;
    for (path, title) in [
        ("/sample", "XuC sample application"),
        ("/wallboard", "wallboard"),
    ] {
        let response = get(&server, path, None).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=utf-8"
        );
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(policy.contains("script-src 'self'"), "{policy}");
        assert!(response.text().await.unwrap().contains(title), "{path}");
    }
}

#[tokio::test]
async fn unknown_files_are_not_found() {
    let server = TestServer::start().await;
    for path in [
        "/assets/javascripts/xc_webrtc.js",
        "/assets/../Cargo.toml",
        "/xucassets/javascripts/pages/../../../src/lib.rs",
        "/assets/",
    ] {
        assert_eq!(get(&server, path, None).await.status(), 404, "{path}");
    }
}
