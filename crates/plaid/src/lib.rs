//! # coffer-plaid: a typed client for the Plaid API (version `2020-09-14`)
//!
//! This crate speaks the subset of Plaid that Coffer uses (docs/ARCHITECTURE.md, "Plaid"):
//! Link tokens, the public-token exchange, Items, accounts and balances, `/transactions/sync`,
//! institutions, and the Sandbox helpers. It knows nothing about the app: no storage, no UI.
//!
//! ```no_run
//! # async fn demo() -> coffer_plaid::Result<()> {
//! use coffer_plaid::{Credentials, Environment, PlaidClient, Secret, TransactionsSyncRequest};
//!
//! let client = PlaidClient::new(
//!     Environment::Sandbox.base_url(),
//!     Credentials { client_id: "client-id".into(), secret: Secret::new("secret") },
//! )?;
//! let token = Secret::new("access-sandbox-...");
//! let page = client
//!     .transactions_sync(&TransactionsSyncRequest::new(&token).with_count(500))
//!     .await?;
//! println!("{} new transactions, more: {}", page.added.len(), page.has_more);
//! # Ok(()) }
//! ```
//!
//! ## What the client does for every call
//!
//! * `POST {base_url}{path}` with a JSON body, `Content-Type: application/json`,
//!   `Plaid-Version: 2020-09-14`, `User-Agent: coffer/<version>`, and the credentials in the
//!   `PLAID-CLIENT-ID` / `PLAID-SECRET` headers (never in the body). Redirects are not followed
//!   (a redirect would carry the secret header to another host).
//! * Timeouts ([`Timeouts`]): connect 10 s, 30 s per request, 90 s for `/accounts/balance/get`
//!   (a live fetch from the bank that Plaid says can take 30 s or more).
//! * Bounded retries ([`RetryPolicy`]) with jittered exponential backoff for HTTP 429 and 503
//!   (a 429 waits `Retry-After`, else 30–60 s), for 500, 502 and 504 on calls safe to repeat,
//!   and for connection failures. Never for 4xx Plaid errors such as `ITEM_LOGIN_REQUIRED`
//!   or `INSTITUTION_DOWN` (HTTP 400). Calls that change state on the server
//!   (`/item/public_token/exchange`, `/item/remove`, the sandbox creators, `/transactions/refresh`)
//!   are retried after a dropped connection **only** when the request never left the machine
//!   (connect failure): replaying an exchange whose first attempt succeeded server-side would
//!   answer `INVALID_PUBLIC_TOKEN` and lose the access token, so the caller gets the transport
//!   error instead and decides (see [`Error::is_retryable`]).
//! * Responses decode into the typed structs below. A decode failure names the JSON path
//!   ([`Error::Decode`]); a non-JSON body (an HTML 502 from a proxy) becomes
//!   [`Error::UnexpectedResponse`] with the HTTP status; a Plaid error body becomes
//!   [`Error::Api`] with the whole [`PlaidError`].
//!
//! ## Secrets
//!
//! The Plaid `secret` and every `access_token` are a [`Secret`]: `Debug` prints `Secret(***)`, it
//! has no `Serialize`, and request bodies write it through a private `serialize_with` function.
//! Every text that comes back from the server and ends up in an [`Error`] is scrubbed of the
//! secret and the access token of the request. Tracing spans carry only the path, the HTTP
//! status, the attempt count and Plaid's `request_id`.
//!
//! ## Types
//!
//! Field names are Plaid's (snake_case, they are the wire format). Following the official
//! OpenAPI spec: optional request fields are `Option` and omitted when `None` (Plaid rejects
//! unknown fields and a `null` for a non-nullable field); nullable response fields are `Option`;
//! response fields the spec does not require are `Option` with `#[serde(default)]`; unknown
//! response keys are ignored. Enums Plaid may extend ([`Product`], [`AccountType`],
//! [`AccountSubtype`], [`ErrorType`], [`TransactionsUpdateStatus`], [`PaymentChannel`], …) have an
//! `Unknown(String)` catch-all. Money is [`rust_decimal::Decimal`], read from and written as a JSON
//! number without loss for amounts such as `23631.9805` or `0.1`. Dates are
//! [`chrono::NaiveDate`], date-times [`chrono::DateTime<chrono::Utc>`].
//!
//! ## How to add an endpoint
//!
//! 1. Look the request and response schemas up in the spec extract
//!    `crates/spec/plaid/openapi-schema.json` (e.g. `ItemWebhookUpdateRequest` / `ItemWebhookUpdateResponse`).
//! 2. Add the types to the module in `src/types/` that fits (or a new one, re-exported from
//!    `types/mod.rs`). Requests: `#[derive(Serialize)]`, every optional field
//!    `#[serde(skip_serializing_if = "Option::is_none")]`, an access token as `&'a Secret` or
//!    `Secret` with `#[serde(serialize_with = "crate::secret::serialize_secret::borrowed")]`
//!    (`::option` for an `Option<Secret>`), money with
//!    `#[serde(with = "crate::money")]`. Responses: `#[derive(Deserialize)]`, required fields
//!    plain, nullable fields `Option`, not-required fields `Option` + `#[serde(default)]`, and add
//!    the type to the `impl_plaid_response!` list so the client can log its `request_id`.
//! 3. Add a method to `PlaidClient` in `src/client/mod.rs` that builds the body and calls
//!    `self.post(PATH, &body, Call::idempotent(), access_token)` (or `Call::state_changing()` when
//!    replaying a request that reached the server could change the result, like `/item/remove`),
//!    with `.with_timeout(..)` if the endpoint is slow. Passing the access token lets the client
//!    scrub it from any error text.
//! 4. Add a serde shape test (optional fields omitted) in the type's module, an integration test
//!    against coffer-sandbox in `tests/plaid/client.rs`, and the endpoint to the list in
//!    docs/ARCHITECTURE.md ("Plaid") if it is new to the app.

mod client;
mod error;
mod money;
mod secret;
pub mod types;

pub use client::{
    Environment, LINK_SCRIPT_URL, MAX_RATE_LIMIT_WAIT, PLAID_VERSION, PlaidClient, RetryPolicy,
    Timeouts, USER_AGENT,
};
pub use error::{Error, Result};
pub use secret::{Credentials, Secret};
pub use types::*;
