//! `cargo xtask run` decides what to open from the display (README: "Without a display (no
//! `DISPLAY`) it prints the command-line front end's status instead; `xvfb-run -a cargo xtask
//! run` opens the app on a virtual display"). The real xtask binary runs here with a stand-in
//! `cargo` (xtask runs `$CARGO`) and stand-in `npm`, `dpkg-query` and `apt-get` first on the
//! PATH, which write down how they were called: nothing is built, installed or opened.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A scratch directory holding the stand-ins and what they were asked, removed on drop.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write_script(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).expect("write a stand-in");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// Runs `xtask ARGS` with `display` (`("DISPLAY", ":99")`, ...) as its only display variables;
/// returns its output and the commands the stand-ins were given, one line each (`cargo ...`,
/// `npm ...`, `apt-get ...`).
fn xtask(args: &[&str], display: &[(&str, &str)]) -> (Output, Vec<String>) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "xtask-run-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let scratch = Scratch(dir.clone());
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("scratch bin");
    let calls = dir.join("calls");
    let record = |name: &str| format!("printf '%s\\n' \"{name} $*\" >> '{}'", calls.display());
    write_script(
        &bin.join("cargo"),
        &format!("{}\necho 'stand-in cargo'", record("cargo")),
    );
    write_script(&bin.join("npm"), &record("npm"));
    // Every system package is there: xtask installs nothing.
    write_script(&bin.join("dpkg-query"), "printf 'install ok installed'");
    write_script(
        &bin.join("apt-get"),
        &format!("{}\nexit 1", record("apt-get")),
    );
    let mut path = std::ffi::OsString::from(&bin);
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.args(args)
        .env("PATH", &path)
        .env("CARGO", bin.join("cargo"))
        // A session bus is there (as on a desktop): xtask starts no keyring of its own.
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    for (k, v) in display {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run xtask");
    let calls = std::fs::read_to_string(&calls)
        .unwrap_or_default()
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect();
    drop(scratch);
    (out, calls)
}

fn text(out: &Output) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// No `DISPLAY` and no `WAYLAND_DISPLAY`: the command-line front end's status, with a message
/// that says why and how to open the app headless; no UI build, no desktop app.
#[test]
fn without_a_display_run_shows_the_cli_status_and_says_how_to_open_the_app() {
    let (out, calls) = xtask(&["run"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        calls,
        ["cargo run --quiet --package coffer-cli -- status"],
        "{}",
        text(&out)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no display") && stderr.contains("xvfb-run -a cargo xtask run"),
        "a clear message naming xvfb-run: {}",
        text(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("stand-in cargo"),
        "the status's output is shown: {}",
        text(&out)
    );
}

/// With a display (X11, as under `xvfb-run`, or Wayland) it builds the UI and opens the
/// desktop app, and says nothing about a missing display.
#[test]
fn with_a_display_run_builds_the_ui_and_opens_the_app() {
    for display in [("DISPLAY", ":99"), ("WAYLAND_DISPLAY", "wayland-0")] {
        let (out, calls) = xtask(&["run"], &[display]);
        assert!(out.status.success(), "{display:?}: {}", text(&out));
        let cargo: Vec<&String> = calls.iter().filter(|c| c.starts_with("cargo")).collect();
        assert_eq!(
            cargo,
            ["cargo run --quiet --package coffer-desktop --bin coffer"],
            "{display:?}: {calls:?}"
        );
        assert!(
            calls.iter().any(|c| c == "npm run build"),
            "{display:?}: the UI is built first: {calls:?}"
        );
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("no display"),
            "{display:?}: {}",
            text(&out)
        );
    }
}

/// Arguments go to the command-line front end, display or not.
#[test]
fn run_with_arguments_runs_the_cli_with_them() {
    for display in [None, Some(("DISPLAY", ":99"))] {
        let (out, calls) = xtask(&["run", "--", "links", "--json"], display.as_slice());
        assert!(out.status.success(), "{display:?}: {}", text(&out));
        assert_eq!(
            calls,
            ["cargo run --quiet --package coffer-cli -- links --json"],
            "{display:?}"
        );
    }
}
