//! [`Secret`]: a string that never shows up in `Debug`, logs or serialized output.

use std::fmt;

use serde::{Deserialize, Serializer};
use zeroize::Zeroize;

/// A Plaid secret or access token.
///
/// `Debug` prints `Secret(***)`; the text is wiped from memory when the value is dropped
/// ([`Zeroize`]). There is deliberately no `Serialize` impl: request bodies of
/// this crate write the value through private `serialize_with` functions, so a `Secret`
/// cannot end up in a JSON document by accident elsewhere. `Deserialize` exists because
/// `/item/public_token/exchange` returns the access token.
#[derive(Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret text. Call it only where the value must leave the process (an HTTP header, the
    /// keychain).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Zeroize for Secret {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The API keys of a Plaid team for one environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// `client_id` (not secret, but sent in a header too).
    pub client_id: String,
    /// `secret` for the environment the client talks to.
    pub secret: Secret,
}

impl Credentials {
    /// Builds credentials from the two strings.
    pub fn new(client_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            secret: Secret::new(secret),
        }
    }
}

pub(crate) mod serialize_secret {
    //! `serialize_with` functions for request fields that hold a [`Secret`]; private to this
    //! crate so only Plaid request bodies can write a secret out.
    use super::*;

    pub(crate) fn borrowed<S: Serializer>(
        secret: &&Secret,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(secret.expose())
    }

    pub(crate) fn option<S: Serializer>(
        secret: &Option<Secret>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match secret {
            Some(secret) => serializer.serialize_some(secret.expose()),
            None => serializer.serialize_none(),
        }
    }
}

/// Replaces every occurrence of the given secrets (ignoring empty ones) in `text` by `***`.
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        if !secret.is_empty() && out.contains(secret) {
            out = out.replace(secret, "***");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::new("very-secret-value");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        let creds = Credentials::new("client", "very-secret-value");
        let text = format!("{creds:?} {creds:#?}");
        assert!(!text.contains("very-secret-value"), "{text}");
        assert!(text.contains("client"));
    }

    #[test]
    fn zeroize_wipes_the_text() {
        let mut secret = Secret::new("very-secret-value");
        secret.zeroize();
        assert!(secret.is_empty(), "{:?}", secret.expose());
    }

    #[test]
    fn deserializes_from_a_string() {
        let secret: Secret = serde_json::from_str("\"access-sandbox-1\"").unwrap();
        assert_eq!(secret.expose(), "access-sandbox-1");
    }

    #[test]
    fn scrub_replaces_every_secret() {
        assert_eq!(
            scrub("a tok b tok c sec", &["tok", "sec", ""]),
            "a *** b *** c ***"
        );
        assert_eq!(scrub("nothing here", &["tok"]), "nothing here");
    }
}
