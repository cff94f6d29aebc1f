//! The generator and its JSON: determinism, dates, accounts, and the typed serialization
//! checked against the `json!` builder it replaced.

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::accounts::{ACCOUNTS, has_transactions};
use super::generate::{GenTxn, Generator, account_id};
use super::json::{Ymd, account_json, dollars};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

#[test]
fn generation_is_deterministic_and_ascending() {
    let all: Vec<usize> = (0..12).collect();
    let g = Generator::new(42, 1500, day("2025-06-01"), 730, &all);
    assert_eq!(g.base(7), g.base(7));
    let mut last = g.date_of(0);
    for i in 0..1500 {
        let d = g.date_of(i);
        assert!(d >= last);
        last = d;
    }
    assert_eq!(g.date_of(1499), day("2025-06-01"));
    assert_eq!(g.date_of(0), day("2023-06-03"));
    let fp = g.first_pending();
    assert!(fp < 1500 && fp > 1490, "first pending {fp}");
    assert!(g.date_of(fp) >= day("2025-05-31"));
    assert!(g.date_of(fp - 1) < day("2025-05-31"));
    assert_eq!(g.base(fp)["pending"], true);
    assert_eq!(g.base(fp - 1)["pending"], false);
}

#[test]
fn history_spreads_over_the_days_requested() {
    let all: Vec<usize> = (0..12).collect();
    for (days, first) in [(30, "2025-05-03"), (90, "2025-03-04"), (1, "2025-06-01")] {
        let g = Generator::new(42, 1500, day("2025-06-01"), days, &all);
        assert_eq!(g.date_of(0), day(first), "{days} days");
        assert_eq!(g.date_of(1499), day("2025-06-01"));
        let fp = g.first_pending();
        assert!(fp <= 1500 && g.date_of(fp.min(1499)) >= day("2025-05-31"));
        assert!(
            fp == 0 || g.date_of(fp - 1) < day("2025-05-31"),
            "{days}: {fp}"
        );
    }
    // A single day: everything is within the pending window.
    assert_eq!(
        Generator::new(1, 10, day("2025-06-01"), 1, &all).first_pending(),
        0
    );
}

#[test]
fn transactions_only_on_depository_credit_and_student_loan() {
    let all: Vec<usize> = (0..12).collect();
    let g = Generator::new(9, 5000, day("2025-06-01"), 730, &all);
    let allowed: Vec<String> = (0..12)
        .filter(|&s| has_transactions(s))
        .map(|s| account_id(9, s))
        .collect();
    let mut seen = std::collections::HashSet::new();
    for i in 0..5000 {
        let t = g.base(i);
        let acc = t["account_id"].as_str().unwrap_or_default().to_string();
        assert!(allowed.contains(&acc));
        assert_eq!(acc, g.account_of(i));
        seen.insert(acc);
        let amount = t["amount"].as_f64().unwrap_or(0.0);
        if t["personal_finance_category"]["primary"] == "INCOME" {
            assert!(amount < 0.0, "income must be negative: {t}");
        }
    }
    assert!(seen.len() >= 8);
}

/// The `json!` builder the typed serialization replaced, kept as the reference.
fn legacy_txn_json(t: &GenTxn) -> Value {
    let p = t.pattern;
    let store_number = t.store_number.to_string();
    let (city, region, postal, country) = match p.place {
        Some((c, r, z, k)) => (Some(c), Some(r), Some(z), Some(k)),
        None => (None, None, None, None),
    };
    let counterparties = match (p.merchant, p.website) {
        (Some(m), w) => json!([{
            "name": m,
            "type": "merchant",
            "website": w,
            "logo_url": null,
            "entity_id": null,
            "confidence_level": "VERY_HIGH",
        }]),
        _ => json!([]),
    };
    let txn_type = match (p.channel, p.place) {
        ("online", _) => "digital",
        (_, Some(_)) => "place",
        _ => "special",
    };
    json!({
        "account_id": t.account_id,
        "account_owner": null,
        "amount": dollars(t.amount_cents),
        "iso_currency_code": "USD",
        "unofficial_currency_code": null,
        "category": p.category,
        "category_id": p.category_id,
        "check_number": null,
        "counterparties": counterparties,
        "date": t.date.format("%Y-%m-%d").to_string(),
        "datetime": null,
        "authorized_date": t.authorized_date.format("%Y-%m-%d").to_string(),
        "authorized_datetime": null,
        "location": {
            "address": if p.place.is_some() { Some(format!("{} Main St", 100 + store_number.len() * 7)) } else { None },
            "city": city,
            "region": region,
            "postal_code": postal,
            "country": country,
            "lat": null,
            "lon": null,
            "store_number": if p.place.is_some() { Some(store_number.clone()) } else { None },
        },
        "logo_url": null,
        "merchant_entity_id": null,
        "merchant_name": p.merchant,
        "name": p.name,
        "original_description": t.original_description,
        "payment_channel": p.channel,
        "payment_meta": {
            "by_order_of": null,
            "payee": null,
            "payer": null,
            "payment_method": null,
            "payment_processor": null,
            "ppd_id": null,
            "reason": null,
            "reference_number": null,
        },
        "pending": t.pending,
        "pending_transaction_id": t.pending_transaction_id,
        "personal_finance_category": {
            "primary": p.pfc.0,
            "detailed": p.pfc.1,
            "confidence_level": if p.merchant.is_some() { "VERY_HIGH" } else { "HIGH" },
        },
        "personal_finance_category_icon_url": format!("https://plaid-category-icons.plaid.com/PFC_{}.png", p.pfc.0),
        "transaction_code": p.code,
        "transaction_id": t.id,
        "transaction_type": txn_type,
        "website": p.website,
    })
}

/// Checks one transaction: the wire bytes parse to the reference `Value`, `to_value` agrees,
/// and the amount is printed as the exact decimal of its cents.
fn check_same(t: &GenTxn) {
    let want = legacy_txn_json(t);
    let bytes = serde_json::to_vec(t).expect("serialize");
    let got: Value = serde_json::from_slice(&bytes).expect("parse");
    assert_eq!(got, want, "typed and legacy JSON differ for {}", t.id);
    assert_eq!(t.to_value(), want);
    let text = String::from_utf8(bytes).expect("utf8");
    let cents = t.amount_cents;
    let exact = format!(
        "\"amount\":{}{}.{}",
        if cents < 0 { "-" } else { "" },
        cents.abs() / 100,
        match cents.abs() % 100 {
            0 => "0".to_string(),
            c if c % 10 == 0 => (c / 10).to_string(),
            c => format!("{c:02}"),
        }
    );
    assert!(text.contains(&exact), "{exact} not in {text}");
}

#[test]
fn typed_transactions_serialize_like_the_value_builder() {
    let all: Vec<usize> = (0..12).collect();
    let g = Generator::new(0x5EED, 1000, day("2025-06-01"), 730, &all);
    let fp = g.first_pending();
    assert!(fp < 1000);
    let (mut pending, mut posted, mut negative, mut with_place, mut no_merchant) = (0, 0, 0, 0, 0);
    let mut types = std::collections::HashSet::new();
    for i in 0..1000 {
        let mut t = g.base_txn(i);
        check_same(&t);
        pending += usize::from(t.pending);
        negative += usize::from(t.amount_cents < 0);
        with_place += usize::from(t.pattern.place.is_some());
        no_merchant += usize::from(t.pattern.merchant.is_none());
        let slot = (0..12)
            .find(|&s| account_id(0x5EED, s) == t.account_id)
            .expect("slot");
        types.insert(ACCOUNTS[slot].account_type);
        t.set_original_description();
        check_same(&t);
        if i >= fp {
            let p = g.posted_txn(i, day("2025-06-03"));
            assert_eq!(
                p.pending_transaction_id.as_deref(),
                Some(g.txn_id(i).as_str())
            );
            check_same(&p);
            posted += 1;
        }
        let d = g.dynamic(i, day("2025-06-02"), i % 2 == 0);
        assert_eq!(d["pending"], i % 2 == 0);
    }
    assert!(
        pending > 0 && posted == pending,
        "{pending} pending, {posted} posted"
    );
    assert!(negative > 10 && with_place > 10 && no_merchant > 10);
    for kind in ["depository", "credit", "loan"] {
        assert!(types.contains(kind), "no {kind} transactions: {types:?}");
    }
}

#[test]
fn typed_accounts_serialize_like_the_value_builder() {
    for (slot, a) in ACCOUNTS.iter().enumerate() {
        let want = json!({
            "account_id": account_id(3, slot),
            "balances": {
                "available": a.available,
                "current": a.current,
                "limit": a.limit,
                "iso_currency_code": "USD",
                "unofficial_currency_code": null,
            },
            "mask": a.mask,
            "name": a.name,
            "official_name": a.official_name,
            "type": a.account_type,
            "subtype": a.subtype,
            "holder_category": if a.business { "business" } else { "personal" },
        });
        let text = serde_json::to_string(&account_json(3, slot)).expect("serialize");
        let got: Value = serde_json::from_str(&text).expect("parse");
        assert_eq!(got, want);
    }
    let k401 = serde_json::to_string(&account_json(3, 6)).expect("serialize");
    assert!(k401.contains("\"current\":23631.9805"), "{k401}");
}

#[test]
fn dates_are_written_as_iso_days() {
    for s in ["2025-06-01", "0999-12-31", "2024-02-29", "1970-01-09"] {
        assert_eq!(
            serde_json::to_string(&Ymd(day(s))).expect("date"),
            format!("\"{s}\"")
        );
    }
    let far = NaiveDate::from_ymd_opt(12345, 1, 2).expect("date");
    assert_eq!(
        serde_json::to_string(&Ymd(far)).expect("date"),
        format!("\"{}\"", far.format("%Y-%m-%d"))
    );
}

#[test]
fn a_million_history_is_cheap_to_index() {
    let g = Generator::new(1, 1_000_000, day("2025-06-01"), 730, &[0, 3]);
    let t = g.base(999_999);
    assert_eq!(t["date"], "2025-06-01");
    assert_eq!(t["transaction_id"].as_str().map(str::len), Some(37));
}
