//! The Settings screen: what is saved is what the app keeps (reopened, in `settings.json`, and
//! in what the app does next); a bad value is named and changes nothing.

use std::time::{Duration, Instant};

use coffer_webdriver::button;
use serde_json::{Value, json};

use crate::app::{App, cli_binary};

/// `settings.json` of the app's data directory, parsed.
fn settings_file(app: &App) -> Value {
    let text = std::fs::read_to_string(app.data_dir().join("settings.json")).unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Waits (up to 10 s) until `settings.json` satisfies `ok`; returns it.
async fn wait_settings_file(app: &App, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let saved = settings_file(app);
        if ok(&saved) {
            return saved;
        }
        assert!(
            Instant::now() < deadline,
            "settings.json: {what} within 10 s: {saved}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What the form shows: the link limit, the history in days, the countries ticked and the
/// sign-in choice.
async fn form(app: &App) -> Value {
    app.browser
        .js(
            "var field = function (label) { \
               var l = Array.prototype.find.call(document.querySelectorAll('label'), function (x) { \
                 var s = x.querySelector('span'); return s && s.textContent === label; }); \
               return l && l.querySelector('input'); }; \
             var ticked = Array.prototype.filter.call( \
               document.querySelectorAll('.countries input[type=checkbox]'), function (i) { return i.checked; }) \
               .map(function (i) { return i.parentElement.textContent.trim(); }); \
             var signIn = document.querySelector('input[name=sign-in]:checked'); \
             return { linkLimit: field('Link limit').value, \
                      days: field('Transaction history (days)').value, \
                      countries: ticked, signIn: signIn && signIn.value }",
            json!([]),
        )
        .await
}

/// Opens Settings afresh (from another screen) and waits until its form shows the saved
/// settings (it reads them when it opens).
async fn reopen(app: &App) {
    app.go("accounts").await;
    app.go("settings").await;
    app.wait(
        "the settings form, read",
        "return document.querySelector('form .where code')",
    )
    .await;
}

/// Waits until the form shows `expected`.
async fn wait_form(app: &App, expected: &Value) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let shown = form(app).await;
        if &shown == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the form shows {shown}, not {expected}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A link limit, a history length and a country are saved: the reopened screen and
/// `settings.json` both have them, and the app keeps to the limit (a second link is refused
/// with the way out). Sign-in is saved as soon as it is chosen. A link limit of 0 is named
/// under its field, cannot be saved (neither from the form nor by calling the app's command),
/// and leaves `settings.json` and the form as saved.
#[tokio::test]
async fn settings_are_kept_and_a_bad_value_changes_nothing() {
    let app = App::start("settings").await;
    app.go("settings").await;
    app.wait(
        "the settings form, read",
        "return document.querySelector('form .where code')",
    )
    .await;
    wait_form(
        &app,
        &json!({"linkLimit": "10", "days": "730", "countries": ["United States"], "signIn": "app"}),
    )
    .await;

    app.fill("Link limit", "1").await;
    app.fill("Transaction history (days)", "365").await;
    app.browser
        .click(
            "xpath://div[contains(@class,'countries')]//label[normalize-space(.)='Canada']/input",
        )
        .await;
    app.browser.click(&button("Save settings")).await;
    app.wait(
        "Saved.",
        "var s = document.querySelector('.save-status'); return s && s.textContent.trim() === 'Saved.'",
    )
    .await;
    let saved = wait_settings_file(&app, "the new link limit", |s| s["linkLimit"] == 1).await;
    assert_eq!(saved["daysRequested"], 365, "{saved}");
    let mut countries: Vec<String> =
        serde_json::from_value(saved["countryCodes"].clone()).expect("countryCodes");
    countries.sort();
    assert_eq!(countries, ["CA", "US"], "{saved}");

    let kept = json!({"linkLimit": "1", "days": "365", "countries": ["United States", "Canada"],
                      "signIn": "app"});
    reopen(&app).await;
    wait_form(&app, &kept).await;
    app.shot("1-saved").await;
    app.display_shot("1-saved");

    // Sign in to banks: saved at once, kept.
    app.browser
        .click("input[name=sign-in][value=browser]")
        .await;
    let saved = wait_settings_file(&app, "signIn browser", |s| s["signIn"] == "browser").await;
    assert_eq!(saved["linkLimit"], 1, "the rest is as it was: {saved}");
    let kept = json!({"linkLimit": "1", "days": "365", "countries": ["United States", "Canada"],
                      "signIn": "browser"});
    reopen(&app).await;
    wait_form(&app, &kept).await;

    // A bad value: named under its field, Save disabled, Enter saves nothing.
    let before = std::fs::read(app.data_dir().join("settings.json")).expect("settings.json");
    app.fill("Link limit", "0").await;
    let problem = app
        .wait(
            "the link limit's problem",
            "var i = Array.prototype.find.call(document.querySelectorAll('label'), function (x) { \
               var s = x.querySelector('span'); return s && s.textContent === 'Link limit'; }); \
             var p = i && i.querySelector('small.problem'); \
             return p && i.querySelector('input').getAttribute('aria-invalid') === 'true' && p.textContent.trim()",
        )
        .await;
    assert_eq!(problem, json!("Between 1 and 1000."));
    let disabled = app
        .browser
        .js(
            "return Array.prototype.find.call(document.querySelectorAll('button[type=submit]'), \
               function (b) { return b.textContent.trim() === 'Save settings'; }).disabled",
            json!([]),
        )
        .await;
    assert_eq!(disabled, json!(true), "Save is disabled with a bad value");
    app.shot("2-bad-value").await;
    app.display_shot("2-bad-value");
    app.browser.keys(coffer_webdriver::link::ENTER).await;
    // A save made after the Enter (sign-in, saved at once) lands; the bad value did not.
    app.browser.click("input[name=sign-in][value=app]").await;
    let after = wait_settings_file(&app, "signIn app", |s| s["signIn"] == "app").await;
    let mut expected: Value = serde_json::from_slice(&before).expect("settings before");
    expected["signIn"] = json!("app");
    assert_eq!(after, expected, "only the sign-in choice changed");
    assert!(
        !app.body_text().await.contains("Saved."),
        "nothing was saved from the form"
    );
    // The app's own command refuses it too, in words, and writes nothing.
    let before = std::fs::read(app.data_dir().join("settings.json")).expect("settings.json");
    let refused = app
        .browser
        .js_async(
            "var done = arguments[arguments.length - 1]; \
             window.__TAURI_INTERNALS__.invoke('save_settings', { input: { linkLimit: 0 } }) \
               .then(function (v) { done({ saved: v }); }, function (e) { done({ refused: e }); });",
            json!([]),
        )
        .await;
    let message = refused["refused"].to_string();
    assert!(
        message.contains("linkLimit must be between 1 and 1000"),
        "a clear refusal: {refused}"
    );
    assert_eq!(
        std::fs::read(app.data_dir().join("settings.json")).expect("settings.json"),
        before,
        "settings.json unchanged"
    );
    reopen(&app).await;
    wait_form(
        &app,
        &json!({"linkLimit": "1", "days": "365", "countries": ["United States", "Canada"],
                "signIn": "app"}),
    )
    .await;

    // The saved limit is the app's: with one link, another is refused with the way out.
    let out = std::process::Command::new(cli_binary())
        .args(["link", "--sandbox", "ins_109508"])
        .env("COFFER_HOME", app.data_dir())
        .output()
        .expect("run coffer-cli");
    assert!(
        out.status.success(),
        "coffer-cli link: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.go("accounts").await;
    app.wait_cards(1, 15).await;
    app.browser.click(".add .btn.primary").await;
    app.wait_text("Before you link a bank", 10).await;
    app.browser.click(&button("Continue")).await;
    app.wait_text("maximum number of linked banks", 15).await;
    app.wait_text("raise the limit in Settings", 1).await;
    app.shot("3-limit-reached").await;
    assert_eq!(app.browser.handles().await.len(), 1, "no Link window");
    assert_eq!(app.links().len(), 1);
}
