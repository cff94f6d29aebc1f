//! The link lifecycle (DESIGN.md §3, §5): link tokens, the public-token exchange, update mode,
//! Hosted Link, listing, renaming, removal, balances, health checks and the sandbox tools.

use chrono::Datelike;
use coffer_plaid::{
    Account, CountryCode, LinkTokenCreateRequest, LinkTokenHostedLink, LinkTokenTransactions,
    LinkTokenUpdate, LinkTokenUser, Product, SandboxPublicTokenCreateRequest, SandboxTransaction,
    Secret,
};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use crate::coffer::Coffer;
use crate::error::{AppError, Result};
use crate::mode::Mode;
use crate::store::accounts::Balance;
use crate::store::events::NewEvent;
use crate::store::links::{LinkRow, LinkStatus};
use crate::store::{self, now};
use crate::validate;
use crate::views::{
    AccountView, CreateLinkTokenInput, ExchangeInput, ExchangeOutput, HostedLinkPoll,
    HostedLinkState, LinkErrorView, LinkExitInput, LinkHealth, LinkTokenView, LinkView,
    NewSandboxTransaction, SandboxFaultInput,
};

/// Name shown in Link.
pub const CLIENT_NAME: &str = "Coffer";

/// How long a Hosted Link address works: 30 minutes, time to finish on a phone after scanning
/// its QR code, short enough that a leaked address is soon useless.
pub const HOSTED_LINK_URL_LIFETIME_SECS: u32 = 30 * 60;

/// SHA-256 of a public token, hex: what is kept to make the exchange idempotent.
pub(crate) fn public_token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Inserts or updates one Plaid account of a link; returns its row id.
pub(crate) fn upsert_account(c: &rusqlite::Connection, link_id: i64, a: &Account) -> Result<i64> {
    let subtype = a.subtype.as_ref().map(|s| s.as_str().to_string());
    store::accounts::write::upsert(
        c,
        link_id,
        &store::accounts::write::NewAccount {
            account_id: &a.account_id,
            name: &a.name,
            official_name: a.official_name.as_deref(),
            mask: a.mask.as_deref(),
            account_type: a.account_type.as_str(),
            subtype: subtype.as_deref(),
        },
    )
}

/// Stores accounts of a link and a balance snapshot of each.
pub(crate) fn store_accounts(
    c: &rusqlite::Connection,
    link_id: i64,
    accounts: &[Account],
    only: Option<&[String]>,
    source: &str,
) -> Result<()> {
    let fetched_at = now();
    for a in accounts {
        if let Some(only) = only
            && !only.contains(&a.account_id)
        {
            continue;
        }
        let rowid = upsert_account(c, link_id, a)?;
        store::accounts::write::insert_balance(
            c,
            rowid,
            &Balance {
                available: a.balances.available,
                current: a.balances.current,
                limit: a.balances.limit,
                iso_currency_code: a.balances.iso_currency_code.clone(),
                unofficial_currency_code: a.balances.unofficial_currency_code.clone(),
                fetched_at: fetched_at.clone(),
                source: source.to_string(),
            },
        )?;
    }
    Ok(())
}

fn purpose(input: &CreateLinkTokenInput) -> String {
    let mut p = match input.link_id {
        Some(id) if input.account_selection => format!("update+select:{id}"),
        Some(id) => format!("update:{id}"),
        None => "new".to_string(),
    };
    if input.hosted {
        p.push_str("+hosted");
    }
    p
}

impl Coffer {
    fn check_link_limit(&self) -> Result<()> {
        let limit = self.settings().link_limit;
        let live = self.inner.store.read(store::links::read::count_live)?;
        if live >= limit {
            return Err(AppError::LinkLimitReached { limit });
        }
        Ok(())
    }

    fn country_codes(&self) -> Vec<CountryCode> {
        self.settings()
            .country_codes
            .iter()
            .map(|c| CountryCode::from(c.as_str()))
            .collect()
    }

    /// `create_link_token`: a new link, update mode (`linkId`), Hosted Link (`hosted`), with
    /// optional reuse of an unexpired, unused cached token for the same purpose.
    pub async fn create_link_token(&self, input: CreateLinkTokenInput) -> Result<LinkTokenView> {
        const CONTEXT: &str = "failed to create link token";
        let link = match input.link_id {
            Some(id) => Some(self.link(id)?),
            None => {
                if input.account_selection {
                    return Err(AppError::invalid(
                        "accountSelection needs linkId (update mode)",
                    ));
                }
                self.check_link_limit()?;
                None
            }
        };
        let purpose = purpose(&input);
        if input.use_cache {
            // Keep a margin so the token does not expire while Link is open.
            let valid_until = (chrono::Utc::now() + chrono::Duration::minutes(5))
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            if let Some(row) = self
                .inner
                .store
                .read(|c| store::link_tokens::read::reusable(c, &purpose, &valid_until))?
            {
                return Ok(LinkTokenView {
                    link_token: row.link_token,
                    expiration: row.expiration,
                    hosted_link_url: row.hosted_link_url,
                });
            }
        }
        let settings = self.settings();
        let mut req = LinkTokenCreateRequest {
            client_name: CLIENT_NAME.into(),
            language: "en".into(),
            country_codes: self.country_codes(),
            user: Some(LinkTokenUser::new(settings.client_user_id.clone())),
            ..Default::default()
        };
        if input.hosted {
            req.hosted_link = Some(LinkTokenHostedLink {
                // Said, not left to Plaid's default (which depends on the delivery method).
                url_lifetime_seconds: Some(HOSTED_LINK_URL_LIFETIME_SECS),
                ..Default::default()
            });
        }
        match &link {
            Some(link) => {
                let token = self.access_token(link).await?;
                req.access_token = Some(token);
                if input.account_selection {
                    req.update = Some(LinkTokenUpdate {
                        account_selection_enabled: Some(true),
                        ..Default::default()
                    });
                }
            }
            None => {
                req.products = Some(
                    settings
                        .products
                        .iter()
                        .map(|p| Product::from(p.as_str()))
                        .collect(),
                );
                req.transactions = Some(LinkTokenTransactions {
                    days_requested: Some(settings.days_requested),
                });
            }
        }
        let resp = match self.inner.plaid.link_token_create(&req).await {
            Ok(r) => r,
            Err(e) => {
                let err = AppError::from_plaid(CONTEXT, e);
                match &link {
                    Some(l) => self.record_failure(l, "link_token_failed", &err),
                    None => self.event(NewEvent {
                        kind: "link_token_failed",
                        detail: &err.to_string(),
                        error_code: err.plaid_code().map(|c| c.as_str()),
                        request_id: err.plaid().and_then(|p| p.request_id.as_deref()),
                        ..Default::default()
                    }),
                }
                return Err(err.with_link(input.link_id.unwrap_or_default()));
            }
        };
        let expiration = resp
            .expiration
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.inner.store.write(|c| {
            store::link_tokens::write::insert(
                c,
                &resp.link_token,
                &purpose,
                input.link_id,
                &expiration,
                resp.hosted_link_url.as_deref(),
            )
        })?;
        self.event(NewEvent {
            link_id: input.link_id,
            kind: "link_token_created",
            detail: &purpose,
            request_id: Some(&resp.request_id),
            ..Default::default()
        });
        Ok(LinkTokenView {
            link_token: resp.link_token,
            expiration,
            hosted_link_url: resp.hosted_link_url,
        })
    }

    /// `exchange_public_token`: validated before any Plaid call; idempotent per public token;
    /// atomic across Plaid, the keychain and SQLite.
    pub async fn exchange_public_token(&self, input: ExchangeInput) -> Result<ExchangeOutput> {
        validate::public_token(&input.public_token)?;
        validate::account_ids(&input.account_ids)?;
        let institution_id = if input.institution_id.is_empty() {
            None
        } else {
            validate::token_like("institutionId", &input.institution_id, 100)?;
            Some(input.institution_id.clone())
        };
        let institution_name = if input.institution_name.trim().is_empty() {
            None
        } else {
            Some(validate::name(
                "institutionName",
                &input.institution_name,
                validate::MAX_NAME,
            )?)
        };
        self.exchange(
            &input.public_token,
            institution_id,
            institution_name,
            Some(&input.account_ids),
        )
        .await
    }

    pub(crate) async fn exchange(
        &self,
        public_token: &str,
        institution_id: Option<String>,
        institution_name: Option<String>,
        account_ids: Option<&[String]>,
    ) -> Result<ExchangeOutput> {
        const CONTEXT: &str = "failed to exchange token";
        // Across processes: the same public token is exchanged once, and reconcile never sees
        // this exchange half done.
        let _vault = self.lock_vault().await?;
        let hash = public_token_hash(public_token);
        if let Some(link_id) = self
            .inner
            .store
            .read(|c| store::links::read::by_public_token_hash(c, &hash))?
        {
            return Ok(ExchangeOutput { link_id });
        }
        self.check_link_limit()?;

        let exchanged = match self
            .inner
            .plaid
            .item_public_token_exchange(public_token)
            .await
        {
            Ok(r) => r,
            Err(e) => {
                let err = AppError::from_plaid(CONTEXT, e);
                self.event(NewEvent {
                    kind: "exchange_failed",
                    detail: &err.to_string(),
                    error_code: err.plaid_code().map(|c| c.as_str()),
                    request_id: err.plaid().and_then(|p| p.request_id.as_deref()),
                    ..Default::default()
                });
                return Err(err);
            }
        };
        let item_id = exchanged.item_id.clone();
        let access_token = exchanged.access_token;
        let key = self.item_key(&item_id);

        // 1. Index first (so a crash between here and the link row is found by reconcile).
        if let Err(e) = self
            .inner
            .store
            .write(|c| store::vault_entries::write::insert(c, &key, &item_id))
        {
            self.undo_exchange(&access_token, None, &item_id).await;
            return Err(e);
        }
        // 2. Keychain.
        if let Err(e) = self.vault_store(key.clone(), access_token.clone()).await {
            self.undo_exchange(&access_token, Some(&key), &item_id)
                .await;
            let _ = self.vault_delete(key.clone()).await;
            let _ = self
                .inner
                .store
                .write(|c| store::vault_entries::write::delete(c, &key));
            return Err(e);
        }
        // 3. Accounts and institution details.
        let accounts = match self.inner.plaid.accounts_get(&access_token, None).await {
            Ok(r) => r,
            Err(e) => {
                let err = AppError::from_plaid(CONTEXT, e);
                self.rollback_exchange(&access_token, &key, &item_id).await;
                return Err(err);
            }
        };
        let institution_id = institution_id.or_else(|| accounts.item.institution_id.clone());
        let mut institution_name =
            institution_name.or_else(|| accounts.item.institution_name.clone());
        if institution_name.is_none()
            && let Some(id) = &institution_id
        {
            let req =
                coffer_plaid::InstitutionsGetByIdRequest::new(id.clone(), self.country_codes());
            match self.inner.plaid.institutions_get_by_id(&req).await {
                Ok(r) => institution_name = Some(r.institution.name),
                Err(e) => tracing::warn!(error = %e, "institution lookup failed"),
            }
        }
        let only: Option<Vec<String>> = account_ids.and_then(|ids| {
            let known: Vec<String> = accounts
                .accounts
                .iter()
                .filter(|a| ids.contains(&a.account_id))
                .map(|a| a.account_id.clone())
                .collect();
            (!known.is_empty()).then_some(known)
        });
        let products = self.settings().products;
        let name = institution_name
            .clone()
            .unwrap_or_else(|| "Bank".to_string());
        // 4. One SQLite transaction: link, token hash, accounts, balances, token cache.
        let written = self.inner.store.write(|c| {
            let link_id = store::links::write::insert(
                c,
                &store::links::write::NewLink {
                    item_id: &item_id,
                    institution_id: institution_id.as_deref(),
                    institution_name: institution_name.as_deref(),
                    name: &name,
                    products: &products,
                },
            )?;
            store::links::write::record_public_token(c, &hash, link_id)?;
            let consent = accounts
                .item
                .consent_expiration_time
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            store::links::write::set_consent_expiration(c, link_id, consent.as_deref())?;
            store_accounts(
                c,
                link_id,
                &accounts.accounts,
                only.as_deref(),
                "accounts_get",
            )?;
            c.execute(
                "UPDATE link_tokens SET used_at = ?1 WHERE used_at IS NULL AND link_id IS NULL",
                [now()],
            )?;
            store::events::write::insert(
                c,
                &NewEvent {
                    link_id: Some(link_id),
                    item_id: Some(&item_id),
                    kind: "link_created",
                    detail: &format!("{} account(s)", accounts.accounts.len()),
                    error_code: None,
                    request_id: Some(&exchanged.request_id),
                },
            )?;
            Ok(link_id)
        });
        match written {
            Ok(link_id) => Ok(ExchangeOutput { link_id }),
            Err(e) => {
                self.rollback_exchange(&access_token, &key, &item_id).await;
                Err(e)
            }
        }
    }

    /// Removes the item at Plaid after a failed exchange (best effort, logged).
    async fn undo_exchange(&self, token: &Secret, _key: Option<&str>, item_id: &str) {
        let detail = match self.inner.plaid.item_remove(token).await {
            Ok(_) => "exchange undone: item removed at Plaid".to_string(),
            Err(e) => format!(
                "exchange undone; removing the item at Plaid failed: {}",
                e.error_code().map_or("network", |c| c.as_str())
            ),
        };
        self.event(NewEvent {
            item_id: Some(item_id),
            kind: "exchange_rolled_back",
            detail: &detail,
            ..Default::default()
        });
    }

    /// Undoes a half-done exchange: keychain entry, Plaid item, index.
    async fn rollback_exchange(&self, token: &Secret, key: &str, item_id: &str) {
        let vault_ok = self.vault_delete(key.to_string()).await.is_ok();
        self.undo_exchange(token, Some(key), item_id).await;
        if vault_ok {
            let _ = self
                .inner
                .store
                .write(|c| store::vault_entries::write::delete(c, key));
        }
    }

    /// `finish_update`: after Link update mode succeeded; no exchange. Clears the error
    /// state and adds newly shared accounts.
    pub async fn finish_update(
        &self,
        link_id: i64,
        account_ids: Option<Vec<String>>,
    ) -> Result<LinkView> {
        const CONTEXT: &str = "failed to finish update";
        if let Some(ids) = &account_ids {
            validate::account_ids(ids)?;
        }
        let link = self.link(link_id)?;
        let token = self.access_token(&link).await?;
        let item = match self.inner.plaid.item_get(&token).await {
            Ok(r) => {
                store_consent(&self.inner.store, link.id, &r.item)?;
                r
            }
            Err(e) => {
                let err = AppError::from_plaid(CONTEXT, e).with_link(link.id);
                self.record_failure(&link, "update_failed", &err);
                return Err(err);
            }
        };
        if let Some(pe) = &item.item.error
            && pe.error_code == coffer_plaid::ErrorCode::ItemLoginRequired
        {
            let err = AppError::LoginRequired {
                context: CONTEXT,
                link_id: Some(link.id),
                plaid: Box::new(crate::error::PlaidErrorInfo {
                    error_type: pe.error_type.to_string(),
                    error_code: pe.error_code.clone(),
                    error_message: pe.error_message.clone(),
                    display_message: pe.display_message.clone(),
                    request_id: Some(item.request_id.clone()),
                    status: 400,
                }),
            };
            self.record_failure(&link, "update_failed", &err);
            return Err(err);
        }
        let accounts = match self.inner.plaid.accounts_get(&token, None).await {
            Ok(r) => r,
            Err(e) => {
                let err = AppError::from_plaid(CONTEXT, e).with_link(link.id);
                self.record_failure(&link, "update_failed", &err);
                return Err(err);
            }
        };
        self.inner.store.write(|c| {
            store_accounts(c, link.id, &accounts.accounts, None, "accounts_get")?;
            store::links::write::clear_error(c, link.id)?;
            c.execute(
                "UPDATE link_tokens SET used_at = ?2 WHERE used_at IS NULL AND link_id = ?1",
                rusqlite::params![link.id, now()],
            )?;
            store::events::write::insert(
                c,
                &NewEvent {
                    link_id: Some(link.id),
                    item_id: Some(&link.item_id),
                    kind: "link_updated",
                    detail: &format!("{} account(s) shared", accounts.accounts.len()),
                    error_code: None,
                    request_id: Some(&accounts.request_id),
                },
            )?;
            Ok(())
        })?;
        self.link_view(link.id)
    }

    /// `poll_hosted_link`: reads `/link/token/get`; exchanges (or finishes the update) on
    /// success; reports an exit.
    pub async fn poll_hosted_link(&self, link_token: &str) -> Result<HostedLinkPoll> {
        validate::link_token(link_token)?;
        let cached = self
            .inner
            .store
            .read(|c| store::link_tokens::read::get(c, link_token))?
            .ok_or_else(|| AppError::invalid("unknown link token"))?;
        let resp = self
            .inner
            .plaid
            .link_token_get(link_token)
            .await
            .map_err(|e| AppError::from_plaid("failed to read the Link session", e))?;
        // Only the newest session counts: an earlier one that the person closed says nothing
        // about the one they may have opened since (Plaid lists both, unfinished ones too).
        let sessions = resp.link_sessions.unwrap_or_default();
        let pending = HostedLinkPoll {
            state: HostedLinkState::Pending,
            link_id: None,
            error: None,
        };
        let Some(session) = newest_session(&sessions) else {
            return Ok(pending);
        };
        let added = session
            .results
            .as_ref()
            .and_then(|r| r.item_add_results.first())
            .map(|r| {
                (
                    r.public_token.clone(),
                    r.institution.clone(),
                    r.accounts.clone(),
                )
            })
            .or_else(|| {
                session.on_success.as_ref().map(|o| {
                    (
                        o.public_token.clone(),
                        o.metadata.institution.clone(),
                        o.metadata.accounts.clone(),
                    )
                })
            });
        let exit = session.exit.as_ref().or(session.on_exit.as_ref());
        let link_id = match (cached.link_id, added, exit) {
            // Update mode: the Item is repaired, nothing to exchange. Plaid finishes such a
            // session without `item_add_results`; a finish with no exit is its success.
            (Some(id), Some((_, _, accounts)), _) => {
                let ids: Vec<String> = accounts.iter().filter_map(|a| a.id.clone()).collect();
                self.finish_update(id, (!ids.is_empty()).then_some(ids))
                    .await?;
                id
            }
            (Some(id), None, None) if session.finished_at.is_some() => {
                self.finish_update(id, None).await?;
                id
            }
            (None, Some((public_token, institution, accounts)), _) => {
                let ids: Vec<String> = accounts.iter().filter_map(|a| a.id.clone()).collect();
                let inst_id = institution.as_ref().and_then(|i| i.institution_id.clone());
                let inst_name = institution.as_ref().and_then(|i| i.name.clone());
                self.exchange(
                    &public_token,
                    inst_id,
                    inst_name,
                    (!ids.is_empty()).then_some(&ids[..]),
                )
                .await?
                .link_id
            }
            (_, None, Some(exit)) => {
                let error = exit.error.as_ref().map(|e| crate::error::PlaidErrorInfo {
                    error_type: e.error_type.to_string(),
                    error_code: e.error_code.clone(),
                    error_message: e.error_message.clone(),
                    display_message: e.display_message.clone(),
                    request_id: e.request_id.clone(),
                    status: e.status.unwrap_or(400),
                });
                if let Some(e) = &error {
                    self.retire_link_token(link_token, e.error_code.as_str())?;
                }
                return Ok(HostedLinkPoll {
                    state: HostedLinkState::Exited,
                    link_id: None,
                    error,
                });
            }
            _ => return Ok(pending),
        };
        Ok(HostedLinkPoll {
            state: HostedLinkState::Success,
            link_id: Some(link_id),
            error: None,
        })
    }

    /// `report_link_exit`: Link (embedded) closed. After an error Plaid wants a new token
    /// (INVALID_LINK_TOKEN and the others), so one whose session ended in an error is never
    /// handed out again by `create_link_token { useCache }`; a plain close keeps it reusable.
    pub async fn report_link_exit(&self, input: LinkExitInput) -> Result<()> {
        validate::link_token(&input.link_token)?;
        if let Some(code) = &input.error_code {
            validate::token_like("errorCode", code, 100)?;
        }
        let known = self
            .inner
            .store
            .read(|c| store::link_tokens::read::get(c, &input.link_token))?
            .is_some();
        if !known {
            return Err(AppError::invalid("unknown link token"));
        }
        match &input.error_code {
            Some(code) => self.retire_link_token(&input.link_token, code),
            None => Ok(()),
        }
    }

    /// Marks a cached token spent after its session ended in `error_code`, with an event.
    fn retire_link_token(&self, link_token: &str, error_code: &str) -> Result<()> {
        let row = self.inner.store.write(|c| {
            store::link_tokens::write::mark_used(c, link_token)?;
            store::link_tokens::read::get(c, link_token)
        })?;
        self.event(NewEvent {
            link_id: row.and_then(|r| r.link_id),
            kind: "link_exited",
            detail: "Link ended in an error; its token will not be reused",
            error_code: Some(error_code),
            ..Default::default()
        });
        Ok(())
    }

    /// One link as the UI shows it.
    pub fn link_view(&self, id: i64) -> Result<LinkView> {
        let link = self.link(id)?;
        self.inner.store.read(|c| view_of(c, link))
    }

    /// `list_links`.
    pub async fn list_links(&self) -> Result<Vec<LinkView>> {
        self.inner.store.read(|c| {
            store::links::read::list(c)?
                .into_iter()
                .map(|l| view_of(c, l))
                .collect()
        })
    }

    /// `rename_link`.
    pub async fn rename_link(&self, link_id: i64, name: &str) -> Result<LinkView> {
        let name = validate::name("name", name, validate::MAX_NAME)?;
        let link = self.link(link_id)?;
        self.inner
            .store
            .write(|c| store::links::write::rename(c, link.id, &name))?;
        self.link_view(link.id)
    }

    /// `remove_link`: `/item/remove` first, then the keychain entry, then the rows
    /// (`keep_data`: the link stays, archived, with its accounts and transactions).
    pub async fn remove_link(&self, link_id: i64, keep_data: bool) -> Result<()> {
        let link = self.link(link_id)?;
        let _link_lock = self.lock_link(link.id).await?;
        let _vault = self.lock_vault().await?;
        // Another process may have removed it while this one waited.
        let link = self.link(link.id)?;
        let key = self.item_key(&link.item_id);
        let mut request_id = None;
        let mut detail = String::from("removed");
        if link.status != LinkStatus::Archived {
            match self.vault_load(key.clone()).await? {
                Some(token) => match self.inner.plaid.item_remove(&token).await {
                    Ok(r) => request_id = Some(r.request_id),
                    Err(e) => {
                        let err = AppError::from_plaid("failed to remove link", e);
                        match err.plaid_code() {
                            Some(code) if code.item_is_gone() => {
                                detail = "the item was already gone at Plaid".into();
                            }
                            _ => {
                                self.record_failure(&link, "remove_failed", &err);
                                return Err(err.with_link(link.id));
                            }
                        }
                    }
                },
                None => detail = "no access token in the keychain: removed locally only".into(),
            }
        }
        let vault_deleted = match self.vault_delete(key.clone()).await {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, "could not delete keychain entry; reconcile will retry");
                detail.push_str(
                    "; keychain entry left (keychain unavailable), reconcile will delete it",
                );
                false
            }
        };
        self.inner.store.write(|c| {
            if keep_data {
                store::links::write::archive(c, link.id)?;
            } else {
                store::links::write::delete(c, link.id)?;
            }
            if vault_deleted {
                store::vault_entries::write::delete(c, &key)?;
            }
            store::events::write::insert(
                c,
                &NewEvent {
                    link_id: Some(link.id),
                    item_id: Some(&link.item_id),
                    kind: if keep_data {
                        "link_archived"
                    } else {
                        "link_removed"
                    },
                    detail: &detail,
                    error_code: None,
                    request_id: request_id.as_deref(),
                },
            )
        })?;
        self.inner
            .sync_locks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&link.id);
        Ok(())
    }

    /// `refresh_balances`: `/accounts/balance/get` (billed in production: only on request) for
    /// one link or every live one; every refresh stores a snapshot. With no link id, failures
    /// are recorded on each link and the others still refresh.
    pub async fn refresh_balances(&self, link_id: Option<i64>) -> Result<Vec<LinkView>> {
        let links = match link_id {
            Some(id) => vec![self.link(id)?],
            None => self
                .inner
                .store
                .read(store::links::read::list)?
                .into_iter()
                .filter(|l| l.status == LinkStatus::Active || l.status == LinkStatus::LoginRequired)
                .collect(),
        };
        for link in &links {
            if let Err(e) = self.refresh_balances_of(link).await
                && link_id.is_some()
            {
                return Err(e);
            }
        }
        self.list_links().await
    }

    async fn refresh_balances_of(&self, link: &LinkRow) -> Result<()> {
        let token = self.access_token(link).await?;
        match self.inner.plaid.accounts_balance_get(&token, None).await {
            Ok(r) => {
                self.inner.store.write(|c| {
                    store_accounts(
                        c,
                        link.id,
                        &r.accounts,
                        known_accounts(c, link.id)?.as_deref(),
                        "balance_get",
                    )?;
                    if link.status == LinkStatus::LoginRequired {
                        store::links::write::clear_error(c, link.id)?;
                    }
                    Ok(())
                })?;
                Ok(())
            }
            Err(e) => {
                let err = AppError::from_plaid("failed to refresh balances", e).with_link(link.id);
                self.record_failure(link, "balance_refresh_failed", &err);
                Err(err)
            }
        }
    }

    /// `reconnect_check`: `/item/get` on every live link; `item.error` ITEM_LOGIN_REQUIRED marks
    /// the link LOGIN_REQUIRED, a dead access token BROKEN, a failed call records its error;
    /// only a clean answer from Plaid clears a previous error (then the link is healthy).
    /// Broken links are not asked again: a dead token does not come back.
    pub async fn reconnect_check(&self) -> Result<Vec<LinkView>> {
        let links: Vec<LinkRow> = self
            .inner
            .store
            .read(store::links::read::list)?
            .into_iter()
            .filter(|l| matches!(l.status, LinkStatus::Active | LinkStatus::LoginRequired))
            .collect();
        for link in &links {
            let token = match self.access_token(link).await {
                Ok(t) => t,
                Err(_) => continue,
            };
            let got = self.inner.plaid.item_get(&token).await;
            if let Ok(r) = &got {
                store_consent(&self.inner.store, link.id, &r.item)?;
            }
            match got {
                Ok(r) => match &r.item.error {
                    Some(pe) => {
                        let err = AppError::from_plaid(
                            "link needs attention",
                            coffer_plaid::Error::Api {
                                status: pe.status.unwrap_or(400),
                                error: {
                                    let mut pe = Box::new(pe.clone());
                                    pe.request_id =
                                        pe.request_id.take().or(Some(r.request_id.clone()));
                                    pe
                                },
                            },
                        );
                        self.record_failure(link, "item_error", &err);
                    }
                    None if link.status == LinkStatus::LoginRequired
                        || link.last_error_code.is_some() =>
                    {
                        self.inner
                            .store
                            .write(|c| store::links::write::clear_error(c, link.id))?;
                        if link.status != LinkStatus::LoginRequired {
                            continue;
                        }
                        self.event(NewEvent {
                            link_id: Some(link.id),
                            item_id: Some(&link.item_id),
                            kind: "login_repaired",
                            detail: "item has no error any more",
                            request_id: Some(&r.request_id),
                            ..Default::default()
                        });
                    }
                    None => {}
                },
                Err(e) => {
                    let err = AppError::from_plaid("failed to check link", e).with_link(link.id);
                    self.record_failure(link, "item_check_failed", &err);
                }
            }
        }
        self.list_links().await
    }

    pub(crate) fn require_sandbox_tools(&self) -> Result<()> {
        if !self.inner.mode.allows_sandbox_tools() {
            return Err(AppError::NotConfigured(
                "sandbox tools are only available in offline and sandbox mode".into(),
            ));
        }
        Ok(())
    }

    /// `sandbox_quick_link`: `/sandbox/public_token/create` then the exchange (all accounts).
    pub async fn sandbox_quick_link(
        &self,
        institution_id: &str,
        username: &str,
        password: &str,
    ) -> Result<ExchangeOutput> {
        self.require_sandbox_tools()?;
        validate::token_like("institutionId", institution_id, 100)?;
        validate::token_like("username", username, 100)?;
        if password.is_empty() || password.len() > 200 || password.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "password must be 1 to 200 printable characters",
            ));
        }
        self.check_link_limit()?;
        let settings = self.settings();
        let products = settings
            .products
            .iter()
            .map(|p| Product::from(p.as_str()))
            .collect();
        let req = SandboxPublicTokenCreateRequest::new(institution_id, products)
            .with_user(username, password)
            .with_days_requested(settings.days_requested);
        let resp = self
            .inner
            .plaid
            .sandbox_public_token_create(&req)
            .await
            .map_err(|e| AppError::from_plaid("failed to create link token", e))?;
        self.exchange(
            &resp.public_token,
            Some(institution_id.to_string()),
            None,
            None,
        )
        .await
    }

    /// `sandbox_reset_login`: puts the item in ITEM_LOGIN_REQUIRED (found by the next call).
    pub async fn sandbox_reset_login(&self, link_id: i64) -> Result<()> {
        self.require_sandbox_tools()?;
        let link = self.link(link_id)?;
        let token = self.access_token(&link).await?;
        let r = self
            .inner
            .plaid
            .sandbox_item_reset_login(&token)
            .await
            .map_err(|e| AppError::from_plaid("failed to reset login", e))?;
        self.event(NewEvent {
            link_id: Some(link.id),
            item_id: Some(&link.item_id),
            kind: "sandbox_reset_login",
            detail: "",
            request_id: Some(&r.request_id),
            ..Default::default()
        });
        Ok(())
    }

    /// `sandbox_fire_webhook`: asks the sandbox to fire a webhook for the item (the Sandbox
    /// screen offers [`SANDBOX_WEBHOOK_CODES`]).
    pub async fn sandbox_fire_webhook(&self, link_id: i64, webhook_code: &str) -> Result<()> {
        self.require_sandbox_tools()?;
        validate::token_like("webhookCode", webhook_code, 64)?;
        let link = self.link(link_id)?;
        let token = self.access_token(&link).await?;
        self.inner
            .plaid
            .sandbox_item_fire_webhook(&token, webhook_code, None)
            .await
            .map_err(|e| AppError::from_plaid("failed to fire webhook", e))?;
        Ok(())
    }
}

impl Coffer {
    /// `sandbox_add_transactions`: `/sandbox/transactions/create` (1–10 transactions) on a
    /// link; Plaid (and the offline sandbox) accept it only for Items of the
    /// `user_transactions_dynamic` test user, and answer anything else with their error. The
    /// next sync brings them in.
    pub async fn sandbox_add_transactions(
        &self,
        link_id: i64,
        transactions: Vec<NewSandboxTransaction>,
    ) -> Result<()> {
        self.require_sandbox_tools()?;
        validate::link_id(link_id)?;
        if transactions.is_empty() || transactions.len() > 10 {
            return Err(AppError::invalid(
                "transactions must list 1 to 10 transactions",
            ));
        }
        let mut txns = Vec::with_capacity(transactions.len());
        for (i, t) in transactions.iter().enumerate() {
            txns.push(sandbox_transaction(i, t)?);
        }
        let link = self.link(link_id)?;
        let token = self.access_token(&link).await?;
        let r = self
            .inner
            .plaid
            .sandbox_transactions_create(&token, &txns)
            .await
            .map_err(|e| {
                AppError::from_plaid("failed to add sandbox transactions", e).with_link(link.id)
            })?;
        self.event(NewEvent {
            link_id: Some(link.id),
            item_id: Some(&link.item_id),
            kind: "sandbox_transactions_created",
            detail: &format!("{} transaction(s)", txns.len()),
            request_id: Some(&r.request_id),
            ..Default::default()
        });
        Ok(())
    }

    /// The embedded offline sandbox, or NOT_CONFIGURED.
    fn with_embedded_sandbox<T>(&self, f: impl FnOnce(&coffer_sandbox::Sandbox) -> T) -> Result<T> {
        let guard = self.inner.sandbox.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_ref() {
            Some(sb) if self.inner.mode == Mode::Offline => Ok(f(sb)),
            _ => Err(AppError::NotConfigured(
                "fault injection needs offline mode with its embedded sandbox".into(),
            )),
        }
    }

    /// `sandbox_inject_fault`: makes the embedded offline sandbox fail, stall or drop a Plaid
    /// path (offline mode only). The Sandbox screen offers [`SANDBOX_FAULT_CODES`].
    pub async fn sandbox_inject_fault(&self, input: SandboxFaultInput) -> Result<()> {
        let path = input.path.trim();
        if path != "*"
            && (!path.starts_with('/')
                || path.len() > 100
                || !path[1..]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-')))
        {
            return Err(AppError::invalid(
                "path must be a Plaid API path such as /transactions/sync, or *",
            ));
        }
        if let Some(code) = &input.error_code {
            validate::token_like("errorCode", code, 64)?;
        }
        for (field, value) in [
            ("after", input.after),
            ("times", input.times),
            ("delayMs", input.delay_ms),
        ] {
            if value.is_some_and(|v| v > 1_000_000) {
                return Err(AppError::invalid(format!("{field} is too large")));
            }
        }
        if input.times == Some(0) {
            return Err(AppError::invalid("times must be at least 1"));
        }
        let spec = coffer_sandbox::FaultSpec {
            path: path.to_string(),
            error_code: input.error_code.clone(),
            status: input.status,
            after: input.after.unwrap_or(0),
            times: input.times,
            delay_ms: input.delay_ms,
            drop_connection: input.drop_connection,
            retry_after_secs: None,
        };
        spec.validate().map_err(AppError::invalid)?;
        self.with_embedded_sandbox(|sb| sb.add_fault(spec))?
            .map_err(AppError::invalid)?;
        self.event(NewEvent {
            kind: "sandbox_fault_injected",
            detail: &format!(
                "{path}: {}",
                input
                    .error_code
                    .as_deref()
                    .unwrap_or(if input.drop_connection {
                        "drop connection"
                    } else {
                        "delay or status"
                    })
            ),
            ..Default::default()
        });
        Ok(())
    }

    /// `sandbox_clear_faults`: disarms every fault of the embedded offline sandbox.
    pub async fn sandbox_clear_faults(&self) -> Result<()> {
        self.with_embedded_sandbox(|sb| sb.clear_faults())?;
        self.event(NewEvent {
            kind: "sandbox_faults_cleared",
            detail: "",
            ..Default::default()
        });
        Ok(())
    }

    /// `data_revision`: a fingerprint of everything `list_links` shows (links, accounts,
    /// balance snapshots) plus the event log and transaction counts, read in one query. It
    /// changes with any commit that changes those, by this process or another; the shell polls
    /// it and tells the UI to reload when it moves.
    pub fn data_revision(&self) -> Result<String> {
        let text: String = self.inner.store.read(|c| {
            Ok(c.prepare_cached(
                "SELECT (SELECT count(*) || ',' || coalesce(max(id), 0) || ',' || coalesce(max(updated_at), '')
                                || ',' || coalesce(group_concat(id || ':' || name || ':' || status, ';'), '') FROM links)
                     || '|' || (SELECT count(*) || ',' || coalesce(max(id), 0) || ',' || coalesce(max(updated_at), '')
                                || ',' || coalesce(sum(txn_count), 0) FROM accounts)
                     || '|' || (SELECT coalesce(max(id), 0) FROM balances)
                     || '|' || (SELECT coalesce(max(id), 0) FROM events)",
            )?
            .query_row([], |r| r.get(0))?)
        })?;
        let digest = Sha256::digest(text.as_bytes());
        Ok(digest[..12].iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// Checks one `sandbox_add_transactions` item and converts it for coffer-plaid.
fn sandbox_transaction(i: usize, t: &NewSandboxTransaction) -> Result<SandboxTransaction> {
    let field = |f: &str| format!("transactions[{i}].{f}");
    let amount: Decimal = t.amount.trim().parse().map_err(|_| {
        AppError::invalid(format!(
            "{} must be a decimal number such as 12.34",
            field("amount")
        ))
    })?;
    if amount.is_zero() || amount.abs() >= Decimal::from(1_000_000_000i64) || amount.scale() > 2 {
        return Err(AppError::invalid(format!(
            "{} must be non-zero, below 1,000,000,000 and have at most 2 decimals",
            field("amount")
        )));
    }
    let description = validate::name(&field("description"), &t.description, validate::MAX_NAME)?;
    if let Some(c) = &t.iso_currency_code
        && (c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err(AppError::invalid(format!(
            "{} must be three capital letters such as USD",
            field("isoCurrencyCode")
        )));
    }
    for (f, d) in [
        ("dateTransacted", t.date_transacted),
        ("datePosted", t.date_posted),
    ] {
        if !(2000..=2100).contains(&d.year()) {
            return Err(AppError::invalid(format!(
                "{} must be a date between 2000 and 2100",
                field(f)
            )));
        }
    }
    if t.date_posted < t.date_transacted {
        return Err(AppError::invalid(format!(
            "{} is before {}",
            field("datePosted"),
            field("dateTransacted")
        )));
    }
    Ok(SandboxTransaction {
        date_transacted: t.date_transacted,
        date_posted: t.date_posted,
        amount,
        description,
        iso_currency_code: t.iso_currency_code.clone(),
    })
}

/// Account ids already stored for a link (balances only update those).
fn known_accounts(c: &rusqlite::Connection, link_id: i64) -> Result<Option<Vec<String>>> {
    let ids: Vec<String> = store::accounts::read::by_link(c, link_id)?
        .into_iter()
        .map(|a| a.account_id)
        .collect();
    Ok((!ids.is_empty()).then_some(ids))
}

fn view_of(c: &rusqlite::Connection, l: LinkRow) -> Result<LinkView> {
    let accounts = store::accounts::read::by_link(c, l.id)?
        .into_iter()
        .map(|a| {
            Ok(AccountView {
                balance: store::accounts::read::latest_balance(c, a.rowid)?,
                account_id: a.account_id,
                name: a.name,
                official_name: a.official_name,
                mask: a.mask,
                account_type: a.account_type,
                subtype: a.subtype,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let (health, remedy) = LinkHealth::of(l.status, l.last_error_code.as_deref());
    Ok(LinkView {
        id: l.id,
        name: l.name,
        item_id: l.item_id,
        institution_id: l.institution_id,
        institution_name: l.institution_name,
        status: l.status,
        health,
        remedy,
        products: l.products,
        accounts,
        last_sync_at: l.last_sync_at,
        last_sync_status: l.last_sync_status,
        last_error: l.last_error_code.map(|code| LinkErrorView {
            code,
            request_id: l.last_error_request_id,
            at: l.last_error_at,
        }),
        reconnect_before: l
            .consent_expires_at
            .as_deref()
            .and_then(|at| reconnect_before(at, chrono::Utc::now())),
        consent_expires_at: l.consent_expires_at,
        created_at: l.created_at,
    })
}

/// How long before a consent ends the person is asked to reconnect.
pub const CONSENT_WARNING_DAYS: i64 = 7;

/// The day to reconnect before (`YYYY-MM-DD`, UTC) when consent ends at `expires_at` within
/// [`CONSENT_WARNING_DAYS`] of `now` (or has ended); `None` otherwise.
pub(crate) fn reconnect_before(
    expires_at: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<String> {
    let at = chrono::DateTime::parse_from_rfc3339(expires_at).ok()?;
    (at <= now + chrono::Duration::days(CONSENT_WARNING_DAYS))
        .then(|| at.with_timezone(&chrono::Utc).date_naive().to_string())
}

/// Stores what `/item/get` (or `/accounts/get`'s `item`) says of a link's consent.
pub(crate) fn store_consent(
    store: &crate::store::Store,
    link_id: i64,
    item: &coffer_plaid::Item,
) -> Result<()> {
    let at = item
        .consent_expiration_time
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    store.write(|c| store::links::write::set_consent_expiration(c, link_id, at.as_deref()))?;
    Ok(())
}

/// The session started last (Plaid lists them in no promised order); on equal start times,
/// the one listed last.
fn newest_session(sessions: &[coffer_plaid::LinkSession]) -> Option<&coffer_plaid::LinkSession> {
    sessions
        .iter()
        .enumerate()
        .max_by_key(|(i, s)| (s.started_at, *i))
        .map(|(_, s)| s)
}

/// The Plaid errors the Sandbox screen offers to inject, in the order it lists them.
pub const SANDBOX_FAULT_CODES: &[coffer_plaid::ErrorCode] = {
    use coffer_plaid::ErrorCode as C;
    &[
        C::ItemLoginRequired,
        C::InstitutionDown,
        C::InstitutionNotResponding,
        C::RateLimitExceeded,
        C::InternalServerError,
        C::TransactionsSyncMutationDuringPagination,
        C::InvalidAccessToken,
        C::ProductNotReady,
    ]
};

/// The webhooks the Sandbox screen offers to fire, in the order it lists them.
pub const SANDBOX_WEBHOOK_CODES: &[coffer_plaid::SandboxWebhookCode] = {
    use coffer_plaid::SandboxWebhookCode as W;
    &[
        W::SyncUpdatesAvailable,
        W::DefaultUpdate,
        W::NewAccountsAvailable,
        W::LoginRepaired,
        W::PendingDisconnect,
        W::UserPermissionRevoked,
        W::Error,
    ]
};
