//! Links as the front ends show them, renaming, and the data revision that tells a front end
//! another process changed something.

use sha2::{Digest, Sha256};

use super::reconnect_before;
use crate::coffer::Coffer;
use crate::error::Result;
use crate::store::links::LinkRow;
use crate::store::{self};
use crate::validate;
use crate::views::{AccountView, LinkErrorView, LinkHealth, LinkView};

/// Account ids already stored for a link (balances only update those).
pub(super) fn known_accounts(
    c: &rusqlite::Connection,
    link_id: i64,
) -> Result<Option<Vec<String>>> {
    let ids: Vec<String> = store::accounts::read::by_link(c, link_id)?
        .into_iter()
        .map(|a| a.account_id)
        .collect();
    Ok((!ids.is_empty()).then_some(ids))
}

pub(super) fn view_of(c: &rusqlite::Connection, l: LinkRow) -> Result<LinkView> {
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

impl Coffer {
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

    /// `data_revision`: a fingerprint of everything `list_links` shows (links, accounts,
    /// balance snapshots) plus the event log and transaction counts, read in one query. It
    /// changes with any commit that changes those, by this process or another; the shell polls
    /// it and tells the UI to reload when it moves.
    pub fn data_revision(&self) -> Result<String> {
        let text = self.inner.store.read(store::revision)?;
        let digest = Sha256::digest(text.as_bytes());
        Ok(digest[..12].iter().map(|b| format!("{b:02x}")).collect())
    }
}
