//! Events to the webview: sync progress and link changes (the UI listens to these names).

use coffer_core::{AppError, Coffer, ErrorView, LinkHealth, SyncProgress, SyncReport, SyncStatus};
use serde_json::json;
use tauri::{AppHandle, Emitter};

/// `links:changed` `{ linkIds }`: `list_links` would answer differently.
pub fn links_changed(app: &AppHandle, ids: &[i64]) {
    if let Err(e) = app.emit("links:changed", json!({ "linkIds": ids })) {
        tracing::warn!(error = %e, "could not emit links:changed");
    }
}

/// Syncs one link or every live one, announcing each with `sync:started`, its pages with
/// `sync:progress` and its end with `sync:finished` (a report, also when it failed).
pub async fn sync_with_events(
    app: &AppHandle,
    coffer: &Coffer,
    link_id: Option<i64>,
) -> Result<Vec<SyncReport>, AppError> {
    let ids: Vec<i64> = match link_id {
        Some(id) => vec![id],
        None => coffer
            .list_links()
            .await?
            .into_iter()
            .filter(|l| !matches!(l.health, LinkHealth::Archived | LinkHealth::Broken))
            .map(|l| l.id)
            .collect(),
    };
    for id in &ids {
        let _ = app.emit("sync:started", json!({ "linkId": id }));
    }
    let progress_app = app.clone();
    let progress = std::sync::Arc::new(move |p: SyncProgress| {
        let _ = progress_app.emit("sync:progress", p);
    });
    let result = coffer.sync_transactions(link_id, Some(progress)).await;
    match &result {
        Ok(reports) => {
            for r in reports {
                let _ = app.emit("sync:finished", r);
            }
        }
        Err(e) => {
            for id in &ids {
                let _ = app.emit("sync:finished", failed_report(*id, e));
            }
        }
    }
    links_changed(app, &ids);
    result
}

fn failed_report(link_id: i64, e: &AppError) -> SyncReport {
    let mut r = SyncReport::skipped(link_id);
    r.status = match e {
        AppError::LoginRequired { .. } => SyncStatus::LoginRequired,
        _ => SyncStatus::Failed,
    };
    r.error = Some(ErrorView::from(e));
    r
}
