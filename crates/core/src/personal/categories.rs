//! Categories: Plaid's personal-finance taxonomy (primary and detailed codes, v1) and the
//! ones the person creates. A transaction's category is one string: a Plaid code
//! (`FOOD_AND_DRINK`, `FOOD_AND_DRINK_COFFEE`) or the name of a person's category; what charts
//! group by (its *group*) is the code's primary, or the person's name.

use serde::Serialize;

use crate::error::{AppError, Result};

/// Plaid's personal-finance categories: each primary with its detailed codes (Plaid's
/// taxonomy, version 1; every code the offline sandbox uses is here, `tests::sandbox_codes`).
pub const PLAID_TAXONOMY: &[(&str, &[&str])] = &[
    (
        "INCOME",
        &[
            "INCOME_DIVIDENDS",
            "INCOME_INTEREST_EARNED",
            "INCOME_RETIREMENT_PENSION",
            "INCOME_TAX_REFUND",
            "INCOME_UNEMPLOYMENT",
            "INCOME_WAGES",
            "INCOME_OTHER_INCOME",
        ],
    ),
    (
        "TRANSFER_IN",
        &[
            "TRANSFER_IN_CASH_ADVANCES_AND_LOANS",
            "TRANSFER_IN_DEPOSIT",
            "TRANSFER_IN_INVESTMENT_AND_RETIREMENT_FUNDS",
            "TRANSFER_IN_SAVINGS",
            "TRANSFER_IN_ACCOUNT_TRANSFER",
            "TRANSFER_IN_OTHER_TRANSFER_IN",
        ],
    ),
    (
        "TRANSFER_OUT",
        &[
            "TRANSFER_OUT_INVESTMENT_AND_RETIREMENT_FUNDS",
            "TRANSFER_OUT_SAVINGS",
            "TRANSFER_OUT_WITHDRAWAL",
            "TRANSFER_OUT_ACCOUNT_TRANSFER",
            "TRANSFER_OUT_OTHER_TRANSFER_OUT",
        ],
    ),
    (
        "LOAN_PAYMENTS",
        &[
            "LOAN_PAYMENTS_CAR_PAYMENT",
            "LOAN_PAYMENTS_CREDIT_CARD_PAYMENT",
            "LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT",
            "LOAN_PAYMENTS_MORTGAGE_PAYMENT",
            "LOAN_PAYMENTS_STUDENT_LOAN_PAYMENT",
            "LOAN_PAYMENTS_OTHER_PAYMENT",
        ],
    ),
    (
        "BANK_FEES",
        &[
            "BANK_FEES_ATM_FEES",
            "BANK_FEES_FOREIGN_TRANSACTION_FEES",
            "BANK_FEES_INSUFFICIENT_FUNDS",
            "BANK_FEES_INTEREST_CHARGE",
            "BANK_FEES_OVERDRAFT_FEES",
            "BANK_FEES_OTHER_BANK_FEES",
        ],
    ),
    (
        "ENTERTAINMENT",
        &[
            "ENTERTAINMENT_CASINOS_AND_GAMBLING",
            "ENTERTAINMENT_MUSIC_AND_AUDIO",
            "ENTERTAINMENT_SPORTING_EVENTS_AMUSEMENT_PARKS_AND_MUSEUMS",
            "ENTERTAINMENT_TV_AND_MOVIES",
            "ENTERTAINMENT_VIDEO_GAMES",
            "ENTERTAINMENT_OTHER_ENTERTAINMENT",
        ],
    ),
    (
        "FOOD_AND_DRINK",
        &[
            "FOOD_AND_DRINK_BEER_WINE_AND_LIQUOR",
            "FOOD_AND_DRINK_COFFEE",
            "FOOD_AND_DRINK_FAST_FOOD",
            "FOOD_AND_DRINK_GROCERIES",
            "FOOD_AND_DRINK_RESTAURANT",
            "FOOD_AND_DRINK_VENDING_MACHINES",
            "FOOD_AND_DRINK_OTHER_FOOD_AND_DRINK",
        ],
    ),
    (
        "GENERAL_MERCHANDISE",
        &[
            "GENERAL_MERCHANDISE_BOOKSTORES_AND_NEWSSTANDS",
            "GENERAL_MERCHANDISE_CLOTHING_AND_ACCESSORIES",
            "GENERAL_MERCHANDISE_CONVENIENCE_STORES",
            "GENERAL_MERCHANDISE_DEPARTMENT_STORES",
            "GENERAL_MERCHANDISE_DISCOUNT_STORES",
            "GENERAL_MERCHANDISE_ELECTRONICS",
            "GENERAL_MERCHANDISE_GIFTS_AND_NOVELTIES",
            "GENERAL_MERCHANDISE_OFFICE_SUPPLIES",
            "GENERAL_MERCHANDISE_ONLINE_MARKETPLACES",
            "GENERAL_MERCHANDISE_PET_SUPPLIES",
            "GENERAL_MERCHANDISE_SPORTING_GOODS",
            "GENERAL_MERCHANDISE_SUPERSTORES",
            "GENERAL_MERCHANDISE_TOBACCO_AND_VAPE",
            "GENERAL_MERCHANDISE_OTHER_GENERAL_MERCHANDISE",
        ],
    ),
    (
        "HOME_IMPROVEMENT",
        &[
            "HOME_IMPROVEMENT_FURNITURE",
            "HOME_IMPROVEMENT_HARDWARE",
            "HOME_IMPROVEMENT_REPAIR_AND_MAINTENANCE",
            "HOME_IMPROVEMENT_SECURITY",
            "HOME_IMPROVEMENT_OTHER_HOME_IMPROVEMENT",
        ],
    ),
    (
        "MEDICAL",
        &[
            "MEDICAL_DENTAL_CARE",
            "MEDICAL_EYE_CARE",
            "MEDICAL_NURSING_CARE",
            "MEDICAL_PHARMACIES_AND_SUPPLEMENTS",
            "MEDICAL_PRIMARY_CARE",
            "MEDICAL_VETERINARY_SERVICES",
            "MEDICAL_OTHER_MEDICAL",
        ],
    ),
    (
        "PERSONAL_CARE",
        &[
            "PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS",
            "PERSONAL_CARE_HAIR_AND_BEAUTY",
            "PERSONAL_CARE_LAUNDRY_AND_DRY_CLEANING",
            "PERSONAL_CARE_OTHER_PERSONAL_CARE",
        ],
    ),
    (
        "GENERAL_SERVICES",
        &[
            "GENERAL_SERVICES_ACCOUNTING_AND_FINANCIAL_PLANNING",
            "GENERAL_SERVICES_AUTOMOTIVE",
            "GENERAL_SERVICES_CHILDCARE",
            "GENERAL_SERVICES_CONSULTING_AND_LEGAL",
            "GENERAL_SERVICES_EDUCATION",
            "GENERAL_SERVICES_INSURANCE",
            "GENERAL_SERVICES_POSTAGE_AND_SHIPPING",
            "GENERAL_SERVICES_STORAGE",
            "GENERAL_SERVICES_OTHER_GENERAL_SERVICES",
        ],
    ),
    (
        "GOVERNMENT_AND_NON_PROFIT",
        &[
            "GOVERNMENT_AND_NON_PROFIT_DONATIONS",
            "GOVERNMENT_AND_NON_PROFIT_GOVERNMENT_DEPARTMENTS_AND_AGENCIES",
            "GOVERNMENT_AND_NON_PROFIT_TAX_PAYMENT",
            "GOVERNMENT_AND_NON_PROFIT_OTHER_GOVERNMENT_AND_NON_PROFIT",
        ],
    ),
    (
        "TRANSPORTATION",
        &[
            "TRANSPORTATION_BIKES_AND_SCOOTERS",
            "TRANSPORTATION_GAS",
            "TRANSPORTATION_PARKING",
            "TRANSPORTATION_PUBLIC_TRANSIT",
            "TRANSPORTATION_TAXIS_AND_RIDE_SHARES",
            "TRANSPORTATION_TOLLS",
            "TRANSPORTATION_OTHER_TRANSPORTATION",
        ],
    ),
    (
        "TRAVEL",
        &[
            "TRAVEL_FLIGHTS",
            "TRAVEL_LODGING",
            "TRAVEL_RENTAL_CARS",
            "TRAVEL_OTHER_TRAVEL",
        ],
    ),
    (
        "RENT_AND_UTILITIES",
        &[
            "RENT_AND_UTILITIES_GAS_AND_ELECTRICITY",
            "RENT_AND_UTILITIES_INTERNET_AND_CABLE",
            "RENT_AND_UTILITIES_RENT",
            "RENT_AND_UTILITIES_SEWAGE_AND_WASTE_MANAGEMENT",
            "RENT_AND_UTILITIES_TELEPHONE",
            "RENT_AND_UTILITIES_WATER",
            "RENT_AND_UTILITIES_OTHER_UTILITIES",
        ],
    ),
];

/// The longest name a person's category may have.
pub const MAX_CATEGORY_NAME: usize = 60;

/// A Plaid code's primary (itself for a primary); `None` when the text is no Plaid code.
pub fn plaid_primary(code: &str) -> Option<&'static str> {
    PLAID_TAXONOMY.iter().find_map(|(primary, detailed)| {
        (*primary == code || detailed.contains(&code)).then_some(*primary)
    })
}

/// People's words for a code: `FOOD_AND_DRINK_COFFEE` → "Coffee", `FOOD_AND_DRINK` →
/// "Food and drink". A person's category is its own label.
pub fn label(category: &str) -> String {
    let Some(primary) = plaid_primary(category) else {
        return category.to_string();
    };
    let words = category
        .strip_prefix(primary)
        .and_then(|rest| rest.strip_prefix('_'))
        .unwrap_or(category);
    // Initialisms stay in capitals ("TV and movies", "ATM fees").
    let words: Vec<String> = words
        .split('_')
        .map(|w| match w {
            "TV" | "ATM" => w.to_string(),
            _ => w.to_lowercase(),
        })
        .collect();
    let words = words.join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

/// What charts and filters group `category` under: a Plaid code's primary, or the name.
pub fn group(category: &str) -> String {
    plaid_primary(category).map_or_else(|| category.to_string(), str::to_string)
}

/// A category a person may set: a Plaid code, or one of `own` (the person's categories,
/// compared without case; the stored spelling is returned).
pub fn check(category: &str, own: &[String]) -> Result<String> {
    if plaid_primary(category).is_some() {
        return Ok(category.to_string());
    }
    own.iter()
        .find(|c| c.eq_ignore_ascii_case(category) || c.to_lowercase() == category.to_lowercase())
        .cloned()
        .ok_or_else(|| {
            AppError::invalid(format!(
                "unknown category {:?}: use one of Plaid's codes (FOOD_AND_DRINK_COFFEE …) or create it first",
                crate::validate::clip(category)
            ))
        })
}

/// A new category's name, checked: 1–60 characters, printable, not a Plaid code.
pub fn new_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_CATEGORY_NAME {
        return Err(AppError::invalid(format!(
            "a category name has 1 to {MAX_CATEGORY_NAME} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "a category name cannot hold control characters",
        ));
    }
    if plaid_primary(&name.to_uppercase()).is_some() {
        return Err(AppError::invalid(format!(
            "{name:?} is one of Plaid's categories already"
        )));
    }
    Ok(name.to_string())
}

/// One category as the UI lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CategoryView {
    /// What a transaction stores: a Plaid code or the person's name.
    pub category: String,
    /// People's words for it.
    pub label: String,
    /// Its group (the primary for a detailed code).
    pub group: String,
    /// `plaid` or `own`.
    pub source: CategorySource,
    /// Transactions whose category (as edited, or Plaid's primary) is this one.
    pub transactions: u64,
}

/// Whose category it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum CategorySource {
    /// Plaid's taxonomy.
    Plaid,
    /// Created by the person.
    Own,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_labels_and_groups() {
        assert_eq!(
            plaid_primary("FOOD_AND_DRINK_COFFEE"),
            Some("FOOD_AND_DRINK")
        );
        assert_eq!(plaid_primary("TRAVEL"), Some("TRAVEL"));
        assert_eq!(plaid_primary("Coffee"), None);
        assert_eq!(label("FOOD_AND_DRINK_COFFEE"), "Coffee");
        assert_eq!(label("FOOD_AND_DRINK"), "Food and drink");
        assert_eq!(label("ENTERTAINMENT_TV_AND_MOVIES"), "TV and movies");
        assert_eq!(label("BANK_FEES_ATM_FEES"), "ATM fees");
        assert_eq!(label("Kids"), "Kids");
        assert_eq!(group("RENT_AND_UTILITIES_RENT"), "RENT_AND_UTILITIES");
        assert_eq!(group("Kids"), "Kids");
        let own = vec!["Kids".to_string()];
        assert_eq!(check("kids", &own).expect("own"), "Kids");
        assert!(check("Pets", &own).is_err());
        assert!(new_name("travel").is_err());
        assert!(new_name("  ").is_err());
        assert_eq!(new_name(" Side job ").expect("ok"), "Side job");
    }

    /// Every detailed code starts with its primary, and no code is listed twice.
    #[test]
    fn taxonomy_is_consistent() {
        let mut seen = std::collections::HashSet::new();
        for (primary, detailed) in PLAID_TAXONOMY {
            assert!(seen.insert(*primary));
            for d in *detailed {
                assert!(d.starts_with(&format!("{primary}_")), "{d}");
                assert!(seen.insert(*d), "{d} twice");
            }
        }
        assert_eq!(PLAID_TAXONOMY.len(), 16);
    }
}
