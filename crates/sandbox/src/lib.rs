//! # coffer-sandbox: an offline, stateful Plaid Sandbox
//!
//! An axum server that answers Plaid's API paths the way Plaid's Sandbox does (token shapes and
//! lifetimes, the Sandbox institutions and `user_good` accounts, deterministic transactions,
//! `/transactions/sync` cursors, Plaid's validation and error bodies), plus a few non-Plaid paths
//! for tests: `POST/DELETE /_faults` (fault injection), `POST /_link/sessions` (a user finishing
//! Link) and `GET /` (health). See `../shared/plaid/CONTRACT.md` (from the project root) for the behaviour emulated.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use coffer_sandbox::{Sandbox, SandboxConfig};
//! let sandbox = Sandbox::start("127.0.0.1:0".parse().unwrap(), SandboxConfig::default()).await?;
//! println!("{}", sandbox.url()); // http://127.0.0.1:PORT
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! ## Layout
//! - [`config`], [`clock`]: configuration and the injectable clock used for every expiry.
//! - `state`: Items, token hashes and each Item's transaction change log (persisted as JSON).
//! - `state_file`: the state file that several processes' sandboxes share (one transaction per
//!   request under a file lock).
//! - `data`: institutions, default accounts, the deterministic transaction generator.
//! - `api`: the dispatcher shared by every endpoint and one module per endpoint group.
//! - `validate`: per-endpoint fields; `plaid_error`: Plaid error bodies and code → status/type.
//! - `faults`, `conn`: fault injection, including dropping a connection without a response.
//! - `link`: `/_link/sessions` (and, later, the offline Link stand-in).
//!
//! ## How to add an endpoint
//! 1. Add its request fields to `validate.rs` (read the request schema in the official spec:
//!    required fields with `req`, the others with `opt`).
//! 2. Write the handler `fn(&App, &Map<String, Value>) -> Result<Value, ApiError>` in the
//!    matching `api/` module; return the 200 body without `request_id` (the dispatcher adds it)
//!    and make every key the spec's response schema requires present. Call `app.touch()` after
//!    changing state so it is persisted. The dispatcher runs handlers inside `App::transact`
//!    on a blocking thread; any other route that reads or writes the state must do the same.
//! 3. Register `(path, fields, Handler::Json(handler))` in `api::ENDPOINTS` and cover it in
//!    `tests/`. (`Handler::Body` handlers serialize the whole body themselves from typed
//!    structs, `request_id` included; `/transactions/sync` is one, as its pages are large.)

pub mod clock;
pub mod config;
pub mod error;

mod api;
mod conn;
mod data;
mod faults;
mod ids;
mod link;
mod plaid_error;
mod state;
mod state_file;
mod validate;

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use clock::Clock;
pub use config::{DEFAULT_HISTORY, SandboxConfig};
pub use error::{Error, Result};
pub use faults::FaultSpec;

use api::App;
use conn::{ConnHandle, KillableListener};
use state::State;
use state_file::StateFile;

/// One recorded request/response pair (when `record_exchanges` is on). The request's `secret`
/// field, if any, is replaced by `"***"`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Exchange {
    pub path: String,
    pub request: Value,
    pub status: u16,
    pub response: Value,
}

/// A running sandbox server. Dropping it stops the server too; [`Sandbox::shutdown`] also
/// waits for the final state write.
#[derive(Debug)]
pub struct Sandbox {
    app: Arc<App>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
}

impl Sandbox {
    /// Starts a server on `bind` (loopback only; port 0 picks a free port).
    pub async fn start(bind: SocketAddr, config: SandboxConfig) -> io::Result<Sandbox> {
        Ok(Self::try_start(bind, config).await?)
    }

    async fn try_start(bind: SocketAddr, config: SandboxConfig) -> Result<Sandbox> {
        if !bind.ip().is_loopback() {
            return Err(Error::NotLoopback(bind));
        }
        let (file, state) = match &config.state_path {
            Some(p) => {
                let p = p.clone();
                let (file, state) = tokio::task::spawn_blocking(move || StateFile::open(&p))
                    .await
                    .map_err(io::Error::other)??;
                (Some(file), state)
            }
            None => (None, State::default()),
        };
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let app = Arc::new(App {
            config,
            state: Mutex::new(state),
            file: Mutex::new(file),
            dirty: AtomicBool::new(false),
            faults: faults::Faults::default(),
            exchanges: Mutex::new(Vec::new()),
            url: format!("http://{addr}"),
        });
        let (stop, mut server_stop) = watch::channel(false);
        let service = api::router(app.clone()).into_make_service_with_connect_info::<ConnHandle>();
        let server = tokio::spawn(async move {
            let serve = axum::serve(KillableListener(listener), service).with_graceful_shutdown(
                async move {
                    let _ = server_stop.changed().await;
                },
            );
            if let Err(e) = serve.await {
                tracing::warn!("sandbox server stopped: {e}");
            }
        });
        Ok(Sandbox {
            app,
            addr,
            stop,
            server,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.app.url.clone()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server's clock (a clone shares the time source).
    pub fn clock(&self) -> Clock {
        self.app.config.clock.clone()
    }

    /// Every recorded exchange so far (empty unless `record_exchanges`).
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.app
            .exchanges
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The sandbox's truth for an Item: every transaction currently visible (in log order).
    /// Empty for unknown or removed Items. With a state file, as every process left it.
    pub fn transactions_of_item(&self, item_id: &str) -> Vec<Value> {
        self.read(|st| {
            st.items
                .get(item_id)
                .filter(|i| !i.removed)
                .map(|i| i.truth())
                .unwrap_or_default()
        })
    }

    /// Ids of the Items the sandbox holds (removed ones included).
    pub fn item_ids(&self) -> Vec<String> {
        self.read(|st| st.items.keys().cloned().collect())
    }

    /// Ids of the Items not removed.
    pub fn live_item_ids(&self) -> Vec<String> {
        self.read(|st| {
            st.items
                .values()
                .filter(|i| !i.removed)
                .map(|i| i.item_id.clone())
                .collect()
        })
    }

    /// Reads the state in a transaction (blocking: a test or tool helper, not for a server).
    fn read<T: Default>(&self, f: impl FnOnce(&State) -> T) -> T {
        self.app
            .transact(|app| Ok(f(&app.state())))
            .unwrap_or_default()
    }

    /// Arms a fault (same as `POST /_faults`).
    pub fn add_fault(&self, fault: FaultSpec) -> std::result::Result<(), String> {
        fault.validate()?;
        self.app.faults.add(fault);
        Ok(())
    }

    /// Disarms every fault (same as `DELETE /_faults`).
    pub fn clear_faults(&self) {
        self.app.faults.clear();
    }

    /// Stops the server (every change is already in the state file).
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), self.server).await;
    }
}
