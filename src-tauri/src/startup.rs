//! Startup time: from process start to the first rendered list of links, which the UI reports
//! once through `ui_ready`. It goes to the log; with `COFFER_REPORT_READY=1` also to stdout
//! as `coffer: ready`, which `cargo xtask bench` waits for (it times the process from outside).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();
static REPORTED: AtomicBool = AtomicBool::new(false);

/// Called first thing in `main`.
pub fn mark_start() {
    STARTED.get_or_init(Instant::now);
}

/// Milliseconds since [`mark_start`].
pub fn elapsed_ms() -> f64 {
    STARTED
        .get()
        .map_or(0.0, |s| s.elapsed().as_secs_f64() * 1000.0)
}

/// A step of the startup, in the log (`startup: core open 212 ms after start`).
pub fn step(what: &str) {
    tracing::info!("startup: {what} {:.0} ms after start", elapsed_ms());
}

/// The UI has painted its first list of links; only the first call counts.
pub fn ready() {
    if REPORTED.swap(true, Ordering::SeqCst) {
        return;
    }
    let ms = elapsed_ms();
    tracing::info!("startup: first list of links rendered {ms:.0} ms after start");
    if std::env::var_os("COFFER_REPORT_READY").is_some_and(|v| v == "1") {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "coffer: ready {ms:.1} ms");
        let _ = out.flush();
    }
}
