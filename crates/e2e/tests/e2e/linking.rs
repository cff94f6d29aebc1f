//! Linking a bank through Plaid Link in the app's webview (the offline stand-in, loaded from
//! the app's own sandbox exactly as Plaid's CDN script would be): embedded, through the OAuth
//! pop-up, with bad passwords, and through Hosted Link in the system browser.

use std::time::{Duration, Instant};

use coffer_webdriver::Browser;

use crate::app::{self, App, FRAME, masks};

/// 1. First run: the empty state; Link with `user_good`, two accounts picked: the link shows
///    exactly those accounts and their balances, and they are what is stored.
#[tokio::test]
async fn first_run_then_link_two_accounts() {
    let app = App::start("first-run").await;
    app.wait_text("No banks linked yet", 10).await;
    let text = app.body_text().await;
    assert!(
        text.contains("user_good") && text.contains("pass_good"),
        "the offline first-run note names the test credentials: {text}"
    );
    assert!(
        app.data_dir().join("offline").join("coffer.db").is_file(),
        "the app opened its data directory"
    );
    app.shot("1-empty").await;

    app.open_link(".empty .btn.primary").await;
    let consent = app.body_text().await;
    assert!(
        consent.contains("Coffer"),
        "consent names the app: {consent}"
    );
    // The picture once Link's first view has settled (loaded, fonts in, no animation).
    app.wait_settled().await;
    app.shot("2-link-consent").await;
    app.pick("platypus", "ins_109508").await;
    app.login("user_good", "pass_good").await;
    app.view("accounts").await;
    app.shot("3-link-accounts").await;
    app.choose(&["0000", "1111"]).await;
    app.wait_links(1).await;
    app.shot("4-linked").await;

    let cards = app.cards().await;
    let card = &cards[0];
    for shown in [
        "First Platypus Bank",
        "Plaid Checking",
        "Plaid Saving",
        "••0000",
        "••1111",
    ] {
        assert!(card.contains(shown), "{shown} in {card}");
    }
    for absent in ["Plaid CD", "Plaid Credit Card", "••2222"] {
        assert!(
            !card.contains(absent),
            "{absent} not picked, yet shown: {card}"
        );
    }
    // Current and available balances of the sandbox's checking (110/100) and saving (210/200).
    for amount in ["$110.00", "$100.00", "$210.00", "$200.00"] {
        assert!(card.contains(amount), "{amount} in {card}");
    }
    assert!(card.contains("Healthy"), "{card}");

    let links = app.links();
    assert_eq!(links.len(), 1, "{links:?}");
    assert_eq!(masks(&links[0]), ["0000", "1111"]);
    assert_eq!(links[0]["institutionId"], "ins_109508", "{}", links[0]);
}

/// 3. Platypus OAuth Bank (whose page, like Plaid Sandbox's, is on Plaid's side): Link opens
///    the bank in a pop-up window of the app (the stand-in needs `window.opener`, as Plaid's
///    SDK does); authorizing there ends in a new link, and the pop-up's window is gone from
///    the screen (not only its web view) once its page closes itself.
#[tokio::test]
async fn oauth_bank_through_the_pop_up() {
    let app = App::start("oauth").await;
    app.open_link(".empty .btn.primary").await;
    let link_window = app.browser.window().await;
    app.pick("oauth", "ins_127287").await;
    app.view("oauth").await;
    app.browser.click("[data-action=continue]").await;
    app.browser
        .switch_to_new_window(&[app.main.clone(), link_window.clone()])
        .await;
    app.wait(
        "the bank's authorization page",
        "return location.pathname === '/link/oauth' && document.querySelector('#authorize')",
    )
    .await;
    assert_eq!(
        app.x_windows("127.0.0.1").len(),
        1,
        "the pop-up is on screen"
    );
    app.shot("1-bank-pop-up").await;
    app.browser.click("#authorize").await;
    app.browser.wait_windows(2).await;
    app.wait_x_windows_gone("127.0.0.1").await;
    app.browser.switch_window(&link_window).await;
    app.browser.enter_frame(FRAME).await;
    app.choose(&["0000", "3333"]).await;
    app.wait_links(1).await;
    app.shot("2-linked").await;
    assert!(
        app.x_windows("Plaid Link").is_empty(),
        "the Link window closed when Link ended"
    );

    let card = &app.cards().await[0];
    assert!(card.contains("Platypus OAuth Bank"), "{card}");
    assert!(card.contains("Plaid Credit Card"), "{card}");
    let links = app.links();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["institutionId"], "ins_127287");
    assert_eq!(masks(&links[0]), ["0000", "3333"]);
}

/// 5. A wrong password lets the person retry; an `error_` password ends in Plaid's error,
///    shown in Link and then in the app. Nothing is stored either way.
#[tokio::test]
async fn wrong_and_error_passwords_store_nothing() {
    let app = App::start("bad-password").await;
    app.open_link(".empty .btn.primary").await;
    app.pick("platypus", "ins_109508").await;
    app.login("user_good", "not-the-password").await;
    let alert = app
        .wait(
            "the retry alert",
            "var a=document.querySelector('[data-slot=alert]'); return a && !a.hidden && a.textContent",
        )
        .await;
    app.shot("1-wrong-password").await;
    assert!(
        alert.as_str().is_some_and(|t| !t.trim().is_empty()),
        "{alert}"
    );

    app.login("user_good", "error_ITEM_LOCKED").await;
    app.view("error").await;
    let code = app.browser.text("[data-slot=code]").await;
    assert!(code.contains("ITEM_LOCKED"), "{code}");
    let shown = app.browser.text("[data-slot=text]").await;
    app.shot("2-item-locked").await;
    app.browser.click("[data-action=primary]").await;
    // Link's window is gone; the app says what happened in Plaid's words, and stays empty.
    app.browser.wait_windows(1).await;
    app.to_main().await;
    assert!(!shown.trim().is_empty(), "Link explains the error");
    // Plaid sends no display_message for ITEM_LOCKED: the app says it in its own words.
    app.wait_text("locked the account", 10).await;
    app.shot("3-app-after-error").await;
    assert!(app.body_text().await.contains("No banks linked yet"));
    assert!(app.links().is_empty(), "nothing stored");
    let tx = app.cli(&["transactions"]);
    assert_eq!(tx["total"], 0, "{tx}");
}

/// 6. Hosted Link: "Continue in your browser" opens Plaid's hosted page in the system
///    browser (here a real WebKitGTK browser driven separately); the app polls and ends with
///    the new link.
#[tokio::test]
async fn hosted_link_in_the_system_browser() {
    let app = App::start("hosted").await;
    app.browser.click(".empty-actions .btn:not(.primary)").await;
    app.accept_data_use().await;
    app.wait_text("Waiting for you to finish in your browser", 20)
        .await;
    app.shot("1-waiting").await;

    let deadline = Instant::now() + Duration::from_secs(10);
    let url = loop {
        if let Some(u) = app.opened_urls().pop() {
            break u;
        }
        assert!(Instant::now() < deadline, "the app opened no URL");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        url.starts_with("http://127.0.0.1:") && url.contains("/link/hosted/"),
        "the offline sandbox's Hosted Link page: {url}"
    );

    let web = Browser::start(false).await;
    web.goto(&url).await;
    app::view(&web, "consent").await;
    app::pick(&web, "platypus", "ins_109508").await;
    app::login(&web, "user_good", "pass_good").await;
    app::choose(&web, &["1111"]).await;
    app::view(&web, "done").await;
    web.screenshot(&app::shots_dir().join("hosted-2-browser-done.png"))
        .await;
    web.quit().await;

    app.wait_links(1).await;
    app.shot("3-linked").await;
    let links = app.links();
    assert_eq!(links.len(), 1);
    assert_eq!(masks(&links[0]), ["1111"]);
    assert!(
        !app.body_text().await.contains("Waiting for you"),
        "the waiting notice is gone"
    );
}
