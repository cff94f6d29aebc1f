//! The managed state: the core, opened in the background while the window appears.

use std::sync::OnceLock;

use coffer_core::{AppError, Coffer, ErrorView};
use tokio::sync::watch;

/// `Coffer`, or the error that kept it from opening (every command answers with it).
#[derive(Debug)]
pub struct AppState {
    core: OnceLock<Result<Coffer, ErrorView>>,
    /// Becomes `true` once `core` is set: commands that came early wake at once.
    opened: watch::Sender<bool>,
}

impl Default for AppState {
    fn default() -> Self {
        AppState {
            core: OnceLock::new(),
            opened: watch::Sender::new(false),
        }
    }
}

impl AppState {
    /// Records how opening the core ended (once).
    pub fn set(&self, opened: coffer_core::Result<Coffer>) {
        let value = opened.map_err(|e| {
            tracing::error!(error = %e, "could not open Coffer's data");
            ErrorView::from(&e)
        });
        let _ = self.core.set(value);
        self.opened.send_replace(true);
    }

    /// The core once open (commands wait for it).
    pub async fn coffer(&self) -> Result<&Coffer, ErrorView> {
        let mut opened = self.opened.subscribe();
        // The sender lives as long as `self`, so this only ends when the core is set.
        let _ = opened.wait_for(|open| *open).await;
        match self.core.get() {
            Some(c) => c.as_ref().map_err(Clone::clone),
            None => Err(ErrorView::from(&AppError::Storage(
                "Coffer's data did not open".into(),
            ))),
        }
    }

    /// The core if it is open already.
    pub fn ready(&self) -> Option<&Coffer> {
        self.core.get().and_then(|c| c.as_ref().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_waiting_command_wakes_when_the_core_fails_to_open() {
        let state = std::sync::Arc::new(AppState::default());
        let waiting = tokio::spawn({
            let state = state.clone();
            async move { state.coffer().await.err() }
        });
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "waits while the core opens");
        state.set(Err(coffer_core::AppError::KeychainUnavailable(
            "locked".into(),
        )));
        let err = tokio::time::timeout(std::time::Duration::from_secs(1), waiting)
            .await
            .expect("woken at once")
            .expect("task")
            .expect("an error");
        assert_eq!(err.code, coffer_core::ErrorCode::KeychainUnavailable);
        assert!(state.ready().is_none());
    }
}
