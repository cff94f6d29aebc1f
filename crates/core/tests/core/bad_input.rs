//! Bad input is rejected before anything runs, with the right code, and changes nothing.

use coffer_core::{
    CreateLinkTokenInput, ErrorCode, ExchangeInput, ExportFormat, ExportInput,
    ListTransactionsInput,
};

use crate::common::*;

fn exch(token: &str, accounts: &[&str]) -> ExchangeInput {
    serde_json::from_value(serde_json::json!({
        "publicToken": token,
        "institutionId": "ins_109508",
        "institutionName": "First Platypus Bank",
        "accountIds": accounts,
    }))
    .expect("input")
}

#[tokio::test]
async fn rejected_inputs_change_nothing() {
    let env = start("bad-input").await;
    let link_id = env.link_bank().await;
    env.sync_ready(link_id).await;
    let c = &env.coffer;
    let before = snapshot(c.store());
    let long = "x".repeat(10_000);
    let sql = "'; DROP TABLE links; --";

    let cases: Vec<(&str, ErrorCode, coffer_core::AppError)> = vec![
        (
            "empty public token",
            ErrorCode::MissingPublicToken,
            c.exchange_public_token(exch("", &["a"]))
                .await
                .expect_err("x"),
        ),
        (
            "no accounts",
            ErrorCode::NoAccountsSelected,
            c.exchange_public_token(exch("public-sandbox-abc", &[]))
                .await
                .expect_err("x"),
        ),
        (
            "malformed token",
            ErrorCode::InvalidInput,
            c.exchange_public_token(exch("not-a-token", &["a"]))
                .await
                .expect_err("x"),
        ),
        (
            "sql token",
            ErrorCode::InvalidInput,
            c.exchange_public_token(exch(&format!("public-{sql}"), &["a"]))
                .await
                .expect_err("x"),
        ),
        (
            "non-ascii token",
            ErrorCode::InvalidInput,
            c.exchange_public_token(exch("public-sandbox-ünïcødé", &["a"]))
                .await
                .expect_err("x"),
        ),
        (
            "long token",
            ErrorCode::InvalidInput,
            c.exchange_public_token(exch(&format!("public-{long}"), &["a"]))
                .await
                .expect_err("x"),
        ),
        (
            "sql account id",
            ErrorCode::InvalidInput,
            c.exchange_public_token(exch("public-sandbox-abc", &[sql]))
                .await
                .expect_err("x"),
        ),
        (
            "zero link id",
            ErrorCode::InvalidInput,
            c.rename_link(0, "x").await.expect_err("x"),
        ),
        (
            "negative link id",
            ErrorCode::InvalidInput,
            c.remove_link(-5, false).await.expect_err("x"),
        ),
        (
            "unknown link",
            ErrorCode::LinkNotFound,
            c.rename_link(999_999, "x").await.expect_err("x"),
        ),
        (
            "unknown link remove",
            ErrorCode::LinkNotFound,
            c.remove_link(424_242, false).await.expect_err("x"),
        ),
        (
            "unknown link sync",
            ErrorCode::LinkNotFound,
            c.sync_link(77, None).await.expect_err("x"),
        ),
        (
            "empty name",
            ErrorCode::InvalidInput,
            c.rename_link(link_id, "   ").await.expect_err("x"),
        ),
        (
            "long name",
            ErrorCode::InvalidInput,
            c.rename_link(link_id, &long).await.expect_err("x"),
        ),
        (
            "sql name",
            ErrorCode::InvalidInput,
            c.rename_link(link_id, sql).await.expect_err("x"),
        ),
        (
            "control chars name",
            ErrorCode::InvalidInput,
            c.rename_link(link_id, "a\u{0}b").await.expect_err("x"),
        ),
        (
            "update unknown link",
            ErrorCode::LinkNotFound,
            c.create_link_token(CreateLinkTokenInput {
                link_id: Some(31337),
                ..Default::default()
            })
            .await
            .expect_err("x"),
        ),
        (
            "selection without link",
            ErrorCode::InvalidInput,
            c.create_link_token(CreateLinkTokenInput {
                account_selection: true,
                ..Default::default()
            })
            .await
            .expect_err("x"),
        ),
        (
            "finish update empty accounts",
            ErrorCode::NoAccountsSelected,
            c.finish_update(link_id, Some(vec![])).await.expect_err("x"),
        ),
        (
            "poll malformed",
            ErrorCode::InvalidInput,
            c.poll_hosted_link(sql).await.expect_err("x"),
        ),
        (
            "poll unknown",
            ErrorCode::InvalidInput,
            c.poll_hosted_link("link-sandbox-00000000-0000-0000-0000-000000000000")
                .await
                .expect_err("x"),
        ),
        (
            "limit 0",
            ErrorCode::InvalidInput,
            c.list_transactions(ListTransactionsInput {
                limit: 0,
                ..Default::default()
            })
            .await
            .expect_err("x"),
        ),
        (
            "limit huge",
            ErrorCode::InvalidInput,
            c.list_transactions(ListTransactionsInput {
                limit: 1_000_000,
                ..Default::default()
            })
            .await
            .expect_err("x"),
        ),
        (
            "unknown account filter",
            ErrorCode::InvalidInput,
            c.list_transactions(ListTransactionsInput {
                account_ids: Some(vec!["nope".into()]),
                limit: 10,
                ..Default::default()
            })
            .await
            .expect_err("x"),
        ),
        (
            "sql account filter",
            ErrorCode::InvalidInput,
            c.list_transactions(ListTransactionsInput {
                account_ids: Some(vec![sql.into()]),
                limit: 10,
                ..Default::default()
            })
            .await
            .expect_err("x"),
        ),
        (
            "long search",
            ErrorCode::InvalidInput,
            c.list_transactions(ListTransactionsInput {
                search: Some(long.clone()),
                limit: 10,
                ..Default::default()
            })
            .await
            .expect_err("x"),
        ),
        (
            "relative export path",
            ErrorCode::InvalidInput,
            c.export_transactions(ExportInput {
                format: ExportFormat::Csv,
                path: "out.csv".into(),
                filter: Default::default(),
            })
            .await
            .expect_err("x"),
        ),
        (
            "quick link bad institution",
            ErrorCode::InvalidInput,
            c.sandbox_quick_link(sql, "user_good", "pass_good")
                .await
                .expect_err("x"),
        ),
        (
            "settings bad country",
            ErrorCode::InvalidInput,
            c.save_settings(coffer_core::SettingsInput {
                country_codes: Some(vec!["ZZ".into()]),
                ..Default::default()
            })
            .await
            .expect_err("x"),
        ),
        (
            "settings days",
            ErrorCode::InvalidInput,
            c.save_settings(coffer_core::SettingsInput {
                days_requested: Some(0),
                ..Default::default()
            })
            .await
            .expect_err("x"),
        ),
    ];
    for (what, code, err) in &cases {
        assert_eq!(err.code(), *code, "{what}: {err}");
        let json = serde_json::to_value(err).expect("json");
        assert!(
            json["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}"
        );
    }
    assert_eq!(
        snapshot(c.store()),
        before,
        "a rejected command changed the database"
    );

    // SQL-looking search text is just text: matches nothing, harms nothing.
    let page = c
        .list_transactions(ListTransactionsInput {
            search: Some(sql.into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("search");
    assert_eq!(page.total, 0);
    let page = c
        .list_transactions(ListTransactionsInput {
            search: Some("%".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("search %");
    assert_eq!(page.total, 0, "LIKE wildcards are escaped");
    assert_eq!(snapshot(c.store()), before);
    // JSON with unknown fields is refused by the input types.
    assert!(serde_json::from_str::<CreateLinkTokenInput>(r#"{"useCache":true,"evil":1}"#).is_err());
}
