//! The institutions the sandbox knows: Plaid's Sandbox institutions (`ins_109508` First
//! Platypus Bank and the others of Plaid's "Sandbox institutions" page) and two of the
//! sandbox's own (`ins_900001`, `ins_900002`) for behaviour Plaid's do not show.

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
