//! Plaid's environments and the base URLs the client accepts.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// A Plaid environment. (Plaid's "Development" environment no longer exists.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Environment {
    /// Test data, free: `https://sandbox.plaid.com`.
    Sandbox,
    /// Real banks: `https://production.plaid.com`.
    Production,
}

impl Environment {
    /// The API base URL of the environment.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Sandbox => "https://sandbox.plaid.com",
            Environment::Production => "https://production.plaid.com",
        }
    }

    /// `"sandbox"` or `"production"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Sandbox => "sandbox",
            Environment::Production => "production",
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Environment {
    type Err = Error;

    /// `sandbox` or `production` (any case).
    fn from_str(value: &str) -> Result<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "sandbox" => Ok(Environment::Sandbox),
            "production" => Ok(Environment::Production),
            "development" => Err(Error::InvalidConfig(
                "Plaid's development environment was decommissioned; use sandbox or production"
                    .into(),
            )),
            other => Err(Error::InvalidConfig(format!(
                "unknown Plaid environment {other:?} (expected sandbox or production)"
            ))),
        }
    }
}

/// Validates a base URL and returns it without trailing slashes.
pub(crate) fn normalize_base_url(base_url: &str) -> Result<String> {
    let invalid = |why: &str| Error::InvalidConfig(format!("Plaid base URL {base_url:?}: {why}"));
    let url = url::Url::parse(base_url.trim()).map_err(|error| invalid(&error.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        // Do not echo the URL: it holds credentials.
        return Err(Error::InvalidConfig(
            "the Plaid base URL must not contain a user name or password".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("must not have a query or fragment"));
    }
    let host = url.host().ok_or_else(|| invalid("has no host"))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match host {
                url::Host::Domain(domain) => domain.eq_ignore_ascii_case("localhost"),
                url::Host::Ipv4(ip) => ip.is_loopback(),
                url::Host::Ipv6(ip) => ip.is_loopback(),
            };
            if !loopback {
                return Err(invalid("plain http is only allowed for a loopback host"));
            }
        }
        _ => {
            return Err(invalid(
                "the scheme must be https (or http for a loopback host)",
            ));
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LINK_SCRIPT_URL, USER_AGENT};

    #[test]
    fn base_urls_are_validated_and_joined() {
        let ok = [
            ("https://sandbox.plaid.com", "https://sandbox.plaid.com"),
            (
                "https://production.plaid.com/",
                "https://production.plaid.com",
            ),
            ("http://127.0.0.1:4567", "http://127.0.0.1:4567"),
            ("http://127.0.0.1:4567/", "http://127.0.0.1:4567"),
            ("http://localhost:4567//", "http://localhost:4567"),
            ("http://[::1]:8080/plaid/", "http://[::1]:8080/plaid"),
            (
                " https://proxy.example.com/plaid ",
                "https://proxy.example.com/plaid",
            ),
        ];
        for (input, expected) in ok {
            assert_eq!(normalize_base_url(input).unwrap(), expected, "{input}");
            let url = format!("{}{}", normalize_base_url(input).unwrap(), "/item/get");
            assert!(
                url.ends_with("/item/get") && !url.contains("//item"),
                "{url}"
            );
        }
        for bad in [
            "",
            "sandbox.plaid.com",
            "ftp://sandbox.plaid.com",
            "http://sandbox.plaid.com",
            "http://192.168.1.10:8080",
            "https://sandbox.plaid.com/?x=1",
            "https://sandbox.plaid.com/#frag",
        ] {
            assert!(
                matches!(normalize_base_url(bad), Err(Error::InvalidConfig(_))),
                "{bad} should be rejected"
            );
        }
        let with_password =
            normalize_base_url("https://user:hunter2@sandbox.plaid.com").unwrap_err();
        assert!(!with_password.to_string().contains("hunter2"));
    }

    #[test]
    fn environments() {
        assert_eq!(Environment::Sandbox.base_url(), "https://sandbox.plaid.com");
        assert_eq!(
            Environment::Production.base_url(),
            "https://production.plaid.com"
        );
        assert_eq!(
            "Sandbox".parse::<Environment>().unwrap(),
            Environment::Sandbox
        );
        assert_eq!(
            "production".parse::<Environment>().unwrap(),
            Environment::Production
        );
        assert!("development".parse::<Environment>().is_err());
        assert!("prod".parse::<Environment>().is_err());
        assert_eq!(Environment::Production.as_str(), "production");
        assert_eq!(
            LINK_SCRIPT_URL,
            "https://cdn.plaid.com/link/v2/stable/link-initialize.js"
        );
        assert!(USER_AGENT.starts_with("coffer/"));
    }
}
