//! Plaid's JSON for the sandbox's data: `AccountBase` of an account slot and `Transaction` of a
//! generated transaction, serialized straight from typed structs (every key the spec requires,
//! nullable ones as `null`) rather than through a `Value` tree; and the `Transaction` of
//! `/sandbox/transactions/create`.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use super::accounts::ACCOUNTS;
use super::generate::{GenTxn, account_id};
use super::patterns::Pattern;

/// `AccountBase` of one account slot, serialized directly (no `Value` tree).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccountJson {
    pub account_id: String,
    balances: Balances,
    mask: &'static str,
    name: &'static str,
    official_name: Option<&'static str>,
    #[serde(rename = "type")]
    account_type: &'static str,
    subtype: &'static str,
    holder_category: &'static str,
}

/// `AccountBalance` of a default account.
#[derive(Clone, Debug, PartialEq, Serialize)]
struct Balances {
    available: Option<f64>,
    current: f64,
    limit: Option<f64>,
    iso_currency_code: &'static str,
    unofficial_currency_code: (),
}

/// `AccountBase` for one account slot.
pub fn account_json(seed: u64, slot: usize) -> AccountJson {
    let a = &ACCOUNTS[slot];
    AccountJson {
        account_id: account_id(seed, slot),
        balances: Balances {
            available: a.available,
            current: a.current,
            limit: a.limit,
            iso_currency_code: "USD",
            unofficial_currency_code: (),
        },
        mask: a.mask,
        name: a.name,
        official_name: a.official_name,
        account_type: a.account_type,
        subtype: a.subtype,
        holder_category: if a.business { "business" } else { "personal" },
    }
}

/// Cents to a JSON number in dollars (433 -> 4.33).
pub fn dollars(cents: i64) -> Value {
    serde_json::Number::from_f64(cents_to_f64(cents))
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// Cents to dollars as the `f64` whose shortest representation is the exact decimal
/// (433 -> 4.33; serde_json prints it with ryu, so `4.33`, never `4.3300000001`).
fn cents_to_f64(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// A date as `YYYY-MM-DD`, written without allocating.
pub(super) struct Ymd(pub(super) NaiveDate);

impl Serialize for Ymd {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use chrono::Datelike;
        let (y, m, d) = (self.0.year(), self.0.month(), self.0.day());
        if !(0..=9999).contains(&y) {
            return s.collect_str(&self.0.format("%Y-%m-%d"));
        }
        let y = y as u32;
        let digit = |v: u32| b'0' + (v % 10) as u8;
        let buf = [
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(d / 10),
            digit(d),
        ];
        // Only ASCII digits and dashes.
        s.serialize_str(std::str::from_utf8(&buf).unwrap_or_default())
    }
}

/// Serializes a `Display` value as a JSON string (serde_json writes it in place).
struct Shown<T>(T);

impl<T: std::fmt::Display> Serialize for Shown<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// `"<n> Main St"`.
struct Address(usize);

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} Main St", self.0)
    }
}

/// `https://plaid-category-icons.plaid.com/PFC_<primary>.png`.
struct IconUrl(&'static str);

impl std::fmt::Display for IconUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "https://plaid-category-icons.plaid.com/PFC_{}.png",
            self.0
        )
    }
}

#[derive(Serialize)]
struct CounterpartyJson {
    name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    website: Option<&'static str>,
    logo_url: (),
    entity_id: (),
    confidence_level: &'static str,
}

#[derive(Serialize)]
struct LocationJson {
    address: Option<Shown<Address>>,
    city: Option<&'static str>,
    region: Option<&'static str>,
    postal_code: Option<&'static str>,
    country: Option<&'static str>,
    lat: (),
    lon: (),
    store_number: Option<Shown<u64>>,
}

/// `PaymentMeta`: every key is required by the spec, all null here.
#[derive(Serialize)]
struct PaymentMetaJson {
    by_order_of: (),
    payee: (),
    payer: (),
    payment_method: (),
    payment_processor: (),
    ppd_id: (),
    reason: (),
    reference_number: (),
}

#[derive(Serialize)]
struct PfcJson {
    primary: &'static str,
    detailed: &'static str,
    confidence_level: &'static str,
}

/// The `Transaction` object as it goes on the wire (borrowing from a [`GenTxn`]).
#[derive(Serialize)]
struct TxnJson<'a> {
    account_id: &'a str,
    account_owner: (),
    amount: f64,
    iso_currency_code: &'static str,
    unofficial_currency_code: (),
    category: &'static [&'static str],
    category_id: &'static str,
    check_number: (),
    counterparties: &'a [CounterpartyJson],
    date: Ymd,
    datetime: (),
    authorized_date: Ymd,
    authorized_datetime: (),
    location: LocationJson,
    logo_url: (),
    merchant_entity_id: (),
    merchant_name: Option<&'static str>,
    name: &'static str,
    original_description: Option<&'a str>,
    payment_channel: &'static str,
    payment_meta: PaymentMetaJson,
    pending: bool,
    pending_transaction_id: Option<&'a str>,
    personal_finance_category: PfcJson,
    personal_finance_category_icon_url: Shown<IconUrl>,
    transaction_code: Option<&'static str>,
    transaction_id: &'a str,
    transaction_type: &'static str,
    website: Option<&'static str>,
}

/// Decimal digits of `n`.
fn digits(mut n: u64) -> usize {
    let mut len = 1;
    while n >= 10 {
        n /= 10;
        len += 1;
    }
    len
}

impl Serialize for GenTxn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p: &'static Pattern = self.pattern;
        let (city, region, postal, country) = match p.place {
            Some((c, r, z, k)) => (Some(c), Some(r), Some(z), Some(k)),
            None => (None, None, None, None),
        };
        let counterparty = p.merchant.map(|m| CounterpartyJson {
            name: m,
            kind: "merchant",
            website: p.website,
            logo_url: (),
            entity_id: (),
            confidence_level: "VERY_HIGH",
        });
        let txn_type = match (p.channel, p.place) {
            ("online", _) => "digital",
            (_, Some(_)) => "place",
            _ => "special",
        };
        TxnJson {
            account_id: &self.account_id,
            account_owner: (),
            amount: cents_to_f64(self.amount_cents),
            iso_currency_code: "USD",
            unofficial_currency_code: (),
            category: p.category,
            category_id: p.category_id,
            check_number: (),
            counterparties: counterparty.as_slice(),
            date: Ymd(self.date),
            datetime: (),
            authorized_date: Ymd(self.authorized_date),
            authorized_datetime: (),
            location: LocationJson {
                address: p
                    .place
                    .map(|_| Shown(Address(100 + digits(self.store_number) * 7))),
                city,
                region,
                postal_code: postal,
                country,
                lat: (),
                lon: (),
                store_number: p.place.map(|_| Shown(self.store_number)),
            },
            logo_url: (),
            merchant_entity_id: (),
            merchant_name: p.merchant,
            name: p.name,
            original_description: self.original_description.as_deref(),
            payment_channel: p.channel,
            payment_meta: PaymentMetaJson {
                by_order_of: (),
                payee: (),
                payer: (),
                payment_method: (),
                payment_processor: (),
                ppd_id: (),
                reason: (),
                reference_number: (),
            },
            pending: self.pending,
            pending_transaction_id: self.pending_transaction_id.as_deref(),
            personal_finance_category: PfcJson {
                primary: p.pfc.0,
                detailed: p.pfc.1,
                confidence_level: if p.merchant.is_some() {
                    "VERY_HIGH"
                } else {
                    "HIGH"
                },
            },
            personal_finance_category_icon_url: Shown(IconUrl(p.pfc.0)),
            transaction_code: p.code,
            transaction_id: &self.id,
            transaction_type: txn_type,
            website: p.website,
        }
        .serialize(s)
    }
}

/// A transaction made by `/sandbox/transactions/create`.
pub fn custom_txn(
    id: String,
    account_id: String,
    amount: Value,
    date: &str,
    authorized: &str,
    description: &str,
    currency: &str,
) -> Value {
    json!({
        "account_id": account_id,
        "account_owner": null,
        "amount": amount,
        "iso_currency_code": currency,
        "unofficial_currency_code": null,
        "category": null,
        "category_id": null,
        "check_number": null,
        "counterparties": [],
        "date": date,
        "datetime": null,
        "authorized_date": authorized,
        "authorized_datetime": null,
        "location": {
            "address": null, "city": null, "region": null, "postal_code": null,
            "country": null, "lat": null, "lon": null, "store_number": null,
        },
        "logo_url": null,
        "merchant_entity_id": null,
        "merchant_name": null,
        "name": description,
        "original_description": null,
        "payment_channel": "other",
        "payment_meta": {
            "by_order_of": null, "payee": null, "payer": null, "payment_method": null,
            "payment_processor": null, "ppd_id": null, "reason": null, "reference_number": null,
        },
        "pending": false,
        "pending_transaction_id": null,
        "personal_finance_category": {
            "primary": "GENERAL_MERCHANDISE",
            "detailed": "GENERAL_MERCHANDISE_OTHER_GENERAL_MERCHANDISE",
            "confidence_level": "LOW",
        },
        "personal_finance_category_icon_url": "https://plaid-category-icons.plaid.com/PFC_GENERAL_MERCHANDISE.png",
        "transaction_code": null,
        "transaction_id": id,
        "transaction_type": "special",
        "website": null,
    })
}
