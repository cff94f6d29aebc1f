//! What a link brings: syncing with progress, transactions with search, filters and export;
//! removal; and that everything survives a restart.

use std::process::Command;
use std::time::Duration;

use coffer_core::{KeyringVault, Mode, Vault, vault};
use coffer_webdriver::button;
use serde_json::{Value, json};

use crate::app::App;

/// Waits until the count line differs from `before`; returns the new count.
async fn count_changes(app: &App, before: u64) -> u64 {
    app.browser
        .wait_up_to(
            "the count to change",
            &format!(
                "var p=document.querySelector('#tx-title + p'); if (!p) return null; \
                 var n=Number(p.textContent.trim().split(' ')[0].replace(/,/g,'')); \
                 return !isNaN(n) && n!=={before} && /transactions? match/.test(p.textContent)"
            ),
            Duration::from_secs(10),
        )
        .await;
    app.transaction_count(false).await
}

/// The visible transaction rows' text.
async fn rows(app: &App) -> Vec<String> {
    let v = app
        .browser
        .js(
            "return Array.prototype.map.call(document.querySelectorAll('.row'), \
             function(r){return r.innerText})",
            json!([]),
        )
        .await;
    serde_json::from_value(v).expect("rows")
}

/// 2. Sync shows progress; transactions appear; search and filters narrow them; export
///    writes a CSV whose rows are the filtered list.
#[tokio::test]
async fn sync_search_filter_and_export() {
    let app = App::start("transactions").await;
    // Slow down the first /transactions/sync by 2 s (Sandbox tools, offline faults), so the
    // progress of the first sync can be seen.
    app.go("sandbox").await;
    app.select("Path", "/transactions/sync").await;
    app.select("Plaid error", "").await;
    app.fill("Delay (ms)", "2000").await;
    app.browser.click(&button("Arm fault")).await;
    app.wait_text("armed", 10).await;
    app.shot("1-fault-armed").await;

    app.go("accounts").await;
    app.link_bank("platypus", "ins_109508", &["0000", "1111"])
        .await;
    app.browser
        .wait_up_to(
            "the sync progress bar",
            "return document.querySelector('article.link [role=progressbar]')",
            Duration::from_secs(20),
        )
        .await;
    app.shot("2-syncing").await;
    app.wait_transactions().await;

    app.go("transactions").await;
    let total = app.transaction_count(false).await;
    assert!(total > 50, "a 730-day history: {total}");
    let stored = app.cli(&["transactions", "--limit", "1"]);
    assert_eq!(stored["total"], total, "the list counts what is stored");
    app.wait(
        "the first rows",
        "return document.querySelector('.row .desc')",
    )
    .await;
    app.shot("3-transactions").await;

    // Account filter: only the savings account.
    app.browser.click(".filter .trigger").await;
    app.browser
        .click("xpath://div[@id='account-filter-list']//label[contains(., 'Plaid Saving')]/input")
        .await;
    app.browser.click(".filter .trigger").await;
    let saving = count_changes(&app, total).await;
    assert!(saving > 0 && saving < total, "{saving} of {total}");
    for r in rows(&app).await {
        assert!(
            r.contains("Plaid Saving"),
            "a row of the savings account: {r}"
        );
    }

    // Search as you type: two characters do not search yet; the third does.
    app.browser.type_into("input[type=search]", "tr").await;
    app.wait_text("Type 1 more character to search", 5).await;
    app.browser.keys("a").await;
    let filtered = count_changes(&app, saving).await;
    assert!(filtered > 0 && filtered < saving, "{filtered} of {saving}");
    for r in rows(&app).await {
        assert!(
            r.contains("TRANSFER") && r.contains("Plaid Saving"),
            "a searched row: {r}"
        );
    }
    app.shot("4-filtered").await;

    // Export what is shown, through the native save dialog.
    let out = tempfile::tempdir().expect("out dir");
    let csv = out.path().join("filtered.csv");
    app.browser.click(&button("Export…")).await;
    type_into_save_dialog(&app, &csv.to_string_lossy()).await;
    app.wait_text("Saved", 20).await;
    app.shot("5-exported").await;
    let text = std::fs::read_to_string(&csv).expect("the exported CSV");
    let mut lines = text.lines();
    let header = lines.next().expect("a header");
    assert!(header.to_lowercase().contains("amount"), "{header}");
    let body: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    assert_eq!(body.len() as u64, filtered, "one CSV row per listed row");
    for l in &body {
        assert!(l.contains("TRANSFER"), "{l}");
    }
}

/// Types a path into GTK's save dialog (once it is on screen and has the keyboard focus) and
/// confirms it.
async fn type_into_save_dialog(app: &App, path: &str) {
    let display = app.browser.display();
    let xdotool = |args: &[&str]| {
        Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &display)
            .output()
            .expect("xdotool (apt-get install xdotool; cargo xtask test installs it)")
    };
    let run = |args: &[&str]| {
        let out = xdotool(args);
        assert!(
            out.status.success(),
            "xdotool {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let dialog = loop {
        let found = xdotool(&["search", "--onlyvisible", "--name", "Export transactions"]);
        if let Some(id) = String::from_utf8_lossy(&found.stdout)
            .split_whitespace()
            .last()
        {
            break id.to_string();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the save dialog did not open"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // Xvfb has no window manager to give the new dialog the keyboard focus: give it, and
    // wait until the X server says the dialog has it (its name field has GTK's focus).
    loop {
        let _ = xdotool(&["windowfocus", &dialog]);
        let focus = xdotool(&["getwindowfocus"]);
        if String::from_utf8_lossy(&focus.stdout).trim() == dialog {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the save dialog did not get the keyboard focus"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    run(&["key", "--clearmodifiers", "ctrl+a"]);
    run(&["type", "--delay", "10", path]);
    run(&["key", "Return"]);
}

/// 7. Remove: the confirmation lists what goes; then the link, its rows and its keychain
///    entry are gone.
#[tokio::test]
async fn remove_deletes_the_link_its_rows_and_its_keychain_entry() {
    let app = App::start("remove").await;
    app.link_bank("platypus", "ins_109508", &["0000"]).await;
    app.wait_transactions().await;
    let links = app.links();
    let item = links[0]["itemId"].as_str().expect("item id").to_string();
    let key = vault::item_key(Mode::Offline, &item);
    let keychain = KeyringVault::new(vault::SERVICE);
    assert!(
        keychain.load(&key).expect("keychain").is_some(),
        "the access token is in the keychain"
    );
    let before = app.cli(&["transactions", "--limit", "1"]);
    assert!(before["total"].as_u64().unwrap_or(0) > 0, "{before}");

    app.browser.click(&button("Remove")).await;
    app.wait_text("Deleted from this computer", 5).await;
    let dialog = app.body_text().await;
    assert!(dialog.contains("Plaid Checking"), "{dialog}");
    app.wait_text(
        &format!(
            "{} transactions",
            thousands(before["total"].as_u64().unwrap_or(0))
        ),
        5,
    )
    .await;
    app.shot("1-confirm").await;
    app.browser.click(&button("Remove and delete")).await;
    app.wait_text("No banks linked yet", 15).await;
    app.shot("2-removed").await;

    assert!(app.links().is_empty());
    assert_eq!(app.cli(&["transactions", "--limit", "1"])["total"], 0);
    assert!(
        keychain.load(&key).expect("keychain").is_none(),
        "the keychain entry is deleted"
    );
}

/// 8. Restart: links, accounts, transactions and charts are all still there.
#[tokio::test]
async fn restart_keeps_links_transactions_and_charts() {
    let app = App::start("restart").await;
    app.link_bank("platypus", "ins_109508", &["0000", "1111"])
        .await;
    app.wait_transactions().await;
    let card = app.cards().await.remove(0);
    app.go("transactions").await;
    let total = app.transaction_count(false).await;
    app.go("charts").await;
    let charts = chart_contents(&app).await;
    app.shot("1-charts").await;
    assert_charts_show_spending(&charts);

    let app = app.restart().await;
    app.wait_links(1).await;
    app.shot("2-after-restart").await;
    let again = app.cards().await.remove(0);
    for part in [
        "First Platypus Bank",
        "Plaid Checking",
        "Plaid Saving",
        "$110.00",
    ] {
        assert!(
            card.contains(part) && again.contains(part),
            "{part}: {again}"
        );
    }
    app.go("transactions").await;
    assert_eq!(app.transaction_count(false).await, total);
    app.go("charts").await;
    assert_eq!(
        chart_contents(&app).await,
        charts,
        "the charts show the same after the restart"
    );
    app.shot("3-charts-after-restart").await;
}

/// What the Charts screen shows, once its charts have drawn: for each panel its title, its
/// notes (such as "Needs balances from at least two days."), the account picker's choices,
/// and for each chart its label, its legend as drawn with no cursor (the latest point) and
/// the legend read with the pointer moved across the plot from left to right (every month of
/// the spending chart, every point of a line), which is what a person reads off the chart.
async fn chart_contents(app: &App) -> Value {
    app.browser
        .wait_up_to(
            "the charts",
            "var c=document.querySelectorAll('.uplot canvas'); return c.length>0 && c.length",
            Duration::from_secs(15),
        )
        .await;
    app.browser
        .js_async(
            "var done = arguments[arguments.length - 1]; \
             var text = function (e) { return e ? e.textContent.replace(/\\s+/g, ' ').trim() : null; }; \
             var legend = function (fig) { \
               return Array.prototype.map.call(fig.querySelectorAll('.u-legend tr.u-series'), \
                 function (r) { return [text(r.querySelector('.u-label')), text(r.querySelector('.u-value'))]; }); }; \
             var frame = function () { return new Promise(function (r) { requestAnimationFrame(function () { r(); }); }); }; \
             var sweep = async function (fig) { \
               var over = fig.querySelector('.u-over'); var seen = []; \
               over.dispatchEvent(new MouseEvent('mouseenter', { bubbles: false })); \
               for (var i = 0; i < 48; i++) { \
                 var b = over.getBoundingClientRect(); \
                 over.dispatchEvent(new MouseEvent('mousemove', { bubbles: true, \
                   clientX: b.left + (i + 0.5) * b.width / 48, clientY: b.top + b.height / 2 })); \
                 await frame(); \
                 var l = JSON.stringify(legend(fig)); \
                 if (seen[seen.length - 1] !== l) seen.push(l); \
               } \
               over.dispatchEvent(new MouseEvent('mouseleave', { bubbles: false })); \
               await frame(); \
               return seen.map(function (l) { return JSON.parse(l); }); }; \
             (async function () { \
               var panels = []; \
               for (const a of document.querySelectorAll('section[aria-labelledby=charts-title] article')) { \
                 var charts = []; \
                 for (const fig of a.querySelectorAll('figure.chart')) { \
                   charts.push({ label: fig.getAttribute('aria-label'), latest: legend(fig), sweep: await sweep(fig) }); \
                 } \
                 panels.push({ \
                   title: text(a.querySelector('h2')), \
                   notes: Array.prototype.map.call(a.querySelectorAll('p'), text), \
                   choices: Array.prototype.map.call(a.querySelectorAll('select option'), \
                     function (o) { return [text(o), o.selected]; }), \
                   charts: charts }); \
               } \
               done(panels); \
             })().catch(function (e) { done({ error: String(e) }); });",
            json!([]),
        )
        .await
}

/// `1500` as the UI writes it in English: `1,500`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The contents [`chart_contents`] read are a real chart, not an empty screen: the spending
/// chart's legend names categories with amounts, and moving across it shows one month after
/// another, each once.
fn assert_charts_show_spending(charts: &Value) {
    let panels = charts.as_array().unwrap_or_else(|| panic!("{charts}"));
    let spending = panels
        .iter()
        .find(|p| p["title"] == "Spending by category")
        .unwrap_or_else(|| panic!("no spending panel: {charts}"));
    let chart = &spending["charts"][0];
    let latest = chart["latest"].as_array().expect("a legend");
    assert!(latest.len() >= 3, "a month and two categories: {chart}");
    assert!(
        latest.iter().skip(1).any(|row| row[1]
            .as_str()
            .is_some_and(|v| v.starts_with('$') && v != "$0.00")),
        "an amount spent: {chart}"
    );
    let months: Vec<&str> = chart["sweep"]
        .as_array()
        .expect("the sweep")
        .iter()
        .filter_map(|legend| legend[0][1].as_str())
        .collect();
    let mut distinct = months.clone();
    distinct.sort();
    distinct.dedup();
    assert!(
        months.len() >= 2 && distinct.len() == months.len(),
        "the pointer moved across the months, each once: {months:?}"
    );
}
