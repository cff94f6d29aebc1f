//! `links` (one per Plaid Item) and `public_tokens` (hashes of exchanged public tokens).

use serde::{Deserialize, Serialize};

/// Health of a link, shown everywhere a link is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LinkStatus {
    /// Working.
    Active,
    /// The bank needs the user to log in again: Reconnect (Link update mode).
    LoginRequired,
    /// The keychain entry with the access token is gone: remove and link again.
    KeychainMissing,
    /// Plaid said the access token is dead (`INVALID_ACCESS_TOKEN`, `ITEM_NOT_FOUND`, ...):
    /// remove and link again.
    Broken,
    /// Removed at Plaid, data kept (`remove_link { keepData: true }`).
    Archived,
}

impl LinkStatus {
    /// The status a Plaid error code moves a live link to, if it says anything about the link:
    /// a sign-in problem needs a reconnect (the access token stays valid), a dead token leaves
    /// only removing the link and linking the bank again.
    pub fn after_plaid_error(code: &coffer_plaid::ErrorCode) -> Option<LinkStatus> {
        if code.needs_reconnect() {
            Some(LinkStatus::LoginRequired)
        } else if code.is_dead_token() {
            Some(LinkStatus::Broken)
        } else {
            None
        }
    }

    /// Stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Active => "ACTIVE",
            LinkStatus::LoginRequired => "LOGIN_REQUIRED",
            LinkStatus::KeychainMissing => "KEYCHAIN_MISSING",
            LinkStatus::Broken => "BROKEN",
            LinkStatus::Archived => "ARCHIVED",
        }
    }
    fn parse(s: &str) -> LinkStatus {
        match s {
            "LOGIN_REQUIRED" => LinkStatus::LoginRequired,
            "KEYCHAIN_MISSING" => LinkStatus::KeychainMissing,
            "BROKEN" => LinkStatus::Broken,
            "ARCHIVED" => LinkStatus::Archived,
            _ => LinkStatus::Active,
        }
    }
}

/// A row of `links`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    /// Local id (what the UI calls `linkId`).
    pub id: i64,
    /// Plaid item id (not a secret).
    pub item_id: String,
    /// Plaid institution id.
    pub institution_id: Option<String>,
    /// Institution display name.
    pub institution_name: Option<String>,
    /// User-given name.
    pub name: String,
    /// Health.
    pub status: LinkStatus,
    /// Plaid products.
    pub products: Vec<String>,
    /// Stored `/transactions/sync` cursor.
    pub cursor: Option<String>,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last successful sync (RFC 3339).
    pub last_sync_at: Option<String>,
    /// Last `transactions_update_status`.
    pub last_sync_status: Option<String>,
    /// Last error code (Plaid's or ours).
    pub last_error_code: Option<String>,
    /// Plaid request id of the last error.
    pub last_error_request_id: Option<String>,
    /// When the last error happened.
    pub last_error_at: Option<String>,
    /// When the person's consent to share this Item ends (RFC 3339), if the bank sets one.
    pub consent_expires_at: Option<String>,
}

const COLUMNS: &str = "id, item_id, institution_id, institution_name, name, status, products, cursor, created_at, \
     last_sync_at, last_sync_status, last_error_code, last_error_request_id, last_error_at, \
     consent_expires_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LinkRow> {
    let status: String = r.get(5)?;
    let products: String = r.get(6)?;
    Ok(LinkRow {
        id: r.get(0)?,
        item_id: r.get(1)?,
        institution_id: r.get(2)?,
        institution_name: r.get(3)?,
        name: r.get(4)?,
        status: LinkStatus::parse(&status),
        products: serde_json::from_str(&products).unwrap_or_default(),
        cursor: r.get(7)?,
        created_at: r.get(8)?,
        last_sync_at: r.get(9)?,
        last_sync_status: r.get(10)?,
        last_error_code: r.get(11)?,
        last_error_request_id: r.get(12)?,
        last_error_at: r.get(13)?,
        consent_expires_at: r.get(14)?,
    })
}

/// Queries.
pub mod read {
    use rusqlite::{Connection, OptionalExtension, params};

    use super::{COLUMNS, LinkRow, from_row};
    use crate::error::Result;

    /// One link by id.
    pub fn get(c: &Connection, id: i64) -> Result<Option<LinkRow>> {
        Ok(c.query_row(
            &format!("SELECT {COLUMNS} FROM links WHERE id = ?1"),
            params![id],
            from_row,
        )
        .optional()?)
    }

    /// One link by Plaid item id.
    pub fn by_item(c: &Connection, item_id: &str) -> Result<Option<LinkRow>> {
        Ok(c.query_row(
            &format!("SELECT {COLUMNS} FROM links WHERE item_id = ?1"),
            params![item_id],
            from_row,
        )
        .optional()?)
    }

    /// All links, oldest first.
    pub fn list(c: &Connection) -> Result<Vec<LinkRow>> {
        let mut st = c.prepare(&format!("SELECT {COLUMNS} FROM links ORDER BY id"))?;
        let rows = st
            .query_map([], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Links that count against the link limit (not archived).
    pub fn count_live(c: &Connection) -> Result<u32> {
        Ok(c.query_row(
            "SELECT count(*) FROM links WHERE status != 'ARCHIVED'",
            [],
            |r| r.get(0),
        )?)
    }

    /// The link a public token (by hash) was already exchanged into.
    pub fn by_public_token_hash(c: &Connection, hash: &str) -> Result<Option<i64>> {
        Ok(c.query_row(
            "SELECT link_id FROM public_tokens WHERE hash = ?1",
            params![hash],
            |r| r.get(0),
        )
        .optional()?)
    }
}

/// Changes.
pub mod write {
    use rusqlite::{Connection, params};

    use super::LinkStatus;
    use crate::error::Result;
    use crate::store::now;

    /// What a new link needs.
    #[derive(Debug, Clone)]
    pub struct NewLink<'a> {
        /// Plaid item id.
        pub item_id: &'a str,
        /// Institution id.
        pub institution_id: Option<&'a str>,
        /// Institution name.
        pub institution_name: Option<&'a str>,
        /// Display name.
        pub name: &'a str,
        /// Products.
        pub products: &'a [String],
    }

    /// Inserts a link, returns its id.
    pub fn insert(c: &Connection, l: &NewLink<'_>) -> Result<i64> {
        let t = now();
        c.execute(
            "INSERT INTO links (item_id, institution_id, institution_name, name, status, products, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'ACTIVE', ?5, ?6, ?6)",
            params![
                l.item_id,
                l.institution_id,
                l.institution_name,
                l.name,
                serde_json::to_string(l.products).unwrap_or_else(|_| "[]".into()),
                t
            ],
        )?;
        Ok(c.last_insert_rowid())
    }

    /// Records the hash of the public token a link came from.
    pub fn record_public_token(c: &Connection, hash: &str, link_id: i64) -> Result<()> {
        c.execute(
            "INSERT OR IGNORE INTO public_tokens (hash, link_id, exchanged_at) VALUES (?1, ?2, ?3)",
            params![hash, link_id, now()],
        )?;
        Ok(())
    }

    /// Sets the status.
    pub fn set_status(c: &Connection, id: i64, status: LinkStatus) -> Result<usize> {
        Ok(c.execute(
            "UPDATE links SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, status.as_str(), now()],
        )?)
    }

    /// Records an error (code and Plaid request id).
    pub fn set_error(
        c: &Connection,
        id: i64,
        code: &str,
        request_id: Option<&str>,
    ) -> Result<usize> {
        let t = now();
        Ok(c.execute(
            "UPDATE links SET last_error_code = ?2, last_error_request_id = ?3, last_error_at = ?4, updated_at = ?4 WHERE id = ?1",
            params![id, code, request_id, t],
        )?)
    }

    /// Clears the error and, unless archived, sets the link active again.
    pub fn clear_error(c: &Connection, id: i64) -> Result<usize> {
        Ok(c.execute(
            "UPDATE links SET last_error_code = NULL, last_error_request_id = NULL, last_error_at = NULL,
                 status = CASE WHEN status = 'ARCHIVED' THEN status ELSE 'ACTIVE' END, updated_at = ?2
             WHERE id = ?1",
            params![id, now()],
        )?)
    }

    /// Records when the Item's consent ends (`None`: the bank sets no end).
    pub fn set_consent_expiration(c: &Connection, id: i64, at: Option<&str>) -> Result<usize> {
        Ok(c.execute(
            "UPDATE links SET consent_expires_at = ?2 WHERE id = ?1 AND consent_expires_at IS NOT ?2",
            params![id, at],
        )?)
    }

    /// Renames.
    pub fn rename(c: &Connection, id: i64, name: &str) -> Result<usize> {
        Ok(c.execute(
            "UPDATE links SET name = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, name, now()],
        )?)
    }

    /// Stores the cursor of a finished sync run.
    pub fn set_synced(c: &Connection, id: i64, cursor: &str, update_status: &str) -> Result<usize> {
        let t = now();
        Ok(c.execute(
            "UPDATE links SET cursor = ?2, last_sync_status = ?3, last_sync_at = ?4, updated_at = ?4 WHERE id = ?1",
            params![id, cursor, update_status, t],
        )?)
    }

    /// Deletes a link and (cascade) its accounts, balances, transactions, tokens.
    pub fn delete(c: &Connection, id: i64) -> Result<usize> {
        Ok(c.execute("DELETE FROM links WHERE id = ?1", params![id])?)
    }

    /// Keeps the data of a removed link: archived, no cursor, no pending link tokens.
    pub fn archive(c: &Connection, id: i64) -> Result<usize> {
        c.execute("DELETE FROM link_tokens WHERE link_id = ?1", params![id])?;
        Ok(c.execute(
            "UPDATE links SET status = 'ARCHIVED', cursor = NULL, updated_at = ?2 WHERE id = ?1",
            params![id, now()],
        )?)
    }
}
