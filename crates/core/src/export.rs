//! `list_transactions` and `export_transactions` (CSV, OFX, JSON; exact amounts; written to a
//! temporary file in the destination directory, then renamed).

use std::io::Write;
use std::path::Path;

use crate::coffer::Coffer;
use crate::error::{AppError, Result};
use crate::store::transactions::{TransactionFilter, TransactionView};
use crate::store::{self, Store};
use crate::validate;
use crate::views::{
    ExportFormat, ExportInput, ExportOutput, ListTransactionsInput, TransactionPage,
};

impl Store {
    /// A page of transactions plus the total (the benchmark's entry point).
    pub fn list_transactions(
        &self,
        filter: &TransactionFilter,
        limit: u32,
        offset: u64,
    ) -> Result<TransactionPage> {
        self.read_helped(|c, helper| {
            let (total, mut rows) =
                store::transactions::read::list_helped(c, helper, filter, limit, offset)?;
            crate::personal::decorate(c, &mut rows)?;
            Ok(TransactionPage { total, rows })
        })
    }
}

impl Coffer {
    /// Validates a filter and resolves Plaid account ids to rows.
    fn filter(&self, input: &ListTransactionsInput) -> Result<TransactionFilter> {
        let account_rowids = self.account_rowids(input.account_ids.as_deref())?;
        if let (Some(f), Some(t)) = (input.from, input.to)
            && f > t
        {
            return Err(AppError::invalid("from is after to"));
        }
        let search = match &input.search {
            Some(s) => validate::search(s)?,
            None => None,
        };
        let category = match input.category.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => Some(crate::personal::categories::group(c)),
        };
        let tag = match input.tag.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) => Some(crate::personal::rules::tag(t)?),
        };
        Ok(TransactionFilter {
            account_rowids,
            from: input.from,
            to: input.to,
            search,
            category,
            tag,
            transfers: input.transfers,
        })
    }

    /// Validates Plaid account ids (at most [`validate::MAX_ACCOUNTS`], each known) and
    /// resolves them to account row ids; `None` stays `None` (every account).
    pub(crate) fn account_rowids(&self, ids: Option<&[String]>) -> Result<Option<Vec<i64>>> {
        Ok(match ids {
            None => None,
            Some(ids) => {
                if ids.len() > validate::MAX_ACCOUNTS {
                    return Err(AppError::invalid(format!(
                        "at most {} accounts",
                        validate::MAX_ACCOUNTS
                    )));
                }
                let mut rows = Vec::with_capacity(ids.len());
                for id in ids {
                    validate::token_like("accountIds[]", id, 100)?;
                    let row = self
                        .inner
                        .store
                        .read(|c| store::accounts::read::by_account_id(c, id))?
                        .ok_or_else(|| {
                            AppError::invalid(format!("unknown account {:?}", validate::clip(id)))
                        })?;
                    rows.push(row.rowid);
                }
                Some(rows)
            }
        })
    }

    /// `list_transactions`: a page (1–1000 rows) and the total; never the whole table.
    pub async fn list_transactions(&self, input: ListTransactionsInput) -> Result<TransactionPage> {
        if input.limit == 0 || input.limit > validate::MAX_PAGE {
            return Err(AppError::invalid(format!(
                "limit must be between 1 and {}",
                validate::MAX_PAGE
            )));
        }
        if input.offset > 100_000_000 {
            return Err(AppError::invalid("offset is too large"));
        }
        let filter = self.filter(&input)?;
        self.inner
            .store
            .list_transactions(&filter, input.limit, input.offset)
    }

    /// `export_transactions`: every matching row (limit/offset ignored) to `path`.
    pub async fn export_transactions(&self, input: ExportInput) -> Result<ExportOutput> {
        let filter = self.filter(&input.filter)?;
        let path = input.path.clone();
        self.check_destination(&path)?;
        let store = &self.inner.store;
        let rows = write_export(store, &filter, input.format, &path)?;
        Ok(ExportOutput { rows })
    }
}

impl Coffer {
    /// An export's destination: an absolute file path in an existing directory outside the
    /// data directory.
    pub(crate) fn check_destination(&self, path: &Path) -> Result<()> {
        if !path.is_absolute() || path.file_name().is_none() {
            return Err(AppError::invalid("path must be an absolute file path"));
        }
        let dir = path
            .parent()
            .ok_or_else(|| AppError::invalid("path has no directory"))?;
        if !dir.is_dir() {
            return Err(AppError::invalid(
                "the destination directory does not exist",
            ));
        }
        // The data directory holds the live database, its WAL and the settings: an export
        // renamed over one of them would destroy them.
        let home = self.inner.paths.home();
        let inside = match (dir.canonicalize(), home.canonicalize()) {
            (Ok(dir), Ok(home)) => dir.starts_with(home),
            _ => dir.starts_with(home),
        };
        if inside {
            return Err(AppError::invalid(
                "choose a file outside Coffer's data directory",
            ));
        }
        Ok(())
    }

    /// `export_rules` to a file (JSON, written to a temp file then renamed); returns how
    /// many rules it holds.
    pub async fn export_rules_to(&self, path: &Path) -> Result<usize> {
        self.check_destination(path)?;
        let doc = self.export_rules().await?;
        write_atomically(path, |out| {
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(io_err)?;
            out.write_all(b"\n").map_err(io_err)?;
            Ok(doc.rules.len() as u64)
        })?;
        Ok(doc.rules.len())
    }
}

fn io_err(e: impl std::fmt::Display) -> AppError {
    AppError::Io {
        context: "failed to export transactions",
        detail: e.to_string(),
    }
}

fn write_export(
    store: &Store,
    filter: &TransactionFilter,
    format: ExportFormat,
    path: &Path,
) -> Result<u64> {
    write_atomically(path, |out| match format {
        ExportFormat::Csv => write_csv(store, filter, out),
        ExportFormat::Json => write_json(store, filter, out),
        ExportFormat::Ofx => write_ofx(store, filter, out),
    })
}

/// Writes `path` through a private temp file beside it, synced then renamed over it: a
/// reader never sees half a file, and a failure leaves no temp file behind.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<u64>,
) -> Result<u64> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let result = (|| -> Result<u64> {
        let file = crate::paths::private::create_file(&tmp).map_err(io_err)?;
        let mut out = std::io::BufWriter::new(file);
        let n = write(&mut out)?;
        let file = out.into_inner().map_err(io_err)?;
        file.sync_all().map_err(io_err)?;
        std::fs::rename(&tmp, path).map_err(io_err)?;
        Ok(n)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn write_csv(store: &Store, filter: &TransactionFilter, out: &mut impl Write) -> Result<u64> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "date",
        "amount",
        "currency",
        "name",
        "merchant",
        "pending",
        "category",
        "account_id",
        "link_id",
        "transaction_id",
        "plaid_category",
        "display_name",
        "note",
        "tags",
        "excluded",
        "transfer_with",
        "split_part",
    ])
    .map_err(io_err)?;
    let n = store.read(|c| {
        for_each_personal(c, filter, |t| {
            let p = t.personal.as_deref().cloned().unwrap_or_default();
            let currency = csv_safe(
                t.iso_currency_code
                    .as_deref()
                    .or(t.unofficial_currency_code.as_deref())
                    .unwrap_or_default(),
            );
            let tags: Vec<&str> = p.tags.iter().map(|t| t.tag.as_str()).collect();
            let transfer = p
                .transfer
                .as_ref()
                .map(|x| x.other_transaction_id.as_str())
                .unwrap_or("");
            // A split is written as its parts, one row each (amount and category of the
            // part; the parts add up to the transaction), so sums by category stay right.
            let whole = [(
                t.amount,
                t.effective_category().map(str::to_string),
                p.note.clone(),
                String::new(),
            )];
            let parts: Vec<_> = if p.split.is_empty() {
                whole.to_vec()
            } else {
                p.split
                    .iter()
                    .enumerate()
                    .map(|(i, part)| {
                        (
                            part.amount,
                            part.category
                                .clone()
                                .or_else(|| t.effective_category().map(str::to_string)),
                            part.note.clone().or_else(|| p.note.clone()),
                            format!("{}/{}", i + 1, p.split.len()),
                        )
                    })
                    .collect()
            };
            for (amount, category, note, part) in parts {
                w.write_record([
                    t.date.to_string(),
                    amount.to_string(),
                    currency.clone(),
                    csv_safe(&t.name),
                    csv_safe(t.merchant_name.as_deref().unwrap_or("")),
                    t.pending.to_string(),
                    csv_safe(category.as_deref().unwrap_or("")),
                    csv_safe(&t.account_id),
                    t.link_id.to_string(),
                    csv_safe(&t.transaction_id),
                    csv_safe(t.category.as_deref().unwrap_or("")),
                    csv_safe(p.name.as_deref().unwrap_or("")),
                    csv_safe(note.as_deref().unwrap_or("")),
                    csv_safe(&tags.join(";")),
                    p.excluded.to_string(),
                    csv_safe(transfer),
                    part,
                ])
                .map_err(io_err)?;
            }
            Ok(())
        })
    })?;
    w.flush().map_err(io_err)?;
    Ok(n)
}

/// Neutralises spreadsheet formulas in a text cell: a cell that starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return is read as a formula by Excel, LibreOffice or Sheets, so it
/// gets a leading `'` (OWASP's CSV injection rule). Every text column goes through it; the
/// numeric columns (amount, link id) are written by Coffer and keep their sign.
fn csv_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn write_json(store: &Store, filter: &TransactionFilter, out: &mut impl Write) -> Result<u64> {
    out.write_all(b"[").map_err(io_err)?;
    let n = store.read(|c| {
        let mut first = true;
        for_each_personal(c, filter, |t: TransactionView| {
            if !first {
                out.write_all(b",").map_err(io_err)?;
            }
            first = false;
            out.write_all(b"\n  ").map_err(io_err)?;
            serde_json::to_writer(&mut *out, &t).map_err(io_err)
        })
    })?;
    out.write_all(b"\n]\n").map_err(io_err)?;
    Ok(n)
}

/// Every matching row, newest first, with the person's words on it (one lookup per row,
/// none when the person has no edits at all).
fn for_each_personal(
    c: &rusqlite::Connection,
    filter: &TransactionFilter,
    mut each: impl FnMut(TransactionView) -> Result<()>,
) -> Result<u64> {
    let any = crate::personal::any_personal(c)?;
    store::transactions::read::for_each(c, filter, |mut t| {
        if any {
            t.personal = crate::personal::personal_of(c, &t.transaction_id)?.map(Box::new);
        }
        each(t)
    })
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn write_ofx(store: &Store, filter: &TransactionFilter, out: &mut impl Write) -> Result<u64> {
    let now = chrono::Utc::now().format("%Y%m%d%H%M%S").to_string();
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<?OFX OFXHEADER=\"200\" VERSION=\"220\" SECURITY=\"NONE\" OLDFILEUID=\"NONE\" NEWFILEUID=\"NONE\"?>\n<OFX>\n<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS><DTSERVER>{now}</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>\n<BANKMSGSRSV1>\n"
    )
    .map_err(io_err)?;
    // One statement per account, rows newest first.
    let n = store.read(|c| {
        let mut f2 = filter.clone();
        let ids = store::accounts::read::all_ids(c)?;
        let mut total = 0;
        for (rowid, account_id) in ids {
            if let Some(only) = &filter.account_rowids
                && !only.contains(&rowid)
            {
                continue;
            }
            f2.account_rowids = Some(vec![rowid]);
            let mut opened = false;
            total += for_each_personal(c, &f2, |t| {
                if !opened {
                    opened = true;
                    let cur = t.iso_currency_code.clone().unwrap_or_else(|| "USD".into());
                    write!(
                        out,
                        "<STMTTRNRS><TRNUID>0</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS><STMTRS><CURDEF>{}</CURDEF>\n<BANKACCTFROM><BANKID>PLAID</BANKID><ACCTID>{}</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>\n<BANKTRANLIST>\n",
                        xml(&cur),
                        xml(&account_id)
                    )
                    .map_err(io_err)?;
                }
                // OFX amounts are signed from the account's view: money in is positive; Plaid's
                // is the opposite.
                let amount = -t.amount;
                writeln!(
                    out,
                    "<STMTTRN><TRNTYPE>{}</TRNTYPE><DTPOSTED>{}</DTPOSTED><TRNAMT>{}</TRNAMT><FITID>{}</FITID><NAME>{}</NAME>{}</STMTTRN>",
                    if amount.is_sign_negative() { "DEBIT" } else { "CREDIT" },
                    t.date.format("%Y%m%d"),
                    amount,
                    xml(&t.transaction_id),
                    xml(&t.display_name().chars().take(32).collect::<String>()),
                    t.personal
                        .as_ref()
                        .and_then(|p| p.note.as_deref())
                        .or(t.merchant_name.as_deref())
                        .map(|m| format!("<MEMO>{}</MEMO>", xml(m)))
                        .unwrap_or_default()
                )
                .map_err(io_err)
            })?;
            if opened {
                out.write_all(b"</BANKTRANLIST>\n</STMTRS></STMTTRNRS>\n").map_err(io_err)?;
            }
        }
        Ok(total)
    })?;
    out.write_all(b"</BANKMSGSRSV1>\n</OFX>\n")
        .map_err(io_err)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::csv_safe;

    #[test]
    fn every_formula_start_is_quoted_and_the_rest_kept() {
        for formula in ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(csv_safe(formula), format!("'{formula}"), "{formula:?}");
        }
        for plain in ["Uber 063015 SF**POOL**", "", "1+1", " =x", "'quoted"] {
            assert_eq!(csv_safe(plain), plain, "{plain:?}");
        }
    }
}
