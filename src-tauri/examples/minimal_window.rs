//! The yardstick of `cargo xtask bench`: the smallest Tauri 2 window of the same build (same
//! tauri crate, features, config and painting mode, `src/webview.rs`; no commands, plugins or
//! core), showing one small page from a custom protocol. Once that page has painted (two animation frames after load) it
//! asks for `/ready`, and this prints `minimal: ready` on stdout: the same signal as the
//! app's `coffer: ready` after its first list of links.

use std::io::Write;

#[path = "../src/webview.rs"]
mod webview;

use tauri::http::Response;
use tauri::{WebviewUrl, WebviewWindowBuilder};

const PAGE: &str = "<!doctype html><html><head><meta charset=utf-8><title>minimal</title>\
    <script src=\"/main.js\" defer></script></head>\
    <body><h1>Minimal</h1><ul><li>One</li><li>Two</li></ul></body></html>";
const SCRIPT: &str = "requestAnimationFrame(() => requestAnimationFrame(() => fetch('/ready')));";

fn main() {
    let app = tauri::Builder::default()
        .register_uri_scheme_protocol("bench", |_ctx, request| {
            let (body, kind) = match request.uri().path() {
                "/main.js" => (SCRIPT, "text/javascript"),
                "/ready" => {
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(out, "minimal: ready");
                    let _ = out.flush();
                    ("", "text/plain")
                }
                _ => (PAGE, "text/html"),
            };
            Response::builder()
                .header("content-type", kind)
                .header("access-control-allow-origin", "*")
                .body(body.as_bytes().to_vec())
                .unwrap_or_default()
        })
        .setup(|app| {
            let url = "bench://localhost/".parse()?;
            let window = WebviewWindowBuilder::new(app, "main", WebviewUrl::CustomProtocol(url))
                .title("minimal")
                .inner_size(1280.0, 800.0)
                .build()?;
            webview::tune(&window);
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"));
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            eprintln!("minimal_window: {e}");
            std::process::exit(1);
        }
    }
}
