//! The managed state: the core, opened in the background while the window appears.

use coffer_core::Coffer;
use tokio::sync::OnceCell;

/// `Coffer`, or the JSON of the error that kept it from opening (shown by the UI).
#[derive(Debug, Default)]
pub struct AppState {
    core: OnceCell<Result<Coffer, serde_json::Value>>,
}

impl AppState {
    /// Records how opening the core ended (once).
    pub fn set(&self, opened: coffer_core::Result<Coffer>) {
        let value = opened.map_err(|e| {
            tracing::error!(error = %e, "could not open Coffer's data");
            serde_json::to_value(&e).unwrap_or_default()
        });
        let _ = self.core.set(value);
    }

    /// The core once open (commands wait for it).
    pub async fn coffer(&self) -> Result<&Coffer, serde_json::Value> {
        loop {
            if let Some(c) = self.core.get() {
                return c.as_ref().map_err(Clone::clone);
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// The core if it is open already.
    pub fn ready(&self) -> Option<&Coffer> {
        self.core.get().and_then(|c| c.as_ref().ok())
    }
}
