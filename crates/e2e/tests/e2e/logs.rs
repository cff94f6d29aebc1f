//! The app's real log file (README: "Its log (secrets redacted) rotates in the platform's log
//! directory"), read after a flow that handled every kind of secret.

use coffer_core::{KeyringVault, Mode, Vault, vault};
use coffer_webdriver::button;
use serde_json::json;

use crate::activity::{FAULT, fail_a_sync};
use crate::app::{App, FRAME, choose};

/// The embedded sandbox's fixed secret in offline mode (coffer-core's `OFFLINE_SECRET`).
const OFFLINE_SECRET: &str = "coffer-offline-secret";

/// Every token-shaped word in `text` (`access-`, `public-` or `link-`, then an environment)
/// that is not masked as `<prefix><env>***`.
fn unmasked_tokens(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for prefix in ["access-", "public-", "link-"] {
        for env in ["sandbox-", "production-", "development-"] {
            let shape = format!("{prefix}{env}");
            for (at, _) in text.match_indices(&shape) {
                let rest = &text[at + shape.len()..];
                if !rest.starts_with("***") {
                    let end = rest
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                        .unwrap_or(rest.len());
                    found.push(format!("{shape}{}", &rest[..end]));
                }
            }
        }
    }
    found
}

/// A link through embedded Link (a link token to the Link window, a public token back, an
/// access token to the keychain), its sync, a sync Plaid refuses, and a Test connection with a
/// Plaid secret typed into Settings: the log files name the failed calls (the refused sync's
/// path, error code and request id; the test's path), so they are the flow's log and not an
/// empty one, yet hold no token and no secret: not the link token the Link window was given,
/// not the access token in the keychain, no unmasked `access-`/`public-`/`link-` token at all,
/// neither the offline sandbox's secret nor the typed one. They are the owner's only.
#[tokio::test]
async fn the_log_names_the_flow_and_holds_no_token_or_secret() {
    let app = App::start("log").await;

    // Link, reading the link token the Link window is given.
    app.open_link(".empty .btn.primary").await;
    app.browser.top().await;
    let session = app
        .browser
        .js_async(
            "var done = arguments[arguments.length - 1]; \
             window.__TAURI_INTERNALS__.invoke('link_session', {}).then(done, function (e) { done({ error: e }); });",
            json!([]),
        )
        .await;
    let link_token = session["linkToken"]
        .as_str()
        .unwrap_or_else(|| panic!("the Link window's session: {session}"))
        .to_string();
    assert!(link_token.starts_with("link-sandbox-"), "{link_token}");
    app.browser.enter_frame(FRAME).await;
    app.pick("platypus", "ins_109508").await;
    app.login("user_good", "pass_good").await;
    choose(&app.browser, &["0000"]).await;
    app.to_main().await;
    app.wait_transactions().await;
    let item = app.links()[0]["itemId"]
        .as_str()
        .expect("item id")
        .to_string();
    let access_token = KeyringVault::new(vault::SERVICE)
        .load(&vault::item_key(Mode::Offline, &item))
        .expect("keychain")
        .expect("the access token is in the keychain");
    let access_token = access_token.expose().to_string();
    assert!(
        access_token.starts_with("access-sandbox-"),
        "{access_token}"
    );

    // A sync Plaid refuses.
    let failed = fail_a_sync(&app).await;
    let request_id = failed["requestId"]
        .as_str()
        .expect("request id")
        .to_string();

    // A secret typed into Settings and tried (not saved): the app's process has it.
    let secret = "e2eTypedSecret0123456789abcdef";
    app.go("settings").await;
    app.wait(
        "the settings form, read",
        "return document.querySelector('form .where code')",
    )
    .await;
    app.browser
        .click("input[name=environment][value=sandbox]")
        .await;
    app.fill("Client ID", "e2eclient0123456789abcdef").await;
    app.fill("Sandbox secret", secret).await;
    app.browser.click(&button("Test connection")).await;
    app.wait(
        "the connection test's answer",
        "var n = document.querySelector('.test .notice.error'); return n && n.textContent.trim()",
    )
    .await;

    // The failures are in the log (each is logged when its call fails, before the app
    // answers): this is the flow's log.
    app.wait_log(&request_id, 1, 10).await;
    app.wait_log("/institutions/get_by_id", 1, 10).await;
    let files = app.log_files();
    assert!(
        !files.is_empty(),
        "no log file in {}",
        app.log_dir().display()
    );
    let text = app.log_text();
    let failure = text
        .lines()
        .find(|l| l.contains(&request_id))
        .expect("the failed call's line");
    assert!(
        failure.contains("/transactions/sync") && failure.contains(FAULT),
        "the failed call's path and Plaid's error code with its request id: {failure}"
    );
    assert!(
        text.contains("startup: first list of links rendered"),
        "the app's own steps: {text}"
    );

    for (what, value) in [
        ("the link token", link_token.as_str()),
        ("the access token", access_token.as_str()),
        ("the offline sandbox's secret", OFFLINE_SECRET),
        ("the secret typed into Settings", secret),
    ] {
        assert!(
            !text.contains(value),
            "{what} ({value}) is in the log:\n{text}"
        );
    }
    let tokens = unmasked_tokens(&text);
    assert!(tokens.is_empty(), "tokens in the log: {tokens:?}\n{text}");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&app.log_dir()), 0o700, "{}", app.log_dir().display());
        for (path, _) in &files {
            assert_eq!(mode(path), 0o600, "{}", path.display());
        }
    }
}

#[test]
fn unmasked_tokens_are_found_and_masked_ones_are_not() {
    let text = concat!(
        "a access-sandbox-*** b link-production-*** c public-sandbox-",
        "0c9f2e3a-1b2c-4d5e-8f90-123456789abc, d"
    );
    assert_eq!(
        unmasked_tokens(text),
        [concat!(
            "public-sandbox-",
            "0c9f2e3a-1b2c-4d5e-8f90-123456789abc"
        )]
    );
}
