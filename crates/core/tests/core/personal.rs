//! The person's edits, rules, splits and transfers against the real sandbox: what sync does
//! to them (modified, pending→posted, removed rows), rules in order and never over a hand
//! edit, "apply to existing" changing exactly what it previewed, splits refused unless they
//! add up, transfers left out of spending, and an edit made while another process syncs.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};
use std::sync::{Arc, Mutex};

use coffer_core::{
    ApplyRulesInput, Coffer, HistoryInput, ListTransactionsInput, Mode, TransactionView, vault,
};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::common::*;

fn input<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("input")
}

async fn edit(c: &Coffer, v: Value) -> coffer_core::Result<Vec<TransactionView>> {
    c.edit_transactions(input(v)).await
}

/// Every row matching `filter` (paged through).
async fn all(c: &Coffer, filter: Value) -> Vec<TransactionView> {
    let mut out = Vec::new();
    loop {
        let mut f = filter.clone();
        f["limit"] = json!(1000);
        f["offset"] = json!(out.len());
        let page = c
            .list_transactions(input::<ListTransactionsInput>(f))
            .await
            .expect("list");
        let n = page.rows.len();
        out.extend(page.rows);
        if n < 1000 {
            return out;
        }
    }
}

fn personal(t: &TransactionView) -> coffer_core::Personal {
    t.personal.as_deref().cloned().unwrap_or_default()
}

/// The sandbox's `/transactions/refresh` for a link (posts every pending row of a dynamic
/// Item, adds two rows and modifies one).
async fn refresh(env: &Env, link_id: i64) {
    let key = vault::item_key(Mode::Sandbox, &env.item_id(link_id));
    let token = env.vault.load(&key).expect("load").expect("token");
    env.post(
        "/transactions/refresh",
        json!({"client_id": CLIENT_ID, "secret": SECRET, "access_token": token.expose()}),
    )
    .await;
}

async fn dynamic_link(env: &Env) -> i64 {
    let id = env
        .coffer
        .sandbox_quick_link("ins_109508", "user_transactions_dynamic", "pass_good")
        .await
        .expect("dynamic link")
        .link_id;
    env.sync_ready(id).await;
    id
}

fn count(env: &Env, sql: &str) -> i64 {
    env.coffer
        .store()
        .read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
        .expect("count")
}

#[tokio::test]
async fn edits_survive_modified_pending_to_posted_and_removed_rows() {
    let env = start("pers-survive").await;
    let c = &env.coffer;
    let link = dynamic_link(&env).await;
    let before = all(c, json!({})).await;
    let pending: Vec<String> = before
        .iter()
        .filter(|t| t.pending)
        .map(|t| t.transaction_id.clone())
        .collect();
    assert!(!pending.is_empty(), "the dynamic Item has pending rows");
    // A note naming each row, and a hand category and tag on the pending ones.
    for t in &before {
        edit(c, json!({"transactionIds": [t.transaction_id], "note": format!("Note {}", t.transaction_id)}))
            .await
            .expect("note");
    }
    edit(
        c,
        json!({"transactionIds": pending, "category": "GENERAL_SERVICES_CHILDCARE", "addTags": ["kids"]}),
    )
    .await
    .expect("pending edits");

    refresh(&env, link).await;
    let report = c.sync_link(link, None).await.expect("sync");
    assert!(
        report.modified >= 1 && report.removed as usize >= pending.len(),
        "{report:?}"
    );

    let after: BTreeMap<String, TransactionView> = all(c, json!({}))
        .await
        .into_iter()
        .map(|t| (t.transaction_id.clone(), t))
        .collect();
    // Pending rows are gone; the posted rows replacing them carry their words.
    for p in &pending {
        assert!(!after.contains_key(p), "{p} was replaced");
        let posted: String = env
            .coffer
            .store()
            .read(|cn| {
                Ok(cn.query_row(
                    "SELECT transaction_id FROM transactions WHERE pending_transaction_id = ?1",
                    [p],
                    |r| r.get(0),
                )?)
            })
            .expect("posted row");
        let t = &after[&posted];
        let w = personal(t);
        assert_eq!(
            w.note.as_deref(),
            Some(format!("Note {p}").as_str()),
            "{posted}"
        );
        assert_eq!(w.category.as_deref(), Some("GENERAL_SERVICES_CHILDCARE"));
        assert_eq!(
            w.tags.iter().map(|t| t.tag.as_str()).collect::<Vec<_>>(),
            ["kids"]
        );
        assert!(!t.pending);
        // Searchable through the index under its new id.
        let found = all(c, json!({"search": format!("note {p}")})).await;
        assert_eq!(
            found.iter().map(|t| &t.transaction_id).collect::<Vec<_>>(),
            [&posted]
        );
    }
    // A modified row keeps its words; Plaid's new amount shows beside them.
    let modified: Vec<&TransactionView> = before
        .iter()
        .filter(|b| {
            after
                .get(&b.transaction_id)
                .is_some_and(|a| a.amount != b.amount)
        })
        .collect();
    assert!(!modified.is_empty(), "refresh modified a row");
    for m in modified {
        let a = &after[&m.transaction_id];
        assert_eq!(personal(a).note, Some(format!("Note {}", m.transaction_id)));
    }
    // No word is left on a row that does not exist.
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM transaction_edits WHERE transaction_id NOT IN (SELECT transaction_id FROM transactions)"
        ),
        0
    );
    for p in &pending {
        let n: i64 = env
            .coffer
            .store()
            .read(|cn| {
                Ok(cn.query_row(
                    "SELECT count(*) FROM transaction_edits WHERE transaction_id = ?1",
                    [p],
                    |r| r.get(0),
                )?)
            })
            .expect("n");
        assert_eq!(n, 0);
    }

    // A `removed` row (no replacement) takes its words with it.
    let victim = after.keys().next().expect("a row").clone();
    edit(
        c,
        json!({"transactionIds": [victim], "addTags": ["gone"], "name": "Gone soon"}),
    )
    .await
    .expect("edit");
    c.store()
        .write(|cn| coffer_core::store::transactions::write::remove(cn, &victim))
        .expect("remove");
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM transaction_tags WHERE tag = 'gone'"
        ),
        0
    );
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM transaction_edits WHERE name = 'Gone soon'"
        ),
        0
    );
    assert!(all(c, json!({"search": "gone soon"})).await.is_empty());
}

#[tokio::test]
async fn rules_run_in_order_on_sync_and_never_over_a_hand_edit() {
    let env = start("pers-rules").await;
    let c = &env.coffer;
    let link = env.link_bank().await;
    let rule = |name: &str, conds: Value, actions: Value| {
        input::<coffer_core::RuleInput>(
            json!({"name": name, "conditions": conds, "actions": actions}),
        )
    };
    let first = c
        .save_rule(rule(
            "Rides are travel",
            json!([{"field": "merchant", "op": "exact", "value": "uber"}]),
            json!([{"action": "setCategory", "category": "TRAVEL"}, {"action": "addTag", "tag": "ride"}]),
        ))
        .await
        .expect("rule 1");
    let second = c
        .save_rule(rule(
            "Uber by description",
            json!([{"field": "description", "op": "startsWith", "value": "UBER "},
                   {"field": "direction", "direction": "out"}]),
            json!([{"action": "setCategory", "category": "TRANSPORTATION"},
                   {"action": "rename", "name": "Uber ride"}, {"action": "addTag", "tag": "b"}]),
        ))
        .await
        .expect("rule 2");
    env.sync_ready(link).await;

    let ubers = all(c, json!({"search": "uber 0"})).await;
    assert!(ubers.len() >= 2, "the sandbox has Uber rides");
    for t in &ubers {
        let p = personal(t);
        assert_eq!(
            (p.category.as_deref(), p.category_rule),
            (Some("TRAVEL"), Some(first.id)),
            "first rule wins"
        );
        assert_eq!(
            (p.name.as_deref(), p.name_rule),
            (Some("Uber ride"), Some(second.id))
        );
        let tags: Vec<_> = p.tags.iter().map(|t| (t.tag.as_str(), t.rule)).collect();
        assert_eq!(tags, [("b", Some(second.id)), ("ride", Some(first.id))]);
        assert_eq!(
            t.category.as_deref(),
            Some("TRANSPORTATION"),
            "Plaid's stays"
        );
    }
    // Filters and charts see the person's category.
    assert_eq!(
        all(c, json!({"category": "TRAVEL", "search": "uber 0"}))
            .await
            .len(),
        ubers.len()
    );
    assert_eq!(all(c, json!({"tag": "ride"})).await.len(), ubers.len());

    // A hand edit on one ride: the rules never take it back.
    let mine = &ubers[0].transaction_id;
    edit(
        c,
        json!({"transactionIds": [mine], "category": "FOOD_AND_DRINK", "name": "Dinner ride"}),
    )
    .await
    .expect("hand edit");
    // The second rule first now: every other ride becomes TRANSPORTATION.
    c.order_rules(input(json!({"ids": [second.id, first.id]})))
        .await
        .expect("order");
    // A note is no reason to run the rules: the new order reaches this row only by "apply".
    let noted = edit(
        c,
        json!({"transactionIds": [&ubers[1].transaction_id], "note": "to the airport"}),
    )
    .await
    .expect("note");
    assert_eq!(
        personal(&noted[0]).category_rule,
        Some(first.id),
        "a note left the rules alone"
    );
    let preview = c
        .preview_rules(ApplyRulesInput::default())
        .await
        .expect("preview");
    assert_eq!(preview.changed as usize, ubers.len() - 1, "{preview:?}");
    c.apply_rules(
        ApplyRulesInput {
            rule_id: None,
            revision: Some(preview.revision),
        },
        None,
    )
    .await
    .expect("apply");
    for t in all(c, json!({"search": "uber 0"})).await {
        let p = personal(&t);
        if &t.transaction_id == mine {
            assert_eq!(
                (p.category.as_deref(), p.category_rule),
                (Some("FOOD_AND_DRINK"), None)
            );
            assert_eq!(p.name.as_deref(), Some("Dinner ride"));
        } else {
            assert_eq!(
                (p.category.as_deref(), p.category_rule),
                (Some("TRANSPORTATION"), Some(second.id))
            );
        }
    }
    // Cleared back to Plaid's, the field is the rules' again at once.
    let back = edit(c, json!({"transactionIds": [mine], "category": null}))
        .await
        .expect("clear");
    assert_eq!(personal(&back[0]).category_rule, Some(second.id));

    // A deleted rule's effects go; the other rule's stay.
    c.delete_rule(input(json!({"id": second.id})))
        .await
        .expect("delete");
    for t in all(c, json!({"search": "uber 0"})).await {
        let p = personal(&t);
        assert_eq!(
            p.category.as_deref(),
            Some("TRAVEL"),
            "{:?}",
            t.transaction_id
        );
        assert!(!p.tags.iter().any(|t| t.tag == "b"));
    }

    // Export and import round trip; a bad document changes nothing.
    let doc = c.export_rules().await.expect("export");
    let before = snapshot(c.store());
    let mut bad = serde_json::to_value(&doc).expect("json");
    bad["rules"][0]["actions"] = json!([{"action": "setCategory", "category": "NOT_A_CATEGORY"}]);
    let err = c
        .import_rules(input(json!({"document": bad})))
        .await
        .expect_err("bad document");
    assert!(err.to_string().contains("rule 1"), "{err}");
    assert_eq!(
        snapshot(c.store()),
        before,
        "a refused import changes nothing"
    );
    let imported = c
        .import_rules(input(json!({"document": doc, "replace": true})))
        .await
        .expect("import");
    assert_eq!(imported.len(), doc.rules.len());
    assert_eq!(c.export_rules().await.expect("again").rules, doc.rules);
}

#[tokio::test]
async fn apply_to_existing_changes_exactly_the_previewed_rows() {
    let env = start("pers-apply").await;
    let c = &env.coffer;
    let link = env.link_bank().await;
    env.sync_ready(link).await;
    let words = |rows: &[TransactionView]| -> BTreeMap<String, coffer_core::Personal> {
        rows.iter()
            .map(|t| (t.transaction_id.clone(), personal(t)))
            .collect()
    };
    let before = words(&all(c, json!({})).await);
    let rule = c
        .save_rule(input(json!({
            "name": "Groceries",
            "conditions": [{"field": "plaidCategory", "category": "FOOD_AND_DRINK"},
                           {"field": "amount", "min": "10.00"}],
            "actions": [{"action": "setCategory", "category": "FOOD_AND_DRINK_GROCERIES"},
                        {"action": "exclude"}]
        })))
        .await
        .expect("rule");
    assert_eq!(
        words(&all(c, json!({})).await),
        before,
        "saving a rule changes no stored row"
    );
    let preview = c
        .preview_rules(ApplyRulesInput {
            rule_id: Some(rule.id),
            revision: None,
        })
        .await
        .expect("preview");
    assert!(
        preview.changed > 0 && preview.changed < preview.checked,
        "{preview:?}"
    );
    assert_eq!(preview.examples.len() as u64, preview.changed.min(10));

    // A stale preview is refused and changes nothing.
    let someone = before.keys().next().expect("row").clone();
    edit(c, json!({"transactionIds": [someone], "note": "meanwhile"}))
        .await
        .expect("edit");
    let snap = snapshot(c.store());
    let err = c
        .apply_rules(
            ApplyRulesInput {
                rule_id: Some(rule.id),
                revision: Some(preview.revision.clone()),
            },
            None,
        )
        .await
        .expect_err("stale");
    assert!(err.to_string().contains("preview again"), "{err}");
    assert_eq!(snapshot(c.store()), snap);
    assert!(
        c.apply_rules(
            ApplyRulesInput {
                rule_id: Some(rule.id),
                revision: None
            },
            None
        )
        .await
        .is_err()
    );

    let preview = c
        .preview_rules(ApplyRulesInput {
            rule_id: Some(rule.id),
            revision: None,
        })
        .await
        .expect("preview");
    let mid = words(&all(c, json!({})).await);
    let heard = Arc::new(Mutex::new(Vec::new()));
    let h = heard.clone();
    let report = move |p: coffer_core::RulesProgress| h.lock().expect("lock").push(p);
    let applied = c
        .apply_rules(
            ApplyRulesInput {
                rule_id: Some(rule.id),
                revision: Some(preview.revision.clone()),
            },
            Some(&report),
        )
        .await
        .expect("apply");
    assert_eq!(applied.changed, preview.changed);
    let after = words(&all(c, json!({})).await);
    let changed: BTreeSet<&String> = after
        .iter()
        .filter(|(id, w)| mid.get(*id) != Some(w))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        changed.len() as u64,
        preview.changed,
        "exactly the previewed rows changed"
    );
    for ex in &preview.examples {
        assert!(changed.contains(&ex.transaction_id), "{ex:?}");
        assert!(ex.changes.iter().any(|w| w.contains("Groceries")), "{ex:?}");
    }
    for id in &changed {
        assert_eq!(
            after[*id].category.as_deref(),
            Some("FOOD_AND_DRINK_GROCERIES")
        );
        assert!(after[*id].excluded);
    }
    let last = *heard.lock().expect("lock").last().expect("progress heard");
    assert_eq!(last.done, last.total);
    // Applied again: nothing left to change.
    let again = c
        .preview_rules(ApplyRulesInput::default())
        .await
        .expect("preview");
    assert_eq!(again.changed, 0);
}

#[tokio::test]
async fn splits_add_up_exactly_or_are_refused() {
    let env = start("pers-split").await;
    let c = &env.coffer;
    let link = env.link_bank().await;
    env.sync_ready(link).await;
    let rows = all(c, json!({})).await;
    let t = rows
        .iter()
        .find(|t| !t.pending && t.amount > Decimal::from(20) && t.amount.scale() == 2)
        .expect("a posted purchase over 20")
        .clone();
    let id = &t.transaction_id;
    let before = snapshot(c.store());
    let split = |parts: Value| {
        input::<coffer_core::SplitInput>(json!({"transactionId": id, "parts": parts}))
    };
    let short = t.amount - Decimal::new(1, 2);
    for (parts, says) in [
        (
            json!([{"amount": "10.00"}, {"amount": (short - Decimal::from(10)).to_string()}]),
            "still to assign",
        ),
        (
            json!([{"amount": "10.00"}, {"amount": (t.amount - Decimal::from(9)).to_string()}]),
            "too much",
        ),
        (json!([{"amount": t.amount.to_string()}]), "2 to 20 parts"),
        (
            json!([{"amount": "ten"}, {"amount": "1"}]),
            "is not an amount",
        ),
        (
            json!([{"amount": "0"}, {"amount": t.amount.to_string()}]),
            "zero",
        ),
        (
            json!([{"amount": "10.00", "category": "Nope"}, {"amount": (t.amount - Decimal::from(10)).to_string()}]),
            "unknown category",
        ),
    ] {
        let err = c
            .split_transaction(split(parts.clone()))
            .await
            .expect_err("refused");
        assert!(err.to_string().contains(says), "{parts}: {err}");
        assert_eq!(snapshot(c.store()), before, "{parts}: nothing changed");
    }
    c.create_category(input(json!({"name": "Gifts"})))
        .await
        .expect("category");
    let rest = t.amount - Decimal::new(1234, 2);
    let done = c
        .split_transaction(split(json!([
            {"amount": "12.34", "category": "Gifts", "note": "for Sam"},
            {"amount": rest.to_string(), "category": "GENERAL_MERCHANDISE_CLOTHING_AND_ACCESSORIES"}
        ])))
        .await
        .expect("split");
    let parts = personal(&done).split;
    assert_eq!(parts.iter().map(|p| p.amount).sum::<Decimal>(), t.amount);
    // A part's note is searchable, and stops being when the split goes (below).
    let found = all(c, json!({"search": "FOR SAM"})).await;
    assert_eq!(
        found.iter().map(|r| &r.transaction_id).collect::<Vec<_>>(),
        [id]
    );

    // Spending counts the parts under their categories.
    let month = &t.date.to_string()[..7];
    let spending = c
        .list_spending_by_category(input::<HistoryInput>(json!({})))
        .await
        .expect("spending");
    let gifts = spending
        .iter()
        .find(|r| r.month == month && r.category.as_deref() == Some("Gifts"))
        .expect("a Gifts row");
    assert_eq!(gifts.spent, Decimal::new(1234, 2));
    // The CSV export writes the parts, one row each, read back by the csv crate.
    let out = tempfile::tempdir().expect("dir");
    let path = out.path().join("t.csv");
    c.export_transactions(input(json!({"format": "csv", "path": path, "filter": {}})))
        .await
        .expect("export");
    let mut reader = csv::Reader::from_path(&path).expect("csv");
    let headers = reader.headers().expect("headers").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let mine: Vec<csv::StringRecord> = reader
        .records()
        .map(|r| r.expect("record"))
        .filter(|r| &r[col("transaction_id")] == id.as_str())
        .collect();
    assert_eq!(mine.len(), 2);
    assert_eq!(&mine[0][col("category")], "Gifts");
    assert_eq!(&mine[0][col("note")], "for Sam");
    assert_eq!(&mine[0][col("split_part")], "1/2");
    let sum: Decimal = mine
        .iter()
        .map(|r| r[col("amount")].parse::<Decimal>().expect("amount"))
        .sum();
    assert_eq!(sum, t.amount);
    // The category is in use: refused; the split undone, then it can go.
    assert!(
        c.delete_category(input(json!({"name": "gifts"})))
            .await
            .is_err()
    );
    let undone = c.split_transaction(split(json!([]))).await.expect("undo");
    assert!(personal(&undone).split.is_empty());
    assert!(all(c, json!({"search": "for sam"})).await.is_empty());
    c.delete_category(input(json!({"name": "gifts"})))
        .await
        .expect("delete");
}

#[tokio::test]
async fn transfers_pair_across_accounts_and_leave_spending() {
    let env = start("pers-transfer").await;
    let c = &env.coffer;
    let link = env.link_bank().await;
    env.sync_ready(link).await;
    let accounts = c
        .store()
        .read(|cn| coffer_core::store::accounts::read::by_link(cn, link))
        .expect("accounts");
    let of = |kind: &str, sub: &str| {
        accounts
            .iter()
            .find(|a| a.account_type == kind && a.subtype.as_deref() == Some(sub))
            .unwrap_or_else(|| panic!("a {sub} account"))
            .clone()
    };
    let (checking, savings, card) = (
        of("depository", "checking"),
        of("depository", "savings"),
        of("credit", "credit card"),
    );
    // Money to savings and a card payment, as Plaid categorises them; and a look-alike that
    // is no transfer (same amount, but a purchase).
    let day = chrono::NaiveDate::from_ymd_opt(2031, 5, 10).expect("date");
    let rows = [
        (
            "tr-out",
            &checking,
            day,
            "250.00",
            "TRANSFER_OUT",
            "TRANSFER OUT TO SAVINGS",
        ),
        (
            "tr-in",
            &savings,
            day + chrono::Days::new(2),
            "-250.00",
            "TRANSFER_IN",
            "TRANSFER FROM CHECKING",
        ),
        (
            "cc-pay",
            &checking,
            day,
            "120.5",
            "LOAN_PAYMENTS",
            "CREDIT CARD PAYMENT",
        ),
        (
            "cc-recv",
            &card,
            day + chrono::Days::new(1),
            "-120.50",
            "LOAN_PAYMENTS",
            "PAYMENT - THANK YOU",
        ),
        ("shop", &card, day, "250.00", "GENERAL_MERCHANDISE", "SHOP"),
        (
            "far-in",
            &savings,
            day + chrono::Days::new(9),
            "-77.00",
            "TRANSFER_IN",
            "LATE DEPOSIT",
        ),
        (
            "far-out",
            &checking,
            day,
            "77.00",
            "TRANSFER_OUT",
            "EARLY WITHDRAWAL",
        ),
    ];
    c.store()
        .write(|cn| {
            for (id, a, date, amount, cat, name) in rows {
                coffer_core::store::transactions::write::upsert(
                    cn,
                    &coffer_core::store::transactions::write::NewTransaction {
                        transaction_id: id,
                        account_rowid: a.rowid,
                        date: date.to_string(),
                        authorized_date: None,
                        amount: amount.into(),
                        iso_currency_code: Some("USD"),
                        unofficial_currency_code: None,
                        name,
                        merchant_name: None,
                        pending: false,
                        pending_transaction_id: None,
                        payment_channel: None,
                        category: Some(cat),
                        category_detailed: None,
                    },
                )?;
            }
            Ok(())
        })
        .expect("rows");
    // The next sync pairs them.
    c.sync_link(link, None).await.expect("sync");
    assert_eq!(side(c, "tr-out").await.as_deref(), Some("tr-in"));
    assert_eq!(side(c, "tr-in").await.as_deref(), Some("tr-out"));
    assert_eq!(side(c, "cc-pay").await.as_deref(), Some("cc-recv"));
    assert_eq!(side(c, "shop").await, None, "a purchase is no transfer");
    assert_eq!(side(c, "far-out").await, None, "nine days apart");
    let transfers: BTreeSet<String> = all(c, json!({"transfers": true, "from": "2031-05-01"}))
        .await
        .into_iter()
        .map(|t| t.transaction_id)
        .collect();
    assert_eq!(
        transfers,
        ["cc-pay", "cc-recv", "tr-in", "tr-out"]
            .map(String::from)
            .into()
    );
    assert!(
        !all(c, json!({"transfers": false, "from": "2031-05-01"}))
            .await
            .iter()
            .any(|t| transfers.contains(&t.transaction_id))
    );

    // Spending leaves them out: only the purchase and the unpaired withdrawal count.
    let spent = |c: &Coffer| {
        let c = c.clone();
        async move {
            c.list_spending_by_category(input::<HistoryInput>(
                json!({"from": "2031-05-01", "to": "2031-05-31"}),
            ))
            .await
            .expect("spending")
            .iter()
            .map(|r| r.spent)
            .sum::<Decimal>()
        }
    };
    assert_eq!(spent(c).await, Decimal::from(327));
    // Unpaired by hand: spending again, and never paired again by a sync.
    c.unpair_transfer(input(json!({"transactionId": "tr-in"})))
        .await
        .expect("unpair");
    c.sync_link(link, None).await.expect("sync");
    assert_eq!(side(c, "tr-out").await, None);
    assert_eq!(spent(c).await, Decimal::from(577));
    // Pairing by hand: refusals first, nothing changed by them.
    let before = snapshot(c.store());
    for (a, b, says) in [
        ("tr-out", "shop", "money out of one account"),
        ("far-out", "tr-in", "amounts differ"),
        ("tr-out", "far-out", "different accounts"),
        ("tr-out", "cc-recv", "already part of a transfer"),
        ("tr-out", "nope", "unknown transaction"),
    ] {
        let err = c
            .pair_transfer(input(json!({"transactionIds": [a, b]})))
            .await
            .expect_err(says);
        assert!(err.to_string().contains(says), "{a} {b}: {err}");
    }
    assert_eq!(snapshot(c.store()), before);
    let pair = c
        .pair_transfer(input(json!({"transactionIds": ["far-in", "far-out"]})))
        .await
        .expect("pair by hand");
    assert!(personal(&pair[0]).transfer.expect("paired").by_hand);
    assert_eq!(spent(c).await, Decimal::from(500));
}

/// The other side of the transfer a row is part of.
async fn side(c: &Coffer, id: &str) -> Option<String> {
    let t = c
        .get_transaction(input(json!({"transactionId": id})))
        .await
        .expect("row");
    personal(&t).transfer.map(|x| x.other_transaction_id)
}

#[tokio::test]
async fn bad_edits_change_nothing() {
    let env = start("pers-bad").await;
    let c = &env.coffer;
    let link = env.link_bank().await;
    env.sync_ready(link).await;
    let id = all(c, json!({})).await[0].transaction_id.clone();
    let before = snapshot(c.store());
    for (v, says) in [
        (json!({"transactionIds": []}), "1 to 1000"),
        (json!({"transactionIds": [id]}), "nothing to change"),
        (
            json!({"transactionIds": [id, "missing"], "note": "x"}),
            "unknown transaction",
        ),
        (
            json!({"transactionIds": [id], "category": "Imaginary"}),
            "unknown category",
        ),
        (
            json!({"transactionIds": [id], "name": "x".repeat(101)}),
            "at most 100",
        ),
        (json!({"transactionIds": [id], "addTags": [" "]}), "a tag"),
        (
            json!({"transactionIds": [id], "note": "bell\u{7}"}),
            "control",
        ),
    ] {
        let err = edit(c, v.clone()).await.expect_err("refused");
        assert!(err.to_string().contains(says), "{v}: {err}");
    }
    for (v, says) in [
        (
            json!({"name": "R", "conditions": [], "actions": [{"action": "exclude"}]}),
            "1 to 20 conditions",
        ),
        (
            json!({"name": "R", "conditions": [{"field": "amount", "min": "5", "max": "1"}], "actions": [{"action": "exclude"}]}),
            "empty",
        ),
        (
            json!({"name": "R", "conditions": [{"field": "account", "accountId": "nope"}], "actions": [{"action": "exclude"}]}),
            "unknown account",
        ),
        (
            json!({"name": "R", "conditions": [{"field": "plaidCategory", "category": "Kids"}], "actions": [{"action": "exclude"}]}),
            "not one of Plaid's",
        ),
        (
            json!({"name": "R", "conditions": [{"field": "merchant", "op": "exact", "value": "x"}], "actions": [{"action": "exclude"}, {"action": "exclude"}]}),
            "only once",
        ),
        (
            json!({"id": 999, "name": "R", "conditions": [{"field": "merchant", "op": "exact", "value": "x"}], "actions": [{"action": "exclude"}]}),
            "no rule 999",
        ),
    ] {
        let err = c.save_rule(input(v.clone())).await.expect_err("refused");
        assert!(err.to_string().contains(says), "{v}: {err}");
    }
    for name in ["", "Travel", &"x".repeat(61)] {
        assert!(
            c.create_category(input(json!({"name": name})))
                .await
                .is_err(),
            "{name:?}"
        );
    }
    assert!(
        c.delete_category(input(json!({"name": "Nope"})))
            .await
            .is_err()
    );
    assert!(
        c.unpair_transfer(input(json!({"transactionId": id})))
            .await
            .is_err()
    );
    assert!(c.preview_rules(input(json!({"ruleId": 42}))).await.is_err());
    assert_eq!(snapshot(c.store()), before, "nothing changed");
}

/// An edit made while another process syncs the same data: the sync holds the write lock
/// for its run (including the slowed page), the edit waits for it, and both land.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_while_another_process_syncs_is_kept() {
    if std::env::var("COFFER_CHILD_PERSONAL_SYNC").is_ok() {
        return;
    }
    let env = start("pers-procs").await;
    let c = &env.coffer;
    let link = dynamic_link(&env).await;
    let before = all(c, json!({})).await;
    // Plaid will modify a row and post the pending ones; the child's sync of that is slow.
    refresh(&env, link).await;
    env.fault(json!({"path": "/transactions/sync", "delay_ms": 2000}))
        .await;
    let mut cmd = env.child(
        "personal::child_personal_sync",
        "COFFER_CHILD_PERSONAL_SYNC",
        link,
    );
    let mut child = cmd.spawn().expect("child");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    // The child has begun its run (its write transaction is open while the page is slow).
    let started = tokio::task::spawn_blocking(move || {
        // The harness's "test … ... " shares the line.
        let first = lines
            .by_ref()
            .map_while(|l| l.ok())
            .find(|l| l.ends_with("STARTED"))
            .map(|_| "STARTED".to_string());
        (first, lines)
    })
    .await
    .expect("reader");
    assert_eq!(started.0.as_deref(), Some("STARTED"));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    // Posted rows only: the pending ones are gone once the sync has committed.
    let everyone: Vec<String> = before
        .iter()
        .filter(|t| !t.pending)
        .map(|t| t.transaction_id.clone())
        .collect();
    for chunk in everyone.chunks(1000) {
        edit(
            c,
            json!({"transactionIds": chunk, "addTags": ["while-syncing"], "note": "kept"}),
        )
        .await
        .expect("the edit waits for the sync, then lands");
    }
    let rest: Vec<String> =
        tokio::task::spawn_blocking(move || started.1.map_while(|l| l.ok()).collect())
            .await
            .expect("reader");
    assert!(child.wait().expect("wait").success(), "{rest:?}");
    assert!(rest.iter().any(|l| l.contains("DONE")), "{rest:?}");
    env.clear_faults().await;
    // Every row the edit reached still has it: the modified one and the posted rows that
    // replaced pending ones included.
    let after = all(c, json!({})).await;
    let kept = after
        .iter()
        .filter(|t| personal(t).note.as_deref() == Some("kept"))
        .count();
    assert_eq!(kept, everyone.len());
    assert_eq!(all(c, json!({"tag": "while-syncing"})).await.len(), kept);
    // And the sync's changes are all there too.
    assert_eq!(env.stored(link), env.truth(link));
}

/// Runs only as the child of `an_edit_while_another_process_syncs_is_kept`.
#[tokio::test]
async fn child_personal_sync() {
    if std::env::var("COFFER_CHILD_PERSONAL_SYNC").is_err() {
        return;
    }
    let (coffer, link_id) = child_coffer().await;
    let say = |s: &str| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{s}");
        let _ = out.flush();
    };
    say("STARTED");
    let r = coffer.sync_link(link_id, None).await.expect("child sync");
    say(&format!("DONE +{} ~{} -{}", r.added, r.modified, r.removed));
}
