//! The guard in front of the sandbox's control routes (`/_faults`, `/_link/...`): they change
//! what the offline Plaid does, so no web page may reach them. A page in a browser can send a
//! "simple" cross-origin POST (form or text content types, no preflight) to a loopback port,
//! and DNS rebinding can make a page's own origin resolve to 127.0.0.1. So a control request
//! must name a loopback `Host` (rebinding keeps the attacker's host name) and, when it has a
//! body, be `application/json` (which a page can only send after a CORS preflight that this
//! server never grants).

use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::request::is_json;

/// Refuses a control request whose `Host` is not loopback (403) or whose body is not JSON (415).
pub(crate) async fn control_guard(request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !is_loopback_host(host) {
        return refuse(
            StatusCode::FORBIDDEN,
            "control routes answer only a loopback Host (127.0.0.1, [::1] or localhost)",
        );
    }
    let has_body = request.method() != Method::GET && request.method() != Method::DELETE;
    if has_body && !is_json(request.headers()) {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "control routes want Content-Type: application/json",
        );
    }
    next.run(request).await
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

/// `127.0.0.1[:port]`, `[::1][:port]` or `localhost[:port]`.
fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((name, port)) if port.is_empty() || is_port(port) => name,
            _ => return false,
        }
    } else {
        match host.split_once(':') {
            Some((name, port)) if is_port(port) => name,
            Some(_) => return false,
            None => host,
        }
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn is_port(s: &str) -> bool {
    s.strip_prefix(':').unwrap_or(s).parse::<u16>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for ok in [
            "127.0.0.1:8080",
            "127.0.0.1",
            "localhost:1",
            "LOCALHOST",
            "[::1]:80",
            "[::1]",
            "127.1.2.3:9",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "",
            "evil.example:8080",
            "127.0.0.1.evil.example",
            "localhost.evil.example:80",
            "10.0.0.1:80",
            "[::2]:80",
            "127.0.0.1:x",
            "[::1]x",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }
}
