//! [`Coffer`]: the Store, the Vault, the Plaid client, the settings and the mode, together.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use coffer_plaid::{Credentials, PlaidClient, Secret};

use crate::error::{AppError, Result};
use crate::locks::FileLock;
use crate::mode::Mode;
use crate::paths::{Paths, default_home};
use crate::settings::{EnvConfig, Settings, SettingsInput, SettingsView, SignIn};
use crate::store::events::Event;
use crate::store::events::NewEvent;
use crate::store::links::{LinkRow, LinkStatus};
use crate::store::{self, Store};
use crate::validate;
use crate::vault::{self, KeyringVault, Vault};
use crate::views::{
    AttentionView, LinkHealth, ListEventsInput, ReconcileIssue, StatusView, TestConnectionInput,
    TestConnectionView,
};

/// Client id of the embedded offline sandbox (a fixed local pair, not a Plaid credential).
pub const OFFLINE_CLIENT_ID: &str = "coffer-offline";
const OFFLINE_SECRET: &str = "coffer-offline-secret";
/// The institution `test_connection` asks Plaid about (First Platypus Bank in the sandbox).
const TEST_INSTITUTION: &str = "ins_109508";

/// How [`Coffer::open`] finds its configuration.
#[derive(Debug, Default)]
pub struct OpenOptions {
    /// Data directory; default `$COFFER_HOME` or the platform's app data dir.
    pub home: Option<PathBuf>,
    /// Vault; default the OS keychain (service `coffer`).
    pub vault: Option<Arc<dyn Vault>>,
    /// Environment overrides; default read from the process.
    pub env: Option<EnvConfig>,
}

/// An explicit target, bypassing settings and environment (tests, benchmarks, tools).
#[derive(Debug)]
pub struct CofferConfig {
    /// Data directory.
    pub home: PathBuf,
    /// Mode (selects the database and keychain namespace).
    pub mode: Mode,
    /// Plaid (or coffer-sandbox) base URL.
    pub base_url: String,
    /// Credentials for that server.
    pub credentials: Credentials,
    /// Vault.
    pub vault: Arc<dyn Vault>,
}

pub(crate) struct Inner {
    pub(crate) paths: Paths,
    pub(crate) mode: Mode,
    pub(crate) store: Store,
    pub(crate) vault: Arc<dyn Vault>,
    pub(crate) plaid: PlaidClient,
    pub(crate) settings: RwLock<Settings>,
    pub(crate) env: EnvConfig,
    pub(crate) sync_locks: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
    pub(crate) reconcile: Mutex<Vec<ReconcileIssue>>,
    pub(crate) notes: Vec<String>,
    pub(crate) sandbox: Mutex<Option<coffer_sandbox::Sandbox>>,
    /// A search index merge is running in the background (`Coffer::settle_search_after`).
    pub(crate) settling: std::sync::atomic::AtomicBool,
    /// Rows changed since the last merge began.
    pub(crate) unsettled: std::sync::atomic::AtomicU64,
}

/// The application core. Cheap to clone (an `Arc` inside); share one per mode.
#[derive(Clone)]
pub struct Coffer {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Coffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coffer")
            .field("mode", &self.inner.mode)
            .field("home", &self.inner.paths.home())
            .field("base_url", &self.inner.plaid.base_url())
            .finish_non_exhaustive()
    }
}

impl Coffer {
    /// Opens with the defaults: `$COFFER_HOME` or the platform data dir, the OS keychain,
    /// the process environment.
    pub async fn open() -> Result<Coffer> {
        Self::open_with(OpenOptions::default()).await
    }

    /// Opens as configured by settings and environment; in offline mode starts the embedded
    /// sandbox on 127.0.0.1 (unless `COFFER_PLAID_URL` points elsewhere).
    pub async fn open_with(opts: OpenOptions) -> Result<Coffer> {
        let home = match opts.home {
            Some(h) => h,
            None => default_home()?,
        };
        let paths = Paths::new(home);
        let env = match opts.env {
            Some(e) => e,
            None => EnvConfig::from_process()?,
        };
        let vault: Arc<dyn Vault> = match opts.vault {
            Some(v) => v,
            None => Arc::new(KeyringVault::new(vault::SERVICE)),
        };
        let settings = Settings::load(&paths)?;
        let mut notes = Vec::new();
        let client_id = env.client_id.clone().or_else(|| settings.client_id.clone());
        let environment = env
            .environment
            .or(settings.environment)
            .unwrap_or(Mode::Sandbox);
        let mut target: Option<(Mode, Credentials)> = None;
        if let Some(client_id) = client_id {
            let secret = match &env.secret {
                Some(s) => Some(Secret::new(s.clone())),
                None => {
                    let v = vault.clone();
                    let key = vault::secret_key(environment);
                    tokio::task::spawn_blocking(move || v.load(&key)).await??
                }
            };
            match secret {
                Some(secret) => target = Some((environment, Credentials { client_id, secret })),
                None => notes.push(format!(
                    "a Plaid client id is set but no {environment} secret is saved: running offline"
                )),
            }
        }
        let mut sandbox = None;
        let (mode, base_url, credentials) = match target {
            Some((mode, creds)) => (mode, env.plaid_url(mode)?, creds),
            None => {
                let creds = Credentials {
                    client_id: OFFLINE_CLIENT_ID.into(),
                    secret: Secret::new(OFFLINE_SECRET),
                };
                let url = match &env.base_url {
                    Some(u) => u.clone(),
                    None => {
                        paths.ensure(Mode::Offline)?;
                        let config = coffer_sandbox::SandboxConfig {
                            credentials: Some((OFFLINE_CLIENT_ID.into(), OFFLINE_SECRET.into())),
                            state_path: Some(paths.sandbox_state()),
                            ..Default::default()
                        };
                        let sb = coffer_sandbox::Sandbox::start(([127, 0, 0, 1], 0).into(), config)
                            .await
                            .map_err(|e| AppError::Io {
                                context: "failed to start the offline sandbox",
                                detail: e.to_string(),
                            })?;
                        let url = sb.url();
                        sandbox = Some(sb);
                        url
                    }
                };
                (Mode::Offline, url, creds)
            }
        };
        let coffer = Self::build(
            paths,
            mode,
            base_url,
            credentials,
            vault,
            settings,
            env,
            notes,
        )?;
        *coffer
            .inner
            .sandbox
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = sandbox;
        coffer.reconcile().await?;
        Ok(coffer)
    }

    /// Opens on an explicit target (no settings-driven mode, no env, no embedded sandbox).
    /// For tests and benchmarks: e.g. a [`crate::MemoryVault`] and a sandbox URL.
    pub async fn open_at(config: CofferConfig) -> Result<Coffer> {
        let paths = Paths::new(config.home);
        let settings = Settings::load(&paths)?;
        let coffer = Self::build(
            paths,
            config.mode,
            config.base_url,
            config.credentials,
            config.vault,
            settings,
            EnvConfig::default(),
            Vec::new(),
        )?;
        coffer.reconcile().await?;
        Ok(coffer)
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        paths: Paths,
        mode: Mode,
        base_url: String,
        credentials: Credentials,
        vault: Arc<dyn Vault>,
        settings: Settings,
        env: EnvConfig,
        notes: Vec<String>,
    ) -> Result<Coffer> {
        paths.ensure(mode)?;
        if mode != Mode::Offline {
            crate::redact::remember(&credentials.secret);
        }
        let store = Store::open(paths.database(mode))?;
        let plaid = PlaidClient::new(&base_url, credentials)
            .map_err(|e| AppError::from_plaid("invalid Plaid configuration", e))?;
        Ok(Coffer {
            inner: Arc::new(Inner {
                paths,
                mode,
                store,
                vault,
                plaid,
                settings: RwLock::new(settings),
                env,
                sync_locks: Mutex::new(HashMap::new()),
                reconcile: Mutex::new(Vec::new()),
                notes,
                sandbox: Mutex::new(None),
                settling: std::sync::atomic::AtomicBool::new(false),
                unsettled: std::sync::atomic::AtomicU64::new(0),
            }),
        })
    }

    /// The mode in use.
    pub fn mode(&self) -> Mode {
        self.inner.mode
    }

    /// The store (benchmarks, tools, tests).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The Plaid base URL in use.
    pub fn base_url(&self) -> &str {
        self.inner.plaid.base_url()
    }

    /// Stops the embedded sandbox, if any (it also stops when the process ends).
    pub async fn shutdown(&self) {
        let sb = self
            .inner
            .sandbox
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(sb) = sb {
            sb.shutdown().await;
        }
    }

    // ---- helpers shared by the command modules ----

    /// The settings as on disk now (another process may have saved since this one opened);
    /// the last good copy if the file cannot be read.
    pub(crate) fn settings(&self) -> Settings {
        match Settings::read(&self.inner.paths) {
            Ok(fresh) if !fresh.client_user_id.is_empty() => {
                *self
                    .inner
                    .settings
                    .write()
                    .unwrap_or_else(|p| p.into_inner()) = fresh.clone();
                fresh
            }
            Ok(_) => self.cached_settings(),
            Err(e) => {
                tracing::warn!(error = %e, "settings file unreadable; using the last good copy");
                self.cached_settings()
            }
        }
    }

    fn cached_settings(&self) -> Settings {
        self.inner
            .settings
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(crate) fn event(&self, e: NewEvent<'_>) {
        if let Err(err) = self
            .inner
            .store
            .write(|c| store::events::write::insert(c, &e))
        {
            tracing::warn!(error = %err, kind = e.kind, "could not record event");
        }
    }

    pub(crate) async fn vault_store(&self, key: String, secret: Secret) -> Result<()> {
        let v = self.inner.vault.clone();
        tokio::task::spawn_blocking(move || v.store(&key, &secret)).await?
    }

    pub(crate) async fn vault_load(&self, key: String) -> Result<Option<Secret>> {
        let v = self.inner.vault.clone();
        tokio::task::spawn_blocking(move || v.load(&key)).await?
    }

    pub(crate) async fn vault_delete(&self, key: String) -> Result<()> {
        let v = self.inner.vault.clone();
        tokio::task::spawn_blocking(move || v.delete(&key)).await?
    }

    pub(crate) fn item_key(&self, item_id: &str) -> String {
        vault::item_key(self.inner.mode, item_id)
    }

    /// The link, or LINK_NOT_FOUND.
    pub(crate) fn link(&self, id: i64) -> Result<LinkRow> {
        crate::validate::link_id(id)?;
        self.inner
            .store
            .read(|c| store::links::read::get(c, id))?
            .ok_or(AppError::LinkNotFound(id))
    }

    /// The access token of a live link. A missing keychain entry marks the link.
    pub(crate) async fn access_token(&self, link: &LinkRow) -> Result<Secret> {
        if link.status == LinkStatus::Archived {
            return Err(AppError::invalid(format!(
                "link {} is archived (removed at Plaid)",
                link.id
            )));
        }
        match self.vault_load(self.item_key(&link.item_id)).await? {
            Some(s) => Ok(s),
            None => {
                self.inner.store.write(|c| {
                    store::links::write::set_status(c, link.id, LinkStatus::KeychainMissing)?;
                    store::links::write::set_error(c, link.id, "KEYCHAIN_ENTRY_MISSING", None)
                })?;
                self.event(NewEvent {
                    link_id: Some(link.id),
                    item_id: Some(&link.item_id),
                    kind: "keychain_entry_missing",
                    detail: "the access token is not in the keychain; remove this link and link the bank again",
                    error_code: Some("KEYCHAIN_ENTRY_MISSING"),
                    request_id: None,
                });
                Err(AppError::KeychainUnavailable(format!(
                    "the keychain has no access token for link {}; remove it and link the bank again",
                    link.id
                )))
            }
        }
    }

    /// Records a failed Plaid call on a link: a login problem moves it to needs-reconnect, a
    /// dead access token to broken (see [`LinkStatus::after_plaid_error`]); anything else
    /// leaves the status and shows as the link's last error.
    pub(crate) fn record_failure(&self, link: &LinkRow, kind: &str, err: &AppError) {
        let code = err.plaid_code().map(|c| c.to_string()).unwrap_or_else(|| {
            serde_json::to_value(err.code())
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        });
        let request_id = err.plaid().and_then(|p| p.request_id.clone());
        let status = err
            .plaid_code()
            .and_then(LinkStatus::after_plaid_error)
            .filter(|_| link.status != LinkStatus::Archived);
        let res = self.inner.store.write(|c| {
            if let Some(status) = status {
                store::links::write::set_status(c, link.id, status)?;
            }
            store::links::write::set_error(c, link.id, &code, request_id.as_deref())
        });
        if let Err(e) = res {
            tracing::warn!(error = %e, "could not record link failure");
        }
        let detail = err.to_string();
        self.event(NewEvent {
            link_id: Some(link.id),
            item_id: Some(&link.item_id),
            kind,
            detail: &detail,
            error_code: Some(&code),
            request_id: request_id.as_deref(),
        });
    }

    /// Compares the keychain index, the links and the vault. Reports (status + events) and
    /// repairs: an entry without link is removed at Plaid (best effort) and deleted; a link
    /// without entry is marked KEYCHAIN_MISSING.
    ///
    /// It runs under the vault lock, and only if nobody holds it: an exchange or removal in
    /// flight in another process would look like an orphan or a missing entry. It then waits
    /// for the next open.
    pub(crate) async fn reconcile(&self) -> Result<Vec<ReconcileIssue>> {
        let Some(_vault) = FileLock::try_acquire(&self.inner.paths.vault_lock(self.inner.mode))?
        else {
            tracing::info!("reconcile skipped: another process is changing keychain entries");
            return Ok(Vec::new());
        };
        let store = &self.inner.store;
        let index = store.read(store::vault_entries::read::list)?;
        let links = store.read(store::links::read::list)?;
        let mut issues = Vec::new();
        let prefix = format!("{}/item/", self.inner.mode.as_str());
        for (key, item_id) in &index {
            if !key.starts_with(&prefix) {
                continue;
            }
            let link = links.iter().find(|l| &l.item_id == item_id);
            if link.is_some_and(|l| l.status != LinkStatus::Archived) {
                continue;
            }
            // An entry the app wrote whose link never got stored (crash or failure mid-exchange)
            // or whose link was removed while the keychain could not be reached.
            let token = match self.vault_load(key.clone()).await {
                Ok(t) => t,
                Err(e) => {
                    tracing::warn!(error = %e, "reconcile: keychain not usable");
                    issues.push(ReconcileIssue {
                        kind: "KEYCHAIN_UNAVAILABLE".into(),
                        item_id: item_id.clone(),
                        link_id: link.map(|l| l.id),
                        action: "will retry at next start".into(),
                    });
                    continue;
                }
            };
            let mut action = "index entry dropped (no keychain entry)".to_string();
            if let Some(token) = token {
                match self.inner.plaid.item_remove(&token).await {
                    Ok(_) => action = "item removed at Plaid and keychain entry deleted".into(),
                    Err(e) => {
                        let e = AppError::from_plaid("failed to remove item", e);
                        action = format!(
                            "keychain entry deleted; Plaid removal failed ({})",
                            e.plaid_code().map_or("network", |c| c.as_str())
                        );
                    }
                }
                if let Err(e) = self.vault_delete(key.clone()).await {
                    tracing::warn!(error = %e, "reconcile: could not delete orphan keychain entry");
                    issues.push(ReconcileIssue {
                        kind: "ORPHAN_KEYCHAIN_ENTRY".into(),
                        item_id: item_id.clone(),
                        link_id: link.map(|l| l.id),
                        action: "could not delete it; will retry at next start".into(),
                    });
                    continue;
                }
            }
            store.write(|c| store::vault_entries::write::delete(c, key))?;
            self.event(NewEvent {
                link_id: link.map(|l| l.id),
                item_id: Some(item_id),
                kind: "reconcile_orphan_keychain_entry",
                detail: &action,
                error_code: None,
                request_id: None,
            });
            issues.push(ReconcileIssue {
                kind: "ORPHAN_KEYCHAIN_ENTRY".into(),
                item_id: item_id.clone(),
                link_id: link.map(|l| l.id),
                action,
            });
        }
        for link in links.iter().filter(|l| l.status != LinkStatus::Archived) {
            let key = self.item_key(&link.item_id);
            match self.vault_load(key).await {
                Ok(Some(_)) => {
                    if link.status == LinkStatus::KeychainMissing {
                        // The entry came back (keychain restored): healthy again.
                        store.write(|c| store::links::write::clear_error(c, link.id))?;
                    }
                }
                Ok(None) => {
                    if link.status != LinkStatus::KeychainMissing {
                        store.write(|c| {
                            store::links::write::set_status(
                                c,
                                link.id,
                                LinkStatus::KeychainMissing,
                            )?;
                            store::links::write::set_error(
                                c,
                                link.id,
                                "KEYCHAIN_ENTRY_MISSING",
                                None,
                            )
                        })?;
                        self.event(NewEvent {
                            link_id: Some(link.id),
                            item_id: Some(&link.item_id),
                            kind: "reconcile_missing_keychain_entry",
                            detail: "link marked KEYCHAIN_MISSING: remove it and link the bank again",
                            error_code: Some("KEYCHAIN_ENTRY_MISSING"),
                            request_id: None,
                        });
                    }
                    issues.push(ReconcileIssue {
                        kind: "MISSING_KEYCHAIN_ENTRY".into(),
                        item_id: link.item_id.clone(),
                        link_id: Some(link.id),
                        action: "link marked KEYCHAIN_MISSING".into(),
                    });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "reconcile: keychain not usable");
                    issues.push(ReconcileIssue {
                        kind: "KEYCHAIN_UNAVAILABLE".into(),
                        item_id: link.item_id.clone(),
                        link_id: Some(link.id),
                        action: "not checked".into(),
                    });
                    break;
                }
            }
        }
        *self
            .inner
            .reconcile
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = issues.clone();
        Ok(issues)
    }

    /// `get_status`.
    pub async fn get_status(&self) -> Result<StatusView> {
        let links = self.inner.store.read(store::links::read::list)?;
        let attention: Vec<AttentionView> = links
            .iter()
            .filter_map(|l| {
                let (health, remedy) = LinkHealth::of(l.status, l.last_error_code.as_deref());
                matches!(health, LinkHealth::NeedsReconnect | LinkHealth::Broken).then(|| {
                    AttentionView {
                        link_id: l.id,
                        name: l.name.clone(),
                        health,
                        remedy: remedy.unwrap_or_default(),
                    }
                })
            })
            .collect();
        let events = self
            .inner
            .store
            .read(|c| store::events::read::recent(c, None, 50))?;
        Ok(StatusView {
            mode: self.inner.mode,
            base_url: self.base_url().to_string(),
            link_script_url: self.inner.mode.link_script_url(self.base_url()),
            data_dir: self.inner.paths.home().display().to_string(),
            database: self.inner.store.path().display().to_string(),
            schema_version: store::schema_version(),
            links: links.len() as u32,
            needs_attention: attention.iter().map(|a| a.link_id).collect(),
            attention,
            reconcile: self
                .inner
                .reconcile
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
            notes: self.inner.notes.clone(),
            recent_events: events,
        })
    }

    /// `get_settings`: never the secret, only whether one is available.
    pub async fn get_settings(&self) -> Result<SettingsView> {
        let s = self.settings();
        let env = &self.inner.env;
        let environment = env.environment.or(s.environment);
        let secret_saved = if env.secret.is_some() {
            true
        } else if let Some(m) = environment {
            self.vault_load(vault::secret_key(m)).await?.is_some()
        } else {
            false
        };
        Ok(SettingsView {
            mode: self.inner.mode,
            client_id: env.client_id.clone().or(s.client_id.clone()),
            environment,
            secret_saved,
            country_codes: s.country_codes.clone(),
            days_requested: s.days_requested,
            products: s.products.clone(),
            link_limit: s.link_limit,
            env_overrides: env.names(),
            base_url: self.base_url().to_string(),
            sign_in: s
                .sign_in
                .unwrap_or_else(|| SignIn::default_for(self.inner.mode)),
            data_use_accepted_at: s.data_use_accepted_at.clone(),
        })
    }

    /// `accept_data_use`: the person read what Coffer stores and where, and that Plaid's End
    /// User Privacy Policy applies, and chose to continue. Kept with its date (the first
    /// answer's date stays).
    pub async fn accept_data_use(&self) -> Result<SettingsView> {
        let saved = Settings::update(&self.inner.paths, |s| {
            if s.data_use_accepted_at.is_none() {
                s.data_use_accepted_at = Some(crate::store::now());
            }
            Ok(())
        })?;
        *self
            .inner
            .settings
            .write()
            .unwrap_or_else(|p| p.into_inner()) = saved;
        self.get_settings().await
    }

    /// `save_settings`: the secret goes to the keychain (for the given or configured
    /// environment), the rest to `settings.json`. A mode change takes effect at next open.
    pub async fn save_settings(&self, input: SettingsInput) -> Result<SettingsView> {
        input.validate()?;
        // Checked on the current file first, so a refused secret changes nothing.
        let mut preview = self.settings();
        preview.apply(&input)?;
        if let Some(secret) = &input.secret {
            let env = preview.environment.ok_or_else(|| {
                AppError::invalid("choose an environment (sandbox or production) to save a secret")
            })?;
            self.vault_store(vault::secret_key(env), Secret::new(secret.clone()))
                .await?;
        }
        let with_secret = input.secret.is_some();
        let paths = self.inner.paths.clone();
        let next =
            tokio::task::spawn_blocking(move || Settings::update(&paths, |s| s.apply(&input)))
                .await??;
        *self
            .inner
            .settings
            .write()
            .unwrap_or_else(|p| p.into_inner()) = next;
        self.event(NewEvent {
            kind: "settings_saved",
            detail: if with_secret {
                "settings saved (secret stored in keychain)"
            } else {
                "settings saved"
            },
            ..Default::default()
        });
        self.get_settings().await
    }

    /// `test_connection`: asks Plaid (`/institutions/get_by_id` for `ins_109508`) with the
    /// given or saved keys for an environment, and saves nothing. An answer, or Plaid's
    /// INVALID_INSTITUTION, proves the keys work; INVALID_API_KEYS comes back as the Plaid
    /// error it is. The secret never appears in an error, a log or the answer.
    pub async fn test_connection(&self, input: TestConnectionInput) -> Result<TestConnectionView> {
        if let Some(id) = &input.client_id {
            validate::token_like("clientId", id, 128)?;
        }
        if let Some(secret) = &input.secret {
            validate::token_like("secret", secret, 256)?;
        }
        if input.environment == Some(Mode::Offline) {
            return Err(AppError::invalid(
                "environment must be sandbox or production",
            ));
        }
        let settings = self.settings();
        let env = &self.inner.env;
        let configured = env
            .environment
            .or(settings.environment)
            .unwrap_or(Mode::Sandbox);
        let environment = input.environment.unwrap_or(configured);
        let client_id = input
            .client_id
            .clone()
            .or_else(|| env.client_id.clone())
            .or_else(|| settings.client_id.clone())
            .ok_or_else(|| AppError::NotConfigured("no Plaid client id is configured".into()))?;
        let secret = match &input.secret {
            Some(s) => Some(Secret::new(s.clone())),
            // PLAID_SECRET belongs to the environment the settings and PLAID_ENV select.
            None => match &env.secret {
                Some(s) if environment == configured => Some(Secret::new(s.clone())),
                _ => self.vault_load(vault::secret_key(environment)).await?,
            },
        }
        .ok_or_else(|| {
            AppError::NotConfigured(format!("no Plaid {environment} secret is saved"))
        })?;
        crate::redact::remember(&secret);
        let base_url = env.plaid_url(environment)?;
        let client = PlaidClient::new(&base_url, Credentials { client_id, secret })
            .map_err(|e| AppError::from_plaid("invalid Plaid configuration", e))?
            .with_retry(coffer_plaid::RetryPolicy::none());
        let req = coffer_plaid::InstitutionsGetByIdRequest::new(
            TEST_INSTITUTION,
            vec![coffer_plaid::CountryCode::from("US")],
        );
        let request_id = match client.institutions_get_by_id(&req).await {
            Ok(r) => Some(r.request_id),
            Err(e) => {
                let err = AppError::from_plaid("failed to connect to Plaid", e);
                if err.plaid_code() != Some(&coffer_plaid::ErrorCode::InvalidInstitution) {
                    return Err(err);
                }
                err.plaid().and_then(|p| p.request_id.clone())
            }
        };
        Ok(TestConnectionView {
            environment,
            base_url: client.base_url().to_string(),
            request_id,
        })
    }

    /// `list_events`: a page of the support log, newest first (`beforeId` pages on).
    pub async fn list_events(&self, input: ListEventsInput) -> Result<Vec<Event>> {
        if input.limit == 0 || input.limit > validate::MAX_PAGE {
            return Err(AppError::invalid(format!(
                "limit must be between 1 and {}",
                validate::MAX_PAGE
            )));
        }
        if let Some(id) = input.link_id {
            validate::link_id(id)?;
        }
        if let Some(id) = input.before_id
            && id <= 0
        {
            return Err(AppError::invalid(format!(
                "beforeId must be a positive integer, got {id}"
            )));
        }
        self.inner
            .store
            .read(|c| store::events::read::page(c, input.link_id, input.before_id, input.limit))
    }

    /// The per-link lock (one sync, or removal, of a link at a time, across processes): this
    /// process's tasks queue on a mutex first, so only one of them waits on the file lock.
    pub(crate) async fn lock_link(&self, link_id: i64) -> Result<LinkLock> {
        let mutex = {
            let mut map = self
                .inner
                .sync_locks
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            map.entry(link_id).or_default().clone()
        };
        let local = mutex.lock_owned().await;
        let file = FileLock::acquire(self.inner.paths.sync_lock(self.inner.mode, link_id)).await?;
        Ok(LinkLock {
            _file: file,
            _local: local,
        })
    }

    /// The lock under which keychain entries, their index rows and their links change
    /// together (exchange, removal): reconcile never sees one half done.
    pub(crate) async fn lock_vault(&self) -> Result<FileLock> {
        FileLock::acquire(self.inner.paths.vault_lock(self.inner.mode)).await
    }
}

/// Held while a link syncs or is removed (see [`Coffer::lock_link`]).
#[derive(Debug)]
pub(crate) struct LinkLock {
    _file: FileLock,
    _local: tokio::sync::OwnedMutexGuard<()>,
}

/// Rows changed (in any way) before the search index is merged again.
const SETTLE_AFTER_ROWS: u64 = 1_000;

impl Coffer {
    /// After a change of `rows` rows (a sync run, edits, rules applied): once 1,000 rows have
    /// changed since the last merge, merges the search index's segments in the background,
    /// one short write transaction per step ([`crate::store::Store::settle_search`]), so that a
    /// search stays one lookup per term. One merge at a time; a process that exits first
    /// leaves the rest to the next one.
    pub(crate) fn settle_search_after(&self, rows: u64) {
        use std::sync::atomic::Ordering;
        let changed = self.inner.unsettled.fetch_add(rows, Ordering::AcqRel) + rows;
        if changed < SETTLE_AFTER_ROWS || self.inner.settling.swap(true, Ordering::AcqRel) {
            return;
        }
        self.inner.unsettled.store(0, Ordering::Release);
        let inner = self.inner.clone();
        // A thread of its own (no runtime needed): each step commits, so a process exiting
        // mid-merge loses nothing.
        let spawned = std::thread::Builder::new()
            .name("coffer-settle".into())
            .spawn(move || {
                if let Err(e) = inner.store.settle_search() {
                    tracing::warn!(error = %e, "could not merge the search index");
                }
                inner.settling.store(false, Ordering::Release);
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "could not start merging the search index");
            self.inner.settling.store(false, Ordering::Release);
        }
    }
}
