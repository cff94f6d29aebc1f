//! The person's words beside Plaid's data: edits (category, display name, note, tags,
//! exclusion), splits, transfers, categories and rules (docs/ARCHITECTURE.md, "Edits,
//! rules, splits and transfers"). Plaid's rows are never changed by them; the SQL is in
//! `store::personal`.
//!
//! * `mod.rs` (here): the per-row view ([`Personal`]) and the edit, split and transfer
//!   commands;
//! * [`categories`]: Plaid's taxonomy and the person's categories;
//! * [`rules`]: conditions, actions, running them on sync and on stored rows;
//! * [`transfers`]: pairing money that moves between the person's accounts.

pub mod categories;
pub mod rules;
pub mod transfers;

use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::coffer::Coffer;
use crate::error::{AppError, Result};
use crate::store::personal::{EditRow, SplitRow, read, write};
use crate::store::transactions::TransactionView;
use categories::{CategorySource, CategoryView};

/// The person's words on one transaction (absent when there are none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Personal {
    /// Their category (a Plaid code or their own); Plaid's stays in the row.
    pub category: Option<String>,
    /// The rule that set it (`None`: by hand).
    pub category_rule: Option<i64>,
    /// Their name for it.
    pub name: Option<String>,
    /// The rule that set it.
    pub name_rule: Option<i64>,
    /// Their note.
    pub note: Option<String>,
    /// Left out of spending and income.
    pub excluded: bool,
    /// The rule that set the exclusion (or inclusion).
    pub excluded_rule: Option<i64>,
    /// Tags.
    pub tags: Vec<TagOnRow>,
    /// The parts it is split into (empty: not split).
    pub split: Vec<SplitPart>,
    /// The transfer it is one side of.
    pub transfer: Option<TransferSide>,
}

/// A tag on a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TagOnRow {
    /// The tag.
    pub tag: String,
    /// The rule that added it (`None`: by hand).
    pub rule: Option<i64>,
}

/// One part of a split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SplitPart {
    /// Exact amount, the transaction's sign convention (positive = money out).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub amount: Decimal,
    /// Category.
    pub category: Option<String>,
    /// Note.
    pub note: Option<String>,
}

/// The other side of a transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TransferSide {
    /// `out`: this row left the account; `in`: it arrived.
    pub direction: rules::Direction,
    /// The other row.
    pub other_transaction_id: String,
    /// Its account (Plaid account id).
    pub other_account_id: String,
    /// Paired by the person.
    pub by_hand: bool,
}

/// One transaction by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransactionIdInput {
    /// Plaid transaction id.
    pub transaction_id: String,
}

/// A field of a change: absent = unchanged, `null` = cleared, a value = set (serde's
/// `Option<Option<T>>` cannot tell the first two apart on its own).
mod patch {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }

    pub fn serialize<S: Serializer, T: Serialize>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }
}

/// `edit_transactions`: the same change on 1–1000 rows. Each field: absent = unchanged,
/// `null` = back to Plaid's (the rules may then set it), a value = set by hand (no rule
/// overwrites it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditTransactionsInput {
    /// Plaid transaction ids.
    pub transaction_ids: Vec<String>,
    /// A Plaid code or the person's category.
    #[serde(default, with = "patch", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Option<String>>", optional))]
    pub category: Option<Option<String>>,
    /// Display name (1–100 characters).
    #[serde(default, with = "patch", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Option<String>>", optional))]
    pub name: Option<Option<String>>,
    /// Note (up to 1000 characters).
    #[serde(default, with = "patch", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Option<String>>", optional))]
    pub note: Option<Option<String>>,
    /// Left out of spending and income (`false`: kept in, whatever the rules say).
    #[serde(default, with = "patch", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Option<bool>>", optional))]
    pub exclude: Option<Option<bool>>,
    /// Tags to add.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub add_tags: Vec<String>,
    /// Tags to remove.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub remove_tags: Vec<String>,
}

/// `split_transaction` input: parts that add up exactly to the amount (none: not split).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SplitInput {
    /// Plaid transaction id.
    pub transaction_id: String,
    /// 2–20 parts, or none to undo the split.
    pub parts: Vec<SplitPartInput>,
}

/// One part as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SplitPartInput {
    /// Exact decimal, the transaction's sign (positive = money out).
    pub amount: String,
    /// Category.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub category: Option<String>,
    /// Note.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub note: Option<String>,
}

/// `pair_transfer` input: the two rows (either order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PairTransferInput {
    /// Plaid transaction ids.
    pub transaction_ids: [String; 2],
}

/// A category name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CategoryNameInput {
    /// The name.
    pub name: String,
}

/// A tag in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TagView {
    /// The tag.
    pub tag: String,
    /// Rows carrying it.
    pub transactions: u64,
}

/// The most rows one edit changes.
pub const MAX_EDIT_ROWS: usize = 1000;

/// Whether any of the person's tables holds a row (listing skips them when none does).
pub(crate) fn any_personal(c: &Connection) -> Result<bool> {
    Ok(c.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM transaction_edits) OR EXISTS (SELECT 1 FROM transaction_tags)
             OR EXISTS (SELECT 1 FROM transaction_splits) OR EXISTS (SELECT 1 FROM transfers)",
    )?
    .query_row([], |r| r.get(0))?)
}

/// The person's words on one row, or `None`.
pub(crate) fn personal_of(c: &Connection, transaction_id: &str) -> Result<Option<Personal>> {
    Ok(read::words_of(c, &[transaction_id])?
        .remove(transaction_id)
        .and_then(|w| personal(transaction_id, w)))
}

/// The view of what [`read::words_of`] found on a row (`None`: nothing the person wrote).
fn personal(transaction_id: &str, w: crate::store::personal::Words) -> Option<Personal> {
    let transfer = w.transfer.map(|(t, other_account_id)| {
        let (direction, other) = if t.out_id == transaction_id {
            (rules::Direction::Out, t.in_id)
        } else {
            (rules::Direction::In, t.out_id)
        };
        TransferSide {
            direction,
            other_transaction_id: other,
            other_account_id,
            by_hand: t.by_hand,
        }
    });
    if w.edit.as_ref().is_none_or(|e| {
        e.category.is_none() && e.name.is_none() && e.note.is_none() && e.exclude.is_none()
    }) && w.tags.is_empty()
        && w.split.is_empty()
        && transfer.is_none()
    {
        return None;
    }
    let e = w.edit.unwrap_or_default();
    Some(Personal {
        category: e.category,
        category_rule: e.category_rule,
        name: e.name,
        name_rule: e.name_rule,
        note: e.note,
        excluded: e.exclude == Some(true),
        excluded_rule: e.exclude_rule,
        tags: w
            .tags
            .into_iter()
            .map(|t| TagOnRow {
                tag: t.tag,
                rule: t.rule,
            })
            .collect(),
        split: w
            .split
            .into_iter()
            .filter_map(|p| {
                Some(SplitPart {
                    amount: p.amount.parse().ok()?,
                    category: p.category,
                    note: p.note,
                })
            })
            .collect(),
        transfer,
    })
}

/// Adds the person's words to listed rows: one query per table for the whole page, nothing
/// when the person has none anywhere.
pub(crate) fn decorate(c: &Connection, rows: &mut [TransactionView]) -> Result<()> {
    if rows.is_empty() || !any_personal(c)? {
        return Ok(());
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.transaction_id.as_str()).collect();
    let mut words = read::words_of(c, &ids)?;
    for r in rows {
        r.personal = words
            .remove(&r.transaction_id)
            .and_then(|w| personal(&r.transaction_id, w))
            .map(Box::new);
    }
    Ok(())
}

fn one_row(c: &Connection, transaction_id: &str) -> Result<TransactionView> {
    let mut row = crate::store::transactions::read::by_transaction_id(c, transaction_id)?
        .ok_or_else(|| {
            AppError::invalid(format!(
                "unknown transaction {:?}",
                crate::validate::clip(transaction_id)
            ))
        })?;
    row.personal = personal_of(c, transaction_id)?.map(Box::new);
    Ok(row)
}

fn optional_text(field: &str, v: &Option<String>, max: usize) -> Result<Option<String>> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if t.chars().count() > max => Err(AppError::invalid(format!(
            "{field} has at most {max} characters"
        ))),
        Some(t) if t.chars().any(|ch| ch.is_control() && ch != '\n') => Err(AppError::invalid(
            format!("{field} cannot hold control characters"),
        )),
        Some(t) => Ok(Some(t.to_string())),
    }
}

impl Coffer {
    /// `get_transaction`: one row with Plaid's values and the person's.
    pub async fn get_transaction(&self, input: TransactionIdInput) -> Result<TransactionView> {
        crate::validate::token_like("transactionId", &input.transaction_id, 100)?;
        self.inner.store.read(|c| one_row(c, &input.transaction_id))
    }

    /// `edit_transactions`: one change on 1–1000 rows, in one transaction; returns the rows
    /// as they are now. Every id must exist (else nothing changes).
    pub async fn edit_transactions(
        &self,
        input: EditTransactionsInput,
    ) -> Result<Vec<TransactionView>> {
        let ids = &input.transaction_ids;
        if ids.is_empty() || ids.len() > MAX_EDIT_ROWS {
            return Err(AppError::invalid(format!(
                "edit 1 to {MAX_EDIT_ROWS} transactions at a time"
            )));
        }
        for id in ids {
            crate::validate::token_like("transactionIds[]", id, 100)?;
        }
        let name = match &input.name {
            None => None,
            Some(v) => Some(optional_text("a name", v, 100)?),
        };
        let note = match &input.note {
            None => None,
            Some(v) => Some(optional_text("a note", v, 1000)?),
        };
        let add: Vec<String> = input
            .add_tags
            .iter()
            .map(|t| rules::tag(t))
            .collect::<Result<_>>()?;
        let remove: Vec<String> = input
            .remove_tags
            .iter()
            .map(|t| t.trim().to_string())
            .collect();
        if input.category.is_none()
            && name.is_none()
            && note.is_none()
            && input.exclude.is_none()
            && add.is_empty()
            && remove.is_empty()
        {
            return Err(AppError::invalid("nothing to change"));
        }
        self.inner
            .store
            .write(|c| {
                let category = match &input.category {
                    None => None,
                    Some(None) => Some(None),
                    Some(Some(v)) => Some(Some(categories::check(
                        v.trim(),
                        &read::own_categories(c)?,
                    )?)),
                };
                for id in ids {
                    if crate::store::transactions::read::by_transaction_id(c, id)?.is_none() {
                        return Err(AppError::invalid(format!(
                            "unknown transaction {:?}: nothing was changed",
                            crate::validate::clip(id)
                        )));
                    }
                }
                for id in ids {
                    let mut e: EditRow = read::edit(c, id)?.unwrap_or_default();
                    if let Some(v) = &category {
                        e.category = v.clone();
                        e.category_rule = None;
                    }
                    if let Some(v) = &name {
                        e.name = v.clone();
                        e.name_rule = None;
                    }
                    if let Some(v) = &note {
                        e.note = v.clone();
                    }
                    if let Some(v) = input.exclude {
                        e.exclude = v;
                        e.exclude_rule = None;
                    }
                    write::set_edit(c, id, &e)?;
                    for t in &remove {
                        write::remove_tag(c, id, t)?;
                    }
                    for t in &add {
                        write::add_tag(c, id, t, None)?;
                    }
                }
                // A field cleared back to Plaid's is the rules' again. Any other edit leaves
                // the rules alone: they reach existing rows only through "apply".
                let given_back = matches!(category, Some(None))
                    || matches!(name, Some(None))
                    || input.exclude == Some(None);
                if given_back {
                    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
                    rules::run_on(c, &refs)?;
                }
                write::bump(c)?;
                ids.iter()
                    .map(|id| one_row(c, id))
                    .collect::<Result<Vec<_>>>()
            })
            .inspect(|rows| self.settle_search_after(rows.len() as u64))
    }

    /// `split_transaction`: parts that add up exactly to the amount, or none to undo.
    pub async fn split_transaction(&self, input: SplitInput) -> Result<TransactionView> {
        crate::validate::token_like("transactionId", &input.transaction_id, 100)?;
        let n = input.parts.len();
        if n == 1 || n > 20 {
            return Err(AppError::invalid(
                "a split has 2 to 20 parts (none to undo it)",
            ));
        }
        let mut amounts = Vec::with_capacity(n);
        for (i, p) in input.parts.iter().enumerate() {
            let a: Decimal = p.amount.trim().parse().map_err(|_| {
                AppError::invalid(format!(
                    "part {}: {:?} is not an amount",
                    i + 1,
                    crate::validate::clip(&p.amount)
                ))
            })?;
            if a.is_zero() {
                return Err(AppError::invalid(format!("part {} is zero", i + 1)));
            }
            amounts.push(a);
        }
        self.inner.store.write(|c| {
            let row =
                crate::store::transactions::read::by_transaction_id(c, &input.transaction_id)?
                    .ok_or_else(|| {
                        AppError::invalid(format!(
                            "unknown transaction {:?}",
                            crate::validate::clip(&input.transaction_id)
                        ))
                    })?;
            let own = read::own_categories(c)?;
            let mut parts = Vec::with_capacity(n);
            for (p, a) in input.parts.iter().zip(&amounts) {
                let category = match p.category.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(cat) => Some(categories::check(cat, &own)?),
                };
                parts.push(SplitRow {
                    amount: a.to_string(),
                    category,
                    note: optional_text("a part's note", &p.note, 1000)?,
                });
            }
            let sum: Decimal = amounts.iter().sum();
            if n > 0 && sum != row.amount {
                // Money as people read it: at least two decimals, no sign.
                let money = |d: Decimal| {
                    let mut d = d.abs();
                    if d.scale() < 2 {
                        d.rescale(2);
                    }
                    d.to_string()
                };
                let rest = row.amount - sum;
                let over = (rest > Decimal::ZERO) != (row.amount > Decimal::ZERO);
                return Err(AppError::invalid(format!(
                    "the parts add up to {}, not {}: {} {}",
                    money(sum),
                    money(row.amount),
                    money(rest),
                    if over {
                        "too much is assigned"
                    } else {
                        "is still to assign"
                    }
                )));
            }
            write::set_splits(c, &input.transaction_id, &parts)?;
            write::bump(c)?;
            one_row(c, &input.transaction_id)
        })
    }

    /// `pair_transfer`: two rows as one transfer (the person's word beats the automatic
    /// pairing): opposite signs, the same size and currency, two different accounts, neither
    /// paired already.
    pub async fn pair_transfer(&self, input: PairTransferInput) -> Result<Vec<TransactionView>> {
        for id in &input.transaction_ids {
            crate::validate::token_like("transactionIds[]", id, 100)?;
        }
        self.inner.store.write(|c| {
            let [a, b] = &input.transaction_ids;
            let ra = one_row(c, a)?;
            let rb = one_row(c, b)?;
            let (out, inn) = if ra.amount > Decimal::ZERO {
                (&ra, &rb)
            } else {
                (&rb, &ra)
            };
            for r in [out, inn] {
                if r.personal.as_ref().is_some_and(|p| p.transfer.is_some()) {
                    return Err(AppError::invalid(format!(
                        "{:?} is already part of a transfer: unpair it first",
                        r.transaction_id
                    )));
                }
            }
            if out.account_id == inn.account_id {
                return Err(AppError::invalid(
                    "a transfer is between two different accounts",
                ));
            }
            if !(out.amount > Decimal::ZERO && inn.amount < Decimal::ZERO) {
                return Err(AppError::invalid(
                    "a transfer pairs money out of one account with money into another",
                ));
            }
            if out.amount != -inn.amount {
                return Err(AppError::invalid(format!(
                    "the amounts differ ({} out, {} in)",
                    out.amount, -inn.amount
                )));
            }
            if out.iso_currency_code != inn.iso_currency_code
                || out.unofficial_currency_code != inn.unofficial_currency_code
            {
                return Err(AppError::invalid(
                    "the two rows are in different currencies",
                ));
            }
            for r in [out, inn] {
                if let Some(mut e) = read::edit(c, &r.transaction_id)?
                    && e.not_transfer
                {
                    e.not_transfer = false;
                    write::set_edit(c, &r.transaction_id, &e)?;
                }
            }
            write::pair(c, &out.transaction_id, &inn.transaction_id, true)?;
            write::bump(c)?;
            Ok(vec![
                one_row(c, &out.transaction_id)?,
                one_row(c, &inn.transaction_id)?,
            ])
        })
    }

    /// `unpair_transfer`: the rows count as spending and income again, and are never paired
    /// automatically again.
    pub async fn unpair_transfer(&self, input: TransactionIdInput) -> Result<Vec<TransactionView>> {
        crate::validate::token_like("transactionId", &input.transaction_id, 100)?;
        self.inner.store.write(|c| {
            let Some(t) = write::unpair(c, &input.transaction_id)? else {
                return Err(AppError::invalid(format!(
                    "{:?} is not part of a transfer",
                    crate::validate::clip(&input.transaction_id)
                )));
            };
            for id in [&t.out_id, &t.in_id] {
                let mut e = read::edit(c, id)?.unwrap_or_default();
                e.not_transfer = true;
                write::set_edit(c, id, &e)?;
            }
            write::bump(c)?;
            Ok(vec![one_row(c, &t.out_id)?, one_row(c, &t.in_id)?])
        })
    }

    /// `list_categories`: Plaid's (primary, then detailed) and the person's, with how many
    /// rows each group holds.
    pub async fn list_categories(&self) -> Result<Vec<CategoryView>> {
        self.inner.store.read(|c| {
            let counts: std::collections::HashMap<String, u64> =
                read::category_counts(c)?.into_iter().collect();
            let n = |k: &str| counts.get(k).copied().unwrap_or(0);
            let mut out = Vec::new();
            for (primary, detailed) in categories::PLAID_TAXONOMY {
                for code in std::iter::once(primary).chain(detailed.iter()) {
                    out.push(CategoryView {
                        category: code.to_string(),
                        label: categories::label(code),
                        group: primary.to_string(),
                        source: CategorySource::Plaid,
                        transactions: if code == primary { n(primary) } else { 0 },
                    });
                }
            }
            for name in read::own_categories(c)? {
                out.push(CategoryView {
                    transactions: n(&name),
                    label: name.clone(),
                    group: name.clone(),
                    category: name,
                    source: CategorySource::Own,
                });
            }
            Ok(out)
        })
    }

    /// `create_category`: a category of the person's own.
    pub async fn create_category(&self, input: CategoryNameInput) -> Result<CategoryView> {
        let name = categories::new_name(&input.name)?;
        self.inner.store.write(|c| {
            if !write::create_category(c, &name)? {
                return Err(AppError::invalid(format!(
                    "there is a category {name:?} already"
                )));
            }
            write::bump(c)?;
            Ok(CategoryView {
                category: name.clone(),
                label: name.clone(),
                group: name,
                source: CategorySource::Own,
                transactions: 0,
            })
        })
    }

    /// `delete_category`: only an unused one (rows, split parts and rules that use it are
    /// counted in the refusal).
    pub async fn delete_category(&self, input: CategoryNameInput) -> Result<()> {
        self.inner.store.write(|c| {
            let own = read::own_categories(c)?;
            let Some(name) = own.iter().find(|n| n.to_lowercase() == input.name.trim().to_lowercase()) else {
                return Err(AppError::invalid(format!(
                    "no category of yours is called {:?}",
                    crate::validate::clip(&input.name)
                )));
            };
            let (rows, parts, rules) = read::category_uses(c, name)?;
            if rows + parts + rules > 0 {
                return Err(AppError::invalid(format!(
                    "{name:?} is in use ({rows} transaction(s), {parts} split part(s), {rules} rule(s)): change those first"
                )));
            }
            write::delete_category(c, name)?;
            write::bump(c)
        })
    }

    /// `list_tags`: every tag in use.
    pub async fn list_tags(&self) -> Result<Vec<TagView>> {
        self.inner.store.read(|c| {
            Ok(read::all_tags(c)?
                .into_iter()
                .map(|(tag, transactions)| TagView { tag, transactions })
                .collect())
        })
    }

    /// `suggest_rule`: a rule that would do for every such row what the person did to this
    /// one ("always do this for Starbucks?"): the merchant (else the description) as it
    /// reads, and the row's hand-made category, name, tags and exclusion. Not saved.
    pub async fn suggest_rule(&self, input: TransactionIdInput) -> Result<rules::RuleInput> {
        let row = self.get_transaction(input).await?;
        let p = row.personal.as_deref().cloned().unwrap_or_default();
        let mut actions = Vec::new();
        if let (Some(cat), None) = (&p.category, p.category_rule) {
            actions.push(rules::Action::SetCategory {
                category: cat.clone(),
            });
        }
        if let (Some(n), None) = (&p.name, p.name_rule) {
            actions.push(rules::Action::Rename { name: n.clone() });
        }
        for t in p.tags.iter().filter(|t| t.rule.is_none()) {
            actions.push(rules::Action::AddTag { tag: t.tag.clone() });
        }
        if p.excluded && p.excluded_rule.is_none() {
            actions.push(rules::Action::Exclude);
        }
        if actions.is_empty() {
            return Err(AppError::invalid(
                "edit this transaction first: a rule repeats what you changed",
            ));
        }
        let (condition, label) = match row.merchant_name.as_deref().filter(|m| !m.is_empty()) {
            Some(m) => (
                rules::Condition::Merchant {
                    op: rules::TextOp::Exact,
                    value: m.to_string(),
                },
                m.to_string(),
            ),
            None => (
                rules::Condition::Description {
                    op: rules::TextOp::Exact,
                    value: row.name.clone(),
                },
                row.name.clone(),
            ),
        };
        Ok(rules::RuleInput {
            id: None,
            name: crate::validate::clip(&label),
            enabled: true,
            conditions: vec![condition],
            actions,
        })
    }
}
