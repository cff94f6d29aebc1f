//! [`PlaidClient`]: one method per endpoint, and the loop that sends a call, retries it
//! ([`retry`]) and decodes the answer ([`decode`]); the environments and base URLs are in
//! [`environment`].

mod decode;
mod environment;
mod retry;

use self::decode::{decode_body, error_from_body, transport_error};
pub use self::environment::Environment;
pub(crate) use self::environment::normalize_base_url;
use self::retry::{Call, parse_retry_after, should_retry};
pub use self::retry::{MAX_RATE_LIMIT_WAIT, RetryPolicy};

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::field::Empty;

use crate::error::{Error, Result};
use crate::secret::{Credentials, Secret};
use crate::types::*;

/// The Plaid Link script. It must be loaded from Plaid's CDN (never bundled or self-hosted).
pub const LINK_SCRIPT_URL: &str = "https://cdn.plaid.com/link/v2/stable/link-initialize.js";

/// The API version this crate speaks, sent as the `Plaid-Version` header.
pub const PLAID_VERSION: &str = "2020-09-14";

/// The `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("coffer/", env!("CARGO_PKG_VERSION"));

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
    // Endpoints (docs/ARCHITECTURE.md, "Plaid")

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

#[cfg(test)]
mod tests {
    use super::*;

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
