//! Steps through the offline Link stand-in's views (the embedded frame and Hosted Link show
//! the same ones), for tests that drive it in MiniBrowser or in the desktop app.

use crate::Browser;

/// The WebDriver key code of Enter.
pub const ENTER: &str = "\u{E007}";

/// Waits for a view of Link.
pub async fn view(b: &Browser, name: &str) {
    b.wait(
        &format!("Link's {name} view"),
        &format!("return document.querySelector('.view-{name}')"),
    )
    .await;
}

/// Consent, then the institution search: picks `id` after typing `search`.
pub async fn pick(b: &Browser, search: &str, id: &str) {
    b.click("[data-action=continue]").await;
    view(b, "select").await;
    b.type_into("#search", search).await;
    b.click(&format!("button[data-institution-id='{id}']"))
        .await;
}

/// Signs in on the credentials view.
pub async fn login(b: &Browser, user: &str, pass: &str) {
    view(b, "credential").await;
    b.type_into("#username", user).await;
    b.type_into("#password", pass).await;
    b.keys(ENTER).await;
}

/// Ticks the accounts with these masks, submits, and leaves Link from its last view.
pub async fn choose(b: &Browser, masks: &[&str]) {
    view(b, "accounts").await;
    for m in masks {
        b.click(&format!("input[data-mask='{m}']")).await;
    }
    b.click("button[type=submit]").await;
    view(b, "connected").await;
    b.click("[data-action=continue]").await;
}
