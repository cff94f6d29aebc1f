//! Money as [`Decimal`] on a JSON-number wire format.
//!
//! Plaid sends amounts as JSON numbers in major units (`23631.9805`). serde_json hands a number
//! with a fraction to the visitor as the nearest `f64`; Rust prints an `f64` as the *shortest*
//! decimal string that reads back as the same `f64`, so every amount with at most 15 significant
//! digits (all real money) comes back as exactly the digits Plaid sent. Integers arrive as
//! `i64`/`u64` and convert exactly; amounts sent as strings are accepted too.
//!
//! Writing goes the other way: whole amounts are written as integers; otherwise the decimal's
//! text is parsed into the nearest `f64` (correctly rounded), which serde_json prints with the
//! same shortest representation.
//!
//! Use with `#[serde(with = "crate::money")]` or `#[serde(with = "crate::money::option", default)]`.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserializer, Serialize, Serializer};

pub(crate) fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract().is_zero()
        && let Ok(whole) = i64::try_from(*value)
    {
        return serializer.serialize_i64(whole);
    }
    let float = f64::from_str(&value.to_string()).map_err(serde::ser::Error::custom)?;
    serializer.serialize_f64(float)
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    deserializer.deserialize_any(DecimalVisitor)
}

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Decimal, E> {
        if !value.is_finite() {
            return Err(E::invalid_value(de::Unexpected::Float(value), &self));
        }
        // `Display` for f64 is the shortest round-tripping text and never uses an exponent.
        let text = value.to_string();
        Decimal::from_str_exact(&text)
            .or_else(|_| Decimal::from_scientific(&format!("{value:e}")))
            .map_err(|_| E::invalid_value(de::Unexpected::Float(value), &self))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Decimal, E> {
        Decimal::from_str_exact(value)
            .or_else(|_| Decimal::from_scientific(value))
            .map_err(|_| E::invalid_value(de::Unexpected::Str(value), &self))
    }
}

/// `Option<Decimal>` as a JSON number or `null`.
pub(crate) mod option {
    use super::*;

    struct AsNumber<'a>(&'a Decimal);

    impl Serialize for AsNumber<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            super::serialize(self.0, serializer)
        }
    }

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<Decimal>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.serialize_some(&AsNumber(value)),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        deserializer.deserialize_option(OptionVisitor)
    }

    struct OptionVisitor;

    impl<'de> Visitor<'de> for OptionVisitor {
        type Value = Option<Decimal>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal number or null")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            super::deserialize(deserializer).map(Some)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Amounts {
        #[serde(with = "crate::money")]
        amount: Decimal,
        #[serde(with = "crate::money::option", default)]
        maybe: Option<Decimal>,
    }

    fn dec(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    #[test]
    fn plaid_amounts_round_trip_exactly() {
        for text in [
            "23631.9805",
            "0.1",
            "0.2",
            "320.76",
            "56302.06",
            "-4.33",
            "1000",
            "0",
            "2078.5",
        ] {
            let json = format!(r#"{{"amount":{text},"maybe":{text}}}"#);
            let parsed: Amounts = serde_json::from_str(&json).unwrap();
            assert_eq!(parsed.amount, dec(text), "{text}");
            assert_eq!(parsed.amount.to_string(), text, "{text} keeps its digits");
            assert_eq!(parsed.maybe, Some(dec(text)));
            assert_eq!(
                serde_json::to_string(&parsed).unwrap(),
                json,
                "{text} written back"
            );
        }
    }

    #[test]
    fn sum_of_tenths_is_exact() {
        let parsed: Vec<Amounts> =
            serde_json::from_str(r#"[{"amount":0.1},{"amount":0.1},{"amount":0.1}]"#).unwrap();
        let sum: Decimal = parsed.iter().map(|a| a.amount).sum();
        assert_eq!(sum, dec("0.3"), "0.1 + 0.1 + 0.1 is 0.3, unlike f64");
    }

    #[test]
    fn every_cent_and_basis_point_in_a_wide_range_is_exact() {
        // Cents up to 1,000,000.00 in steps that touch every last digit, plus 4-decimal values.
        let mut checked = 0;
        for whole in (0..1_000_000i64).step_by(9973) {
            for frac in 0..100 {
                let text = format!("{whole}.{frac:02}");
                let parsed: Amounts =
                    serde_json::from_str(&format!(r#"{{"amount":{text}}}"#)).unwrap();
                assert_eq!(parsed.amount, dec(&text), "{text}");
                let back = serde_json::to_string(&parsed).unwrap();
                let again: Amounts = serde_json::from_str(&back).unwrap();
                assert_eq!(again.amount, dec(&text), "{text} via {back}");
                checked += 1;
            }
            for frac in (0..10_000).step_by(37) {
                let text = format!("{whole}.{frac:04}");
                let parsed: Amounts =
                    serde_json::from_str(&format!(r#"{{"amount":{text}}}"#)).unwrap();
                assert_eq!(parsed.amount, dec(&text), "{text}");
            }
        }
        assert!(checked > 10_000);
    }

    #[test]
    fn integers_strings_and_null() {
        let parsed: Amounts = serde_json::from_str(r#"{"amount":-12,"maybe":null}"#).unwrap();
        assert_eq!(parsed.amount, Decimal::from(-12));
        assert_eq!(parsed.maybe, None);
        let parsed: Amounts = serde_json::from_str(r#"{"amount":"5.40"}"#).unwrap();
        assert_eq!(parsed.amount, dec("5.40"));
        assert_eq!(parsed.maybe, None, "missing optional amount");
        assert!(serde_json::from_str::<Amounts>(r#"{"amount":true}"#).is_err());
        assert!(serde_json::from_str::<Amounts>(r#"{"amount":"abc"}"#).is_err());
    }
}
