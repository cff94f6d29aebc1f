//! `split TXN_ID AMOUNT[:CATEGORY[:NOTE]]...`: one transaction in 2–20 parts that add up
//! exactly to its amount (same sign: positive = money out); `--undo` makes it whole again.

use coffer_core::{AppError, Coffer, SplitInput, SplitPartInput};

use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Plaid transaction id.
    #[arg(value_name = "TXN_ID")]
    id: String,
    /// The parts: `AMOUNT`, `AMOUNT:CATEGORY` or `AMOUNT:CATEGORY:NOTE` (an empty category
    /// keeps the transaction's), e.g. `30.00:FOOD_AND_DRINK_GROCERIES 12.50::gift`; money in
    /// is negative (`-20:INCOME_WAGES`).
    #[arg(
        value_name = "AMOUNT[:CATEGORY[:NOTE]]",
        required_unless_present = "undo",
        conflicts_with = "undo",
        allow_hyphen_values = true
    )]
    parts: Vec<String>,
    /// Make the transaction whole again.
    #[arg(long)]
    undo: bool,
}

/// `AMOUNT[:CATEGORY[:NOTE]]` (the note may hold colons).
fn part(text: &str) -> SplitPartInput {
    let mut fields = text.splitn(3, ':');
    let amount = fields.next().unwrap_or_default().trim().to_string();
    let some = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    SplitPartInput {
        amount,
        category: some(fields.next()),
        note: some(fields.next()),
    }
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    let row = coffer
        .split_transaction(SplitInput {
            transaction_id: args.id,
            parts: args.parts.iter().map(|p| part(p)).collect(),
        })
        .await?;
    out.print(&row, render::transaction_changed);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_read_amount_category_and_note() {
        let p = part("12.50");
        assert_eq!(
            (p.amount.as_str(), p.category, p.note),
            ("12.50", None, None)
        );
        let p = part("-3:Kids");
        assert_eq!(
            (p.amount.as_str(), p.category.as_deref(), p.note),
            ("-3", Some("Kids"), None)
        );
        let p = part("1.00::tip: for Sam");
        assert_eq!(
            (p.amount.as_str(), p.category, p.note.as_deref()),
            ("1.00", None, Some("tip: for Sam"))
        );
    }
}
