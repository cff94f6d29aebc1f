//! `vault_entries`: the index of keychain entries this app wrote (keychains cannot be listed).

/// Queries.
pub mod read {
    use rusqlite::Connection;

    use crate::error::Result;

    /// All (key, item id) pairs.
    pub fn list(c: &Connection) -> Result<Vec<(String, String)>> {
        let mut st =
            c.prepare("SELECT key, item_id FROM vault_entries ORDER BY created_at, key")?;
        Ok(st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// Changes.
pub mod write {
    use rusqlite::{Connection, params};

    use crate::error::Result;
    use crate::store::now;

    /// Records that `key` is (about to be) in the keychain.
    pub fn insert(c: &Connection, key: &str, item_id: &str) -> Result<()> {
        c.execute(
            "INSERT OR IGNORE INTO vault_entries (key, item_id, created_at) VALUES (?1, ?2, ?3)",
            params![key, item_id, now()],
        )?;
        Ok(())
    }

    /// Forgets `key`.
    pub fn delete(c: &Connection, key: &str) -> Result<()> {
        c.execute("DELETE FROM vault_entries WHERE key = ?1", params![key])?;
        Ok(())
    }
}
