//! The person's words through the real binary: `edit`, `split`, `transfer`, `categories`,
//! `tags` and `rules` on a synced offline link, each with bad input that is refused and
//! changes nothing; `transactions` filters on them and shows them.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Output, Stdio};

use coffer_core::{Coffer, EnvConfig, NewSandboxTransaction, OpenOptions};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::Home;

/// A home with First Platypus Bank linked and synced.
pub(crate) fn synced() -> Home {
    let home = Home::new();
    home.json(&["link", "--sandbox", "ins_109508"]);
    home.json(&["sync"]);
    home
}

/// Every stored row, newest first (two pages of `transactions`).
fn all_rows(home: &Home) -> Vec<Value> {
    let mut rows = Vec::new();
    loop {
        let offset = rows.len().to_string();
        let page = home.json(&["transactions", "--limit", "1000", "--offset", &offset]);
        let got = page["rows"].as_array().cloned().expect("rows");
        let total = page["total"].as_u64().expect("total") as usize;
        rows.extend(got);
        if rows.len() >= total {
            return rows;
        }
    }
}

/// `transactions` with these filters: (total, ids).
fn listed(home: &Home, filters: &[&str]) -> (u64, BTreeSet<String>) {
    let mut args = vec!["transactions", "--limit", "1000"];
    args.extend_from_slice(filters);
    let page = home.json(&args);
    let ids = page["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| id(r).to_string())
        .collect();
    (page["total"].as_u64().expect("total"), ids)
}

/// One row as `transactions` lists it now.
fn row(home: &Home, transaction_id: &str) -> Value {
    all_rows(home)
        .into_iter()
        .find(|r| id(r) == transaction_id)
        .unwrap_or_else(|| panic!("no row {transaction_id}"))
}

fn id(row: &Value) -> &str {
    row["transactionId"].as_str().expect("transactionId")
}

fn amount(row: &Value) -> Decimal {
    row["amount"]
        .as_str()
        .expect("amount")
        .parse()
        .expect("decimal")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

/// Runs `coffer-cli` with `input` on stdin.
pub(crate) fn with_stdin(home: &Home, args: &[&str], input: &str) -> Output {
    let mut child = home
        .cmd(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn coffer-cli");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn tags_of(row: &Value) -> BTreeSet<String> {
    row["personal"]["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| t["tag"].as_str().expect("tag").to_string())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn edits_tags_and_categories_show_and_filter() {
    let home = synced();
    let rows = all_rows(&home);
    let posted: Vec<&Value> = rows.iter().filter(|r| r["pending"] == false).collect();
    let (a, b) = (id(posted[0]), id(posted[1]));
    let plaid_name = posted[0]["name"].clone();

    // A category of one's own.
    let kids = home.json(&["categories", "add", "Kids"]);
    assert_eq!(
        (&kids["category"], &kids["source"]),
        (&json!("Kids"), &json!("own"))
    );
    let categories = home.json(&["categories"]);
    let list = categories.as_array().expect("categories");
    assert!(
        list.iter()
            .any(|c| c["category"] == "Kids" && c["source"] == "own")
    );
    assert!(
        list.iter()
            .any(|c| c["category"] == "FOOD_AND_DRINK_COFFEE" && c["label"] == "Coffee")
    );
    for name in ["kids", "food_and_drink", ""] {
        let (_, err) = home.json_err(&["categories", "add", name]);
        assert_eq!(err["code"], "INVALID_INPUT", "{name:?}: {err}");
    }
    assert_eq!(home.json(&["categories"]), categories, "nothing was added");

    let edited = home.json(&[
        "edit",
        a,
        b,
        "--category",
        "Kids",
        "--name",
        "Coffee with Sam",
        "--note",
        "birthday",
        "--tag",
        "work",
        "--tag",
        "gift",
        "--exclude",
    ]);
    assert_eq!(edited.as_array().map(Vec::len), Some(2));
    for r in edited.as_array().expect("rows") {
        let p = &r["personal"];
        assert_eq!(p["category"], "Kids", "{r}");
        assert_eq!(p["categoryRule"], Value::Null, "set by hand");
        assert_eq!(p["name"], "Coffee with Sam");
        assert_eq!(p["note"], "birthday");
        assert_eq!(p["excluded"], true);
        assert_eq!(tags_of(r), set(&["gift", "work"]));
    }
    assert_eq!(
        edited[0]["name"], plaid_name,
        "Plaid's name stays as Plaid sent it"
    );

    // The filters find exactly them; the table shows what was set.
    assert_eq!(listed(&home, &["--category", "Kids"]), (2, set(&[a, b])));
    assert_eq!(listed(&home, &["--tag", "work"]), (2, set(&[a, b])));
    assert_eq!(listed(&home, &["--tag", "nobody-uses-this"]).0, 0);
    let text = stdout(&home.run(&["transactions", "--tag", "gift"]));
    for word in [
        "Coffee with Sam",
        "category: Kids",
        "#gift #work",
        "excluded",
        "note: birthday",
    ] {
        assert!(text.contains(word), "{word:?} in:\n{text}");
    }
    assert!(text.contains("2 of 2 transactions"), "{text}");
    let tags = home.json(&["tags"]);
    assert_eq!(
        tags,
        json!([{ "tag": "gift", "transactions": 2 }, { "tag": "work", "transactions": 2 }])
    );
    let text = stdout(&home.run(&["tags"]));
    assert!(
        text.contains("gift") && text.contains("2 transactions"),
        "{text}"
    );

    // Refused, and nothing changes.
    let before = home.json(&["transactions", "--tag", "work"]);
    let (_, err) = home.json_err(&["edit", a, "--category", "Nope"]);
    assert_eq!(err["code"], "INVALID_INPUT");
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("unknown category")),
        "{err}"
    );
    let (stderr, err) = home.json_err(&["edit", a, "txn-not-there", "--note", "x", "--tag", "x"]);
    assert_eq!(err["code"], "INVALID_INPUT");
    assert!(stderr.contains("unknown transaction"), "{stderr}");
    let (_, err) = home.json_err(&["edit", a]);
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("nothing to change")),
        "{err}"
    );
    let (_, err) = home.json_err(&["edit", a, "--tag", " "]);
    assert_eq!(err["code"], "INVALID_INPUT");
    for usage in [
        &["edit", a, "--name", "x", "--clear-name"][..],
        &["edit", a, "--exclude", "--include"],
        &["edit", "--note", "x"],
    ] {
        assert_eq!(home.run(usage).status.code(), Some(2), "{usage:?}");
    }
    assert_eq!(
        home.json(&["transactions", "--tag", "work"]),
        before,
        "nothing changed"
    );

    // A category in use stays.
    let (_, err) = home.json_err(&["categories", "remove", "Kids"]);
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("in use")),
        "{err}"
    );

    // `--clear-*` gives the fields back to Plaid; `--untag` removes one tag.
    let cleared = home.json(&[
        "edit",
        a,
        "--clear-category",
        "--clear-name",
        "--clear-note",
        "--untag",
        "gift",
        "--include",
    ]);
    let p = &cleared[0]["personal"];
    assert_eq!(
        (&p["category"], &p["name"], &p["note"], &p["excluded"]),
        (&Value::Null, &Value::Null, &Value::Null, &json!(false)),
        "{p}"
    );
    assert_eq!(tags_of(&cleared[0]), set(&["work"]));
    assert_eq!(listed(&home, &["--category", "Kids"]), (1, set(&[b])));

    home.json(&["edit", b, "--clear-category"]);
    home.json(&["categories", "remove", "Kids"]);
    assert!(
        !home
            .json(&["categories"])
            .as_array()
            .expect("categories")
            .iter()
            .any(|c| c["category"] == "Kids")
    );
    let (_, err) = home.json_err(&["categories", "remove", "Kids"]);
    assert_eq!(err["code"], "INVALID_INPUT");

    // Transfers only, or none: together, every row.
    let (all, _) = listed(&home, &[]);
    let only = home.json(&["transactions", "--transfers", "only", "--limit", "1000"]);
    let (hidden, _) = listed(&home, &["--transfers", "hide"]);
    assert_eq!(only["total"].as_u64().expect("total") + hidden, all);
    assert!(
        only["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["personal"]["transfer"].is_object())
    );
    assert_eq!(
        home.run(&["transactions", "--transfers", "some"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn splits_add_up_or_are_refused() {
    let home = synced();
    let rows = all_rows(&home);
    let out = rows
        .iter()
        .find(|r| r["pending"] == false && amount(r) > Decimal::TWO)
        .expect("a posted outflow over 2");
    let (t, total) = (id(out), amount(out));
    let first = total - Decimal::ONE;

    let split = home.json(&[
        "split",
        t,
        &format!("{first}:FOOD_AND_DRINK_COFFEE:mine"),
        "1.00::tip: for Sam",
    ]);
    let parts = split["personal"]["split"]
        .as_array()
        .expect("parts")
        .clone();
    assert_eq!(parts.len(), 2, "{split}");
    assert_eq!(
        parts[0],
        json!({ "amount": first.to_string(), "category": "FOOD_AND_DRINK_COFFEE", "note": "mine" })
    );
    assert_eq!(
        parts[1],
        json!({ "amount": "1.00", "category": null, "note": "tip: for Sam" })
    );
    let sum: Decimal = parts.iter().map(amount).sum();
    assert_eq!(sum, total);
    assert_eq!(split["amount"], out["amount"], "Plaid's amount stays");

    // Refused, and the split stays as it was.
    let (stderr, err) = home.json_err(&["split", t, &first.to_string(), "2.00"]);
    assert_eq!(err["code"], "INVALID_INPUT");
    assert!(stderr.contains("add up to"), "{stderr}");
    for bad in [
        vec![total.to_string()],
        vec![format!("{first}:Nope"), "1.00".into()],
        vec!["abc".into(), "1".into()],
        vec![total.to_string(), "0".into()],
    ] {
        let mut args = vec!["split", t];
        args.extend(bad.iter().map(String::as_str));
        let (_, err) = home.json_err(&args);
        assert_eq!(err["code"], "INVALID_INPUT", "{bad:?}: {err}");
    }
    let (_, err) = home.json_err(&["split", "txn-not-there", "1", "2"]);
    assert_eq!(err["code"], "INVALID_INPUT");
    assert_eq!(
        home.run(&["split", t]).status.code(),
        Some(2),
        "no parts, no --undo"
    );
    assert_eq!(row(&home, t)["personal"]["split"], json!(parts));

    // The table shows it; --undo makes it whole.
    let text = stdout(&home.run(&["transactions", "--limit", "1000"]));
    assert!(text.contains("split in 2"), "{text}");
    let undone = home.json(&["split", t, "--undo"]);
    assert!(undone["personal"].is_null(), "{undone}");

    // Money in: negative parts (they read as values, not options).
    let inflow = rows
        .iter()
        .find(|r| r["pending"] == false && amount(r) < -Decimal::TWO)
        .expect("a posted inflow");
    let rest = amount(inflow) + Decimal::ONE;
    let text = stdout(&home.run(&[
        "split",
        id(inflow),
        "-1.00:INCOME_WAGES",
        &format!("{rest}::rest"),
    ]));
    assert!(text.contains("part 1:") && text.contains("Wages"), "{text}");
    assert!(
        text.contains("part 2:") && text.contains("(rest)"),
        "{text}"
    );
}

/// Two rows that pair as a transfer: 123.45 out of one link's checking account and into
/// another's (the offline sandbox's `/sandbox/transactions/create` through the core, for two
/// `user_transactions_dynamic` links), synced. Returns (out, in).
pub(crate) fn transfer_rows(home: &Home) -> (String, String) {
    let link = || {
        home.json(&[
            "link",
            "--sandbox",
            "ins_109508",
            "--username",
            "user_transactions_dynamic",
        ])["id"]
            .as_i64()
            .expect("link id")
    };
    let (from, to) = (link(), link());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let coffer = Coffer::open_with(OpenOptions {
            home: Some(home.path().to_path_buf()),
            vault: None,
            env: Some(EnvConfig::default()),
        })
        .await
        .expect("open the core");
        let today = chrono::Local::now().date_naive();
        for (link, amount, description) in [
            (from, "123.45", "COFFER TEST MOVE OUT"),
            (to, "-123.45", "COFFER TEST MOVE IN"),
        ] {
            coffer
                .sandbox_add_transactions(
                    link,
                    vec![NewSandboxTransaction {
                        date_transacted: today,
                        date_posted: today,
                        amount: amount.into(),
                        description: description.into(),
                        iso_currency_code: None,
                    }],
                )
                .await
                .expect("add a sandbox transaction");
        }
        coffer.shutdown().await;
    });
    for _ in 0..10 {
        home.run(&["sync"]);
        let find = |name: &str| {
            home.json(&["transactions", "--search", name])["rows"]
                .as_array()
                .and_then(|r| r.first())
                .map(|r| id(r).to_string())
        };
        if let (Some(o), Some(i)) = (find("coffer test move out"), find("coffer test move in")) {
            return (o, i);
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    panic!("the added transactions never synced");
}

#[test]
fn transfers_pair_and_unpair() {
    let home = Home::new();
    let (out, inn) = transfer_rows(&home);
    let (all, _) = listed(&home, &[]);

    let paired = home.json(&["transfer", "pair", &inn, &out]);
    let sides = paired.as_array().expect("rows");
    assert_eq!(
        sides.iter().map(id).collect::<Vec<_>>(),
        [out.as_str(), inn.as_str()],
        "money out first"
    );
    let t = &sides[0]["personal"]["transfer"];
    assert_eq!(
        (&t["direction"], &t["otherTransactionId"], &t["byHand"]),
        (&json!("out"), &json!(inn), &json!(true)),
        "{t}"
    );
    assert_eq!(sides[1]["personal"]["transfer"]["direction"], "in");
    assert_eq!(
        sides[1]["personal"]["transfer"]["otherAccountId"],
        sides[0]["accountId"]
    );

    let (n_only, only) = listed(&home, &["--transfers", "only"]);
    assert!(only.contains(&out) && only.contains(&inn), "{only:?}");
    let (n_hidden, hidden) = listed(&home, &["--transfers", "hide"]);
    assert!(!hidden.contains(&out) && !hidden.contains(&inn));
    assert_eq!(n_only + n_hidden, all);
    let text = stdout(&home.run(&["transactions", "--transfers", "only", "--limit", "1000"]));
    assert!(
        text.contains("transfer out") && text.contains("transfer in"),
        "{text}"
    );

    // Refused, and nothing changes: a side paired already, a row with itself, a row that
    // does not exist, an unknown id; usage errors.
    let other = all_rows(&home)
        .into_iter()
        .find(|r| amount(r) > Decimal::ZERO && id(r) != out)
        .expect("another outflow");
    for (a, b) in [(&out, &inn), (&out, &out), (&inn, &id(&other).to_string())] {
        let (_, err) = home.json_err(&["transfer", "pair", a, b]);
        assert_eq!(err["code"], "INVALID_INPUT", "{a} {b}: {err}");
    }
    let (_, err) = home.json_err(&["transfer", "pair", &out, "txn-not-there"]);
    assert_eq!(err["code"], "INVALID_INPUT");
    assert_eq!(home.run(&["transfer", "pair", &out]).status.code(), Some(2));
    assert_eq!(listed(&home, &["--transfers", "only"]), (n_only, only));

    // Unpaired by either side; then nothing to unpair.
    let unpaired = home.json(&["transfer", "unpair", &inn]);
    assert!(
        unpaired
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["personal"]["transfer"].is_null()),
        "{unpaired}"
    );
    let (_, now) = listed(&home, &["--transfers", "only"]);
    assert!(!now.contains(&out) && !now.contains(&inn));
    let (stderr, err) = home.json_err(&["transfer", "unpair", &out]);
    assert_eq!(err["code"], "INVALID_INPUT");
    assert!(stderr.contains("not part of a transfer"), "{stderr}");
}

#[test]
fn rules_add_apply_order_remove_export_and_import() {
    let home = synced();
    let rows = all_rows(&home);
    let starbucks: Vec<&Value> = rows
        .iter()
        .filter(|r| r["merchantName"] == "Starbucks")
        .collect();
    let rides: Vec<&Value> = rows
        .iter()
        .filter(|r| {
            r["merchantName"] == "Uber"
                && amount(r) >= Decimal::from(5)
                && amount(r) > Decimal::ZERO
        })
        .collect();
    assert!(
        !starbucks.is_empty() && !rides.is_empty(),
        "the sandbox has coffee and rides"
    );
    // Set by hand first: the rules must leave it.
    let by_hand = id(starbucks[0]);
    home.json(&["edit", by_hand, "--category", "TRAVEL"]);

    home.json(&["categories", "add", "Treats"]);
    let coffee = home.json(&[
        "rules",
        "add",
        "--name",
        "Coffee",
        "--merchant-is",
        "starbucks",
        "--set-category",
        "Treats",
        "--add-tag",
        "coffee",
    ]);
    assert_eq!(
        coffee["conditions"],
        json!([{ "field": "merchant", "op": "exact", "value": "starbucks" }])
    );
    assert_eq!(
        coffee["actions"],
        json!([
            { "action": "setCategory", "category": "Treats" },
            { "action": "addTag", "tag": "coffee" }
        ])
    );
    let ride = home.json(&[
        "rules",
        "add",
        "--name",
        "Rides",
        "--merchant-contains",
        "UBER",
        "--amount-min",
        "5",
        "--amount-max",
        "1000",
        "--direction",
        "out",
        "--rename",
        "Ride",
        "--add-tag",
        "travel",
        "--exclude",
    ]);
    assert_eq!(
        ride["conditions"],
        json!([
            { "field": "merchant", "op": "contains", "value": "UBER" },
            { "field": "amount", "min": "5", "max": "1000" },
            { "field": "direction", "direction": "out" }
        ])
    );
    // Every other condition, through JSON on stdin (the desktop's shape).
    let sample = &rows[0];
    let fees = json!({
        "name": "Sample",
        "enabled": false,
        "conditions": [
            { "field": "account", "accountId": sample["accountId"] },
            { "field": "plaidCategory", "category": sample["categoryDetailed"] },
            { "field": "description", "op": "startsWith", "value": sample["name"].as_str().expect("name").chars().take(3).collect::<String>() }
        ],
        "actions": [{ "action": "exclude" }]
    });
    let out = with_stdin(
        &home,
        &["--json", "rules", "add", "--json-rule", "-"],
        &fees.to_string(),
    );
    let sample_rule: Value = serde_json::from_str(&stdout(&out)).expect("rule JSON");
    assert_eq!(sample_rule["enabled"], false);
    assert_eq!(sample_rule["conditions"], fees["conditions"]);
    let ids = |v: &Value| -> Vec<i64> {
        v.as_array()
            .expect("rules")
            .iter()
            .map(|r| r["id"].as_i64().expect("id"))
            .collect()
    };
    let (c, r, s) = (
        coffee["id"].as_i64().expect("id"),
        ride["id"].as_i64().expect("id"),
        sample_rule["id"].as_i64().expect("id"),
    );
    let rules = home.json(&["rules"]);
    assert_eq!(ids(&rules), [c, r, s], "in the order added");
    let text = stdout(&home.run(&["rules"]));
    assert!(text.contains(&format!("[{c}] Coffee")), "{text}");
    assert!(text.contains("when merchant is \"starbucks\""), "{text}");
    assert!(text.contains("then category Treats, tag +coffee"), "{text}");
    assert!(text.contains("Sample (disabled)"), "{text}");

    // Bad rules are refused; the list stays.
    for bad in [
        &["--name", "X", "--merchant-is", "x"][..],
        &[
            "--name",
            "X",
            "--merchant-is",
            "x",
            "--set-category",
            "Nope",
        ],
        &["--name", "X", "--account", "no-such-account", "--exclude"],
        &["--name", "", "--merchant-is", "x", "--exclude"],
        &[
            "--name",
            "X",
            "--amount-min",
            "9",
            "--amount-max",
            "1",
            "--exclude",
        ],
    ] {
        let mut args = vec!["rules", "add"];
        args.extend_from_slice(bad);
        let (_, err) = home.json_err(&args);
        assert_eq!(err["code"], "INVALID_INPUT", "{bad:?}: {err}");
    }
    for usage in [
        &["rules", "add", "--merchant-is", "x", "--exclude"][..],
        &[
            "rules",
            "add",
            "--name",
            "X",
            "--amount-min",
            "abc",
            "--exclude",
        ],
        &["rules", "add", "--name", "X", "--json-rule", "-"],
    ] {
        assert_eq!(home.run(usage).status.code(), Some(2), "{usage:?}");
    }
    let out = with_stdin(
        &home,
        &["--json", "rules", "add", "--json-rule", "-"],
        "{\"name\":",
    );
    assert_eq!(out.status.code(), Some(1));
    let named = json!({ "id": c, "name": "X", "conditions": [], "actions": [] }).to_string();
    let out = with_stdin(
        &home,
        &["--json", "rules", "add", "--json-rule", "-"],
        &named,
    );
    assert_eq!(out.status.code(), Some(1), "add refuses a rule with an id");
    assert_eq!(home.json(&["rules"]), rules, "nothing was saved");

    // Applying: the preview, then "no" changes nothing.
    let out = with_stdin(&home, &["rules", "apply"], "n\n");
    let text = stdout(&out);
    assert!(
        text.contains("transactions would change, for example:"),
        "{text}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Nothing was changed."),
        "{out:?}"
    );
    assert_eq!(listed(&home, &["--tag", "coffee"]).0, 0);

    let report = home.json(&["rules", "apply", "--yes"]);
    let changed = report["preview"]["changed"].as_u64().expect("changed");
    assert_eq!(
        report["applied"]["changed"].as_u64(),
        Some(changed),
        "{report}"
    );
    assert_eq!(changed as usize, starbucks.len() + rides.len(), "{report}");
    assert!(
        report["preview"]["examples"]
            .as_array()
            .is_some_and(|e| !e.is_empty())
    );

    // What the rules set, and what they left.
    let after = all_rows(&home);
    let of = |t: &str| after.iter().find(|r| id(r) == t).expect("row");
    for s in &starbucks {
        let now = of(id(s));
        assert!(tags_of(now).contains("coffee"), "{now}");
        if id(s) == by_hand {
            assert_eq!(now["personal"]["category"], "TRAVEL", "a hand edit stays");
            assert_eq!(now["personal"]["categoryRule"], Value::Null);
        } else {
            assert_eq!(now["personal"]["category"], "Treats", "{now}");
            assert_eq!(now["personal"]["categoryRule"], c);
        }
    }
    for u in &rides {
        let now = of(id(u));
        assert_eq!(
            (
                &now["personal"]["name"],
                &now["personal"]["excluded"],
                &now["personal"]["nameRule"]
            ),
            (&json!("Ride"), &json!(true), &json!(r)),
            "{now}"
        );
    }
    assert_eq!(
        listed(&home, &["--tag", "coffee"]).0,
        starbucks.len() as u64
    );
    let text = stdout(&home.run(&["rules", "apply"]));
    assert!(text.contains("Nothing to change"), "{text}");

    // A category a rule uses stays.
    let (_, err) = home.json_err(&["categories", "remove", "Treats"]);
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("1 rule(s)")),
        "{err}"
    );

    // Editing a rule recomputes what it set; "y" applies.
    home.json(&[
        "rules",
        "edit",
        &r.to_string(),
        "--name",
        "Rides",
        "--merchant-contains",
        "uber",
        "--direction",
        "out",
        "--rename",
        "Uber ride",
    ]);
    let now = row(&home, id(rides[0]));
    assert_eq!(now["personal"]["name"], "Uber ride", "{now}");
    assert_eq!(now["personal"]["excluded"], false, "{now}");
    // Enabling the sample rule (a whole rule as JSON) leaves work for `rules apply`: "y".
    let mut enabled = fees.clone();
    enabled["enabled"] = json!(true);
    let out = with_stdin(
        &home,
        &["rules", "edit", &s.to_string(), "--json-rule", "-"],
        &enabled.to_string(),
    );
    assert!(stdout(&out).contains("Sample"), "{out:?}");
    let out = with_stdin(&home, &["rules", "apply"], "y\n");
    let text = stdout(&out);
    assert!(
        text.contains("would change") && text.contains("changed "),
        "{text}"
    );
    assert_eq!(row(&home, id(sample))["personal"]["excluded"], true);

    // Order: every id once.
    let ordered = home.json(&[
        "rules",
        "order",
        &s.to_string(),
        &r.to_string(),
        &c.to_string(),
    ]);
    assert_eq!(ids(&ordered), [s, r, c]);
    let (_, err) = home.json_err(&["rules", "order", &c.to_string()]);
    assert_eq!(err["code"], "INVALID_INPUT");
    assert_eq!(ids(&home.json(&["rules"])), [s, r, c], "the order stays");

    // Removing: what it set goes; a hand edit stays.
    home.json(&["rules", "remove", &s.to_string()]);
    home.json(&["rules", "remove", &c.to_string()]);
    assert_eq!(listed(&home, &["--tag", "coffee"]).0, 0);
    assert_eq!(row(&home, by_hand)["personal"]["category"], "TRAVEL");
    let (_, err) = home.json_err(&["rules", "remove", &c.to_string()]);
    assert_eq!(err["code"], "INVALID_INPUT");
    assert_eq!(ids(&home.json(&["rules"])), [r]);

    // Export and import: the same rules elsewhere.
    home.json(&[
        "rules",
        "add",
        "--name",
        "Coffee",
        "--merchant-is",
        "starbucks",
        "--set-category",
        "Treats",
        "--add-tag",
        "coffee",
    ]);
    let exported = home.json(&["rules"]);
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("rules.json");
    let file = file.to_str().expect("utf-8 path");
    let wrote = home.json(&["rules", "export", file]);
    assert_eq!(wrote["rules"], 2);
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("file")).expect("JSON");
    assert_eq!(doc["cofferRules"], 1);
    assert_eq!(doc["categories"], json!(["Treats"]));
    let printed: Value =
        serde_json::from_str(&stdout(&home.run(&["rules", "export", "-"]))).expect("JSON");
    assert_eq!(printed, doc, "`-` prints the same document");
    let inside = home.path().join("rules.json");
    let (_, err) = home.json_err(&["rules", "export", inside.to_str().expect("utf-8")]);
    assert_eq!(err["code"], "INVALID_INPUT");
    assert!(!inside.exists());

    let other = Home::new();
    let shape = |rules: &Value| -> Vec<Value> {
        rules
            .as_array()
            .expect("rules")
            .iter()
            .map(|r| json!([r["name"], r["enabled"], r["conditions"], r["actions"]]))
            .collect()
    };
    let imported = home_import(&other, &[file]);
    assert_eq!(shape(&imported), shape(&exported));
    assert!(
        other
            .json(&["categories"])
            .as_array()
            .expect("categories")
            .iter()
            .any(|c| c["category"] == "Treats" && c["source"] == "own"),
        "the file's categories come along"
    );
    assert_eq!(
        home_import(&other, &[file]).as_array().map(Vec::len),
        Some(4)
    );
    assert_eq!(
        shape(&home_import(&other, &[file, "--replace"])),
        shape(&exported)
    );

    // A bad file changes nothing: not JSON, another version, one bad rule.
    let before = other.json(&["rules"]);
    let mut bad_rule = doc.clone();
    bad_rule["rules"][1]["actions"] = json!([]);
    let mut v2 = doc.clone();
    v2["cofferRules"] = json!(2);
    for (name, text) in [
        ("garbage.json", "not json".to_string()),
        ("v2.json", v2.to_string()),
        ("bad.json", bad_rule.to_string()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        let (_, err) = other.json_err(&["rules", "import", path.to_str().expect("utf-8")]);
        assert_eq!(err["code"], "INVALID_INPUT", "{name}: {err}");
    }
    let (_, err) = other.json_err(&["rules", "import", "/nonexistent/rules.json"]);
    assert_eq!(err["code"], "INVALID_INPUT");
    assert_eq!(other.json(&["rules"]), before, "nothing was imported");
}

/// `rules import ARGS` on `home`.
fn home_import(home: &Home, args: &[&str]) -> Value {
    let mut all = vec!["rules", "import"];
    all.extend_from_slice(args);
    home.json(&all)
}

/// `rules suggest`: the rule a hand edit makes ("always do this?"), shown, then saved.
#[test]
fn rules_suggest_from_a_hand_edit() {
    let home = synced();
    let rows = all_rows(&home);
    let coffee: Vec<&Value> = rows
        .iter()
        .filter(|r| r["merchantName"] == "Starbucks")
        .collect();
    assert!(coffee.len() >= 2, "the sandbox has coffee");
    let mine = id(coffee[0]);
    // Nothing edited yet: nothing to repeat.
    let (_, err) = home.json_err(&["rules", "suggest", mine]);
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("edit this transaction first")),
        "{err}"
    );
    home.json(&["edit", mine, "--category", "TRAVEL", "--tag", "trips"]);
    let draft = home.json(&["rules", "suggest", mine]);
    assert_eq!(
        draft["conditions"],
        json!([{ "field": "merchant", "op": "exact", "value": "Starbucks" }])
    );
    assert_eq!(
        draft["actions"],
        json!([
            { "action": "setCategory", "category": "TRAVEL" },
            { "action": "addTag", "tag": "trips" }
        ])
    );
    let text = stdout(&home.run(&["rules", "suggest", mine]));
    assert!(
        text.contains("Always do this?") && text.contains("Not saved"),
        "{text}"
    );
    assert_eq!(home.json(&["rules"]).as_array().map(Vec::len), Some(0));
    let saved = home.json(&["rules", "suggest", mine, "--save"]);
    assert_eq!(saved["conditions"], draft["conditions"]);
    let rules = home.json(&["rules"]);
    assert_eq!(rules.as_array().map(Vec::len), Some(1), "{rules}");
    // Applied, it gives every other Starbucks row what this one has.
    home.json(&["rules", "apply", "--yes"]);
    let (n, _) = listed(&home, &["--tag", "trips"]);
    assert_eq!(n as usize, coffee.len());
}
