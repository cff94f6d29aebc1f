//! The person's edits, splits, transfers, categories and rules over the REST API: a real
//! `coffer-cli serve` on a synced offline link, a bearer token, and every answer checked
//! against the OpenAPI document the server serves.

use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::Home;
use super::personal::transfer_rows;
use super::serve::{Answer, Server, runtime, sync_until_updated};

const ONE: &str = "/api/v1/banking/transactions/{id}";
const SPLIT: &str = "/api/v1/banking/transactions/{id}/split";
const SUGGEST: &str = "/api/v1/banking/transactions/{id}/rule-suggestion";

fn amount(v: &Value) -> Decimal {
    v.as_str().expect("amount").parse().expect("decimal")
}

/// (status, code) of an answer.
fn refused(a: &Answer) -> (u16, Option<&str>) {
    (a.status, a.body["code"].as_str())
}

/// A server on a home with First Platypus Bank linked and synced.
async fn synced(home: &Home) -> Server {
    assert!(
        home.run(&["link", "--sandbox", "ins_109508"])
            .status
            .success()
    );
    let s = Server::start(home, &[]).await;
    sync_until_updated(&s).await;
    s
}

impl Server {
    async fn one(&self, method: Method, template: &str, id: &str, body: Option<Value>) -> Answer {
        let path = template.replace("{id}", id).replace("{name}", id);
        self.call(method, template, &path, body).await
    }
}

/// The ids in a list answer.
fn ids(a: &Answer) -> Vec<String> {
    a.body["transactions"]
        .as_array()
        .expect("transactions")
        .iter()
        .map(|t| t["transaction_id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn edits_and_splits_over_http() {
    runtime().block_on(async {
        let home = Home::new();
        let s = synced(&home).await;
        let page = s.get("/api/v1/banking/transactions?limit=100").await;
        let rows = page.body["transactions"].as_array().expect("rows").clone();
        let posted: Vec<&Value> = rows
            .iter()
            .filter(|r| r["pending"] == false && amount(&r["amount"]) > Decimal::TWO)
            .collect();
        let row = posted[0];
        let id = row["transaction_id"].as_str().expect("id");

        let got = s.one(Method::GET, ONE, id, None).await;
        assert_eq!(got.status, 200, "{}", got.body);
        assert_eq!(got.body["transaction_id"], id);
        assert_eq!(got.body["personal"], Value::Null);
        assert!(got.body["category_detailed"].is_string(), "{}", got.body);

        let made = s
            .post("/api/v1/banking/categories", json!({ "name": "Gifts" }))
            .await;
        assert_eq!(made.status, 201, "{}", made.body);
        assert_eq!(made.body["source"], "own");

        // PATCH: shows up in GET and in the list.
        let edited = s
            .one(
                Method::PATCH,
                ONE,
                id,
                Some(json!({
                    "category": "Gifts",
                    "name": "Present for Sam",
                    "note": "June",
                    "add_tags": ["family"],
                    "exclude": true
                })),
            )
            .await;
        assert_eq!(edited.status, 200, "{}", edited.body);
        let p = &edited.body["personal"];
        assert_eq!(
            (&p["category"], &p["name"], &p["note"], &p["excluded"]),
            (&json!("Gifts"), &json!("Present for Sam"), &json!("June"), &json!(true)),
            "{p}"
        );
        assert_eq!(p["tags"], json!([{ "tag": "family", "rule": null }]));
        assert_eq!(edited.body["name"], row["name"], "Plaid's name stays");
        let got = s.one(Method::GET, ONE, id, None).await;
        assert_eq!(got.body, edited.body);
        // "Always do this?": a draft repeating the hand edit, ready for POST rules; a row
        // without one is refused.
        let draft = s.one(Method::GET, SUGGEST, id, None).await;
        assert_eq!(draft.status, 200, "{}", draft.body);
        assert_eq!(
            draft.body["actions"],
            json!([
                { "action": "set_category", "category": "Gifts" },
                { "action": "rename", "name": "Present for Sam" },
                { "action": "add_tag", "tag": "family" },
                { "action": "exclude" }
            ])
        );
        assert_eq!(draft.body["conditions"].as_array().map(Vec::len), Some(1));
        let untouched = posted[1]["transaction_id"].as_str().expect("id");
        let none = s.one(Method::GET, SUGGEST, untouched, None).await;
        assert_eq!(refused(&none), (400, Some("INVALID_INPUT")), "{}", none.body);
        assert_eq!(s.get("/api/v1/banking/rules").await.body, json!({ "rules": [] }));
        let listed = s
            .get("/api/v1/banking/transactions?category=Gifts&limit=1000")
            .await;
        assert_eq!(listed.body["total"], 1, "{}", listed.body);
        assert_eq!(listed.body["transactions"][0], edited.body);
        let tagged = s.get("/api/v1/banking/transactions?tag=family").await;
        assert_eq!(ids(&tagged), [id]);
        let all = s.get("/api/v1/banking/transactions?limit=1").await.body["total"].clone();
        let only = s.get("/api/v1/banking/transactions?transfers=only&limit=1").await;
        let hide = s.get("/api/v1/banking/transactions?transfers=hide&limit=1").await;
        assert_eq!(
            only.body["total"].as_u64().expect("total") + hide.body["total"].as_u64().expect("total"),
            all.as_u64().expect("total")
        );
        let bad = s.get("/api/v1/banking/transactions?transfers=maybe").await;
        assert_eq!(refused(&bad), (400, Some("INVALID_INPUT")));

        // `null` gives a field back to Plaid; an absent one stays.
        let cleared = s
            .one(Method::PATCH, ONE, id, Some(json!({ "name": null })))
            .await;
        assert_eq!(cleared.status, 200, "{}", cleared.body);
        let p = &cleared.body["personal"];
        assert_eq!((&p["name"], &p["category"], &p["note"]), (&Value::Null, &json!("Gifts"), &json!("June")));

        // One change on many rows.
        let others: Vec<&str> = posted[1..3]
            .iter()
            .map(|r| r["transaction_id"].as_str().expect("id"))
            .collect();
        let bulk = s
            .post(
                "/api/v1/banking/transactions/edit",
                json!({ "transaction_ids": others, "changes": { "add_tags": ["family"] } }),
            )
            .await;
        assert_eq!(bulk.status, 200, "{}", bulk.body);
        assert_eq!(ids(&bulk), others);
        let tags = s.get("/api/v1/banking/tags").await;
        assert_eq!(tags.body, json!({ "tags": [{ "tag": "family", "transactions": 3 }] }));

        // Refused, and nothing changes.
        let before = s.one(Method::GET, ONE, id, None).await.body;
        for (body, code) in [
            (json!({ "transaction_ids": [others[0], "txn-not-there"], "changes": { "add_tags": ["x"] } }), "INVALID_INPUT"),
            (json!({ "transaction_ids": [], "changes": { "add_tags": ["x"] } }), "INVALID_INPUT"),
            (json!({ "transaction_ids": [id], "changes": { "colour": "red" } }), "INVALID_JSON"),
            (json!({ "transaction_ids": [id] }), "INVALID_JSON"),
        ] {
            let a = s.post("/api/v1/banking/transactions/edit", body.clone()).await;
            assert_eq!(refused(&a), (400, Some(code)), "{body}: {}", a.body);
        }
        for (body, code) in [
            (json!({ "category": "NOPE" }), "INVALID_INPUT"),
            (json!({}), "INVALID_INPUT"),
            (json!({ "add_tags": [""] }), "INVALID_INPUT"),
            (json!({ "exclude": "yes" }), "INVALID_JSON"),
            (json!({ "colour": "red" }), "INVALID_JSON"),
        ] {
            let a = s.one(Method::PATCH, ONE, id, Some(body.clone())).await;
            assert_eq!(refused(&a), (400, Some(code)), "{body}: {}", a.body);
        }
        assert_eq!(s.one(Method::GET, ONE, id, None).await.body, before);
        assert_eq!(s.get("/api/v1/banking/tags").await.body, tags.body);
        let unknown = s.one(Method::GET, ONE, "txn-not-there", None).await;
        assert_eq!(refused(&unknown), (400, Some("INVALID_INPUT")));

        // A split that does not add up: 400 with what is left to assign; nothing changes.
        let total = amount(&row["amount"]);
        let first = total - Decimal::ONE;
        let short = s
            .one(
                Method::PUT,
                SPLIT,
                id,
                Some(json!({ "parts": [{ "amount": first.to_string() }, { "amount": "0.50" }] })),
            )
            .await;
        assert_eq!(refused(&short), (400, Some("INVALID_INPUT")), "{}", short.body);
        let message = short.body["error"].as_str().expect("error");
        assert!(
            message.contains(&format!("add up to {}", first + Decimal::new(50, 2)))
                && message.contains("0.50 is still to assign"),
            "{message}"
        );
        for (body, code) in [
            (json!({ "parts": [] }), "INVALID_INPUT"),
            (json!({ "parts": [{ "amount": total.to_string() }] }), "INVALID_INPUT"),
            (json!({ "parts": [{ "amount": "x" }, { "amount": "1" }] }), "INVALID_INPUT"),
            (json!({}), "INVALID_JSON"),
            (json!({ "parts": [{ "amount": 1 }] }), "INVALID_JSON"),
        ] {
            let a = s.one(Method::PUT, SPLIT, id, Some(body.clone())).await;
            assert_eq!(refused(&a), (400, Some(code)), "{body}: {}", a.body);
        }
        assert_eq!(s.one(Method::GET, ONE, id, None).await.body, before);

        let split = s
            .one(
                Method::PUT,
                SPLIT,
                id,
                Some(json!({ "parts": [
                    { "amount": first.to_string(), "category": "FOOD_AND_DRINK_COFFEE" },
                    { "amount": "1.00", "note": "tip" }
                ] })),
            )
            .await;
        assert_eq!(split.status, 200, "{}", split.body);
        assert_eq!(
            split.body["personal"]["split"],
            json!([
                { "amount": first.to_string(), "category": "FOOD_AND_DRINK_COFFEE", "note": null },
                { "amount": "1.00", "category": null, "note": "tip" }
            ])
        );
        assert_eq!(s.one(Method::GET, ONE, id, None).await.body, split.body);
        let whole = s.one(Method::DELETE, SPLIT, id, None).await;
        assert_eq!(whole.status, 200, "{}", whole.body);
        assert_eq!(whole.body["personal"]["split"], json!([]));

        // Categories: one in use stays; unused, it goes.
        let cats = s.get("/api/v1/banking/categories").await;
        let gifts = cats.body["categories"]
            .as_array()
            .expect("categories")
            .iter()
            .find(|c| c["category"] == "Gifts")
            .cloned()
            .expect("Gifts listed");
        assert_eq!((&gifts["source"], &gifts["transactions"]), (&json!("own"), &json!(1)));
        let taken = s
            .post("/api/v1/banking/categories", json!({ "name": "gifts" }))
            .await;
        assert_eq!(refused(&taken), (400, Some("INVALID_INPUT")));
        let template = "/api/v1/banking/categories/{name}";
        let in_use = s.one(Method::DELETE, template, "Gifts", None).await;
        assert_eq!(refused(&in_use), (400, Some("INVALID_INPUT")));
        assert!(in_use.body["error"].as_str().is_some_and(|e| e.contains("in use")));
        s.one(Method::PATCH, ONE, id, Some(json!({ "category": null }))).await;
        let gone = s.one(Method::DELETE, template, "Gifts", None).await;
        assert_eq!(gone.status, 204, "{}", gone.body);
        let again = s.one(Method::DELETE, template, "Gifts", None).await;
        assert_eq!(refused(&again), (400, Some("INVALID_INPUT")));
    });
}

#[test]
fn transfers_over_http() {
    let home = Home::new();
    let (out, inn) = transfer_rows(&home);
    runtime().block_on(async {
        let s = Server::start(&home, &[]).await;

        for body in [
            json!({ "transaction_ids": [out] }),
            json!({ "transaction_ids": [out, out] }),
            json!({ "transaction_ids": [out, "txn-not-there"] }),
        ] {
            let a = s.post("/api/v1/banking/transfers", body.clone()).await;
            assert_eq!(
                refused(&a),
                (400, Some("INVALID_INPUT")),
                "{body}: {}",
                a.body
            );
        }
        let paired = s
            .post(
                "/api/v1/banking/transfers",
                json!({ "transaction_ids": [inn, out] }),
            )
            .await;
        assert_eq!(paired.status, 200, "{}", paired.body);
        assert_eq!(ids(&paired), [out.clone(), inn.clone()], "money out first");
        let t = &paired.body["transactions"][0]["personal"]["transfer"];
        assert_eq!(
            (&t["direction"], &t["other_transaction_id"], &t["by_hand"]),
            (&json!("out"), &json!(inn), &json!(true))
        );
        let only = s
            .get("/api/v1/banking/transactions?transfers=only&limit=1000")
            .await;
        let listed = ids(&only);
        assert!(listed.contains(&out) && listed.contains(&inn), "{listed:?}");
        let twice = s
            .post(
                "/api/v1/banking/transfers",
                json!({ "transaction_ids": [out, inn] }),
            )
            .await;
        assert_eq!(refused(&twice), (400, Some("INVALID_INPUT")));

        let template = "/api/v1/banking/transfers/{id}";
        let unpaired = s.one(Method::DELETE, template, &inn, None).await;
        assert_eq!(unpaired.status, 200, "{}", unpaired.body);
        assert!(
            unpaired.body["transactions"]
                .as_array()
                .expect("rows")
                .iter()
                .all(|r| r["personal"]["transfer"].is_null())
        );
        let none = s.one(Method::DELETE, template, &out, None).await;
        assert_eq!(refused(&none), (400, Some("INVALID_INPUT")));
    });
}

#[test]
fn rules_preview_apply_and_the_file_over_http() {
    runtime().block_on(async {
        let home = Home::new();
        let s = synced(&home).await;
        let coffee = json!({
            "name": "Coffee",
            "conditions": [{ "field": "merchant", "op": "exact", "value": "starbucks" }],
            "actions": [
                { "action": "set_category", "category": "FOOD_AND_DRINK_COFFEE" },
                { "action": "add_tag", "tag": "coffee" }
            ]
        });
        let made = s.post("/api/v1/banking/rules", coffee.clone()).await;
        assert_eq!(made.status, 201, "{}", made.body);
        assert_eq!(made.body["enabled"], true);
        assert_eq!(made.body["conditions"], coffee["conditions"]);
        assert_eq!(made.body["actions"], coffee["actions"]);
        let big = s
            .post(
                "/api/v1/banking/rules",
                json!({
                    "name": "Big",
                    "enabled": true,
                    "conditions": [
                        { "field": "amount", "min": "100" },
                        { "field": "direction", "direction": "out" },
                        { "field": "plaid_category", "category": "TRAVEL" }
                    ],
                    "actions": [{ "action": "add_tag", "tag": "big" }, { "action": "exclude" }]
                }),
            )
            .await;
        assert_eq!(big.status, 201, "{}", big.body);
        assert_eq!(
            big.body["conditions"][0],
            json!({ "field": "amount", "min": "100", "max": null })
        );
        let (c, b) = (made.body["id"].clone(), big.body["id"].clone());

        // Bad rules: refused, nothing saved.
        for (body, code) in [
            (json!({ "name": "X", "conditions": [], "actions": [{ "action": "exclude" }] }), "INVALID_INPUT"),
            (json!({ "name": "X", "conditions": [{ "field": "amount", "min": "lots" }], "actions": [{ "action": "exclude" }] }), "INVALID_INPUT"),
            (json!({ "name": "X", "conditions": [{ "field": "merchant", "op": "exact", "value": "x" }], "actions": [{ "action": "exclude" }, { "action": "exclude" }] }), "INVALID_INPUT"),
            (json!({ "name": "X", "conditions": [{ "field": "colour", "value": "x" }], "actions": [{ "action": "exclude" }] }), "INVALID_JSON"),
            (json!({ "name": "X", "conditions": [{ "field": "merchant", "op": "startsWith", "value": "x" }], "actions": [{ "action": "exclude" }] }), "INVALID_JSON"),
            (json!({}), "INVALID_JSON"),
        ] {
            let a = s.post("/api/v1/banking/rules", body.clone()).await;
            assert_eq!(refused(&a), (400, Some(code)), "{body}: {}", a.body);
        }
        let listed = s.get("/api/v1/banking/rules").await;
        assert_eq!(listed.body["rules"].as_array().map(Vec::len), Some(2));

        // PUT replaces; order takes every id once.
        let template = "/api/v1/banking/rules/{id}";
        let mut renamed = coffee.clone();
        renamed["name"] = json!("Coffee shops");
        let put = s.one(Method::PUT, template, &c.to_string(), Some(renamed)).await;
        assert_eq!((put.status, &put.body["name"]), (200, &json!("Coffee shops")), "{}", put.body);
        let missing = s.one(Method::PUT, template, "999", Some(coffee.clone())).await;
        assert_eq!(refused(&missing), (400, Some("INVALID_INPUT")));
        let ordered = s
            .post("/api/v1/banking/rules/order", json!({ "ids": [b, c] }))
            .await;
        assert_eq!(ordered.status, 200, "{}", ordered.body);
        assert_eq!(ordered.body["rules"][0]["id"], b);
        let bad = s
            .post("/api/v1/banking/rules/order", json!({ "ids": [b] }))
            .await;
        assert_eq!(refused(&bad), (400, Some("INVALID_INPUT")));

        // Preview, then a change meanwhile: the old revision is refused, nothing applied.
        let preview = s.post("/api/v1/banking/rules/preview", json!({})).await;
        assert_eq!(preview.status, 200, "{}", preview.body);
        let changed = preview.body["changed"].as_u64().expect("changed");
        assert!(changed > 0, "{}", preview.body);
        assert!(preview.body["examples"][0]["changes"].is_array());
        let stale = preview.body["revision"].clone();
        let page = s.get("/api/v1/banking/transactions?limit=1").await;
        let some = page.body["transactions"][0]["transaction_id"]
            .as_str()
            .expect("id")
            .to_string();
        let edit = s
            .one(Method::PATCH, ONE, &some, Some(json!({ "note": "meanwhile" })))
            .await;
        assert_eq!(edit.status, 200);
        let refused_apply = s
            .post("/api/v1/banking/rules/apply", json!({ "revision": stale }))
            .await;
        assert_eq!(refused(&refused_apply), (400, Some("INVALID_INPUT")));
        assert!(
            refused_apply.body["error"]
                .as_str()
                .is_some_and(|e| e.contains("preview again")),
            "{}",
            refused_apply.body
        );
        assert_eq!(s.get("/api/v1/banking/tags").await.body, json!({ "tags": [] }));
        for (body, code) in [
            (json!({}), "INVALID_JSON"),
            (json!({ "revision": "" }), "INVALID_INPUT"),
        ] {
            let a = s.post("/api/v1/banking/rules/apply", body.clone()).await;
            assert_eq!(refused(&a), (400, Some(code)), "{body}: {}", a.body);
        }

        let preview = s.post("/api/v1/banking/rules/preview", json!({})).await;
        let applied = s
            .post(
                "/api/v1/banking/rules/apply",
                json!({ "revision": preview.body["revision"] }),
            )
            .await;
        assert_eq!(applied.status, 200, "{}", applied.body);
        assert_eq!(applied.body["changed"], preview.body["changed"]);
        assert_eq!(applied.body["checked"], preview.body["checked"]);
        let coffee_rows = s
            .get("/api/v1/banking/transactions?tag=coffee&limit=1000")
            .await;
        assert!(coffee_rows.body["total"].as_u64().is_some_and(|n| n > 0));
        for t in coffee_rows.body["transactions"].as_array().expect("rows") {
            assert_eq!(t["merchant_name"], "Starbucks");
            assert_eq!(t["personal"]["category"], "FOOD_AND_DRINK_COFFEE");
            assert_eq!(t["personal"]["category_rule"], c);
        }
        let again = s.post("/api/v1/banking/rules/preview", json!({ "rule_id": c })).await;
        assert_eq!(again.body["changed"], 0, "{}", again.body);

        // The rules file: export, delete, import gives the same rules back.
        let exported = s.get("/api/v1/banking/rules/export").await;
        assert_eq!(exported.status, 200, "{}", exported.body);
        assert_eq!(exported.body["cofferRules"], 1);
        assert_eq!(
            exported.body["rules"][1]["actions"][0],
            json!({ "action": "setCategory", "category": "FOOD_AND_DRINK_COFFEE" }),
            "the file keeps its own spelling"
        );
        let cli: Value = serde_json::from_slice(&home.run(&["rules", "export", "-"]).stdout)
            .expect("the CLI's export");
        assert_eq!(exported.body, cli, "the same file as the CLI's");
        let shape = |a: &Answer| -> Vec<Value> {
            a.body["rules"]
                .as_array()
                .expect("rules")
                .iter()
                .map(|r| json!([r["name"], r["enabled"], r["conditions"], r["actions"]]))
                .collect()
        };
        let before = s.get("/api/v1/banking/rules").await;
        for id in [&b, &c] {
            let gone = s.one(Method::DELETE, template, &id.to_string(), None).await;
            assert_eq!(gone.status, 204, "{}", gone.body);
        }
        let gone = s.one(Method::DELETE, template, &c.to_string(), None).await;
        assert_eq!(refused(&gone), (400, Some("INVALID_INPUT")));
        assert_eq!(s.get("/api/v1/banking/rules").await.body, json!({ "rules": [] }));
        let import = "/api/v1/banking/rules/import";
        let imported = s.post(import, exported.body.clone()).await;
        assert_eq!(imported.status, 200, "{}", imported.body);
        assert_eq!(shape(&imported), shape(&before));
        let replaced = s
            .call(Method::POST, import, &format!("{import}?replace=true"), Some(exported.body.clone()))
            .await;
        assert_eq!(shape(&replaced), shape(&before));
        let added = s.post(import, exported.body.clone()).await;
        assert_eq!(added.body["rules"].as_array().map(Vec::len), Some(4));

        // A bad file: refused whole, nothing changes.
        let mut v2 = exported.body.clone();
        v2["cofferRules"] = json!(2);
        let mut bad_rule = exported.body.clone();
        bad_rule["rules"][1]["conditions"] = json!([]);
        let mut snake = exported.body.clone();
        snake["rules"][0]["actions"][0] = json!({ "action": "add_tag", "tag": "x" });
        for (body, code) in [
            (v2, "INVALID_INPUT"),
            (bad_rule, "INVALID_INPUT"),
            (snake, "INVALID_JSON"),
            (json!({}), "INVALID_JSON"),
        ] {
            let a = s.post(import, body.clone()).await;
            assert_eq!(refused(&a), (400, Some(code)), "{body}: {}", a.body);
        }
        let a = s.call(Method::POST, import, import, None).await;
        assert_eq!(refused(&a), (400, Some("INVALID_INPUT")), "{}", a.body);
        let now = s.get("/api/v1/banking/rules").await;
        assert_eq!(now.body, added.body, "nothing was imported");
    });
}
