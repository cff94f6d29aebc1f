//! The desktop app end to end: the real `coffer` binary (debug build; `COFFER_DESKTOP_BIN`
//! or `target/debug/coffer`) under Xvfb, driven through tauri-driver and WebKitWebDriver,
//! each test on a fresh data directory in offline mode, with the real keychain of the test
//! command's private D-Bus session. Screenshots go to `target/e2e-screenshots/` (artifacts,
//! never committed).

mod app;
mod cli;
mod data;
mod isolation;
mod linking;
mod update;
