//! Events to the webview: sync progress and link changes (the UI listens to these names).

use std::sync::{Arc, Mutex};

use coffer_core::{AppError, Coffer, SyncObserver, SyncProgress, SyncReport};
use serde_json::json;
use tauri::{AppHandle, Emitter};

/// `links:changed` `{ linkIds }`: `list_links` would answer differently.
pub fn links_changed(app: &AppHandle, ids: &[i64]) {
    if let Err(e) = app.emit("links:changed", json!({ "linkIds": ids })) {
        tracing::warn!(error = %e, "could not emit links:changed");
    }
}

/// Syncs one link or every live one. The core decides which links the run covers and what
/// each ended with; this only passes its reports on: `sync:started` for each link it covers,
/// `sync:progress` per page and `sync:finished` with each link's report (also when it failed),
/// then `links:changed`.
pub async fn sync_with_events(
    app: &AppHandle,
    coffer: &Coffer,
    link_id: Option<i64>,
) -> Result<Vec<SyncReport>, AppError> {
    let observer = Arc::new(Emit {
        app: app.clone(),
        ids: Mutex::new(Vec::new()),
    });
    let result = coffer
        .sync_transactions(link_id, Some(observer.clone()))
        .await;
    let ids = std::mem::take(&mut *observer.ids.lock().unwrap_or_else(|p| p.into_inner()));
    links_changed(app, &ids);
    result
}

/// Emits what a sync reports, and remembers the links it covered.
struct Emit {
    app: AppHandle,
    ids: Mutex<Vec<i64>>,
}

impl SyncObserver for Emit {
    fn started(&self, link_ids: &[i64]) {
        self.ids
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(link_ids);
        for id in link_ids {
            let _ = self.app.emit("sync:started", json!({ "linkId": id }));
        }
    }
    fn progress(&self, progress: SyncProgress) {
        let _ = self.app.emit("sync:progress", progress);
    }
    fn finished(&self, report: &SyncReport) {
        let _ = self.app.emit("sync:finished", report);
    }
}
