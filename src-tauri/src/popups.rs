//! Windows: the main window (built here, not from the config, so its new-window requests can
//! be handled), Plaid Link's OAuth pop-ups, and URLs handed to the system browser.
//!
//! Plaid's web SDK opens the bank's OAuth page with `window.open` and needs `window.opener`
//! to come back. A pop-up to Plaid's hosts (https, `plaid.com` or a subdomain) or, offline, to
//! the embedded sandbox's own origin opens as a child window built with the request's
//! features: on Linux that makes it a related view of the main webview, which keeps `opener`.
//! Any other http(s) URL goes to the system browser; anything else is refused. Pop-ups get no
//! capability (capabilities/main.json names only the main window).

use tauri::webview::{NewWindowFeatures, NewWindowResponse};
use tauri::{AppHandle, Manager, WebviewWindow, WebviewWindowBuilder, Wry};
use tauri_plugin_opener::OpenerExt;
use url::Url;

use crate::state::AppState;
use coffer_core::AppError;

/// Hosts whose pages may open in the system browser from `open_hosted_link` (exact match).
pub const HOSTED_LINK_HOSTS: &[&str] = &["secure.plaid.com", "hosted.plaid.com"];

/// Whether `url` is one of Plaid's hosts over https.
fn is_plaid(url: &Url) -> bool {
    url.scheme() == "https"
        && url
            .host_str()
            .is_some_and(|h| h == "plaid.com" || h.ends_with(".plaid.com"))
}

/// Whether `url` has the same origin as the embedded sandbox (`base`, offline mode only).
fn is_sandbox(url: &Url, base: &str) -> bool {
    let Ok(base) = Url::parse(base) else {
        return false;
    };
    url.scheme() == "http" && base.host_str() == Some("127.0.0.1") && url.origin() == base.origin()
}

/// What to do with a pop-up to `url`.
#[derive(Debug, PartialEq, Eq)]
pub enum PopupPolicy {
    /// A child window of the app.
    Child,
    /// The system browser.
    Browser,
    /// Nothing.
    Refuse,
}

/// The policy for a pop-up to `url` while the core talks to `base` (`None`: not open yet).
pub fn popup_policy(url: &Url, base: Option<&str>) -> PopupPolicy {
    if is_plaid(url) || base.is_some_and(|b| is_sandbox(url, b)) {
        PopupPolicy::Child
    } else if matches!(url.scheme(), "http" | "https") {
        PopupPolicy::Browser
    } else {
        PopupPolicy::Refuse
    }
}

/// A Hosted Link URL the shell may open in the system browser: https on an exact Plaid
/// host, or (offline) the embedded sandbox's origin.
pub fn checked_external_url(raw: &str, base: &str) -> Result<Url, AppError> {
    if raw.len() > 2048 {
        return Err(AppError::invalid("url is too long"));
    }
    let url = Url::parse(raw).map_err(|_| AppError::invalid("url is not a valid URL"))?;
    let plaid = url.scheme() == "https"
        && url
            .host_str()
            .is_some_and(|h| HOSTED_LINK_HOSTS.contains(&h));
    if plaid || is_sandbox(&url, base) {
        Ok(url)
    } else {
        Err(AppError::invalid(
            "only Plaid's Hosted Link pages can be opened in the browser",
        ))
    }
}

/// Opens `url` in the system browser.
pub fn open_in_browser(app: &AppHandle, url: &Url) -> Result<(), AppError> {
    app.opener()
        .open_url(url.as_str(), None::<&str>)
        .map_err(|e| AppError::Io {
            context: "failed to open the system browser",
            detail: e.to_string(),
        })
}

/// Builds the main window from its tauri.conf.json entry (`"create": false`) with the pop-up
/// handling above.
pub fn main_window(app: &AppHandle) -> tauri::Result<WebviewWindow> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    let handle = app.clone();
    let window = WebviewWindowBuilder::from_config(app, &config)?
        .on_new_window(move |url, features| new_window(&handle, url, features))
        .on_page_load(|_, payload| {
            if matches!(payload.event(), tauri::webview::PageLoadEvent::Finished) {
                crate::startup::step("page loaded");
            }
        })
        .build()?;
    crate::webview::tune(&window);
    Ok(window)
}

fn new_window(app: &AppHandle, url: Url, features: NewWindowFeatures) -> NewWindowResponse<Wry> {
    let base = app
        .state::<AppState>()
        .ready()
        .map(|c| c.base_url().to_string());
    match popup_policy(&url, base.as_deref()) {
        PopupPolicy::Child => {
            let label = format!(
                "popup-{}",
                POPUPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            );
            let built = WebviewWindowBuilder::new(
                app,
                label,
                tauri::WebviewUrl::External("about:blank".parse().expect("about:blank")),
            )
            .window_features(features)
            .title(url.host_str().unwrap_or("Sign in"))
            .build();
            match built {
                Ok(window) => {
                    crate::webview::tune(&window);
                    NewWindowResponse::Create { window }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not open a pop-up window");
                    NewWindowResponse::Deny
                }
            }
        }
        PopupPolicy::Browser => {
            if let Err(e) = open_in_browser(app, &url) {
                tracing::warn!(error = %e, "could not hand a link to the browser");
            }
            NewWindowResponse::Deny
        }
        PopupPolicy::Refuse => {
            tracing::warn!(scheme = url.scheme(), "refused a pop-up");
            NewWindowResponse::Deny
        }
    }
}

static POPUPS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn plaid_and_the_own_sandbox_open_inside_the_app() {
        let base = Some("http://127.0.0.1:41234");
        for url in [
            "https://cdn.plaid.com/link/v2/stable/oauth.html",
            "https://secure.plaid.com/oauth/x",
            "http://127.0.0.1:41234/link/oauth/bank?x=1",
        ] {
            assert_eq!(popup_policy(&u(url), base), PopupPolicy::Child, "{url}");
        }
        for url in [
            "http://cdn.plaid.com/x",          // not https
            "https://plaid.com.evil.example/", // look-alike
            "https://evilplaid.com/",          // suffix without the dot
            "http://127.0.0.1:9999/",          // another local port
            "http://localhost:41234/",         // not the sandbox's exact origin
            "https://www.chase.com/",
        ] {
            assert_eq!(popup_policy(&u(url), base), PopupPolicy::Browser, "{url}");
        }
        assert_eq!(
            popup_policy(&u("file:///etc/passwd"), base),
            PopupPolicy::Refuse
        );
        assert_eq!(
            popup_policy(&u("javascript:alert(1)"), base),
            PopupPolicy::Refuse
        );
        assert_eq!(
            popup_policy(&u("http://127.0.0.1:41234/"), None),
            PopupPolicy::Browser,
            "no sandbox known yet"
        );
    }

    #[test]
    fn only_hosted_link_pages_go_to_the_browser() {
        let base = "http://127.0.0.1:41234";
        assert!(checked_external_url("https://secure.plaid.com/link/abc", base).is_ok());
        assert!(checked_external_url("http://127.0.0.1:41234/link/hosted/x", base).is_ok());
        for bad in [
            "http://secure.plaid.com/link/abc",
            "https://secure.plaid.com.evil.example/",
            "https://cdn.plaid.com/x",
            "file:///etc/passwd",
            "not a url",
            "http://127.0.0.1:1/link/hosted/x",
        ] {
            let err = checked_external_url(bad, base).expect_err(bad);
            assert_eq!(err.code(), coffer_core::ErrorCode::InvalidInput, "{bad}");
        }
        let long = format!("https://secure.plaid.com/{}", "a".repeat(3000));
        assert!(checked_external_url(&long, base).is_err());
    }
}
