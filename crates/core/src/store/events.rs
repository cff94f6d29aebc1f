//! `events`: the support log (what happened to which link, with Plaid request ids). Never
//! holds a token or secret: only kinds, short details, error codes and request ids.

use serde::Serialize;

/// A logged event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Row id.
    pub id: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Link concerned.
    pub link_id: Option<i64>,
    /// Plaid item id.
    pub item_id: Option<String>,
    /// What happened (`link_created`, `sync_failed`, ...).
    pub kind: String,
    /// Short free text.
    pub detail: String,
    /// Error code.
    pub error_code: Option<String>,
    /// Plaid request id.
    pub request_id: Option<String>,
}

/// An event to log.
#[derive(Debug, Clone, Default)]
pub struct NewEvent<'a> {
    /// Link concerned.
    pub link_id: Option<i64>,
    /// Plaid item id.
    pub item_id: Option<&'a str>,
    /// Kind.
    pub kind: &'a str,
    /// Detail.
    pub detail: &'a str,
    /// Error code.
    pub error_code: Option<&'a str>,
    /// Plaid request id.
    pub request_id: Option<&'a str>,
}

/// Queries.
pub mod read {
    use rusqlite::{Connection, params};

    use super::Event;
    use crate::error::Result;

    /// Most recent events first (of one link, or all).
    pub fn recent(c: &Connection, link_id: Option<i64>, limit: u32) -> Result<Vec<Event>> {
        page(c, link_id, None, limit)
    }

    /// Events with an id below `before_id` (all when `None`), newest first, of one link or
    /// all: a page of the support log.
    pub fn page(
        c: &Connection,
        link_id: Option<i64>,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Event>> {
        let mut st = c.prepare_cached(
            "SELECT id, at, link_id, item_id, kind, detail, error_code, request_id FROM events
             WHERE (?1 IS NULL OR link_id = ?1) AND id < coalesce(?2, 9223372036854775807)
             ORDER BY id DESC LIMIT ?3",
        )?;
        Ok(st
            .query_map(params![link_id, before_id, limit], |r| {
                Ok(Event {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    link_id: r.get(2)?,
                    item_id: r.get(3)?,
                    kind: r.get(4)?,
                    detail: r.get(5)?,
                    error_code: r.get(6)?,
                    request_id: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// Changes.
pub mod write {
    use rusqlite::{Connection, params};

    use super::NewEvent;
    use crate::error::Result;
    use crate::store::now;

    /// Appends an event.
    pub fn insert(c: &Connection, e: &NewEvent<'_>) -> Result<()> {
        c.execute(
            "INSERT INTO events (at, link_id, item_id, kind, detail, error_code, request_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![now(), e.link_id, e.item_id, e.kind, e.detail, e.error_code, e.request_id],
        )?;
        Ok(())
    }
}
