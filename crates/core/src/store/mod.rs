//! The SQLite store: one connection setup, atomic append-only migrations, one module per table.
//!
//! Each table module has a `read` and a `write` submodule of free functions over a
//! `&rusqlite::Connection`; [`Store::read`] and [`Store::write`] hand them the shared
//! connection (the write one inside a transaction). A long sync run uses its own connection
//! ([`Store::open_run`]) so that its open transaction is invisible to everyone else until it
//! commits.

pub mod accounts;
pub mod api_tokens;
pub mod charts;
pub mod events;
pub mod link_tokens;
pub mod links;
pub mod personal;
pub mod schema;
pub mod transactions;
pub mod vault_entries;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::error::{AppError, Result};

/// How long a statement waits for another writer before failing with STORAGE.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Bytes of the database file SQLite may memory-map (reads only; writes go through the WAL).
const MMAP_SIZE: u64 = 1 << 30;
/// SQLite's page cache per connection, in KiB.
const CACHE_KIB: u64 = 16 * 1024;

/// The latest schema version this build knows.
pub fn schema_version() -> i64 {
    schema::MIGRATIONS.len() as i64
}

/// The raw text behind `data_revision`: counts, highest ids and update times of what
/// `list_links` shows (links, accounts, balance snapshots) and of the event log, read in one
/// query, so a commit by any process that changes them changes it.
pub fn revision(c: &Connection) -> Result<String> {
    Ok(c.prepare_cached(
        "SELECT (SELECT count(*) || ',' || coalesce(max(id), 0) || ',' || coalesce(max(updated_at), '')
                        || ',' || coalesce(group_concat(id || ':' || name || ':' || status, ';'), '') FROM links)
             || '|' || (SELECT count(*) || ',' || coalesce(max(id), 0) || ',' || coalesce(max(updated_at), '')
                        || ',' || coalesce(sum(txn_count), 0) FROM accounts)
             || '|' || (SELECT coalesce(max(id), 0) FROM balances)
             || '|' || (SELECT coalesce(max(id), 0) FROM events)
             || '|' || (SELECT n FROM personal_changes)",
    )?
    .query_row([], |r| r.get(0))?)
}

/// Current time as RFC 3339 UTC with milliseconds (sorts as text).
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The database of one mode.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    conn: Mutex<Connection>,
    /// Held by [`Store::settle_search`].
    settle: Mutex<()>,
    /// A second read connection, opened on first use ([`Store::read_helped`]).
    helper: Mutex<Option<Connection>>,
}

fn open_connection(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Refuse a newer database before changing anything in it (journal mode included).
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > schema_version() {
        return Err(AppError::DatabaseTooNew {
            found,
            supported: schema_version(),
        });
    }
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(journal_mode = %mode, "WAL not available");
    }
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
    // Every upsert opens a statement journal (its triggers and UNIQUE / foreign-key checks
    // need one); kept in memory it is a buffer, on disk it was a temp file write per row and
    // about a third of the sync's insert time. A statement journal holds one row's pages.
    conn.execute_batch("PRAGMA temp_store = MEMORY;")?;
    // Reads go through the OS page cache without a copy per page (`mmap_size`, address space
    // only), and hot index pages stay in SQLite's own cache: together they take a page of
    // `list_transactions` and its count from ~10 ms to ~1 ms on a million rows.
    conn.execute_batch(&format!(
        "PRAGMA mmap_size = {MMAP_SIZE}; PRAGMA cache_size = -{CACHE_KIB};"
    ))?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > schema_version() {
        return Err(AppError::DatabaseTooNew {
            found,
            supported: schema_version(),
        });
    }
    for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.execute_batch(sql)
            .map_err(|e| AppError::Storage(format!("migration {} failed: {e}", i + 1)))?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: impl Into<PathBuf>) -> Result<Store> {
        let path = path.into();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::paths::private::create_dir(dir)
                .map_err(|e| AppError::Storage(format!("{}: {e}", dir.display())))?;
        }
        // SQLite creates its WAL and SHM files with the database file's mode, so a database
        // created owner-only here keeps all three owner-only.
        crate::paths::private::file_options()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .and_then(|_| crate::paths::private::tighten(&path))
            .map_err(|e| AppError::Storage(format!("{}: {e}", path.display())))?;
        let mut conn = open_connection(&path)?;
        migrate(&mut conn)?;
        Ok(Store {
            path,
            conn: Mutex::new(conn),
            settle: Mutex::new(()),
            helper: Mutex::new(None),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves a usable connection (SQLite rolls back).
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs read queries on the shared connection.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.lock();
        f(&conn)
    }

    /// [`Store::read`] with a second read-only connection beside the shared one (`None` if it
    /// cannot be opened): a broad search counts its matches on two cores
    /// (`transactions::read::set`). Its lock is taken before the shared connection's.
    pub fn read_helped<T>(
        &self,
        f: impl FnOnce(&Connection, Option<&mut Connection>) -> Result<T>,
    ) -> Result<T> {
        let mut helper = self.helper.lock().unwrap_or_else(|p| p.into_inner());
        if helper.is_none() {
            *helper = open_connection(&self.path)
                .and_then(|c| {
                    c.execute_batch("PRAGMA query_only = ON")?;
                    Ok(c)
                })
                .inspect_err(|e| tracing::warn!(error = %e, "no second read connection"))
                .ok();
        }
        let conn = self.lock();
        f(&conn, helper.as_mut())
    }

    /// Runs writes in one immediate transaction; rolled back if `f` fails. The search index
    /// catches up (`transactions::write::flush_search`) before the commit.
    pub fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        transactions::write::flush_search(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Merges the search index into one segment, one short write transaction per step (so
    /// other writers wait at most a step); returns the steps that did work. Run after large
    /// writes (`Coffer::settle_search_after`); cheap when the index is already merged.
    pub fn settle_search(&self) -> Result<u32> {
        // One merge at a time: a second caller waits for the first, then finds it done.
        let _one = self.settle.lock().unwrap_or_else(|p| p.into_inner());
        let mut steps = 0;
        while self.write(|c| transactions::write::merge_search(c, steps == 0))? {
            steps += 1;
        }
        Ok(steps)
    }

    /// A separate connection holding one long transaction (a sync run). Dropped without
    /// [`Run::commit`], it rolls back.
    pub fn open_run(&self) -> Result<Run> {
        let conn = open_connection(&self.path)?;
        conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(Run { conn, open: true })
    }
}

/// One long write transaction on its own connection. The connection is owned (no borrow), so
/// an async sync loop can hold it across `.await`s.
#[derive(Debug)]
pub struct Run {
    conn: Connection,
    open: bool,
}

impl Run {
    /// The connection, inside the transaction.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }
    /// Commits everything done in this run (the search index catching up first).
    pub fn commit(mut self) -> Result<()> {
        transactions::write::flush_search(&self.conn)?;
        self.conn.execute_batch("COMMIT")?;
        self.open = false;
        Ok(())
    }
    /// Discards everything done in this run.
    pub fn rollback(mut self) -> Result<()> {
        self.open = false;
        self.conn.execute_batch("ROLLBACK")?;
        Ok(())
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_and_newer_db_is_refused_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.db");
        let store = Store::open(&path).expect("open");
        let v: i64 = store
            .read(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?))
            .expect("v");
        assert_eq!(v, schema_version());
        let fk: i64 = store
            .read(|c| Ok(c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?))
            .expect("fk");
        assert_eq!(fk, 1);
        drop(store);
        // Reopen: idempotent.
        drop(Store::open(&path).expect("reopen"));

        // A database from the future, in rollback-journal mode.
        let future = dir.path().join("future.db");
        {
            let c = Connection::open(&future).expect("c");
            c.execute_batch("CREATE TABLE t(x); PRAGMA user_version = 99;")
                .expect("b");
        }
        let before = std::fs::read(&future).expect("read");
        let err = Store::open(&future).expect_err("must refuse");
        assert_eq!(err.code(), crate::error::ErrorCode::DatabaseTooNew);
        assert!(err.to_string().contains("newer version"));
        assert_eq!(
            std::fs::read(&future).expect("read"),
            before,
            "file modified"
        );
        assert!(!dir.path().join("future.db-wal").exists());
    }

    #[test]
    fn failed_migration_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.db");
        {
            // Simulate a conflicting object so migration 1 fails halfway.
            let c = Connection::open(&path).expect("c");
            c.execute_batch("CREATE TABLE link_tokens(x);").expect("b");
        }
        let err = Store::open(&path).expect_err("must fail");
        assert_eq!(err.code(), crate::error::ErrorCode::Storage);
        let c = Connection::open(&path).expect("c");
        let v: i64 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("v");
        assert_eq!(v, 0);
        let links: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'links'",
                [],
                |r| r.get(0),
            )
            .expect("q");
        assert_eq!(links, 0, "partial migration left behind");
    }
}
