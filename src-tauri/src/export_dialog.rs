//! The export's save dialog, opened by the shell: a page never names a path to write (a
//! compromised script could otherwise aim an export at `~/.bashrc` or the live database).

use std::path::PathBuf;

use coffer_core::{AppError, ExportFormat};
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

/// Asks where to save an export in `format`; `None` when the person cancels.
pub async fn choose(app: &AppHandle, format: ExportFormat) -> Result<Option<PathBuf>, AppError> {
    let (name, extension) = match format {
        ExportFormat::Csv => ("CSV", "csv"),
        ExportFormat::Ofx => ("OFX", "ofx"),
        ExportFormat::Json => ("JSON", "json"),
    };
    let today = chrono::Local::now().date_naive();
    choose_file(
        app,
        "Export transactions",
        &format!("coffer-transactions-{today}.{extension}"),
        (name, extension),
    )
    .await
}

/// Asks where to save a file (`title`, suggested `file_name`, one `(name, extension)`
/// filter), starting in the Documents folder; `None` when the person cancels.
pub async fn choose_file(
    app: &AppHandle,
    title: &str,
    file_name: &str,
    (name, extension): (&str, &str),
) -> Result<Option<PathBuf>, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(file_name)
        .add_filter(name, &[extension]);
    if let Some(documents) = dirs::document_dir().filter(|d| d.is_dir()) {
        dialog = dialog.set_directory(documents);
    }
    dialog.save_file(move |path| {
        let _ = tx.send(path);
    });
    let chosen = rx.await.map_err(|_| AppError::Io {
        context: "the save dialog closed unexpectedly",
        detail: String::new(),
    })?;
    match chosen {
        None => Ok(None),
        Some(path) => path.into_path().map(Some).map_err(|e| AppError::Io {
            context: "the save dialog returned no usable path",
            detail: e.to_string(),
        }),
    }
}
