//! The desktop app end to end: the real `coffer` binary (debug build; `COFFER_DESKTOP_BIN`
//! or `target/debug/coffer`) under Xvfb, driven through tauri-driver and WebKitWebDriver,
//! each test on a fresh data directory in offline mode, with the real keychain of the test
//! command's private D-Bus session. Each app has an `XDG_DATA_HOME` of its own, so its log file
//! is its own. Screenshots (of the window, and of the whole X display: `*-display.png`) go to
//! `target/e2e-screenshots/` (artifacts, never committed).

mod activity;
mod app;
mod cli;
mod data;
mod isolation;
mod linking;
mod logs;
mod personal;
mod settings;
mod update;
