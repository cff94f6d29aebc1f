//! Sandbox tools (sandbox and offline modes only): a link in one step, a reset login, a
//! webhook, transactions, and faults in the embedded offline sandbox.

use chrono::Datelike;
use coffer_plaid::{Product, SandboxPublicTokenCreateRequest, SandboxTransaction};
use rust_decimal::Decimal;

use crate::coffer::Coffer;
use crate::error::{AppError, Result};
use crate::mode::Mode;
use crate::store::events::NewEvent;
use crate::validate;
use crate::views::{ExchangeOutput, NewSandboxTransaction, SandboxFaultInput};

/// Checks one `sandbox_add_transactions` item and converts it for coffer-plaid.
pub(super) fn sandbox_transaction(
    i: usize,
    t: &NewSandboxTransaction,
) -> Result<SandboxTransaction> {
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

impl Coffer {
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
    pub(super) fn with_embedded_sandbox<T>(
        &self,
        f: impl FnOnce(&coffer_sandbox::Sandbox) -> T,
    ) -> Result<T> {
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
}
