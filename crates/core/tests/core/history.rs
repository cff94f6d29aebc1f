//! The user's history days reach the (offline) sandbox, whichever way a link is made: with 30
//! days, no stored transaction is older than 30 days.

use chrono::{Days, Utc};
use coffer_core::{ListTransactionsInput, SettingsInput};

use crate::common::*;

#[tokio::test]
async fn history_days_bound_the_stored_transactions() {
    let env = start("history-days").await;
    env.coffer
        .save_settings(SettingsInput {
            days_requested: Some(30),
            ..Default::default()
        })
        .await
        .expect("settings");
    let via_link = env.link_bank().await;
    let quick = env
        .coffer
        .sandbox_quick_link("ins_109508", "user_good", "pass_good")
        .await
        .expect("quick link")
        .link_id;
    let too_old = Utc::now()
        .date_naive()
        .checked_sub_days(Days::new(31))
        .expect("date");
    for (how, link_id) in [("Link", via_link), ("quick link", quick)] {
        env.sync_ready(link_id).await;
        let accounts: Vec<String> = env
            .coffer
            .link_view(link_id)
            .expect("view")
            .accounts
            .into_iter()
            .map(|a| a.account_id)
            .collect();
        let list = |to| ListTransactionsInput {
            account_ids: Some(accounts.clone()),
            to,
            limit: 10,
            ..Default::default()
        };
        let all = env
            .coffer
            .list_transactions(list(None))
            .await
            .expect("list");
        assert_eq!(
            all.total as usize,
            env.truth(link_id).len(),
            "{how}: everything synced"
        );
        assert!(all.total > 0, "{how}: some history");
        let old = env
            .coffer
            .list_transactions(list(Some(too_old)))
            .await
            .expect("list old");
        assert_eq!(
            old.total, 0,
            "{how}: transactions older than 30 days: {:?}",
            old.rows
        );
    }
}
