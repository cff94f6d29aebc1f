//! # coffer-webdriver: a real browser for tests
//!
//! Xvfb on a display it picks itself, a WebDriver server on a free loopback port, and a small
//! W3C WebDriver client over reqwest. Two engines, both WebKitGTK (the desktop's engine):
//! [`Browser::start`] drives WebKitGTK's `MiniBrowser` through `WebKitWebDriver` (the Link
//! stand-in's tests), [`Browser::start_app`] drives the desktop app itself through
//! `tauri-driver` (the end-to-end tests). Everything started here is stopped (SIGTERM, then
//! waited for; tauri-driver killed hard would orphan WebKitWebDriver) when the [`Browser`] is
//! dropped. Missing binaries fail with a clear message, never a silent pass.

pub mod link;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

/// See [`Browser::screenshot`].
const SCREENSHOT_NUDGE: &str = r#"
const dot = document.createElement('div');
dot.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647';
document.documentElement.append(dot);
const until = performance.now() + 2000;
const tick = (t) => {
  dot.style.background = `rgba(128, 128, 128, ${(Math.floor(t / 16) % 2) * 0.01 + 0.01})`;
  if (t < until) requestAnimationFrame(tick); else dot.remove();
};
requestAnimationFrame(tick);
"#;

const WEBDRIVER: &str = "/usr/bin/WebKitWebDriver";
const MINIBROWSER_DIRS: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1",
    "/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1",
    "/usr/libexec/webkit2gtk-4.1",
];

/// The prefix that makes a selector an XPath expression.
const XPATH: &str = "xpath:";

/// The selector of the (first) enabled button whose text is `text`, for [`Browser::click`].
pub fn button(text: &str) -> String {
    format!("{XPATH}//button[normalize-space(.)='{text}' and not(@disabled)]")
}

/// The W3C element reference key.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecc";

fn minibrowser() -> Option<PathBuf> {
    MINIBROWSER_DIRS
        .iter()
        .map(|d| Path::new(d).join("MiniBrowser"))
        .find(|p| p.is_file())
}

/// Panics with what to install when the browser stack is missing (never passes silently).
pub fn require_binaries() -> PathBuf {
    let missing = |what: &str| -> ! {
        panic!(
            "the Link browser tests need {what}: run `cargo xtask test` (installs them) or \
             `apt-get install webkit2gtk-driver xvfb`"
        )
    };
    if !Path::new(WEBDRIVER).is_file() {
        missing("WebKitWebDriver (package webkit2gtk-driver)");
    }
    let Some(mb) = minibrowser() else {
        missing("WebKitGTK's MiniBrowser (package webkit2gtk-driver)")
    };
    if !Command::new("sh")
        .args(["-c", "command -v Xvfb"])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    {
        missing("Xvfb (package xvfb)");
    }
    mb
}

/// A child process stopped with SIGTERM (then waited for) on drop.
#[derive(Debug)]
struct Proc(Option<Child>);

impl Proc {
    fn terminate(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                match child.try_wait() {
                    Ok(Some(_)) | Err(_) => break,
                    Ok(None) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(20))
                    }
                    Ok(None) => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break;
                    }
                }
            }
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.terminate();
    }
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Xvfb on a display it picks itself (`-displayfd`), stopped on drop.
#[derive(Debug)]
pub struct Display {
    _proc: Proc,
    number: String,
}

impl Display {
    /// A fresh 1280x800 display (benchmarks run programs on it without WebDriver).
    pub fn start() -> Display {
        start_xvfb()
    }

    /// The value for `DISPLAY`, such as `:3`.
    pub fn name(&self) -> String {
        format!(":{}", self.number)
    }
}

fn start_xvfb() -> Display {
    let mut child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start Xvfb");
    let stdout = child.stdout.take().expect("Xvfb stdout");
    let proc = Proc(Some(child));
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("Xvfb display number");
    let number = line.trim().to_string();
    assert!(!number.is_empty(), "Xvfb did not report a display");
    Display {
        _proc: proc,
        number,
    }
}

/// The browser stack: display, driver, one session.
#[derive(Debug)]
pub struct Browser {
    pub http: reqwest::Client,
    base: String,
    session: String,
    driver: Proc,
    display: Display,
}

impl Browser {
    /// Starts Xvfb, WebKitWebDriver and a MiniBrowser session. `dark`: GTK's dark theme, so
    /// pages see `prefers-color-scheme: dark`.
    pub async fn start(dark: bool) -> Browser {
        let mb = require_binaries();
        let display = start_xvfb();
        let port = free_port();
        let mut cmd = Command::new(WEBDRIVER);
        cmd.arg(format!("--port={port}"));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "MiniBrowser",
            "webkitgtk:browserOptions": {
                "binary": mb.to_string_lossy(),
                "args": ["--automation"],
            },
        }}});
        Self::launch(cmd, display, port, dark, caps).await
    }

    /// Starts Xvfb, `tauri-driver` and a session of the desktop app at `app` (a built
    /// `coffer` binary), which runs with `env` added to this process's environment.
    pub async fn start_app(app: &Path, env: &[(&str, &std::ffi::OsStr)], dark: bool) -> Browser {
        require_binaries();
        let driver = which("tauri-driver").unwrap_or_else(|| {
            panic!(
                "the desktop end-to-end tests need tauri-driver: run `cargo xtask test` \
                 (installs it) or `cargo install tauri-driver --locked`"
            )
        });
        assert!(
            app.is_file(),
            "no desktop binary at {}: build it first (`cargo build -p coffer-desktop`, which \
             `cargo xtask test` does)",
            app.display()
        );
        let display = start_xvfb();
        let port = free_port();
        let mut cmd = Command::new(driver);
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &free_port().to_string(),
            "--native-driver",
            WEBDRIVER,
        ]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "wry",
            "tauri:options": { "application": app.to_string_lossy() },
        }}});
        Self::launch(cmd, display, port, dark, caps).await
    }

    async fn launch(
        mut cmd: Command,
        display: Display,
        port: u16,
        dark: bool,
        caps: Value,
    ) -> Browser {
        cmd.env("DISPLAY", format!(":{}", display.number))
            .env("NO_AT_BRIDGE", "1")
            .env("GTK_A11Y", "none")
            .env("GTK_THEME", if dark { "Adwaita:dark" } else { "Adwaita" })
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let driver = Proc(Some(cmd.spawn().expect("start the WebDriver server")));
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if http
                .get(format!("{base}/status"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the WebDriver server did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let r: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .expect("new session")
            .json()
            .await
            .expect("session json");
        let session = r["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {r}"))
            .to_string();
        Browser {
            http,
            base,
            session,
            driver,
            display,
        }
    }

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut req = self.http.request(method, &url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("webdriver request");
        let v: Value = resp.json().await.expect("webdriver json");
        if let Some(err) = v["value"].get("error") {
            panic!("WebDriver {path}: {err}: {}", v["value"]["message"]);
        }
        v["value"].clone()
    }

    async fn try_cmd(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut req = self.http.request(method, &url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let v: Value = req
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        match v["value"].get("error") {
            Some(e) => Err(format!("{e}: {}", v["value"]["message"])),
            None => Ok(v["value"].clone()),
        }
    }

    /// The X display the browser runs on (`:N`), for tools that drive native dialogs.
    pub fn display(&self) -> String {
        format!(":{}", self.display.number)
    }

    pub async fn goto(&self, url: &str) {
        self.cmd(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    pub async fn url(&self) -> String {
        self.cmd(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub async fn set_size(&self, w: u32, h: u32) {
        self.cmd(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({"width": w, "height": h})),
        )
        .await;
    }

    /// Runs a script (its body; `arguments` available) and returns its result.
    pub async fn js(&self, script: &str, args: Value) -> Value {
        self.cmd(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
        .await
    }

    /// Runs an asynchronous script: it ends by calling its last argument with the result.
    pub async fn js_async(&self, script: &str, args: Value) -> Value {
        self.cmd(
            reqwest::Method::POST,
            "/execute/async",
            Some(json!({"script": script, "args": args})),
        )
        .await
    }

    pub async fn try_js(&self, script: &str) -> Result<Value, String> {
        self.try_cmd(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    /// Waits (up to 10 s) until `script` returns something truthy; returns it.
    pub async fn wait(&self, what: &str, script: &str) -> Value {
        self.wait_up_to(what, script, Duration::from_secs(10)).await
    }

    /// Waits up to `limit` until `script` returns something truthy; returns it.
    pub async fn wait_up_to(&self, what: &str, script: &str, limit: Duration) -> Value {
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(v) = self.try_js(script).await
                && !(v.is_null() || v == json!(false) || v == json!("") || v == json!(0))
            {
                return v;
            }
            if Instant::now() > deadline {
                let text = self
                    .try_js("return document.body ? document.body.innerText : ''")
                    .await
                    .unwrap_or_default();
                panic!("timed out waiting for {what}; page text: {text}");
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    }

    async fn find(&self, css: &str) -> Result<String, String> {
        match css.strip_prefix(XPATH) {
            Some(xpath) => self.find_by("xpath", xpath).await,
            None => self.find_by("css selector", css).await,
        }
    }

    async fn find_by(&self, using: &str, value: &str) -> Result<String, String> {
        let v = self
            .try_cmd(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": using, "value": value})),
            )
            .await?;
        v.as_object()
            .and_then(|o| o.get(ELEMENT).or_else(|| o.values().next()))
            .and_then(Value::as_str)
            .map(String::from)
            .ok_or_else(|| format!("no element reference in {v}"))
    }

    /// Waits for an element and returns its reference. `css` is a CSS selector, or an XPath
    /// after the prefix `xpath:` (see [`button`]).
    pub async fn element(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(id) = self.find(css).await {
                return id;
            }
            if Instant::now() > deadline {
                let text = self
                    .try_js("return document.body ? document.body.innerText : ''")
                    .await
                    .unwrap_or_default();
                panic!("no element {css}; page text: {text}");
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    }

    /// A real click (a user gesture), once the element is there and enabled.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let id = self.element(css).await;
            // WebKitWebDriver does not scroll nested scroll containers (the app's main pane)
            // before clicking, so bring the element into view as a person would.
            let _ = self
                .try_cmd(
                    reqwest::Method::POST,
                    "/execute/sync",
                    Some(json!({
                        "script": "arguments[0].scrollIntoView({block: 'center'})",
                        "args": [{ ELEMENT: id }],
                    })),
                )
                .await;
            match self
                .try_cmd(
                    reqwest::Method::POST,
                    &format!("/element/{id}/click"),
                    Some(json!({})),
                )
                .await
            {
                Ok(_) => return,
                Err(e) if Instant::now() > deadline => panic!("click {css}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(40)).await,
            }
        }
    }

    /// A real click on an element whose window closes because of it: the click's answer may
    /// never come back, so it is not retried (the caller checks the window is gone).
    pub async fn click_closing(&self, css: &str) {
        let id = self.element(css).await;
        let _ = self
            .try_cmd(
                reqwest::Method::POST,
                &format!("/element/{id}/click"),
                Some(json!({})),
            )
            .await;
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/clear"),
            Some(json!({})),
        )
        .await;
        if text.is_empty() {
            return;
        }
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    /// Keys sent to the focused element (e.g. "\u{E00C}" Escape, "\u{E007}" Enter).
    pub async fn keys(&self, text: &str) {
        let actions = json!({"actions": [{
            "type": "key", "id": "kb",
            "actions": text.chars().flat_map(|c| [
                json!({"type": "keyDown", "value": c.to_string()}),
                json!({"type": "keyUp", "value": c.to_string()}),
            ]).collect::<Vec<_>>(),
        }]});
        self.cmd(reqwest::Method::POST, "/actions", Some(actions))
            .await;
        let _ = self
            .try_cmd(reqwest::Method::DELETE, "/actions", None)
            .await;
    }

    pub async fn text(&self, css: &str) -> String {
        let id = self.element(css).await;
        self.cmd(reqwest::Method::GET, &format!("/element/{id}/text"), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Switches into the iframe matching `css` (in the current context), by its index.
    pub async fn enter_frame(&self, css: &str) {
        self.element(css).await;
        let index = self
            .js(
                "var f = document.querySelector(arguments[0]); \
                 return Array.prototype.indexOf.call(window.frames, f.contentWindow)",
                json!([css]),
            )
            .await;
        self.cmd(reqwest::Method::POST, "/frame", Some(json!({"id": index})))
            .await;
    }

    /// Back to the top-level document (the tests go at most one frame deep).
    pub async fn top(&self) {
        self.cmd(reqwest::Method::POST, "/frame/parent", Some(json!({})))
            .await;
    }

    pub async fn handles(&self) -> Vec<String> {
        self.cmd(reqwest::Method::GET, "/window/handles", None)
            .await
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|h| h.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub async fn window(&self) -> String {
        self.cmd(reqwest::Method::GET, "/window", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub async fn switch_window(&self, handle: &str) {
        self.cmd(
            reqwest::Method::POST,
            "/window",
            Some(json!({"handle": handle})),
        )
        .await;
    }

    /// Waits for a window other than `known` and switches to it.
    pub async fn switch_to_new_window(&self, known: &[String]) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(h) = self
                .handles()
                .await
                .into_iter()
                .find(|h| !known.contains(h))
            {
                self.switch_window(&h).await;
                return h;
            }
            assert!(Instant::now() < deadline, "no new window opened");
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    }

    /// Waits until only `count` windows are left.
    pub async fn wait_windows(&self, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.handles().await.len() != count {
            assert!(Instant::now() < deadline, "windows did not close");
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    }

    /// A PNG of the current window.
    ///
    /// WebKitWebDriver takes it after the page's next paint; a page painted without
    /// compositing (the app on a machine without a GPU, see src-tauri/src/webview.rs) does
    /// not paint again until something changes, and the screenshot would wait for its
    /// timeout. So for two seconds a 1 px, nearly transparent corner of the page changes on
    /// every frame.
    pub async fn screenshot(&self, path: &Path) {
        self.js(SCREENSHOT_NUDGE, json!([])).await;
        let b64 = self.cmd(reqwest::Method::GET, "/screenshot", None).await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .expect("png base64");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot dir");
        }
        std::fs::write(path, bytes).expect("write screenshot");
    }

    /// A PNG of the whole X display, every window on it (native dialogs too, and whatever
    /// is not a web view), taken by ImageMagick's `import`, which `cargo xtask test` installs.
    pub fn screenshot_display(&self, path: &Path) {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot dir");
        }
        let out = Command::new("import")
            .args(["-display", &self.display(), "-window", "root"])
            .arg(path)
            .output()
            .expect(
                "ImageMagick's import (apt-get install imagemagick; cargo xtask test installs it)",
            );
        assert!(
            out.status.success(),
            "import -window root: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Ends the session and stops the driver and the display.
    pub async fn quit(mut self) {
        let _ = self
            .http
            .delete(format!("{}/session/{}", self.base, self.session))
            .send()
            .await;
        self.driver.terminate();
    }
}
