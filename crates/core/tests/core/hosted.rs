//! Real Plaid's Link rules, learned by the sandbox: a token whose session ended in an error
//! is not handed out again; Hosted Link polling judges the newest session, counts a finished
//! update-mode session without `item_add_results` as success, and asks for the address's
//! lifetime explicitly; a consent that ends within 7 days says "reconnect before".

use coffer_core::{CreateLinkTokenInput, ErrorCode, HostedLinkState, LinkExitInput, LinkHealth};
use coffer_sandbox::SandboxConfig;
use serde_json::{Value, json};

use crate::common::*;

fn token_input(hosted: bool, link_id: Option<i64>) -> CreateLinkTokenInput {
    CreateLinkTokenInput {
        use_cache: true,
        link_id,
        account_selection: false,
        hosted,
    }
}

#[tokio::test]
async fn a_token_whose_session_ended_in_an_error_is_not_reused() {
    let env = start("hosted-retire").await;
    let c = &env.coffer;
    let first = c
        .create_link_token(token_input(false, None))
        .await
        .expect("token");
    let again = c
        .create_link_token(token_input(false, None))
        .await
        .expect("token");
    assert_eq!(
        again.link_token, first.link_token,
        "an unused token is reused"
    );
    // The person closed Link without an error: the token is still good.
    c.report_link_exit(LinkExitInput {
        link_token: first.link_token.clone(),
        error_code: None,
    })
    .await
    .expect("plain exit");
    let again = c
        .create_link_token(token_input(false, None))
        .await
        .expect("token");
    assert_eq!(again.link_token, first.link_token);
    // Link ended in an error: Plaid wants a new token.
    c.report_link_exit(LinkExitInput {
        link_token: first.link_token.clone(),
        error_code: Some("INVALID_LINK_TOKEN".into()),
    })
    .await
    .expect("exit with an error");
    let fresh = c
        .create_link_token(token_input(false, None))
        .await
        .expect("token");
    assert_ne!(
        fresh.link_token, first.link_token,
        "the failed token came back"
    );
    let events = c
        .list_events(serde_json::from_value(json!({ "limit": 20 })).expect("input"))
        .await
        .expect("events");
    assert!(
        events
            .iter()
            .any(|e| e.kind == "link_exited"
                && e.error_code.as_deref() == Some("INVALID_LINK_TOKEN")),
        "{events:?}"
    );
    // Bad input: refused, nothing changes.
    let before = snapshot(c.store());
    for (token, code) in [
        ("link-sandbox-not-a-token-we-made", None),
        (fresh.link_token.as_str(), Some("NOT A CODE; DROP TABLE")),
        ("", None),
    ] {
        let err = c
            .report_link_exit(LinkExitInput {
                link_token: token.into(),
                error_code: code.map(String::from),
            })
            .await
            .expect_err("refused");
        assert_eq!(
            err.code(),
            ErrorCode::InvalidInput,
            "{token:?} {code:?}: {err}"
        );
    }
    assert_eq!(snapshot(c.store()), before);
}

/// The Hosted Link page's calls, as a person in the browser makes them.
async fn hosted_page(env: &Env, hosted_url: &str) -> String {
    let id = hosted_url.rsplit('/').next().expect("id");
    let init = env.post("/_link/ui/init", json!({ "hosted_id": id })).await;
    init["link_token"].as_str().expect("link_token").to_string()
}

async fn finish(env: &Env, token: &str, status: &str) -> Value {
    env.post(
        "/_link/sessions",
        json!({ "link_token": token, "institution_id": "ins_109508", "username": "user_good",
                "password": "pass_good", "status": status }),
    )
    .await
}

#[tokio::test]
async fn hosted_link_polling_judges_the_newest_session() {
    let env = start_with(
        "hosted-newest",
        SandboxConfig {
            record_exchanges: true,
            ..sandbox_config()
        },
    )
    .await;
    let c = &env.coffer;
    let tok = c
        .create_link_token(token_input(true, None))
        .await
        .expect("hosted token");
    let url = tok.hosted_link_url.clone().expect("hosted_link_url");
    // The address's lifetime is asked for explicitly (30 minutes).
    let asked = env
        .sandbox
        .exchanges()
        .into_iter()
        .rfind(|e| e.path == "/link/token/create")
        .expect("recorded");
    assert_eq!(
        asked.request["hosted_link"]["url_lifetime_seconds"],
        json!(coffer_core::HOSTED_LINK_URL_LIFETIME_SECS),
        "{}",
        asked.request
    );
    assert_eq!(coffer_core::HOSTED_LINK_URL_LIFETIME_SECS, 1800);

    assert_eq!(
        c.poll_hosted_link(&tok.link_token)
            .await
            .expect("poll")
            .state,
        HostedLinkState::Pending
    );
    // First visit: the person quits.
    hosted_page(&env, &url).await;
    finish(&env, &tok.link_token, "exit").await;
    assert_eq!(
        c.poll_hosted_link(&tok.link_token)
            .await
            .expect("poll")
            .state,
        HostedLinkState::Exited
    );
    // They open the address again: the newest session is under way, so: pending, not exited.
    hosted_page(&env, &url).await;
    let poll = c.poll_hosted_link(&tok.link_token).await.expect("poll");
    assert_eq!(
        poll.state,
        HostedLinkState::Pending,
        "an older exit decided: {poll:?}"
    );
    finish(&env, &tok.link_token, "success").await;
    let poll = c.poll_hosted_link(&tok.link_token).await.expect("poll");
    assert_eq!(poll.state, HostedLinkState::Success, "{poll:?}");
    let link_id = poll.link_id.expect("link");
    assert_eq!(c.list_links().await.expect("links").len(), 1);
    // Polled again: still the same link, not a second exchange.
    let again = c.poll_hosted_link(&tok.link_token).await.expect("poll");
    assert_eq!(again.link_id, Some(link_id));
    assert_eq!(c.list_links().await.expect("links").len(), 1);
}

#[tokio::test]
async fn a_finished_update_session_without_item_add_results_is_a_success() {
    let env = start("hosted-update").await;
    let c = &env.coffer;
    let link_id = env.link_bank().await;
    c.sandbox_reset_login(link_id).await.expect("reset login");
    c.reconnect_check().await.expect("check");
    assert_eq!(
        c.link_view(link_id).expect("view").health,
        LinkHealth::NeedsReconnect
    );
    let tok = c
        .create_link_token(token_input(true, Some(link_id)))
        .await
        .expect("update token");
    let finished = env
        .post(
            "/_link/sessions",
            json!({ "link_token": tok.link_token, "username": "user_good",
                    "password": "pass_good", "status": "success" }),
        )
        .await;
    assert!(finished["public_token"].is_string(), "{finished}");
    // What Plaid's /link/token/get says of it: finished, no Item added, no exit.
    let got = env
        .post(
            "/link/token/get",
            json!({ "client_id": CLIENT_ID, "secret": SECRET, "link_token": tok.link_token }),
        )
        .await;
    let session = got["link_sessions"]
        .as_array()
        .and_then(|s| s.last())
        .cloned()
        .expect("a session");
    assert!(session["finished_at"].is_string(), "{session}");
    assert_eq!(
        session["results"]["item_add_results"],
        json!([]),
        "{session}"
    );
    assert!(
        session["exit"].is_null() && session["on_success"].is_null(),
        "{session}"
    );
    let poll = c.poll_hosted_link(&tok.link_token).await.expect("poll");
    assert_eq!(poll.state, HostedLinkState::Success, "{poll:?}");
    assert_eq!(poll.link_id, Some(link_id));
    assert_eq!(
        c.link_view(link_id).expect("view").health,
        LinkHealth::Healthy
    );
}

#[tokio::test]
async fn a_consent_ending_within_a_week_says_reconnect_before() {
    let env = start("hosted-consent").await;
    let c = &env.coffer;
    let soon = c
        .sandbox_quick_link("ins_900002", "user_good", "pass_good")
        .await
        .expect("quick link")
        .link_id;
    let later = c
        .sandbox_quick_link("ins_127287", "user_good", "pass_good")
        .await
        .expect("quick link")
        .link_id;
    let plain = c
        .sandbox_quick_link("ins_109508", "user_good", "pass_good")
        .await
        .expect("quick link")
        .link_id;
    let today = chrono::Utc::now().date_naive();
    let view = c.link_view(soon).expect("view");
    let day: chrono::NaiveDate = view
        .reconnect_before
        .as_deref()
        .expect("reconnect before")
        .parse()
        .expect("a date");
    assert_eq!(day, today + chrono::Duration::days(5), "{view:?}");
    let later_view = c.link_view(later).expect("view");
    assert!(later_view.consent_expires_at.is_some(), "{later_view:?}");
    assert_eq!(
        later_view.reconnect_before, None,
        "30 days away: nothing to say yet"
    );
    let plain_view = c.link_view(plain).expect("view");
    assert_eq!(plain_view.consent_expires_at, None, "{plain_view:?}");
    // /item/get (reconnect_check) keeps it current.
    c.reconnect_check().await.expect("check");
    assert_eq!(
        c.link_view(soon).expect("view").reconnect_before,
        view.reconnect_before
    );
}
