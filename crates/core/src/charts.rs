//! `list_balance_history` and `list_spending_by_category`: what the charts draw, read from the
//! balance snapshots and the transactions (see [`crate::store::charts`]).

use chrono::{Datelike, NaiveDate};

use crate::coffer::Coffer;
use crate::error::{AppError, Result};
use crate::store::charts::{BalanceSeries, ChartFilter, SpendingRow};
use crate::store::{self, Store};
use crate::views::HistoryInput;

/// Earliest and latest year a chart range may name.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

fn check_date(field: &str, d: Option<NaiveDate>) -> Result<()> {
    if let Some(d) = d
        && !YEARS.contains(&d.year())
    {
        return Err(AppError::invalid(format!(
            "{field} must be between 1900-01-01 and 9999-12-31"
        )));
    }
    Ok(())
}

impl Store {
    /// Spending per month, category and currency (the benchmark's entry point).
    pub fn spending_by_category(&self, filter: &ChartFilter) -> Result<Vec<SpendingRow>> {
        self.read(|c| store::charts::read::spending(c, filter))
    }
}

impl Coffer {
    /// Validates a chart input and resolves its accounts.
    fn chart_filter(&self, input: &HistoryInput) -> Result<ChartFilter> {
        check_date("from", input.from)?;
        check_date("to", input.to)?;
        if let (Some(f), Some(t)) = (input.from, input.to)
            && f > t
        {
            return Err(AppError::invalid("from is after to"));
        }
        Ok(ChartFilter {
            account_rowids: self.account_rowids(input.account_ids.as_deref())?,
            from: input.from,
            to: input.to,
        })
    }

    /// `list_balance_history`: one series per account (of live and archived links), the last
    /// balance snapshot of each UTC day, oldest first, exact decimal strings.
    pub async fn list_balance_history(&self, input: HistoryInput) -> Result<Vec<BalanceSeries>> {
        let filter = self.chart_filter(&input)?;
        self.inner
            .store
            .read(|c| store::charts::read::balance_history(c, &filter))
    }

    /// `list_spending_by_category`: the exact sum and number of posted transactions with a
    /// positive amount (money out) per month, category and currency, ordered by month, then
    /// category.
    pub async fn list_spending_by_category(&self, input: HistoryInput) -> Result<Vec<SpendingRow>> {
        let filter = self.chart_filter(&input)?;
        self.inner.store.spending_by_category(&filter)
    }
}
