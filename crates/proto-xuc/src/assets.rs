//! The files the face serves to browsers, embedded in the binary: ctid's own `cti.js`,
//! `callback.js`, `membership.js` and `shotgun.js` (the XuC JavaScript API, under
//! `/assets/javascripts/` and `/xucassets/javascripts/`, where XuC apps load them), and the
//! pages built on them, `/sample` and `/wallboard` (plain HTML, JavaScript and CSS under
//! `assets/`, no build step).
//!
//! Every answer carries its content type, `X-Content-Type-Options: nosniff`, a strong `ETag`
//! (a hash of the file, fixed at compile time) and `Cache-Control: no-cache`: browsers keep a
//! copy but ask again each time, and get a bodiless 304 while the file is unchanged, so a page
//! never runs a script older than the server. Pages also get a Content Security Policy that
//! allows only their own scripts and styles and WebSocket connections.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

/// What the pages may load and connect to.
const PAGE_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'self'";

/// One embedded file.
struct Asset {
    /// Its path under `/assets/` (and `/xucassets/`).
    path: &'static str,
    content_type: &'static str,
    body: &'static str,
    etag: u64,
}

/// FNV-1a over the file: the `ETag`, computed at compile time.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

macro_rules! asset {
    ($path:literal, $type:expr) => {
        Asset {
            path: $path,
            content_type: $type,
            body: include_str!(concat!("../assets/", $path)),
            etag: fnv1a(include_str!(concat!("../assets/", $path)).as_bytes()),
        }
    };
}

/// Files under `/assets/` and `/xucassets/`.
const ASSETS: &[Asset] = &[
    asset!("javascripts/cti.js", JAVASCRIPT),
    asset!("javascripts/callback.js", JAVASCRIPT),
    asset!("javascripts/membership.js", JAVASCRIPT),
    asset!("javascripts/shotgun.js", JAVASCRIPT),
    asset!("javascripts/pages/common.js", JAVASCRIPT),
    asset!("javascripts/pages/sample.js", JAVASCRIPT),
    asset!("javascripts/pages/wallboard.js", JAVASCRIPT),
    asset!("stylesheets/sample.css", CSS),
    asset!("stylesheets/wallboard.css", CSS),
];

const SAMPLE: Asset = asset!("pages/sample.html", HTML);
const WALLBOARD: Asset = asset!("pages/wallboard.html", HTML);

/// `GET /assets/{*path}` and `/xucassets/{*path}`.
pub(crate) async fn file(Path(path): Path<String>, headers: HeaderMap) -> Response {
    match ASSETS.iter().find(|a| a.path == path) {
        Some(asset) => serve(asset, &headers, false),
        None => (StatusCode::NOT_FOUND, "no such file\n").into_response(),
    }
}

/// `GET /sample`: the sample application.
pub(crate) async fn sample(headers: HeaderMap) -> Response {
    serve(&SAMPLE, &headers, true)
}

/// `GET /wallboard`: queues and agents, live, for a wall screen.
pub(crate) async fn wallboard(headers: HeaderMap) -> Response {
    serve(&WALLBOARD, &headers, true)
}

fn serve(asset: &Asset, request: &HeaderMap, page: bool) -> Response {
    let etag = format!("\"{:016x}\"", asset.etag);
    let fresh = request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == etag
        });
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        asset.body.into_response()
    };
    let out = response.headers_mut();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    out.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, value);
    }
    if page {
        out.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_POLICY),
        );
        out.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_distinct_path_and_etag() {
        for (i, a) in ASSETS.iter().enumerate() {
            assert!(!a.body.is_empty(), "{} is empty", a.path);
            for b in &ASSETS[i + 1..] {
                assert_ne!(a.path, b.path);
                assert_ne!(a.etag, b.etag, "{} and {}", a.path, b.path);
            }
        }
    }

    #[test]
    fn the_pages_load_only_served_files() {
        for page in [&SAMPLE, &WALLBOARD] {
            for src in page.body.split("src=\"").skip(1) {
                let url = &src[..src.find('"').unwrap()];
                let path = url.strip_prefix("/assets/").expect("an /assets/ URL");
                assert!(ASSETS.iter().any(|a| a.path == path), "{url} is not served");
            }
            for href in page.body.split("href=\"").skip(1) {
                let url = &href[..href.find('"').unwrap()];
                if let Some(path) = url.strip_prefix("/assets/") {
                    assert!(ASSETS.iter().any(|a| a.path == path), "{url} is not served");
                }
            }
        }
    }
}
