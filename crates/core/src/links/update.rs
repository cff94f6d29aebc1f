//! The end of Link's update mode (Reconnect, add accounts): the Item is asked again and the
//! link made healthy.

use super::{store_accounts, store_consent};
use crate::coffer::Coffer;
use crate::error::{AppError, Result};
use crate::store::events::NewEvent;
use crate::store::{self};
use crate::validate;
use crate::views::LinkView;

impl Coffer {
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
            store::link_tokens::write::mark_link_tokens_used(c, link.id)?;
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
}
