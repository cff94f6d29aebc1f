//! Settings: a JSON file in the data directory. It never holds the Plaid secret (that goes to
//! the vault); `PLAID_CLIENT_ID`, `PLAID_SECRET`, `PLAID_ENV` and `COFFER_PLAID_URL` win over it.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Result};
use crate::mode::Mode;
use crate::paths::{Paths, write_atomic};
use crate::validate;

/// Country codes Plaid accepts in `/link/token/create`.
pub const COUNTRY_CODES: [&str; 20] = [
    "US", "GB", "ES", "NL", "FR", "IE", "CA", "DE", "IT", "PL", "DK", "NO", "SE", "EE", "LT", "LV",
    "PT", "BE", "AT", "FI",
];

/// Most products in `settings.products`.
pub const MAX_PRODUCTS: usize = 10;

/// Checks a product list as Plaid's `/link/token/create` would: 1 to [`MAX_PRODUCTS`] known
/// product names, no duplicates, and not `balance` (Plaid: "balance is not a valid product").
pub fn validate_products(products: &[String]) -> Result<()> {
    if products.is_empty() || products.len() > MAX_PRODUCTS {
        return Err(AppError::invalid(format!(
            "products must list 1 to {MAX_PRODUCTS} Plaid products"
        )));
    }
    let mut seen: Vec<String> = Vec::with_capacity(products.len());
    for p in products {
        let name = p.trim().to_ascii_lowercase();
        match coffer_plaid::Product::from(name.as_str()) {
            coffer_plaid::Product::Balance => {
                return Err(AppError::invalid(
                    "balance is not a valid product (balances come with every product)",
                ));
            }
            coffer_plaid::Product::Unknown(_) => {
                return Err(AppError::invalid(format!(
                    "unknown Plaid product {:?}",
                    validate::clip(p)
                )));
            }
            _ => {}
        }
        if seen.contains(&name) {
            return Err(AppError::invalid(format!(
                "products lists {:?} twice",
                validate::clip(p)
            )));
        }
        seen.push(name);
    }
    Ok(())
}

/// What is saved in `settings.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Plaid client id (not a secret). `None`: offline mode.
    pub client_id: Option<String>,
    /// `sandbox` or `production`, used with `client_id`.
    pub environment: Option<Mode>,
    /// Countries offered in Link.
    pub country_codes: Vec<String>,
    /// `transactions.days_requested` (1–730).
    pub days_requested: u32,
    /// Products asked for new links.
    pub products: Vec<String>,
    /// Maximum number of live links.
    pub link_limit: u32,
    /// Stable random id per install, sent as `user.client_user_id` (no PII).
    pub client_user_id: String,
    /// Where people sign in to banks; `None`: the mode's default ([`SignIn::default_for`]).
    pub sign_in: Option<SignIn>,
    /// When the person read the data-use screen and chose to continue (RFC 3339).
    pub data_use_accepted_at: Option<String>,
}

/// Where people sign in to their banks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum SignIn {
    /// Plaid Link in a window of Coffer's own; a bank that signs people in on its own site
    /// (OAuth) is handed to the browser as Hosted Link.
    App,
    /// Hosted Link in the system browser, always (Plaid's recommendation outside real
    /// browsers; some banks, Chase among them, refuse in-app web views).
    Browser,
}

impl SignIn {
    /// The default of a mode: the browser with real banks (production), the app otherwise.
    pub fn default_for(mode: Mode) -> SignIn {
        match mode {
            Mode::Production => SignIn::Browser,
            Mode::Offline | Mode::Sandbox => SignIn::App,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            client_id: None,
            environment: None,
            country_codes: vec!["US".into()],
            days_requested: 730,
            products: vec!["transactions".into()],
            link_limit: 10,
            client_user_id: String::new(),
            sign_in: None,
            data_use_accepted_at: None,
        }
    }
}

impl Settings {
    /// Loads the settings file (defaults when missing), creating the install id once.
    pub fn load(paths: &Paths) -> Result<Settings> {
        let settings = Self::read(paths)?;
        if !settings.client_user_id.is_empty() {
            return Ok(settings);
        }
        // First start: make the stable client_user_id once, whoever else starts now.
        Self::update(paths, |_| Ok(()))
    }

    /// Changes the settings file with `change`, under the settings lock, starting from what is
    /// on disk now: two processes saving at once never tear the file or revert each other's
    /// fields. Returns what was written.
    pub fn update(
        paths: &Paths,
        change: impl FnOnce(&mut Settings) -> Result<()>,
    ) -> Result<Settings> {
        crate::paths::private::create_dir(paths.home()).map_err(|e| AppError::Io {
            context: "failed to save settings",
            detail: e.to_string(),
        })?;
        let _lock = crate::locks::FileLock::acquire_blocking(&paths.settings_lock())?;
        let mut settings = Self::read(paths)?;
        if settings.client_user_id.is_empty() {
            settings.client_user_id = format!("coffer-{}", uuid::Uuid::new_v4().simple());
        }
        change(&mut settings)?;
        settings.save(paths)?;
        Ok(settings)
    }

    /// The settings file as it is on disk (defaults if there is none).
    pub fn read(paths: &Paths) -> Result<Settings> {
        let path = paths.settings();
        let settings = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice::<Settings>(&bytes).map_err(|e| AppError::Io {
                context: "failed to read settings",
                detail: format!("{}: {e}", path.display()),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(e) => {
                return Err(AppError::Io {
                    context: "failed to read settings",
                    detail: format!("{}: {e}", path.display()),
                });
            }
        };
        Ok(settings)
    }

    /// Writes the settings file atomically (callers hold the settings lock: see
    /// [`Settings::update`]).
    fn save(&self, paths: &Paths) -> Result<()> {
        crate::paths::private::create_dir(paths.home()).map_err(|e| AppError::Io {
            context: "failed to save settings",
            detail: e.to_string(),
        })?;
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| AppError::Io {
            context: "failed to save settings",
            detail: e.to_string(),
        })?;
        write_atomic(&paths.settings(), &bytes, "failed to save settings")
    }

    /// Applies a validated update (the secret is handled by the caller).
    pub fn apply(&mut self, input: &SettingsInput) -> Result<()> {
        input.validate()?;
        if let Some(id) = &input.client_id {
            self.client_id = if id.is_empty() {
                None
            } else {
                Some(id.clone())
            };
        }
        if let Some(env) = input.environment {
            self.environment = Some(env);
        }
        if let Some(cc) = &input.country_codes {
            self.country_codes = cc.iter().map(|c| c.to_ascii_uppercase()).collect();
        }
        if let Some(d) = input.days_requested {
            self.days_requested = d;
        }
        if let Some(l) = input.link_limit {
            self.link_limit = l;
        }
        if let Some(p) = &input.products {
            self.products = p.iter().map(|p| p.trim().to_ascii_lowercase()).collect();
        }
        if let Some(sign_in) = input.sign_in {
            self.sign_in = Some(sign_in);
        }
        Ok(())
    }
}

/// `save_settings` input. Every field optional: only given ones change.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsInput {
    /// Plaid client id; `""` clears it (back to offline).
    pub client_id: Option<String>,
    /// The Plaid secret for `environment`: goes to the keychain, never to the file.
    pub secret: Option<String>,
    /// `sandbox` or `production`.
    pub environment: Option<Mode>,
    /// Countries offered in Link.
    pub country_codes: Option<Vec<String>>,
    /// `transactions.days_requested` (1–730).
    pub days_requested: Option<u32>,
    /// Maximum number of links (1–1000).
    pub link_limit: Option<u32>,
    /// Products asked for new links (1–10 Plaid product names; not `balance`).
    pub products: Option<Vec<String>>,
    /// Where people sign in to banks.
    pub sign_in: Option<SignIn>,
}

impl std::fmt::Debug for SettingsInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SettingsInput")
            .field("client_id", &self.client_id)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("environment", &self.environment)
            .field("country_codes", &self.country_codes)
            .field("days_requested", &self.days_requested)
            .field("link_limit", &self.link_limit)
            .field("products", &self.products)
            .field("sign_in", &self.sign_in)
            .finish()
    }
}

impl SettingsInput {
    /// Checks every given field.
    pub fn validate(&self) -> Result<()> {
        if let Some(id) = &self.client_id
            && !id.is_empty()
        {
            validate::token_like("clientId", id, 128)?;
        }
        if let Some(s) = &self.secret {
            validate::token_like("secret", s, 256)?;
        }
        if self.environment == Some(Mode::Offline) {
            return Err(AppError::invalid(
                "environment must be sandbox or production",
            ));
        }
        if let Some(cc) = &self.country_codes {
            if cc.is_empty() || cc.len() > COUNTRY_CODES.len() {
                return Err(AppError::invalid(
                    "countryCodes must list 1 to 20 countries",
                ));
            }
            for c in cc {
                if !COUNTRY_CODES.contains(&c.to_ascii_uppercase().as_str()) {
                    return Err(AppError::invalid(format!(
                        "unsupported country code {:?}",
                        validate::clip(c)
                    )));
                }
            }
        }
        if let Some(d) = self.days_requested
            && !(1..=730).contains(&d)
        {
            return Err(AppError::invalid("daysRequested must be between 1 and 730"));
        }
        if let Some(l) = self.link_limit
            && !(1..=1000).contains(&l)
        {
            return Err(AppError::invalid("linkLimit must be between 1 and 1000"));
        }
        if let Some(products) = &self.products {
            validate_products(products)?;
        }
        Ok(())
    }
}

/// What `get_settings` returns: never the secret, only whether one is stored.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    /// The mode this session runs in.
    pub mode: Mode,
    /// Plaid client id in effect (settings or env).
    pub client_id: Option<String>,
    /// Configured environment.
    pub environment: Option<Mode>,
    /// Whether a Plaid secret is available (keychain or env) for the configured environment.
    pub secret_saved: bool,
    /// Countries offered in Link.
    pub country_codes: Vec<String>,
    /// `transactions.days_requested`.
    pub days_requested: u32,
    /// Products asked for new links.
    pub products: Vec<String>,
    /// Maximum number of links.
    pub link_limit: u32,
    /// Environment variables overriding the settings (names only).
    pub env_overrides: Vec<String>,
    /// Plaid base URL in use.
    pub base_url: String,
    /// Where people sign in to banks (the saved choice, else the mode's default).
    pub sign_in: SignIn,
    /// When the person accepted the data-use screen; `None`: show it before the first link.
    pub data_use_accepted_at: Option<String>,
}

/// Plaid configuration from the environment (wins over the file).
#[derive(Clone, Default)]
pub struct EnvConfig {
    /// `PLAID_CLIENT_ID`.
    pub client_id: Option<String>,
    /// `PLAID_SECRET`.
    pub secret: Option<String>,
    /// `PLAID_ENV`.
    pub environment: Option<Mode>,
    /// `COFFER_PLAID_URL`.
    pub base_url: Option<String>,
    /// Lets Plaid keys go to a plain-http `base_url` (a test's local sandbox). Never read from
    /// the environment: with real keys, an `http://` URL (even on loopback, where any local
    /// process can listen) is refused, see [`EnvConfig::plaid_url`].
    pub allow_http: bool,
}

impl std::fmt::Debug for EnvConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvConfig")
            .field("client_id", &self.client_id)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

impl EnvConfig {
    /// Reads the process environment.
    pub fn from_process() -> Result<Self> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let environment = match var("PLAID_ENV") {
            Some(v) => {
                let m: Mode = v.parse()?;
                if m == Mode::Offline {
                    return Err(AppError::invalid("PLAID_ENV must be sandbox or production"));
                }
                Some(m)
            }
            None => None,
        };
        Ok(Self {
            client_id: var("PLAID_CLIENT_ID"),
            secret: var("PLAID_SECRET"),
            environment,
            base_url: var("COFFER_PLAID_URL"),
            allow_http: false,
        })
    }

    /// The Plaid URL that keys of `environment` are sent to: `COFFER_PLAID_URL`, else Plaid's
    /// own. A URL that is not `https://` is refused (NOT_CONFIGURED): the secret would travel
    /// in clear, to whoever listens there. Plain http is for the offline sandbox only.
    pub fn plaid_url(&self, environment: Mode) -> Result<String> {
        let url = self
            .base_url
            .clone()
            .or_else(|| environment.default_base_url().map(str::to_string))
            .unwrap_or_default();
        let https = url::Url::parse(&url).is_ok_and(|u| u.scheme() == "https");
        if !https && !self.allow_http {
            return Err(AppError::NotConfigured(format!(
                "COFFER_PLAID_URL must be an https:// address while Plaid {environment} keys are \
                 in use (got {:?}); plain http is only for the offline sandbox: unset the keys \
                 or the variable",
                crate::validate::clip(&url)
            )));
        }
        Ok(url)
    }

    /// Names of the variables that are set.
    pub fn names(&self) -> Vec<String> {
        let mut v = Vec::new();
        if self.client_id.is_some() {
            v.push("PLAID_CLIENT_ID".to_string());
        }
        if self.secret.is_some() {
            v.push("PLAID_SECRET".to_string());
        }
        if self.environment.is_some() {
            v.push("PLAID_ENV".to_string());
        }
        if self.base_url.is_some() {
            v.push("COFFER_PLAID_URL".to_string());
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_banks_sign_in_in_the_browser_by_default() {
        assert_eq!(SignIn::default_for(Mode::Production), SignIn::Browser);
        assert_eq!(SignIn::default_for(Mode::Sandbox), SignIn::App);
        assert_eq!(SignIn::default_for(Mode::Offline), SignIn::App);
        let mut s = Settings::default();
        assert_eq!(s.sign_in, None, "the mode decides until the person does");
        s.apply(&SettingsInput {
            sign_in: Some(SignIn::Browser),
            ..Default::default()
        })
        .expect("apply");
        assert_eq!(s.sign_in, Some(SignIn::Browser));
        let json = serde_json::to_value(&s).expect("json");
        assert_eq!(json["signIn"], "browser");
    }
}
