//! [`PlaidClient`]: transport, retries, decoding, and one method per endpoint.

use std::error::Error as _;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::field::Empty;

use crate::error::{Error, Result};
use crate::secret::{Credentials, Secret, scrub};
use crate::types::*;

/// The Plaid Link script. It must be loaded from Plaid's CDN (never bundled or self-hosted).
pub const LINK_SCRIPT_URL: &str = "https://cdn.plaid.com/link/v2/stable/link-initialize.js";

/// The API version this crate speaks, sent as the `Plaid-Version` header.
pub const PLAID_VERSION: &str = "2020-09-14";

/// The `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("coffer/", env!("CARGO_PKG_VERSION"));

/// A Plaid environment. (Plaid's "Development" environment no longer exists.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Environment {
    /// Test data, free: `https://sandbox.plaid.com`.
    Sandbox,
    /// Real banks: `https://production.plaid.com`.
    Production,
}

impl Environment {
    /// The API base URL of the environment.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Sandbox => "https://sandbox.plaid.com",
            Environment::Production => "https://production.plaid.com",
        }
    }

    /// `"sandbox"` or `"production"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Sandbox => "sandbox",
            Environment::Production => "production",
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Environment {
    type Err = Error;

    /// `sandbox` or `production` (any case).
    fn from_str(value: &str) -> Result<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "sandbox" => Ok(Environment::Sandbox),
            "production" => Ok(Environment::Production),
            "development" => Err(Error::InvalidConfig(
                "Plaid's development environment was decommissioned; use sandbox or production"
                    .into(),
            )),
            other => Err(Error::InvalidConfig(format!(
                "unknown Plaid environment {other:?} (expected sandbox or production)"
            ))),
        }
    }
}

/// How the client retries HTTP 429, 5xx and connection failures.
///
/// Before retry `n` (0-based) of a server error it waits a random time between half and all
/// of `min(base_delay * 2^n, max_delay)`, or longer if the server sent `Retry-After` (still
/// capped at `max_delay`). Plaid's rate limits count requests per minute, so retrying a 429
/// after a second or two only meets the same limit: a 429 waits for `Retry-After` when sent,
/// else a random time between half and all of `rate_limit_delay` (both capped at
/// [`MAX_RATE_LIMIT_WAIT`]).
///
/// Which answers are retried: a 429 or 503 (Plaid did not do the work), and for calls that
/// are safe to repeat also 500, 502 and 504. A call that changes state and may have been
/// done before the error (the public-token exchange, which consumes its token) is never
/// blindly repeated after a 500, 502 or 504.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = never retry).
    pub max_retries: u32,
    /// Delay before the first retry (before jitter).
    pub base_delay: Duration,
    /// Upper bound of any delay.
    pub max_delay: Duration,
    /// Wait after a 429 without `Retry-After` (before jitter): Plaid's per-minute scale.
    pub rate_limit_delay: Duration,
}

/// The longest wait after a 429, whatever `Retry-After` says.
pub const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(120);

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            base_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
            rate_limit_delay: Duration::ZERO,
        }
    }

    /// The wait before retrying a 429: `Retry-After` when the server sent one, else a random
    /// time between half and all of `rate_limit_delay`; at most [`MAX_RATE_LIMIT_WAIT`].
    pub fn rate_limit_wait(&self, retry_after: Option<Duration>) -> Duration {
        let wait = retry_after.unwrap_or_else(|| jitter(self.rate_limit_delay));
        wait.min(MAX_RATE_LIMIT_WAIT)
    }

    /// The (jittered) wait before retry number `retry` (0-based).
    pub fn delay(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(20));
        jitter(self.base_delay.saturating_mul(factor).min(self.max_delay))
    }
}

/// A random time between half and all of `ceiling`.
fn jitter(ceiling: Duration) -> Duration {
    let ceiling_micros = u64::try_from(ceiling.as_micros()).unwrap_or(u64::MAX);
    if ceiling_micros == 0 {
        return Duration::ZERO;
    }
    Duration::from_micros(rand::thread_rng().gen_range(ceiling_micros / 2..=ceiling_micros))
}

impl Default for RetryPolicy {
    /// 3 retries, 500 ms doubling, at most 8 s; 30–60 s after a 429.
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            rate_limit_delay: Duration::from_secs(60),
        }
    }
}

/// Timeouts of the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing the TCP/TLS connection.
    pub connect: Duration,
    /// A whole request (send + response body) for every endpoint but the balance one.
    pub request: Duration,
    /// A whole `/accounts/balance/get` request (a live fetch from the bank).
    pub balance: Duration,
}

impl Default for Timeouts {
    /// Connect 10 s, request 30 s, balance 90 s.
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(30),
            balance: Duration::from_secs(90),
        }
    }
}

/// A Plaid API client. Cheap to clone (the HTTP connection pool is shared).
#[derive(Clone)]
pub struct PlaidClient {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    http: reqwest::Client,
    base_url: String,
    credentials: Credentials,
    retry: RetryPolicy,
    timeouts: Timeouts,
}

impl fmt::Debug for PlaidClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlaidClient")
            .field("base_url", &self.inner.base_url)
            .field("client_id", &self.inner.credentials.client_id)
            .field("secret", &self.inner.credentials.secret)
            .field("retry", &self.inner.retry)
            .field("timeouts", &self.inner.timeouts)
            .finish()
    }
}

/// How a call may be retried.
#[derive(Debug, Clone, Copy)]
struct Call {
    /// Whether the request may be sent again after it may have reached the server (a dropped
    /// connection). False for calls whose replay would fail or duplicate something.
    replay_after_send: bool,
    timeout: Option<Duration>,
}

impl Call {
    fn idempotent() -> Self {
        Self {
            replay_after_send: true,
            timeout: None,
        }
    }

    fn state_changing() -> Self {
        Self {
            replay_after_send: false,
            timeout: None,
        }
    }

    fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// A failed attempt, with the server's `Retry-After` if it sent one.
struct Failure {
    error: Error,
    retry_after: Option<Duration>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}

impl PlaidClient {
    /// A client for `base_url`: [`Environment::base_url`] or any `http://` URL on a loopback
    /// host (the local sandbox), with an optional path prefix and trailing slash. Uses the
    /// default [`RetryPolicy`] and [`Timeouts`].
    ///
    /// Fails with [`Error::InvalidConfig`] for a malformed URL, a URL with credentials, query or
    /// fragment, plain `http` to a non-loopback host (the secret would travel in clear text),
    /// or empty / non-header-safe credentials.
    pub fn new(base_url: &str, credentials: Credentials) -> Result<Self> {
        let base_url = normalize_base_url(base_url)?;
        let timeouts = Timeouts::default();
        let http = build_http(&credentials, timeouts)?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base_url,
                credentials,
                retry: RetryPolicy::default(),
                timeouts,
            }),
        })
    }

    /// A client for a Plaid environment.
    pub fn for_environment(environment: Environment, credentials: Credentials) -> Result<Self> {
        Self::new(environment.base_url(), credentials)
    }

    /// The same client with another retry policy.
    pub fn with_retry(self, policy: RetryPolicy) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.retry = policy;
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The same client with other timeouts (rebuilds the connection pool).
    pub fn with_timeouts(self, timeouts: Timeouts) -> Result<Self> {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.http = build_http(&inner.credentials, timeouts)?;
        inner.timeouts = timeouts;
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The `client_id` the client sends.
    pub fn client_id(&self) -> &str {
        &self.inner.credentials.client_id
    }

    /// The retry policy in use.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// The timeouts in use.
    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    // ----------------------------------------------------------------------------------------
    // Endpoints (CONTRACT.md §3)

    /// `POST /link/token/create`: a token to open Link with (new Item, update mode, or Hosted
    /// Link). Retried after a dropped connection: a second token is harmless.
    pub async fn link_token_create(
        &self,
        req: &LinkTokenCreateRequest,
    ) -> Result<LinkTokenCreateResponse> {
        self.post(
            "/link/token/create",
            req,
            Call::idempotent(),
            req.access_token.as_ref(),
        )
        .await
    }

    /// `POST /link/token/get`: the token's metadata and its Link sessions (Hosted Link results).
    pub async fn link_token_get(&self, link_token: &str) -> Result<LinkTokenGetResponse> {
        let body = LinkTokenGetRequest { link_token };
        self.post("/link/token/get", &body, Call::idempotent(), None)
            .await
    }

    /// `POST /item/public_token/exchange`: trade Link's public token for the Item's access
    /// token. Not replayed after a dropped connection (the first attempt may have consumed the
    /// single-use public token); a connect failure or HTTP 429/500/503 is retried.
    pub async fn item_public_token_exchange(
        &self,
        public_token: &str,
    ) -> Result<ItemPublicTokenExchangeResponse> {
        let body = PublicTokenExchangeRequest { public_token };
        self.post(
            "/item/public_token/exchange",
            &body,
            Call::state_changing(),
            None,
        )
        .await
    }

    /// `POST /item/get`: the Item, including `item.error` (e.g. `ITEM_LOGIN_REQUIRED`).
    pub async fn item_get(&self, access_token: &Secret) -> Result<ItemGetResponse> {
        let body = AccessTokenRequest { access_token };
        self.post("/item/get", &body, Call::idempotent(), Some(access_token))
            .await
    }

    /// `POST /item/remove`: revoke the access token and end billing. Not replayed after a
    /// dropped connection (a replay of a successful removal answers with an invalid-token
    /// error); the caller can check with [`PlaidClient::item_get`].
    pub async fn item_remove(&self, access_token: &Secret) -> Result<ItemRemoveResponse> {
        let body = AccessTokenRequest { access_token };
        self.post(
            "/item/remove",
            &body,
            Call::state_changing(),
            Some(access_token),
        )
        .await
    }

    /// `POST /accounts/get`: accounts with cached balances (free).
    pub async fn accounts_get(
        &self,
        access_token: &Secret,
        account_ids: Option<&[String]>,
    ) -> Result<AccountsGetResponse> {
        let body = AccountsRequest {
            access_token,
            options: account_ids.map(|account_ids| AccountsRequestOptions { account_ids }),
        };
        self.post(
            "/accounts/get",
            &body,
            Call::idempotent(),
            Some(access_token),
        )
        .await
    }

    /// `POST /accounts/balance/get`: live balances from the bank (slow, billed in Production;
    /// uses [`Timeouts::balance`]).
    pub async fn accounts_balance_get(
        &self,
        access_token: &Secret,
        account_ids: Option<&[String]>,
    ) -> Result<AccountsGetResponse> {
        let body = AccountsRequest {
            access_token,
            options: account_ids.map(|account_ids| AccountsRequestOptions { account_ids }),
        };
        let call = Call::idempotent().with_timeout(self.inner.timeouts.balance);
        self.post("/accounts/balance/get", &body, call, Some(access_token))
            .await
    }

    /// `POST /transactions/sync`: one page of changes since the cursor.
    pub async fn transactions_sync(
        &self,
        req: &TransactionsSyncRequest<'_>,
    ) -> Result<TransactionsSyncResponse> {
        self.post(
            "/transactions/sync",
            req,
            Call::idempotent(),
            Some(req.access_token),
        )
        .await
    }

    /// `POST /transactions/refresh`: ask Plaid to fetch new transactions now.
    pub async fn transactions_refresh(&self, access_token: &Secret) -> Result<RequestIdResponse> {
        let body = AccessTokenRequest { access_token };
        self.post(
            "/transactions/refresh",
            &body,
            Call::state_changing(),
            Some(access_token),
        )
        .await
    }

    /// `POST /institutions/get_by_id`.
    pub async fn institutions_get_by_id(
        &self,
        req: &InstitutionsGetByIdRequest,
    ) -> Result<InstitutionsGetByIdResponse> {
        self.post("/institutions/get_by_id", req, Call::idempotent(), None)
            .await
    }

    /// `POST /sandbox/public_token/create`: an Item without Link (Sandbox only).
    pub async fn sandbox_public_token_create(
        &self,
        req: &SandboxPublicTokenCreateRequest,
    ) -> Result<SandboxPublicTokenCreateResponse> {
        self.post(
            "/sandbox/public_token/create",
            req,
            Call::state_changing(),
            None,
        )
        .await
    }

    /// `POST /sandbox/item/reset_login`: put the Item into `ITEM_LOGIN_REQUIRED` (Sandbox only).
    pub async fn sandbox_item_reset_login(
        &self,
        access_token: &Secret,
    ) -> Result<SandboxItemResetLoginResponse> {
        let body = AccessTokenRequest { access_token };
        self.post(
            "/sandbox/item/reset_login",
            &body,
            Call::idempotent(),
            Some(access_token),
        )
        .await
    }

    /// `POST /sandbox/item/fire_webhook` (Sandbox only). `webhook_code` e.g.
    /// `SYNC_UPDATES_AVAILABLE`; `webhook_type` e.g. `TRANSACTIONS`.
    pub async fn sandbox_item_fire_webhook(
        &self,
        access_token: &Secret,
        webhook_code: &str,
        webhook_type: Option<&str>,
    ) -> Result<SandboxItemFireWebhookResponse> {
        let body = FireWebhookRequest {
            access_token,
            webhook_code,
            webhook_type,
        };
        self.post(
            "/sandbox/item/fire_webhook",
            &body,
            Call::state_changing(),
            Some(access_token),
        )
        .await
    }

    /// `POST /sandbox/transactions/create`: add up to 10 transactions to a
    /// `user_transactions_dynamic` Item (Sandbox only).
    pub async fn sandbox_transactions_create(
        &self,
        access_token: &Secret,
        txns: &[SandboxTransaction],
    ) -> Result<RequestIdResponse> {
        let body = SandboxTransactionsCreateRequest {
            access_token,
            transactions: txns,
        };
        let call = Call::state_changing();
        self.post(
            "/sandbox/transactions/create",
            &body,
            call,
            Some(access_token),
        )
        .await
    }

    // ----------------------------------------------------------------------------------------
    // Transport

    /// Sends `body` to `path`, retrying per the policy, and decodes the answer.
    #[tracing::instrument(
        name = "plaid",
        skip_all,
        // Plaid errors such as ITEM_LOGIN_REQUIRED are expected conditions, not crashes.
        err(level = tracing::Level::WARN),
        fields(path = path, status = Empty, request_id = Empty, attempts = Empty)
    )]
    async fn post<B, R>(
        &self,
        path: &'static str,
        body: &B,
        call: Call,
        access_token: Option<&Secret>,
    ) -> Result<R>
    where
        B: Serialize,
        R: DeserializeOwned + PlaidResponse,
    {
        let secrets = [
            self.inner.credentials.secret.expose(),
            access_token.map_or("", Secret::expose),
        ];
        let body = serde_json::to_vec(body).map_err(|error| {
            Error::InvalidConfig(format!("could not encode the {path} request: {error}"))
        })?;
        let url = format!("{}{}", self.inner.base_url, path);
        let timeout = call.timeout.unwrap_or(self.inner.timeouts.request);
        let policy = self.inner.retry;
        let span = tracing::Span::current();
        let mut retries = 0;
        loop {
            let outcome = self
                .attempt::<R>(path, &url, &body, timeout, &secrets)
                .await;
            match outcome {
                Ok((status, response)) => {
                    span.record("attempts", retries + 1);
                    span.record("status", status);
                    span.record("request_id", response.request_id());
                    return Ok(response);
                }
                Err(Failure { error, retry_after }) => {
                    if retries < policy.max_retries && should_retry(&error, call) {
                        let delay = if error.status() == Some(429) {
                            policy.rate_limit_wait(retry_after)
                        } else {
                            policy
                                .delay(retries)
                                .max(retry_after.unwrap_or_default().min(policy.max_delay))
                        };
                        // The error's text carries its status and request_id.
                        tracing::warn!(
                            retry = retries + 1,
                            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                            %error,
                            "retrying Plaid request"
                        );
                        tokio::time::sleep(delay).await;
                        retries += 1;
                        continue;
                    }
                    span.record("attempts", retries + 1);
                    if let Some(status) = error.status() {
                        span.record("status", status);
                    }
                    if let Some(request_id) = error.request_id() {
                        span.record("request_id", request_id);
                    }
                    return Err(error);
                }
            }
        }
    }

    /// One HTTP exchange.
    async fn attempt<R: DeserializeOwned>(
        &self,
        path: &str,
        url: &str,
        body: &[u8],
        timeout: Duration,
        secrets: &[&str],
    ) -> std::result::Result<(u16, R), Failure> {
        let response = self
            .inner
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .timeout(timeout)
            .body(body.to_vec())
            .send()
            .await
            .map_err(|error| transport_error(path, &error, secrets))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let retry_after = parse_retry_after(response.headers());
        let bytes = response
            .bytes()
            .await
            .map_err(|error| transport_error(path, &error, secrets))?;
        let decoded = if (200..300).contains(&status) {
            decode_body::<R>(path, status, &bytes, content_type.as_deref(), secrets)
        } else {
            Err(error_from_body(
                path,
                status,
                &bytes,
                content_type.as_deref(),
                secrets,
            ))
        };
        decoded
            .map(|value| (status, value))
            .map_err(|error| Failure { error, retry_after })
    }
}

/// Whether the retry loop repeats a failed attempt.
fn should_retry(error: &Error, call: Call) -> bool {
    match error {
        Error::Api { status, .. }
        | Error::UnexpectedResponse { status, .. }
        // A non-2xx answer whose JSON was not a Plaid error: retry on the same statuses.
        | Error::Decode { status, .. } => match *status {
            // Plaid did not do the work: rate-limited, or down for maintenance.
            429 | 503 => true,
            // The work may have been done before the error: repeat only what is safe to.
            500 | 502 | 504 => call.replay_after_send,
            _ => false,
        },
        // Never sent: always safe to repeat.
        Error::Transport { connect: true, .. } => true,
        // The time budget is spent; let the caller decide.
        Error::Transport { timeout: true, .. } => false,
        // Sent, then the connection broke: only if a replay cannot do harm.
        Error::Transport { .. } => call.replay_after_send,
        Error::InvalidConfig(_) => false,
    }
}

fn build_http(credentials: &Credentials, timeouts: Timeouts) -> Result<reqwest::Client> {
    if credentials.client_id.trim().is_empty() {
        return Err(Error::InvalidConfig("the Plaid client_id is empty".into()));
    }
    if credentials.secret.expose().trim().is_empty() {
        return Err(Error::InvalidConfig("the Plaid secret is empty".into()));
    }
    let mut headers = HeaderMap::new();
    let client_id = HeaderValue::from_str(&credentials.client_id).map_err(|_| {
        Error::InvalidConfig("the Plaid client_id has characters not allowed in a header".into())
    })?;
    let mut secret = HeaderValue::from_str(credentials.secret.expose()).map_err(|_| {
        Error::InvalidConfig("the Plaid secret has characters not allowed in a header".into())
    })?;
    secret.set_sensitive(true);
    headers.insert(HeaderName::from_static("plaid-client-id"), client_id);
    headers.insert(HeaderName::from_static("plaid-secret"), secret);
    headers.insert(
        HeaderName::from_static("plaid-version"),
        HeaderValue::from_static(PLAID_VERSION),
    );
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .default_headers(headers)
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.balance.max(timeouts.request))
        // A redirect would carry the PLAID-SECRET header to wherever it points.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|error| Error::InvalidConfig(format!("could not build the HTTP client: {error}")))
}

/// Validates a base URL and returns it without trailing slashes.
pub(crate) fn normalize_base_url(base_url: &str) -> Result<String> {
    let invalid = |why: &str| Error::InvalidConfig(format!("Plaid base URL {base_url:?}: {why}"));
    let url = url::Url::parse(base_url.trim()).map_err(|error| invalid(&error.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        // Do not echo the URL: it holds credentials.
        return Err(Error::InvalidConfig(
            "the Plaid base URL must not contain a user name or password".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("must not have a query or fragment"));
    }
    let host = url.host().ok_or_else(|| invalid("has no host"))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match host {
                url::Host::Domain(domain) => domain.eq_ignore_ascii_case("localhost"),
                url::Host::Ipv4(ip) => ip.is_loopback(),
                url::Host::Ipv6(ip) => ip.is_loopback(),
            };
            if !loopback {
                return Err(invalid("plain http is only allowed for a loopback host"));
            }
        }
        _ => {
            return Err(invalid(
                "the scheme must be https (or http for a loopback host)",
            ));
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds: u64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds))
}

fn transport_error(path: &str, error: &reqwest::Error, secrets: &[&str]) -> Failure {
    let what = if error.is_connect() {
        "could not connect"
    } else if error.is_timeout() {
        "timed out"
    } else if error.is_body() || error.is_decode() {
        "the connection failed while reading the response"
    } else if error.is_request() {
        "the request failed"
    } else {
        "HTTP error"
    };
    let mut message = format!("{path}: {what}");
    let mut parts: Vec<String> = Vec::new();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = cause.source();
    }
    for part in parts {
        message.push_str(": ");
        message.push_str(&part);
    }
    Failure::from(Error::Transport {
        message: scrub(&message, secrets),
        timeout: error.is_timeout(),
        connect: error.is_connect(),
    })
}

/// Decodes a JSON body; a failure names the JSON path.
fn decode_body<T: DeserializeOwned>(
    endpoint: &str,
    status: u16,
    bytes: &[u8],
    content_type: Option<&str>,
    secrets: &[&str],
) -> Result<T> {
    let looks_like_json = matches!(
        bytes.iter().find(|byte| !byte.is_ascii_whitespace()),
        Some(b'{') | Some(b'[')
    );
    if !looks_like_json {
        return Err(not_json(endpoint, status, bytes, content_type, secrets));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let decode_error = |path: String, error: &serde_json::Error| Error::Decode {
        endpoint: endpoint.to_owned(),
        status,
        path,
        message: scrub(&error.to_string(), secrets),
        request_id: find_request_id(bytes),
    };
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(value) => match deserializer.end() {
            Ok(()) => Ok(value),
            Err(error) => Err(decode_error("$".to_owned(), &error)),
        },
        Err(error) => {
            let path = error.path().to_string();
            let path = match path.as_str() {
                "." | "" => "$".to_owned(),
                p if p.starts_with('[') => format!("${p}"),
                p => format!("$.{p}"),
            };
            Err(decode_error(path, error.inner()))
        }
    }
}

/// The error of a non-2xx response.
fn error_from_body(
    endpoint: &str,
    status: u16,
    bytes: &[u8],
    content_type: Option<&str>,
    secrets: &[&str],
) -> Error {
    match decode_body::<PlaidError>(endpoint, status, bytes, content_type, secrets) {
        Ok(mut error) => {
            error.error_message = scrub(&error.error_message, secrets);
            error.display_message = error.display_message.map(|text| scrub(&text, secrets));
            Error::Api {
                status,
                error: Box::new(error),
            }
        }
        Err(error) => error,
    }
}

fn not_json(
    endpoint: &str,
    status: u16,
    bytes: &[u8],
    content_type: Option<&str>,
    secrets: &[&str],
) -> Error {
    let text = String::from_utf8_lossy(bytes);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut snippet: String = collapsed.chars().take(200).collect();
    if collapsed.chars().count() > 200 {
        snippet.push('…');
    }
    if snippet.is_empty() {
        snippet = "(empty body)".into();
    }
    Error::UnexpectedResponse {
        endpoint: endpoint.to_owned(),
        status,
        content_type: content_type.map(str::to_owned),
        snippet: scrub(&snippet, secrets),
    }
}

fn find_request_id(bytes: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct RequestIdOnly {
        #[serde(default)]
        request_id: Option<serde_json::Value>,
    }
    let parsed: RequestIdOnly = serde_json::from_slice(bytes).ok()?;
    parsed.request_id?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_validated_and_joined() {
        let ok = [
            ("https://sandbox.plaid.com", "https://sandbox.plaid.com"),
            (
                "https://production.plaid.com/",
                "https://production.plaid.com",
            ),
            ("http://127.0.0.1:4567", "http://127.0.0.1:4567"),
            ("http://127.0.0.1:4567/", "http://127.0.0.1:4567"),
            ("http://localhost:4567//", "http://localhost:4567"),
            ("http://[::1]:8080/plaid/", "http://[::1]:8080/plaid"),
            (
                " https://proxy.example.com/plaid ",
                "https://proxy.example.com/plaid",
            ),
        ];
        for (input, expected) in ok {
            assert_eq!(normalize_base_url(input).unwrap(), expected, "{input}");
            let url = format!("{}{}", normalize_base_url(input).unwrap(), "/item/get");
            assert!(
                url.ends_with("/item/get") && !url.contains("//item"),
                "{url}"
            );
        }
        for bad in [
            "",
            "sandbox.plaid.com",
            "ftp://sandbox.plaid.com",
            "http://sandbox.plaid.com",
            "http://192.168.1.10:8080",
            "https://sandbox.plaid.com/?x=1",
            "https://sandbox.plaid.com/#frag",
        ] {
            assert!(
                matches!(normalize_base_url(bad), Err(Error::InvalidConfig(_))),
                "{bad} should be rejected"
            );
        }
        let with_password =
            normalize_base_url("https://user:hunter2@sandbox.plaid.com").unwrap_err();
        assert!(!with_password.to_string().contains("hunter2"));
    }

    #[test]
    fn environments() {
        assert_eq!(Environment::Sandbox.base_url(), "https://sandbox.plaid.com");
        assert_eq!(
            Environment::Production.base_url(),
            "https://production.plaid.com"
        );
        assert_eq!(
            "Sandbox".parse::<Environment>().unwrap(),
            Environment::Sandbox
        );
        assert_eq!(
            "production".parse::<Environment>().unwrap(),
            Environment::Production
        );
        assert!("development".parse::<Environment>().is_err());
        assert!("prod".parse::<Environment>().is_err());
        assert_eq!(Environment::Production.as_str(), "production");
        assert_eq!(
            LINK_SCRIPT_URL,
            "https://cdn.plaid.com/link/v2/stable/link-initialize.js"
        );
        assert!(USER_AGENT.starts_with("coffer/"));
    }

    #[test]
    fn client_construction_checks_credentials() {
        let good = Credentials::new("id", "secret-123");
        let client = PlaidClient::new("http://127.0.0.1:9/", good.clone()).unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9");
        let debug = format!("{client:?}");
        assert!(!debug.contains("secret-123"), "{debug}");
        let fast = client.clone().with_retry(RetryPolicy::none());
        assert_eq!(fast.retry_policy().max_retries, 0);
        assert_eq!(client.retry_policy(), RetryPolicy::default());

        for creds in [
            Credentials::new("", "s"),
            Credentials::new("id", ""),
            Credentials::new("id", "bad\nsecret-456"),
        ] {
            let error = PlaidClient::new("https://sandbox.plaid.com", creds).unwrap_err();
            assert!(matches!(error, Error::InvalidConfig(_)));
            assert!(!error.to_string().contains("secret-456"));
        }
    }

    #[test]
    fn retry_delays_grow_are_jittered_and_bounded() {
        let policy = RetryPolicy {
            max_retries: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            rate_limit_delay: Duration::from_secs(60),
        };
        for _ in 0..50 {
            let first = policy.delay(0);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = policy.delay(2);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            assert!(policy.delay(9) <= Duration::from_secs(1));
            assert!(policy.delay(u32::MAX) <= Duration::from_secs(1));
        }
        let distinct: std::collections::HashSet<Duration> =
            (0..20).map(|_| policy.delay(3)).collect();
        assert!(distinct.len() > 1, "jitter varies the delay");
        assert_eq!(RetryPolicy::none().delay(0), Duration::ZERO);
    }

    #[test]
    fn rate_limits_wait_on_plaids_per_minute_scale() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.rate_limit_delay, Duration::from_secs(60));
        for _ in 0..50 {
            let wait = policy.rate_limit_wait(None);
            assert!(
                wait >= Duration::from_secs(30) && wait <= Duration::from_secs(60),
                "{wait:?}"
            );
        }
        // Retry-After wins, within the cap.
        assert_eq!(
            policy.rate_limit_wait(Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
        assert_eq!(
            policy.rate_limit_wait(Some(Duration::from_secs(3600))),
            MAX_RATE_LIMIT_WAIT
        );
    }

    #[test]
    fn retry_classification_of_the_loop() {
        let api = |status: u16, code: &str| Error::Api {
            status,
            error: serde_json::from_value(serde_json::json!({
                "error_type": "X", "error_code": code, "error_message": "m",
                "display_message": null
            }))
            .map(Box::new)
            .unwrap(),
        };
        let read = Call::idempotent();
        let write = Call::state_changing();
        assert!(should_retry(&api(429, "RATE_LIMIT"), write));
        assert!(should_retry(&api(500, "INTERNAL_SERVER_ERROR"), read));
        assert!(should_retry(&api(503, "PLANNED_MAINTENANCE"), read));
        assert!(!should_retry(&api(400, "ITEM_LOGIN_REQUIRED"), read));
        assert!(!should_retry(&api(400, "INSTITUTION_DOWN"), read));
        // Gateway errors of a call that is safe to repeat are retried.
        assert!(should_retry(&api(502, "X"), read));
        assert!(should_retry(&api(504, "X"), read));
        assert!(!should_retry(&api(501, "X"), read));
        // A state-changing call that may have been done is never repeated blindly.
        for status in [500, 502, 504] {
            assert!(
                !should_retry(&api(status, "INTERNAL_SERVER_ERROR"), write),
                "{status}"
            );
        }
        assert!(should_retry(&api(503, "PLANNED_MAINTENANCE"), write));
        let transport = |timeout, connect| Error::Transport {
            message: "m".into(),
            timeout,
            connect,
        };
        assert!(should_retry(&transport(false, true), write), "never sent");
        assert!(
            should_retry(&transport(true, true), write),
            "connect timeout"
        );
        assert!(
            should_retry(&transport(false, false), read),
            "dropped, idempotent"
        );
        assert!(
            !should_retry(&transport(false, false), write),
            "dropped, state-changing"
        );
        assert!(!should_retry(&transport(true, false), read), "timed out");
        assert!(!should_retry(&Error::InvalidConfig("x".into()), read));
    }

    #[test]
    fn decode_failures_name_the_json_path() {
        let body = br#"{"accounts":[{"account_id":"a","balances":{"available":null,
            "current":"lots","limit":null,"iso_currency_code":"USD",
            "unofficial_currency_code":null},"mask":null,"name":"n","official_name":null,
            "type":"depository","subtype":"checking"}],
            "item":{},"request_id":"reqABC"}"#;
        let error =
            decode_body::<AccountsGetResponse>("/accounts/get", 200, body, None, &[]).unwrap_err();
        match &error {
            Error::Decode {
                endpoint,
                status,
                path,
                message,
                request_id,
            } => {
                assert_eq!(endpoint, "/accounts/get");
                assert_eq!(*status, 200);
                assert_eq!(path, "$.accounts[0].balances.current");
                assert!(message.contains("lots"), "{message}");
                assert_eq!(request_id.as_deref(), Some("reqABC"));
            }
            other => panic!("expected Decode, got {other:?}"),
        }
        assert_eq!(error.request_id(), Some("reqABC"));

        let missing =
            decode_body::<RequestIdResponse>("/item/remove", 200, b"{}", None, &[]).unwrap_err();
        assert!(
            matches!(&missing, Error::Decode { path, .. } if path == "$"),
            "{missing:?}"
        );
        assert!(missing.to_string().contains("request_id"));

        let trailing = decode_body::<RequestIdResponse>(
            "/item/remove",
            200,
            br#"{"request_id":"r"} x"#,
            None,
            &[],
        );
        assert!(matches!(trailing, Err(Error::Decode { .. })));
    }

    #[test]
    fn non_json_error_bodies_keep_the_status() {
        let html = b"<html>\n<head><title>502 Bad Gateway</title></head>\n</html>";
        let error = error_from_body("/item/get", 502, html, Some("text/html"), &[]);
        match &error {
            Error::UnexpectedResponse {
                status,
                content_type,
                snippet,
                ..
            } => {
                assert_eq!(*status, 502);
                assert_eq!(content_type.as_deref(), Some("text/html"));
                assert_eq!(
                    snippet,
                    "<html> <head><title>502 Bad Gateway</title></head> </html>"
                );
            }
            other => panic!("expected UnexpectedResponse, got {other:?}"),
        }
        assert!(error.to_string().contains("HTTP 502"), "{error}");
        assert!(error.is_retryable(), "a gateway error is worth another try");

        let empty = error_from_body("/item/get", 503, b"", None, &[]);
        assert!(empty.to_string().contains("(empty body)"), "{empty}");
        assert!(empty.is_retryable());

        let long = "x".repeat(1000);
        let error = error_from_body("/item/get", 500, long.as_bytes(), None, &[]);
        assert!(error.to_string().len() < 400);
    }

    #[test]
    fn plaid_error_bodies_become_api_errors() {
        let body = br#"{"error_type":"ITEM_ERROR","error_code":"ITEM_LOGIN_REQUIRED",
            "error_message":"the login details of this item have changed",
            "display_message":null,"request_id":"HNTDNrA8F1shFEW","suggested_action":null,
            "documentation_url":"https://plaid.com/docs/errors/item/#item_login_required"}"#;
        let error = error_from_body("/accounts/get", 400, body, Some("application/json"), &[]);
        assert!(error.is_item_login_required());
        assert_eq!(error.status(), Some(400));
        assert_eq!(error.request_id(), Some("HNTDNrA8F1shFEW"));
        assert!(!error.is_retryable());

        let not_plaid = error_from_body("/accounts/get", 503, br#"{"message":"busy"}"#, None, &[]);
        assert!(
            matches!(not_plaid, Error::Decode { status: 503, .. }),
            "{not_plaid:?}"
        );
    }

    /// Debug of every type that holds a token, and every error variant as the client builds it.
    #[tokio::test]
    async fn nothing_prints_a_token_or_the_secret() {
        const TOKEN: &str = "access-sandbox-redaction-0001";
        const SECRET: &str = "plaid-secret-redaction-0002";
        let token = Secret::new(TOKEN);
        let credentials = Credentials::new("client", SECRET);
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        let client = PlaidClient::new(&url, credentials.clone())
            .unwrap()
            .with_retry(RetryPolicy::none());
        let secrets = [SECRET, TOKEN];

        let ids = vec!["acc".to_owned()];
        let txns = [SandboxTransaction {
            date_transacted: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            date_posted: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            amount: rust_decimal::Decimal::ONE,
            description: "d".into(),
            iso_currency_code: None,
        }];
        let exchange: ItemPublicTokenExchangeResponse = serde_json::from_value(
            serde_json::json!({"access_token": TOKEN, "item_id": "i", "request_id": "r"}),
        )
        .unwrap();
        let link = LinkTokenCreateRequest {
            access_token: Some(token.clone()),
            ..Default::default()
        };
        let sync = TransactionsSyncRequest::new(&token)
            .with_cursor("c")
            .with_count(5);
        let mut debug: Vec<String> = Vec::new();
        macro_rules! both {
            ($value:expr) => {{
                let value = $value;
                debug.push(format!("{value:?}"));
                debug.push(format!("{value:#?}"));
            }};
        }
        both!(&token);
        both!(&credentials);
        both!(&client);
        both!(&exchange);
        both!(&link);
        both!(&sync);
        both!(AccessTokenRequest {
            access_token: &token
        });
        both!(AccountsRequest {
            access_token: &token,
            options: Some(AccountsRequestOptions { account_ids: &ids }),
        });
        both!(FireWebhookRequest {
            access_token: &token,
            webhook_code: "DEFAULT_UPDATE",
            webhook_type: None,
        });
        both!(SandboxTransactionsCreateRequest {
            access_token: &token,
            transactions: &txns
        });

        let errors = [
            client.item_get(&token).await.unwrap_err(),
            error_from_body(
                "/item/get",
                400,
                format!(
                    r#"{{"error_type":"INVALID_INPUT","error_code":"INVALID_ACCESS_TOKEN",
                        "error_message":"no {TOKEN}","display_message":"{SECRET}","request_id":"r"}}"#
                )
                .as_bytes(),
                None,
                &secrets,
            ),
            error_from_body("/item/get", 502, format!("<p>{TOKEN}</p>").as_bytes(), None, &secrets),
            decode_body::<SandboxItemResetLoginResponse>(
                "/sandbox/item/reset_login",
                200,
                format!(r#"{{"reset_login":"{TOKEN}","request_id":"r"}}"#).as_bytes(),
                None,
                &secrets,
            )
            .unwrap_err(),
            PlaidClient::new("https://sandbox.plaid.com", Credentials::new("c", format!("{SECRET}\n")))
                .unwrap_err(),
        ];
        assert!(
            matches!(errors[0], Error::Transport { connect: true, .. }),
            "{:?}",
            errors[0]
        );
        assert!(matches!(errors[1], Error::Api { .. }));
        assert!(matches!(errors[2], Error::UnexpectedResponse { .. }));
        assert!(matches!(errors[3], Error::Decode { .. }));
        assert!(matches!(errors[4], Error::InvalidConfig(_)));
        for error in &errors {
            debug.push(error.to_string());
            both!(error);
        }
        for text in &debug {
            assert!(
                !text.contains(TOKEN) && !text.contains(SECRET),
                "leak: {text}"
            );
        }
    }

    #[test]
    fn server_text_is_scrubbed_of_secrets() {
        let secrets = ["plaid-secret-777", "access-sandbox-888"];
        let body = br#"{"error_type":"INVALID_INPUT","error_code":"INVALID_ACCESS_TOKEN",
            "error_message":"bad token access-sandbox-888 with secret plaid-secret-777",
            "display_message":"access-sandbox-888","request_id":"r"}"#;
        let error = error_from_body("/item/get", 400, body, None, &secrets);
        let html = error_from_body(
            "/item/get",
            502,
            b"<p>echo access-sandbox-888</p>",
            None,
            &secrets,
        );
        let decode = decode_body::<SandboxItemResetLoginResponse>(
            "/sandbox/item/reset_login",
            200,
            br#"{"reset_login":"plaid-secret-777","request_id":"r"}"#,
            None,
            &secrets,
        )
        .unwrap_err();
        for error in [error, html, decode] {
            let text = format!("{error} {error:?} {error:#?}");
            for secret in secrets {
                assert!(!text.contains(secret), "{text}");
            }
        }
    }
}
