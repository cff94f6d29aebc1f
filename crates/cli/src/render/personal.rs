//! The human forms of the person's words: a transaction line with their name, category, tags,
//! transfer, exclusion and split; categories, tags, rules and what applying the rules changes.

use coffer_core::personal::categories::label;
use coffer_core::{
    Action, CategorySource, CategoryView, Condition, Direction, RuleInput, RulePreview, RuleView,
    RulesApplied, TagView, TextOp, TransactionView,
};

/// One transaction on one line: date, amount, the name the person sees, the merchant, and in
/// brackets what the person set (category, tags, transfer, exclusion, split, note).
pub fn transaction_line(w: &mut String, t: &TransactionView) {
    let mut extra = Vec::new();
    if let Some(p) = t.personal.as_deref() {
        if let Some(c) = &p.category {
            extra.push(format!("category: {}", label(c)));
        }
        if !p.tags.is_empty() {
            let tags: Vec<String> = p.tags.iter().map(|t| format!("#{}", t.tag)).collect();
            extra.push(tags.join(" "));
        }
        if let Some(x) = &p.transfer {
            extra.push(match x.direction {
                Direction::Out => "transfer out".to_string(),
                Direction::In => "transfer in".to_string(),
            });
        }
        if p.excluded {
            extra.push("excluded".into());
        }
        if !p.split.is_empty() {
            extra.push(format!("split in {}", p.split.len()));
        }
        if let Some(n) = &p.note {
            extra.push(format!("note: {}", coffer_cli::serve::clip(n)));
        }
    }
    let line = format!(
        "{}  {:>12} {:<4} {}{}  {}{}",
        t.date,
        t.amount,
        t.iso_currency_code.as_deref().unwrap_or(""),
        t.display_name(),
        if t.pending { " (pending)" } else { "" },
        t.merchant_name.as_deref().unwrap_or(""),
        if extra.is_empty() {
            String::new()
        } else {
            format!("  [{}]", extra.join(" · "))
        }
    );
    out!(w, "{}", line.trim_end());
}

/// Rows as they are after a change (`edit`, `split`, `transfer`): a line each, with the
/// parts of a split and the transaction id, so the next command can name it.
pub fn transactions_changed(w: &mut String, rows: &[TransactionView]) {
    for t in rows {
        transaction_line(w, t);
        out!(w, "    id {}", t.transaction_id);
        if let Some(p) = t.personal.as_deref() {
            for (i, part) in p.split.iter().enumerate() {
                let line = format!(
                    "    part {}: {:>12}  {}{}",
                    i + 1,
                    part.amount,
                    part.category.as_deref().map(label).unwrap_or_default(),
                    part.note
                        .as_deref()
                        .map(|n| format!("  ({n})"))
                        .unwrap_or_default()
                );
                out!(w, "{}", line.trim_end());
            }
            if let Some(x) = &p.transfer {
                out!(
                    w,
                    "    paired with {} ({}) in account {}",
                    x.other_transaction_id,
                    if x.by_hand {
                        "by hand"
                    } else {
                        "found by Coffer"
                    },
                    x.other_account_id
                );
            }
        }
    }
}

/// One transaction after a change.
pub fn transaction_changed(w: &mut String, t: &TransactionView) {
    transactions_changed(w, std::slice::from_ref(t));
}

/// `categories`: Plaid's, each primary with its detailed codes indented, then the person's.
pub fn categories(w: &mut String, list: &[CategoryView]) {
    out!(
        w,
        "Plaid's categories (set one by its code; transactions counted by primary)"
    );
    for c in list.iter().filter(|c| c.source == CategorySource::Plaid) {
        if c.category == c.group {
            out!(
                w,
                "  {:<58} {:<32} {:>6}",
                c.category,
                c.label,
                c.transactions
            );
        } else {
            out!(w, "    {:<56} {}", c.category, c.label);
        }
    }
    let own: Vec<&CategoryView> = list
        .iter()
        .filter(|c| c.source == CategorySource::Own)
        .collect();
    if own.is_empty() {
        out!(
            w,
            "Yours: none yet (coffer-cli categories add NAME makes one)"
        );
    } else {
        out!(w, "Yours");
        for c in own {
            out!(w, "  {:<91} {:>6}", c.category, c.transactions);
        }
    }
}

/// `categories add`.
pub fn category_added(w: &mut String, c: &CategoryView) {
    out!(w, "added category {:?}", c.category);
}

/// `tags`.
pub fn tags(w: &mut String, tags: &[TagView]) {
    if tags.is_empty() {
        out!(
            w,
            "No tags yet (coffer-cli edit TXN_ID --tag TAG adds one)."
        );
    }
    for t in tags {
        out!(w, "{:<40} {:>6} transactions", t.tag, t.transactions);
    }
}

fn op_words(op: TextOp) -> &'static str {
    match op {
        TextOp::Contains => "contains",
        TextOp::StartsWith => "starts with",
        TextOp::Exact => "is",
    }
}

/// A condition in words (`merchant is "Starbucks"`).
pub fn condition_words(c: &Condition) -> String {
    match c {
        Condition::Merchant { op, value } => format!("merchant {} {value:?}", op_words(*op)),
        Condition::Description { op, value } => {
            format!("description {} {value:?}", op_words(*op))
        }
        Condition::Amount { min, max } => match (min, max) {
            (Some(a), Some(b)) => format!("amount {a} to {b}"),
            (Some(a), None) => format!("amount at least {a}"),
            (None, Some(b)) => format!("amount at most {b}"),
            (None, None) => "any amount".into(),
        },
        Condition::Direction {
            direction: Direction::Out,
        } => "money out".into(),
        Condition::Direction {
            direction: Direction::In,
        } => "money in".into(),
        Condition::Account { account_id } => format!("account {account_id}"),
        Condition::PlaidCategory { category } => {
            format!("Plaid's category is {category} ({})", label(category))
        }
    }
}

/// An action in words (`category Coffee`).
pub fn action_words(a: &Action) -> String {
    match a {
        Action::SetCategory { category } if label(category) != *category => {
            format!("category {} ({category})", label(category))
        }
        Action::SetCategory { category } => format!("category {category}"),
        Action::Rename { name } => format!("name {name:?}"),
        Action::AddTag { tag } => format!("tag +{tag}"),
        Action::Exclude => "exclude".into(),
    }
}

/// `rules`: in the order they run.
pub fn rules(w: &mut String, rules: &[RuleView]) {
    if rules.is_empty() {
        out!(
            w,
            "No rules yet. Try: coffer-cli rules add --name Coffee --merchant-is Starbucks \
             --set-category FOOD_AND_DRINK_COFFEE"
        );
    }
    for r in rules {
        rule(w, r);
    }
}

/// One rule: its id, name, conditions and actions.
pub fn rule(w: &mut String, r: &RuleView) {
    out!(
        w,
        "[{}] {}{}",
        r.id,
        r.name,
        if r.enabled { "" } else { " (disabled)" }
    );
    let when: Vec<String> = r.conditions.iter().map(condition_words).collect();
    let then: Vec<String> = r.actions.iter().map(action_words).collect();
    out!(w, "    when {}", when.join(" and "));
    out!(w, "    then {}", then.join(", "));
}

/// A suggested rule ("always do this?"), not saved yet.
pub fn rule_suggestion(w: &mut String, r: &RuleInput) {
    out!(w, "Always do this? A rule named \"{}\":", r.name);
    let when: Vec<String> = r.conditions.iter().map(condition_words).collect();
    let then: Vec<String> = r.actions.iter().map(action_words).collect();
    out!(w, "    when {}", when.join(" and "));
    out!(w, "    then {}", then.join(", "));
}

/// What applying the rules would change.
pub fn rule_preview(w: &mut String, p: &RulePreview) {
    if p.changed == 0 {
        out!(
            w,
            "Nothing to change: the rules already hold for all {} transactions.",
            p.checked
        );
        return;
    }
    out!(
        w,
        "{} of {} transactions would change, for example:",
        p.changed,
        p.checked
    );
    for e in &p.examples {
        out!(
            w,
            "  {}  {:>12}  {}: {}",
            e.date,
            e.amount,
            e.name,
            e.changes.join("; ")
        );
    }
    let more = p.changed.saturating_sub(p.examples.len() as u64);
    if more > 0 {
        out!(w, "  … and {more} more");
    }
}

/// What applying the rules changed.
pub fn rules_applied(w: &mut String, a: &RulesApplied) {
    out!(w, "changed {} of {} transactions", a.changed, a.checked);
}
