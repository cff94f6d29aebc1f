//! Shared helpers: a raw-HTTP Plaid caller that checks every answer against the official spec.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use coffer_sandbox::{Clock, Sandbox, SandboxConfig};
use coffer_spec::Spec;
use serde_json::{Value, json};

pub const CLIENT_ID: &str = "test-client";
pub const SECRET: &str = "test-secret";

pub fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-03-10T15:00:00Z")
        .map(|d| d.with_timezone(&Utc))
        .expect("date")
}

pub fn manual_config(history: usize) -> SandboxConfig {
    SandboxConfig {
        history,
        clock: Clock::manual(start_time()),
        seed: 0x00C0_FFEE,
        ..SandboxConfig::default()
    }
}

pub async fn start(config: SandboxConfig) -> (Sandbox, Api) {
    let sandbox = Sandbox::start("127.0.0.1:0".parse().expect("addr"), config)
        .await
        .expect("start");
    let api = Api::new(&sandbox.url());
    (sandbox, api)
}

/// Raw HTTP caller.
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
}

impl Api {
    pub fn new(base: &str) -> Self {
        Api {
            http: reqwest::Client::new(),
            base: base.to_string(),
        }
    }

    /// POST with credentials in headers; asserts the answer matches the spec (strictly for 200).
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .header("PLAID-CLIENT-ID", CLIENT_ID)
            .header("PLAID-SECRET", SECRET)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.expect("json body");
        check_spec(path, status, &body);
        (status, body)
    }

    /// POST expecting 200.
    pub async fn ok(&self, path: &str, body: Value) -> Value {
        let (status, out) = self.post(path, body).await;
        assert_eq!(status, 200, "{path} failed: {out}");
        out
    }

    /// POST expecting an error; returns `(status, error_code, body)`.
    pub async fn err(&self, path: &str, body: Value) -> (u16, String, Value) {
        let (status, out) = self.post(path, body).await;
        assert_ne!(status, 200, "{path} unexpectedly succeeded: {out}");
        (
            status,
            out["error_code"].as_str().unwrap_or_default().to_string(),
            out,
        )
    }

    /// An Item through `/sandbox/public_token/create` + exchange: `(access_token, item_id)`.
    pub async fn item(&self, username: &str) -> (String, String) {
        let pt = self
            .ok(
                "/sandbox/public_token/create",
                json!({"institution_id": "ins_109508", "initial_products": ["transactions"],
                       "options": {"override_username": username, "override_password": "pass_good"}}),
            )
            .await;
        let ex = self
            .ok(
                "/item/public_token/exchange",
                json!({"public_token": pt["public_token"]}),
            )
            .await;
        (
            ex["access_token"].as_str().expect("at").to_string(),
            ex["item_id"].as_str().expect("id").to_string(),
        )
    }

    /// Reads `/transactions/sync` from `cursor` until `has_more` is false.
    pub async fn sync_all(&self, access_token: &str, cursor: &str, count: u32) -> SyncResult {
        let mut out = SyncResult {
            cursor: cursor.to_string(),
            ..SyncResult::default()
        };
        loop {
            let page = self
                .ok(
                    "/transactions/sync",
                    json!({"access_token": access_token, "cursor": out.cursor, "count": count}),
                )
                .await;
            out.pages += 1;
            out.statuses.push(
                page["transactions_update_status"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
            for t in page["added"].as_array().expect("added") {
                out.added.push(t.clone());
            }
            for t in page["modified"].as_array().expect("modified") {
                out.modified.push(t.clone());
            }
            for r in page["removed"].as_array().expect("removed") {
                out.removed
                    .push(r["transaction_id"].as_str().unwrap_or_default().to_string());
            }
            assert!(page["added"].as_array().map(Vec::len).unwrap_or(0) <= count as usize);
            out.cursor = page["next_cursor"].as_str().expect("cursor").to_string();
            assert!(out.cursor.len() <= 256);
            if !page["has_more"].as_bool().expect("has_more") {
                return out;
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct SyncResult {
    pub added: Vec<Value>,
    pub modified: Vec<Value>,
    pub removed: Vec<String>,
    pub cursor: String,
    pub pages: usize,
    pub statuses: Vec<String>,
}

/// Checks an answer against the current API (strictly for a 200) and the official copy.
pub fn check_spec(path: &str, status: u16, body: &Value) {
    let spec = Spec::current();
    let result = if spec.operation(path).is_none() {
        spec.check_schema("PlaidError", body)
    } else if status == 200 {
        spec.check_response_strict(path, status, body)
            .and_then(|()| Spec::official().check_response(path, status, body))
    } else {
        spec.check_response(path, status, body)
    };
    if let Err(v) = result {
        panic!("spec violation: {v}\nbody: {body}");
    }
    assert_eq!(
        body["request_id"].as_str().map(str::len),
        Some(15),
        "request_id in {body}"
    );
}

/// Link with the `/_link/sessions` stand-in: returns the session's JSON answer.
pub async fn link_session(api: &Api, link_token: &str, body: Value) -> (u16, Value) {
    let mut req = json!({"link_token": link_token, "institution_id": "ins_109508",
                         "username": "user_good", "password": "pass_good", "status": "success"});
    if let (Some(r), Some(b)) = (req.as_object_mut(), body.as_object()) {
        for (k, v) in b {
            r.insert(k.clone(), v.clone());
        }
    }
    let resp = api
        .http
        .post(format!("{}/_link/sessions", api.base))
        .json(&req)
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json"))
}

pub fn link_token_request() -> Value {
    json!({"client_name": "Coffer", "language": "en", "country_codes": ["US"],
           "user": {"client_user_id": "user-1"}, "products": ["transactions"]})
}
