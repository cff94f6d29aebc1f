//! Webhook delivery, signed as Plaid signs them.
//!
//! What is sent (bodies in the shapes of the spec's webhook schemas, `environment: "sandbox"`):
//!
//! | when | `webhook_type` `webhook_code` |
//! | --- | --- |
//! | an Item is created (Link or `/sandbox/public_token/create`), with `transactions` | `TRANSACTIONS` `SYNC_UPDATES_AVAILABLE` (initial done), then again (historical done); such an Item skips `NOT_READY`, so its data is there when the webhook says so |
//! | `/transactions/refresh` or `/sandbox/transactions/create` adds transactions | `TRANSACTIONS` `SYNC_UPDATES_AVAILABLE` |
//! | `/sandbox/item/reset_login`, or the 30-day Sandbox login lapses (seen at the next call) | `ITEM` `ERROR` with `ITEM_LOGIN_REQUIRED` (once per error) |
//! | update mode through Link repairs an Item in error | `ITEM` `LOGIN_REPAIRED` |
//! | a consent-based Item (OAuth, UK/EU) is within 7 days of its consent expiry | `ITEM` `PENDING_EXPIRATION` (UK/EU) or `PENDING_DISCONNECT` `INSTITUTION_TOKEN_EXPIRATION` (US/CA) |
//! | `/sandbox/item/fire_webhook` | `DEFAULT_UPDATE`, `SYNC_UPDATES_AVAILABLE`, `NEW_ACCOUNTS_AVAILABLE`, `LOGIN_REPAIRED`, `ERROR`, `USER_PERMISSION_REVOKED`, `USER_ACCOUNT_REVOKED`, `PENDING_DISCONNECT` |
//!
//! Each is recorded in `/item/get`'s `status.last_webhook` when sent (whatever the receiver
//! does, as at Plaid); delivery results are in [`crate::Sandbox::webhook_deliveries`].
//!
//! Handlers decide *what* to send while they hold the state (the URL and the bodies, built
//! here) and hand it to `Webhooks::send` after releasing it; a spawned task then POSTs each
//! body, so no API call ever waits for a receiver.
//!
//! - **Signature**: a `Plaid-Verification` header holding a compact JWS, ES256 over P-256,
//!   header `{"alg":"ES256","kid":…,"typ":"JWT"}`, claims `{"iat":…,"request_body_sha256":…}`
//!   (hex SHA-256 of the exact body bytes, which are 2-space indented JSON as Plaid's). The
//!   public key is served by `/webhook_verification_key/get` as Plaid's JWK. The key is made
//!   when the sandbox starts and lives in memory only: nothing secret goes into the state
//!   file, and a restart rotates the key, which a receiver's key cache must survive anyway.
//! - **Retries** ([`RetryPolicy`], Plaid's by default): an attempt fails on a non-2xx status
//!   or no answer within 10 s; the next one follows after 30 s, then 4 times the previous
//!   delay, while the schedule stays within 24 hours (7 attempts). Then the sandbox gives up.
//! - **Where**: only loopback URLs (`localhost`, `127.0.0.0/8`, `::1`) and hosts the user
//!   allowed ([`crate::SandboxConfig::webhook_allow`]); redirects are not followed. Other URLs
//!   are recorded as refused and not contacted (the API call still answers as Plaid's would).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::clock::Clock;

/// When to try a webhook again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Delay before the second attempt.
    pub first_delay: Duration,
    /// Each later delay is the previous one times this.
    pub factor: u32,
    /// No attempt is scheduled later than this after the first.
    pub window: Duration,
    /// An attempt without an answer within this long has failed.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    /// Plaid's: 30 s, ×4, for up to 24 hours; 10 s per attempt.
    fn default() -> Self {
        RetryPolicy {
            first_delay: Duration::from_secs(30),
            factor: 4,
            window: Duration::from_secs(24 * 3600),
            timeout: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Delays before the second, third, … attempt.
    pub fn delays(&self) -> Vec<Duration> {
        let mut out = Vec::new();
        let mut delay = self.first_delay;
        let mut at = Duration::ZERO;
        while !delay.is_zero() && at + delay <= self.window {
            at += delay;
            out.push(delay);
            delay = delay.saturating_mul(self.factor.max(1));
            if self.factor <= 1 && out.len() >= 64 {
                break;
            }
        }
        out
    }
}

/// What became of one webhook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "detail")]
pub enum Outcome {
    /// Attempts are still to come.
    Pending,
    /// A 2xx answer.
    Delivered,
    /// Every scheduled attempt failed.
    GaveUp,
    /// Not sent: the URL is neither loopback nor allowed, or is no URL.
    Refused(String),
}

/// One webhook the sandbox sent (or refused to send).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub url: String,
    pub item_id: String,
    pub webhook_type: String,
    pub webhook_code: String,
    /// The exact bytes sent (UTF-8 JSON).
    pub body: String,
    pub attempts: u32,
    /// Status or transport error of the last attempt.
    pub last_error: Option<String>,
    pub outcome: Outcome,
}

/// The sandbox's webhook signing key (ES256).
pub(crate) struct WebhookKey {
    signing: SigningKey,
    kid: String,
    created_at: i64,
}

impl std::fmt::Debug for WebhookKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl WebhookKey {
    /// A fresh key, created at `now`.
    pub fn generate(now: DateTime<Utc>) -> Self {
        WebhookKey {
            signing: SigningKey::random(&mut rand::rngs::OsRng),
            kid: uuid::Uuid::new_v4().to_string(),
            created_at: now.timestamp(),
        }
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Plaid's `JWKPublicKey` for this key.
    pub fn jwk(&self) -> Value {
        let point = self.signing.verifying_key().to_encoded_point(false);
        let coord = |c: Option<&p256::FieldBytes>| c.map(|b| URL_SAFE_NO_PAD.encode(b));
        json!({
            "alg": "ES256",
            "crv": "P-256",
            "kid": self.kid,
            "kty": "EC",
            "use": "sig",
            "x": coord(point.x()),
            "y": coord(point.y()),
            "created_at": self.created_at,
            "expired_at": null,
        })
    }

    /// The `Plaid-Verification` JWT for `body`, issued at `iat` (Unix seconds).
    pub fn sign(&self, body: &[u8], iat: i64) -> String {
        let header = json!({"alg": "ES256", "kid": self.kid, "typ": "JWT"});
        let claims = json!({
            "iat": iat,
            "request_body_sha256": hex(&Sha256::digest(body)),
        });
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature: Signature = self.signing.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Webhook delivery of one sandbox.
pub(crate) struct Webhooks {
    pub key: WebhookKey,
    policy: RetryPolicy,
    allow: Vec<String>,
    clock: Clock,
    http: reqwest::Client,
    log: Mutex<Vec<Delivery>>,
    stop: watch::Receiver<bool>,
}

impl std::fmt::Debug for Webhooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhooks")
            .field("key", &self.key)
            .field("policy", &self.policy)
            .field("allow", &self.allow)
            .finish_non_exhaustive()
    }
}

impl Webhooks {
    pub fn new(
        policy: RetryPolicy,
        allow: Vec<String>,
        clock: Clock,
        stop: watch::Receiver<bool>,
    ) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(policy.timeout)
            .user_agent("Plaid Verifier")
            .build()
            .unwrap_or_default();
        Webhooks {
            key: WebhookKey::generate(clock.now()),
            policy,
            allow: allow.into_iter().map(|h| h.to_ascii_lowercase()).collect(),
            clock,
            http,
            log: Mutex::new(Vec::new()),
            stop,
        }
    }

    /// Every webhook so far, in the order they were sent.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Why `url` is not delivered to, or `None` when it is.
    fn refusal(&self, url: &str) -> Option<String> {
        let Ok(parsed) = reqwest::Url::parse(url) else {
            return Some("not a URL".into());
        };
        if !matches!(parsed.scheme(), "http" | "https") {
            return Some(format!("scheme {} is not http(s)", parsed.scheme()));
        }
        let loopback = match parsed.host() {
            Some(url::Host::Domain(d)) => {
                let d = d.to_ascii_lowercase();
                d == "localhost" || d.ends_with(".localhost") || self.allow.contains(&d)
            }
            Some(url::Host::Ipv4(ip)) => ip.is_loopback() || self.allow.contains(&ip.to_string()),
            Some(url::Host::Ipv6(ip)) => {
                ip.is_loopback() || self.allow.contains(&format!("[{ip}]"))
            }
            None => false,
        };
        (!loopback).then(|| {
            "host is neither loopback nor allowed (plaid-sandbox --webhook-allow HOST)".into()
        })
    }

    /// Sends `bodies` to `url` in order, from a spawned task; returns at once.
    pub fn send(self: &Arc<Self>, url: &str, bodies: Vec<Value>) {
        if bodies.is_empty() {
            return;
        }
        let refusal = self.refusal(url);
        let first;
        {
            let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
            first = log.len();
            for body in &bodies {
                let text = |k: &str| body[k].as_str().unwrap_or_default().to_string();
                log.push(Delivery {
                    url: url.to_string(),
                    item_id: text("item_id"),
                    webhook_type: text("webhook_type"),
                    webhook_code: text("webhook_code"),
                    body: serde_json::to_string_pretty(body).unwrap_or_default(),
                    attempts: 0,
                    last_error: None,
                    outcome: match &refusal {
                        Some(r) => Outcome::Refused(r.clone()),
                        None => Outcome::Pending,
                    },
                });
            }
        }
        if let Some(reason) = refusal {
            tracing::warn!(url, "webhook not delivered: {reason}");
            return;
        }
        let this = self.clone();
        let url = url.to_string();
        let count = bodies.len();
        tokio::spawn(async move {
            for k in first..first + count {
                if !this.deliver(k, &url).await {
                    break;
                }
            }
        });
    }

    fn update(&self, k: usize, f: impl FnOnce(&mut Delivery)) {
        if let Some(d) = self
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(k)
        {
            f(d);
        }
    }

    /// Delivers log entry `k` with retries; false when the sandbox stopped meanwhile.
    async fn deliver(&self, k: usize, url: &str) -> bool {
        let Some(body) = self
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(k)
            .map(|d| d.body.clone())
        else {
            return true;
        };
        let mut delays = self.policy.delays().into_iter();
        let mut stop = self.stop.clone();
        loop {
            let jwt = self.key.sign(body.as_bytes(), self.clock.now().timestamp());
            let result = self
                .http
                .post(url)
                .header("Content-Type", "application/json")
                .header("Plaid-Verification", jwt)
                .body(body.clone())
                .send()
                .await;
            let error = match result {
                Ok(r) if r.status().is_success() => None,
                Ok(r) => Some(format!("status {}", r.status().as_u16())),
                Err(e) => Some(e.to_string()),
            };
            let Some(error) = error else {
                self.update(k, |d| {
                    d.attempts += 1;
                    d.last_error = None;
                    d.outcome = Outcome::Delivered;
                });
                return true;
            };
            let next = delays.next();
            self.update(k, |d| {
                d.attempts += 1;
                d.last_error = Some(error.clone());
                if next.is_none() {
                    d.outcome = Outcome::GaveUp;
                }
            });
            let Some(delay) = next else {
                tracing::warn!(url, "webhook given up after retries: {error}");
                return true;
            };
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = stop.changed() => return false,
            }
        }
    }
}

/// Webhook bodies, in the shapes of the spec's webhook schemas (`environment: "sandbox"`).
pub(crate) mod body {
    use serde_json::{Value, json};

    /// `TRANSACTIONS` `SYNC_UPDATES_AVAILABLE` (`SyncUpdatesAvailableWebhook`).
    pub fn sync_updates_available(item_id: &str, initial: bool, historical: bool) -> Value {
        json!({
            "webhook_type": "TRANSACTIONS",
            "webhook_code": "SYNC_UPDATES_AVAILABLE",
            "item_id": item_id,
            "initial_update_complete": initial,
            "historical_update_complete": historical,
            "environment": "sandbox",
        })
    }

    /// `TRANSACTIONS` `DEFAULT_UPDATE` (`DefaultUpdateWebhook`).
    pub fn default_update(item_id: &str, new_transactions: u64) -> Value {
        json!({
            "webhook_type": "TRANSACTIONS",
            "webhook_code": "DEFAULT_UPDATE",
            "item_id": item_id,
            "error": null,
            "new_transactions": new_transactions,
            "environment": "sandbox",
        })
    }

    /// `ITEM` `ERROR` (`ItemErrorWebhook`), `error` a `PlaidError` with `status`.
    pub fn item_error(item_id: &str, error: Value) -> Value {
        json!({
            "webhook_type": "ITEM",
            "webhook_code": "ERROR",
            "item_id": item_id,
            "error": error,
            "environment": "sandbox",
        })
    }

    /// `ITEM` `LOGIN_REPAIRED` (`ItemLoginRepairedWebhook`).
    pub fn login_repaired(item_id: &str) -> Value {
        json!({
            "webhook_type": "ITEM",
            "webhook_code": "LOGIN_REPAIRED",
            "item_id": item_id,
            "environment": "sandbox",
        })
    }

    /// `ITEM` `NEW_ACCOUNTS_AVAILABLE` (`NewAccountsAvailableWebhook`).
    pub fn new_accounts_available(item_id: &str) -> Value {
        json!({
            "webhook_type": "ITEM",
            "webhook_code": "NEW_ACCOUNTS_AVAILABLE",
            "item_id": item_id,
            "error": null,
            "environment": "sandbox",
        })
    }

    /// `ITEM` `PENDING_EXPIRATION` (`PendingExpirationWebhook`; UK/EU consent).
    pub fn pending_expiration(item_id: &str, consent_expiration_time: &str) -> Value {
        json!({
            "webhook_type": "ITEM",
            "webhook_code": "PENDING_EXPIRATION",
            "item_id": item_id,
            "consent_expiration_time": consent_expiration_time,
            "environment": "sandbox",
        })
    }

    /// `ITEM` `PENDING_DISCONNECT` (`PendingDisconnectWebhook`; US/CA consent).
    pub fn pending_disconnect(item_id: &str, reason: &str, disconnect_time: &str) -> Value {
        json!({
            "webhook_type": "ITEM",
            "webhook_code": "PENDING_DISCONNECT",
            "item_id": item_id,
            "reason": reason,
            "disconnect_time": disconnect_time,
            "environment": "sandbox",
        })
    }

    /// `ITEM` `USER_PERMISSION_REVOKED` (`UserPermissionRevokedWebhook`).
    pub fn user_permission_revoked(item_id: &str, error: Value) -> Value {
        json!({
            "webhook_type": "ITEM",
            "webhook_code": "USER_PERMISSION_REVOKED",
            "item_id": item_id,
            "error": error,
            "environment": "sandbox",
        })
    }

    /// `ITEM` `USER_ACCOUNT_REVOKED` (`UserAccountRevokedWebhook`).
    pub fn user_account_revoked(item_id: &str, account_id: &str) -> Value {
        json!({
            "webhook_type": "ITEM",
            "webhook_code": "USER_ACCOUNT_REVOKED",
            "item_id": item_id,
            "account_id": account_id,
            "environment": "sandbox",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::VerifyingKey;
    use p256::ecdsa::signature::Verifier;

    #[test]
    fn plaid_retry_schedule() {
        let delays: Vec<u64> = RetryPolicy::default()
            .delays()
            .iter()
            .map(Duration::as_secs)
            .collect();
        assert_eq!(delays, [30, 120, 480, 1920, 7680, 30720]);
    }

    #[test]
    fn jwt_verifies_with_the_jwk() {
        let key = WebhookKey::generate(Utc::now());
        let body = br#"{"a": 1}"#;
        let jwt = key.sign(body, 1_700_000_000);
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let claims: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("b64")).expect("json");
        assert_eq!(claims["iat"], 1_700_000_000);
        assert_eq!(claims["request_body_sha256"], hex(&Sha256::digest(body)));
        let jwk = key.jwk();
        let coord = |k: &str| URL_SAFE_NO_PAD.decode(jwk[k].as_str().expect(k)).expect(k);
        let mut sec1 = vec![4u8];
        sec1.extend(coord("x"));
        sec1.extend(coord("y"));
        let vk = VerifyingKey::from_sec1_bytes(&sec1).expect("point");
        let sig =
            Signature::from_slice(&URL_SAFE_NO_PAD.decode(parts[2]).expect("b64")).expect("sig");
        let input = format!("{}.{}", parts[0], parts[1]);
        assert!(vk.verify(input.as_bytes(), &sig).is_ok());
        assert!(vk.verify(b"other", &sig).is_err());
    }
}
