//! # coffer-sandbox: an offline, stateful Plaid Sandbox
//!
//! An axum server that answers Plaid's API paths the way Plaid's Sandbox does (token shapes and
//! lifetimes, the Sandbox institutions and `user_good` accounts, deterministic transactions,
//! `/transactions/sync` cursors, Plaid's validation and error bodies), plus a few non-Plaid paths
//! for tests: `POST/DELETE /_faults` (fault injection), `POST /_link/sessions` (a user finishing
//! Link) and `GET /` (health); and an offline stand-in for Plaid Link itself: `GET
//! /link/v2/stable/link-initialize.js` (the web SDK's `Plaid.create`), its overlay pages and
//! Hosted Link at the `hosted_link_url` it returns. The behaviour emulated is what Plaid's API
//! reference, its Sandbox guides (test credentials, institutions) and its Link documentation
//! describe; where the sandbox fits in Coffer: `docs/ARCHITECTURE.md` (from the project root).
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
//! ## API version
//!
//! Every endpoint follows Plaid API `2020-09-14_1.778.0`, the version Plaid's newest client
//! library (plaid-python 46.0.0) is generated from: requests valid in that version are accepted
//! and answers satisfy its schemas (checked strictly against `coffer_spec::Spec::current`,
//! which is the official `2020-09-14_1.697.4` copy plus the changes listed in coffer-spec's
//! `current.rs`), and still satisfy `1.697.4`, so older clients read them too. Tests also run
//! plaid-python 46.0.0 itself through an Item's life.
//!
//! | endpoint | follows | what 1.778.0 changed, and what the sandbox does about it |
//! | --- | --- | --- |
//! | `/link/token/create` | 1.778.0 | accepts `cra_report_parameter`, `institution_data.institution_id`, products `cra_home_lending`/`cra_qualify` |
//! | `/link/token/get` | 1.778.0 | `session_group_id` (optional) not sent |
//! | `/item/public_token/exchange` | 1.778.0 | nothing |
//! | `/item/get` | 1.778.0 | `paired_item_id` (optional) not sent; webhooks now show in `status.last_webhook` |
//! | `/item/remove` | 1.778.0 | nothing |
//! | `/accounts/get`, `/accounts/balance/get` | 1.778.0 | `apy`, `paired_account_id` (optional) not sent; new subtypes unused |
//! | `/transactions/sync` | 1.778.0 | `merchant_category_code`, `running_balance` (optional) not sent; fields 1.778.0 no longer requires are still sent |
//! | `/transactions/refresh` | 1.778.0 | nothing |
//! | `/institutions/get_by_id` | 1.778.0 | **`connection_availability` required**: sent (`SUPPORTED`, `NOT_SUPPORTED` for unsupported institutions) |
//! | `/sandbox/public_token/create` | 1.778.0 | nothing (`options.transactions.days_requested` is now honoured) |
//! | `/sandbox/item/reset_login` | 1.778.0 | nothing |
//! | `/sandbox/item/fire_webhook` | 1.778.0 | accepts `options.new_transactions` and `webhook_type` `IDENTITY` |
//! | `/sandbox/transactions/create` | 1.778.0 | accepts a transaction's `account_id` |
//! | `/webhook_verification_key/get` | 1.778.0 | new here; unchanged in 1.778.0 |
//!
//! ## History: `days_requested` and `--history`
//!
//! An Item's transactions span its `days_requested` days ending on its creation day: Link's
//! `transactions.days_requested` from `/link/token/create`, or `options.transactions.
//! days_requested` (else the days since `options.transactions.start_date`) of
//! `/sandbox/public_token/create`; Plaid's default of 90 when absent; outside 1–730 the request
//! is `INVALID_FIELD`, as at Plaid. `--history N` ([`SandboxConfig::history`]) stays the number
//! of base transactions, spread evenly over those days (so a benchmark's N rows stay N, only
//! denser or sparser). Items in state files written before this keep their 730 days.
//!
//! ## Webhooks
//!
//! An Item with a `webhook` gets Plaid's webhook bodies, POSTed in the background with a
//! `Plaid-Verification` ES256 JWT that `/webhook_verification_key/get`'s key verifies; retried
//! on Plaid's schedule; only to loopback URLs and [`SandboxConfig::webhook_allow`] hosts. What
//! is sent when, the key's lifetime and the retry policy: the [`webhooks`] module.
//!
//! ## Explicit `null` in requests
//!
//! `null` for a field the spec marks `nullable` means absent; for any other optional field it
//! is `INVALID_FIELD`, as Plaid answered when a client sent `options.account_ids: null`
//! (reasoning in `validate.rs`). A required field sent as `null` is `MISSING_FIELDS`.
//!
//! ## Layout
//! Modules use each other in one direction only; from the bottom up:
//! - [`config`], [`clock`], [`error`]: configuration, the injectable clock used for every
//!   expiry, the errors of starting a sandbox.
//! - `data`: the fixed tables (`institutions`, `products`, `accounts`, `patterns`) and what is
//!   derived from them (`generate`: the deterministic transaction generator; `json`: Plaid's
//!   account and transaction JSON).
//! - `state`: Items, token hashes and each Item's transaction change log (persisted as JSON);
//!   `state_file`: the state file that several processes' sandboxes share (one transaction per
//!   request under a file lock).
//! - `plaid_error`: Plaid error bodies and code → status/type; `validate`: per-endpoint fields
//!   and product names; `request`: reading a JSON request and the fields of its body.
//! - `faults`, `conn`: fault injection, including dropping a connection without a response.
//! - [`webhooks`]: webhook bodies, signing (`Plaid-Verification`), delivery with retries.
//! - `app`: the server state every route shares (`App`, its transactions, the webhooks to send
//!   after one) and the JSON responses.
//! - `items`: operations on Items (Sandbox credentials, creation, public tokens, exchange,
//!   removal, a call on the Item of an access token), for both doors below.
//! - `api`: the Plaid API: the dispatcher shared by every endpoint and one module per endpoint
//!   group.
//! - `link`: every read and write of the state Link makes; `link_ui`: the stand-in's routes
//!   (its pages, their calls, `/_link/sessions`); its JS/HTML/CSS are files in `link/`,
//!   embedded at build time (`link-initialize.js` the SDK, `link.html`/`link.js` the flow for
//!   the overlay and Hosted Link, `oauth.html`/`oauth.js` the OAuth bank page, `link.css` for
//!   all).
//! - `server`: the routers, putting `api`, `link_ui` and the control routes (`/_faults`;
//!   `control_guard` in front of every control route) together.
//!
//! `api` and `link`/`link_ui` never use each other: what they share is in `app`, `items` and
//! `request`. The crate root only starts the server and re-exports.
//!
//! ## How to add an endpoint
//! 1. Add its request fields to `validate.rs` (read the request schema in the official spec:
//!    required fields with `req`, the others with `opt`).
//! 2. Write the handler `fn(&App, &Map<String, Value>) -> Result<Value, ApiError>` in the
//!    matching `api/` module (an operation on Items that Link needs too goes in `items`);
//!    return the 200 body without `request_id` (the dispatcher adds it) and make every key the
//!    spec's response schema requires present. Call `app.touch()` after changing state so it
//!    is persisted. The dispatcher runs handlers inside `App::transact` (on a blocking thread
//!    when there is a state file); any other route that reads or writes the state must do the
//!    same (`app::transact_async`).
//! 3. Register `(path, fields, Handler::Json(handler))` in `api::ENDPOINTS` and cover it in
//!    `tests/`. (`Handler::Body` handlers serialize the whole body themselves from typed
//!    structs, `request_id` included; `/transactions/sync` is one, as its pages are large.)

pub mod clock;
pub mod config;
pub mod error;

mod api;
mod app;
mod conn;
mod control_guard;
mod data;
mod faults;
mod ids;
mod items;
mod link;
mod link_ui;
mod plaid_error;
mod request;
mod server;
mod state;
mod state_file;
mod validate;
pub mod webhooks;

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use app::Exchange;
pub use clock::Clock;
pub use config::{DEFAULT_HISTORY, SandboxConfig};
pub use error::{Error, Result};
pub use faults::FaultSpec;
pub use webhooks::{Delivery, Outcome as DeliveryOutcome, RetryPolicy};

use app::App;
use conn::{ConnHandle, KillableListener};
use state::State;
use state_file::StateFile;

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
        // The "bank's own site" for OAuth institutions that sign people in there: another
        // origin on the same loopback address, as a real bank's page is not Plaid's.
        let bank_listener = tokio::net::TcpListener::bind((bind.ip(), 0)).await?;
        let bank_addr = bank_listener.local_addr()?;
        let (stop, stop_rx) = watch::channel(false);
        let webhooks = Arc::new(webhooks::Webhooks::new(
            config.webhook_retry.clone(),
            config.webhook_allow.clone(),
            config.clock.clone(),
            stop_rx.clone(),
        ));
        let app = Arc::new(App {
            config,
            state: Mutex::new(state),
            file: Mutex::new(file),
            dirty: AtomicBool::new(false),
            faults: faults::Faults::default(),
            exchanges: Mutex::new(Vec::new()),
            url: format!("http://{addr}"),
            bank_url: format!("http://{bank_addr}"),
            webhooks,
        });
        let mut bank_stop = stop_rx.clone();
        let bank = server::bank_router(app.clone());
        tokio::spawn(async move {
            let serve = axum::serve(bank_listener, bank).with_graceful_shutdown(async move {
                let _ = bank_stop.changed().await;
            });
            if let Err(e) = serve.await {
                tracing::warn!("sandbox bank pages stopped: {e}");
            }
        });
        let mut server_stop = stop_rx;
        let service =
            server::router(app.clone()).into_make_service_with_connect_info::<ConnHandle>();
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

    /// The origin of the OAuth bank pages that live on the bank's own site
    /// (`data::institutions::OWN_SITE_OAUTH`): `http://127.0.0.1:OTHER_PORT`.
    pub fn bank_url(&self) -> String {
        self.app.bank_url.clone()
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

    /// Every webhook sent (or refused) so far, oldest first, with its delivery outcome.
    pub fn webhook_deliveries(&self) -> Vec<Delivery> {
        self.app.webhooks.deliveries()
    }

    /// The `kid` of the key webhooks are signed with.
    pub fn webhook_key_id(&self) -> String {
        self.app.webhooks.key.kid().to_string()
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
