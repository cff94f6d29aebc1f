//! The app under test and the steps a person takes in it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use coffer_webdriver::Browser;
pub use coffer_webdriver::link::{choose, login, pick, view};
use serde_json::{Value, json};

/// Plaid Link's overlay frame (the offline stand-in's, served by the app's sandbox).
pub const FRAME: &str = "iframe[src*='/link/frame']";

/// The desktop binary under test.
pub fn binary() -> PathBuf {
    std::env::var_os("COFFER_DESKTOP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug/coffer"))
}

fn target_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target")
}

/// Where screenshots go (artifacts, never committed).
pub fn shots_dir() -> PathBuf {
    target_dir().join("e2e-screenshots")
}

/// A running app and its data directory.
pub struct App {
    pub browser: Browser,
    /// The main window's WebDriver handle (Link has a window of its own).
    pub main: String,
    pub home: tempfile::TempDir,
    /// Directory put first on the app's PATH: holds the `xdg-open` that records URLs.
    pub bin: tempfile::TempDir,
    /// The app's `XDG_DATA_HOME`: its log directory (Tauri's `app_log_dir`) is under it, one
    /// per app (and kept over a restart), so a test reads its own app's log.
    pub xdg: tempfile::TempDir,
    /// The test's name, prefixing its screenshots.
    name: String,
}

impl App {
    /// The app on a fresh data directory.
    pub async fn start(name: &str) -> App {
        let home = tempfile::tempdir().expect("temp home");
        Self::start_in(name, home).await
    }

    /// The app on `home` (a restart keeps its data directory).
    pub async fn start_in(name: &str, home: tempfile::TempDir) -> App {
        let xdg = tempfile::tempdir().expect("temp XDG_DATA_HOME");
        Self::launch(name, home, xdg, false, true).await
    }

    /// The app in GTK's dark theme (the UI follows `prefers-color-scheme`).
    pub async fn start_dark(name: &str) -> App {
        let home = tempfile::tempdir().expect("temp home");
        let xdg = tempfile::tempdir().expect("temp XDG_DATA_HOME");
        Self::launch(name, home, xdg, true, true).await
    }

    /// The app on a machine where no browser can be opened (every launcher fails).
    pub async fn start_without_browser(name: &str) -> App {
        let home = tempfile::tempdir().expect("temp home");
        let xdg = tempfile::tempdir().expect("temp XDG_DATA_HOME");
        Self::launch(name, home, xdg, false, false).await
    }

    async fn launch(
        name: &str,
        home: tempfile::TempDir,
        xdg: tempfile::TempDir,
        dark: bool,
        browser: bool,
    ) -> App {
        let bin = tempfile::tempdir().expect("temp bin");
        // The system browser: an `xdg-open` that writes down the URL it was asked to open
        // (tauri-plugin-opener runs xdg-open first), so a test can open it in a real browser.
        // Without a browser, it and every other launcher the opener tries fail as they do
        // on a machine with none.
        let launchers: &[&str] = if browser {
            &["xdg-open"]
        } else {
            &["xdg-open", "gio", "gnome-open", "kde-open", "wslview"]
        };
        for launcher in launchers {
            let opener = bin.path().join(launcher);
            let script = if browser {
                format!(
                    "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
                    bin.path().join("opened").display()
                )
            } else {
                "#!/bin/sh\necho 'no browser here' >&2\nexit 2\n".to_string()
            };
            std::fs::write(&opener, script).expect("write a launcher");
            set_executable(&opener);
        }
        let mut path = OsString::from(bin.path());
        path.push(":");
        path.push(std::env::var_os("PATH").unwrap_or_default());
        let browser = Browser::start_app(
            &binary(),
            &[
                ("COFFER_HOME", home.path().as_os_str()),
                ("PATH", &path),
                ("XDG_DATA_HOME", xdg.path().as_os_str()),
                ("LANG", std::ffi::OsStr::new("en_US.UTF-8")),
            ],
            dark,
        )
        .await;
        let main = browser.window().await;
        let app = App {
            browser,
            main,
            home,
            bin,
            xdg,
            name: name.to_string(),
        };
        app.wait("the accounts screen", "return document.querySelector('#accounts-title') && !document.querySelector('[aria-busy=true]')").await;
        app
    }

    /// Quits the app and starts it again on the same data directory.
    pub async fn restart(self) -> App {
        let App {
            browser,
            home,
            xdg,
            name,
            ..
        } = self;
        browser.quit().await;
        wait_for_exit(home.path()).await;
        Self::launch(&name, home, xdg, false, true).await
    }

    pub async fn wait(&self, what: &str, script: &str) -> Value {
        self.browser.wait(what, script).await
    }

    /// The transactions screen's count line as a number ("1,234 transactions match" → 1234),
    /// once it holds one; with `idle`, also once the list is not loading.
    pub async fn transaction_count(&self, idle: bool) -> u64 {
        let busy = if idle {
            "var s=document.querySelector('section[aria-labelledby=tx-title]'); \
             if (!s || s.getAttribute('aria-busy')!=='false') return null; "
        } else {
            ""
        };
        let v = self
            .wait(
                "the transaction count",
                &format!(
                    "{busy}var p=document.querySelector('#tx-title + p'); \
                     return p && /^[0-9,]+ transactions?/.test(p.textContent.trim()) && p.textContent.trim()"
                ),
            )
            .await;
        let text = v.as_str().unwrap_or_default();
        text.split_whitespace()
            .next()
            .unwrap_or_default()
            .replace(',', "")
            .parse()
            .unwrap_or_else(|e| panic!("count in {text:?}: {e}"))
    }

    /// Waits (up to `secs`) until the page's text contains `needle`.
    pub async fn wait_text(&self, needle: &str, secs: u64) {
        self.browser
            .wait_up_to(
                &format!("the text {needle:?}"),
                &format!("return document.body.innerText.includes({})", json!(needle)),
                Duration::from_secs(secs),
            )
            .await;
    }

    pub async fn body_text(&self) -> String {
        self.browser
            .js("return document.body.innerText", json!([]))
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Saves a screenshot as `<test>-<step>.png`.
    pub async fn shot(&self, step: &str) {
        self.browser
            .screenshot(&shots_dir().join(format!("{}-{step}.png", self.name)))
            .await;
    }

    /// Saves a picture of the whole X display (what a person sees on the screen: every
    /// window, native ones too) as `<test>-<step>-display.png`; returns its path.
    pub fn display_shot(&self, step: &str) -> PathBuf {
        let path = shots_dir().join(format!("{}-{step}-display.png", self.name));
        self.browser.screenshot_display(&path);
        path
    }

    /// The app's log directory: Tauri's `app_log_dir` (`$XDG_DATA_HOME/<identifier>/logs` on
    /// Linux; README: `~/.local/share/app.coffer.desktop/logs/coffer.log`), here under the
    /// app's own `XDG_DATA_HOME`.
    pub fn log_dir(&self) -> PathBuf {
        self.xdg.path().join("app.coffer.desktop").join("logs")
    }

    /// Every log file of the app (`coffer.log` and its rotated `coffer.log.N`), oldest first,
    /// with its text.
    pub fn log_files(&self) -> Vec<(PathBuf, String)> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.log_dir())
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with("coffer.log"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        // coffer.log.3 is the oldest, coffer.log the newest.
        files.sort_by_key(|p| {
            std::cmp::Reverse(
                p.extension()
                    .and_then(|e| e.to_str())
                    .and_then(|e| e.parse::<u32>().ok())
                    .unwrap_or(0),
            )
        });
        files
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p)
                    .unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
                (p, text)
            })
            .collect()
    }

    /// The app's whole log, oldest line first.
    pub fn log_text(&self) -> String {
        self.log_files().into_iter().map(|(_, t)| t).collect()
    }

    /// How many lines of the app's log contain `needle`.
    pub fn log_count(&self, needle: &str) -> usize {
        self.log_text()
            .lines()
            .filter(|l| l.contains(needle))
            .count()
    }

    /// Waits (up to `secs`) until at least `count` lines of the app's log contain `needle`.
    pub async fn wait_log(&self, needle: &str, count: usize, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let text = self.log_text();
            if text.lines().filter(|l| l.contains(needle)).count() >= count {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{count} log line(s) with {needle:?} within {secs} s; the log:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Back to the main window's document (from the Link window or a frame).
    pub async fn to_main(&self) {
        self.browser.switch_window(&self.main).await;
        self.browser.top().await;
    }

    /// Goes to a screen through the sidebar (`accounts`, `transactions`, `sandbox`, ...).
    pub async fn go(&self, screen: &str) {
        self.to_main().await;
        self.browser
            .click(&format!("nav a[href='#/{screen}']"))
            .await;
        self.wait(
            &format!("the {screen} screen"),
            &format!("return location.hash === '#/{screen}'"),
        )
        .await;
    }

    /// Clicks a button (by CSS, or its exact text through `coffer_webdriver::button`) that opens
    /// Link, accepts the data-use screen if it shows (before the first link), switches to the
    /// Link window and enters Link's frame once its first view shows.
    pub async fn open_link(&self, opener: &str) {
        self.to_main().await;
        self.browser.click(opener).await;
        self.accept_data_use().await;
        self.enter_link_window().await;
        self.view("consent").await;
    }

    /// "Continue" on the data-use screen, if it is showing (it shows once per data directory).
    pub async fn accept_data_use(&self) {
        let shown = self
            .browser
            .wait_up_to(
                "the data-use screen or Link",
                "var t = document.body.innerText; \
                 if (t.includes('Before you link a bank')) return 'dialog'; \
                 return /Plaid Link is open|Waiting for you/.test(t) ? 'link' : null",
                Duration::from_secs(20),
            )
            .await;
        if shown == json!("dialog") {
            self.browser
                .click(&coffer_webdriver::button("Continue"))
                .await;
        }
    }

    /// Switches to the Link window (the one that is not the main window) and into Link's frame.
    pub async fn enter_link_window(&self) {
        self.browser
            .switch_to_new_window(std::slice::from_ref(&self.main))
            .await;
        self.browser
            .wait_up_to(
                "Link's overlay",
                &format!(
                    "var f=document.querySelector(\"{FRAME}\"); return f && f.style.display==='block'"
                ),
                Duration::from_secs(20),
            )
            .await;
        self.browser.enter_frame(FRAME).await;
    }

    /// Waits until the current document (a window's, or the frame's the test is in) is
    /// settled for a picture: loaded, its fonts and images in, and no finite animation or
    /// transition still running (an endless one, such as a spinner, is content).
    pub async fn wait_settled(&self) {
        self.wait(
            "the page to settle",
            "return document.readyState === 'complete' && document.fonts.status === 'loaded' && \
             Array.prototype.every.call(document.images, function (i) { return i.complete; }) && \
             document.getAnimations().every(function (a) { \
               return a.playState !== 'running' || !a.effect || a.effect.getComputedTiming().endTime === Infinity; })",
        )
        .await;
    }

    pub async fn view(&self, name: &str) {
        view(&self.browser, name).await;
    }

    pub async fn pick(&self, search: &str, id: &str) {
        pick(&self.browser, search, id).await;
    }

    pub async fn login(&self, user: &str, pass: &str) {
        login(&self.browser, user, pass).await;
    }

    /// [`choose`], then back to the main window (the Link window closes by itself).
    pub async fn choose(&self, masks: &[&str]) {
        choose(&self.browser, masks).await;
        self.to_main().await;
    }

    /// The whole embedded Link flow for a new link from the empty state or the header.
    pub async fn link_bank(&self, search: &str, id: &str, masks: &[&str]) {
        let empty = self
            .browser
            .js(
                "return !!document.querySelector('.empty .btn.primary')",
                json!([]),
            )
            .await;
        let opener = if empty == json!(true) {
            ".empty .btn.primary".to_string()
        } else {
            ".add .btn.primary".to_string()
        };
        self.open_link(&opener).await;
        self.pick(search, id).await;
        self.login("user_good", "pass_good").await;
        self.choose(masks).await;
    }

    /// Picks `value` in the `<select>` inside the label whose caption is `label` (as a person
    /// choosing from the list would: WebKitWebDriver cannot click a native `<option>`).
    pub async fn select(&self, label: &str, value: &str) {
        let done = self
            .browser
            .js(
                "var label=arguments[0], value=arguments[1]; \
                 var l=Array.prototype.find.call(document.querySelectorAll('label'), function(x){ \
                   var s=x.querySelector('span'); return s && s.textContent===label}); \
                 var sel=l && l.querySelector('select'); if (!sel) return 'no select'; \
                 if (!Array.prototype.some.call(sel.options, function(o){return o.value===value})) \
                   return 'no option'; \
                 sel.value=value; sel.dispatchEvent(new Event('change', {bubbles:true})); return 'ok'",
                json!([label, value]),
            )
            .await;
        assert_eq!(done, json!("ok"), "select {label} = {value}");
    }

    /// Types `value` into the `<input>` inside the label whose caption is `label`.
    pub async fn fill(&self, label: &str, value: &str) {
        let css = self
            .browser
            .js(
                "var label=arguments[0]; \
                 var l=Array.prototype.find.call(document.querySelectorAll('label'), function(x){ \
                   var s=x.querySelector('span'); return s && s.textContent===label}); \
                 var i=l && l.querySelector('input'); if (!i) return null; \
                 i.id = i.id || 'e2e-' + label.replace(/[^a-z]/gi, ''); i.scrollIntoView(); return '#' + i.id",
                json!([label]),
            )
            .await;
        let css = css
            .as_str()
            .unwrap_or_else(|| panic!("no input labelled {label}"));
        self.browser.type_into(css, value).await;
    }

    /// Waits until the links list shows `n` cards, none of them syncing.
    pub async fn wait_links(&self, n: usize) {
        self.to_main().await;
        self.browser
            .wait_up_to(
                &format!("{n} linked banks, synced"),
                &format!(
                    "var c=document.querySelectorAll('article.link'); return c.length==={n} && \
                     !document.querySelector('article.link [data-health=syncing]') && \
                     Array.prototype.every.call(c, function(a){{return /Synced/.test(a.innerText)}})"
                ),
                Duration::from_secs(60),
            )
            .await;
    }

    /// Waits until the first sync has brought transactions (the sandbox, like Plaid, answers
    /// the first one NOT_READY; the app tries again by itself) and the list shows them synced.
    pub async fn wait_transactions(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.cli(&["transactions", "--limit", "1"])["total"].as_u64() == Some(0) {
            assert!(
                Instant::now() < deadline,
                "no transactions 30 s after linking; page text: {}",
                self.body_text().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.browser
            .wait_up_to(
                "the sync to settle",
                "return !/still preparing/.test(document.body.innerText)",
                Duration::from_secs(10),
            )
            .await;
        let n = self
            .browser
            .js(
                "return document.querySelectorAll('article.link').length",
                json!([]),
            )
            .await
            .as_u64()
            .unwrap_or(0) as usize;
        self.wait_links(n.max(1)).await;
    }

    /// The text of each link card, in order.
    pub async fn cards(&self) -> Vec<String> {
        let v = self
            .browser
            .js(
                "return Array.prototype.map.call(document.querySelectorAll('article.link'), \
                 function(a){return a.innerText})",
                json!([]),
            )
            .await;
        serde_json::from_value(v).expect("card texts")
    }

    /// Waits until the links list shows `n` cards (synced or not).
    pub async fn wait_cards(&self, n: usize, secs: u64) {
        self.browser
            .wait_up_to(
                &format!("{n} link cards"),
                &format!("return document.querySelectorAll('article.link').length==={n}"),
                Duration::from_secs(secs),
            )
            .await;
    }

    /// Ids of the windows on the X display (what a person sees, not only WebDriver's web
    /// views) whose title contains `name`.
    pub fn x_windows(&self, name: &str) -> Vec<String> {
        let out = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", name])
            .env("DISPLAY", self.browser.display())
            .output()
            .expect("xdotool (apt-get install xdotool; cargo xtask test installs it)");
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .map(String::from)
            .collect()
    }

    /// Waits (up to 10 s) until no window titled with `name` is on the X display.
    pub async fn wait_x_windows_gone(&self, name: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.x_windows(name).is_empty() {
            assert!(
                Instant::now() < deadline,
                "a window titled {name:?} is still on screen"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The URLs the app asked the system browser to open.
    pub fn opened_urls(&self) -> Vec<String> {
        std::fs::read_to_string(self.bin.path().join("opened"))
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }

    /// `coffer-cli --json ARGS` on this app's data directory: its JSON output.
    pub fn cli(&self, args: &[&str]) -> Value {
        let out = Command::new(cli_binary())
            .arg("--json")
            .args(args)
            .env("COFFER_HOME", self.home.path())
            .output()
            .expect("run coffer-cli");
        assert!(
            out.status.success(),
            "coffer-cli {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "coffer-cli {args:?}: not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// The links as the CLI reads them from the shared data directory.
    pub fn links(&self) -> Vec<Value> {
        self.cli(&["links"]).as_array().cloned().unwrap_or_default()
    }

    pub fn data_dir(&self) -> &Path {
        self.home.path()
    }
}

/// The CLI binary (built by `cargo test --workspace`; `COFFER_CLI_BIN` overrides).
pub fn cli_binary() -> PathBuf {
    let bin = std::env::var_os("COFFER_CLI_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug/coffer-cli"));
    assert!(
        bin.is_file(),
        "no coffer-cli at {}: `cargo build -p coffer-cli` (cargo xtask test builds it)",
        bin.display()
    );
    bin
}

fn set_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut p = std::fs::metadata(path).expect("meta").permissions();
    p.set_mode(0o755);
    std::fs::set_permissions(path, p).expect("chmod");
}

/// The masks of a link's accounts (CLI JSON), sorted.
pub fn masks(link: &Value) -> Vec<String> {
    let mut m: Vec<String> = link["accounts"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["mask"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    m.sort();
    m
}

/// Waits until the app that had `home` has exited: it holds `<home>/desktop.lock` while it
/// runs, and a second app started before then only asks the first to show itself and quits
/// (one instance per data directory), which would leave the new WebDriver session waiting.
async fn wait_for_exit(home: &Path) {
    let lock = std::fs::File::open(home.join("desktop.lock")).expect("desktop.lock");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match lock.try_lock() {
            Ok(()) => return,
            Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await
            }
            Err(e) => panic!("the app did not exit within 20 s of quitting: {e}"),
        }
    }
}
