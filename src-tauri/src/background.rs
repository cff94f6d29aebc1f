//! Work nobody asked for: at start and every [`CHECK_EVERY`], `/item/get` health checks
//! (reconnect_check) then a transaction sync of every live link, with the same events as a
//! sync the user started; every [`WATCH_EVERY`], a look at the data revision, so a change made
//! by another process (the CLI linking a bank) reaches the UI as `links:changed`. Never
//! `/accounts/balance/get` (billed per call in production).

use std::time::Duration;

use tauri::{AppHandle, Manager};

use crate::events;
use crate::state::AppState;

/// Between health checks and syncs.
pub const CHECK_EVERY: Duration = Duration::from_secs(30 * 60);
/// Between looks at the data revision.
pub const WATCH_EVERY: Duration = Duration::from_secs(2);

/// Starts both loops on Tauri's async runtime.
pub fn start(app: AppHandle) {
    let a = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = a.state::<AppState>();
        let Ok(coffer) = state.coffer().await else {
            return;
        };
        loop {
            if let Err(e) = coffer.reconnect_check().await {
                tracing::warn!(error = %e, "health check failed");
            }
            if let Err(e) = events::sync_with_events(&a, coffer, None).await {
                tracing::warn!(error = %e, "background sync failed");
            }
            tokio::time::sleep(CHECK_EVERY).await;
        }
    });
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let Ok(coffer) = state.coffer().await else {
            return;
        };
        let mut seen = coffer.data_revision().ok();
        loop {
            tokio::time::sleep(WATCH_EVERY).await;
            match coffer.data_revision() {
                Ok(now) if Some(&now) != seen.as_ref() => {
                    seen = Some(now);
                    events::links_changed(&app, &[]);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not read the data revision"),
            }
        }
    });
}
