//! Update mode: a link that needs its login again is reconnected through Link, and a link
//! grows by an account through Link's account selection.

use std::time::Duration;

use coffer_webdriver::button;

use crate::app::{App, masks};

async fn wait_health(app: &App, health: &str, secs: u64) {
    app.browser
        .wait_up_to(
            &format!("the link to be {health}"),
            &format!("return document.querySelector('article.link [data-health={health}]')"),
            Duration::from_secs(secs),
        )
        .await;
}

/// 4. Reset login from Sandbox tools: "needs reconnect"; Reconnect (update mode) makes it
///    healthy; Add accounts adds one.
#[tokio::test]
async fn reconnect_then_add_an_account() {
    let app = App::start("update").await;
    app.link_bank("platypus", "ins_109508", &["0000", "1111"])
        .await;
    app.wait_transactions().await;

    app.go("sandbox").await;
    app.browser.click(&button("Reset login")).await;
    app.wait_text("Login reset", 10).await;
    app.go("accounts").await;
    // The login reset shows at the next check or sync: sync unless a check already saw it.
    let seen = app
        .browser
        .js(
            "return !!document.querySelector('article.link [data-health=reconnect]')",
            serde_json::json!([]),
        )
        .await;
    if seen != serde_json::json!(true) {
        app.browser.click(&button("Sync")).await;
    }
    wait_health(&app, "reconnect", 20).await;
    app.shot("1-needs-reconnect").await;
    let card = app.cards().await.remove(0);
    assert!(card.contains("Reconnect"), "{card}");
    assert_eq!(app.links()[0]["health"], "NEEDS_RECONNECT");

    app.open_link(&button("Reconnect")).await;
    let title = app.browser.text("[data-slot=title]").await;
    assert!(title.to_lowercase().contains("reconnect"), "{title}");
    app.browser.click("[data-action=continue]").await;
    app.login("user_good", "pass_good").await;
    app.view("connected").await;
    app.browser.click("[data-action=continue]").await;
    // The Link window closes by itself when Link ends.
    app.browser.wait_windows(1).await;
    app.to_main().await;
    wait_health(&app, "healthy", 30).await;
    app.shot("2-reconnected").await;
    assert_eq!(app.links()[0]["health"], "HEALTHY");

    app.open_link(&button("Add accounts")).await;
    app.browser.click("[data-action=continue]").await;
    app.login("user_good", "pass_good").await;
    app.choose(&["2222"]).await;
    app.browser
        .wait_up_to(
            "the added account",
            "var c=document.querySelector('article.link'); return c && /Plaid CD/.test(c.innerText)",
            Duration::from_secs(20),
        )
        .await;
    app.wait_links(1).await;
    app.shot("3-account-added").await;
    let links = app.links();
    assert_eq!(links.len(), 1, "the same link grew");
    assert_eq!(masks(&links[0]), ["0000", "1111", "2222"]);
}
