//! `links`: linked institutions with their accounts and balances.

use coffer_core::{AppError, Coffer};

use crate::render::{self, Out};

pub async fn run(coffer: &Coffer, out: &Out) -> Result<(), AppError> {
    out.print(coffer.list_links().await?.as_slice(), render::links);
    Ok(())
}
