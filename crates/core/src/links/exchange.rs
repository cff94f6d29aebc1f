//! The public-token exchange: a Link success becomes a link, its access token in the keychain
//! and its accounts in SQLite, exactly once, and nothing is left half-done when a step fails.

use coffer_plaid::Secret;
use sha2::{Digest, Sha256};

use super::store_accounts;
use crate::coffer::Coffer;
use crate::error::{AppError, Result};
use crate::store::events::NewEvent;
use crate::store::{self};
use crate::validate;
use crate::views::{ExchangeInput, ExchangeOutput};

/// SHA-256 of a public token, hex: what is kept to make the exchange idempotent.
pub(crate) fn public_token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Coffer {
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
            store::link_tokens::write::mark_new_link_tokens_used(c)?;
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
    pub(super) async fn undo_exchange(&self, token: &Secret, _key: Option<&str>, item_id: &str) {
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
    pub(super) async fn rollback_exchange(&self, token: &Secret, key: &str, item_id: &str) {
        let vault_ok = self.vault_delete(key.to_string()).await.is_ok();
        self.undo_exchange(token, Some(key), item_id).await;
        if vault_ok {
            let _ = self
                .inner
                .store
                .write(|c| store::vault_entries::write::delete(c, key));
        }
    }
}
