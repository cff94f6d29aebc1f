//! Request and response types, one module per Plaid area. Field names are Plaid's wire names.

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        ///
        /// An open set: a value this crate does not know yet is kept in `Unknown`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = concat!("`", $wire, "`")] $variant, )+
            /// A value Plaid added after this crate was written.
            Unknown(String),
        }

        impl $name {
            /// Every value this crate knows, in declaration order.
            pub const KNOWN: &'static [Self] = &[$( Self::$variant, )+];

            /// The wire text.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(other) => other.as_str(),
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct OpenVisitor;
                impl serde::de::Visitor<'_> for OpenVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a string (", stringify!($name), ")"))
                    }
                    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<$name, E> {
                        Ok($name::from(value))
                    }
                }
                deserializer.deserialize_str(OpenVisitor)
            }
        }
    };
}

mod accounts;
mod common;
mod error_code;
mod institutions;
mod item;
mod link;
mod sandbox;
mod transactions;

pub use accounts::*;
pub use common::*;
pub use error_code::*;
pub use institutions::*;
pub use item::*;
pub use link::*;
pub use sandbox::*;
pub use transactions::*;

/// Every response body carries Plaid's `request_id`; the client logs it.
pub trait PlaidResponse {
    /// Plaid's identifier of the request (quote it to Plaid support).
    fn request_id(&self) -> &str;
}

macro_rules! impl_plaid_response {
    ($($ty:ty),+ $(,)?) => {
        $( impl PlaidResponse for $ty {
            fn request_id(&self) -> &str {
                &self.request_id
            }
        } )+
    };
}

impl_plaid_response!(
    RequestIdResponse,
    LinkTokenCreateResponse,
    LinkTokenGetResponse,
    ItemPublicTokenExchangeResponse,
    ItemGetResponse,
    AccountsGetResponse,
    TransactionsSyncResponse,
    InstitutionsGetByIdResponse,
    SandboxPublicTokenCreateResponse,
    SandboxItemResetLoginResponse,
    SandboxItemFireWebhookResponse,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_enums_keep_unknown_values() {
        let known: AccountType = serde_json::from_str("\"depository\"").unwrap();
        assert_eq!(known, AccountType::Depository);
        let new: AccountType = serde_json::from_str("\"crypto\"").unwrap();
        assert_eq!(new, AccountType::Unknown("crypto".into()));
        assert_eq!(serde_json::to_string(&new).unwrap(), "\"crypto\"");
        assert_eq!(
            serde_json::to_string(&Product::Transactions).unwrap(),
            "\"transactions\""
        );
        let subtype: AccountSubtype = "credit card".parse().unwrap();
        assert_eq!(subtype, AccountSubtype::CreditCard);
        assert_eq!(subtype.to_string(), "credit card");
        assert!(serde_json::from_str::<Product>("12").is_err());
    }
}
