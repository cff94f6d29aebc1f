//! The person's words beside Plaid's rows (migration 10): `transaction_edits`,
//! `transaction_tags`, `transaction_splits`, `categories`, `transfers` and `rules`. Every
//! table is keyed by the Plaid transaction id, so an edit follows its transaction through
//! every sync: a `modified` row keeps it (the upsert never deletes), a `removed` row takes it
//! along (ON DELETE CASCADE), and [`write::carry_over`] moves a pending row's edits to the
//! posted row that replaces it ([`write::hold`] and [`write::restore_held`] when the posted
//! row comes in a later sync than the pending row's removal).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;

/// One row of `transaction_edits`. A `*_rule` of `None` beside a value means the person set
/// it by hand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditRow {
    /// A Plaid code or a person's category.
    pub category: Option<String>,
    /// The rule that set `category`.
    pub category_rule: Option<i64>,
    /// Display name.
    pub name: Option<String>,
    /// The rule that set `name`.
    pub name_rule: Option<i64>,
    /// Note (by hand only).
    pub note: Option<String>,
    /// Left out of spending and income.
    pub exclude: Option<bool>,
    /// The rule that set `exclude`.
    pub exclude_rule: Option<i64>,
    /// The person unpaired it: never paired again.
    pub not_transfer: bool,
}

impl EditRow {
    /// Nothing left to keep.
    pub fn is_empty(&self) -> bool {
        self.category.is_none()
            && self.name.is_none()
            && self.note.is_none()
            && self.exclude.is_none()
            && !self.not_transfer
    }

    /// What `transactions.search_text` carries after Plaid's name and merchant.
    pub fn search_extra(&self) -> String {
        let mut s = String::new();
        for part in [&self.name, &self.note].into_iter().flatten() {
            s.push(' ');
            s.push_str(&part.to_lowercase());
        }
        s
    }
}

/// A tag on a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRow {
    /// The tag.
    pub tag: String,
    /// The rule that added it; `None` = by hand.
    pub rule: Option<i64>,
}

/// One part of a split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitRow {
    /// Exact decimal text, Plaid's sign.
    pub amount: String,
    /// Category (a Plaid code or the person's).
    pub category: Option<String>,
    /// Note.
    pub note: Option<String>,
}

/// A pair of transactions that is money moving between the person's accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRow {
    /// Left an account (amount > 0).
    pub out_id: String,
    /// Arrived in another (amount < 0).
    pub in_id: String,
    /// Paired by the person.
    pub by_hand: bool,
}

/// What the person wrote on one transaction ([`read::words_of`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words {
    /// Its edit.
    pub edit: Option<EditRow>,
    /// Its tags, by name.
    pub tags: Vec<TagRow>,
    /// Its split, in part order.
    pub split: Vec<SplitRow>,
    /// The transfer it is one side of, with the other side's Plaid account id.
    pub transfer: Option<(TransferRow, String)>,
}

/// One row of `rules`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRow {
    /// Row id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Runs on sync and apply.
    pub enabled: bool,
    /// JSON array of conditions.
    pub conditions: String,
    /// JSON array of actions.
    pub actions: String,
}

/// Queries.
pub mod read {
    use super::*;

    /// The edit of one transaction.
    pub fn edit(c: &Connection, transaction_id: &str) -> Result<Option<EditRow>> {
        Ok(c.prepare_cached(
            "SELECT category, category_rule, name, name_rule, note, exclude, exclude_rule, not_transfer
             FROM transaction_edits WHERE transaction_id = ?1",
        )?
        .query_row(params![transaction_id], edit_row)
        .optional()?)
    }

    pub(crate) fn edit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EditRow> {
        edit_row_from(r, 0)
    }

    /// An edit from the row's columns `first..first + 8` (as [`edit`] selects them).
    fn edit_row_from(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<EditRow> {
        Ok(EditRow {
            category: r.get(first)?,
            category_rule: r.get(first + 1)?,
            name: r.get(first + 2)?,
            name_rule: r.get(first + 3)?,
            note: r.get(first + 4)?,
            exclude: r.get(first + 5)?,
            exclude_rule: r.get(first + 6)?,
            not_transfer: r.get(first + 7)?,
        })
    }

    /// A transaction's tags, by name.
    pub fn tags(c: &Connection, transaction_id: &str) -> Result<Vec<TagRow>> {
        let mut st = c.prepare_cached(
            "SELECT tag, rule FROM transaction_tags WHERE transaction_id = ?1 ORDER BY tag",
        )?;
        Ok(st
            .query_map(params![transaction_id], |r| {
                Ok(TagRow {
                    tag: r.get(0)?,
                    rule: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Every tag in use, with how many transactions carry it.
    pub fn all_tags(c: &Connection) -> Result<Vec<(String, u64)>> {
        let mut st = c.prepare_cached(
            "SELECT tag, count(*) FROM transaction_tags GROUP BY tag ORDER BY tag",
        )?;
        Ok(st
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The transfer a transaction is one side of.
    pub fn transfer_of(c: &Connection, transaction_id: &str) -> Result<Option<TransferRow>> {
        Ok(c.prepare_cached(
            "SELECT out_id, in_id, by_hand FROM transfers WHERE out_id = ?1
             UNION ALL SELECT out_id, in_id, by_hand FROM transfers WHERE in_id = ?1",
        )?
        .query_row(params![transaction_id], |r| {
            Ok(TransferRow {
                out_id: r.get(0)?,
                in_id: r.get(1)?,
                by_hand: r.get(2)?,
            })
        })
        .optional()?)
    }

    /// Everything the person wrote on some rows, by transaction id: one query per table for
    /// the whole set (a page of a list), rows without any words left out.
    pub fn words_of(c: &Connection, ids: &[&str]) -> Result<HashMap<String, Words>> {
        let mut out: HashMap<String, Words> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let set = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        let mut st = c.prepare_cached(
            "SELECT transaction_id, category, category_rule, name, name_rule, note, exclude,
                    exclude_rule, not_transfer
             FROM transaction_edits WHERE transaction_id IN (SELECT value FROM json_each(?1))",
        )?;
        let mut rows = st.query(params![set])?;
        while let Some(r) = rows.next()? {
            let edit = edit_row_from(r, 1)?;
            out.entry(r.get(0)?).or_default().edit = Some(edit);
        }
        let mut st = c.prepare_cached(
            "SELECT transaction_id, tag, rule FROM transaction_tags
             WHERE transaction_id IN (SELECT value FROM json_each(?1)) ORDER BY transaction_id, tag",
        )?;
        let mut rows = st.query(params![set])?;
        while let Some(r) = rows.next()? {
            let tag = TagRow {
                tag: r.get(1)?,
                rule: r.get(2)?,
            };
            out.entry(r.get(0)?).or_default().tags.push(tag);
        }
        let mut st = c.prepare_cached(
            "SELECT transaction_id, amount, category, note FROM transaction_splits
             WHERE transaction_id IN (SELECT value FROM json_each(?1)) ORDER BY transaction_id, part",
        )?;
        let mut rows = st.query(params![set])?;
        while let Some(r) = rows.next()? {
            let part = SplitRow {
                amount: r.get(1)?,
                category: r.get(2)?,
                note: r.get(3)?,
            };
            out.entry(r.get(0)?).or_default().split.push(part);
        }
        // Each side of a transfer with the other side's account.
        let mut st = c.prepare_cached(
            "SELECT f.out_id, f.in_id, f.by_hand, 1, a.account_id
             FROM json_each(?1) j JOIN transfers f ON f.out_id = j.value
             JOIN transactions t ON t.transaction_id = f.in_id JOIN accounts a ON a.id = t.account_id
             UNION ALL
             SELECT f.out_id, f.in_id, f.by_hand, 0, a.account_id
             FROM json_each(?1) j JOIN transfers f ON f.in_id = j.value
             JOIN transactions t ON t.transaction_id = f.out_id JOIN accounts a ON a.id = t.account_id",
        )?;
        let mut rows = st.query(params![set])?;
        while let Some(r) = rows.next()? {
            let transfer = TransferRow {
                out_id: r.get(0)?,
                in_id: r.get(1)?,
                by_hand: r.get(2)?,
            };
            let out_side: bool = r.get(3)?;
            let id = if out_side {
                transfer.out_id.clone()
            } else {
                transfer.in_id.clone()
            };
            out.entry(id).or_default().transfer = Some((transfer, r.get(4)?));
        }
        Ok(out)
    }

    /// The person's categories, by name.
    pub fn own_categories(c: &Connection) -> Result<Vec<String>> {
        let mut st = c.prepare_cached("SELECT name FROM categories ORDER BY name")?;
        Ok(st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Transactions per category group (edited, else Plaid's primary).
    pub fn category_counts(c: &Connection) -> Result<Vec<(String, u64)>> {
        let mut st = c.prepare_cached(
            "SELECT category_group, count(*) FROM transactions
             WHERE category_group IS NOT NULL GROUP BY category_group",
        )?;
        Ok(st
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Transactions, split parts and rules that use a category (its exact spelling).
    pub fn category_uses(c: &Connection, name: &str) -> Result<(u64, u64, u64)> {
        let n = |sql: &str| -> Result<u64> {
            Ok(c.prepare_cached(sql)?
                .query_row(params![name], |r| r.get::<_, i64>(0))? as u64)
        };
        Ok((
            n("SELECT count(*) FROM transaction_edits WHERE category = ?1 COLLATE NOCASE")?,
            n("SELECT count(*) FROM transaction_splits WHERE category = ?1 COLLATE NOCASE")?,
            n("SELECT count(*) FROM rules, json_each(rules.actions) a
               WHERE json_extract(a.value, '$.category') = ?1 COLLATE NOCASE")?,
        ))
    }

    /// Whether a row is pending and carries any of the person's words.
    pub fn pending_with_personal(c: &Connection, transaction_id: &str) -> Result<bool> {
        Ok(c.prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM transactions t WHERE t.transaction_id = ?1 AND t.pending AND (
                 EXISTS (SELECT 1 FROM transaction_edits WHERE transaction_id = ?1)
                 OR EXISTS (SELECT 1 FROM transaction_tags WHERE transaction_id = ?1)
                 OR EXISTS (SELECT 1 FROM transaction_splits WHERE transaction_id = ?1)
                 OR EXISTS (SELECT 1 FROM transfers WHERE out_id = ?1 OR in_id = ?1)))",
        )?
        .query_row(params![transaction_id], |r| r.get(0))?)
    }

    /// Every rule, in order.
    pub fn rules(c: &Connection) -> Result<Vec<RuleRow>> {
        let mut st = c.prepare_cached(
            "SELECT id, name, enabled, conditions, actions FROM rules ORDER BY position, id",
        )?;
        Ok(st
            .query_map([], |r| {
                Ok(RuleRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    enabled: r.get(2)?,
                    conditions: r.get(3)?,
                    actions: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Whether any rule is enabled (sync skips rules entirely when none is).
    pub fn any_rule(c: &Connection) -> Result<bool> {
        Ok(
            c.prepare_cached("SELECT EXISTS (SELECT 1 FROM rules WHERE enabled)")?
                .query_row([], |r| r.get(0))?,
        )
    }
}

/// Changes.
pub mod write {
    use super::*;

    /// Tells `store::revision` that the person's data changed (every command that changes
    /// it calls this once).
    pub fn bump(c: &Connection) -> Result<()> {
        c.prepare_cached("UPDATE personal_changes SET n = n + 1")?
            .execute([])?;
        Ok(())
    }

    /// Stores a transaction's edit (deleting the row when nothing is left) and brings its
    /// search text up to date.
    pub fn set_edit(c: &Connection, transaction_id: &str, e: &EditRow) -> Result<()> {
        if e.is_empty() {
            c.prepare_cached("DELETE FROM transaction_edits WHERE transaction_id = ?1")?
                .execute(params![transaction_id])?;
        } else {
            let group = e
                .category
                .as_deref()
                .map(crate::personal::categories::group);
            c.prepare_cached(
                "INSERT INTO transaction_edits (transaction_id, category, category_group, category_rule, name,
                     name_rule, note, exclude, exclude_rule, not_transfer, search_extra, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT(transaction_id) DO UPDATE SET
                     category = excluded.category, category_group = excluded.category_group,
                     category_rule = excluded.category_rule, name = excluded.name,
                     name_rule = excluded.name_rule, note = excluded.note, exclude = excluded.exclude,
                     exclude_rule = excluded.exclude_rule, not_transfer = excluded.not_transfer,
                     search_extra = excluded.search_extra, updated_at = excluded.updated_at",
            )?
            .execute(params![
                transaction_id,
                e.category,
                group,
                e.category_rule,
                e.name,
                e.name_rule,
                e.note,
                e.exclude,
                e.exclude_rule,
                e.not_transfer,
                e.search_extra(),
                crate::store::now()
            ])?;
        }
        refresh_search(c, transaction_id)
    }

    /// Recomputes what a transaction row carries of the person's words (the same form
    /// `transactions::write::upsert` writes): `search_text` (Plaid's name and merchant, then
    /// the display name and note) and `category_group` (theirs, else Plaid's primary).
    pub fn refresh_search(c: &Connection, transaction_id: &str) -> Result<()> {
        type Row = (
            String,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let row: Option<Row> = c
            .prepare_cached(
                "SELECT t.name, t.merchant_name, t.search_text,
                        coalesce(e.search_extra, '') || coalesce((SELECT group_concat(s.search_extra, '')
                            FROM transaction_splits s WHERE s.transaction_id = t.transaction_id), ''),
                        t.category_group, coalesce(e.category_group, t.category)
                 FROM transactions t
                 LEFT JOIN transaction_edits e ON e.transaction_id = t.transaction_id
                 WHERE t.transaction_id = ?1",
            )?
            .query_row(params![transaction_id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .optional()?;
        let Some((name, merchant, current, extra, group, want_group)) = row else {
            return Ok(());
        };
        let text = crate::store::transactions::search_text(&name, merchant.as_deref())
            + extra.as_deref().unwrap_or("");
        if text != current || group != want_group {
            c.prepare_cached(
                "UPDATE transactions SET search_text = ?2, category_group = ?3 WHERE transaction_id = ?1",
            )?
            .execute(params![transaction_id, text, want_group])?;
        }
        Ok(())
    }

    /// Adds a tag (a tag already there by hand stays by hand).
    pub fn add_tag(
        c: &Connection,
        transaction_id: &str,
        tag: &str,
        rule: Option<i64>,
    ) -> Result<()> {
        c.prepare_cached(
            "INSERT INTO transaction_tags (transaction_id, tag, rule, account_id, date)
             SELECT ?1, ?2, ?3, account_id, date FROM transactions WHERE transaction_id = ?1
             ON CONFLICT(transaction_id, tag) DO UPDATE SET rule = NULL WHERE ?3 IS NULL",
        )?
        .execute(params![transaction_id, tag, rule])?;
        Ok(())
    }

    /// Removes a tag.
    pub fn remove_tag(c: &Connection, transaction_id: &str, tag: &str) -> Result<()> {
        c.prepare_cached("DELETE FROM transaction_tags WHERE transaction_id = ?1 AND tag = ?2")?
            .execute(params![transaction_id, tag])?;
        Ok(())
    }

    /// Replaces a transaction's split (`parts` empty: no split).
    pub fn set_splits(c: &Connection, transaction_id: &str, parts: &[SplitRow]) -> Result<()> {
        c.prepare_cached("DELETE FROM transaction_splits WHERE transaction_id = ?1")?
            .execute(params![transaction_id])?;
        let mut st = c.prepare_cached(
            "INSERT INTO transaction_splits (transaction_id, part, amount, category, category_group, note,
                 search_extra)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (i, p) in parts.iter().enumerate() {
            let group = p
                .category
                .as_deref()
                .map(crate::personal::categories::group);
            st.execute(params![
                transaction_id,
                i as i64,
                p.amount,
                p.category,
                group,
                p.note,
                p.note
                    .as_deref()
                    .map(|n| format!(" {}", n.to_lowercase()))
                    .unwrap_or_default()
            ])?;
        }
        refresh_search(c, transaction_id)
    }

    /// Creates a category.
    pub fn create_category(c: &Connection, name: &str) -> Result<bool> {
        Ok(c.prepare_cached(
            "INSERT INTO categories (name, created_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?
        .execute(params![name, crate::store::now()])?
            > 0)
    }

    /// Deletes a category (callers check it is unused).
    pub fn delete_category(c: &Connection, name: &str) -> Result<bool> {
        Ok(c.prepare_cached("DELETE FROM categories WHERE name = ?1")?
            .execute(params![name])?
            > 0)
    }

    /// Pairs two transactions as a transfer.
    pub fn pair(c: &Connection, out_id: &str, in_id: &str, by_hand: bool) -> Result<()> {
        c.prepare_cached(
            "INSERT INTO transfers (out_id, in_id, by_hand, paired_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![out_id, in_id, by_hand, crate::store::now()])?;
        Ok(())
    }

    /// Removes the transfer a transaction is one side of; returns it.
    pub fn unpair(c: &Connection, transaction_id: &str) -> Result<Option<TransferRow>> {
        let t = read::transfer_of(c, transaction_id)?;
        if let Some(t) = &t {
            c.prepare_cached("DELETE FROM transfers WHERE out_id = ?1")?
                .execute(params![t.out_id])?;
        }
        Ok(t)
    }

    /// A posted row replaces the pending row `pending`: the pending row's edit, tags, split
    /// and transfer move to `posted` (where the posted row has none of its own), before the
    /// pending row is deleted.
    pub fn carry_over(c: &Connection, pending: &str, posted: &str) -> Result<()> {
        for sql in [
            "UPDATE OR IGNORE transaction_edits SET transaction_id = ?2 WHERE transaction_id = ?1",
            "UPDATE OR IGNORE transaction_tags SET transaction_id = ?2 WHERE transaction_id = ?1",
            "UPDATE transaction_splits SET transaction_id = ?2 WHERE transaction_id = ?1
                 AND NOT EXISTS (SELECT 1 FROM transaction_splits WHERE transaction_id = ?2)",
            "UPDATE OR IGNORE transfers SET out_id = ?2 WHERE out_id = ?1",
            "UPDATE OR IGNORE transfers SET in_id = ?2 WHERE in_id = ?1",
        ] {
            c.prepare_cached(sql)?.execute(params![pending, posted])?;
        }
        refresh_search(c, posted)
    }

    /// Holds a removed pending row's words ([`restore_held`] gives them to the posted row
    /// replacing it when that comes in a later sync). Call before removing the row.
    pub fn hold(c: &Connection, pending: &str) -> Result<()> {
        c.prepare_cached(
            "INSERT OR REPLACE INTO held_words (transaction_id, account_id, edit, tags, splits, held_at)
             SELECT ?1, t.account_id,
                (SELECT json_object('category', category, 'category_rule', category_rule, 'name', name, 'name_rule', name_rule,
                        'note', note, 'exclude', exclude, 'exclude_rule', exclude_rule,
                        'not_transfer', not_transfer)
                 FROM transaction_edits WHERE transaction_id = ?1),
                (SELECT json_group_array(json_object('tag', tag, 'rule', rule))
                 FROM transaction_tags WHERE transaction_id = ?1),
                (SELECT json_group_array(json_object('part', part, 'amount', amount,
                        'category', category, 'category_group', category_group, 'note', note,
                        'search_extra', search_extra))
                 FROM transaction_splits WHERE transaction_id = ?1),
                ?2
             FROM transactions t WHERE t.transaction_id = ?1",
        )?
        .execute(params![pending, crate::store::now()])?;
        Ok(())
    }

    /// Gives the words held for `pending` to `posted` (what the posted row already has
    /// stays); returns whether any were held.
    pub fn restore_held(c: &Connection, pending: &str, posted: &str) -> Result<bool> {
        let held: bool = c
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM held_words WHERE transaction_id = ?1)")?
            .query_row(params![pending], |r| r.get(0))?;
        if !held {
            return Ok(false);
        }
        // The edit through `set_edit` (its group and search words), unless the posted row
        // has one of its own.
        let edit: Option<EditRow> = c
            .prepare_cached(
                "SELECT edit ->> 'category', edit ->> 'category_rule', edit ->> 'name',
                        edit ->> 'name_rule', edit ->> 'note', edit ->> 'exclude',
                        edit ->> 'exclude_rule', edit ->> 'not_transfer'
                 FROM held_words WHERE transaction_id = ?1 AND edit IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM transaction_edits WHERE transaction_id = ?2)",
            )?
            .query_row(params![pending, posted], read::edit_row)
            .optional()?;
        if let Some(e) = edit {
            set_edit(c, posted, &e)?;
        }
        for sql in [
            "INSERT OR IGNORE INTO transaction_tags (transaction_id, tag, rule, account_id, date)
             SELECT ?2, j.value ->> 'tag', j.value ->> 'rule', t.account_id, t.date
             FROM held_words h, json_each(h.tags) j, transactions t
             WHERE h.transaction_id = ?1 AND t.transaction_id = ?2",
            "INSERT INTO transaction_splits (transaction_id, part, amount, category, category_group, note,
                 search_extra)
             SELECT ?2, j.value ->> 'part', j.value ->> 'amount', j.value ->> 'category',
                    j.value ->> 'category_group', j.value ->> 'note', j.value ->> 'search_extra'
             FROM held_words h, json_each(h.splits) j
             WHERE h.transaction_id = ?1
               AND NOT EXISTS (SELECT 1 FROM transaction_splits WHERE transaction_id = ?2)",
        ] {
            c.prepare_cached(sql)?.execute(params![pending, posted])?;
        }
        c.prepare_cached("DELETE FROM held_words WHERE transaction_id = ?1")?
            .execute(params![pending])?;
        refresh_search(c, posted)?;
        bump(c)?;
        Ok(true)
    }

    /// Forgets words held since before `before` (RFC 3339): their posted row never came.
    pub fn purge_held(c: &Connection, before: &str) -> Result<usize> {
        Ok(
            c.prepare_cached("DELETE FROM held_words WHERE held_at < ?1")?
                .execute(params![before])?,
        )
    }

    /// Inserts a rule at the end; returns its id.
    pub fn insert_rule(
        c: &Connection,
        name: &str,
        enabled: bool,
        conditions: &str,
        actions: &str,
    ) -> Result<i64> {
        let now = crate::store::now();
        c.prepare_cached(
            "INSERT INTO rules (position, name, enabled, conditions, actions, created_at, updated_at)
             VALUES ((SELECT coalesce(max(position), 0) + 1 FROM rules), ?1, ?2, ?3, ?4, ?5, ?5)",
        )?
        .execute(params![name, enabled, conditions, actions, now])?;
        Ok(c.last_insert_rowid())
    }

    /// Replaces a rule's content; returns whether it exists.
    pub fn update_rule(
        c: &Connection,
        id: i64,
        name: &str,
        enabled: bool,
        conditions: &str,
        actions: &str,
    ) -> Result<bool> {
        Ok(c.prepare_cached(
            "UPDATE rules SET name = ?2, enabled = ?3, conditions = ?4, actions = ?5, updated_at = ?6 WHERE id = ?1",
        )?
        .execute(params![id, name, enabled, conditions, actions, crate::store::now()])?
            > 0)
    }

    /// Deletes a rule (the caller clears what it set first, [`forget_rule`]); returns
    /// whether it existed.
    pub fn delete_rule(c: &Connection, id: i64) -> Result<bool> {
        Ok(c.prepare_cached("DELETE FROM rules WHERE id = ?1")?
            .execute(params![id])?
            > 0)
    }

    /// Puts the rules in the given order (every rule's id, once).
    pub fn order_rules(c: &Connection, ids: &[i64]) -> Result<()> {
        let mut st = c.prepare_cached("UPDATE rules SET position = ?2 WHERE id = ?1")?;
        for (i, id) in ids.iter().enumerate() {
            st.execute(params![id, i as i64 + 1])?;
        }
        Ok(())
    }

    /// Clears what a rule set on every transaction (fields become Plaid's again, its tags go).
    pub fn forget_rule(c: &Connection, id: i64) -> Result<Vec<String>> {
        let mut st = c.prepare_cached(
            "SELECT transaction_id FROM transaction_edits
             WHERE category_rule = ?1 OR name_rule = ?1 OR exclude_rule = ?1
             UNION SELECT transaction_id FROM transaction_tags WHERE rule = ?1",
        )?;
        let ids: Vec<String> = st
            .query_map(params![id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        c.prepare_cached("DELETE FROM transaction_tags WHERE rule = ?1")?
            .execute(params![id])?;
        for t in &ids {
            if let Some(mut e) = read::edit(c, t)? {
                if e.category_rule == Some(id) {
                    e.category = None;
                    e.category_rule = None;
                }
                if e.name_rule == Some(id) {
                    e.name = None;
                    e.name_rule = None;
                }
                if e.exclude_rule == Some(id) {
                    e.exclude = None;
                    e.exclude_rule = None;
                }
                set_edit(c, t, &e)?;
            }
        }
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::transactions::write::{NewTransaction, upsert};

    fn row<'a>(
        id: &'a str,
        account: i64,
        pending: bool,
        replaces: Option<&'a str>,
    ) -> NewTransaction<'a> {
        let date = if pending { "2026-12-01" } else { "2026-12-03" };
        NewTransaction {
            amount: "42.50".into(),
            pending,
            pending_transaction_id: replaces,
            category: Some("FOOD_AND_DRINK"),
            ..crate::store::transactions::test_row(id, account, date.into(), "CORNER BAKERY")
        }
    }

    fn held(c: &Connection) -> i64 {
        c.query_row("SELECT count(*) FROM held_words", [], |r| r.get(0))
            .expect("count")
    }

    /// Plaid removes a pending row in one sync and sends the posted row replacing it in a
    /// later one: the words wait in `held_words` and go to the posted row.
    #[test]
    fn words_of_a_pending_row_removed_in_an_earlier_sync_reach_its_posted_row() {
        let dir = tempfile::tempdir().expect("dir");
        let store = crate::store::Store::open(dir.path().join("c.db")).expect("store");
        store
            .write(|c| {
                let a = crate::store::transactions::test_accounts(c, 1)?[0];
                upsert(c, &row("p1", a, true, None))?;
                write::set_edit(
                    c,
                    "p1",
                    &EditRow {
                        category: Some("Gifts".into()),
                        note: Some("for Sam".into()),
                        ..Default::default()
                    },
                )?;
                write::add_tag(c, "p1", "birthday", None)?;
                write::set_splits(
                    c,
                    "p1",
                    &[
                        SplitRow {
                            amount: "40.00".into(),
                            category: Some("Gifts".into()),
                            note: None,
                        },
                        SplitRow {
                            amount: "2.50".into(),
                            category: None,
                            note: Some("tip".into()),
                        },
                    ],
                )?;
                // The first sync ends with the pending row removed, no posted row yet.
                crate::sync::finish_removals(c, &["p1".to_string()])?;
                assert!(read::words_of(c, &["p1"])?.is_empty());
                assert_eq!(held(c), 1);
                // A row already taken over (gone) holds nothing.
                crate::sync::finish_removals(c, &["gone".to_string()])?;
                assert_eq!(held(c), 1);

                // A later sync brings the posted row.
                upsert(c, &row("t1", a, false, Some("p1")))?;
                let mut w = read::words_of(c, &["t1"])?;
                let w = w.remove("t1").expect("words on the posted row");
                let e = w.edit.expect("edit");
                assert_eq!(
                    (e.category.as_deref(), e.note.as_deref()),
                    (Some("Gifts"), Some("for Sam"))
                );
                assert_eq!(
                    w.tags.iter().map(|t| t.tag.as_str()).collect::<Vec<_>>(),
                    ["birthday"]
                );
                assert_eq!(
                    w.split
                        .iter()
                        .map(|p| p.amount.as_str())
                        .collect::<Vec<_>>(),
                    ["40.00", "2.50"]
                );
                assert_eq!(held(c), 0);
                let (text, group, tag_date): (String, String, String) = c.query_row(
                    "SELECT t.search_text, t.category_group, g.date FROM transactions t
                     JOIN transaction_tags g ON g.transaction_id = t.transaction_id
                     WHERE t.transaction_id = 't1'",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?;
                assert!(text.contains("for sam"), "{text}");
                assert_eq!((group.as_str(), tag_date.as_str()), ("Gifts", "2026-12-03"));

                // Words whose posted row never comes are forgotten after the hold.
                upsert(c, &row("p2", a, true, None))?;
                write::add_tag(c, "p2", "x", None)?;
                crate::sync::finish_removals(c, &["p2".to_string()])?;
                assert_eq!(held(c), 1);
                c.execute(
                    "UPDATE held_words SET held_at = '2020-01-01T00:00:00.000Z'",
                    [],
                )?;
                crate::sync::finish_removals(c, &[])?;
                assert_eq!(held(c), 0);
                // So are the held words of an account that goes (its link removed).
                upsert(c, &row("p3", a, true, None))?;
                write::add_tag(c, "p3", "x", None)?;
                crate::sync::finish_removals(c, &["p3".to_string()])?;
                assert_eq!(held(c), 1);
                c.execute("DELETE FROM transactions WHERE account_id = ?1", [a])?;
                c.execute("DELETE FROM accounts WHERE id = ?1", [a])?;
                assert_eq!(held(c), 0);
                Ok(())
            })
            .expect("store");
    }
}
