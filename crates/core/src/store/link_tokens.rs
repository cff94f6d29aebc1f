//! `link_tokens`: the link token cache (`create_link_token { useCache: true }`).

/// A cached link token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTokenRow {
    /// The token (short-lived, not a secret).
    pub link_token: String,
    /// What it was made for (`new`, `update:3`, ... with `+hosted`).
    pub purpose: String,
    /// Link concerned (update mode).
    pub link_id: Option<i64>,
    /// Expiration (RFC 3339).
    pub expiration: String,
    /// Hosted Link URL.
    pub hosted_link_url: Option<String>,
    /// When it was used (exchanged), if it was.
    pub used_at: Option<String>,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LinkTokenRow> {
    Ok(LinkTokenRow {
        link_token: r.get(0)?,
        purpose: r.get(1)?,
        link_id: r.get(2)?,
        expiration: r.get(3)?,
        hosted_link_url: r.get(4)?,
        used_at: r.get(5)?,
    })
}
const COLS: &str = "link_token, purpose, link_id, expiration, hosted_link_url, used_at";

/// Queries.
pub mod read {
    use rusqlite::{Connection, OptionalExtension, params};

    use super::{COLS, LinkTokenRow, row};
    use crate::error::Result;

    /// An unused token for `purpose` still valid at `valid_until` (RFC 3339), newest first.
    pub fn reusable(
        c: &Connection,
        purpose: &str,
        valid_until: &str,
    ) -> Result<Option<LinkTokenRow>> {
        Ok(c.query_row(
            &format!(
                "SELECT {COLS} FROM link_tokens WHERE purpose = ?1 AND used_at IS NULL AND expiration > ?2
                 ORDER BY id DESC LIMIT 1"
            ),
            params![purpose, valid_until],
            row,
        )
        .optional()?)
    }

    /// A token by value.
    pub fn get(c: &Connection, token: &str) -> Result<Option<LinkTokenRow>> {
        Ok(c.query_row(
            &format!("SELECT {COLS} FROM link_tokens WHERE link_token = ?1"),
            params![token],
            row,
        )
        .optional()?)
    }
}

/// Changes.
pub mod write {
    use rusqlite::{Connection, params};

    use crate::error::Result;
    use crate::store::now;

    /// Caches a new token.
    pub fn insert(
        c: &Connection,
        token: &str,
        purpose: &str,
        link_id: Option<i64>,
        expiration: &str,
        hosted_link_url: Option<&str>,
    ) -> Result<()> {
        c.execute(
            "INSERT OR IGNORE INTO link_tokens (link_token, purpose, link_id, expiration, hosted_link_url, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![token, purpose, link_id, expiration, hosted_link_url, now()],
        )?;
        Ok(())
    }

    /// Marks a token used (it will not be handed out again).
    pub fn mark_used(c: &Connection, token: &str) -> Result<()> {
        c.execute(
            "UPDATE link_tokens SET used_at = ?2 WHERE link_token = ?1 AND used_at IS NULL",
            params![token, now()],
        )?;
        Ok(())
    }

    /// Marks every unused token for a new link used: one new link was just made, and a token
    /// for "a new link" must not be handed out again for another.
    pub fn mark_new_link_tokens_used(c: &Connection) -> Result<()> {
        c.execute(
            "UPDATE link_tokens SET used_at = ?1 WHERE used_at IS NULL AND link_id IS NULL",
            params![now()],
        )?;
        Ok(())
    }

    /// Marks every unused update-mode token of a link used (its update mode just ended).
    pub fn mark_link_tokens_used(c: &Connection, link_id: i64) -> Result<()> {
        c.execute(
            "UPDATE link_tokens SET used_at = ?2 WHERE used_at IS NULL AND link_id = ?1",
            params![link_id, now()],
        )?;
        Ok(())
    }

    /// Forgets expired tokens.
    pub fn prune(c: &Connection, before: &str) -> Result<usize> {
        Ok(c.execute(
            "DELETE FROM link_tokens WHERE expiration < ?1",
            params![before],
        )?)
    }
}
