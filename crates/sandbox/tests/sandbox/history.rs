//! `days_requested` bounds an Item's history (default 90, 1–730), from Link's token and from
//! `/sandbox/public_token/create`; `--history N` stays the transaction count.

use chrono::{Days, NaiveDate};
use serde_json::{Value, json};

use crate::common::{Api, link_session, link_token_request, manual_config, start, start_time};

/// The oldest and newest `date` of an Item's transactions, and how many there are.
fn span(txns: &[Value]) -> (NaiveDate, NaiveDate, usize) {
    let dates: Vec<NaiveDate> = txns
        .iter()
        .map(|t| {
            NaiveDate::parse_from_str(t["date"].as_str().expect("date"), "%Y-%m-%d").expect("day")
        })
        .collect();
    (
        *dates.iter().min().expect("some transactions"),
        *dates.iter().max().expect("some transactions"),
        dates.len(),
    )
}

async fn sandbox_item(api: &Api, days: Option<u64>) -> String {
    let mut body = json!({"institution_id": "ins_109508", "initial_products": ["transactions"]});
    if let Some(d) = days {
        body["options"] = json!({"transactions": {"days_requested": d}});
    }
    let pt = api.ok("/sandbox/public_token/create", body).await;
    let ex = api
        .ok(
            "/item/public_token/exchange",
            json!({"public_token": pt["public_token"]}),
        )
        .await;
    ex["item_id"].as_str().expect("item_id").to_string()
}

fn days_before_today(days: u64) -> NaiveDate {
    start_time()
        .date_naive()
        .checked_sub_days(Days::new(days))
        .expect("date")
}

#[tokio::test]
async fn days_requested_bounds_the_history_of_sandbox_items() {
    let (sandbox, api) = start(manual_config(600)).await;
    let today = start_time().date_naive();
    for (days, asked) in [(30, Some(30)), (730, Some(730)), (90, None), (1, Some(1))] {
        let id = sandbox_item(&api, asked).await;
        let (oldest, newest, count) = span(&sandbox.transactions_of_item(&id));
        assert_eq!(count, 600, "{days} days: --history stays the count");
        assert!(newest <= today, "{days} days: {newest}");
        assert_eq!(
            oldest,
            days_before_today(days - 1),
            "{days} days: the oldest transaction is on the first requested day"
        );
    }
    // What a client reads through /transactions/sync obeys it too.
    let (access, _) = {
        let pt = api
            .ok(
                "/sandbox/public_token/create",
                json!({"institution_id": "ins_109508", "initial_products": ["transactions"],
                       "options": {"transactions": {"days_requested": 30}}}),
            )
            .await;
        let ex = api
            .ok(
                "/item/public_token/exchange",
                json!({"public_token": pt["public_token"]}),
            )
            .await;
        (
            ex["access_token"].as_str().expect("at").to_string(),
            ex["item_id"].clone(),
        )
    };
    let synced = api.sync_all(&access, "", 500).await;
    let (oldest, _, count) = span(&synced.added);
    assert_eq!(count, 600);
    assert!(
        oldest > days_before_today(30),
        "no transaction older than 30 days: {oldest}"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn days_requested_out_of_range_is_invalid_field() {
    let (sandbox, api) = start(manual_config(50)).await;
    for days in [0, 731, -5] {
        let (status, code, body) = api
            .err(
                "/sandbox/public_token/create",
                json!({"institution_id": "ins_109508", "initial_products": ["transactions"],
                       "options": {"transactions": {"days_requested": days}}}),
            )
            .await;
        assert_eq!((status, code.as_str()), (400, "INVALID_FIELD"), "{body}");
        assert!(
            body["error_message"]
                .as_str()
                .is_some_and(|m| m.contains("options.transactions.days_requested")),
            "{body}"
        );
        let mut link = link_token_request();
        link["transactions"] = json!({"days_requested": days});
        let (status, code, body) = api.err("/link/token/create", link).await;
        assert_eq!((status, code.as_str()), (400, "INVALID_FIELD"), "{body}");
    }
    assert!(sandbox.item_ids().is_empty(), "nothing was created");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn link_tokens_carry_days_requested_to_the_item() {
    let mut config = manual_config(300);
    config.not_ready_on_link = false;
    let (sandbox, api) = start(config).await;
    for (days, asked) in [(30, Some(30)), (90, None)] {
        let mut request = link_token_request();
        if let Some(d) = asked {
            request["transactions"] = json!({"days_requested": d});
        }
        let lt = api.ok("/link/token/create", request).await;
        let token = lt["link_token"].as_str().expect("token");
        let (status, success) = link_session(&api, token, json!({})).await;
        assert_eq!(status, 200, "{success}");
        let ex = api
            .ok(
                "/item/public_token/exchange",
                json!({"public_token": success["public_token"]}),
            )
            .await;
        let id = ex["item_id"].as_str().expect("id");
        let (oldest, _, count) = span(&sandbox.transactions_of_item(id));
        assert_eq!(count, 300);
        assert_eq!(oldest, days_before_today(days - 1), "{days} days via Link");
    }
    sandbox.shutdown().await;
}
