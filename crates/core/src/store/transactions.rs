//! `transactions`: upserted and deleted by sync, listed in pages, streamed for export.
//!
//! Listing is ordered by `(date DESC, id DESC)` and served by two indexes: `(date, id)` for
//! unfiltered or date-filtered pages and `(account_id, date, id, search_text)` when accounts
//! are given (the text makes a search within an account's dates index-only, migration 4).
//! The total of a list filtered by accounts only is the sum of their `accounts.txn_count`,
//! which triggers keep exact (migration 6); the set planner takes the accounts' share of
//! the rows from the same counters.
//!
//! ## Search
//!
//! A search is a case-insensitive substring of the name or merchant: `search_text` holds
//! `lowercase(name + " " + merchant)`, the term is lowercased too, and a row matches when
//! `instr(search_text, term) > 0` (so `%`, `_` and any other character are literal, and
//! non-ASCII text folds the way Rust's `to_lowercase` folds it).
//!
//! Terms of 3+ characters are looked up in `transactions_fts`, an FTS5 table over
//! `search_text` with the trigram tokenizer (case-sensitive, the text being lowercase
//! already): the term as a quoted phrase in the `search_text` column matches exactly the
//! rows whose text contains it. Row ids are clustered by account (migration 7): a row's id
//! is `(account_id << 40) + n`, `n` counting within the account (the upsert takes the
//! account's highest id + 1, a row moving to another account takes a new id there, triggers
//! fix up other connections' writes), so an account's rows are one row id range and a term
//! within accounts is one query per account, `… MATCH '{search_text}: "uber"' AND rowid
//! BETWEEN lo AND hi`: FTS5 seeks to the range, so the phrase is checked only on the
//! account's candidates (cost per match in the accounts, not per match overall). Ids are
//! internal: ties of `date` order by them, and nothing outside the store keeps them. (A
//! second column, `search_account`, the account as one trigram, migrations 3 and 5, is
//! still indexed but no longer queried.)
//! The index is external-content; triggers queue every change to `search_text` or
//! `account_id` and each write transaction applies the queue before it commits
//! (migrations 2 and 3, [`write::flush_search`]), so no writer can leave it stale (a list
//! finding the queue non-empty scans instead of trusting it).
//!
//! A list with accounts and an indexed term (and one with a term that is not common, without
//! other filters) reads the set of matching row ids from the index once (`read::set`): its
//! size is the total (with dates, the walk below counts); the page comes from walking each
//! account's (or the date) index newest first, index entries only, keeping the set's members
//! until `offset + limit`, or, for a small set, from looking its rows' dates up and sorting.
//! When the accounts' rows in the date range are fewer than the index would cost, they are
//! scanned with `instr` on the index's text instead. The choice uses cheap estimates: the
//! term's frequency from the row id of its 256th match (the rows before it: the earlier
//! accounts' counters plus its number in its account), the accounts' share of the rows.
//!
//! The remaining shapes (no accounts: a common term, or a date range) go through the
//! planner of [`read::list`], which picks, from the sizes it knows (matches `s`, rows in the
//! account/date range `r`, total `t`), the cheapest of:
//!
//! * counting: `s` itself when there is no other filter; else driving from the matches
//!   (`s` row lookups), or walking the range's index against the materialised match set
//!   (`r` cheap probes), or, for a small range, scanning it with `instr` without the index;
//! * the page: walking the date (or account/date) index with `instr` until `offset + limit`
//!   hits (about `(offset + limit) * r / t` rows: right for common terms), or fetching the
//!   matches and sorting them (right for rare terms, `s` row lookups).
//!
//! Why FTS5 and not a dictionary of distinct texts (`search_texts` + `search_id`): real
//! names carry store, reference and order numbers, so distinct texts are a large fraction of
//! the rows (57 % in `examples/list_bench.rs`); a dictionary then costs a LIKE over half a
//! million texts plus a join per search, and a lookup table per write, and helps only when
//! names repeat. The trigram index costs per match, not per row: ~0.1 ms for a rare term and
//! ~9 ms for "uber" (9 % of a million rows) to count, against 170 ms for the LIKE scan. Its
//! floor is the phrase itself: a common term costs ~0.1 µs per matching row in FTS5, which
//! the account ranges limit to the accounts' matches ("two accounts + a common term":
//! 15.9 -> 4.1 ms at a million rows).
//!
//! Terms of 1–2 characters have no trigram: they scan (`instr`) the range; they match many
//! rows, so their page is quick, but their total without other filters reads every row
//! (~80–110 ms at a million rows). The UI should search from the third character typed.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A transaction as the UI sees it. Amounts are exact decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TransactionView {
    /// Plaid transaction id.
    pub transaction_id: String,
    /// Plaid account id.
    pub account_id: String,
    /// Local link id.
    pub link_id: i64,
    /// Posted date (or occurrence date when pending).
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub date: NaiveDate,
    /// Authorized date.
    #[cfg_attr(feature = "ts", ts(as = "Option<String>"))]
    pub authorized_date: Option<NaiveDate>,
    /// Amount, positive = money out.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub amount: Decimal,
    /// ISO currency.
    pub iso_currency_code: Option<String>,
    /// Unofficial currency.
    pub unofficial_currency_code: Option<String>,
    /// Description.
    pub name: String,
    /// Merchant.
    pub merchant_name: Option<String>,
    /// Pending.
    pub pending: bool,
    /// Category (first level), when known.
    pub category: Option<String>,
    /// `online`, `in store`, `other`.
    pub payment_channel: Option<String>,
    /// Plaid's detailed personal-finance category, when known.
    pub category_detailed: Option<String>,
    /// The person's words for this row (edits, tags, split, transfer); `None` when there
    /// are none. Plaid's own values above stay as Plaid sent them.
    pub personal: Option<Box<crate::personal::Personal>>,
}

impl TransactionView {
    /// The category the person sees: theirs, else Plaid's primary.
    pub fn effective_category(&self) -> Option<&str> {
        self.personal
            .as_ref()
            .and_then(|p| p.category.as_deref())
            .or(self.category.as_deref())
    }
    /// The name the person sees: theirs, else Plaid's.
    pub fn display_name(&self) -> &str {
        self.personal
            .as_ref()
            .and_then(|p| p.name.as_deref())
            .unwrap_or(&self.name)
    }
}

/// `search_text` for Plaid's name and merchant: lowercase `name merchant` (the person's
/// display name and note follow, `personal::write::refresh_search`).
pub fn search_text(name: &str, merchant: Option<&str>) -> String {
    match merchant {
        Some(m) if !m.is_empty() => format!("{name} {m}").to_lowercase(),
        _ => name.to_lowercase(),
    }
}

/// Which transactions to list or export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionFilter {
    /// Local account row ids (already resolved and checked); `None` = all.
    pub account_rowids: Option<Vec<i64>>,
    /// Inclusive start date.
    pub from: Option<NaiveDate>,
    /// Inclusive end date.
    pub to: Option<NaiveDate>,
    /// Lowercase search text.
    pub search: Option<String>,
    /// Category group (the person's category, else Plaid's primary).
    pub category: Option<String>,
    /// A tag.
    pub tag: Option<String>,
    /// Transfers only (`Some(true)`) or none of them (`Some(false)`).
    pub transfers: Option<bool>,
}

impl TransactionFilter {
    /// Filters on the person's data (the planner's shortcuts do not know them).
    pub fn is_personal(&self) -> bool {
        self.category.is_some() || self.tag.is_some() || self.transfers.is_some()
    }
}

/// How the search term of a filter is matched.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    /// 3+ characters: the FTS5 query (the term in double quotes, limited to the
    /// `search_text` column) and the term.
    Indexed { phrase: String, text: String },
    /// Shorter (or containing NUL, which the tokenizer skips): `instr` only.
    Scan { text: String },
}

impl Term {
    fn of(f: &TransactionFilter) -> Option<Term> {
        let text = f.search.as_ref()?.to_lowercase();
        if text.chars().count() >= 3 && !text.contains('\0') {
            let phrase = format!("{{search_text}}: \"{}\"", text.replace('"', "\"\""));
            Some(Term::Indexed { phrase, text })
        } else {
            Some(Term::Scan { text })
        }
    }
    fn text(&self) -> &str {
        match self {
            Term::Indexed { text, .. } | Term::Scan { text } => text,
        }
    }
}

/// How a query applies the search term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Matching {
    /// Ignore it (range only).
    None,
    /// `instr(search_text, term) > 0` on each row the range index yields.
    Instr,
    /// `id IN (matches)`, driving the query: the range conditions are evaluated on each
    /// match (`+` keeps the planner off their indexes).
    FromIndex,
    /// Walk the range's index, probing `+id IN (matches)` (materialised once).
    Probe,
}

/// Which rows a page reads first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    /// The planner's choice; the person's conditions may drive the query (a tag's index
    /// entries within the accounts and dates, the transfers).
    No,
    /// The account/date range's own index newest first, each row checked against the
    /// person's conditions (a tag: one lookup per row).
    Range,
    /// The date index newest first, the accounts and the person's conditions checked on
    /// each row.
    Dates,
}

/// Builds the WHERE clause and its parameters.
fn where_clause(
    f: &TransactionFilter,
    term: Option<&Term>,
    matching: Matching,
    walk: Walk,
) -> (String, Vec<rusqlite::types::Value>) {
    use rusqlite::types::Value;
    let mut parts = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    let plus = if matching == Matching::FromIndex {
        "+"
    } else {
        ""
    };
    if let Some(ids) = &f.account_rowids {
        if ids.is_empty() {
            parts.push("0".to_string());
        } else {
            let marks = vec!["?"; ids.len()].join(",");
            // Walking the date index, the accounts are a filter on each row, not an index.
            let plus = if walk == Walk::Dates { "+" } else { plus };
            parts.push(format!("{plus}t.account_id IN ({marks})"));
            params.extend(ids.iter().map(|i| Value::Integer(*i)));
        }
    }
    if let Some(d) = f.from {
        parts.push(format!("{plus}t.date >= ?"));
        params.push(Value::Text(d.to_string()));
    }
    if let Some(d) = f.to {
        parts.push(format!("{plus}t.date <= ?"));
        params.push(Value::Text(d.to_string()));
    }
    // Walking an index, the person's conditions are filters on each row too.
    let walk_plus = if walk == Walk::No { "" } else { "+" };
    if let Some(g) = &f.category {
        parts.push(format!("{walk_plus}t.category_group = ?"));
        params.push(Value::Text(g.clone()));
    }
    if let Some(tag) = &f.tag {
        if walk == Walk::No {
            // The tag's index entries within the accounts and dates (a tag row repeats its
            // transaction's account and date, migration 10): the rows to fetch.
            let mut sub = vec!["g.tag = ?".to_string()];
            params.push(Value::Text(tag.clone()));
            if let Some(ids) = f.account_rowids.as_ref().filter(|a| !a.is_empty()) {
                sub.push(format!(
                    "g.account_id IN ({})",
                    vec!["?"; ids.len()].join(",")
                ));
                params.extend(ids.iter().map(|i| Value::Integer(*i)));
            }
            if let Some(d) = f.from {
                sub.push("g.date >= ?".into());
                params.push(Value::Text(d.to_string()));
            }
            if let Some(d) = f.to {
                sub.push("g.date <= ?".into());
                params.push(Value::Text(d.to_string()));
            }
            parts.push(format!(
                "t.transaction_id IN (SELECT g.transaction_id FROM transaction_tags g WHERE {})",
                sub.join(" AND ")
            ));
        } else {
            parts.push(
                "EXISTS (SELECT 1 FROM transaction_tags g WHERE g.transaction_id = t.transaction_id AND g.tag = ?)"
                    .into(),
            );
            params.push(Value::Text(tag.clone()));
        }
    }
    if let Some(only) = f.transfers {
        let not = if only { "" } else { "NOT " };
        parts.push(format!(
            "{walk_plus}t.transaction_id {not}IN (SELECT out_id FROM transfers UNION ALL SELECT in_id FROM transfers)"
        ));
    }
    match (term, matching) {
        (None, _) | (_, Matching::None) => {}
        (Some(t), Matching::Instr) => {
            parts.push("instr(t.search_text, ?) > 0".into());
            params.push(Value::Text(t.text().to_string()));
        }
        (Some(Term::Indexed { phrase, .. }), Matching::FromIndex | Matching::Probe) => {
            let plus = if matching == Matching::Probe { "+" } else { "" };
            parts.push(format!(
                "{plus}t.id IN (SELECT rowid FROM transactions_fts WHERE transactions_fts MATCH ?)"
            ));
            params.push(Value::Text(phrase.clone()));
        }
        (Some(Term::Scan { text }), Matching::FromIndex | Matching::Probe) => {
            // Not indexable: callers never ask, but stay correct.
            parts.push("instr(t.search_text, ?) > 0".into());
            params.push(Value::Text(text.clone()));
        }
    }
    let clause = if parts.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", parts.join(" AND "))
    };
    (clause, params)
}

fn has_range(f: &TransactionFilter) -> bool {
    f.account_rowids.is_some() || f.from.is_some() || f.to.is_some()
}

fn date(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let s: Option<String> = r.get(i)?;
    s.map(|s| {
        NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

fn view(r: &rusqlite::Row<'_>) -> rusqlite::Result<TransactionView> {
    let amount: String = r.get(5)?;
    Ok(TransactionView {
        transaction_id: r.get(0)?,
        account_id: r.get(1)?,
        link_id: r.get(2)?,
        date: date(r, 3)?.ok_or(rusqlite::Error::InvalidColumnType(
            3,
            "date".into(),
            rusqlite::types::Type::Null,
        ))?,
        authorized_date: date(r, 4)?,
        amount: amount.parse().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e))
        })?,
        iso_currency_code: r.get(6)?,
        unofficial_currency_code: r.get(7)?,
        name: r.get(8)?,
        merchant_name: r.get(9)?,
        pending: r.get(10)?,
        category: r.get(11)?,
        payment_channel: r.get(12)?,
        category_detailed: r.get(13)?,
        personal: None,
    })
}

const SELECT: &str = "SELECT t.transaction_id, a.account_id, a.link_id, t.date, t.authorized_date, t.amount, \
     t.iso_currency_code, t.unofficial_currency_code, t.name, t.merchant_name, t.pending, t.category, t.payment_channel, t.category_detailed \
     FROM transactions t CROSS JOIN accounts a ON a.id = t.account_id";

/// The columns of [`view`] for the rows whose ids a JSON array (`?1`) lists, in its order.
const SELECT_BY_IDS: &str = "SELECT t.transaction_id, a.account_id, a.link_id, t.date, t.authorized_date, t.amount, \
     t.iso_currency_code, t.unofficial_currency_code, t.name, t.merchant_name, t.pending, t.category, t.payment_channel, t.category_detailed \
     FROM json_each(?1) j CROSS JOIN transactions t ON t.id = j.value JOIN accounts a ON a.id = t.account_id \
     ORDER BY j.key";

/// `ids` as a JSON array (for `json_each`).
fn json_ids(ids: &[i64]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(ids.len() * 8 + 2);
    s.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{id}");
    }
    s.push(']');
    s
}

/// Queries.
pub mod read {
    use rusqlite::{Connection, params, params_from_iter};

    use super::{
        Matching, SELECT, Term, TransactionFilter, TransactionView, Walk, has_range, view,
        where_clause,
    };
    use crate::error::Result;

    // The planner's cost model, in microseconds per row, measured on a million rows
    // (examples/list_bench.rs): reading a table row (random, by rowid or from an index walk),
    // stepping an index entry without the row, and one FTS5 match per trigram of the term.
    const ROW: f64 = 0.75;
    const ENTRY: f64 = 0.04;
    const FTS: f64 = 0.05;
    /// A range this small is scanned with `instr` rather than asking the trigram index.
    const SMALL_RANGE: u64 = 16_000;

    pub(super) fn count_where(
        c: &Connection,
        w: &str,
        p: Vec<rusqlite::types::Value>,
    ) -> Result<u64> {
        let mut st = c.prepare_cached(&format!("SELECT count(*) FROM transactions t {w}"))?;
        Ok(st.query_row(params_from_iter(p), |r| r.get::<_, i64>(0))? as u64)
    }

    /// Rows the account/date filters select (search ignored): with accounts and no dates,
    /// the sum of their counters (migration 6); else an index-only count.
    fn count_range(c: &Connection, f: &TransactionFilter) -> Result<u64> {
        if let Some(ids) = &f.account_rowids
            && f.from.is_none()
            && f.to.is_none()
        {
            return crate::store::accounts::read::transaction_count(c, ids);
        }
        let (w, p) = where_clause(f, None, Matching::None, Walk::No);
        count_where(c, &w, p)
    }

    /// Rows whose text contains an indexed term.
    fn count_matches(c: &Connection, phrase: &str) -> Result<u64> {
        let mut st = c.prepare_cached(
            "SELECT count(*) FROM transactions_fts WHERE transactions_fts MATCH ?1",
        )?;
        Ok(st.query_row(params![phrase], |r| r.get::<_, i64>(0))? as u64)
    }

    /// Whether changes wait in the queue of the search index.
    fn index_behind(c: &Connection) -> Result<bool> {
        Ok(
            c.prepare_cached("SELECT EXISTS (SELECT 1 FROM transactions_fts_queue)")?
                .query_row([], |r| r.get(0))?,
        )
    }

    fn trigrams(t: &Term) -> f64 {
        (t.text().chars().count().saturating_sub(2)).max(1) as f64
    }

    /// What a list knows before fetching its page.
    #[derive(Debug)]
    struct Plan {
        term: Option<Term>,
        /// Rows in the account/date range (all rows without one).
        range: u64,
        /// Rows matching the indexed term (any range), when asked.
        matches: Option<u64>,
        /// The answer's size.
        total: u64,
    }

    fn plan(c: &Connection, f: &TransactionFilter) -> Result<Plan> {
        let mut term = Term::of(f);
        let range = count_range(c, f)?;
        if range == 0 {
            return Ok(Plan {
                term,
                range,
                matches: None,
                total: 0,
            });
        }
        // A small range is cheaper to scan than to intersect with the index; and the index
        // is stale while changes are queued (a write through a bare connection).
        if let Some(Term::Indexed { text, .. }) = &term
            && (range <= SMALL_RANGE || index_behind(c)?)
        {
            term = Some(Term::Scan { text: text.clone() });
        }
        match &term {
            None => Ok(Plan {
                term,
                range,
                matches: None,
                total: range,
            }),
            Some(Term::Scan { .. }) => {
                let (w, p) = where_clause(f, term.as_ref(), Matching::Instr, Walk::No);
                let total = count_where(c, &w, p)?;
                Ok(Plan {
                    term,
                    range,
                    matches: None,
                    total,
                })
            }
            Some(t @ Term::Indexed { phrase, .. }) => {
                let s = count_matches(c, phrase)?;
                let total = if !has_range(f) || s == 0 {
                    s
                } else {
                    // |range ∩ matches|, the cheapest way.
                    let from_index = s as f64 * ROW;
                    let probe = s as f64 * (FTS * trigrams(t) + 0.1) + range as f64 * ENTRY;
                    let scan = range as f64 * ROW;
                    let matching = if from_index <= probe && from_index <= scan {
                        Matching::FromIndex
                    } else if probe <= scan {
                        Matching::Probe
                    } else {
                        Matching::Instr
                    };
                    let (w, p) = where_clause(f, Some(t), matching, Walk::No);
                    count_where(c, &w, p)?
                };
                Ok(Plan {
                    term,
                    range,
                    matches: Some(s),
                    total,
                })
            }
        }
    }

    /// Number of matching rows.
    pub fn count(c: &Connection, f: &TransactionFilter) -> Result<u64> {
        if f.is_personal() {
            return Ok(personal_list(c, f, 0, 0)?.0);
        }
        if let Some((total, _)) = set::list(c, f, 0, 0)? {
            return Ok(total);
        }
        Ok(plan(c, f)?.total)
    }

    /// Lists driven by the set of matching row ids, read once from the index.
    ///
    /// With accounts, the index reads the term's matches within each account's row id range
    /// (migration 7), so the set is the answer without dates. Without
    /// accounts, only for terms that are not common (the set is read row by row). The page
    /// then comes from walking each account's (or the date) index newest first, keeping the
    /// set's members (a binary search per entry, index-only), or, when the set is small,
    /// from looking its rows' dates up and sorting.
    pub(super) mod set {
        use rusqlite::{Connection, params, params_from_iter};

        use super::super::{
            Matching, SELECT_BY_IDS, Term, TransactionFilter, TransactionView, Walk, view,
            where_clause,
        };
        use super::{ROW, count_range, count_where, index_behind, page_with};
        use crate::error::Result;

        /// One row id read from the index into Rust (a step), microseconds.
        const STEP: f64 = 0.1;
        /// One entry of an index walked from Rust (a step, a copy of the date, a search).
        const WALK: f64 = 0.12;
        /// One entry of the account/date index scanned with `instr` (the index holds the
        /// text: migration 4).
        const SCAN: f64 = 0.12;
        /// The sample the estimate of a term's matches reads.
        const SAMPLE: i64 = 256;

        /// The row ids an account's transactions take (migration 7), when its id fits.
        pub(in crate::store::transactions) fn id_range(account: i64) -> Option<(i64, i64)> {
            if !(0..1_i64 << 23).contains(&account) {
                return None;
            }
            Some((account << 40, (account << 40) + (1 << 40) - 1))
        }

        /// The row id ranges to read matches from, in row id order: the accounts' (sorted),
        /// or every id.
        fn ranges(accounts: Option<&[i64]>) -> Option<Vec<(i64, i64)>> {
            match accounts {
                None => Some(vec![(i64::MIN, i64::MAX)]),
                Some(a) => a.iter().map(|a| id_range(*a)).collect(),
            }
        }

        /// The term's matches within a row id range, in row id order: FTS5 seeks to the
        /// range, so the phrase is checked only on the range's candidates.
        fn matches_in(
            c: &Connection,
            phrase: &str,
            (lo, hi): (i64, i64),
            limit: i64,
            out: &mut Vec<i64>,
        ) -> Result<()> {
            let mut st = c.prepare_cached(
                "SELECT rowid FROM transactions_fts
                 WHERE transactions_fts MATCH ?1 AND rowid >= ?2 AND rowid <= ?3 LIMIT ?4",
            )?;
            let mut rows = st.query(params![phrase, lo, hi, limit])?;
            while let Some(r) = rows.next()? {
                out.push(r.get(0)?);
            }
            Ok(())
        }

        /// Every row (the sum of the accounts' counters).
        fn rows_total(c: &Connection) -> Result<f64> {
            let n: i64 = c
                .prepare_cached("SELECT coalesce(sum(txn_count), 0) FROM accounts")?
                .query_row([], |r| r.get(0))?;
            Ok(n.max(1) as f64)
        }

        /// About how many rows contain the term: from the row id of the `SAMPLE`th match
        /// (matches come in row id order; an account's ids count from 1, migration 7, so the
        /// rows before it are the earlier accounts' counters plus its number in its account).
        /// It costs `SAMPLE` matches, not all of them. With fewer, the estimate is exact and
        /// the matches come back too (every one, in row id order): a rare phrase of common
        /// trigrams costs one pass over their doclists, not two.
        fn matches_estimate(
            c: &Connection,
            phrase: &str,
            rows: f64,
        ) -> Result<(f64, Option<Vec<i64>>)> {
            let mut first = Vec::new();
            matches_in(c, phrase, (i64::MIN, i64::MAX), SAMPLE, &mut first)?;
            if first.len() < SAMPLE as usize {
                return Ok((first.len() as f64, Some(first)));
            }
            let id = first[first.len() - 1];
            let account = id >> 40;
            let before: i64 = c
                .prepare_cached("SELECT coalesce(sum(txn_count), 0) FROM accounts WHERE id < ?1")?
                .query_row(params![account], |r| r.get(0))?;
            let covered = (before + (id - (account << 40))).max(1) as f64;
            Ok((SAMPLE as f64 * rows / covered, None))
        }

        /// How [`list_with`] answers, when forced (tests: every way gives one answer).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Via {
            /// Scan the accounts' range with `instr` (accounts only).
            Scan,
            /// Read the set, look its rows' dates up and sort.
            Fetch,
            /// Read the set, walk the index keeping members.
            Walk,
            /// Count the matches in two halves of the row ids at once (a second connection on
            /// another core), and walk the date index with `instr` for the page: a broad
            /// term over every account (no dates), where reading the set is the cost.
            Count,
        }

        /// Estimated matches from which a search over every account counts on two cores.
        const BROAD: f64 = 20_000.0;

        /// One row of an account/date index checked with `instr` and merged ([`walk_text`]).
        const INSTR_ROW: f64 = 0.15;

        /// The row id below which about `share` of the rows lie (by the accounts' counters),
        /// or `None` when there is nothing to split.
        fn split_id(c: &Connection, share: f64) -> Result<Option<i64>> {
            let mut st = c.prepare_cached("SELECT id, txn_count FROM accounts ORDER BY id")?;
            let counts: Vec<(i64, i64)> = st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let all = counts.iter().map(|(_, n)| (*n).max(0)).sum::<i64>();
            let cut = (all as f64 * share) as i64;
            let mut before = 0;
            for (account, n) in counts {
                if before + n >= cut && cut > 0 {
                    let Some((lo, _)) = id_range(account) else {
                        return Ok(None);
                    };
                    return Ok(Some(lo + (cut - before) + 1));
                }
                before += n.max(0);
            }
            Ok(None)
        }

        /// Matches of the phrase in a row id range.
        fn count_in(c: &Connection, phrase: &str, (lo, hi): (i64, i64)) -> Result<u64> {
            Ok(c.prepare_cached(
                "SELECT count(*) FROM transactions_fts
                 WHERE transactions_fts MATCH ?1 AND rowid >= ?2 AND rowid <= ?3",
            )?
            .query_row(params![phrase, lo, hi], |r| r.get::<_, i64>(0))? as u64)
        }

        /// The phrase's matches, and what `also` gives. The upper part of the row ids is
        /// counted on `helper` in a thread of its own while this thread runs `also` (the page)
        /// and counts the lower part, `share` of the rows, so that both finish together. Each
        /// part is its own statement (as the total and the page of every list are): a write
        /// committing in between can show in one and not the other.
        fn count_on_two<T>(
            c: &Connection,
            helper: &mut Connection,
            phrase: &str,
            share: f64,
            also: impl FnOnce() -> Result<T>,
        ) -> Result<(u64, T)> {
            let Some(mid) = split_id(c, share)? else {
                let extra = also()?;
                return Ok((count_in(c, phrase, (i64::MIN, i64::MAX))?, extra));
            };
            std::thread::scope(|s| {
                let upper = s.spawn(move || count_in(helper, phrase, (mid, i64::MAX)));
                let mine =
                    also().and_then(|extra| Ok((count_in(c, phrase, (i64::MIN, mid - 1))?, extra)));
                let upper = upper
                    .join()
                    .map_err(|_| crate::AppError::Storage("the search count failed".into()))?;
                let (lower, extra) = mine?;
                Ok((lower + upper?, extra))
            })
        }

        /// The total and page by the set, or `None` when another plan is better.
        pub fn list(
            c: &Connection,
            f: &TransactionFilter,
            limit: u32,
            offset: u64,
        ) -> Result<Option<(u64, Vec<TransactionView>)>> {
            list_with(c, None, f, limit, offset, None)
        }

        /// [`list`], the way forced by `via` when given (and possible); `helper`, a second
        /// read connection, lets a broad search count on two cores ([`Via::Count`]).
        pub fn list_with(
            c: &Connection,
            helper: Option<&mut Connection>,
            f: &TransactionFilter,
            limit: u32,
            offset: u64,
            via: Option<Via>,
        ) -> Result<Option<(u64, Vec<TransactionView>)>> {
            let Some(t) = Term::of(f) else {
                return Ok(None);
            };
            let Term::Indexed { phrase, .. } = &t else {
                return Ok(None);
            };
            // Each account once (the walk merges one stream per account).
            let accounts: Option<Vec<i64>> = f.account_rowids.as_ref().map(|a| {
                let mut a = a.clone();
                a.sort_unstable();
                a.dedup();
                a
            });
            let accounts = accounts.as_deref();
            let dated = f.from.is_some() || f.to.is_some();
            if accounts.is_some_and(|a| a.is_empty()) || (accounts.is_none() && dated) {
                // Nothing to list, or a date range: the planner's.
                return Ok(None);
            }
            let Some(ranges) = ranges(accounts) else {
                return Ok(None);
            };
            if index_behind(c)? {
                return Ok(None);
            }
            let rows = rows_total(c)?;
            let want = offset.saturating_add(u64::from(limit));
            // The accounts' rows, exactly (their counters, migration 6).
            let in_accounts = match accounts {
                Some(a) => Some(crate::store::accounts::read::transaction_count(c, a)? as f64),
                None => None,
            };
            // Rows the walk goes through (all of the accounts' when dated: it counts).
            let range = if dated {
                count_range(c, f)? as f64
            } else {
                in_accounts.unwrap_or(rows)
            };
            if range == 0.0 {
                return Ok(Some((0, Vec::new())));
            }
            let (s, every) = matches_estimate(c, phrase, rows)?;
            // A broad term over every account: the set is the cost; count it on two cores.
            let broad = accounts.is_none() && every.is_none() && s >= BROAD;
            if let Some(h) =
                helper.filter(|_| via.map_or(broad, |v| v == Via::Count && accounts.is_none()))
            {
                // The page (the date index walked until it is full) runs beside the count.
                let count = s.max(1.0) * super::FTS * super::trigrams(&t);
                let walk = want as f64 * rows / s.max(1.0) * INSTR_ROW;
                let part = ((count - walk) / (2.0 * count)).clamp(0.25, 0.5);
                let (total, page) = count_on_two(c, h, phrase, part, || {
                    if limit == 0 {
                        return Ok(Vec::new());
                    }
                    rows_by_ids(c, &walk_text(c, t.text(), limit, offset)?)
                })?;
                return Ok(Some((total, page)));
            }
            if via == Some(Via::Count) {
                return Ok(None);
            }
            let share = in_accounts.map_or(1.0, |n| (n / rows).min(1.0));
            let hits = (s * share).max(1.0);
            let page_cost = |hits: f64| -> f64 {
                let walk = if dated {
                    range * WALK
                } else {
                    (want as f64).min(hits) * range / hits * WALK
                };
                walk.min(hits * ROW)
            };
            let trigrams = (t.text().chars().count().saturating_sub(2)).max(1) as f64;
            // The index seeks each account's row id range (migration 7): the phrase is checked
            // on the accounts' candidates only.
            let cost = hits * super::FTS * trigrams + hits * STEP + page_cost(hits);
            // The alternatives: the range scanned with `instr`; without accounts, the
            // planner's count and its walk of the date index with `instr`.
            let scan = range * SCAN;
            let planner =
                s * super::FTS * trigrams + (want as f64).min(s) * rows / s.max(1.0) * ROW;
            let other = if accounts.is_some() { scan } else { planner };
            let scan_it = match via {
                Some(v) => v == Via::Scan,
                None => other < cost,
            };
            if scan_it {
                if accounts.is_none() {
                    return Ok(None);
                }
                // A range of the accounts' index small enough to read every row of.
                let (w, p) = where_clause(f, Some(&t), Matching::Instr, Walk::No);
                let total = count_where(c, &w, p)?;
                let page = if limit == 0 || offset >= total {
                    Vec::new()
                } else {
                    page_with(c, f, Some(&t), Matching::Instr, Walk::No, limit, offset)?
                };
                return Ok(Some((total, page)));
            }

            let mut ids: Vec<i64> = Vec::new();
            match every {
                // Every match is known: the ranges' share of them.
                Some(every) => ids.extend(
                    every
                        .into_iter()
                        .filter(|id| ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(id))),
                ),
                None => {
                    for r in ranges {
                        matches_in(c, phrase, r, -1, &mut ids)?;
                    }
                }
            }
            if !ids.is_sorted() {
                ids.sort_unstable();
            }
            let hits = ids.len() as f64;
            if hits == 0.0 {
                return Ok(Some((0, Vec::new())));
            }
            let walk = if dated {
                range * WALK
            } else {
                (want as f64).min(hits) * range / hits * WALK
            };
            let way = via.unwrap_or(if hits * ROW <= walk {
                Via::Fetch
            } else {
                Via::Walk
            });
            let (total, page) = if way == Via::Fetch {
                fetch_sorted(c, f, &ids, limit, offset)?
            } else {
                walk_index(c, f, accounts, &ids, dated, limit, offset)?
            };
            Ok(Some((total, rows_by_ids(c, &page)?)))
        }

        /// Looks up the date of each member (within the date range), sorts newest first.
        pub(in crate::store::transactions) fn fetch_sorted(
            c: &Connection,
            f: &TransactionFilter,
            ids: &[i64],
            limit: u32,
            offset: u64,
        ) -> Result<(u64, Vec<i64>)> {
            let mut st = c.prepare_cached(
                "SELECT t.date, t.id FROM json_each(?1) j CROSS JOIN transactions t ON t.id = j.value
                 WHERE t.date >= ?2 AND t.date <= ?3",
            )?;
            let (from, to) = bounds(f);
            let mut rows: Vec<(String, i64)> = st
                .query_map(params![super::super::json_ids(ids), from, to], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            rows.sort_unstable_by(|a, b| b.cmp(a));
            let page = rows
                .iter()
                .skip(offset.min(usize::MAX as u64) as usize)
                .take(limit as usize)
                .map(|r| r.1)
                .collect();
            Ok((rows.len() as u64, page))
        }

        /// Inclusive date bounds as text (every stored date is `YYYY-MM-DD`).
        fn bounds(f: &TransactionFilter) -> (String, String) {
            (
                f.from
                    .map_or_else(|| "0000-00-00".into(), |d| d.to_string()),
                f.to.map_or_else(|| "9999-99-99".into(), |d| d.to_string()),
            )
        }

        /// Walks each account's (date, id) index entries (or the date index), merged newest
        /// first, keeping members of `ids`; stops at `offset + limit` unless it must count.
        fn walk_index(
            c: &Connection,
            f: &TransactionFilter,
            accounts: Option<&[i64]>,
            ids: &[i64],
            dated: bool,
            limit: u32,
            offset: u64,
        ) -> Result<(u64, Vec<i64>)> {
            let (from, to) = bounds(f);
            let mut statements = Vec::new();
            match accounts {
                Some(accounts) => {
                    for a in accounts {
                        let st = c.prepare_cached(
                            "SELECT date, id FROM transactions INDEXED BY transactions_account_text
                             WHERE account_id = ?1 AND date >= ?2 AND date <= ?3
                             ORDER BY date DESC, id DESC",
                        )?;
                        statements.push((st, Some(*a)));
                    }
                }
                None => {
                    let st = c.prepare_cached(
                        "SELECT date, id FROM transactions INDEXED BY transactions_date
                         WHERE ?1 IS NULL AND date >= ?2 AND date <= ?3
                         ORDER BY date DESC, id DESC",
                    )?;
                    statements.push((st, None));
                }
            }
            let mut streams = Vec::with_capacity(statements.len());
            for (st, a) in statements.iter_mut() {
                streams.push(st.query(params![*a, from, to])?);
            }
            let want = offset.saturating_add(u64::from(limit));
            let mut n = 0u64;
            let mut page = Vec::new();
            merge_newest(&mut streams, |id| {
                if ids.binary_search(&id).is_ok() {
                    if n >= offset && n < want {
                        page.push(id);
                    }
                    n += 1;
                    if !dated && n >= want {
                        return false;
                    }
                }
                true
            })?;
            let total = if dated { n } else { ids.len() as u64 };
            Ok((total, page))
        }

        /// A page of every account's rows containing `text`, newest first: one stream per
        /// account over its account/date index, which holds the search text (migration 4), so
        /// that a row is checked without reading it; the streams merged by (date, id).
        fn walk_text(c: &Connection, text: &str, limit: u32, offset: u64) -> Result<Vec<i64>> {
            let accounts: Vec<i64> = c
                .prepare_cached("SELECT id FROM accounts ORDER BY id")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut statements = Vec::with_capacity(accounts.len());
            for _ in &accounts {
                statements.push(c.prepare_cached(
                    "SELECT date, id FROM transactions INDEXED BY transactions_account_text
                     WHERE account_id = ?1 AND instr(search_text, ?2) > 0
                     ORDER BY date DESC, id DESC",
                )?);
            }
            let mut streams = Vec::with_capacity(statements.len());
            for (st, a) in statements.iter_mut().zip(&accounts) {
                streams.push(st.query(params![a, text])?);
            }
            let want = offset.saturating_add(u64::from(limit));
            let mut n = 0u64;
            let mut page = Vec::new();
            if want > 0 {
                merge_newest(&mut streams, |id| {
                    if n >= offset {
                        page.push(id);
                    }
                    n += 1;
                    n < want
                })?;
            }
            Ok(page)
        }

        /// Hands `each` the ids of streams of (date, id), each newest first, merged newest
        /// first, until the streams end or `each` says stop (`false`).
        fn merge_newest(
            streams: &mut [rusqlite::Rows<'_>],
            mut each: impl FnMut(i64) -> bool,
        ) -> Result<()> {
            let mut heads: Vec<Option<(Vec<u8>, i64)>> = Vec::with_capacity(streams.len());
            for s in streams.iter_mut() {
                heads.push(advance(s, None)?);
            }
            loop {
                let mut best: Option<usize> = None;
                for (i, h) in heads.iter().enumerate() {
                    if let Some(h) = h
                        && best.is_none_or(|b| heads[b].as_ref().is_some_and(|x| h > x))
                    {
                        best = Some(i);
                    }
                }
                let Some(b) = best else { return Ok(()) };
                let (date, id) = heads[b].take().expect("head");
                if !each(id) {
                    return Ok(());
                }
                heads[b] = advance(&mut streams[b], Some(date))?;
            }
        }

        /// The next (date, id) of a stream, reusing `buf`'s allocation.
        fn advance(
            rows: &mut rusqlite::Rows<'_>,
            buf: Option<Vec<u8>>,
        ) -> Result<Option<(Vec<u8>, i64)>> {
            let Some(r) = rows.next()? else {
                return Ok(None);
            };
            let mut date = buf.unwrap_or_default();
            date.clear();
            date.extend_from_slice(r.get_ref(0)?.as_bytes().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?);
            Ok(Some((date, r.get(1)?)))
        }

        /// The rows of `ids`, in that order.
        pub(in crate::store::transactions) fn rows_by_ids(
            c: &Connection,
            ids: &[i64],
        ) -> Result<Vec<TransactionView>> {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let mut st = c.prepare_cached(SELECT_BY_IDS)?;
            Ok(st
                .query_map(params_from_iter([super::super::json_ids(ids)]), view)?
                .collect::<rusqlite::Result<Vec<_>>>()?)
        }
    }

    /// One page, newest first.
    pub fn page(
        c: &Connection,
        f: &TransactionFilter,
        limit: u32,
        offset: u64,
    ) -> Result<Vec<TransactionView>> {
        Ok(list(c, f, limit, offset)?.1)
    }

    /// The total and one page, newest first (`Store::list_transactions`).
    pub fn list(
        c: &Connection,
        f: &TransactionFilter,
        limit: u32,
        offset: u64,
    ) -> Result<(u64, Vec<TransactionView>)> {
        list_helped(c, None, f, limit, offset)
    }

    /// [`list`], with a second read connection for a broad search's count.
    pub fn list_helped(
        c: &Connection,
        helper: Option<&mut Connection>,
        f: &TransactionFilter,
        limit: u32,
        offset: u64,
    ) -> Result<(u64, Vec<TransactionView>)> {
        if f.is_personal() {
            return personal_list(c, f, limit, offset);
        }
        if let Some(answer) = set::list_with(c, helper, f, limit, offset, None)? {
            return Ok(answer);
        }
        let plan = plan(c, f)?;
        if plan.total == 0 || offset >= plan.total || limit == 0 {
            return Ok((plan.total, Vec::new()));
        }
        let many_accounts = f.account_rowids.as_ref().is_some_and(|a| a.len() > 1);
        // Rows of the index the walk goes through: the account/date index for one account,
        // else the date index (with several accounts, every account's rows in the dates).
        let walked_index = if many_accounts {
            let dates_only = TransactionFilter {
                account_rowids: None,
                ..f.clone()
            };
            count_range(c, &dates_only)?
        } else {
            plan.range
        };
        let want = (offset + u64::from(limit)).min(plan.total) as f64;
        let needs_row = plan.term.is_some() || many_accounts;
        let walk =
            want * walked_index as f64 / plan.total as f64 * if needs_row { ROW } else { ENTRY };
        // The alternative: fetch every candidate and sort.
        let fetch = match (&plan.term, plan.matches) {
            (Some(t @ Term::Indexed { .. }), Some(s)) => {
                Some((Matching::FromIndex, s as f64 * (ROW + FTS * trigrams(t))))
            }
            (None, _) if many_accounts => Some((Matching::None, plan.range as f64 * ROW)),
            _ => None,
        };
        let dates = if many_accounts { Walk::Dates } else { Walk::No };
        let (matching, walk) = match fetch {
            Some((m, cost)) if cost < walk => (m, Walk::No),
            _ if plan.term.is_some() => (Matching::Instr, dates),
            _ => (Matching::None, dates),
        };
        let rows = page_with(c, f, plan.term.as_ref(), matching, walk, limit, offset)?;
        Ok((plan.total, rows))
    }

    /// A list filtered on the person's data (category, tag, transfers): the conditions
    /// narrow rows the account/date index or the search yields, counted and paged plainly.
    fn personal_list(
        c: &Connection,
        f: &TransactionFilter,
        limit: u32,
        offset: u64,
    ) -> Result<(u64, Vec<TransactionView>)> {
        let term = Term::of(f);
        let only = |keep: &TransactionFilter| keep == f;
        if only(&TransactionFilter {
            transfers: Some(true),
            from: f.from,
            to: f.to,
            ..Default::default()
        }) {
            // The transfers alone (few): their row ids from the Plaid id index, then each
            // row's date looked up in row id order and sorted (not a random read of every
            // row).
            let mut ids: Vec<i64> = c
                .prepare_cached(
                    "SELECT t.id FROM transactions t WHERE t.transaction_id IN
                        (SELECT out_id FROM transfers UNION ALL SELECT in_id FROM transfers)",
                )?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            ids.sort_unstable();
            let (total, page) = set::fetch_sorted(c, f, &ids, limit, offset)?;
            return Ok((total, set::rows_by_ids(c, &page)?));
        }
        let total = if only(&TransactionFilter {
            transfers: Some(false),
            ..TransactionFilter {
                category: None,
                tag: None,
                ..f.clone()
            }
        }) {
            // Hiding transfers: the list's total without the filter (the planner's), less
            // the transfers in it (few).
            let all = count(
                c,
                &TransactionFilter {
                    transfers: None,
                    ..f.clone()
                },
            )?;
            let (w, p) = where_clause(
                &TransactionFilter {
                    transfers: Some(true),
                    ..f.clone()
                },
                term.as_ref(),
                Matching::Instr,
                Walk::No,
            );
            all.saturating_sub(count_where(c, &w, p)?)
        } else if let Some(tag) = f.tag.as_ref().filter(|_| {
            only(&TransactionFilter {
                tag: f.tag.clone(),
                account_rowids: f.account_rowids.clone(),
                from: f.from,
                to: f.to,
                ..Default::default()
            })
        }) {
            // A tag within accounts and dates: its index entries alone (every tag row has
            // its transaction, and repeats its account and date, migration 10).
            let accounts = f
                .account_rowids
                .as_ref()
                .map(|a| serde_json::to_string(a).unwrap_or_else(|_| "[]".into()));
            c.prepare_cached(
                "SELECT count(*) FROM transaction_tags WHERE tag = ?1
                   AND (?2 IS NULL OR account_id IN (SELECT value FROM json_each(?2)))
                   AND (?3 IS NULL OR date >= ?3) AND (?4 IS NULL OR date <= ?4)",
            )?
            .query_row(
                params![
                    tag,
                    accounts,
                    f.from.map(|d| d.to_string()),
                    f.to.map(|d| d.to_string())
                ],
                |r| r.get::<_, i64>(0),
            )? as u64
        } else {
            let (w, p) = where_clause(f, term.as_ref(), Matching::Instr, Walk::No);
            count_where(c, &w, p)?
        };
        if limit == 0 || offset >= total {
            return Ok((total, Vec::new()));
        }
        // Walk the range's index newest first until the page is full (a row of the range
        // checked: PROBE), or fetch every kept row and sort (a row looked up by its Plaid
        // id: FETCH); a category has an index of its own in date order.
        const PROBE: f64 = 0.45;
        const FETCH: f64 = 2.0;
        let walk = if f.category.is_some() {
            Walk::No
        } else {
            // The account/date range's rows, the person's conditions and search aside.
            let range = if has_range(f) {
                count_range(
                    c,
                    &TransactionFilter {
                        account_rowids: f.account_rowids.clone(),
                        from: f.from,
                        to: f.to,
                        ..Default::default()
                    },
                )?
            } else {
                c.prepare_cached("SELECT coalesce(sum(txn_count), 0) FROM accounts")?
                    .query_row([], |r| r.get::<_, i64>(0))?
                    .max(0) as u64
            } as f64;
            let want = offset.saturating_add(u64::from(limit)).min(total) as f64;
            let kept = total as f64;
            if want * range / kept * PROBE > kept * FETCH {
                Walk::No
            } else if f.account_rowids.as_ref().is_some_and(|a| a.len() > 1) {
                Walk::Dates
            } else {
                Walk::Range
            }
        };
        let rows = page_with(c, f, term.as_ref(), Matching::Instr, walk, limit, offset)?;
        Ok((total, rows))
    }

    /// One page by the given plan.
    pub(super) fn page_with(
        c: &Connection,
        f: &TransactionFilter,
        term: Option<&Term>,
        matching: Matching,
        walk: Walk,
        limit: u32,
        offset: u64,
    ) -> Result<Vec<TransactionView>> {
        let (w, mut p) = where_clause(f, term, matching, walk);
        p.push(rusqlite::types::Value::Integer(i64::from(limit)));
        p.push(rusqlite::types::Value::Integer(
            offset.min(i64::MAX as u64) as i64
        ));
        let sql = format!("{SELECT} {w} ORDER BY t.date DESC, t.id DESC LIMIT ? OFFSET ?");
        let mut st = c.prepare_cached(&sql)?;
        Ok(st
            .query_map(params_from_iter(p), view)?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every matching row, newest first, handed one at a time to `each` (export: memory stays
    /// bounded by one row).
    pub fn for_each(
        c: &Connection,
        f: &TransactionFilter,
        mut each: impl FnMut(TransactionView) -> Result<()>,
    ) -> Result<u64> {
        let term = Term::of(f);
        let (w, p) = where_clause(f, term.as_ref(), Matching::Instr, Walk::No);
        let sql = format!("{SELECT} {w} ORDER BY t.date DESC, t.id DESC");
        let mut st = c.prepare(&sql)?;
        let mut rows = st.query(params_from_iter(p))?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            each(view(r)?)?;
            n += 1;
        }
        Ok(n)
    }

    /// One row by its Plaid transaction id.
    pub fn by_transaction_id(
        c: &Connection,
        transaction_id: &str,
    ) -> Result<Option<TransactionView>> {
        use rusqlite::OptionalExtension;
        Ok(
            c.prepare_cached(&format!("{SELECT} WHERE t.transaction_id = ?1"))?
                .query_row(params![transaction_id], view)
                .optional()?,
        )
    }

    /// All transaction ids of a link with their amounts and pending flag (tests, reconcile).
    pub fn ids_of_link(c: &Connection, link_id: i64) -> Result<Vec<(String, String, bool)>> {
        let mut st = c.prepare(
            "SELECT t.transaction_id, t.amount, t.pending FROM transactions t JOIN accounts a ON a.id = t.account_id
             WHERE a.link_id = ?1 ORDER BY t.transaction_id",
        )?;
        Ok(st
            .query_map(params![link_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// Changes.
pub mod write {
    use rusqlite::{Connection, params};

    use crate::error::Result;

    /// A transaction to store (from a sync page).
    #[derive(Debug, Clone)]
    pub struct NewTransaction<'a> {
        /// Plaid transaction id.
        pub transaction_id: &'a str,
        /// Local account row id.
        pub account_rowid: i64,
        /// YYYY-MM-DD.
        pub date: String,
        /// YYYY-MM-DD.
        pub authorized_date: Option<String>,
        /// Exact decimal text.
        pub amount: String,
        /// ISO currency.
        pub iso_currency_code: Option<&'a str>,
        /// Unofficial currency.
        pub unofficial_currency_code: Option<&'a str>,
        /// Description.
        pub name: &'a str,
        /// Merchant.
        pub merchant_name: Option<&'a str>,
        /// Pending.
        pub pending: bool,
        /// Id of the pending transaction this posted one replaces.
        pub pending_transaction_id: Option<&'a str>,
        /// Payment channel.
        pub payment_channel: Option<&'a str>,
        /// Category (Plaid's primary).
        pub category: Option<&'a str>,
        /// Plaid's detailed category.
        pub category_detailed: Option<&'a str>,
    }

    /// Inserts or replaces by transaction id; a posted transaction removes the pending one it
    /// replaces. The row id is the account's next (`(account << 40) + n`, migration 7); a
    /// row moving to another account takes that account's next id.
    pub fn upsert(c: &Connection, t: &NewTransaction<'_>) -> Result<()> {
        // The person's display name and notes stay searchable (`personal::write::refresh_search`).
        let search = super::search_text(t.name, t.merchant_name);
        let mut st = c.prepare_cached(
            "INSERT INTO transactions (id, transaction_id, account_id, date, authorized_date, amount, iso_currency_code,
                 unofficial_currency_code, name, merchant_name, pending, pending_transaction_id, payment_channel, category, search_text,
                 category_detailed, category_group)
             VALUES (coalesce((SELECT id FROM transactions WHERE id BETWEEN ?2 << 40 AND (?2 << 40) + 1099511627775
                                ORDER BY id DESC LIMIT 1), ?2 << 40) + 1,
                     ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,
                     ?14 || coalesce((SELECT search_extra FROM transaction_edits WHERE transaction_id = ?1), '')
                         || coalesce((SELECT group_concat(search_extra, '') FROM transaction_splits
                                      WHERE transaction_id = ?1), ''), ?15,
                     coalesce((SELECT category_group FROM transaction_edits WHERE transaction_id = ?1), ?13))
             ON CONFLICT(transaction_id) DO UPDATE SET
                 id = CASE WHEN account_id = excluded.account_id THEN id ELSE excluded.id END,
                 account_id = excluded.account_id, date = excluded.date,
                 authorized_date = excluded.authorized_date, amount = excluded.amount,
                 iso_currency_code = excluded.iso_currency_code, unofficial_currency_code = excluded.unofficial_currency_code,
                 name = excluded.name, merchant_name = excluded.merchant_name, pending = excluded.pending,
                 pending_transaction_id = excluded.pending_transaction_id, payment_channel = excluded.payment_channel,
                 category = excluded.category, search_text = excluded.search_text,
                 category_detailed = excluded.category_detailed, category_group = excluded.category_group",
        )?;
        st.execute(params![
            t.transaction_id,
            t.account_rowid,
            t.date,
            t.authorized_date,
            t.amount,
            t.iso_currency_code,
            t.unofficial_currency_code,
            t.name,
            t.merchant_name,
            t.pending,
            t.pending_transaction_id,
            t.payment_channel,
            t.category,
            search,
            t.category_detailed
        ])?;
        if !t.pending
            && let Some(p) = t.pending_transaction_id
            && p != t.transaction_id
        {
            crate::store::personal::write::carry_over(c, p, t.transaction_id)?;
            // Removed in an earlier sync than this one: its words were held.
            crate::store::personal::write::restore_held(c, p, t.transaction_id)?;
            remove(c, p)?;
        }
        Ok(())
    }

    /// Applies the queued changes to the search index (see migration 2). Called at the end
    /// of every write transaction by `Store::write` and `Run::commit`; cheap when nothing is
    /// queued.
    pub fn flush_search(c: &Connection) -> Result<()> {
        let queued: bool = c
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM transactions_fts_queue)")?
            .query_row([], |r| r.get(0))?;
        if !queued {
            return Ok(());
        }
        // The account token as `transactions.search_account` spells it (migration 5).
        c.prepare_cached(
            "INSERT INTO transactions_fts (transactions_fts, rowid, search_text, search_account)
             SELECT 'delete', id, old_text,
                    char(65536 + ((old_account >> 40) & 1048575), 65536 + ((old_account >> 20) & 1048575),
                         65536 + (old_account & 1048575))
             FROM transactions_fts_queue
             WHERE old_text IS NOT NULL ORDER BY id",
        )?
        .execute([])?;
        c.prepare_cached(
            "INSERT INTO transactions_fts (rowid, search_text, search_account)
             SELECT t.id, t.search_text, t.search_account
             FROM transactions_fts_queue q JOIN transactions t ON t.id = q.id
             ORDER BY q.id",
        )?
        .execute([])?;
        c.prepare_cached("DELETE FROM transactions_fts_queue")?
            .execute([])?;
        Ok(())
    }

    /// Pages of the search index one [`merge_search`] step writes (about 0.1 s here).
    const MERGE_PAGES: i64 = 1000;

    /// One step of merging the search index's segments into one (FTS5's incremental
    /// `merge`; `start` begins the merge of every segment, later steps continue it). Large
    /// writes (a first sync, rules applied to many rows) leave the index in many segments,
    /// each one more lookup for every search; one segment is what a rebuild would give.
    /// Returns whether the step did any work (FTS5 changes at least two rows when it does).
    pub fn merge_search(c: &Connection, start: bool) -> Result<bool> {
        let before = c.total_changes();
        let pages = if start { -MERGE_PAGES } else { MERGE_PAGES };
        c.prepare_cached(
            "INSERT INTO transactions_fts (transactions_fts, rank) VALUES ('merge', ?1)",
        )?
        .execute(params![pages])?;
        Ok(c.total_changes() - before >= 2)
    }

    /// Deletes by transaction id; returns whether a row went.
    pub fn remove(c: &Connection, transaction_id: &str) -> Result<bool> {
        let mut st = c.prepare_cached("DELETE FROM transactions WHERE transaction_id = ?1")?;
        Ok(st.execute(params![transaction_id])? > 0)
    }
}

/// A posted row with only what a test needs (the store's unit tests).
#[cfg(test)]
pub(crate) fn test_row<'a>(
    transaction_id: &'a str,
    account_rowid: i64,
    date: String,
    name: &'a str,
) -> write::NewTransaction<'a> {
    write::NewTransaction {
        transaction_id,
        account_rowid,
        date,
        authorized_date: None,
        amount: "1".into(),
        iso_currency_code: None,
        unofficial_currency_code: None,
        name,
        merchant_name: None,
        pending: false,
        pending_transaction_id: None,
        payment_channel: None,
        category: None,
        category_detailed: None,
    }
}

/// A link with `n` depository accounts (`a0`, `a1`, …) for the store's unit tests; their
/// row ids.
#[cfg(test)]
pub(crate) fn test_accounts(c: &rusqlite::Connection, n: usize) -> crate::Result<Vec<i64>> {
    use crate::store;
    let link = store::links::write::insert(
        c,
        &store::links::write::NewLink {
            item_id: "i",
            institution_id: None,
            institution_name: None,
            name: "L",
            products: &[],
        },
    )?;
    (0..n)
        .map(|i| {
            store::accounts::write::upsert(
                c,
                link,
                &store::accounts::write::NewAccount {
                    account_id: &format!("a{i}"),
                    name: "A",
                    official_name: None,
                    mask: None,
                    account_type: "depository",
                    subtype: None,
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_quoted_phrases_or_scans() {
        let f = |s: &str| TransactionFilter {
            search: Some(s.into()),
            ..Default::default()
        };
        assert_eq!(
            Term::of(&f("Say \"HI\"")),
            Some(Term::Indexed {
                phrase: "{search_text}: \"say \"\"hi\"\"\"".into(),
                text: "say \"hi\"".into()
            })
        );
        assert_eq!(Term::of(&f("Ü%")), Some(Term::Scan { text: "ü%".into() }));
        assert_eq!(Term::of(&TransactionFilter::default()), None);
    }

    /// Every count and page plan gives the same answer as the plain `instr` scan, whatever
    /// the sizes would have chosen.
    #[test]
    fn every_plan_agrees() {
        use crate::store::{self, Store};
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path().join("p.db")).expect("open");
        let names = [
            "Uber 1",
            "UBER EATS",
            "Café Müller",
            "50% off",
            "a_b",
            "東京ラーメン",
            "kfc #12",
        ];
        let accounts: Vec<i64> = store
            .write(|c| {
                let accounts = test_accounts(c, 3)?;
                for i in 0..700usize {
                    store::transactions::write::upsert(
                        c,
                        &write::NewTransaction {
                            transaction_id: &format!("t{i}"),
                            account_rowid: accounts[i % 3],
                            date: format!("2024-{:02}-{:02}", 1 + i % 12, 1 + (i * 7) % 28),
                            authorized_date: None,
                            amount: "1".into(),
                            iso_currency_code: None,
                            unofficial_currency_code: None,
                            name: &format!("{} {}", names[i % names.len()], i % 13),
                            merchant_name: (i % 5 == 0).then_some("Über"),
                            pending: false,
                            pending_transaction_id: None,
                            payment_channel: None,
                            category: None,
                            category_detailed: None,
                        },
                    )?;
                }
                Ok(accounts)
            })
            .expect("data");
        let d = |m| NaiveDate::from_ymd_opt(2024, m, 1);
        let ranges = [
            TransactionFilter::default(),
            TransactionFilter {
                account_rowids: Some(vec![accounts[1]]),
                ..Default::default()
            },
            TransactionFilter {
                account_rowids: Some(vec![accounts[0], accounts[2]]),
                from: d(3),
                to: d(9),
                ..Default::default()
            },
            // An account twice (the walk merges one stream per account).
            TransactionFilter {
                account_rowids: Some(vec![accounts[2], accounts[0], accounts[2]]),
                ..Default::default()
            },
            TransactionFilter {
                account_rowids: Some(vec![accounts[0]]),
                to: d(6),
                ..Default::default()
            },
        ];
        let mut checked = 0;
        let mut set_checked = 0;
        for r in &ranges {
            for term in [
                "uber",
                "über",
                "müller",
                "50% o",
                "a_b",
                "ラーメン",
                "s 1",
                "none!",
            ] {
                let f = TransactionFilter {
                    search: Some(term.into()),
                    ..r.clone()
                };
                let t = Term::of(&f).expect("term");
                assert!(matches!(t, Term::Indexed { .. }));
                store
                    .read_helped(|c, mut helper| {
                        assert!(helper.is_some(), "a second connection");
                        let (w, p) = where_clause(&f, Some(&t), Matching::Instr, Walk::No);
                        let want = read::count_where(c, &w, p)?;
                        for m in [Matching::FromIndex, Matching::Probe, Matching::Instr] {
                            let (w, p) = where_clause(&f, Some(&t), m, Walk::No);
                            assert_eq!(read::count_where(c, &w, p)?, want, "{f:?} {m:?}");
                        }
                        for offset in [0, 5, 40] {
                            let base = read::page_with(
                                c,
                                &f,
                                Some(&t),
                                Matching::Instr,
                                Walk::No,
                                20,
                                offset,
                            )?;
                            for (m, walk) in [
                                (Matching::FromIndex, Walk::No),
                                (Matching::Instr, Walk::Dates),
                                (Matching::Probe, Walk::No),
                                (Matching::Probe, Walk::Dates),
                            ] {
                                let got = read::page_with(c, &f, Some(&t), m, walk, 20, offset)?;
                                assert_eq!(got, base, "{f:?} {m:?} {walk:?}");
                            }
                            let (total, rows) = read::list(c, &f, 20, offset)?;
                            assert_eq!((total, &rows), (want, &base), "{f:?}");
                            for via in [
                                read::set::Via::Scan,
                                read::set::Via::Fetch,
                                read::set::Via::Walk,
                                read::set::Via::Count,
                            ] {
                                let h = helper.as_deref_mut();
                                if let Some((total, rows)) =
                                    read::set::list_with(c, h, &f, 20, offset, Some(via))?
                                {
                                    assert_eq!((total, &rows), (want, &base), "{f:?} {via:?}");
                                    set_checked += 1;
                                }
                            }
                            checked += 1;
                        }
                        Ok(())
                    })
                    .expect("plans");
            }
        }
        assert_eq!(checked, 120);
        // Without accounts the set answers without dates, by fetch, walk or the count on two
        // connections; with accounts by scan, fetch or walk.
        assert_eq!(set_checked, 8 * 3 * (3 + 3 + 3 + 3 + 3));
    }
}

#[cfg(test)]
mod personal_tests {
    use super::*;
    use crate::store::{self, Store, personal};

    /// Lists filtered on the person's data give the same rows and totals whichever way
    /// they are counted and paged (the shortcuts against the plain query).
    #[test]
    fn personal_filters_agree_with_the_plain_query() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path().join("p.db")).expect("open");
        let accounts: Vec<i64> = store
            .write(|c| {
                let accounts = test_accounts(c, 2)?;
                for i in 0..400usize {
                    let id = format!("t{i}");
                    store::transactions::write::upsert(
                        c,
                        &write::NewTransaction {
                            transaction_id: &id,
                            account_rowid: accounts[i % 2],
                            date: format!("2024-{:02}-{:02}", 1 + i % 12, 1 + (i * 7) % 28),
                            authorized_date: None,
                            amount: if i % 2 == 0 { "5".into() } else { "-5".into() },
                            iso_currency_code: None,
                            unofficial_currency_code: None,
                            name: &format!("Row {i}"),
                            merchant_name: None,
                            pending: false,
                            pending_transaction_id: None,
                            payment_channel: None,
                            category: Some(if i % 3 == 0 {
                                "TRAVEL"
                            } else {
                                "FOOD_AND_DRINK"
                            }),
                            category_detailed: None,
                        },
                    )?;
                    if i % 5 == 0 {
                        personal::write::set_edit(
                            c,
                            &id,
                            &personal::EditRow {
                                category: Some("TRAVEL_FLIGHTS".into()),
                                ..Default::default()
                            },
                        )?;
                    }
                    if i % 7 == 0 {
                        personal::write::add_tag(c, &id, "x", None)?;
                    }
                }
                for i in (0..400usize).step_by(22) {
                    personal::write::pair(c, &format!("t{i}"), &format!("t{}", i + 1), true)?;
                }
                // Tagged rows Plaid moves to another date and account: their tags follow.
                for i in [0usize, 7, 14] {
                    store::transactions::write::upsert(
                        c,
                        &write::NewTransaction {
                            transaction_id: &format!("t{i}"),
                            account_rowid: accounts[1 - i % 2],
                            date: "2024-12-30".into(),
                            authorized_date: None,
                            amount: "5".into(),
                            iso_currency_code: None,
                            unofficial_currency_code: None,
                            name: "Moved",
                            merchant_name: None,
                            pending: false,
                            pending_transaction_id: None,
                            payment_channel: None,
                            category: Some("TRAVEL"),
                            category_detailed: None,
                        },
                    )?;
                }
                Ok(accounts)
            })
            .expect("data");
        let d = |m| NaiveDate::from_ymd_opt(2024, m, 1);
        let filters = [
            TransactionFilter {
                category: Some("TRAVEL".into()),
                ..Default::default()
            },
            TransactionFilter {
                category: Some("FOOD_AND_DRINK".into()),
                from: d(3),
                ..Default::default()
            },
            TransactionFilter {
                tag: Some("x".into()),
                ..Default::default()
            },
            TransactionFilter {
                tag: Some("x".into()),
                account_rowids: Some(vec![accounts[1]]),
                ..Default::default()
            },
            TransactionFilter {
                transfers: Some(true),
                ..Default::default()
            },
            TransactionFilter {
                transfers: Some(true),
                from: d(3),
                to: d(8),
                ..Default::default()
            },
            TransactionFilter {
                transfers: Some(true),
                account_rowids: Some(vec![accounts[0]]),
                ..Default::default()
            },
            TransactionFilter {
                transfers: Some(false),
                ..Default::default()
            },
            TransactionFilter {
                transfers: Some(false),
                search: Some("row 1".into()),
                ..Default::default()
            },
            TransactionFilter {
                transfers: Some(false),
                tag: Some("x".into()),
                to: d(9),
                ..Default::default()
            },
            TransactionFilter {
                tag: Some("x".into()),
                from: d(6),
                to: NaiveDate::from_ymd_opt(2024, 12, 31),
                account_rowids: Some(vec![accounts[0]]),
                ..Default::default()
            },
            TransactionFilter {
                tag: Some("x".into()),
                from: NaiveDate::from_ymd_opt(2024, 12, 30),
                ..Default::default()
            },
        ];
        for f in &filters {
            store
                .read(|c| {
                    let t = Term::of(f);
                    let (w, p) = where_clause(f, t.as_ref(), Matching::Instr, Walk::No);
                    let want = read::count_where(c, &w, p)?;
                    assert!(want > 0, "{f:?}");
                    for offset in [0, 7, 30] {
                        let base = read::page_with(
                            c,
                            f,
                            t.as_ref(),
                            Matching::Instr,
                            Walk::No,
                            20,
                            offset,
                        )?;
                        for walk in [Walk::Range, Walk::Dates] {
                            let walked = read::page_with(
                                c,
                                f,
                                t.as_ref(),
                                Matching::Instr,
                                walk,
                                20,
                                offset,
                            )?;
                            assert_eq!(walked, base, "{f:?} {walk:?}");
                        }
                        let (total, rows) = read::list(c, f, 20, offset)?;
                        assert_eq!((total, &rows), (want, &base), "{f:?}");
                    }
                    Ok(())
                })
                .expect("lists");
        }
    }
}

/// Times each plan of a filter on a kept benchmark database (`COFFER_PLAN_DB`, from
/// `examples/list_bench.rs`): `cargo test -p coffer-core --release --lib -- --ignored plan_timings --nocapture`.
#[cfg(test)]
mod timings {
    use super::*;

    #[test]
    #[ignore]
    fn plan_timings() {
        let Some(path) = std::env::var_os("COFFER_PLAN_DB") else {
            return;
        };
        let store = crate::store::Store::open(std::path::PathBuf::from(path)).expect("open");
        store
            .read(|c| {
                plan_timings_on(c);
                Ok(())
            })
            .expect("read");
    }

    fn plan_timings_on(c: &rusqlite::Connection) {
        let uber = TransactionFilter {
            search: Some("uber".into()),
            ..Default::default()
        };
        let time = |label: &str, f: &mut dyn FnMut() -> u64| {
            let mut v: Vec<f64> = (0..22)
                .map(|_| {
                    let t = std::time::Instant::now();
                    std::hint::black_box(f());
                    t.elapsed().as_secs_f64() * 1000.0
                })
                .skip(2)
                .collect();
            v.sort_by(f64::total_cmp);
            println!("{label:<40} p50 {:6.2} ms  max {:6.2} ms", v[10], v[19]);
        };
        for offset in [0u64, 50, 500] {
            for via in [read::set::Via::Fetch, read::set::Via::Walk] {
                time(&format!("set {via:?} offset {offset}"), &mut || {
                    read::set::list_with(c, None, &uber, 50, offset, Some(via))
                        .expect("l")
                        .map_or(0, |r| r.0)
                });
            }
            time(&format!("auto (list) offset {offset}"), &mut || {
                read::list(c, &uber, 50, offset).expect("l").0
            });
            let t = Term::of(&uber).expect("t");
            time(&format!("page Instr walk offset {offset}"), &mut || {
                read::page_with(c, &uber, Some(&t), Matching::Instr, Walk::No, 50, offset)
                    .expect("p")
                    .len() as u64
            });
            time(&format!("page FromIndex offset {offset}"), &mut || {
                read::page_with(
                    c,
                    &uber,
                    Some(&t),
                    Matching::FromIndex,
                    Walk::No,
                    50,
                    offset,
                )
                .expect("p")
                .len() as u64
            });
        }
    }

    /// Many small writes leave the search index in many segments; settling merges them into
    /// one, step by step, and every search finds what it found before.
    #[test]
    fn settling_merges_the_search_index_and_keeps_every_answer() {
        use crate::store::{self, Store};
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path().join("s.db")).expect("open");
        let accounts = store.write(|c| test_accounts(c, 2)).expect("accounts");
        for batch in 0..40usize {
            store
                .write(|c| {
                    for i in batch * 100..(batch + 1) * 100 {
                        let name = format!("shop {} ref {i}", ["uber", "kfc", "chevron"][i % 3]);
                        store::transactions::write::upsert(
                            c,
                            &test_row(
                                &format!("t{i}"),
                                accounts[i % 2],
                                format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                                &name,
                            ),
                        )?;
                    }
                    Ok(())
                })
                .expect("batch");
        }
        let segments = || -> i64 {
            store
                .read(|c| {
                    Ok(c.query_row(
                        "SELECT count(DISTINCT segid) FROM transactions_fts_idx",
                        [],
                        |r| r.get(0),
                    )?)
                })
                .expect("segments")
        };
        let answers = || -> Vec<(u64, Vec<TransactionView>)> {
            ["uber", "kfc", "ref 12", "ref 3999", "xyz"]
                .iter()
                .map(|term| {
                    let f = TransactionFilter {
                        search: Some((*term).into()),
                        ..Default::default()
                    };
                    store.read(|c| read::list(c, &f, 20, 0)).expect("list")
                })
                .collect()
        };
        let before = answers();
        assert_eq!(before[0].0, 1334, "uber rows");
        assert!(segments() > 1, "{} segment(s)", segments());
        let steps = store.settle_search().expect("settle");
        assert!(steps >= 1);
        assert_eq!(segments(), 1);
        assert_eq!(answers(), before);
        store
            .write(|c| {
                Ok(c.execute(
                    "INSERT INTO transactions_fts (transactions_fts, rank) VALUES ('integrity-check', 1)",
                    [],
                )?)
            })
            .expect("integrity");
        assert_eq!(
            store.settle_search().expect("again"),
            0,
            "nothing left to merge"
        );
    }
}
