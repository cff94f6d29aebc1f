//! The sandbox's fixed data: institutions, the default `user_good` accounts, and
//! the deterministic transaction generator. Transaction `i` of an Item is a pure function of
//! `(item seed, i, history size, creation date)`, so a million-transaction Item costs nothing
//! until a page of it is read.

use chrono::{Days, NaiveDate};
use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use crate::ids::{derived_id, mix2};

/// Health of an institution as Plaid's status reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    /// Works.
    Healthy,
    /// Works, reported `DEGRADED`.
    Degraded,
    /// Linking and data calls fail with `INSTITUTION_DOWN`.
    Down,
    /// Linking fails with `INSTITUTION_NO_LONGER_SUPPORTED`.
    Unsupported,
}

/// One institution.
#[derive(Debug)]
pub struct Institution {
    pub id: &'static str,
    pub name: &'static str,
    pub products: &'static [&'static str],
    pub country_codes: &'static [&'static str],
    pub routing_numbers: &'static [&'static str],
    pub oauth: bool,
    pub url: &'static str,
    pub primary_color: &'static str,
    pub health: Health,
}

const ALL_PRODUCTS: &[&str] = &[
    "assets",
    "auth",
    "balance",
    "identity",
    "identity_match",
    "investments",
    "liabilities",
    "transactions",
];
const BANK_PRODUCTS: &[&str] = &["assets", "auth", "balance", "identity", "transactions"];
const AUTH_ONLY: &[&str] = &["auth", "balance"];
const US: &[&str] = &["US"];

macro_rules! ins {
    ($id:expr, $name:expr, $products:expr, $cc:expr, $rn:expr, $oauth:expr, $url:expr, $color:expr, $health:expr) => {
        Institution {
            id: $id,
            name: $name,
            products: $products,
            country_codes: $cc,
            routing_numbers: $rn,
            oauth: $oauth,
            url: $url,
            primary_color: $color,
            health: $health,
        }
    };
}

/// Every institution the sandbox knows.
pub static INSTITUTIONS: &[Institution] = &[
    ins!(
        "ins_109508",
        "First Platypus Bank",
        ALL_PRODUCTS,
        US,
        &["011401533", "021000021"],
        false,
        "https://www.plaid.com",
        "#1f1f1f",
        Health::Healthy
    ),
    ins!(
        "ins_130016",
        "First Platypus Balance Bank",
        ALL_PRODUCTS,
        US,
        &["011401533"],
        false,
        "https://www.plaid.com",
        "#1f1f1f",
        Health::Healthy
    ),
    ins!(
        "ins_109509",
        "First Gingham Credit Union",
        ALL_PRODUCTS,
        US,
        &["011501845"],
        false,
        "https://www.plaid.com",
        "#2b6cb0",
        Health::Healthy
    ),
    ins!(
        "ins_109510",
        "Tattersall Federal Credit Union",
        ALL_PRODUCTS,
        US,
        &["011601029"],
        false,
        "https://www.plaid.com",
        "#2f855a",
        Health::Healthy
    ),
    ins!(
        "ins_109511",
        "Tartan Bank",
        ALL_PRODUCTS,
        US,
        &["011701314"],
        false,
        "https://www.plaid.com",
        "#c53030",
        Health::Healthy
    ),
    ins!(
        "ins_109512",
        "Houndstooth Bank",
        ALL_PRODUCTS,
        US,
        &["011801052"],
        false,
        "https://www.plaid.com",
        "#4a5568",
        Health::Healthy
    ),
    ins!(
        "ins_43",
        "Tartan-Dominion Bank of Canada",
        BANK_PRODUCTS,
        &["CA"],
        &[],
        false,
        "https://www.plaid.com",
        "#9b2c2c",
        Health::Healthy
    ),
    ins!(
        "ins_116834",
        "Flexible Platypus Open Banking",
        BANK_PRODUCTS,
        &["GB"],
        &[],
        false,
        "https://www.plaid.com",
        "#1f1f1f",
        Health::Healthy
    ),
    ins!(
        "ins_117650",
        "Royal Bank of Plaid",
        BANK_PRODUCTS,
        &["GB"],
        &[],
        false,
        "https://www.plaid.com",
        "#1a365d",
        Health::Healthy
    ),
    ins!(
        "ins_127287",
        "Platypus OAuth Bank",
        ALL_PRODUCTS,
        US,
        &["011401533"],
        true,
        "https://www.plaid.com",
        "#1f1f1f",
        Health::Healthy
    ),
    ins!(
        "ins_132241",
        "First Platypus OAuth App2App Bank",
        ALL_PRODUCTS,
        US,
        &["011401533"],
        true,
        "https://www.plaid.com",
        "#1f1f1f",
        Health::Healthy
    ),
    ins!(
        "ins_117181",
        "Flexible Platypus Open Banking (QR code authentication)",
        BANK_PRODUCTS,
        &["ES", "FR", "IE", "NL", "DE", "IT"],
        &[],
        true,
        "https://www.plaid.com",
        "#1f1f1f",
        Health::Healthy
    ),
    ins!(
        "ins_135858",
        "Windowpane Bank",
        ALL_PRODUCTS,
        US,
        &["011401533"],
        false,
        "https://www.plaid.com",
        "#3182ce",
        Health::Healthy
    ),
    ins!(
        "ins_132363",
        "Unhealthy Platypus Bank - Degraded",
        ALL_PRODUCTS,
        US,
        &["011401533"],
        false,
        "https://www.plaid.com",
        "#718096",
        Health::Degraded
    ),
    ins!(
        "ins_132361",
        "Unhealthy Platypus Bank - Down",
        ALL_PRODUCTS,
        US,
        &["011401533"],
        false,
        "https://www.plaid.com",
        "#718096",
        Health::Down
    ),
    ins!(
        "ins_133402",
        "Unsupported Platypus Bank",
        ALL_PRODUCTS,
        US,
        &[],
        false,
        "https://www.plaid.com",
        "#718096",
        Health::Unsupported
    ),
    ins!(
        "ins_133502",
        "Platypus Bank RUX Auth",
        AUTH_ONLY,
        US,
        &["011401533"],
        false,
        "https://www.plaid.com",
        "#1f1f1f",
        Health::Healthy
    ),
    ins!(
        "ins_133503",
        "Platypus Bank RUX Match",
        AUTH_ONLY,
        US,
        &["011401533"],
        false,
        "https://www.plaid.com",
        "#1f1f1f",
        Health::Healthy
    ),
    ins!(
        "ins_3",
        "Chase",
        ALL_PRODUCTS,
        US,
        &["021000021", "322271627"],
        true,
        "https://www.chase.com",
        "#095aa6",
        Health::Healthy
    ),
    ins!(
        "ins_4",
        "Wells Fargo",
        ALL_PRODUCTS,
        US,
        &["121000248"],
        true,
        "https://www.wellsfargo.com",
        "#d01f2a",
        Health::Healthy
    ),
    ins!(
        "ins_5",
        "Citi",
        ALL_PRODUCTS,
        US,
        &["021000089"],
        true,
        "https://www.citi.com",
        "#003b70",
        Health::Healthy
    ),
    ins!(
        "ins_10",
        "American Express",
        &[
            "assets",
            "balance",
            "identity",
            "liabilities",
            "transactions"
        ],
        US,
        &[],
        true,
        "https://www.americanexpress.com",
        "#1f6fc5",
        Health::Healthy
    ),
    ins!(
        "ins_20",
        "Citizens Bank",
        ALL_PRODUCTS,
        US,
        &["011500120"],
        false,
        "https://www.citizensbank.com",
        "#008555",
        Health::Healthy
    ),
    ins!(
        "ins_127989",
        "Bank of America",
        ALL_PRODUCTS,
        US,
        &["026009593"],
        true,
        "https://www.bankofamerica.com",
        "#e31837",
        Health::Healthy
    ),
    ins!(
        "ins_128026",
        "Capital One",
        ALL_PRODUCTS,
        US,
        &["056073502"],
        true,
        "https://www.capitalone.com",
        "#004977",
        Health::Healthy
    ),
    // Coffer's own test banks (ids outside Plaid's range), for behaviour Plaid's Sandbox
    // institutions do not show: see OWN_SITE_OAUTH and SHORT_CONSENT below.
    ins!(
        "ins_900001",
        "Wombat Federal",
        ALL_PRODUCTS,
        US,
        &["011401534"],
        true,
        "https://www.plaid.com",
        "#6b4f2a",
        Health::Healthy
    ),
    ins!(
        "ins_900002",
        "Quokka Savings",
        ALL_PRODUCTS,
        US,
        &["011401535"],
        true,
        "https://www.plaid.com",
        "#2f6b3a",
        Health::Healthy
    ),
];

/// OAuth institutions whose authorization page lives on the bank's own origin (the
/// sandbox's second listener, [`crate::Sandbox::bank_url`]), as a real bank's does, rather
/// than on Plaid's (the sandbox's own origin, like Plaid Sandbox's `cdn.plaid.com` page).
pub const OWN_SITE_OAUTH: &[&str] = &["ins_900001"];

/// Institutions whose consent ends sooner than [`crate::state::LOGIN_LIFETIME_DAYS`], in
/// days after the login: `/item/get`'s `consent_expiration_time` is then close at once.
pub const SHORT_CONSENT: &[(&str, i64)] = &[("ins_900002", 5)];

/// Looks an institution up by id.
pub fn institution(id: &str) -> Option<&'static Institution> {
    INSTITUTIONS.iter().find(|i| i.id == id)
}

/// Every product name Plaid accepts in `products` lists (2020-09-14 `Products` enum).
pub const PRODUCTS: &[&str] = &[
    "assets",
    "auth",
    "balance_plus",
    "beacon",
    "identity",
    "identity_match",
    "investments",
    "investments_auth",
    "liabilities",
    "payment_initiation",
    "identity_verification",
    "transactions",
    "credit_details",
    "income",
    "income_verification",
    "standing_orders",
    "transfer",
    "employment",
    "recurring_transactions",
    "transactions_refresh",
    "signal",
    "statements",
    "processor_payments",
    "processor_identity",
    "profile",
    "cra_base_report",
    "cra_income_insights",
    "cra_partner_insights",
    "cra_network_insights",
    "cra_cashflow_insights",
    "cra_home_lending",
    "cra_qualify",
    "layer",
    "pay_by_bank",
    "protect_linked_bank",
];

/// The product names allowed in an Item's `available_products`/`billed_products`.
pub const ITEM_PRODUCTS: &[&str] = &[
    "assets",
    "auth",
    "balance",
    "balance_plus",
    "beacon",
    "identity",
    "identity_match",
    "investments",
    "investments_auth",
    "liabilities",
    "payment_initiation",
    "identity_verification",
    "transactions",
    "credit_details",
    "income",
    "income_verification",
];

/// One of the default accounts of Plaid's Sandbox `user_good`.
#[derive(Debug)]
pub struct AccountTemplate {
    pub name: &'static str,
    pub official_name: Option<&'static str>,
    pub mask: &'static str,
    pub account_type: &'static str,
    pub subtype: &'static str,
    pub available: Option<f64>,
    pub current: f64,
    pub limit: Option<f64>,
    pub business: bool,
    /// Relative share of the Item's transactions (0 = the account has none, as for investments).
    pub txn_weight: u32,
}

macro_rules! acct {
    ($name:expr, $official:expr, $mask:expr, $ty:expr, $sub:expr, $avail:expr, $cur:expr, $limit:expr, $biz:expr, $w:expr) => {
        AccountTemplate {
            name: $name,
            official_name: $official,
            mask: $mask,
            account_type: $ty,
            subtype: $sub,
            available: $avail,
            current: $cur,
            limit: $limit,
            business: $biz,
            txn_weight: $w,
        }
    };
}

/// The twelve default accounts, in Plaid's order.
pub static ACCOUNTS: [AccountTemplate; 12] = [
    acct!(
        "Plaid Checking",
        Some("Plaid Gold Standard 0% Interest Checking"),
        "0000",
        "depository",
        "checking",
        Some(100.0),
        110.0,
        None,
        false,
        40
    ),
    acct!(
        "Plaid Saving",
        Some("Plaid Silver Standard 0.1% Interest Saving"),
        "1111",
        "depository",
        "savings",
        Some(200.0),
        210.0,
        None,
        false,
        6
    ),
    acct!(
        "Plaid CD",
        Some("Plaid Bronze Standard 0.2% Interest CD"),
        "2222",
        "depository",
        "cd",
        None,
        1000.0,
        None,
        false,
        1
    ),
    acct!(
        "Plaid Credit Card",
        Some("Plaid Diamond 12.5% APR Interest Credit Card"),
        "3333",
        "credit",
        "credit card",
        None,
        410.0,
        Some(2000.0),
        false,
        30
    ),
    acct!(
        "Plaid Money Market",
        Some("Plaid Platinum Standard 1.85% Interest Money Market"),
        "4444",
        "depository",
        "money market",
        Some(43200.0),
        43200.0,
        None,
        false,
        2
    ),
    acct!(
        "Plaid IRA",
        None,
        "5555",
        "investment",
        "ira",
        None,
        320.76,
        None,
        false,
        0
    ),
    acct!(
        "Plaid 401k",
        None,
        "6666",
        "investment",
        "401k",
        None,
        23631.9805,
        None,
        false,
        0
    ),
    acct!(
        "Plaid Student Loan",
        None,
        "7777",
        "loan",
        "student",
        None,
        65262.0,
        None,
        false,
        2
    ),
    acct!(
        "Plaid Mortgage",
        None,
        "8888",
        "loan",
        "mortgage",
        None,
        56302.06,
        None,
        false,
        0
    ),
    acct!(
        "Plaid HSA",
        Some("Plaid Cares Health Savings Account"),
        "9001",
        "depository",
        "hsa",
        Some(6009.0),
        6009.0,
        None,
        false,
        3
    ),
    acct!(
        "Plaid Cash Management",
        Some("Plaid Growth Cash Management"),
        "9002",
        "depository",
        "cash management",
        Some(12060.0),
        12060.0,
        None,
        false,
        3
    ),
    acct!(
        "Plaid Business Credit Card",
        Some("Plaid Platinum Small Business Credit Card"),
        "9999",
        "credit",
        "credit card",
        Some(4980.0),
        5020.0,
        Some(10000.0),
        true,
        8
    ),
];

/// Salt for account ids.
const ACCOUNT_SALT: u64 = 0xACC0_0000;
/// Salt for transaction ids (base history).
const TXN_SALT: u64 = 0x7000_0000_0000_0000;
/// Salt for the posted copies of pending base transactions.
const POSTED_SALT: u64 = 0x5000_0000_0000_0000;

/// The id of account slot `slot` of the Item with `seed`.
pub fn account_id(seed: u64, slot: usize) -> String {
    derived_id(seed, ACCOUNT_SALT + slot as u64)
}

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

/// Days of history an Item's base transactions cover when nothing asked otherwise (Plaid's
/// `days_requested` default).
pub const DEFAULT_DAYS_REQUESTED: u64 = 90;
/// Largest `days_requested` Plaid accepts (and the span of Items from state files written before
/// `days_requested` was honoured).
pub const MAX_DAYS_REQUESTED: u64 = 730;
/// Base transactions dated within this many days of the Item's creation are pending.
pub const PENDING_DAYS: u64 = 2;

/// A merchant or counterparty pattern the generator draws from.
#[derive(Debug)]
struct Pattern {
    name: &'static str,
    merchant: Option<&'static str>,
    min_cents: i64,
    max_cents: i64,
    /// +1: money out (purchases), -1: money in (deposits, refunds, payments to a card).
    sign: i64,
    pfc: (&'static str, &'static str),
    category: &'static [&'static str],
    category_id: &'static str,
    channel: &'static str,
    place: Option<(&'static str, &'static str, &'static str, &'static str)>,
    website: Option<&'static str>,
    code: Option<&'static str>,
}

macro_rules! pat {
    ($name:expr, $merchant:expr, $min:expr, $max:expr, $sign:expr, $pfc:expr, $cat:expr, $catid:expr, $ch:expr, $place:expr, $web:expr, $code:expr) => {
        Pattern {
            name: $name,
            merchant: $merchant,
            min_cents: $min,
            max_cents: $max,
            sign: $sign,
            pfc: $pfc,
            category: $cat,
            category_id: $catid,
            channel: $ch,
            place: $place,
            website: $web,
            code: $code,
        }
    };
}

const SF: Option<(&str, &str, &str, &str)> = Some(("San Francisco", "CA", "94103", "US"));
const BERKELEY: Option<(&str, &str, &str, &str)> = Some(("Berkeley", "CA", "94704", "US"));
const MADISON: Option<(&str, &str, &str, &str)> = Some(("Madison", "WI", "53703", "US"));

static CARD_PATTERNS: &[Pattern] = &[
    pat!(
        "United Airlines",
        Some("United Airlines"),
        8900,
        65000,
        1,
        ("TRAVEL", "TRAVEL_FLIGHTS"),
        &["Travel", "Airlines and Aviation Services"],
        "22001000",
        "in store",
        None,
        Some("united.com"),
        None
    ),
    pat!(
        "Uber 063015 SF**POOL**",
        Some("Uber"),
        540,
        3400,
        1,
        ("TRANSPORTATION", "TRANSPORTATION_TAXIS_AND_RIDE_SHARES"),
        &["Travel", "Taxi"],
        "22016000",
        "online",
        None,
        Some("uber.com"),
        None
    ),
    pat!(
        "Uber 072515 SF**POOL**",
        Some("Uber"),
        633,
        2900,
        1,
        ("TRANSPORTATION", "TRANSPORTATION_TAXIS_AND_RIDE_SHARES"),
        &["Travel", "Taxi"],
        "22016000",
        "online",
        None,
        Some("uber.com"),
        None
    ),
    pat!(
        "KFC",
        Some("KFC"),
        500,
        2200,
        1,
        ("FOOD_AND_DRINK", "FOOD_AND_DRINK_FAST_FOOD"),
        &["Food and Drink", "Restaurants", "Fast Food"],
        "13005032",
        "in store",
        SF,
        Some("kfc.com"),
        None
    ),
    pat!(
        "McDonald's",
        Some("McDonald's"),
        433,
        1800,
        1,
        ("FOOD_AND_DRINK", "FOOD_AND_DRINK_FAST_FOOD"),
        &["Food and Drink", "Restaurants", "Fast Food"],
        "13005032",
        "in store",
        SF,
        Some("mcdonalds.com"),
        None
    ),
    pat!(
        "Starbucks",
        Some("Starbucks"),
        433,
        1250,
        1,
        ("FOOD_AND_DRINK", "FOOD_AND_DRINK_COFFEE"),
        &["Food and Drink", "Restaurants", "Coffee Shop"],
        "13005043",
        "in store",
        SF,
        Some("starbucks.com"),
        None
    ),
    pat!(
        "Madison Bicycle Shop",
        Some("Madison Bicycle Shop"),
        2500,
        50000,
        1,
        ("GENERAL_MERCHANDISE", "GENERAL_MERCHANDISE_SPORTING_GOODS"),
        &["Shops", "Sporting Goods"],
        "19046000",
        "in store",
        MADISON,
        None,
        None
    ),
    pat!(
        "Touchstone Climbing",
        Some("Touchstone Climbing"),
        7850,
        9500,
        1,
        ("PERSONAL_CARE", "PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS"),
        &["Recreation", "Gyms and Fitness Centers"],
        "17018000",
        "in store",
        BERKELEY,
        Some("touchstoneclimbing.com"),
        None
    ),
    pat!(
        "SparkFun",
        Some("SparkFun"),
        8940,
        12000,
        1,
        ("GENERAL_MERCHANDISE", "GENERAL_MERCHANDISE_ELECTRONICS"),
        &["Shops", "Computers and Electronics"],
        "19013000",
        "online",
        None,
        Some("sparkfun.com"),
        None
    ),
    pat!(
        "AMAZON MKTPL*2K4LR1Q03",
        Some("Amazon"),
        999,
        15999,
        1,
        (
            "GENERAL_MERCHANDISE",
            "GENERAL_MERCHANDISE_ONLINE_MARKETPLACES"
        ),
        &["Shops", "Digital Purchase"],
        "19019000",
        "online",
        None,
        Some("amazon.com"),
        None
    ),
    pat!(
        "WHOLEFDS SFO 10234",
        Some("Whole Foods Market"),
        1840,
        16500,
        1,
        ("FOOD_AND_DRINK", "FOOD_AND_DRINK_GROCERIES"),
        &[
            "Shops",
            "Food and Beverage Store",
            "Supermarkets and Groceries"
        ],
        "19047000",
        "in store",
        SF,
        Some("wholefoodsmarket.com"),
        None
    ),
    pat!(
        "Netflix.com",
        Some("Netflix"),
        1549,
        1549,
        1,
        ("ENTERTAINMENT", "ENTERTAINMENT_TV_AND_MOVIES"),
        &["Service", "Subscription"],
        "18061000",
        "online",
        None,
        Some("netflix.com"),
        None
    ),
    pat!(
        "Spotify USA",
        Some("Spotify"),
        1099,
        1099,
        1,
        ("ENTERTAINMENT", "ENTERTAINMENT_MUSIC_AND_AUDIO"),
        &["Service", "Subscription"],
        "18061000",
        "online",
        None,
        Some("spotify.com"),
        None
    ),
    pat!(
        "SHELL OIL 57444",
        Some("Shell"),
        2800,
        7400,
        1,
        ("TRANSPORTATION", "TRANSPORTATION_GAS"),
        &["Travel", "Gas Stations"],
        "22009000",
        "in store",
        BERKELEY,
        Some("shell.com"),
        None
    ),
    pat!(
        "AMAZON MKTPL REFUND",
        Some("Amazon"),
        999,
        8999,
        -1,
        (
            "GENERAL_MERCHANDISE",
            "GENERAL_MERCHANDISE_ONLINE_MARKETPLACES"
        ),
        &["Shops", "Digital Purchase"],
        "19019000",
        "online",
        None,
        Some("amazon.com"),
        Some("refund")
    ),
    pat!(
        "AUTOMATIC PAYMENT - THANK",
        None,
        20000,
        250000,
        -1,
        ("LOAN_PAYMENTS", "LOAN_PAYMENTS_CREDIT_CARD_PAYMENT"),
        &["Payment", "Credit Card"],
        "16001000",
        "other",
        None,
        None,
        Some("payment")
    ),
];

static CHECKING_PATTERNS: &[Pattern] = &[
    pat!(
        "Tectra Inc",
        Some("Tectra Inc"),
        250000,
        250000,
        -1,
        ("INCOME", "INCOME_WAGES"),
        &["Transfer", "Payroll"],
        "21009000",
        "other",
        None,
        None,
        None
    ),
    pat!(
        "CREDIT CARD 3333 PAYMENT *//",
        None,
        2500,
        50000,
        1,
        ("LOAN_PAYMENTS", "LOAN_PAYMENTS_CREDIT_CARD_PAYMENT"),
        &["Payment", "Credit Card"],
        "16001000",
        "other",
        None,
        None,
        Some("payment")
    ),
    pat!(
        "RENT PAYMENT ZELLE",
        None,
        207850,
        207850,
        1,
        ("RENT_AND_UTILITIES", "RENT_AND_UTILITIES_RENT"),
        &["Payment", "Rent"],
        "16002000",
        "online",
        None,
        None,
        Some("bill payment")
    ),
    pat!(
        "PG&E WEB ONLINE",
        Some("PG&E"),
        4500,
        18000,
        1,
        (
            "RENT_AND_UTILITIES",
            "RENT_AND_UTILITIES_GAS_AND_ELECTRICITY"
        ),
        &["Service", "Utilities", "Gas"],
        "18068000",
        "online",
        None,
        Some("pge.com"),
        Some("bill payment")
    ),
    pat!(
        "ATM WITHDRAWAL 0451",
        None,
        2000,
        20000,
        1,
        ("TRANSFER_OUT", "TRANSFER_OUT_WITHDRAWAL"),
        &["Transfer", "Withdrawal", "ATM"],
        "21012002",
        "in store",
        SF,
        None,
        Some("atm")
    ),
    pat!(
        "Starbucks",
        Some("Starbucks"),
        433,
        1250,
        1,
        ("FOOD_AND_DRINK", "FOOD_AND_DRINK_COFFEE"),
        &["Food and Drink", "Restaurants", "Coffee Shop"],
        "13005043",
        "in store",
        SF,
        Some("starbucks.com"),
        None
    ),
    pat!(
        "Venmo",
        Some("Venmo"),
        1200,
        9000,
        1,
        ("TRANSFER_OUT", "TRANSFER_OUT_ACCOUNT_TRANSFER"),
        &["Transfer", "Third Party", "Venmo"],
        "21010001",
        "online",
        None,
        Some("venmo.com"),
        Some("transfer")
    ),
    pat!(
        "ATM FEE",
        None,
        300,
        300,
        1,
        ("BANK_FEES", "BANK_FEES_ATM_FEES"),
        &["Bank Fees", "ATM"],
        "10001000",
        "other",
        None,
        None,
        Some("bank charge")
    ),
];

static SAVINGS_PATTERNS: &[Pattern] = &[
    pat!(
        "INTRST PYMNT",
        None,
        2,
        450,
        -1,
        ("INCOME", "INCOME_INTEREST_EARNED"),
        &["Transfer", "Credit"],
        "21005000",
        "other",
        None,
        None,
        Some("interest")
    ),
    pat!(
        "ONLINE TRANSFER FROM CHK 0000",
        None,
        2500,
        50000,
        -1,
        ("TRANSFER_IN", "TRANSFER_IN_ACCOUNT_TRANSFER"),
        &["Transfer", "Internal Account Transfer"],
        "21001000",
        "other",
        None,
        None,
        Some("transfer")
    ),
    pat!(
        "ONLINE TRANSFER TO CHK 0000",
        None,
        2500,
        30000,
        1,
        ("TRANSFER_OUT", "TRANSFER_OUT_ACCOUNT_TRANSFER"),
        &["Transfer", "Internal Account Transfer"],
        "21001000",
        "other",
        None,
        None,
        Some("transfer")
    ),
];

static CD_PATTERNS: &[Pattern] = &[
    pat!(
        "CD DEPOSIT .INITIAL.",
        None,
        100000,
        100000,
        -1,
        ("TRANSFER_IN", "TRANSFER_IN_DEPOSIT"),
        &["Transfer", "Deposit"],
        "21007000",
        "other",
        None,
        None,
        None
    ),
    pat!(
        "INTRST PYMNT",
        None,
        2,
        450,
        -1,
        ("INCOME", "INCOME_INTEREST_EARNED"),
        &["Transfer", "Credit"],
        "21005000",
        "other",
        None,
        None,
        Some("interest")
    ),
];

static LOAN_PATTERNS: &[Pattern] = &[
    pat!(
        "STUDENT LOAN PAYMENT - THANK YOU",
        None,
        25000,
        65000,
        -1,
        ("LOAN_PAYMENTS", "LOAN_PAYMENTS_STUDENT_LOAN_PAYMENT"),
        &["Payment", "Loan"],
        "16003000",
        "other",
        None,
        None,
        Some("payment")
    ),
    pat!(
        "INTEREST CHARGED",
        None,
        1500,
        30000,
        1,
        ("BANK_FEES", "BANK_FEES_INTEREST_CHARGE"),
        &["Interest", "Interest Charged"],
        "15002000",
        "other",
        None,
        None,
        Some("interest")
    ),
];

fn patterns_for(slot: usize) -> &'static [Pattern] {
    let a = &ACCOUNTS[slot];
    match (a.account_type, a.subtype) {
        ("credit", _) => CARD_PATTERNS,
        ("loan", _) => LOAN_PATTERNS,
        (_, "checking") => CHECKING_PATTERNS,
        (_, "cd") => CD_PATTERNS,
        _ => SAVINGS_PATTERNS,
    }
}

/// True when the account slot carries transactions (depository, credit, student loan).
pub fn has_transactions(slot: usize) -> bool {
    ACCOUNTS[slot].txn_weight > 0
}

/// Everything the generator needs to derive an Item's base transactions.
#[derive(Clone, Debug)]
pub struct Generator {
    pub seed: u64,
    pub history: u64,
    pub created: NaiveDate,
    /// Days the base transactions are spread over, ending on `created` (1..=730).
    pub span_days: u64,
    /// `(slot, cumulative weight)` of the Item's accounts that carry transactions.
    slots: Vec<(usize, u32)>,
    total_weight: u32,
}

impl Generator {
    /// A generator for an Item with these account slots: `history` transactions spread evenly
    /// over the `span_days` days ending on `created` (clamped to 1..=730).
    pub fn new(
        seed: u64,
        history: u64,
        created: NaiveDate,
        span_days: u64,
        account_slots: &[usize],
    ) -> Self {
        let mut slots = Vec::new();
        let mut total = 0;
        for &s in account_slots {
            if has_transactions(s) {
                total += ACCOUNTS[s].txn_weight;
                slots.push((s, total));
            }
        }
        Generator {
            seed,
            history: if slots.is_empty() { 0 } else { history },
            created,
            span_days: span_days.clamp(1, MAX_DAYS_REQUESTED),
            slots,
            total_weight: total,
        }
    }

    fn start(&self) -> NaiveDate {
        self.created
            .checked_sub_days(Days::new(self.span_days - 1))
            .unwrap_or(self.created)
    }

    /// Date of base transaction `i` (ascending in `i`).
    pub fn date_of(&self, i: u64) -> NaiveDate {
        let offset = (i as u128 * self.span_days as u128 / self.history.max(1) as u128) as u64;
        self.start()
            .checked_add_days(Days::new(offset))
            .unwrap_or(self.created)
    }

    /// Index of the first pending base transaction (`history` when none is pending).
    pub fn first_pending(&self) -> u64 {
        // date_of(i) >= created - (PENDING_DAYS - 1)  <=>  i * SPAN >= (SPAN - PENDING) * n
        let n = self.history as u128;
        let span = self.span_days as u128;
        let need = span.saturating_sub(PENDING_DAYS as u128) * n;
        need.div_ceil(span) as u64
    }

    /// Id of base transaction `i`.
    pub fn txn_id(&self, i: u64) -> String {
        derived_id(self.seed, TXN_SALT ^ i)
    }

    fn slot_of(&self, h: u64) -> usize {
        let pick = (h % self.total_weight.max(1) as u64) as u32;
        self.slots
            .iter()
            .find(|(_, cum)| pick < *cum)
            .map(|(s, _)| *s)
            .unwrap_or(0)
    }

    /// Base transaction `i` as it was at Item creation (pending when recent).
    pub fn base_txn(&self, i: u64) -> GenTxn {
        let pending = i >= self.first_pending();
        self.build(i, pending, None)
    }

    /// The posted copy of pending base transaction `i`, posted on `date`.
    pub fn posted_txn(&self, i: u64, date: NaiveDate) -> GenTxn {
        self.build(i, false, Some(date))
    }

    /// [`Generator::base_txn`] as a `Value` (for the change log and the truth).
    pub fn base(&self, i: u64) -> Value {
        self.base_txn(i).to_value()
    }

    /// [`Generator::posted_txn`] as a `Value`.
    pub fn posted(&self, i: u64, date: NaiveDate) -> Value {
        self.posted_txn(i, date).to_value()
    }

    /// The account id a base transaction belongs to (cheap; no JSON).
    pub fn account_of(&self, i: u64) -> String {
        let h = mix2(self.seed, i);
        account_id(self.seed, self.slot_of(h))
    }

    fn build(&self, i: u64, pending: bool, posted_on: Option<NaiveDate>) -> GenTxn {
        let h = mix2(self.seed, i);
        let slot = self.slot_of(h);
        let patterns = patterns_for(slot);
        let p = &patterns[((h >> 16) % patterns.len() as u64) as usize];
        let span = (p.max_cents - p.min_cents).max(0) as u64;
        let cents = p.min_cents
            + if span == 0 {
                0
            } else {
                ((h >> 32) % (span + 1)) as i64
            };
        let occurred = self.date_of(i);
        let (id, date, pending_id, authorized) = match posted_on {
            Some(d) => (
                derived_id(self.seed, POSTED_SALT ^ i),
                d,
                Some(self.txn_id(i)),
                occurred,
            ),
            None => {
                let lag = if pending || p.channel == "other" {
                    0
                } else {
                    (h >> 60) % 2
                };
                let auth = occurred
                    .checked_sub_days(Days::new(lag))
                    .unwrap_or(occurred);
                (self.txn_id(i), occurred, None, auth)
            }
        };
        GenTxn {
            id,
            account_id: account_id(self.seed, slot),
            amount_cents: cents * p.sign,
            date,
            authorized_date: authorized,
            pending,
            pending_transaction_id: pending_id,
            pattern: p,
            store_number: (h >> 8) % 9000 + 1000,
            original_description: None,
        }
    }

    /// A fresh transaction for dynamic Items (refresh), numbered by `n`, dated `date`.
    pub fn dynamic(&self, n: u64, date: NaiveDate, pending: bool) -> Value {
        let h = mix2(self.seed ^ 0xD1CE, n);
        let slot = self.slot_of(h);
        let patterns = patterns_for(slot);
        let p = &patterns[((h >> 16) % patterns.len() as u64) as usize];
        let span = (p.max_cents - p.min_cents).max(0) as u64;
        let cents = p.min_cents
            + if span == 0 {
                0
            } else {
                ((h >> 32) % (span + 1)) as i64
            };
        GenTxn {
            id: derived_id(self.seed ^ 0xD1CE, n),
            account_id: account_id(self.seed, slot),
            amount_cents: cents * p.sign,
            date,
            authorized_date: date,
            pending,
            pending_transaction_id: None,
            pattern: p,
            store_number: (h >> 8) % 9000 + 1000,
            original_description: None,
        }
        .to_value()
    }
}

/// A generated transaction. It serializes straight to Plaid's `Transaction` JSON (every key the
/// spec requires, nullable ones as `null`) without building a `Value` tree: this is the hot path
/// of `/transactions/sync`.
#[derive(Clone, Debug)]
pub struct GenTxn {
    pub id: String,
    pub account_id: String,
    amount_cents: i64,
    date: NaiveDate,
    authorized_date: NaiveDate,
    pending: bool,
    pending_transaction_id: Option<String>,
    pattern: &'static Pattern,
    store_number: u64,
    original_description: Option<String>,
}

impl GenTxn {
    /// Fills `original_description` (the name in capitals, as the sandbox reports it).
    pub fn set_original_description(&mut self) {
        self.original_description = Some(self.pattern.name.to_uppercase());
    }

    /// The same JSON as a `Value`.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
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
struct Ymd(NaiveDate);

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

#[cfg(test)]
mod tests {
    use super::*;

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
        let (mut pending, mut posted, mut negative, mut with_place, mut no_merchant) =
            (0, 0, 0, 0, 0);
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
}
