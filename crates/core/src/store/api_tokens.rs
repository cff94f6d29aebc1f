//! `api_tokens`: bearer tokens of the local REST API. Holds names and SHA-256 hashes, never a
//! token itself.

/// A stored token (its hash stays inside the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRow {
    /// Row id.
    pub id: i64,
    /// The name given at creation.
    pub name: String,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Revoked (RFC 3339), if it was.
    pub revoked_at: Option<String>,
}

/// Queries.
pub mod read {
    use rusqlite::{Connection, params};

    use super::ApiTokenRow;
    use crate::error::Result;

    /// Every token, oldest first.
    pub fn all(c: &Connection) -> Result<Vec<ApiTokenRow>> {
        let mut stmt = c.prepare_cached(
            "SELECT id, name, created_at, revoked_at FROM api_tokens ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ApiTokenRow {
                id: r.get(0)?,
                name: r.get(1)?,
                created_at: r.get(2)?,
                revoked_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Ids and hashes of the tokens not revoked.
    pub fn live_hashes(c: &Connection) -> Result<Vec<(i64, Vec<u8>)>> {
        let mut stmt = c.prepare_cached(
            "SELECT id, token_hash FROM api_tokens WHERE revoked_at IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map(params![], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Changes.
pub mod write {
    use rusqlite::{Connection, params};

    use crate::error::Result;
    use crate::store::now;

    /// Stores a new token's hash; returns its id.
    pub fn insert(c: &Connection, name: &str, token_hash: &[u8]) -> Result<i64> {
        c.execute(
            "INSERT INTO api_tokens (name, token_hash, created_at) VALUES (?1, ?2, ?3)",
            params![name, token_hash, now()],
        )?;
        Ok(c.last_insert_rowid())
    }

    /// Revokes a live token; returns whether one was revoked.
    pub fn revoke(c: &Connection, id: i64) -> Result<bool> {
        Ok(c.execute(
            "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, now()],
        )? == 1)
    }
}
