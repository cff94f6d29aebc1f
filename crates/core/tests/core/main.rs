//! Integration tests of coffer-core against a real coffer-sandbox over HTTP, real SQLite files
//! in temp dirs and the real Secret Service (unless COFFER_SKIP_KEYCHAIN_TESTS=1).
//!
//! Run: `dbus-run-session -- bash -c 'export XDG_DATA_HOME=$(mktemp -d); echo -n pw |
//! gnome-keyring-daemon --unlock --components=secrets >/dev/null; cargo test -p coffer-core'`

mod bad_input;
mod common;
mod crash;
mod desktop;
mod error_json;
mod faults;
mod files;
mod health;
mod history;
mod hosted;
mod lifecycle;
mod link_ui;
mod modes;
mod personal;
mod processes;
mod search;
mod secrets;
mod sync;
