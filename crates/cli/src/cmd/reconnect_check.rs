//! `reconnect-check`: asks Plaid (`/item/get`) which links need the user to log in again.

use coffer_core::{AppError, Coffer};

use crate::render::{self, Out};

pub async fn run(coffer: &Coffer, out: &Out) -> Result<(), AppError> {
    let links = coffer.reconnect_check().await?;
    out.print(links.as_slice(), render::reconnect);
    Ok(())
}
