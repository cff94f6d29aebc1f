//! `status`: mode, data directory, links that need attention, recent events.

use coffer_core::{AppError, Coffer};

use crate::render::{self, Out};

pub async fn run(coffer: &Coffer, out: &Out) -> Result<(), AppError> {
    out.print(&coffer.get_status().await?, render::status);
    Ok(())
}
