//! Link isolated and real banks' OAuth rules: Link's window can call only its own three
//! commands and the main window none of them; the main window loads no third-party script and
//! cannot be navigated away; a bank that signs people in on its own site is handed to Hosted
//! Link in the browser; without a browser the app shows the address and a QR code and keeps
//! waiting; a consent that ends soon says "Reconnect before".

use std::time::{Duration, Instant};

use coffer_webdriver::{Browser, button};
use serde_json::{Value, json};

use crate::app::{self, App, masks};

/// Calls each command from the current document through Tauri's IPC; what each answered:
/// `"ok"` or the rejection's text.
async fn invoke_each(app: &App, calls: Value) -> Vec<String> {
    let v = app
        .browser
        .js_async(
            "var done = arguments[arguments.length - 1]; \
             var invoke = window.__TAURI_INTERNALS__.invoke; \
             Promise.allSettled(arguments[0].map(function (c) { return invoke(c[0], c[1]); })) \
               .then(function (r) { done(r.map(function (x) { \
                 return x.status === 'fulfilled' ? 'ok' : \
                   (typeof x.reason === 'string' ? x.reason : JSON.stringify(x.reason)); })); });",
            json!([calls]),
        )
        .await;
    serde_json::from_value(v).expect("answers")
}

/// The app's own `get_status` (its embedded sandbox's address, not the CLI's).
async fn main_status(app: &App) -> Value {
    app.to_main().await;
    app.browser
        .js_async(
            "var done = arguments[arguments.length - 1]; \
             window.__TAURI_INTERNALS__.invoke('get_status', {}).then(done, function (e) { done({ error: e }); });",
            json!([]),
        )
        .await
}

/// `settings.json` of the app's data directory.
fn settings(app: &App) -> Value {
    let text = std::fs::read_to_string(app.data_dir().join("settings.json")).unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn refused(answer: &str) -> bool {
    answer.contains("not allowed")
}

/// A page in the Link window (where Plaid's script runs) cannot call the app's commands; the
/// main window cannot call Link's, loads no script from Plaid or loopback, and refuses to be
/// navigated away from the app.
#[tokio::test]
async fn link_runs_isolated_from_the_app() {
    let app = App::start("isolation").await;
    let status = main_status(&app).await;
    let base = status["baseUrl"].as_str().expect("baseUrl").to_string();
    let script = status["linkScriptUrl"]
        .as_str()
        .expect("linkScriptUrl")
        .to_string();
    app.open_link(".empty .btn.primary").await;
    app.shot("1-link-window").await;
    // The Link window's own document: where Plaid's script was loaded.
    app.browser.top().await;
    let loaded = app
        .browser
        .js(
            "return !!document.querySelector('script[src*=\"link-initialize.js\"]') && typeof window.Plaid",
            json!([]),
        )
        .await;
    assert_eq!(
        loaded,
        json!("object"),
        "Plaid's script runs in the Link window"
    );
    let answers = invoke_each(
        &app,
        json!([
            ["list_links", {}],
            ["list_transactions", {"input": {"limit": 10}}],
            ["export_transactions", {"input": {"format": "csv"}}],
            ["remove_link", {"input": {"linkId": 1, "keepData": false}}],
            ["save_settings", {"input": {"clientId": "attacker"}}],
            ["open_hosted_link", {"input": {"url": "https://secure.plaid.com/x"}}],
            ["link_session", {}],
        ]),
    )
    .await;
    for (i, answer) in answers[..6].iter().enumerate() {
        assert!(refused(answer), "call {i} from the Link window: {answer}");
    }
    assert_eq!(answers[6], "ok", "the Link window may read its session");

    app.to_main().await;
    let answers = invoke_each(
        &app,
        json!([
            ["link_session", {}],
            ["link_success", {"input": {"publicToken": "public-sandbox-x", "institutionId": "ins_109508",
                               "institutionName": "x", "accountIds": ["a"]}}],
            ["link_exit", {"input": {}}],
        ]),
    )
    .await;
    for answer in &answers {
        assert!(
            refused(answer),
            "Link's command from the main window: {answer}"
        );
    }
    // The main window's CSP allows no script from the sandbox (or Plaid).
    let verdict = app
        .browser
        .js_async(
            "var done = arguments[arguments.length - 1]; var s = document.createElement('script'); \
             s.src = arguments[0]; s.onload = function () { done('loaded'); }; \
             s.onerror = function () { done('blocked'); }; document.head.appendChild(s);",
            json!([script]),
        )
        .await;
    assert_eq!(
        verdict,
        json!("blocked"),
        "{script} loaded in the main window"
    );
    // Cancel closes the Link window.
    app.browser.click(&button("Cancel")).await;
    app.browser.wait_windows(1).await;
    assert!(
        app.x_windows("Plaid Link").is_empty(),
        "the Link window is gone"
    );

    // Navigation away from the app is refused: the page (and its state) stays. The app
    // decides each navigation before WebKit starts it, and logs each one it refuses.
    const REFUSED: &str = "refused a navigation away from the app";
    let refused_before = app.log_count(REFUSED);
    app.browser
        .js(
            "window.__stay = 'here'; var to = arguments[0]; setTimeout(function () { location.href = to; }, 0);",
            json!([format!("{base}/")]),
        )
        .await;
    app.browser
        .js(
            "var a = document.createElement('a'); a.href = arguments[0]; document.body.appendChild(a); a.click();",
            json!([format!("{base}/link/frame")]),
        )
        .await;
    // Both decisions made (an allowed navigation is not logged, so this fails at once on an
    // app that lets them through), then a round trip through the app's IPC, which only the
    // app's own live page can make: after both, the page and its state must still be here.
    app.wait_log(REFUSED, refused_before + 2, 10).await;
    let again = main_status(&app).await;
    assert_eq!(again["baseUrl"], json!(base), "{again}");
    let state = app
        .browser
        .try_js("return [location.protocol, window.__stay || null]")
        .await
        .unwrap_or_else(|e| panic!("the main window navigated away: {e}"));
    assert_eq!(
        state,
        json!(["tauri:", "here"]),
        "the main window left the app"
    );
    assert!(app.body_text().await.contains("No banks linked yet"));
}

/// Waits for the app to hand a URL to the system browser; returns the newest.
async fn opened_url(app: &App) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(u) = app.opened_urls().pop() {
            return u;
        }
        assert!(Instant::now() < deadline, "the app opened no URL");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs Hosted Link at `url` in a separate browser through the own-site OAuth bank (Wombat
/// Federal): its page is on another origin, which sends the person back to Hosted Link.
async fn hosted_own_site_bank(url: &str, shot: &str) {
    let web = Browser::start(false).await;
    web.goto(url).await;
    app::view(&web, "consent").await;
    app::pick(&web, "wombat", "ins_900001").await;
    app::view(&web, "oauth").await;
    web.click("[data-action=continue]").await;
    web.wait(
        "the bank's own page",
        "return location.pathname === '/oauth/authorize' && document.querySelector('#authorize')",
    )
    .await;
    let bank = web.url().await;
    assert!(
        !url.starts_with(bank.split("/oauth").next().unwrap_or_default()),
        "the bank's page is on another origin: {bank} vs {url}"
    );
    web.screenshot(&app::shots_dir().join(format!("{shot}-bank.png")))
        .await;
    web.click("#authorize").await;
    app::choose(&web, &["0000"]).await;
    app::view(&web, "done").await;
    web.quit().await;
}

/// A bank that signs people in on its own site: embedded Link would open its page in a
/// pop-up; the app does not show it, closes Link, says why in one sentence and carries the
/// same purpose on as Hosted Link in the browser, which ends in the new link.
#[tokio::test]
async fn a_bank_on_its_own_site_continues_in_the_browser() {
    let app = App::start("handoff").await;
    app.open_link(".empty .btn.primary").await;
    app.pick("wombat", "ins_900001").await;
    app.view("oauth").await;
    // The bank's page would open in a pop-up: the app hands off and closes Link at once.
    app.browser.click_closing("[data-action=continue]").await;
    app.browser.wait_windows(1).await;
    app.to_main().await;
    app.wait_text("signs you in on its own website", 15).await;
    app.wait_text("Waiting for you to finish in your browser", 15)
        .await;
    app.shot("1-handed-off").await;
    assert!(
        app.x_windows("127.0.0.1").is_empty() && app.x_windows("Plaid Link").is_empty(),
        "no bank page and no Link window inside the app"
    );
    let url = opened_url(&app).await;
    assert!(
        url.contains("/link/hosted/"),
        "Hosted Link, not the bank's page: {url}"
    );
    hosted_own_site_bank(&url, "handoff-2").await;
    app.wait_links(1).await;
    app.shot("3-linked").await;
    // The whole Hosted Link flow has ended since: a bank page or Link window that the app
    // had opened late would be on screen by now.
    assert!(
        app.x_windows("127.0.0.1").is_empty() && app.x_windows("Plaid Link").is_empty(),
        "a bank page or Link window inside the app after the hand-off"
    );
    assert_eq!(app.browser.handles().await.len(), 1, "only the main window");
    let links = app.links();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["institutionId"], "ins_900001");
    assert_eq!(masks(&links[0]), ["0000"]);
}

/// No browser can be opened: the app says so in one sentence, shows the Hosted Link address
/// with a Copy button and a QR code, and keeps waiting; finishing elsewhere links the bank.
#[tokio::test]
async fn without_a_browser_the_address_and_a_qr_code_are_shown() {
    let app = App::start_without_browser("no-browser").await;
    app.browser.click(".empty-actions .btn:not(.primary)").await;
    app.accept_data_use().await;
    app.wait_text("No web browser could be opened", 20).await;
    let panel = app
        .wait(
            "the address, its QR code and a Copy button",
            "var u = Array.prototype.map.call(document.querySelectorAll('input, code, a, p'), \
               function (e) { return e.value || e.textContent || ''; }) \
               .filter(function (t) { return /\\/link\\/hosted\\//.test(t); })[0]; \
             var path = document.querySelector('svg path[d]'); \
             var copy = Array.prototype.some.call(document.querySelectorAll('button'), \
               function (b) { return /Copy/.test(b.textContent); }); \
             return u && path && path.getAttribute('d').length > 100 && copy ? u.trim() : null",
        )
        .await;
    let url = panel.as_str().expect("the address").to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(
        !app.body_text().await.contains("Launcher"),
        "no launcher's raw error"
    );
    app.shot("1-no-browser").await;
    assert!(app.opened_urls().is_empty());
    hosted_own_site_bank(&url, "no-browser-2").await;
    app.wait_links(1).await;
    assert_eq!(app.links().len(), 1);
}

/// A bank whose consent ends within 7 days: its card says "Reconnect before DATE" (the CLI
/// and the REST API say it too, see their tests).
#[tokio::test]
async fn a_consent_ending_soon_asks_to_reconnect_before_its_date() {
    let app = App::start_dark("consent-dark").await;
    app.open_link(".empty .btn.primary").await;
    app.shot("1-link-window-dark").await;
    app.pick("quokka", "ins_900002").await;
    app.view("oauth").await;
    let link_window = app.browser.window().await;
    app.browser.click("[data-action=continue]").await;
    app.browser
        .switch_to_new_window(&[app.main.clone(), link_window.clone()])
        .await;
    app.wait(
        "the bank's page",
        "return document.querySelector('#authorize')",
    )
    .await;
    app.browser.click("#authorize").await;
    app.browser.wait_windows(2).await;
    app.browser.switch_window(&link_window).await;
    app.browser.enter_frame(app::FRAME).await;
    app.choose(&["0000"]).await;
    app.wait_links(1).await;
    app.wait_text("Reconnect before", 20).await;
    app.shot("2-reconnect-before-dark").await;
    let link = &app.links()[0];
    let before = link["reconnectBefore"].as_str().expect("reconnectBefore");
    let today = chrono::Utc::now().date_naive();
    let day = chrono::NaiveDate::parse_from_str(before, "%Y-%m-%d").expect("a date");
    assert!(
        day > today && day <= today + chrono::Duration::days(7),
        "{link}"
    );
    let card = &app.cards().await[0];
    assert!(card.contains("Reconnect"), "{card}");
}

/// The data-use screen in dark, and that it shows once: "Not now" starts nothing.
#[tokio::test]
async fn the_data_use_screen_shows_once() {
    let app = App::start_dark("data-use-dark").await;
    app.browser.click(".empty .btn.primary").await;
    app.wait_text("Before you link a bank", 10).await;
    app.shot("1-data-use-dark").await;
    app.browser.click(&button("Not now")).await;
    app.wait(
        "the dialog closed",
        "return !document.body.innerText.includes('Before you link a bank')",
    )
    .await;
    assert_eq!(app.browser.handles().await.len(), 1, "no Link window");
    assert!(
        settings(&app)["dataUseAcceptedAt"].is_null(),
        "{}",
        settings(&app)
    );
    // "Not now" kept nothing and started nothing: the next "Add account" asks again, and its
    // Continue is what records the answer (the first answer's date is kept) and opens Link
    // (had "Not now" opened Link, this open would be refused as "already open").
    app.browser.click(".empty .btn.primary").await;
    app.wait_text("Before you link a bank", 10).await;
    let asked = chrono::Utc::now() - chrono::Duration::milliseconds(1);
    app.browser.click(&button("Continue")).await;
    app.wait_text("Plaid Link is open", 20).await;
    app.enter_link_window().await;
    app.view("consent").await;
    assert_eq!(app.browser.handles().await.len(), 2, "one Link window");
    let saved = settings(&app);
    let at = saved["dataUseAcceptedAt"]
        .as_str()
        .unwrap_or_else(|| panic!("the answer and its date are kept: {saved}"));
    let at = chrono::DateTime::parse_from_rfc3339(at).expect("an RFC 3339 date");
    assert!(
        at >= asked,
        "accepted at {at}, before Continue was pressed at {asked}: {saved}"
    );
    app.to_main().await;
    assert!(
        !app.body_text().await.contains("already open"),
        "{}",
        app.body_text().await
    );
    app.browser.click(&button("Cancel")).await;
    app.browser.wait_windows(1).await;
    app.browser.click(".empty .btn.primary").await;
    // Straight to Link this time.
    app.enter_link_window().await;
    app.view("consent").await;
    app.to_main().await;
    assert!(!app.body_text().await.contains("Before you link a bank"));
}

/// A pop-up that starts on Plaid's side and then navigates to another site (as a real
/// bank's redirect would) is handed off too: the navigation is refused, Link and the pop-up
/// close, and the main window continues in the browser.
#[tokio::test]
async fn a_pop_up_leaving_plaids_side_is_handed_off() {
    let app = App::start("handoff-nav").await;
    app.open_link(".empty .btn.primary").await;
    let link_window = app.browser.window().await;
    app.pick("oauth", "ins_127287").await;
    app.view("oauth").await;
    app.browser.click("[data-action=continue]").await;
    app.browser
        .switch_to_new_window(&[app.main.clone(), link_window])
        .await;
    app.wait(
        "the bank's page",
        "return document.querySelector('#authorize')",
    )
    .await;
    // Another origin than the sandbox's (a port WebKit does not block): a bank's own site.
    let _ = app
        .browser
        .try_js(
            "setTimeout(function () { location.href = 'http://127.0.0.1:45678/bank'; }, 0); return 1",
        )
        .await;
    app.browser.wait_windows(1).await;
    app.to_main().await;
    app.wait_text("signs you in on its own website", 15).await;
    assert!(
        app.x_windows("127.0.0.1").is_empty(),
        "the pop-up left the screen"
    );
    assert!(app.x_windows("Plaid Link").is_empty(), "Link closed");
    let url = opened_url(&app).await;
    assert!(url.contains("/link/hosted/"), "{url}");
}
