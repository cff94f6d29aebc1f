//! `/transactions/sync` (docs/ARCHITECTURE.md, "Sync").
//!
//! One run per link at a time (a per-link async mutex, and a file lock `locks/sync-<id>.lock`
//! across processes: a second caller waits, then syncs from the cursor the first one
//! committed, usually getting nothing new). A run opens its own
//! SQLite connection and one transaction, applies the pages in order on a blocking thread
//! while the next page is fetched (memory bounded by two pages), writes the new cursor in the
//! same transaction and commits only when `has_more == false`. On TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION it rolls back and
//! restarts from the stored cursor, at most [`MAX_SYNC_RESTARTS`] times. A crash (even
//! SIGKILL) at any point leaves the previous committed state: the next run starts again from
//! the stored cursor. Retries for 429 / 5xx / dropped connections are the client's; Item
//! errors (ITEM_LOGIN_REQUIRED, ...) update the link's status.

use std::collections::HashMap;
use std::sync::Arc;

use coffer_plaid::{Secret, Transaction, TransactionsSyncRequest, TransactionsSyncResponse};

use crate::coffer::Coffer;
use crate::coffer::LinkLock;
use crate::error::{AppError, Result};
use crate::store::events::NewEvent;
use crate::store::links::{LinkRow, LinkStatus};
use crate::store::{self, Run};
use crate::views::{ErrorView, ProgressFn, SyncProgress, SyncReport, SyncStatus};

/// Page size asked of Plaid (its maximum).
pub const SYNC_PAGE_SIZE: u32 = 500;
/// Restarts after a mutation during pagination before giving up.
pub const MAX_SYNC_RESTARTS: u32 = 5;

const CONTEXT: &str = "failed to sync transactions";

#[derive(Default)]
struct Counts {
    added: u64,
    modified: u64,
    removed: u64,
    pages: u32,
}

/// What a run carries from page to page.
#[derive(Default)]
struct RunState {
    /// Plaid account id -> account row id.
    accounts: HashMap<String, i64>,
    /// Pending rows Plaid removed that carry the person's words: kept until the run ends, so
    /// that the posted row replacing them (`pending_transaction_id`), which may come in a
    /// later page, takes those words over first.
    removed_later: Vec<String>,
}

/// How long the words of a removed pending row wait for the posted row replacing it.
const HOLD_DAYS: i64 = 30;

/// Ends a run's removals: each pending row that still carries words is held, then removed;
/// words held longer than [`HOLD_DAYS`] are forgotten.
pub(crate) fn finish_removals(c: &rusqlite::Connection, removed_later: &[String]) -> Result<()> {
    for id in removed_later {
        store::personal::write::hold(c, id)?;
        store::transactions::write::remove(c, id)?;
    }
    let before = (chrono::Utc::now() - chrono::Duration::days(HOLD_DAYS))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    store::personal::write::purge_held(c, &before)?;
    Ok(())
}

fn apply_page(
    c: &rusqlite::Connection,
    link_id: i64,
    page: &TransactionsSyncResponse,
    run: &mut RunState,
) -> Result<()> {
    let accounts = &mut run.accounts;
    for a in &page.accounts {
        let rowid = crate::links::upsert_account(c, link_id, a)?;
        accounts.insert(a.account_id.clone(), rowid);
    }
    for t in page.added.iter().chain(page.modified.iter()) {
        let rowid = account_rowid(c, link_id, &t.account_id, accounts)?;
        upsert(c, rowid, t)?;
    }
    for r in &page.removed {
        if store::personal::read::pending_with_personal(c, &r.transaction_id)? {
            run.removed_later.push(r.transaction_id.clone());
        } else {
            store::transactions::write::remove(c, &r.transaction_id)?;
        }
    }
    // The person's rules run on every row this page added or modified (never over a field
    // they set by hand; docs/ARCHITECTURE.md, "Edits, rules, splits and transfers").
    let changed: Vec<&str> = page
        .added
        .iter()
        .chain(page.modified.iter())
        .map(|t| t.transaction_id.as_str())
        .collect();
    crate::personal::rules::run_on(c, &changed)?;
    Ok(())
}

fn account_rowid(
    c: &rusqlite::Connection,
    link_id: i64,
    account_id: &str,
    cache: &mut HashMap<String, i64>,
) -> Result<i64> {
    if let Some(id) = cache.get(account_id) {
        return Ok(*id);
    }
    let id = match store::accounts::read::by_account_id(c, account_id)? {
        Some(a) => a.rowid,
        // An account Plaid did not list in this page: keep the transaction under a placeholder
        // the next /accounts/get fills in.
        None => store::accounts::write::upsert(
            c,
            link_id,
            &store::accounts::write::NewAccount {
                account_id,
                name: "Account",
                official_name: None,
                mask: None,
                account_type: "other",
                subtype: None,
            },
        )?,
    };
    cache.insert(account_id.to_string(), id);
    Ok(id)
}

fn upsert(c: &rusqlite::Connection, account_rowid: i64, t: &Transaction) -> Result<()> {
    let pfc = t.personal_finance_category.as_ref();
    let category = pfc.map(|p| p.primary.as_str()).or_else(|| {
        t.category
            .as_ref()
            .and_then(|c| c.first())
            .map(String::as_str)
    });
    store::transactions::write::upsert(
        c,
        &store::transactions::write::NewTransaction {
            transaction_id: &t.transaction_id,
            account_rowid,
            date: t.date.to_string(),
            authorized_date: t.authorized_date.map(|d| d.to_string()),
            amount: t.amount.to_string(),
            iso_currency_code: t.iso_currency_code.as_deref(),
            unofficial_currency_code: t.unofficial_currency_code.as_deref(),
            name: &t.name,
            merchant_name: t.merchant_name.as_deref(),
            pending: t.pending,
            pending_transaction_id: t.pending_transaction_id.as_deref(),
            payment_channel: Some(t.payment_channel.as_str()),
            category,
            category_detailed: pfc.map(|p| p.detailed.as_str()),
        },
    )
}

impl Coffer {
    /// `sync_transactions`: one link (its error returned) or every live link (errors reported
    /// per link in each [`SyncReport`]). `observer` hears which links the run covers, its
    /// progress and each link's report (see [`crate::SyncObserver`]).
    pub async fn sync_transactions(
        &self,
        link_id: Option<i64>,
        observer: Option<ProgressFn>,
    ) -> Result<Vec<SyncReport>> {
        let finished = |report: &SyncReport| {
            if let Some(o) = &observer {
                o.finished(report);
            }
        };
        if let Some(id) = link_id {
            if let Some(o) = &observer {
                o.started(&[id]);
            }
            return match self.sync_link(id, observer.clone()).await {
                Ok(report) => {
                    finished(&report);
                    Ok(vec![report])
                }
                Err(e) => {
                    finished(&SyncReport::failed(id, &e));
                    Err(e)
                }
            };
        }
        let links: Vec<LinkRow> = self
            .inner
            .store
            .read(store::links::read::list)?
            .into_iter()
            .filter(|l| l.status != LinkStatus::Archived)
            .collect();
        if let Some(o) = &observer {
            o.started(&links.iter().map(|l| l.id).collect::<Vec<_>>());
        }
        let mut reports = Vec::new();
        for link in links {
            let report = if link.status == LinkStatus::Broken {
                // Plaid said the token is dead: asking again only repeats that.
                SyncReport::skipped(link.id)
            } else {
                match self.sync_link(link.id, observer.clone()).await {
                    Ok(r) => r,
                    Err(e @ AppError::KeychainUnavailable(_))
                        if link.status == LinkStatus::KeychainMissing =>
                    {
                        SyncReport {
                            error: Some(ErrorView::from(&e)),
                            ..SyncReport::skipped(link.id)
                        }
                    }
                    Err(e) => SyncReport::failed(link.id, &e),
                }
            };
            finished(&report);
            // Removed by another process since the list was read: not a link any more.
            if !matches!(&report.error, Some(e) if e.code == crate::ErrorCode::LinkNotFound) {
                reports.push(report);
            }
        }
        Ok(reports)
    }

    /// Syncs one link (see the module doc).
    pub async fn sync_link(
        &self,
        link_id: i64,
        progress: Option<ProgressFn>,
    ) -> Result<SyncReport> {
        // Held across processes, and shared with the blocking tasks of the run: if this future
        // is dropped mid-page, the lock is released only after that task has dropped (rolled
        // back) its transaction.
        let guard = Arc::new(self.lock_link(crate::validate::link_id(link_id)?).await?);
        let link = self.link(link_id)?;
        let token = self.access_token(&link).await?;

        // Accounts and their cached balances: free, and a snapshot per sync.
        match self.inner.plaid.accounts_get(&token, None).await {
            Ok(r) => {
                let known: Vec<String> = self
                    .inner
                    .store
                    .read(|c| store::accounts::read::by_link(c, link.id))?
                    .into_iter()
                    .map(|a| a.account_id)
                    .collect();
                let only = (!known.is_empty()).then_some(known);
                self.inner.store.write(|c| {
                    crate::links::store_accounts(
                        c,
                        link.id,
                        &r.accounts,
                        only.as_deref(),
                        "accounts_get",
                    )
                })?;
            }
            Err(e) => return Err(self.sync_failed(&link, AppError::from_plaid(CONTEXT, e))),
        }

        let mut restarts = 0;
        loop {
            match self
                .sync_run(&link, &token, &guard, restarts, progress.as_ref())
                .await
            {
                Ok((counts, update_status)) => {
                    let status = if update_status == "NOT_READY" {
                        SyncStatus::NotReady
                    } else {
                        SyncStatus::Updated
                    };
                    let detail = format!(
                        "{update_status}: +{} ~{} -{} in {} page(s), {restarts} restart(s)",
                        counts.added, counts.modified, counts.removed, counts.pages
                    );
                    if link.status == LinkStatus::LoginRequired || link.last_error_code.is_some() {
                        self.inner
                            .store
                            .write(|c| store::links::write::clear_error(c, link.id))?;
                    }
                    self.event(NewEvent {
                        link_id: Some(link.id),
                        item_id: Some(&link.item_id),
                        kind: "sync_done",
                        detail: &detail,
                        ..Default::default()
                    });
                    self.settle_search_after(counts.added + counts.modified + counts.removed);
                    return Ok(SyncReport {
                        link_id: link.id,
                        status,
                        update_status: Some(update_status),
                        added: counts.added,
                        modified: counts.modified,
                        removed: counts.removed,
                        pages: counts.pages,
                        restarts,
                        error: None,
                    });
                }
                Err(e) if e.plaid_code().is_some_and(|c| c.restarts_sync()) => {
                    restarts += 1;
                    self.event(NewEvent {
                        link_id: Some(link.id),
                        item_id: Some(&link.item_id),
                        kind: "sync_restarted",
                        detail: "data changed during pagination: rolled back, restarting from the stored cursor",
                        error_code: e.plaid_code().map(|c| c.as_str()),
                        request_id: e.plaid().and_then(|p| p.request_id.as_deref()),
                    });
                    if restarts > MAX_SYNC_RESTARTS {
                        return Err(self.sync_failed(&link, e));
                    }
                }
                Err(e) => return Err(self.sync_failed(&link, e)),
            }
        }
    }

    fn sync_failed(&self, link: &LinkRow, err: AppError) -> AppError {
        let err = err.with_link(link.id);
        self.record_failure(link, "sync_failed", &err);
        err
    }

    /// One `/transactions/sync` request from `cursor` (`None`: the beginning).
    async fn fetch_page(
        &self,
        token: &Secret,
        cursor: Option<String>,
    ) -> Result<TransactionsSyncResponse> {
        let mut req = TransactionsSyncRequest::new(token).with_count(SYNC_PAGE_SIZE);
        if let Some(c) = cursor {
            req = req.with_cursor(c);
        }
        self.inner
            .plaid
            .transactions_sync(&req)
            .await
            .map_err(|e| AppError::from_plaid(CONTEXT, e))
    }

    /// One attempt: a transaction from the stored cursor to `has_more == false`. The run's
    /// transaction is rolled back (dropped) before any error is returned.
    ///
    /// Pages are pipelined: page n is applied on a blocking thread while page n + 1 (whose
    /// cursor page n carries) is fetched, so the network and Plaid's side overlap with SQLite.
    /// At most two pages are in memory; the order of writes is the order of pages.
    async fn sync_run(
        &self,
        link: &LinkRow,
        token: &Secret,
        guard: &Arc<LinkLock>,
        restarts: u32,
        progress: Option<&ProgressFn>,
    ) -> Result<(Counts, String)> {
        let cursor = self
            .inner
            .store
            .read(|c| store::links::read::get(c, link.id))?
            .ok_or(AppError::LinkNotFound(link.id))?
            .cursor
            .filter(|c| !c.is_empty());
        let mut run: Run = self.inner.store.open_run()?;
        let mut state = RunState::default();
        let mut counts = Counts::default();
        let mut page = match self.fetch_page(token, cursor).await {
            Ok(p) => p,
            Err(e) => {
                drop(run);
                return Err(e);
            }
        };
        loop {
            counts.added += page.added.len() as u64;
            counts.modified += page.modified.len() as u64;
            counts.removed += page.removed.len() as u64;
            counts.pages += 1;
            let has_more = page.has_more;
            let status = page.transactions_update_status.as_str().to_string();
            let update_status = status.clone();
            let next = has_more.then(|| page.next_cursor.clone());
            let link_id = link.id;
            let lock = guard.clone();
            // Applies the page; the last one also stores the cursor and commits. `run` is
            // declared after `lock`, so on every path the transaction ends before the lock
            // clone goes.
            let apply = tokio::task::spawn_blocking(move || -> Result<_> {
                let lock = lock;
                let run = run;
                apply_page(run.conn(), link_id, &page, &mut state)?;
                if page.has_more {
                    return Ok(Some((run, state, lock)));
                }
                // Removed pending rows no posted row took over: gone, their words held for
                // the posted row a later sync may bring (forgotten after HOLD_DAYS).
                finish_removals(run.conn(), &state.removed_later)?;
                store::links::write::set_synced(run.conn(), link_id, &page.next_cursor, &status)?;
                // Money between the person's accounts, paired before anyone sees the rows.
                crate::personal::transfers::pair_all(run.conn())?;
                run.commit()?;
                Ok(None)
            });
            let (applied, fetched) = match next {
                None => (flatten(apply.await), None),
                Some(c) => apply_while_fetching(apply, self.fetch_page(token, Some(c))).await,
            };
            // An error from either side: the Run has been dropped (rolled back) by now, since
            // the blocking task has finished and its Run is in `applied`, dropped here.
            let applied = applied?;
            if let Some(p) = progress {
                p.progress(SyncProgress {
                    link_id: link.id,
                    pages: counts.pages,
                    rows: counts.added + counts.modified + counts.removed,
                    restarts,
                    has_more,
                });
            }
            let Some((r, a, _)) = applied else {
                return Ok((counts, update_status));
            };
            match fetched {
                Some(Ok(p)) => {
                    run = r;
                    state = a;
                    page = p;
                }
                Some(Err(e)) => {
                    drop(r);
                    return Err(e);
                }
                // Not reached: a page with more always has a next fetch.
                None => return Err(AppError::Storage("sync: no next page fetched".into())),
            }
        }
    }
}

fn flatten<T>(r: std::result::Result<Result<T>, tokio::task::JoinError>) -> Result<T> {
    r?
}

/// Waits for `apply` (a blocking task) and `fetch` together. When `apply` fails first, the
/// fetch is abandoned; when `fetch` fails first, `apply` is still awaited so that whatever it
/// holds (the run's connection) is released before the caller sees the error.
async fn apply_while_fetching<T, F>(
    mut apply: tokio::task::JoinHandle<Result<T>>,
    fetch: F,
) -> (Result<T>, Option<Result<TransactionsSyncResponse>>)
where
    F: std::future::Future<Output = Result<TransactionsSyncResponse>>,
{
    tokio::pin!(fetch);
    tokio::select! {
        a = &mut apply => {
            let a = flatten(a);
            if a.is_err() {
                return (a, None);
            }
            (a, Some(fetch.await))
        }
        p = &mut fetch => (flatten(apply.await), Some(p)),
    }
}
