//! Plaid Link in a window of its own (docs/ARCHITECTURE.md, "Link, isolated").
//!
//! Plaid's script (or the offline stand-in) is third-party code. It never runs in the main
//! window, whose capability grants the app's commands; it runs in the `link` window, built
//! here, whose page (`ui/link.html`) loads the script and whose capability
//! (`capabilities/link.json`) allows three commands only: [`link_session`] (its token and
//! script), [`link_success`] and [`link_exit`]. What Link's success means (an exchange, or
//! the end of update mode) is decided here and in the core, never by the page; the main
//! window hears the outcome as a `link:ended` event.
//!
//! Pop-ups (OAuth) open as child windows only while they stay on Plaid's hosts (the embedded
//! sandbox's origin offline). A pop-up to, or a navigation into, any other site is a bank's
//! own page: the app ends embedded Link and the main window carries on as Hosted Link in the
//! system browser ([`LinkOutcome::Handoff`]), because banks such as Chase refuse in-app web
//! views and Plaid deprecates Link inside them. Every pop-up closes when Link ends, and when
//! its page closes itself.

use std::sync::Mutex;

use coffer_core::{
    AppError, Coffer, CreateLinkTokenInput, ErrorView, ExchangeInput, LinkEnded, LinkExitInput,
    LinkExitReport, LinkOutcome, LinkSessionView, OpenLinkInput,
};
use tauri::webview::{NewWindowFeatures, NewWindowResponse};
use tauri::{AppHandle, Emitter, Manager, WebviewWindow, WebviewWindowBuilder, Wry};
use url::Url;

use crate::popups::{self, Origins};

/// The Link window's label (its capability names it).
pub const LABEL: &str = "link";

/// What one bank did that the app will not show inside itself.
pub const HANDOFF_MESSAGE: &str = "This bank signs you in on its own website, which apps may not show inside \
     themselves, so Coffer continues in your browser.";

/// The Link session the `link` window shows.
#[derive(Debug, Clone)]
pub struct LinkSession {
    link_token: String,
    script_url: String,
    link_id: Option<i64>,
    account_selection: bool,
}

/// The open Link session, if any (one at a time).
#[derive(Debug, Default)]
pub struct Sessions(Mutex<Option<LinkSession>>);

impl Sessions {
    fn set(&self, session: LinkSession) -> bool {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            return false;
        }
        *slot = Some(session);
        true
    }

    fn current(&self) -> Option<LinkSession> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Ends the session: only the first of several endings (success, exit, hand-off, the
    /// window closed) gets it.
    fn take(&self) -> Option<LinkSession> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// `open_link`: a link token for the purpose, then the Link window.
pub async fn open(app: &AppHandle, coffer: &Coffer, input: OpenLinkInput) -> Result<(), AppError> {
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.set_focus();
        return Err(AppError::invalid(
            "Plaid Link is already open: finish or close it first",
        ));
    }
    let token = coffer
        .create_link_token(CreateLinkTokenInput {
            use_cache: true,
            link_id: input.link_id,
            account_selection: input.account_selection,
            hosted: false,
        })
        .await?;
    let script_url = coffer.get_status().await?.link_script_url;
    let sessions = app.state::<Sessions>();
    if !sessions.set(LinkSession {
        link_token: token.link_token,
        script_url,
        link_id: input.link_id,
        account_selection: input.account_selection,
    }) {
        return Err(AppError::invalid(
            "Plaid Link is already open: finish or close it first",
        ));
    }
    if let Err(e) = build(app) {
        sessions.take();
        return Err(AppError::Io {
            context: "failed to open the Plaid Link window",
            detail: e.to_string(),
        });
    }
    Ok(())
}

fn build(app: &AppHandle) -> tauri::Result<WebviewWindow> {
    let mut builder =
        WebviewWindowBuilder::new(app, LABEL, tauri::WebviewUrl::App("link.html".into()))
            .title("Plaid Link · Coffer")
            .inner_size(480.0, 720.0)
            .min_inner_size(360.0, 560.0)
            .center()
            .focused(true);
    if let Some(main) = app.get_webview_window("main") {
        builder = builder.parent(&main)?;
    }
    let for_popups = app.clone();
    let for_navigation = app.clone();
    let window = builder
        .on_new_window(move |url, features| new_window(&for_popups, url, features))
        .on_navigation(move |url| allowed_in_link(&for_navigation, url))
        .build()?;
    crate::webview::tune(&window);
    let handle = app.clone();
    window.on_window_event(move |event| {
        if matches!(event, tauri::WindowEvent::Destroyed) {
            // Closed by the person (or by us after an ending, when the session is gone).
            if handle.state::<Sessions>().take().is_some() {
                emit_ended(&handle, ended(LinkOutcome::Exit));
                close_popups(&handle);
            }
        }
    });
    Ok(window)
}

/// The origins Link may use now (Plaid's hosts, the app's own pages, offline the sandbox).
fn origins(app: &AppHandle) -> Origins {
    Origins::new(popups::base_url(app))
}

/// Navigations in the Link window (its page and Link's iframes): the app's own page, Plaid,
/// and offline the sandbox. A bank's site ends embedded Link with a hand-off.
fn allowed_in_link(app: &AppHandle, url: &Url) -> bool {
    let origins = origins(app);
    if popups::is_app_page(url) || origins.is_plaid(url) || matches!(url.scheme(), "about" | "blob")
    {
        return true;
    }
    if matches!(url.scheme(), "http" | "https") {
        hand_off(app, url);
    } else {
        tracing::warn!(
            scheme = url.scheme(),
            "refused a navigation in the Link window"
        );
    }
    false
}

fn new_window(app: &AppHandle, url: Url, features: NewWindowFeatures) -> NewWindowResponse<Wry> {
    let origins = origins(app);
    if origins.is_plaid(&url) {
        let handle = app.clone();
        return popups::child_window(app, &url, features, move |to| {
            if origins.is_plaid(to) {
                true
            } else {
                hand_off(&handle, to);
                false
            }
        });
    }
    if matches!(url.scheme(), "http" | "https") {
        hand_off(app, &url);
    } else {
        tracing::warn!(scheme = url.scheme(), "refused a pop-up from Link");
    }
    NewWindowResponse::Deny
}

/// Ends embedded Link because `url` (a bank's own page) would show inside the app.
fn hand_off(app: &AppHandle, url: &Url) {
    tracing::info!(
        host = url.host_str().unwrap_or(""),
        "a bank's own page: continuing as Hosted Link in the browser"
    );
    let handle = app.clone();
    // Not from inside the webview's own callback: close the windows on the event loop.
    let _ = app.run_on_main_thread(move || {
        if handle.state::<Sessions>().take().is_some() {
            emit_ended(
                &handle,
                LinkEnded {
                    message: Some(HANDOFF_MESSAGE.into()),
                    ..ended(LinkOutcome::Handoff)
                },
            );
        }
        close_all(&handle);
    });
}

fn ended(outcome: LinkOutcome) -> LinkEnded {
    LinkEnded {
        outcome,
        link_id: None,
        institution_name: None,
        error: None,
        message: None,
    }
}

fn emit_ended(app: &AppHandle, event: LinkEnded) {
    if let Err(e) = app.emit_to("main", "link:ended", &event) {
        tracing::warn!(error = %e, "could not emit link:ended");
    }
}

/// Closes the Link window and every pop-up.
pub fn close_all(app: &AppHandle) {
    close_popups(app);
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.destroy();
    }
}

fn close_popups(app: &AppHandle) {
    for (label, window) in app.webview_windows() {
        if label.starts_with(popups::POPUP_PREFIX) {
            let _ = window.destroy();
        }
    }
}

/// `link_session`: the token and script of the open session.
pub fn session(app: &AppHandle) -> Result<LinkSessionView, AppError> {
    let s = app
        .state::<Sessions>()
        .current()
        .ok_or_else(|| AppError::invalid("no Plaid Link session is open"))?;
    Ok(LinkSessionView {
        link_token: s.link_token,
        script_url: s.script_url,
    })
}

/// `link_success`: Link's onSuccess. A new link is exchanged, an update mode finished; the
/// main window hears how it went; the Link window closes.
pub async fn success(
    app: &AppHandle,
    coffer: &Coffer,
    input: ExchangeInput,
) -> Result<(), AppError> {
    let session = app
        .state::<Sessions>()
        .take()
        .ok_or_else(|| AppError::invalid("no Plaid Link session is open"))?;
    let institution_name = Some(input.institution_name.clone()).filter(|n| !n.is_empty());
    let result = match session.link_id {
        None => coffer.exchange_public_token(input).await.map(|o| o.link_id),
        Some(id) => {
            let ids = session.account_selection.then(|| input.account_ids.clone());
            coffer.finish_update(id, ids).await.map(|v| v.id)
        }
    };
    let event = match &result {
        Ok(id) => {
            crate::events::links_changed(app, &[*id]);
            LinkEnded {
                link_id: Some(*id),
                institution_name,
                ..ended(LinkOutcome::Success)
            }
        }
        Err(e) => LinkEnded {
            error: Some(ErrorView::from(e)),
            institution_name,
            ..ended(LinkOutcome::Failed)
        },
    };
    emit_ended(app, event);
    close_on_main(app);
    result.map(|_| ())
}

/// `link_exit`: Link's onExit (or its script did not load). A token whose session ended in an
/// error is retired; the main window hears why; the Link window closes.
pub async fn exit(
    app: &AppHandle,
    coffer: &Coffer,
    report: LinkExitReport,
) -> Result<(), AppError> {
    if let Some(code) = &report.error_code {
        coffer_core::validate::token_like("errorCode", code, 100)?;
    }
    let session = app
        .state::<Sessions>()
        .take()
        .ok_or_else(|| AppError::invalid("no Plaid Link session is open"))?;
    let retired = coffer
        .report_link_exit(LinkExitInput {
            link_token: session.link_token.clone(),
            error_code: report.error_code.clone(),
        })
        .await;
    if let Err(e) = retired {
        tracing::warn!(error = %e, "could not record Link's exit");
    }
    let event = match &report.load_error {
        // Link never opened: the loader's own sentence says why and what to do.
        Some(load) => LinkEnded {
            message: Some(load.chars().take(300).collect()),
            ..ended(LinkOutcome::Failed)
        },
        None => LinkEnded {
            error: report.error().as_ref().map(ErrorView::from),
            ..ended(LinkOutcome::Exit)
        },
    };
    emit_ended(app, event);
    close_on_main(app);
    Ok(())
}

fn close_on_main(app: &AppHandle) {
    let handle = app.clone();
    let _ = app.run_on_main_thread(move || close_all(&handle));
}
