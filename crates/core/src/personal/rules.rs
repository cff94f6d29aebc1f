//! Rules: conditions on Plaid's data, actions on the person's (docs/ARCHITECTURE.md,
//! "Edits, rules, splits and transfers").
//!
//! A rule holds when all its conditions do. Conditions read Plaid's values (the description
//! is Plaid's `name`, the merchant `merchant_name`; text is compared without case), never the
//! person's edits, so renaming a row never changes which rules hold for it. Rules run in
//! their list order and **the first rule that sets a field decides it** (category, name,
//! exclusion); tags from every rule that holds are added. A field the person set by hand is
//! never touched. Rules run on every row a sync adds or modifies ([`run_on`]) and, when the
//! person asks, on every stored row ([`Coffer::preview_rules`], [`Coffer::apply_rules`]): a
//! field a rule set is recomputed each time, so a rule edited or deleted stops applying.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::coffer::Coffer;
use crate::error::{AppError, Result};
use crate::personal::categories;
use crate::store::personal::{EditRow, RuleRow, TagRow, read, write};

/// How text is compared (case-insensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum TextOp {
    /// Anywhere in the text.
    Contains,
    /// At its start.
    StartsWith,
    /// The whole text.
    Exact,
}

/// Money out (Plaid's positive amounts) or in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// Money leaving the account.
    Out,
    /// Money arriving.
    In,
}

/// One condition of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "field", rename_all = "camelCase")]
pub enum Condition {
    /// Plaid's merchant name (a row without one never matches).
    Merchant {
        /// How.
        op: TextOp,
        /// What.
        value: String,
    },
    /// Plaid's description (`name`).
    Description {
        /// How.
        op: TextOp,
        /// What.
        value: String,
    },
    /// The amount's size, money in or out alike, bounds included.
    Amount {
        /// At least.
        #[serde(default, with = "decimal_text")]
        #[cfg_attr(feature = "ts", ts(type = "string | null"))]
        min: Option<Decimal>,
        /// At most.
        #[serde(default, with = "decimal_text")]
        #[cfg_attr(feature = "ts", ts(type = "string | null"))]
        max: Option<Decimal>,
    },
    /// Money out or in.
    Direction {
        /// Which.
        direction: Direction,
    },
    /// One account (Plaid account id).
    Account {
        /// The account.
        #[serde(rename = "accountId")]
        account_id: String,
    },
    /// Plaid's category, primary or detailed.
    PlaidCategory {
        /// A Plaid code.
        category: String,
    },
}

/// One action of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "action", rename_all = "camelCase")]
pub enum Action {
    /// Sets the category.
    SetCategory {
        /// A Plaid code or a person's category.
        category: String,
    },
    /// Shows another name.
    Rename {
        /// The name.
        name: String,
    },
    /// Adds a tag.
    AddTag {
        /// The tag.
        tag: String,
    },
    /// Leaves the row out of spending and income.
    Exclude,
}

/// A rule as listed and exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RuleView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Runs on sync and apply.
    pub enabled: bool,
    /// All must hold.
    pub conditions: Vec<Condition>,
    /// What it does.
    pub actions: Vec<Action>,
}

/// `save_rule` input: a new rule (`id` absent, added last) or a changed one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleInput {
    /// The rule to change; absent = a new one.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub id: Option<i64>,
    /// Name (1–100 characters).
    pub name: String,
    /// Runs on sync and apply (default true).
    #[serde(default = "yes")]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub enabled: bool,
    /// 1–20 conditions, all must hold.
    pub conditions: Vec<Condition>,
    /// 1–10 actions.
    pub actions: Vec<Action>,
}

/// An optional exact amount as JSON text (`"20.00"` or `null`).
mod decimal_text {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_str(&d.to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| {
                t.trim()
                    .parse()
                    .map_err(|_| serde::de::Error::custom(format!("{t:?} is not an amount")))
            })
            .transpose()
    }
}

fn yes() -> bool {
    true
}

/// A rule id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleIdInput {
    /// The rule.
    pub id: i64,
}

/// `order_rules` input: every rule's id, in the new order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleOrderInput {
    /// Rule ids, first to run first.
    pub ids: Vec<i64>,
}

/// `preview_rules` / `apply_rules` input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplyRulesInput {
    /// Only the rows this rule holds for (every rule still runs on them, in order); absent:
    /// every row.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub rule_id: Option<i64>,
    /// `apply_rules`: the preview's revision; refused when the data changed since.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub revision: Option<String>,
}

/// What applying the rules would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RulePreview {
    /// Pass it to `apply_rules`: the data the preview saw.
    pub revision: String,
    /// Rows looked at.
    pub checked: u64,
    /// Rows that would change.
    pub changed: u64,
    /// Up to 10 of them, newest first.
    pub examples: Vec<RuleChangeView>,
}

/// One row a rule would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RuleChangeView {
    /// Plaid transaction id.
    pub transaction_id: String,
    /// Date.
    pub date: String,
    /// Plaid's description.
    pub name: String,
    /// Amount (Plaid's sign).
    pub amount: String,
    /// What changes, in words ("category: Food and drink → Coffee").
    pub changes: Vec<String>,
}

/// `apply_rules` output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RulesApplied {
    /// Rows looked at.
    pub checked: u64,
    /// Rows changed.
    pub changed: u64,
}

/// How far `apply_rules` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RulesProgress {
    /// Rows done.
    pub done: u64,
    /// Rows in all.
    pub total: u64,
}

/// Rules as a file (`export_rules`, `import_rules`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RulesDocument {
    /// Format version: 1.
    pub coffer_rules: u32,
    /// The person's categories the rules use.
    #[serde(default)]
    pub categories: Vec<String>,
    /// The rules, in order (ids are not kept).
    pub rules: Vec<RuleDocumentEntry>,
}

/// One rule in a [`RulesDocument`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleDocumentEntry {
    /// Name.
    pub name: String,
    /// Enabled.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Conditions.
    pub conditions: Vec<Condition>,
    /// Actions.
    pub actions: Vec<Action>,
}

/// `import_rules` input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportRulesInput {
    /// The document.
    pub document: RulesDocument,
    /// Replace every rule (true) or add after them (false).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub replace: bool,
}

/// The most rules one store keeps.
pub const MAX_RULES: usize = 1000;

// ---- matching ----

/// A condition ready to test (text lowercased once).
#[derive(Debug, Clone)]
enum Test {
    Merchant(TextOp, String),
    Description(TextOp, String),
    Amount(Option<Decimal>, Option<Decimal>),
    Direction(Direction),
    Account(String),
    PlaidCategory(String),
}

/// A rule ready to run.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    id: i64,
    tests: Vec<Test>,
    actions: Vec<Action>,
}

/// What the rules know of a row: Plaid's values.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    pub transaction_id: String,
    pub name: String,
    pub merchant: Option<String>,
    pub amount: Decimal,
    pub account_id: String,
    pub category: Option<String>,
    pub category_detailed: Option<String>,
}

fn text_matches(op: TextOp, text: &str, want: &str) -> bool {
    match op {
        TextOp::Contains => text.contains(want),
        TextOp::StartsWith => text.starts_with(want),
        TextOp::Exact => text == want,
    }
}

impl Compiled {
    fn of(row: &RuleRow) -> Result<Compiled> {
        let conditions: Vec<Condition> = serde_json::from_str(&row.conditions)
            .map_err(|e| AppError::Storage(format!("rule {}: {e}", row.id)))?;
        let actions: Vec<Action> = serde_json::from_str(&row.actions)
            .map_err(|e| AppError::Storage(format!("rule {}: {e}", row.id)))?;
        let tests = conditions
            .into_iter()
            .map(|c| match c {
                Condition::Merchant { op, value } => Test::Merchant(op, value.to_lowercase()),
                Condition::Description { op, value } => Test::Description(op, value.to_lowercase()),
                Condition::Amount { min, max } => Test::Amount(min, max),
                Condition::Direction { direction } => Test::Direction(direction),
                Condition::Account { account_id } => Test::Account(account_id),
                Condition::PlaidCategory { category } => Test::PlaidCategory(category),
            })
            .collect();
        Ok(Compiled {
            id: row.id,
            tests,
            actions,
        })
    }

    /// Whether every condition holds. `name` and `merchant` are lowercase.
    fn holds(&self, f: &Facts, name: &str, merchant: Option<&str>) -> bool {
        self.tests.iter().all(|t| match t {
            Test::Merchant(op, want) => merchant.is_some_and(|m| text_matches(*op, m, want)),
            Test::Description(op, want) => text_matches(*op, name, want),
            Test::Amount(min, max) => {
                let size = f.amount.abs();
                min.is_none_or(|m| size >= m) && max.is_none_or(|m| size <= m)
            }
            Test::Direction(Direction::Out) => f.amount > Decimal::ZERO,
            Test::Direction(Direction::In) => f.amount < Decimal::ZERO,
            Test::Account(a) => &f.account_id == a,
            Test::PlaidCategory(c) => {
                f.category.as_deref() == Some(c) || f.category_detailed.as_deref() == Some(c)
            }
        })
    }
}

/// The enabled rules, in order.
pub(crate) fn load(c: &Connection) -> Result<Vec<Compiled>> {
    read::rules(c)?
        .iter()
        .filter(|r| r.enabled)
        .map(Compiled::of)
        .collect()
}

/// What the rules decide for a row: per field, the value and the rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Outcome {
    category: Option<(String, i64)>,
    name: Option<(String, i64)>,
    exclude: Option<i64>,
    tags: Vec<(String, i64)>,
}

/// Runs `rules` on a row: first rule to set a field wins; tags add up.
pub(crate) fn decide(rules: &[Compiled], f: &Facts) -> Outcome {
    let name = f.name.to_lowercase();
    let merchant = f.merchant.as_deref().map(str::to_lowercase);
    let mut out = Outcome::default();
    for r in rules {
        if !r.holds(f, &name, merchant.as_deref()) {
            continue;
        }
        for a in &r.actions {
            match a {
                Action::SetCategory { category } => {
                    out.category.get_or_insert_with(|| (category.clone(), r.id));
                }
                Action::Rename { name } => {
                    out.name.get_or_insert_with(|| (name.clone(), r.id));
                }
                Action::Exclude => {
                    out.exclude.get_or_insert(r.id);
                }
                Action::AddTag { tag } => {
                    if !out.tags.iter().any(|(t, _)| t == tag) {
                        out.tags.push((tag.clone(), r.id));
                    }
                }
            }
        }
    }
    out
}

/// A change to one row's edit and tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    edit: EditRow,
    add_tags: Vec<(String, i64)>,
    remove_tags: Vec<String>,
    words: Vec<String>,
}

/// What `out` changes on a row whose edit is `current` and tags `tags`: fields set by hand
/// stay; fields a rule set become what the rules decide now. `None`: nothing changes.
pub(crate) fn plan(current: &EditRow, tags: &[TagRow], out: &Outcome) -> Option<Change> {
    let mut e = current.clone();
    let mut words = Vec::new();
    let by_hand = |value: bool, rule: Option<i64>| value && rule.is_none();
    if !by_hand(e.category.is_some(), e.category_rule) {
        let (v, r) = out
            .category
            .clone()
            .map_or((None, None), |(v, r)| (Some(v), Some(r)));
        if (&v, r) != (&e.category, e.category_rule) {
            if v != e.category {
                let show = |c: &Option<String>| {
                    c.as_deref()
                        .map_or("Plaid's".to_string(), categories::label)
                };
                words.push(format!("category: {} → {}", show(&e.category), show(&v)));
            }
            e.category = v;
            e.category_rule = r;
        }
    }
    if !by_hand(e.name.is_some(), e.name_rule) {
        let (v, r) = out
            .name
            .clone()
            .map_or((None, None), |(v, r)| (Some(v), Some(r)));
        if (&v, r) != (&e.name, e.name_rule) {
            if v != e.name {
                words.push(match &v {
                    Some(n) => format!("name: {n}"),
                    None => "name: Plaid's".into(),
                });
            }
            e.name = v;
            e.name_rule = r;
        }
    }
    if !by_hand(e.exclude.is_some(), e.exclude_rule) {
        let (v, r) = out.exclude.map_or((None, None), |r| (Some(true), Some(r)));
        if (v, r) != (e.exclude, e.exclude_rule) {
            if v != e.exclude {
                words.push(if v == Some(true) {
                    "excluded".into()
                } else {
                    "included".into()
                });
            }
            e.exclude = v;
            e.exclude_rule = r;
        }
    }
    let mut add_tags = Vec::new();
    let mut remove_tags = Vec::new();
    for (tag, rule) in &out.tags {
        match tags.iter().find(|t| &t.tag == tag) {
            None => {
                words.push(format!("tag +{tag}"));
                add_tags.push((tag.clone(), *rule));
            }
            Some(t) if t.rule.is_some() && t.rule != Some(*rule) => {
                remove_tags.push(tag.clone());
                add_tags.push((tag.clone(), *rule));
            }
            Some(_) => {}
        }
    }
    for t in tags {
        if t.rule.is_some() && !out.tags.iter().any(|(tag, _)| tag == &t.tag) {
            words.push(format!("tag -{}", t.tag));
            remove_tags.push(t.tag.clone());
        }
    }
    (e != *current || !add_tags.is_empty() || !remove_tags.is_empty()).then_some(Change {
        edit: e,
        add_tags,
        remove_tags,
        words,
    })
}

/// Writes a change.
fn write_change(c: &Connection, transaction_id: &str, ch: &Change) -> Result<()> {
    write::set_edit(c, transaction_id, &ch.edit)?;
    for t in &ch.remove_tags {
        write::remove_tag(c, transaction_id, t)?;
    }
    for (t, r) in &ch.add_tags {
        write::add_tag(c, transaction_id, t, Some(*r))?;
    }
    Ok(())
}

const FACTS: &str =
    "SELECT t.transaction_id, t.name, t.merchant_name, t.amount, a.account_id, t.category,
        t.category_detailed, e.category, e.category_rule, e.name, e.name_rule, e.note, e.exclude,
        e.exclude_rule, e.not_transfer, t.date
     FROM transactions t JOIN accounts a ON a.id = t.account_id
     LEFT JOIN transaction_edits e ON e.transaction_id = t.transaction_id";

/// One row of [`FACTS`]: Plaid's values, the edit, the date.
fn facts_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Facts, EditRow, String)> {
    let amount: String = r.get(3)?;
    let facts = Facts {
        transaction_id: r.get(0)?,
        name: r.get(1)?,
        merchant: r.get(2)?,
        amount: amount.parse().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
        })?,
        account_id: r.get(4)?,
        category: r.get(5)?,
        category_detailed: r.get(6)?,
    };
    let edit = EditRow {
        category: r.get(7)?,
        category_rule: r.get(8)?,
        name: r.get(9)?,
        name_rule: r.get(10)?,
        note: r.get(11)?,
        exclude: r.get(12)?,
        exclude_rule: r.get(13)?,
        not_transfer: r.get::<_, Option<bool>>(14)?.unwrap_or(false),
    };
    Ok((facts, edit, r.get(15)?))
}

/// Runs the enabled rules on the given rows (sync: the rows a page added or modified;
/// edits: the rows just edited). Nothing to do, and no query beyond one, without rules.
pub(crate) fn run_on(c: &Connection, transaction_ids: &[&str]) -> Result<()> {
    if transaction_ids.is_empty() || !read::any_rule(c)? {
        return Ok(());
    }
    let rules = load(c)?;
    let mut st = c.prepare_cached(&format!("{FACTS} WHERE t.transaction_id = ?1"))?;
    for id in transaction_ids {
        let Some((facts, edit, _)) = st.query_row(params![id], facts_row).optional()? else {
            continue;
        };
        let tags = read::tags(c, id)?;
        if let Some(ch) = plan(&edit, &tags, &decide(&rules, &facts)) {
            write_change(c, id, &ch)?;
        }
    }
    Ok(())
}

/// A row's change: its id, date, Plaid's values and what changes.
type Planned = (String, String, Facts, Change);

/// Every row's change, in date order newest first (`only`: rows that rule holds for).
/// `progress` hears rows looked at.
fn plan_all(
    c: &Connection,
    only: Option<i64>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(u64, Vec<Planned>)> {
    let rules = load(c)?;
    let only = match only {
        None => None,
        Some(id) => {
            let row = read::rules(c)?
                .into_iter()
                .find(|r| r.id == id)
                .ok_or_else(|| AppError::invalid(format!("no rule {id}")))?;
            Some(Compiled::of(&row)?)
        }
    };
    let total: i64 = c.query_row(
        "SELECT coalesce(sum(txn_count), 0) FROM accounts",
        [],
        |r| r.get(0),
    )?;
    let total = total as u64;
    let mut tags: HashMap<String, Vec<TagRow>> = HashMap::new();
    {
        let mut st = c.prepare("SELECT transaction_id, tag, rule FROM transaction_tags")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            tags.entry(r.get(0)?).or_default().push(TagRow {
                tag: r.get(1)?,
                rule: r.get(2)?,
            });
        }
    }
    let mut st = c.prepare(&format!("{FACTS} ORDER BY t.date DESC, t.id DESC"))?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    let mut checked = 0u64;
    while let Some(r) = rows.next()? {
        let (facts, edit, date) = facts_row(r)?;
        checked += 1;
        if checked.is_multiple_of(20_000) {
            progress(checked, total.max(checked));
        }
        if let Some(o) = &only {
            let name = facts.name.to_lowercase();
            let merchant = facts.merchant.as_deref().map(str::to_lowercase);
            if !o.holds(&facts, &name, merchant.as_deref()) {
                continue;
            }
        }
        let row_tags = tags
            .get(&facts.transaction_id)
            .map_or(&[][..], Vec::as_slice);
        if let Some(ch) = plan(&edit, row_tags, &decide(&rules, &facts)) {
            out.push((facts.transaction_id.clone(), date, facts, ch));
        }
    }
    progress(checked, total.max(checked));
    Ok((checked, out))
}

// ---- validation ----

fn text(field: &str, s: &str, max: usize) -> Result<String> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > max {
        return Err(AppError::invalid(format!(
            "{field} must have 1 to {max} characters"
        )));
    }
    if t.chars().any(char::is_control) {
        return Err(AppError::invalid(format!(
            "{field} cannot hold control characters"
        )));
    }
    Ok(t.to_string())
}

/// A tag, checked (1–40 characters, no control characters; trimmed).
pub fn tag(s: &str) -> Result<String> {
    text("a tag", s, 40)
}

/// Checks a rule's content against the store (accounts, categories); returns it trimmed.
fn check(
    c: &Connection,
    name: &str,
    conditions: &[Condition],
    actions: &[Action],
    extra_categories: &[String],
) -> Result<(String, Vec<Condition>, Vec<Action>)> {
    let name = text("a rule's name", name, 100)?;
    if conditions.is_empty() || conditions.len() > 20 {
        return Err(AppError::invalid("a rule has 1 to 20 conditions"));
    }
    if actions.is_empty() || actions.len() > 10 {
        return Err(AppError::invalid("a rule has 1 to 10 actions"));
    }
    let mut conds = Vec::new();
    for cond in conditions {
        conds.push(match cond {
            Condition::Merchant { op, value } => Condition::Merchant {
                op: *op,
                value: text("a merchant condition", value, 100)?,
            },
            Condition::Description { op, value } => Condition::Description {
                op: *op,
                value: text("a description condition", value, 100)?,
            },
            Condition::Amount { min, max } => {
                if min.is_none() && max.is_none() {
                    return Err(AppError::invalid("an amount condition needs a minimum or a maximum"));
                }
                if min.is_some_and(|m| m < Decimal::ZERO) || max.is_some_and(|m| m < Decimal::ZERO) {
                    return Err(AppError::invalid(
                        "an amount condition compares sizes: use 0 or more (and a direction condition for in or out)",
                    ));
                }
                if let (Some(a), Some(b)) = (min, max)
                    && a > b
                {
                    return Err(AppError::invalid(format!("the amount range {a} to {b} is empty")));
                }
                cond.clone()
            }
            Condition::Direction { .. } => cond.clone(),
            Condition::Account { account_id } => {
                crate::validate::token_like("accountId", account_id, 100)?;
                if crate::store::accounts::read::by_account_id(c, account_id)?.is_none() {
                    return Err(AppError::invalid(format!(
                        "unknown account {:?}",
                        crate::validate::clip(account_id)
                    )));
                }
                cond.clone()
            }
            Condition::PlaidCategory { category } => {
                if categories::plaid_primary(category).is_none() {
                    return Err(AppError::invalid(format!(
                        "{:?} is not one of Plaid's categories",
                        crate::validate::clip(category)
                    )));
                }
                cond.clone()
            }
        });
    }
    let mut own = read::own_categories(c)?;
    own.extend(extra_categories.iter().cloned());
    let mut acts = Vec::new();
    let (mut category, mut rename, mut exclude) = (false, false, false);
    let once = |seen: &mut bool, what: &str| -> Result<()> {
        if std::mem::replace(seen, true) {
            return Err(AppError::invalid(format!("a rule can {what} only once")));
        }
        Ok(())
    };
    for a in actions {
        acts.push(match a {
            Action::SetCategory { category: cat } => {
                once(&mut category, "set the category")?;
                Action::SetCategory {
                    category: categories::check(cat, &own)?,
                }
            }
            Action::Rename { name } => {
                once(&mut rename, "rename")?;
                Action::Rename {
                    name: text("a new name", name, 100)?,
                }
            }
            Action::AddTag { tag: t } => Action::AddTag { tag: tag(t)? },
            Action::Exclude => {
                once(&mut exclude, "exclude")?;
                Action::Exclude
            }
        });
    }
    Ok((name, conds, acts))
}

fn view(row: &RuleRow) -> Result<RuleView> {
    Ok(RuleView {
        id: row.id,
        name: row.name.clone(),
        enabled: row.enabled,
        conditions: serde_json::from_str(&row.conditions)
            .map_err(|e| AppError::Storage(format!("rule {}: {e}", row.id)))?,
        actions: serde_json::from_str(&row.actions)
            .map_err(|e| AppError::Storage(format!("rule {}: {e}", row.id)))?,
    })
}

fn json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| AppError::Storage(e.to_string()))
}

/// Re-runs every rule on the rows a rule change touched (what it set is recomputed).
fn rerun(c: &Connection, ids: &[String]) -> Result<()> {
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    run_on(c, &ids)
}

impl crate::store::Store {
    /// What applying the rules (every row, or those `rule_id` holds for) would change.
    pub fn preview_rules(&self, rule_id: Option<i64>) -> Result<RulePreview> {
        self.read(|c| {
            let revision = crate::store::revision(c)?;
            let (checked, changes) = plan_all(c, rule_id, &mut |_, _| {})?;
            Ok(RulePreview {
                revision,
                checked,
                changed: changes.len() as u64,
                examples: changes
                    .iter()
                    .take(10)
                    .map(|(id, date, f, ch)| RuleChangeView {
                        transaction_id: id.clone(),
                        date: date.clone(),
                        name: f.name.clone(),
                        amount: f.amount.to_string(),
                        changes: ch.words.clone(),
                    })
                    .collect(),
            })
        })
    }

    /// Applies the rules as [`Store::preview_rules`] showed at `expected` (the preview's
    /// revision), in one transaction; `progress` hears rows looked at, then rows written.
    pub fn apply_rules(
        &self,
        rule_id: Option<i64>,
        expected: &str,
        progress: Option<&(dyn Fn(RulesProgress) + Sync)>,
    ) -> Result<RulesApplied> {
        self.write(|c| {
            if crate::store::revision(c)? != expected {
                return Err(AppError::invalid(
                    "the transactions or rules changed since the preview: preview again",
                ));
            }
            let report = |done, total| {
                if let Some(p) = progress {
                    p(RulesProgress { done, total });
                }
            };
            let (checked, changes) = plan_all(c, rule_id, &mut |d, t| report(d / 2, t))?;
            let n = changes.len() as u64;
            for (i, (id, _, _, ch)) in changes.iter().enumerate() {
                write_change(c, id, ch)?;
                if (i + 1).is_multiple_of(20_000) {
                    report(
                        checked / 2 + (i as u64 + 1) * checked / 2 / n.max(1),
                        checked,
                    );
                }
            }
            report(checked, checked);
            write::bump(c)?;
            Ok(RulesApplied {
                checked,
                changed: n,
            })
        })
    }
}

impl Coffer {
    /// `list_rules`: every rule, in the order they run.
    pub async fn list_rules(&self) -> Result<Vec<RuleView>> {
        self.inner
            .store
            .read(|c| read::rules(c)?.iter().map(view).collect())
    }

    /// `save_rule`: a new rule (last) or a changed one. It runs on the rows syncs bring from
    /// now on; `preview_rules` / `apply_rules` bring it to the stored rows. A changed rule's
    /// old effects are recomputed at once on the rows it had set.
    pub async fn save_rule(&self, input: RuleInput) -> Result<RuleView> {
        self.inner.store.write(|c| {
            let (name, conds, acts) =
                check(c, &input.name, &input.conditions, &input.actions, &[])?;
            let id = match input.id {
                None => {
                    if read::rules(c)?.len() >= MAX_RULES {
                        return Err(AppError::invalid(format!("at most {MAX_RULES} rules")));
                    }
                    write::insert_rule(c, &name, input.enabled, &json(&conds)?, &json(&acts)?)?
                }
                Some(id) => {
                    if !write::update_rule(
                        c,
                        id,
                        &name,
                        input.enabled,
                        &json(&conds)?,
                        &json(&acts)?,
                    )? {
                        return Err(AppError::invalid(format!("no rule {id}")));
                    }
                    let touched = write::forget_rule(c, id)?;
                    rerun(c, &touched)?;
                    id
                }
            };
            write::bump(c)?;
            let row = read::rules(c)?
                .into_iter()
                .find(|r| r.id == id)
                .ok_or_else(|| AppError::Storage("rule vanished".into()))?;
            view(&row)
        })
    }

    /// `delete_rule`: what it set goes (those fields are Plaid's again, or what the other
    /// rules decide); what the person set by hand stays.
    pub async fn delete_rule(&self, input: RuleIdInput) -> Result<()> {
        self.inner.store.write(|c| {
            if !read::rules(c)?.iter().any(|r| r.id == input.id) {
                return Err(AppError::invalid(format!("no rule {}", input.id)));
            }
            let touched = write::forget_rule(c, input.id)?;
            write::delete_rule(c, input.id)?;
            rerun(c, &touched)?;
            write::bump(c)
        })
    }

    /// `order_rules`: the new order (every rule's id once). Stored rows keep what they have
    /// until the rules are applied again.
    pub async fn order_rules(&self, input: RuleOrderInput) -> Result<Vec<RuleView>> {
        self.inner.store.write(|c| {
            let mut have: Vec<i64> = read::rules(c)?.iter().map(|r| r.id).collect();
            let mut want = input.ids.clone();
            have.sort_unstable();
            want.sort_unstable();
            if have != want {
                return Err(AppError::invalid("give every rule's id exactly once"));
            }
            write::order_rules(c, &input.ids)?;
            write::bump(c)?;
            read::rules(c)?.iter().map(view).collect()
        })
    }

    /// `preview_rules`: what applying the rules to the stored rows would change.
    pub async fn preview_rules(&self, input: ApplyRulesInput) -> Result<RulePreview> {
        self.inner.store.preview_rules(input.rule_id)
    }

    /// `apply_rules`: applies what the preview showed, in one transaction (all or nothing);
    /// refused when the data changed since the preview (`revision`). `progress` hears rows
    /// looked at, then rows written.
    pub async fn apply_rules(
        &self,
        input: ApplyRulesInput,
        progress: Option<&(dyn Fn(RulesProgress) + Sync)>,
    ) -> Result<RulesApplied> {
        let Some(expected) = input.revision.as_deref() else {
            return Err(AppError::invalid(
                "preview first: apply_rules needs the preview's revision",
            ));
        };
        let applied = self
            .inner
            .store
            .apply_rules(input.rule_id, expected, progress)?;
        // A rename changes the row's search words: many of them leave the index in pieces.
        self.settle_search_after(applied.changed);
        Ok(applied)
    }

    /// `export_rules`: every rule, in order, with the person's categories they use.
    pub async fn export_rules(&self) -> Result<RulesDocument> {
        self.inner.store.read(|c| {
            let rules: Vec<RuleView> = read::rules(c)?.iter().map(view).collect::<Result<_>>()?;
            let own = read::own_categories(c)?;
            let used: Vec<String> = own
                .into_iter()
                .filter(|cat| {
                    rules.iter().any(|r| {
                        r.actions.iter().any(
                            |a| matches!(a, Action::SetCategory { category } if category == cat),
                        )
                    })
                })
                .collect();
            Ok(RulesDocument {
                coffer_rules: 1,
                categories: used,
                rules: rules
                    .into_iter()
                    .map(|r| RuleDocumentEntry {
                        name: r.name,
                        enabled: r.enabled,
                        conditions: r.conditions,
                        actions: r.actions,
                    })
                    .collect(),
            })
        })
    }

    /// `import_rules`: adds the document's rules after the existing ones (or replaces them),
    /// creating the categories it names; every rule is checked first, and one bad rule
    /// refuses the whole document (nothing changes). Stored rows change only when the rules
    /// are applied.
    pub async fn import_rules(&self, input: ImportRulesInput) -> Result<Vec<RuleView>> {
        let doc = &input.document;
        if doc.coffer_rules != 1 {
            return Err(AppError::invalid(format!(
                "this rules file is version {}; this Coffer reads version 1",
                doc.coffer_rules
            )));
        }
        self.inner.store.write(|c| {
            let mut cats = Vec::new();
            for name in &doc.categories {
                if categories::plaid_primary(name).is_none() {
                    cats.push(categories::new_name(name)?);
                }
            }
            let mut checked = Vec::new();
            for (i, r) in doc.rules.iter().enumerate() {
                checked.push(
                    check(c, &r.name, &r.conditions, &r.actions, &cats).map_err(|e| {
                        AppError::invalid(format!("rule {} ({:?}): {e}", i + 1, r.name))
                    })?,
                );
            }
            let existing = read::rules(c)?;
            let keep = if input.replace { 0 } else { existing.len() };
            if keep + checked.len() > MAX_RULES {
                return Err(AppError::invalid(format!("at most {MAX_RULES} rules")));
            }
            if input.replace {
                for r in &existing {
                    let touched = write::forget_rule(c, r.id)?;
                    write::delete_rule(c, r.id)?;
                    rerun(c, &touched)?;
                }
            }
            for name in &cats {
                write::create_category(c, name)?;
            }
            for ((name, conds, acts), r) in checked.iter().zip(&doc.rules) {
                write::insert_rule(c, name, r.enabled, &json(conds)?, &json(acts)?)?;
            }
            write::bump(c)?;
            read::rules(c)?.iter().map(view).collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(name: &str, merchant: Option<&str>, amount: &str) -> Facts {
        Facts {
            transaction_id: "t".into(),
            name: name.into(),
            merchant: merchant.map(str::to_string),
            amount: amount.parse().expect("decimal"),
            account_id: "acc".into(),
            category: Some("FOOD_AND_DRINK".into()),
            category_detailed: Some("FOOD_AND_DRINK_COFFEE".into()),
        }
    }

    fn rule(id: i64, conds: Vec<Condition>, actions: Vec<Action>) -> Compiled {
        Compiled::of(&RuleRow {
            id,
            name: format!("r{id}"),
            enabled: true,
            conditions: serde_json::to_string(&conds).expect("json"),
            actions: serde_json::to_string(&actions).expect("json"),
        })
        .expect("compiled")
    }

    #[test]
    fn conditions() {
        let f = facts("STARBUCKS #123 SEATTLE", Some("Starbucks"), "4.50");
        let holds = |c: Condition| {
            decide(&[rule(1, vec![c], vec![Action::Exclude])], &f)
                .exclude
                .is_some()
        };
        use TextOp::*;
        assert!(holds(Condition::Merchant {
            op: Exact,
            value: "starbucks".into()
        }));
        assert!(!holds(Condition::Merchant {
            op: Exact,
            value: "star".into()
        }));
        assert!(holds(Condition::Description {
            op: StartsWith,
            value: "Starbucks #".into()
        }));
        assert!(!holds(Condition::Description {
            op: StartsWith,
            value: "#123".into()
        }));
        assert!(holds(Condition::Description {
            op: Contains,
            value: "#123".into()
        }));
        assert!(holds(Condition::Amount {
            min: Some("4.5".parse().unwrap()),
            max: Some("4.50".parse().unwrap())
        }));
        assert!(!holds(Condition::Amount {
            min: Some("4.51".parse().unwrap()),
            max: None
        }));
        assert!(holds(Condition::Direction {
            direction: Direction::Out
        }));
        assert!(!holds(Condition::Direction {
            direction: Direction::In
        }));
        assert!(holds(Condition::Account {
            account_id: "acc".into()
        }));
        assert!(!holds(Condition::Account {
            account_id: "other".into()
        }));
        assert!(holds(Condition::PlaidCategory {
            category: "FOOD_AND_DRINK_COFFEE".into()
        }));
        assert!(holds(Condition::PlaidCategory {
            category: "FOOD_AND_DRINK".into()
        }));
        assert!(!holds(Condition::PlaidCategory {
            category: "TRAVEL".into()
        }));
        let no_merchant = facts("X", None, "1");
        assert!(
            decide(
                &[rule(
                    1,
                    vec![Condition::Merchant {
                        op: Contains,
                        value: "x".into()
                    }],
                    vec![Action::Exclude]
                )],
                &no_merchant
            )
            .exclude
            .is_none()
        );
    }

    /// The first rule that sets a field decides it; tags add up.
    #[test]
    fn first_rule_wins_tags_add_up() {
        let f = facts("UBER TRIP", Some("Uber"), "12");
        let any = || {
            vec![Condition::Merchant {
                op: TextOp::Contains,
                value: "uber".into(),
            }]
        };
        let rules = [
            rule(
                7,
                any(),
                vec![
                    Action::SetCategory {
                        category: "TRAVEL".into(),
                    },
                    Action::AddTag { tag: "work".into() },
                ],
            ),
            rule(
                3,
                any(),
                vec![
                    Action::SetCategory {
                        category: "TRANSPORTATION".into(),
                    },
                    Action::Rename {
                        name: "Uber".into(),
                    },
                    Action::AddTag { tag: "car".into() },
                ],
            ),
        ];
        let out = decide(&rules, &f);
        assert_eq!(out.category, Some(("TRAVEL".into(), 7)));
        assert_eq!(out.name, Some(("Uber".into(), 3)));
        assert_eq!(out.tags, vec![("work".into(), 7), ("car".into(), 3)]);
    }

    /// Fields set by hand stay; a rule's own fields are recomputed (and cleared when no
    /// rule holds any more).
    #[test]
    fn plans_respect_hand_edits() {
        let out = Outcome {
            category: Some(("TRAVEL".into(), 1)),
            name: Some(("Trip".into(), 1)),
            exclude: Some(1),
            tags: vec![("work".into(), 1)],
        };
        let by_hand = EditRow {
            category: Some("Kids".into()),
            exclude: Some(false),
            ..Default::default()
        };
        let ch = plan(
            &by_hand,
            &[TagRow {
                tag: "work".into(),
                rule: None,
            }],
            &out,
        )
        .expect("a change");
        assert_eq!(ch.edit.category.as_deref(), Some("Kids"));
        assert_eq!(ch.edit.exclude, Some(false));
        assert_eq!(
            (ch.edit.name.as_deref(), ch.edit.name_rule),
            (Some("Trip"), Some(1))
        );
        assert!(ch.add_tags.is_empty() && ch.remove_tags.is_empty());
        // Applied again: nothing more.
        assert_eq!(
            plan(
                &ch.edit,
                &[TagRow {
                    tag: "work".into(),
                    rule: None
                }],
                &out
            ),
            None
        );
        // No rule holds any more: the rule's name and tag go, the hand's stay.
        let ch2 = plan(
            &ch.edit,
            &[TagRow {
                tag: "x".into(),
                rule: Some(1),
            }],
            &Outcome::default(),
        )
        .expect("change");
        assert_eq!(ch2.edit.name, None);
        assert_eq!(ch2.edit.category.as_deref(), Some("Kids"));
        assert_eq!(ch2.remove_tags, vec!["x".to_string()]);
    }

    #[test]
    fn documents_round_trip_as_json() {
        let doc = RulesDocument {
            coffer_rules: 1,
            categories: vec!["Kids".into()],
            rules: vec![RuleDocumentEntry {
                name: "Coffee".into(),
                enabled: true,
                conditions: vec![
                    Condition::Merchant {
                        op: TextOp::Exact,
                        value: "Starbucks".into(),
                    },
                    Condition::Amount {
                        min: None,
                        max: Some("20.00".parse().unwrap()),
                    },
                    Condition::Account {
                        account_id: "a".into(),
                    },
                ],
                actions: vec![
                    Action::SetCategory {
                        category: "FOOD_AND_DRINK_COFFEE".into(),
                    },
                    Action::Exclude,
                ],
            }],
        };
        let text = serde_json::to_string(&doc).expect("json");
        assert!(
            text.contains(r#"{"field":"merchant","op":"exact","value":"Starbucks"}"#),
            "{text}"
        );
        assert!(
            text.contains(r#"{"field":"amount","min":null,"max":"20.00"}"#),
            "{text}"
        );
        assert!(text.contains(r#""accountId":"a""#), "{text}");
        assert!(text.contains(r#"{"action":"exclude"}"#), "{text}");
        assert_eq!(
            serde_json::from_str::<RulesDocument>(&text).expect("parse"),
            doc
        );
        assert!(
            serde_json::from_str::<Condition>(r#"{"field":"merchant","op":"near","value":"x"}"#)
                .is_err()
        );
    }
}
