//! `coffer-cli serve` over real HTTP: a real server process in offline mode on a fresh data
//! directory, its Link stand-in for public tokens, and every answer checked against the OpenAPI
//! document the server itself serves.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use coffer_spec::Spec;
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use super::Home;

/// Shaped like a public token (the core's check passes) but never issued: Plaid refuses it.
pub(crate) const UNKNOWN_PUBLIC_TOKEN: &str = "public-sandbox-never-issued";

/// A running `coffer-cli serve`.
pub(crate) struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The embedded offline sandbox (for the Link stand-in and faults).
    pub plaid: String,
    pub token: String,
    pub http: reqwest::Client,
    pub doc: Spec,
    /// Everything the server wrote on stderr (its log).
    pub log: std::sync::Arc<std::sync::Mutex<String>>,
}

/// One answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Server {
    /// Creates a token, then starts the server on a free port with `extra` arguments.
    pub async fn start(home: &Home, extra: &[&str]) -> Server {
        Self::start_with_env(home, extra, &[]).await
    }

    /// [`Server::start`] with these environment variables set for the server.
    pub async fn start_with_env(home: &Home, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let token = home.json(&["serve", "token", "create", "--name", "tests"])["token"]
            .as_str()
            .expect("token")
            .to_string();
        let mut args = vec!["serve", "--bind", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut cmd = home.cmd(&args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn coffer-cli serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read stdout");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line: {line:?}"))
            .to_string();
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut plaid = None;
        let mut err_line = String::new();
        while plaid.is_none() && stderr.read_line(&mut err_line).expect("stderr") > 0 {
            plaid = err_line
                .split("Plaid at ")
                .nth(1)
                .and_then(|rest| rest.split(';').next())
                .map(str::to_string);
            err_line.clear();
        }
        // Keep reading stderr (the log) so the server never blocks on a full pipe.
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut line = String::new();
            while stderr.read_line(&mut line).is_ok_and(|n| n > 0) {
                sink.lock().expect("log").push_str(&line);
                line.clear();
            }
        });
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");
        let doc: Value = http
            .get(format!("{url}/api/openapi.json"))
            .send()
            .await
            .expect("openapi")
            .json()
            .await
            .expect("openapi json");
        Server {
            child,
            url,
            plaid: plaid.expect("the server names its Plaid"),
            token,
            http,
            doc: Spec::from_value(doc).expect("an OpenAPI document"),
            log,
        }
    }

    /// A request with the token; `template` is the route as the document names it.
    pub async fn call(
        &self,
        method: Method,
        template: &str,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.url))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let answer = answer(req.send().await.expect("send")).await;
        self.conforms(method.as_str(), template, &answer);
        answer
    }

    pub async fn get(&self, path: &str) -> Answer {
        let template = path.split('?').next().unwrap_or(path).to_string();
        self.call(Method::GET, &template, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, path, Some(body)).await
    }

    /// The answer is one the document describes for this operation.
    pub fn conforms(&self, method: &str, template: &str, a: &Answer) {
        if let Err(v) = self
            .doc
            .check_response_of(method, template, a.status, &a.body)
        {
            panic!(
                "{method} {template} answered outside the document:\n{v}\nbody: {}",
                a.body
            );
        }
    }

    /// Runs the offline Link stand-in for `link_token` like a person clicking through it.
    pub async fn link_session(&self, link_token: &str, accounts: &[&str]) -> Value {
        self.http
            .post(format!("{}/_link/sessions", self.plaid))
            .json(&json!({
                "link_token": link_token,
                "institution_id": "ins_109508",
                "username": "user_good",
                "password": "pass_good",
                "account_ids": accounts,
                "status": "success"
            }))
            .send()
            .await
            .expect("link session")
            .json()
            .await
            .expect("session json")
    }

    pub async fn fault(&self, spec: Value) {
        let r = self
            .http
            .post(format!("{}/_faults", self.plaid))
            .json(&spec)
            .send()
            .await
            .expect("fault");
        assert!(
            r.status().is_success(),
            "fault refused: {}",
            r.text().await.unwrap_or_default()
        );
    }

    pub async fn clear_faults(&self) {
        let r = self
            .http
            .delete(format!("{}/_faults", self.plaid))
            .send()
            .await
            .expect("faults");
        assert!(r.status().is_success());
    }

    /// SIGTERM; the server must stop by itself.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(killed.success());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the server did not stop within 10 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) async fn answer(r: reqwest::Response) -> Answer {
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let bytes = r.bytes().await.expect("body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "status {status}: body is not JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
            )
        })
    };
    Answer {
        status,
        headers,
        body,
    }
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn account_ids(session: &Value) -> Vec<String> {
    session["metadata"]["accounts"]
        .as_array()
        .unwrap_or_else(|| panic!("no accounts in {session}"))
        .iter()
        .map(|a| a["id"].as_str().expect("id").to_string())
        .collect()
}

/// Syncs until Plaid's data is ready (the sandbox prepares a new item's history first).
pub(crate) async fn sync_until_updated(s: &Server) -> Value {
    for _ in 0..10 {
        let a = s.post("/api/v1/banking/sync", json!({})).await;
        assert_eq!(a.status, 200, "{}", a.body);
        if a.body["reports"]
            .as_array()
            .is_some_and(|r| r.iter().all(|r| r["status"] == "UPDATED"))
        {
            return a.body;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    panic!("sync never UPDATED");
}

#[test]
fn dialect_v1_links_syncs_lists_and_removes() {
    runtime().block_on(async {
        let home = Home::new();
        let s = Server::start(&home, &[]).await;

        let path = "/api/v1/banking/link-token";
        let first = s.call(Method::POST, path, path, None).await;
        assert_eq!(first.status, 200, "{}", first.body);
        let link_token = first.body["link_token"].as_str().expect("link_token");
        assert!(link_token.starts_with("link-sandbox-"), "{link_token}");
        assert!(first.body["expiration"].is_string());
        // An empty body and `{ "use_cache": true }`: the unused token comes back.
        let cached = s
            .post("/api/v1/banking/link-token", json!({ "use_cache": true }))
            .await;
        assert_eq!(cached.body["link_token"], link_token);
        let fresh = s
            .post("/api/v1/banking/link-token", json!({ "use_cache": false }))
            .await;
        assert_ne!(fresh.body["link_token"], link_token);

        let session = s.link_session(link_token, &[]).await;
        let all = account_ids(&session);
        assert!(
            all.len() >= 3,
            "First Platypus Bank has several accounts: {all:?}"
        );
        let chosen = &all[..2];
        let exchanged = s
            .post(
                "/api/v1/banking/exchange",
                json!({
                    "public_token": session["public_token"],
                    "institution_id": "ins_109508",
                    "institution_name": "First Platypus Bank",
                    "account_ids": chosen,
                }),
            )
            .await;
        assert_eq!(exchanged.status, 200, "{}", exchanged.body);
        let link_id = exchanged.body["link_id"].as_i64().expect("link_id");

        let links = s.get("/api/v1/banking/links").await;
        let link = &links.body["links"][0];
        assert_eq!(link["id"], link_id);
        assert_eq!(link["institution_name"], "First Platypus Bank");
        assert_eq!(link["health"], "HEALTHY");
        let listed: Vec<&str> = link["accounts"]
            .as_array()
            .expect("accounts")
            .iter()
            .map(|a| a["account_id"].as_str().expect("account_id"))
            .collect();
        assert_eq!(listed, chosen, "exactly the chosen accounts");
        let accounts = s.get("/api/v1/banking/accounts").await;
        assert_eq!(accounts.body["accounts"].as_array().map(Vec::len), Some(2));
        assert!(
            accounts.body["accounts"][0]["balance"]["current"].is_string(),
            "{}",
            accounts.body
        );

        let synced = sync_until_updated(&s).await;
        assert_eq!(synced["reports"][0]["link_id"], link_id);

        let page = s.get("/api/v1/banking/transactions?limit=5").await;
        let total = page.body["total"].as_u64().expect("total");
        assert!(total > 5, "{}", page.body);
        assert_eq!(page.body["transactions"].as_array().map(Vec::len), Some(5));
        // The same rows the CLI lists from the same data directory (one core underneath).
        let cli = home.json(&["transactions", "--limit", "5"]);
        let ids = |rows: &Value, key: &str| -> Vec<String> {
            rows.as_array()
                .expect("rows")
                .iter()
                .map(|r| r[key].as_str().expect("id").to_string())
                .collect()
        };
        assert_eq!(
            ids(&page.body["transactions"], "transaction_id"),
            ids(&cli["rows"], "transactionId")
        );
        // Filters narrow.
        let one = s
            .get(&format!(
                "/api/v1/banking/transactions?account_ids={}&limit=1000",
                chosen[0]
            ))
            .await;
        let in_one = one.body["total"].as_u64().expect("total");
        assert!(in_one > 0 && in_one < total, "{in_one} of {total}");
        assert!(
            one.body["transactions"]
                .as_array()
                .expect("rows")
                .iter()
                .all(|t| t["account_id"] == chosen[0].as_str())
        );
        let name = page.body["transactions"][0]["name"].as_str().expect("name");
        let term: String = name.chars().take(5).collect();
        // Percent-encoded: a name such as "PG&E WEB ONLINE" must not end the query at `&`.
        let encoded: String = term
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let searched = s
            .get(&format!(
                "/api/v1/banking/transactions?search={encoded}&limit=1000"
            ))
            .await;
        let found = searched.body["total"].as_u64().expect("total");
        assert!(found >= 1 && found <= total);
        let dated = s.get("/api/v1/banking/transactions?from=2999-01-01").await;
        assert_eq!(dated.body["total"], 0);
        let bad = s.get("/api/v1/banking/transactions?limit=0").await;
        assert_eq!(
            (bad.status, bad.body["code"].as_str()),
            (400, Some("INVALID_INPUT"))
        );
        let bad = s.get("/api/v1/banking/transactions?from=yesterday").await;
        assert_eq!(
            (bad.status, bad.body["code"].as_str()),
            (400, Some("INVALID_INPUT"))
        );

        // Plaid refuses a public token that does not exist: 502 with Plaid's fields.
        let refused = s
            .post(
                "/api/v1/banking/exchange",
                json!({ "public_token": UNKNOWN_PUBLIC_TOKEN, "account_ids": ["x"] }),
            )
            .await;
        assert_eq!(refused.status, 502, "{}", refused.body);
        assert_eq!(refused.body["code"], "PLAID");
        assert_eq!(refused.body["error"], "failed to exchange token");
        assert_eq!(refused.body["plaid_error_code"], "INVALID_PUBLIC_TOKEN");
        assert!(
            refused.body["plaid_error_message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "Plaid's reason: {}",
            refused.body
        );
        assert!(
            refused.body["remedy"]
                .as_str()
                .is_some_and(|r| r.contains("Link the bank again")),
            "what to do: {}",
            refused.body
        );
        assert!(refused.body["request_id"].is_string(), "{}", refused.body);

        let path = format!("/api/v1/banking/links/{link_id}");
        let removed = s
            .call(Method::DELETE, "/api/v1/banking/links/{id}", &path, None)
            .await;
        assert_eq!(removed.status, 204, "{}", removed.body);
        assert_eq!(
            s.get("/api/v1/banking/links").await.body["links"],
            json!([])
        );
        assert_eq!(s.get("/api/v1/banking/transactions").await.body["total"], 0);
        let again = s
            .call(Method::DELETE, "/api/v1/banking/links/{id}", &path, None)
            .await;
        assert_eq!(
            (again.status, again.body["code"].as_str()),
            (404, Some("LINK_NOT_FOUND"))
        );
        let not_an_id = s
            .call(
                Method::DELETE,
                "/api/v1/banking/links/{id}",
                "/api/v1/banking/links/abc",
                None,
            )
            .await;
        assert_eq!(not_an_id.status, 400, "{}", not_an_id.body);
        // The keychain entry went with the link.
        let status = home.json(&["status"]);
        assert_eq!(status["links"], 0, "{status}");

        let stopped = s.terminate();
        assert!(
            stopped.success(),
            "SIGTERM ends the server cleanly: {stopped}"
        );
    });
}

#[test]
fn dialect_monetr_with_its_errors() {
    runtime().block_on(async {
        let home = Home::new();
        let set = home.run(&["settings", "set", "--link-limit", "1"]);
        assert!(set.status.success());
        let s = Server::start(&home, &[]).await;
        let token_new = "/api/plaid/token/new";
        let callback = "/api/plaid/token/callback";

        // Plaid fails link token creation (retries included): monetr's 500.
        s.fault(json!({ "path": "/link/token/create", "error_code": "INTERNAL_SERVER_ERROR" })).await;
        let failed = s.get(&format!("{token_new}?use_cache=false")).await;
        assert_eq!((failed.status, &failed.body), (500, &json!({ "error": "failed to create link token" })));
        s.clear_faults().await;

        let made = s.get(&format!("{token_new}?use_cache=true")).await;
        assert_eq!(made.status, 200, "{}", made.body);
        let link_token = made.body["linkToken"].as_str().expect("linkToken").to_string();
        let again = s.get(&format!("{token_new}?use_cache=true")).await;
        assert_eq!(again.body["linkToken"], link_token.as_str(), "use_cache hands back the unused token");
        let session = s.link_session(&link_token, &[]).await;
        let accounts = account_ids(&session);

        let exact = |a: &Answer, status: u16, message: &str| {
            assert_eq!((a.status, &a.body), (status, &json!({ "error": message })));
        };
        let no_token = s
            .post(callback, json!({ "publicToken": "", "institutionId": "ins_109508", "institutionName": "First Platypus Bank", "accountIds": accounts }))
            .await;
        exact(&no_token, 400, "must provide a public token");
        let no_accounts = s
            .post(callback, json!({ "publicToken": session["public_token"], "institutionId": "ins_109508", "institutionName": "First Platypus Bank", "accountIds": [] }))
            .await;
        exact(&no_accounts, 400, "must select at least one account");
        let unknown = s
            .post(callback, json!({ "publicToken": UNKNOWN_PUBLIC_TOKEN, "accountIds": accounts }))
            .await;
        exact(&unknown, 500, "failed to exchange token");

        let linked = s
            .post(callback, json!({ "publicToken": session["public_token"], "institutionId": "ins_109508", "institutionName": "First Platypus Bank", "accountIds": accounts }))
            .await;
        assert_eq!(linked.status, 200, "{}", linked.body);
        let link_id = linked.body["linkId"].as_i64().expect("linkId");
        let links = s.get("/api/v1/banking/links").await;
        assert_eq!(links.body["links"][0]["id"], link_id);
        // The same public token again: the same link (idempotent), not a second one.
        let repeat = s
            .post(callback, json!({ "publicToken": session["public_token"], "institutionId": "ins_109508", "institutionName": "First Platypus Bank", "accountIds": accounts }))
            .await;
        assert_eq!(repeat.body["linkId"], link_id);

        // The limit of one link is reached.
        let limited = s.get(token_new).await;
        exact(&limited, 400, "max number of Plaid links already reached");
        let v1 = s.post("/api/v1/banking/link-token", json!({})).await;
        assert_eq!((v1.status, v1.body["code"].as_str()), (400, Some("LINK_LIMIT_REACHED")));
        // A malformed body in monetr's dialect is monetr's 400 too.
        let malformed = s
            .http
            .post(format!("{}{callback}", s.url))
            .bearer_auth(&s.token)
            .header("content-type", "application/json")
            .body("{\"publicToken\":")
            .send()
            .await
            .expect("send");
        let malformed = answer(malformed).await;
        s.conforms("post", callback, &malformed);
        assert_eq!(malformed.status, 400);
        assert!(malformed.body["error"].is_string() && malformed.body.get("code").is_none(), "{}", malformed.body);
    });
}

#[test]
fn tokens_host_cors_and_bodies_are_checked() {
    runtime().block_on(async {
        let home = Home::new();
        let s = Server::start(&home, &["--allow-origin", "http://localhost:3000"]).await;
        let links = format!("{}/api/v1/banking/links", s.url);

        // No token, a wrong one, a revoked one.
        let none = answer(s.http.get(&links).send().await.expect("send")).await;
        s.conforms("get", "/api/v1/banking/links", &none);
        assert_eq!(
            (none.status, none.body["code"].as_str()),
            (401, Some("UNAUTHORIZED"))
        );
        assert_eq!(none.headers["www-authenticate"], r#"Bearer realm="coffer""#);
        let wrong = answer(
            s.http
                .get(&links)
                .bearer_auth("coffer_nope")
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!(wrong.status, 401);
        assert_eq!(
            wrong.headers["www-authenticate"],
            r#"Bearer realm="coffer", error="invalid_token""#
        );
        let basic = answer(
            s.http
                .get(&links)
                .basic_auth("u", Some(&s.token))
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!(basic.status, 401, "only the Bearer scheme");
        let second = home.json(&["serve", "token", "create", "--name", "second"]);
        let second_token = second["token"].as_str().expect("token");
        let ok = answer(
            s.http
                .get(&links)
                .bearer_auth(second_token)
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!(ok.status, 200);
        let revoked = home.json(&["serve", "token", "revoke", &second["id"].to_string()]);
        assert!(revoked["revokedAt"].is_string(), "{revoked}");
        let after = answer(
            s.http
                .get(&links)
                .bearer_auth(second_token)
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!(after.status, 401, "a revoked token stops working at once");
        assert_eq!(
            s.get("/api/v1/banking/links").await.status,
            200,
            "the other token still works"
        );
        let (_, err) = home.json_err(&["serve", "token", "revoke", &second["id"].to_string()]);
        assert_eq!(err["code"], "INVALID_INPUT");
        // Only hashes are stored: no file of the data directory holds a token.
        let listed = home.json(&["serve", "token", "list"]);
        assert_eq!(listed.as_array().map(Vec::len), Some(2));
        assert!(!listed.to_string().contains(&s.token));
        for (path, bytes) in super::many::files_under(home.path()) {
            for t in [s.token.as_bytes(), second_token.as_bytes()] {
                assert!(
                    !bytes.windows(t.len()).any(|w| w == t),
                    "a token in {}",
                    path.display()
                );
            }
        }

        // DNS rebinding: a foreign Host is refused even with a good token; localhost is fine.
        let foreign = answer(
            s.http
                .get(&links)
                .bearer_auth(&s.token)
                .header("host", "evil.example")
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!(
            (foreign.status, foreign.body["code"].as_str()),
            (403, Some("HOST_NOT_ALLOWED"))
        );
        let port = s.url.rsplit(':').next().expect("port");
        let local = answer(
            s.http
                .get(&links)
                .bearer_auth(&s.token)
                .header("host", format!("localhost:{port}"))
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!(local.status, 200);

        // CORS: the allowed origin only.
        let preflight = |origin: &'static str| {
            s.http
                .request(
                    Method::OPTIONS,
                    format!("{}/api/v1/banking/link-token", s.url),
                )
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header(
                    "access-control-request-headers",
                    "authorization,content-type",
                )
                .send()
        };
        let allowed = preflight("http://localhost:3000").await.expect("preflight");
        assert_eq!(
            allowed.headers()["access-control-allow-origin"],
            "http://localhost:3000"
        );
        let denied = preflight("http://evil.example").await.expect("preflight");
        assert!(
            denied
                .headers()
                .get("access-control-allow-origin")
                .is_none()
        );
        let simple = s
            .http
            .get(&links)
            .bearer_auth(&s.token)
            .header("origin", "http://localhost:3000")
            .send()
            .await
            .expect("send");
        assert_eq!(
            simple.headers()["access-control-allow-origin"],
            "http://localhost:3000"
        );

        // Bodies: too large, malformed, not JSON, unknown fields; routes and methods.
        let send = |body: Vec<u8>, content_type: &'static str| {
            s.http
                .post(format!("{}/api/v1/banking/exchange", s.url))
                .bearer_auth(&s.token)
                .header("content-type", content_type)
                .body(body)
                .send()
        };
        let cases: [(Vec<u8>, &str, u16, &str); 4] = [
            (
                vec![b' '; 70 * 1024],
                "application/json",
                413,
                "PAYLOAD_TOO_LARGE",
            ),
            (
                b"{\"public_token\": ".to_vec(),
                "application/json",
                400,
                "INVALID_JSON",
            ),
            (
                b"public_token=x".to_vec(),
                "application/x-www-form-urlencoded",
                415,
                "UNSUPPORTED_MEDIA_TYPE",
            ),
            (
                b"{\"public_token\": \"public-x\", \"extra\": 1}".to_vec(),
                "application/json",
                400,
                "INVALID_JSON",
            ),
        ];
        for (body, content_type, status, code) in cases {
            let a = answer(send(body, content_type).await.expect("send")).await;
            s.conforms("post", "/api/v1/banking/exchange", &a);
            assert_eq!(
                (a.status, a.body["code"].as_str()),
                (status, Some(code)),
                "{}",
                a.body
            );
        }
        // serde reads a struct from an array: `[]` used to pass as "no options" on the routes
        // whose body is optional. The document allows only an object (or nothing).
        for route in ["link-token", "sync", "exchange"] {
            for body in ["[]", "[true]", "null", "1", "\"x\""] {
                let a = answer(
                    s.http
                        .post(format!("{}/api/v1/banking/{route}", s.url))
                        .bearer_auth(&s.token)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .expect("send"),
                )
                .await;
                s.conforms("post", &format!("/api/v1/banking/{route}"), &a);
                assert_eq!(
                    (a.status, a.body["code"].as_str()),
                    (400, Some("INVALID_JSON")),
                    "{route} {body}: {}",
                    a.body
                );
            }
        }
        let quoted = answer(
            send(
                b"{\"account_ids\": \"public-sandbox-secretish\"}".to_vec(),
                "application/json",
            )
            .await
            .expect("send"),
        )
        .await;
        assert!(
            !quoted.body.to_string().contains("secretish"),
            "values are not echoed: {}",
            quoted.body
        );
        // The log has a line per request and no token.
        let log = s.log.lock().expect("log").clone();
        assert!(log.contains("GET /api/v1/banking/links 401"), "{log}");
        assert!(
            !log.contains(&s.token) && !log.contains(second_token),
            "a token in the log"
        );
        let missing = answer(
            s.http
                .get(format!("{}/api/v2/nothing", s.url))
                .bearer_auth(&s.token)
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!(
            (missing.status, missing.body["code"].as_str()),
            (404, Some("NOT_FOUND"))
        );
        let method = answer(
            s.http
                .put(&links)
                .bearer_auth(&s.token)
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!(
            (method.status, method.body["code"].as_str()),
            (405, Some("METHOD_NOT_ALLOWED"))
        );
    });
}

#[test]
fn a_second_sync_while_one_runs_is_409() {
    runtime().block_on(async {
        let home = Home::new();
        assert!(
            home.run(&["link", "--sandbox", "ins_109508"])
                .status
                .success()
        );
        let s = Server::start(&home, &[]).await;
        s.fault(json!({ "path": "/transactions/sync", "delay_ms": 1500, "times": 1 }))
            .await;
        // The second request goes once the first holds its link's sync lock.
        let lock = home
            .path()
            .join("offline")
            .join("locks")
            .join("sync-1.lock");
        let (first, second) = tokio::join!(s.post("/api/v1/banking/sync", json!({})), async {
            until("the first sync to start", || is_locked(&lock)).await;
            s.post("/api/v1/banking/sync", json!({})).await
        });
        assert_eq!(first.status, 200, "{}", first.body);
        assert_eq!(
            (second.status, second.body["code"].as_str()),
            (409, Some("SYNC_RUNNING"))
        );
        let unknown = s
            .post("/api/v1/banking/sync", json!({ "link_id": 99 }))
            .await;
        assert_eq!(
            (unknown.status, unknown.body["code"].as_str()),
            (404, Some("LINK_NOT_FOUND"))
        );
    });
}

#[test]
fn only_loopback_and_real_origins() {
    let home = Home::new();
    for (args, needle) in [
        (vec!["serve", "--bind", "0.0.0.0:0"], "loopback"),
        (vec!["serve", "--bind", "192.168.1.10:8750"], "loopback"),
        (
            vec!["serve", "--bind", "127.0.0.1:0", "--allow-origin", "*"],
            "--allow-origin",
        ),
        (
            vec![
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--allow-origin",
                "http://localhost:3000/app",
            ],
            "--allow-origin",
        ),
    ] {
        let (stderr, err) = home.json_err(&args);
        assert_eq!(err["code"], "INVALID_INPUT", "{args:?}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

/// The committed `crates/cli/openapi.json` is what the code generates and what the server
/// serves (`COFFER_WRITE_OPENAPI=1` rewrites it).
#[test]
fn openapi_document_is_committed_and_served() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let generated = coffer_cli::serve::openapi::document();
    let text = serde_json::to_string_pretty(&generated).expect("json") + "\n";
    if std::env::var_os("COFFER_WRITE_OPENAPI").is_some() {
        std::fs::write(&path, &text).expect("write openapi.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "crates/cli/openapi.json differs from the generated document; regenerate it with \
         COFFER_WRITE_OPENAPI=1 cargo test -p coffer-cli --test cli openapi"
    );
    runtime().block_on(async {
        let home = Home::new();
        let s = Server::start(&home, &[]).await;
        assert_eq!(
            s.doc.document(),
            &generated,
            "the server serves the generated document"
        );
        let paths: Vec<&String> = generated["paths"]
            .as_object()
            .expect("paths")
            .keys()
            .collect();
        assert_eq!(paths.len(), 25, "every route is documented: {paths:?}");
    });
}

/// A bank whose consent ends within 7 days: `GET links` says `reconnect_before`, in the shape
/// the document gives it.
#[test]
fn links_say_when_to_reconnect_before_a_consent_ends() {
    runtime().block_on(async {
        let home = Home::new();
        // Linked by the CLI on the same data directory (the sandbox's Quokka Savings: 5 days).
        home.json(&["link", "--sandbox", "ins_900002"]);
        home.json(&["link", "--sandbox", "ins_109508"]);
        let s = Server::start(&home, &[]).await;
        let a = s.get("/api/v1/banking/links").await;
        assert_eq!(a.status, 200, "{}", a.body);
        let links = a.body["links"].as_array().expect("links");
        let soon = links
            .iter()
            .find(|l| l["institution_id"] == "ins_900002")
            .expect("Quokka");
        let day = soon["reconnect_before"].as_str().expect("reconnect_before");
        let expected = (chrono::Utc::now() + chrono::Duration::days(5)).date_naive();
        assert_eq!(day, expected.to_string(), "{soon}");
        assert!(soon["consent_expires_at"].is_string(), "{soon}");
        let plain = links
            .iter()
            .find(|l| l["institution_id"] == "ins_109508")
            .expect("Platypus");
        assert!(
            plain["reconnect_before"].is_null() && plain["consent_expires_at"].is_null(),
            "{plain}"
        );
    });
}

/// With the keychain unavailable, what needs it answers 503 with the documented error body
/// (`{ "error", "code": "KEYCHAIN_UNAVAILABLE" }`), changes nothing, and what does not need it
/// still works. The server's D-Bus session address leads nowhere, so the Secret Service cannot
/// be reached.
#[test]
fn without_a_keychain_the_api_answers_503() {
    runtime().block_on(async {
        let home = Home::new();
        let id = home.json(&["link", "--sandbox", "ins_109508"])["id"]
            .as_i64()
            .expect("link id");
        let no_bus = [(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/coffer-test-bus",
        )];
        let s = Server::start_with_env(&home, &[], &no_bus).await;

        let links = s.get("/api/v1/banking/links").await;
        assert_eq!(links.status, 200, "{}", links.body);
        assert_eq!(links.body["links"][0]["id"], id);

        let error_code_and_remedy = |a: &Answer| {
            assert_eq!(
                (a.status, a.body["code"].as_str()),
                (503, Some("KEYCHAIN_UNAVAILABLE")),
                "{}",
                a.body
            );
            assert!(
                a.body["error"].as_str().is_some_and(|e| !e.is_empty()),
                "{}",
                a.body
            );
            assert!(
                a.body["remedy"]
                    .as_str()
                    .is_some_and(|r| r.contains("keychain")),
                "says what to do: {}",
                a.body
            );
            let mut keys: Vec<&String> = a.body.as_object().expect("object").keys().collect();
            keys.sort();
            assert_eq!(
                keys,
                ["code", "error", "remedy"],
                "no Plaid fields: {}",
                a.body
            );
        };
        let synced = s
            .post("/api/v1/banking/sync", json!({ "link_id": id }))
            .await;
        error_code_and_remedy(&synced);
        let path = format!("/api/v1/banking/links/{id}");
        let removed = s
            .call(Method::DELETE, "/api/v1/banking/links/{id}", &path, None)
            .await;
        error_code_and_remedy(&removed);
        let still = s.get("/api/v1/banking/links").await;
        assert_eq!(
            still.body["links"][0]["id"], id,
            "the refused removal removed nothing"
        );
        drop(s);

        // The same requests with the keychain back: the link was left intact.
        let s = Server::start(&home, &[]).await;
        let synced = s
            .post("/api/v1/banking/sync", json!({ "link_id": id }))
            .await;
        assert_eq!(synced.status, 200, "{}", synced.body);
        assert_eq!(
            synced.body["reports"][0]["status"], "UPDATED",
            "{}",
            synced.body
        );
    });
}

/// SIGTERM while a sync is in flight (Plaid's `/transactions/sync` held back by the sandbox):
/// the server refuses new connections at once, the sync still gets its real answer, and then
/// the process exits 0.
#[test]
fn sigterm_lets_the_request_in_flight_finish() {
    runtime().block_on(async {
        let home = Home::new();
        let id = home.json(&["link", "--sandbox", "ins_109508"])["id"]
            .as_i64()
            .expect("link id");
        let mut s = Server::start(&home, &[]).await;
        s.fault(json!({ "path": "/transactions/sync", "delay_ms": 4000, "times": 1 }))
            .await;

        let request = s
            .http
            .post(format!("{}/api/v1/banking/sync", s.url))
            .bearer_auth(&s.token)
            .json(&json!({ "link_id": id }))
            .send();
        let in_flight =
            tokio::spawn(async move { answer(request.await.expect("an answer")).await });
        // A running sync holds its link's lock (a file lock other processes wait on).
        let lock = home
            .path()
            .join("offline")
            .join("locks")
            .join(format!("sync-{id}.lock"));
        until("the sync to start", || is_locked(&lock)).await;
        assert!(!in_flight.is_finished());

        let pid = s.child.id().to_string();
        let killed = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(killed.success());
        let addr = s.url.trim_start_matches("http://").to_string();
        until("new connections to be refused", || {
            std::net::TcpStream::connect(&addr)
                .is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionRefused)
        })
        .await;
        assert!(
            !in_flight.is_finished(),
            "connections were refused only once the sync had finished"
        );
        assert!(
            s.child.try_wait().expect("wait").is_none(),
            "the server exited with a request in flight"
        );

        let done = in_flight.await.expect("request task");
        s.conforms("post", "/api/v1/banking/sync", &done);
        assert_eq!(done.status, 200, "{}", done.body);
        let report = &done.body["reports"][0];
        assert_eq!(
            (&report["link_id"], &report["status"]),
            (&json!(id), &json!("UPDATED")),
            "{report}"
        );
        let added = report["added"].as_u64().expect("added");
        assert!(added > 0, "{report}");

        let mut exit = None;
        until("the server to exit", || {
            exit = s.child.try_wait().expect("wait");
            exit.is_some()
        })
        .await;
        assert_eq!(exit.and_then(|e| e.code()), Some(0), "{exit:?}");
        // The answer's rows were committed before the exit.
        assert_eq!(home.json(&["transactions"])["total"].as_u64(), Some(added));
    });
}

/// Polls `done` every 20 ms, for at most 20 s.
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "waited 20 s for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Whether another process holds the lock on `path`.
fn is_locked(path: &std::path::Path) -> bool {
    match std::fs::File::open(path) {
        Ok(file) => matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
        Err(_) => false,
    }
}
