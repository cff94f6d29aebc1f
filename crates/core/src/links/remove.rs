//! Removing a link: at Plaid, in the keychain and in SQLite (or archived with its data kept).

use crate::coffer::Coffer;
use crate::error::{AppError, Result};
use crate::store::events::NewEvent;
use crate::store::links::LinkStatus;
use crate::store::{self};

impl Coffer {
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
}
