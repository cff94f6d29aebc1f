//! After a full lifecycle, no access token and no Plaid secret in any file of the data
//! directory (database, -wal, settings, locks), the TRACE log, the events, or any value the
//! core returned.

use coffer_core::{CreateLinkTokenInput, ListTransactionsInput, vault};

use crate::common::*;

#[tokio::test]
async fn no_secret_anywhere() {
    let logs = log_buffer();
    let env = start("secrets").await;
    let mut returned: Vec<String> = Vec::new();
    let tok = env
        .coffer
        .create_link_token(Default::default())
        .await
        .expect("token");
    returned.push(serde_json::to_string(&tok).expect("json"));
    let success = env.link_session(&tok.link_token, "pass_good").await;
    let out = env
        .coffer
        .exchange_public_token(exchange_input(&success))
        .await
        .expect("exchange");
    returned.push(serde_json::to_string(&out).expect("json"));
    let id = out.link_id;
    for _ in 0..3 {
        returned.push(
            serde_json::to_string(
                &env.coffer
                    .sync_transactions(None, None)
                    .await
                    .expect("sync"),
            )
            .expect("json"),
        );
    }
    returned.push(
        serde_json::to_string(&env.coffer.refresh_balances(None).await.expect("bal"))
            .expect("json"),
    );
    returned.push(
        serde_json::to_string(&env.coffer.reconnect_check().await.expect("check")).expect("json"),
    );
    returned.push(
        serde_json::to_string(
            &env.coffer
                .list_transactions(ListTransactionsInput {
                    limit: 1000,
                    ..Default::default()
                })
                .await
                .expect("list"),
        )
        .expect("json"),
    );
    env.coffer.sandbox_reset_login(id).await.expect("reset");
    let err = env
        .coffer
        .sync_link(id, None)
        .await
        .expect_err("login required");
    returned.push(serde_json::to_string(&err).expect("json"));
    returned.push(format!("{err:?} {err}"));
    let upd = env
        .coffer
        .create_link_token(CreateLinkTokenInput {
            link_id: Some(id),
            ..Default::default()
        })
        .await
        .expect("update token");
    returned.push(serde_json::to_string(&upd).expect("json"));
    env.link_session(&upd.link_token, "pass_good").await;
    returned.push(
        serde_json::to_string(&env.coffer.finish_update(id, None).await.expect("finish"))
            .expect("json"),
    );
    returned.push(
        serde_json::to_string(&env.coffer.get_status().await.expect("status")).expect("json"),
    );
    returned.push(
        serde_json::to_string(&env.coffer.get_settings().await.expect("settings")).expect("json"),
    );
    returned.push(format!("{:?}", env.coffer));

    let item_id = env.item_id(id);
    let token = env
        .vault
        .load(&vault::item_key(coffer_core::Mode::Sandbox, &item_id))
        .expect("vault")
        .expect("token");
    let access = token.expose().to_string();
    assert!(access.len() > 10);
    // A second link, removed: its token must not linger either.
    let id2 = env.link_bank().await;
    let token2 = env
        .vault
        .load(&vault::item_key(
            coffer_core::Mode::Sandbox,
            &env.item_id(id2),
        ))
        .expect("vault")
        .expect("token2")
        .expose()
        .to_string();
    env.coffer.remove_link(id2, false).await.expect("remove");

    let needles = [access.as_str(), token2.as_str(), SECRET];
    let files = files_under(env.dir.path());
    assert!(
        files.iter().any(|(p, _)| p.ends_with("coffer.db")),
        "the walk sees the database"
    );
    let events = env
        .coffer
        .store()
        .read(|c| coffer_core::store::events::read::recent(c, None, 10_000))
        .expect("events");
    let events = serde_json::to_string(&events).expect("json");
    let log = String::from_utf8_lossy(&logs.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    assert!(!log.is_empty(), "the TRACE subscriber captured something");
    for n in needles {
        for (path, bytes) in &files {
            assert!(
                !contains(bytes, n.as_bytes()),
                "secret in {}",
                path.display()
            );
        }
        assert!(!events.contains(n), "secret in events");
        assert!(!log.contains(n), "secret in logs");
        for r in &returned {
            assert!(!r.contains(n), "secret in a returned value: {r}");
        }
    }
    // The public token is not stored either (only its hash).
    let public = success["public_token"].as_str().expect("public token");
    for (path, bytes) in &files {
        assert!(
            !contains(bytes, public.as_bytes()),
            "public token in {}",
            path.display()
        );
    }
}

/// Every file in the data directory (database, -wal, settings, locks, ...), with its bytes.
pub fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
