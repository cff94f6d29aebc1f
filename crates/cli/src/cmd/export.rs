//! `export`: transactions to a file (CSV, OFX or JSON), exact amounts. The core refuses a
//! path inside the data directory.

use std::path::PathBuf;

use clap::ValueEnum;
use coffer_core::{AppError, Coffer, ExportFormat, ExportInput};

use super::transactions::FilterArgs;
use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// File format.
    #[arg(long, value_enum)]
    format: FormatArg,
    /// Destination file.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    #[command(flatten)]
    filter: FilterArgs,
}

/// `--format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Csv,
    Ofx,
    Json,
}

impl From<FormatArg> for ExportFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Csv => ExportFormat::Csv,
            FormatArg::Ofx => ExportFormat::Ofx,
            FormatArg::Json => ExportFormat::Json,
        }
    }
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    let path = std::path::absolute(&args.out)
        .map_err(|e| AppError::invalid(format!("export path {}: {e}", args.out.display())))?;
    let written = coffer
        .export_transactions(ExportInput {
            format: args.format.into(),
            path: path.clone(),
            filter: args.filter.into_input(1, 0),
        })
        .await?;
    out.print(&written, |w, r| {
        render::line(
            w,
            format_args!("wrote {} transactions to {}", r.rows, path.display()),
        )
    });
    Ok(())
}
