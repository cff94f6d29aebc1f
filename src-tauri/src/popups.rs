//! Windows: the main window (built here, not from the config, so its navigations and
//! new-window requests can be decided), the pop-up windows Plaid Link opens for OAuth (see
//! `link_window`, which owns Link's window and decides what its pop-ups may show), and URLs
//! handed to the system browser.
//!
//! The main window shows the app's own pages only: any navigation away is refused, and a
//! page it asks to open in a new window goes to the system browser (https only). Pop-ups are
//! child windows built with the request's features (on Linux a related view, which keeps
//! `window.opener`); they get no capability (only `main` and `link` are named in
//! `capabilities/`), and each one closes when its page calls `window.close()`.

use tauri::webview::{NewWindowFeatures, NewWindowResponse};
use tauri::{AppHandle, Manager, WebviewWindow, WebviewWindowBuilder, Wry};
use tauri_plugin_opener::OpenerExt;
use url::Url;

use crate::state::AppState;
use coffer_core::AppError;

/// Hosts whose pages may open in the system browser from `open_hosted_link` (exact match).
pub const HOSTED_LINK_HOSTS: &[&str] = &["secure.plaid.com", "hosted.plaid.com"];

/// Labels of pop-up windows start with this.
pub const POPUP_PREFIX: &str = "popup-";

/// Plaid's End User Privacy Policy (the data-use screen links to it).
pub const PLAID_PRIVACY_POLICY: &str = "https://plaid.com/legal/#end-user-privacy-policy";

/// Whether `url` is one of the app's own pages (its custom protocol: `tauri://localhost` on
/// Linux and macOS, `http(s)://tauri.localhost` on Windows).
pub fn is_app_page(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

/// Plaid's side of a Link flow: https on `plaid.com` or a subdomain, and in offline mode the
/// embedded sandbox's own origin (which plays Plaid's hosts).
#[derive(Debug, Clone)]
pub struct Origins {
    sandbox: Option<Url>,
}

impl Origins {
    /// Plaid's hosts, plus the sandbox at `base` when it is a loopback http origin (offline).
    pub fn new(base: Option<String>) -> Self {
        let sandbox = base
            .and_then(|b| Url::parse(&b).ok())
            .filter(|b| b.scheme() == "http" && b.host_str() == Some("127.0.0.1"));
        Origins { sandbox }
    }

    /// Whether `url` is on Plaid's side of the flow.
    pub fn is_plaid(&self, url: &Url) -> bool {
        let plaid = url.scheme() == "https"
            && url
                .host_str()
                .is_some_and(|h| h == "plaid.com" || h.ends_with(".plaid.com"));
        plaid || self.is_sandbox(url)
    }

    fn is_sandbox(&self, url: &Url) -> bool {
        self.sandbox
            .as_ref()
            .is_some_and(|b| url.scheme() == "http" && url.origin() == b.origin())
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
    if plaid || Origins::new(Some(base.to_string())).is_sandbox(&url) {
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

/// Builds the main window from its tauri.conf.json entry (`"create": false`): it stays on the
/// app's pages; new windows it asks for go to the browser (https) or nowhere.
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
        .on_navigation(|url| {
            let allowed = is_app_page(url);
            if !allowed {
                tracing::warn!(
                    scheme = url.scheme(),
                    host = url.host_str().unwrap_or(""),
                    "refused a navigation away from the app"
                );
            }
            allowed
        })
        .on_new_window(move |url, _features| {
            if url.scheme() == "https" {
                if let Err(e) = open_in_browser(&handle, &url) {
                    tracing::warn!(error = %e, "could not hand a link to the browser");
                }
            } else {
                tracing::warn!(scheme = url.scheme(), "refused a new window");
            }
            NewWindowResponse::Deny
        })
        .on_page_load(|_, payload| {
            if matches!(payload.event(), tauri::webview::PageLoadEvent::Finished) {
                crate::startup::step("page loaded");
            }
        })
        .build()?;
    crate::webview::tune(&window);
    Ok(window)
}

/// A pop-up as a child window with `features` (a related view of its opener on Linux),
/// starting at `url`; `stay` decides each navigation in it. It closes when its page does.
pub fn child_window(
    app: &AppHandle,
    url: &Url,
    features: NewWindowFeatures,
    stay: impl Fn(&Url) -> bool + Send + Sync + 'static,
) -> NewWindowResponse<Wry> {
    let stay = std::sync::Arc::new(stay);
    let decide = stay.clone();
    let label = format!(
        "{POPUP_PREFIX}{}",
        POPUPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let built = WebviewWindowBuilder::new(
        app,
        label,
        tauri::WebviewUrl::External("about:blank".parse().expect("about:blank")),
    )
    .window_features(features)
    .title(url.host_str().unwrap_or("Sign in"))
    .on_navigation(move |to| to.scheme() == "about" || stay(to))
    .build();
    match built {
        Ok(window) => {
            crate::webview::tune(&window);
            follow_page(&window, move |to: &Url| {
                to.scheme() == "about" || decide(to)
            });
            NewWindowResponse::Create { window }
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not open a pop-up window");
            NewWindowResponse::Deny
        }
    }
}

/// Follows the page of a pop-up `window` on Linux, a window made in answer to `window.open`
/// (a related view), for which Tauri's page-load hook is never called (seen here), so its
/// navigation hook is not relied on alone either:
/// - each navigation is put to `stay` in WebKit's own `decide-policy`, refused when it says no;
/// - when the page calls `window.close()`, WebKitGTK asks the view to close and wry destroys
///   the view only, leaving its GTK window on screen as an empty frame: the whole window is
///   closed when its view goes.
fn follow_page(window: &WebviewWindow, stay: impl Fn(&Url) -> bool + Send + Sync + 'static) {
    #[cfg(target_os = "linux")]
    {
        let handle = window.clone();
        let result = window.with_webview(move |webview| {
            use webkit2gtk::glib::prelude::{Cast, ObjectExt};
            use webkit2gtk::{
                NavigationPolicyDecision, NavigationPolicyDecisionExt, PolicyDecisionExt,
                PolicyDecisionType, URIRequestExt, WebViewExt,
            };
            let view = webview.inner();
            view.connect_decide_policy(move |_, decision, kind| {
                if !matches!(
                    kind,
                    PolicyDecisionType::NavigationAction | PolicyDecisionType::NewWindowAction
                ) {
                    return false;
                }
                let uri = decision
                    .downcast_ref::<NavigationPolicyDecision>()
                    .and_then(|d| d.navigation_action())
                    .and_then(|action| action.request())
                    .and_then(|r| r.uri())
                    .and_then(|u| Url::parse(&u).ok());
                match uri {
                    Some(url) if !stay(&url) => {
                        decision.ignore();
                        true
                    }
                    _ => false,
                }
            });
            // wry answers the view's `close` signal by destroying the view (which also
            // disconnects any later `close` handler): follow the view's `destroy` instead.
            let handle = handle.clone();
            view.connect_local("destroy", false, move |_| {
                tracing::info!(
                    window = handle.label(),
                    "its page closed: closing the pop-up"
                );
                let _ = handle.destroy();
                None
            });
        });
        if let Err(e) = result {
            tracing::warn!("pop-up: cannot follow its page: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (window, stay);
}

static POPUPS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The Plaid base URL of the open core, if open.
pub fn base_url(app: &AppHandle) -> Option<String> {
    app.state::<AppState>()
        .ready()
        .map(|c| c.base_url().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn plaid_and_the_own_sandbox_are_plaids_side() {
        let offline = Origins::new(Some("http://127.0.0.1:41234".into()));
        for url in [
            "https://cdn.plaid.com/link/v2/stable/oauth.html",
            "https://secure.plaid.com/oauth/x",
            "http://127.0.0.1:41234/link/oauth?x=1",
        ] {
            assert!(offline.is_plaid(&u(url)), "{url}");
        }
        for url in [
            "http://cdn.plaid.com/x",          // not https
            "https://plaid.com.evil.example/", // look-alike
            "https://evilplaid.com/",          // suffix without the dot
            "http://127.0.0.1:9999/",          // another local port: a bank's own site
            "http://localhost:41234/",         // not the sandbox's exact origin
            "https://www.chase.com/",
            "file:///etc/passwd",
            "javascript:alert(1)",
        ] {
            assert!(!offline.is_plaid(&u(url)), "{url}");
        }
        // Online, the loopback sandbox is nobody's: only Plaid's hosts count.
        let online = Origins::new(Some("https://production.plaid.com".into()));
        assert!(!online.is_plaid(&u("http://127.0.0.1:41234/link/oauth")));
        assert!(online.is_plaid(&u("https://cdn.plaid.com/link/v2/stable/oauth.html")));
        assert!(!Origins::new(None).is_plaid(&u("http://127.0.0.1:41234/")));
    }

    #[test]
    fn the_app_pages_are_its_custom_protocol_only() {
        for ok in [
            "tauri://localhost/index.html",
            "tauri://localhost/link.html",
            "http://tauri.localhost/",
            "https://tauri.localhost/index.html",
        ] {
            assert!(is_app_page(&u(ok)), "{ok}");
        }
        for bad in [
            "tauri://evil/",
            "https://cdn.plaid.com/",
            "http://127.0.0.1:1/",
            "http://tauri.localhost.evil.example/",
            "file:///",
        ] {
            assert!(!is_app_page(&u(bad)), "{bad}");
        }
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
