//! Health checks and balances: `/item/get` for every link (consent, Item errors), and live
//! balances from `/accounts/balance/get` only when the person asks for them (Plaid bills it per
//! call; sync stores the free cached balances of `/accounts/get`).

use super::store_accounts;
use super::view::known_accounts;
use crate::coffer::Coffer;
use crate::error::{AppError, Result};
use crate::store::events::NewEvent;
use crate::store::links::{LinkRow, LinkStatus};
use crate::store::{self};
use crate::views::LinkView;

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

impl Coffer {
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

    pub(super) async fn refresh_balances_of(&self, link: &LinkRow) -> Result<()> {
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
}
