//! The Activity screen (README: "the events log with Plaid request ids"): after a link, its
//! sync and a sync that Plaid refused, it lists those events as stored, newest first, with the
//! link's name, the error code and the request id, and its filters narrow the list.

use std::time::{Duration, Instant};

use coffer_webdriver::button;
use serde_json::{Value, json};

use crate::app::App;

/// The Plaid error the offline sandbox is told to answer the next `/transactions/sync` with
/// (Sandbox tools' default fault, a 400 that is not retried).
pub const FAULT: &str = "INSTITUTION_DOWN";

/// The stored events (the CLI's `status`: the 50 newest, newest first) once `ok` holds for
/// them (up to 20 s).
pub async fn wait_events(app: &App, what: &str, ok: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let events = app.cli(&["status"])["recentEvents"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if ok(&events) {
            return events;
        }
        assert!(
            Instant::now() < deadline,
            "stored events: {what} within 20 s: {events:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// With one synced link: arms the fault on the next `/transactions/sync` (Sandbox tools),
/// syncs from the link's card and waits until the failure is stored; returns that event.
pub async fn fail_a_sync(app: &App) -> Value {
    app.go("sandbox").await;
    app.select("Path", "/transactions/sync").await;
    app.select("Plaid error", FAULT).await;
    app.browser.click(&button("Arm fault")).await;
    app.wait_text("Fault armed on /transactions/sync", 10).await;
    app.go("accounts").await;
    app.browser.click(&button("Sync")).await;
    let events = wait_events(app, "a failed sync", |e| {
        e.iter().any(|e| e["kind"] == "sync_failed")
    })
    .await;
    let failed = events
        .into_iter()
        .find(|e| e["kind"] == "sync_failed")
        .expect("sync_failed");
    assert_eq!(failed["errorCode"], FAULT, "{failed}");
    assert!(
        failed["requestId"].as_str().is_some_and(|r| !r.is_empty()),
        "Plaid's request id is kept: {failed}"
    );
    failed
}

/// The Activity table's rows: when (`datetime`), link, event (kind as shown), detail, error
/// code, request id.
async fn rows(app: &App) -> Vec<Value> {
    let v = app
        .browser
        .js(
            "var t = function (e) { return e ? e.textContent.replace(/\\s+/g, ' ').trim() : null; }; \
             return Array.prototype.map.call(document.querySelectorAll('.log tbody tr'), function (r) { \
               var c = r.querySelectorAll('td'); \
               return { at: c[0].querySelector('time').getAttribute('datetime'), link: t(c[1]), \
                        kind: t(c[2].querySelector('.kind')), detail: t(c[2].querySelector('.detail')), \
                        error: t(c[3].querySelector('code')), requestId: t(c[4].querySelector('code')) }; })",
            json!([]),
        )
        .await;
    serde_json::from_value(v).expect("rows")
}

/// Waits until the table shows exactly `expected` (rows as [`rows`] reads them).
async fn wait_rows(app: &App, what: &str, expected: &[Value]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let shown = rows(app).await;
        if shown == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "Activity, {what}: shows {shown:#?}\nnot {expected:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A stored event as the Activity table shows it.
fn as_row(e: &Value, link: (i64, &str)) -> Value {
    let kind = e["kind"].as_str().unwrap_or_default().replace('_', " ");
    json!({
        "at": e["at"],
        "link": if e["linkId"].as_i64() == Some(link.0) { link.1 } else { "—" },
        "kind": kind,
        "detail": e["detail"].as_str().filter(|d| !d.is_empty()),
        "error": e["errorCode"],
        "requestId": e["requestId"],
    })
}

/// A link through Link, its sync, a sync refused by Plaid: Activity lists every stored event
/// newest first (the same ones, in the same order, as the database holds), each with its
/// link's name, error code and request id; "Errors only", the kind, the link and a request id
/// typed into Find each narrow it to exactly the matching events.
#[tokio::test]
async fn activity_lists_the_events_newest_first_and_filters_them() {
    let app = App::start("activity").await;
    app.link_bank("platypus", "ins_109508", &["0000", "1111"])
        .await;
    app.wait_transactions().await;
    let failed = fail_a_sync(&app).await;
    let link = app.links().remove(0);
    let link_id = link["id"].as_i64().expect("link id");
    let name = link["name"].as_str().expect("link name").to_string();
    assert_eq!(name, "First Platypus Bank");
    let events = app.cli(&["status"])["recentEvents"]
        .as_array()
        .cloned()
        .expect("events");
    let ids: Vec<i64> = events.iter().filter_map(|e| e["id"].as_i64()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "the CLI lists the newest first: {ids:?}"
    );
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    let at = |kind: &str| {
        kinds
            .iter()
            .position(|k| *k == kind)
            .unwrap_or_else(|| panic!("no {kind} event: {kinds:?}"))
    };
    // Newest first: the failure, the fault armed, the syncs, the link, its link token.
    assert_eq!(at("sync_failed"), 0, "{kinds:?}");
    assert!(
        at("sandbox_fault_injected") < at("sync_done")
            && at("sync_done") < at("link_created")
            && at("link_created") < at("link_token_created"),
        "{kinds:?}"
    );
    let all: Vec<Value> = events.iter().map(|e| as_row(e, (link_id, &name))).collect();

    app.go("activity").await;
    wait_rows(&app, "every stored event", &all).await;
    let shown = rows(&app).await;
    let times: Vec<&str> = shown.iter().filter_map(|r| r["at"].as_str()).collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {times:?}"
    );
    for r in &shown {
        if ["sync failed", "sync done", "link created"].contains(&r["kind"].as_str().unwrap_or(""))
        {
            assert_eq!(r["link"], name.as_str(), "{r}");
        }
    }
    assert_eq!(shown[0]["kind"], "sync failed");
    assert_eq!(shown[0]["error"], FAULT);
    assert_eq!(shown[0]["requestId"], failed["requestId"]);
    app.shot("1-all").await;
    app.display_shot("1-all");

    // Errors only.
    app.browser
        .click("xpath://label[contains(@class,'check') and contains(., 'Errors only')]/input")
        .await;
    let errors: Vec<Value> = all
        .iter()
        .filter(|r| !r["error"].is_null())
        .cloned()
        .collect();
    assert!(!errors.is_empty() && errors.len() < all.len(), "{errors:?}");
    wait_rows(&app, "errors only", &errors).await;
    app.shot("2-errors-only").await;
    app.browser
        .click("xpath://label[contains(@class,'check') and contains(., 'Errors only')]/input")
        .await;
    wait_rows(&app, "errors only, off again", &all).await;

    // One kind.
    app.select("Kind", "sync_done").await;
    let done: Vec<Value> = all
        .iter()
        .filter(|r| r["kind"] == "sync done")
        .cloned()
        .collect();
    assert!(!done.is_empty() && done.len() < all.len());
    wait_rows(&app, "kind sync done", &done).await;
    app.select("Kind", "").await;
    wait_rows(&app, "all kinds again", &all).await;

    // One link: the events without a link (the fault armed, ...) go.
    app.select("Link", &link_id.to_string()).await;
    let of_link: Vec<Value> = all
        .iter()
        .filter(|r| r["link"] == name.as_str())
        .cloned()
        .collect();
    assert!(!of_link.is_empty() && of_link.len() < all.len(), "{all:?}");
    wait_rows(&app, "one link", &of_link).await;
    app.select("Link", "").await;
    wait_rows(&app, "all links again", &all).await;

    // A request id, typed into Find: its event alone.
    let rid = failed["requestId"].as_str().expect("request id");
    app.fill("Find", rid).await;
    wait_rows(&app, "found by request id", &all[..1]).await;
    app.shot("3-found").await;
}
