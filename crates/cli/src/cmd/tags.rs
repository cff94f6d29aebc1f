//! `tags`: every tag in use, with how many transactions carry it.

use coffer_core::{AppError, Coffer};

use crate::render::{self, Out};

pub async fn run(coffer: &Coffer, out: &Out) -> Result<(), AppError> {
    let tags = coffer.list_tags().await?;
    out.print(tags.as_slice(), render::tags);
    Ok(())
}
