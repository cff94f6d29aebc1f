//! `transfer pair A B` and `transfer unpair A`: money moving between your own accounts is
//! neither spending nor income. Coffer pairs such rows after each sync; these say so by hand
//! (an unpaired row is never paired again automatically).

use clap::Subcommand;
use coffer_core::{AppError, Coffer, PairTransferInput, TransactionIdInput};

use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: TransferCmd,
}

#[derive(Debug, Subcommand)]
enum TransferCmd {
    /// Pair two rows as one transfer: money out of one account and the same amount into
    /// another (either order).
    Pair {
        /// One side (Plaid transaction id).
        #[arg(value_name = "TXN_ID")]
        a: String,
        /// The other side.
        #[arg(value_name = "TXN_ID")]
        b: String,
    },
    /// Undo the transfer this row is part of: both rows count as spending and income again.
    Unpair {
        /// Either side (Plaid transaction id).
        #[arg(value_name = "TXN_ID")]
        id: String,
    },
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    let rows = match args.cmd {
        TransferCmd::Pair { a, b } => {
            coffer
                .pair_transfer(PairTransferInput {
                    transaction_ids: [a, b],
                })
                .await?
        }
        TransferCmd::Unpair { id } => {
            coffer
                .unpair_transfer(TransactionIdInput { transaction_id: id })
                .await?
        }
    };
    out.print(rows.as_slice(), render::transactions_changed);
    Ok(())
}
