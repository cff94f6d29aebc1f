//! How the webviews paint (the main window's and each pop-up's).
//!
//! WebKitGTK composites pages with OpenGL. On a machine without a GPU (no DRM render node:
//! virtual machines, remote desktops, Xvfb) that GL is Mesa's software rasterizer, and every
//! frame after a change costs 60–150 ms there, because each layer's contents go through it.
//! Painting without compositing draws the same page straight on the CPU: measured by
//! `cargo xtask bench` on such a machine, the Transactions list shows its first rows
//! in ~60 ms instead of ~150–300 ms, and the web process uses ~60 MiB less. With a GPU,
//! WebKit's default (composited) is kept. `WEBKIT_DISABLE_COMPOSITING_MODE=1` is WebKit's
//! own switch for forcing it on any machine.
//!
//! Also used by the benchmark's `minimal_window` (through `#[path]`), so the app and its
//! yardstick always paint the same way.

/// Whether this machine has a GPU the webview can render with (looked up once).
#[cfg(target_os = "linux")]
fn has_render_node() -> bool {
    static FOUND: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FOUND.get_or_init(|| {
        std::fs::read_dir("/dev/dri").is_ok_and(|dir| {
            dir.flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
    })
}

/// Chooses how `window`'s webview paints (see the module docs). Call right after building
/// (the main window and each pop-up, so related views paint alike).
pub fn tune(window: &tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    if !has_render_node() {
        let result = window.with_webview(|webview| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(e) = result {
            tracing::warn!("webview: could not set its painting mode: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
