//! The offline Link stand-in (coffer-sandbox's `link-initialize.js`, its overlay and Hosted
//! Link) driven in a real engine: WebKitGTK's MiniBrowser over WebDriver, under Xvfb. A test
//! page on another loopback origin loads the script by URL as an app would (under a strict
//! CSP) and records every callback. One browser session runs every case in turn.
//!
//! Screenshots of each view (light, dark, and 400x700) go to `target/link-screenshots/`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use coffer_core::{CreateLinkTokenInput, HostedLinkState, LinkStatus};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::{CLIENT_ID, Env, SECRET, exchange_input, start};
use coffer_webdriver::Browser;
use coffer_webdriver::link::{choose, login, pick, view};

const ESCAPE: &str = "\u{E00C}";
const FRAME: &str = "iframe[src*='/link/frame']";

const APP_JS: &str = r#"(function () {
  'use strict';
  var p = new URLSearchParams(location.search);
  window.__calls = [];
  function rec(kind, args) {
    window.__calls.push({ kind: kind, args: args });
    document.getElementById('calls').textContent += JSON.stringify({ kind: kind, args: args }) + '\n';
  }
  window.__handler = window.Plaid.create({
    token: p.get('token'),
    onSuccess: function (t, m) { rec('success', [t, m]); },
    onExit: function (e, m) { rec('exit', [e, m]); },
    onEvent: function (n, m) { rec('event', [n, m]); },
    onLoad: function () { rec('load', []); }
  });
  document.getElementById('open').addEventListener('click', function () { window.__handler.open(); });
  if (p.get('open') === '1') window.__handler.open();
})();
"#;

/// A tiny app page server on its own loopback origin.
struct AppServer {
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for AppServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn app_server(sandbox: String) -> AppServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let sandbox = sandbox.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut n = 0;
                while n < buf.len() {
                    match sock.read(&mut buf[n..]).await {
                        Ok(0) | Err(_) => break,
                        Ok(k) => n += k,
                    }
                    if buf[..n].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
                let head = String::from_utf8_lossy(&buf[..n]);
                let path = head.split_whitespace().nth(1).unwrap_or("/");
                let (ctype, body) = if path.starts_with("/app.js") {
                    ("text/javascript", APP_JS.to_string())
                } else if path.starts_with("/app") {
                    (
                        "text/html; charset=utf-8",
                        format!(
                            "<!doctype html><html lang=en><head><meta charset=utf-8><title>Test app</title>\
                             <script src=\"{sandbox}/link/v2/stable/link-initialize.js\"></script>\
                             <script src=\"/app.js\" defer></script></head><body>\
                             <h1>Test app</h1><button id=open type=button>Open Link</button>\
                             <pre id=calls></pre></body></html>"
                        ),
                    )
                } else {
                    ("text/plain", "not found".to_string())
                };
                let csp = format!(
                    "default-src 'none'; script-src 'self' {sandbox}; frame-src {sandbox}; style-src 'self'"
                );
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Security-Policy: {csp}\r\n\
                     Cache-Control: no-store\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    AppServer { url, task }
}

/// Plaid API call with credentials (for what coffer-core does not expose).
async fn plaid(env: &Env, path: &str, body: Value) -> Value {
    let r = env
        .http
        .post(format!("{}{path}", env.sandbox.url()))
        .header("PLAID-CLIENT-ID", CLIENT_ID)
        .header("PLAID-SECRET", SECRET)
        .json(&body)
        .send()
        .await
        .expect("plaid call");
    let status = r.status();
    let v: Value = r.json().await.expect("json");
    assert!(status.is_success(), "{path} -> {status}: {v}");
    v
}

async fn new_token(env: &Env, extra: Value) -> String {
    let mut body = json!({"client_name": "Coffer Test", "language": "en", "country_codes": ["US"],
                          "user": {"client_user_id": "u1"}, "products": ["transactions"]});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    plaid(env, "/link/token/create", body).await["link_token"]
        .as_str()
        .expect("token")
        .to_string()
}

/// The recorded callbacks of the test page.
async fn calls(b: &Browser) -> Vec<Value> {
    b.js("return window.__calls || []", json!([]))
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Waits for the final callback (`success` or `exit`) and returns `(kind, args, all calls)`.
async fn outcome(b: &Browser) -> (String, Vec<Value>, Vec<Value>) {
    b.top().await;
    b.wait(
        "onSuccess or onExit",
        "return (window.__calls||[]).some(function(c){return c.kind==='success'||c.kind==='exit'})",
    )
    .await;
    // Events are delivered right after the final callback.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let all = calls(b).await;
    let last = all
        .iter()
        .find(|c| c["kind"] == "success" || c["kind"] == "exit")
        .expect("final");
    (
        last["kind"].as_str().unwrap_or_default().to_string(),
        last["args"].as_array().cloned().unwrap_or_default(),
        all,
    )
}

fn events_of(all: &[Value]) -> Vec<(String, Value)> {
    all.iter()
        .filter(|c| c["kind"] == "event")
        .map(|c| {
            (
                c["args"][0].as_str().unwrap_or_default().to_string(),
                c["args"][1].clone(),
            )
        })
        .collect()
}

fn names(events: &[(String, Value)]) -> Vec<&str> {
    events.iter().map(|(n, _)| n.as_str()).collect()
}

/// Opens the test app for a token and enters the Link frame once it is shown.
async fn open(b: &Browser, app: &AppServer, token: &str) {
    b.top().await;
    b.goto(&format!("{}/app?token={token}&open=1", app.url))
        .await;
    b.wait(
        "the overlay",
        &format!(
            "var f=document.querySelector(\"{FRAME}\"); return f && f.style.display==='block'"
        ),
    )
    .await;
    b.enter_frame(FRAME).await;
    b.wait(
        "the consent view",
        "return document.querySelector('.view-consent')",
    )
    .await;
}

/// The session `/link/token/get` holds for `session_id`.
async fn session(env: &Env, token: &str, session_id: &str) -> Value {
    let got = plaid(env, "/link/token/get", json!({"link_token": token})).await;
    got["link_sessions"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["link_session_id"] == session_id))
        .cloned()
        .unwrap_or_else(|| panic!("no session {session_id} in {got}"))
}

const EVENT_KEYS: &[&str] = &[
    "account_number_mask",
    "error_type",
    "error_code",
    "error_message",
    "exit_status",
    "institution_id",
    "institution_name",
    "institution_search_query",
    "is_update_mode",
    "match_reason",
    "routing_number",
    "mfa_type",
    "view_name",
    "request_id",
    "link_session_id",
    "timestamp",
    "selection",
    "brand_name",
];

/// onEvent's events equal `/link/token/get`'s, each with Plaid's metadata keys.
async fn check_events(env: &Env, token: &str, session_id: &str, all: &[Value]) {
    let seen = events_of(all);
    assert!(!seen.is_empty());
    for (name, md) in &seen {
        for k in EVENT_KEYS {
            assert!(md.get(*k).is_some(), "{name} lacks {k}: {md}");
        }
        assert_eq!(md["link_session_id"], session_id, "{name}");
        assert!(
            chrono::DateTime::parse_from_rfc3339(md["timestamp"].as_str().unwrap_or_default())
                .is_ok(),
            "{md}"
        );
    }
    let s = session(env, token, session_id).await;
    let stored: Vec<(String, Value)> = s["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            assert!(e["event_id"].is_string() && e["timestamp"].is_string());
            (
                e["event_name"].as_str().unwrap_or_default().to_string(),
                e["event_metadata"].clone(),
            )
        })
        .collect();
    assert_eq!(seen, stored, "onEvent vs /link/token/get");
}

/// onSuccess metadata exactly as CONTRACT §4.
fn check_success_shape(public_token: &Value, md: &Value) -> String {
    let pt = public_token.as_str().expect("public token");
    assert!(pt.starts_with("public-sandbox-"), "{pt}");
    let keys: Vec<&str> = md
        .as_object()
        .expect("md")
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = vec![
        "accounts",
        "institution",
        "link_session_id",
        "transfer_status",
    ];
    want.sort();
    let mut got = keys.clone();
    got.sort();
    assert_eq!(got, want, "{md}");
    let ins = md["institution"].as_object().expect("institution");
    assert!(ins["name"].is_string() && ins["institution_id"].is_string());
    assert_eq!(ins.len(), 2);
    for a in md["accounts"].as_array().expect("accounts") {
        let mut k: Vec<&str> = a
            .as_object()
            .expect("account")
            .keys()
            .map(String::as_str)
            .collect();
        k.sort();
        assert_eq!(
            k,
            [
                "class_type",
                "id",
                "mask",
                "name",
                "subtype",
                "type",
                "verification_status"
            ]
        );
        assert_eq!(a["id"].as_str().map(str::len), Some(37));
    }
    let sid = md["link_session_id"].as_str().expect("session id");
    assert!(uuid::Uuid::parse_str(sid).is_ok(), "{sid}");
    assert!(md["transfer_status"].is_null());
    sid.to_string()
}

/// onExit arguments as CONTRACT §4; returns the session id.
fn check_exit_shape(error: &Value, md: &Value, status: Option<&str>, code: Option<&str>) -> String {
    match code {
        None => assert!(error.is_null(), "error: {error}"),
        Some(c) => {
            assert_eq!(error["error_code"], c, "{error}");
            let mut k: Vec<&str> = error
                .as_object()
                .expect("error")
                .keys()
                .map(String::as_str)
                .collect();
            k.sort();
            assert_eq!(
                k,
                [
                    "display_message",
                    "error_code",
                    "error_message",
                    "error_type"
                ]
            );
            assert!(error["error_type"].is_string() && error["error_message"].is_string());
        }
    }
    let mut k: Vec<&str> = md
        .as_object()
        .expect("md")
        .keys()
        .map(String::as_str)
        .collect();
    k.sort();
    assert_eq!(
        k,
        ["institution", "link_session_id", "request_id", "status"],
        "{md}"
    );
    assert_eq!(md["status"].as_str(), status, "{md}");
    md["link_session_id"]
        .as_str()
        .expect("session id")
        .to_string()
}

async fn exit_case(b: &Browser, env: &Env, token: &str, status: Option<&str>, code: Option<&str>) {
    let (kind, args, all) = outcome(b).await;
    assert_eq!(kind, "exit", "{all:?}");
    let sid = check_exit_shape(&args[0], &args[1], status, code);
    let s = session(env, token, &sid).await;
    assert_eq!(s["exit"]["metadata"]["status"].as_str(), status);
    assert!(s["results"].is_null());
    check_events(env, token, &sid, &all).await;
    let evs = events_of(&all);
    assert_eq!(names(&evs).last(), Some(&"EXIT"));
    assert_eq!(
        evs.last().map(|e| e.1["exit_status"].clone()),
        Some(json!(status))
    );
}

struct Shots {
    dir: PathBuf,
    suffix: &'static str,
}

impl Shots {
    async fn take(&self, b: &Browser, name: &str) {
        // Let the view settle (fonts, focus ring).
        tokio::time::sleep(Duration::from_millis(120)).await;
        // WebKitWebDriver screenshots the top-level document only from the top-level context.
        let in_frame = b.js("return window.top !== window", json!([])).await == json!(true);
        if in_frame {
            b.top().await;
        }
        b.screenshot(&self.dir.join(format!("{name}-{}.png", self.suffix)))
            .await;
        if in_frame {
            b.enter_frame(FRAME).await;
        }
    }
}

fn shots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("link-screenshots")
}

#[tokio::test]
async fn link_stand_in_in_webkitgtk() {
    let started = Instant::now();
    let env = start("link-ui").await;
    let app = app_server(env.sandbox.url()).await;
    let b = Browser::start(false).await;
    b.set_size(1280, 800).await;
    let home = b.window().await;

    // 1. Success with two accounts; Enter submits; search and pick; exchange through core.
    let token = new_token(&env, json!({})).await;
    open(&b, &app, &token).await;
    let c = calls(&b).await;
    b.top().await;
    let loaded = calls(&b).await;
    assert_eq!(
        loaded.first().map(|c| c["kind"].clone()),
        Some(json!("load")),
        "{c:?}"
    );
    assert_eq!(loaded.iter().filter(|c| c["kind"] == "load").count(), 1);
    b.enter_frame(FRAME).await;
    pick(&b, "first plat", "ins_109508").await;
    login(&b, "user_good", "pass_good").await;
    choose(&b, &["0000", "1111"]).await;
    let (kind, args, all) = outcome(&b).await;
    assert_eq!(kind, "success", "{all:?}");
    let sid = check_success_shape(&args[0], &args[1]);
    let md = &args[1];
    assert_eq!(md["institution"]["institution_id"], "ins_109508");
    let masks: Vec<&str> = md["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .filter_map(|a| a["mask"].as_str())
        .collect();
    assert_eq!(masks, ["0000", "1111"]);
    check_events(&env, &token, &sid, &all).await;
    let evs = events_of(&all);
    let n = names(&evs);
    for want in [
        "OPEN",
        "TRANSITION_VIEW",
        "SEARCH_INSTITUTION",
        "SELECT_INSTITUTION",
        "SUBMIT_CREDENTIALS",
        "HANDOFF",
    ] {
        assert!(n.contains(&want), "{want} missing from {n:?}");
    }
    assert_eq!(n[0], "OPEN");
    let search = evs
        .iter()
        .find(|e| e.0 == "SEARCH_INSTITUTION")
        .expect("search");
    assert_eq!(search.1["institution_search_query"], "first plat");
    let s = session(&env, &token, &sid).await;
    assert_eq!(s["results"]["item_add_results"][0]["public_token"], args[0]);
    let success = json!({"public_token": args[0], "metadata": md});
    let link_id = env
        .coffer
        .exchange_public_token(exchange_input(&success))
        .await
        .expect("exchange")
        .link_id;
    let linked = env.coffer.link_view(link_id).expect("link");
    let mut got: Vec<String> = linked
        .accounts
        .iter()
        .map(|a| a.account_id.clone())
        .collect();
    got.sort();
    let mut want: Vec<String> = md["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| a["id"].as_str().expect("id").to_string())
        .collect();
    want.sort();
    assert_eq!(got, want, "the link has exactly the shared accounts");
    // No overlay left visible after success.
    let shown = b
        .js(
            &format!("var f=document.querySelector(\"{FRAME}\"); return f.style.display"),
            json!([]),
        )
        .await;
    assert_eq!(shown, "none");

    // 2. Each error password class: an error view, then onExit with the full error.
    for (password, code, error_type) in [
        ("error_ITEM_LOCKED", "ITEM_LOCKED", "ITEM_ERROR"),
        (
            "error_INVALID_CREDENTIALS",
            "INVALID_CREDENTIALS",
            "ITEM_ERROR",
        ),
        (
            "error_INSTITUTION_NOT_RESPONDING",
            "INSTITUTION_NOT_RESPONDING",
            "INSTITUTION_ERROR",
        ),
        (
            "error_INTERNAL_SERVER_ERROR",
            "INTERNAL_SERVER_ERROR",
            "API_ERROR",
        ),
        (
            "error_RATE_LIMIT_EXCEEDED",
            "RATE_LIMIT_EXCEEDED",
            "RATE_LIMIT_EXCEEDED",
        ),
        ("error_SOMETHING_NEW", "SOMETHING_NEW", "ITEM_ERROR"),
    ] {
        let token = new_token(&env, json!({})).await;
        open(&b, &app, &token).await;
        pick(&b, "", "ins_109508").await;
        login(&b, "user_good", password).await;
        view(&b, "error").await;
        let code_text = b.text("[data-slot=code]").await;
        assert!(code_text.contains(code), "{code_text}");
        let shown = b.text("[data-slot=text]").await;
        assert!(!shown.is_empty());
        b.click("[data-action=primary]").await;
        exit_case(&b, &env, &token, Some("requires_credentials"), Some(code)).await;
        let (_, args, all) = outcome(&b).await;
        assert_eq!(args[0]["error_type"], error_type);
        if let Some(dm) = args[0]["display_message"].as_str() {
            assert!(shown.contains(dm), "display_message shown: {shown} / {dm}");
        }
        let evs = events_of(&all);
        let err = evs.iter().find(|e| e.0 == "ERROR").expect("ERROR event");
        assert_eq!(err.1["error_code"], code);
    }

    // 3. Wrong credentials, then right ones.
    let token = new_token(&env, json!({})).await;
    open(&b, &app, &token).await;
    pick(&b, "", "ins_109508").await;
    login(&b, "user_good", "wrong").await;
    b.wait(
        "the retry alert",
        "var a=document.querySelector('[data-slot=alert]'); return a && !a.hidden && a.textContent",
    )
    .await;
    login(&b, "user_good", "pass_good").await;
    choose(&b, &["0000"]).await;
    let (kind, _, all) = outcome(&b).await;
    assert_eq!(kind, "success");
    let evs = events_of(&all);
    assert_eq!(
        names(&evs)
            .iter()
            .filter(|n| **n == "SUBMIT_CREDENTIALS")
            .count(),
        2
    );
    assert!(
        evs.iter()
            .any(|e| e.0 == "ERROR" && e.1["error_code"] == "INVALID_CREDENTIALS")
    );

    // 4. A down institution: its state in the list, then INSTITUTION_DOWN.
    let token = new_token(&env, json!({})).await;
    open(&b, &app, &token).await;
    b.click("[data-action=continue]").await;
    view(&b, "select").await;
    b.type_into("#search", "unhealthy").await;
    let tags = b
        .js("return Array.prototype.map.call(document.querySelectorAll('.institution .tag'), function(t){return t.textContent})", json!([]))
        .await;
    assert_eq!(tags, json!(["Slow right now", "Unavailable"]));
    b.click("button[data-institution-id='ins_132361']").await;
    view(&b, "error").await;
    b.click("[data-action=primary]").await;
    exit_case(
        &b,
        &env,
        &token,
        Some("institution_not_supported"),
        Some("INSTITUTION_DOWN"),
    )
    .await;
    let (_, _, all) = outcome(&b).await;
    assert!(names(&events_of(&all)).contains(&"SELECT_DOWN_INSTITUTION"));

    // 5. OAuth in a pop-up: Authorize.
    let token = new_token(&env, json!({})).await;
    open(&b, &app, &token).await;
    pick(&b, "oauth", "ins_127287").await;
    view(&b, "oauth").await;
    b.click("[data-action=continue]").await;
    let popup = b.switch_to_new_window(std::slice::from_ref(&home)).await;
    assert!(b.url().await.contains("/link/oauth"));
    b.click("#authorize").await;
    b.wait_windows(1).await;
    let _ = popup;
    b.switch_window(&home).await;
    b.enter_frame(FRAME).await;
    choose(&b, &["0000", "3333"]).await;
    let (kind, args, all) = outcome(&b).await;
    assert_eq!(kind, "success", "{all:?}");
    assert_eq!(args[1]["institution"]["institution_id"], "ins_127287");
    let sid = check_success_shape(&args[0], &args[1]);
    check_events(&env, &token, &sid, &all).await;
    let n: Vec<String> = names(&events_of(&all))
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(
        n.contains(&"OPEN_OAUTH".into()) && n.contains(&"CLOSE_OAUTH".into()),
        "{n:?}"
    );

    // 6. OAuth: Deny, then exit from the OAuth view.
    let token = new_token(&env, json!({})).await;
    open(&b, &app, &token).await;
    pick(&b, "oauth", "ins_127287").await;
    view(&b, "oauth").await;
    b.click("[data-action=continue]").await;
    b.switch_to_new_window(std::slice::from_ref(&home)).await;
    b.click("#deny").await;
    b.wait_windows(1).await;
    b.switch_window(&home).await;
    b.enter_frame(FRAME).await;
    b.wait("the denied message", "var t=document.querySelector('[data-slot=title]'); return t && /not approved/.test(t.textContent)").await;
    b.click("#close").await;
    view(&b, "exit").await;
    b.click("[data-action=exit]").await;
    exit_case(&b, &env, &token, Some("requires_oauth"), None).await;
    let (_, _, all) = outcome(&b).await;
    assert!(names(&events_of(&all)).contains(&"FAIL_OAUTH"));

    // 7. OAuth with the pop-up blocked (window.open without a user gesture returns null).
    let token = new_token(&env, json!({})).await;
    open(&b, &app, &token).await;
    pick(&b, "oauth", "ins_127287").await;
    view(&b, "oauth").await;
    b.js(
        "document.querySelector('[data-action=continue]').click()",
        json!([]),
    )
    .await;
    b.wait("the pop-up blocked view", "var t=document.querySelector('[data-slot=title]'); return t && t.textContent==='Pop-up blocked'").await;
    assert_eq!(b.handles().await.len(), 1, "no window opened");
    b.click("[data-action=secondary]").await;
    exit_case(&b, &env, &token, Some("requires_oauth"), None).await;

    // 8. Exit from each view, each way.
    //    Consent, close button: at once.
    let token = new_token(&env, json!({})).await;
    open(&b, &app, &token).await;
    b.click("#close").await;
    exit_case(&b, &env, &token, Some("institution_not_found"), None).await;
    //    Institution select, Escape: confirm, then exit.
    let token = new_token(&env, json!({})).await;
    open(&b, &app, &token).await;
    b.click("[data-action=continue]").await;
    view(&b, "select").await;
    b.keys(ESCAPE).await;
    view(&b, "exit").await;
    b.keys(ESCAPE).await; // Escape on the confirmation goes back.
    view(&b, "select").await;
    b.keys(ESCAPE).await;
    view(&b, "exit").await;
    b.click("[data-action=exit]").await;
    exit_case(&b, &env, &token, Some("institution_not_found"), None).await;
    //    Credentials, handler.exit() from the app: confirm, then exit.
    let token = new_token(&env, json!({})).await;
    open(&b, &app, &token).await;
    pick(&b, "", "ins_109508").await;
    view(&b, "credential").await;
    b.top().await;
    b.js("window.__handler.exit()", json!([])).await;
    b.enter_frame(FRAME).await;
    view(&b, "exit").await;
    b.click("[data-action=exit]").await;
    exit_case(&b, &env, &token, Some("requires_credentials"), None).await;
    //    OAuth, exit({force: true}): at once.
    let token = new_token(&env, json!({})).await;
    open(&b, &app, &token).await;
    pick(&b, "", "ins_127287").await;
    view(&b, "oauth").await;
    b.top().await;
    b.js("window.__handler.exit({force: true})", json!([]))
        .await;
    exit_case(&b, &env, &token, Some("requires_oauth"), None).await;
    //    Account selection, close button: confirm, then exit.
    let token = new_token(&env, json!({})).await;
    open(&b, &app, &token).await;
    pick(&b, "", "ins_109508").await;
    login(&b, "user_good", "pass_good").await;
    view(&b, "accounts").await;
    b.click("#close").await;
    view(&b, "exit").await;
    b.click("[data-action=exit]").await;
    exit_case(&b, &env, &token, Some("requires_account_selection"), None).await;
    //    Connected, close button: that is onSuccess.
    let token = new_token(&env, json!({})).await;
    open(&b, &app, &token).await;
    pick(&b, "", "ins_109508").await;
    login(&b, "user_transactions_dynamic", "anything").await;
    view(&b, "accounts").await;
    b.click("input[data-mask='0000']").await;
    b.click("button[type=submit]").await;
    view(&b, "connected").await;
    b.click("#close").await;
    let (kind, _, _) = outcome(&b).await;
    assert_eq!(kind, "success");

    // 9. Update mode repairing a reset-login item.
    let repaired = env.link_bank().await;
    let lt = env
        .coffer
        .create_link_token(CreateLinkTokenInput {
            link_id: Some(repaired),
            ..Default::default()
        })
        .await
        .expect("update token");
    env.coffer
        .sandbox_reset_login(repaired)
        .await
        .expect("reset login");
    open(&b, &app, &lt.link_token).await;
    let title = b.text("[data-slot=title]").await;
    assert!(title.contains("reconnect"), "{title}");
    b.click("[data-action=continue]").await;
    login(&b, "user_good", "pass_good").await;
    view(&b, "connected").await;
    b.click("[data-action=continue]").await;
    let (kind, args, all) = outcome(&b).await;
    assert_eq!(kind, "success", "{all:?}");
    let sid = check_success_shape(&args[0], &args[1]);
    check_events(&env, &lt.link_token, &sid, &all).await;
    assert!(
        events_of(&all)
            .iter()
            .all(|e| e.1["is_update_mode"] == "yes")
    );
    let v = env
        .coffer
        .finish_update(repaired, None)
        .await
        .expect("finish update");
    assert_eq!(v.status, LinkStatus::Active);

    // 10. Update mode with account selection: add an account.
    let tok = env
        .coffer
        .create_link_token(Default::default())
        .await
        .expect("token");
    let two = env
        .post(
            "/_link/sessions",
            json!({"link_token": tok.link_token, "institution_id": "ins_109508", "username": "user_good",
                   "password": "pass_good", "account_ids": ["0000", "1111"]}),
        )
        .await;
    let grown = env
        .coffer
        .exchange_public_token(exchange_input(&two))
        .await
        .expect("exchange")
        .link_id;
    assert_eq!(env.coffer.link_view(grown).expect("v").accounts.len(), 2);
    let lt = env
        .coffer
        .create_link_token(CreateLinkTokenInput {
            link_id: Some(grown),
            account_selection: true,
            ..Default::default()
        })
        .await
        .expect("update+select token");
    open(&b, &app, &lt.link_token).await;
    b.click("[data-action=continue]").await;
    login(&b, "user_good", "pass_good").await;
    view(&b, "accounts").await;
    let pre = b
        .js("return Array.prototype.filter.call(document.querySelectorAll('input[type=checkbox]'), function(c){return c.checked}).map(function(c){return c.value})", json!([]))
        .await;
    assert_eq!(pre, json!(["0000", "1111"]), "shared accounts pre-checked");
    b.click("input[data-mask='2222']").await;
    b.click("button[type=submit]").await;
    view(&b, "connected").await;
    b.click("[data-action=continue]").await;
    let (kind, args, _) = outcome(&b).await;
    assert_eq!(kind, "success");
    check_success_shape(&args[0], &args[1]);
    let ids: Vec<String> = args[1]["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| a["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids.len(), 3);
    let v = env
        .coffer
        .finish_update(grown, Some(ids.clone()))
        .await
        .expect("finish update");
    let mut have: Vec<String> = v.accounts.iter().map(|a| a.account_id.clone()).collect();
    have.sort();
    let mut ids = ids;
    ids.sort();
    assert_eq!(have, ids, "the link now has the three accounts");
    env.sync_ready(grown).await;
    assert_eq!(
        env.stored(grown),
        env.truth(grown),
        "history unchanged by the new account"
    );

    // 11. A bad token: an error view, then INVALID_LINK_TOKEN. An expired one never opens.
    let bad = concat!("link-sandbox-", "00000000-0000-4000-8000-000000000000");
    b.top().await;
    b.goto(&format!("{}/app?token={bad}&open=1", app.url)).await;
    b.wait(
        "the overlay",
        &format!(
            "var f=document.querySelector(\"{FRAME}\"); return f && f.style.display==='block'"
        ),
    )
    .await;
    b.enter_frame(FRAME).await;
    view(&b, "error").await;
    b.keys(ESCAPE).await;
    let (kind, args, all) = outcome(&b).await;
    assert_eq!(kind, "exit");
    check_exit_shape(&args[0], &args[1], None, Some("INVALID_LINK_TOKEN"));
    assert!(all.iter().any(|c| c["kind"] == "load"));
    let expired = new_token(&env, json!({"hosted_link": {"url_lifetime_seconds": 1}})).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    b.goto(&format!("{}/app?token={expired}&open=1", app.url))
        .await;
    let (kind, args, all) = outcome(&b).await;
    assert_eq!(kind, "exit");
    check_exit_shape(&args[0], &args[1], None, Some("INVALID_LINK_TOKEN"));
    assert!(
        !all.iter().any(|c| c["kind"] == "load"),
        "no onLoad: {all:?}"
    );
    b.js("window.__handler.open()", json!([])).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let shown = b
        .js(
            &format!("return document.querySelector(\"{FRAME}\").style.display"),
            json!([]),
        )
        .await;
    assert_eq!(shown, "none", "an expired token does not open");

    // 12. destroy() leaves nothing behind.
    let token = new_token(&env, json!({})).await;
    open(&b, &app, &token).await;
    b.top().await;
    b.js("window.__handler.destroy()", json!([])).await;
    let left = b
        .js("return [document.querySelectorAll('iframe').length, document.documentElement.style.overflow]", json!([]))
        .await;
    assert_eq!(left, json!([0, ""]));

    // 13. Hosted Link, with an OAuth bank in the same tab, ending in a link via poll_hosted_link.
    let hosted = env
        .coffer
        .create_link_token(CreateLinkTokenInput {
            hosted: true,
            ..Default::default()
        })
        .await
        .expect("hosted token");
    let url = hosted.hosted_link_url.clone().expect("hosted url");
    let p = env
        .coffer
        .poll_hosted_link(&hosted.link_token)
        .await
        .expect("poll");
    assert_eq!(p.state, HostedLinkState::Pending);
    b.goto(&url).await;
    view(&b, "consent").await;
    pick(&b, "oauth", "ins_127287").await;
    view(&b, "oauth").await;
    b.click("[data-action=continue]").await;
    b.wait(
        "the bank page",
        "return location.pathname === '/link/oauth'",
    )
    .await;
    assert_eq!(b.handles().await.len(), 1, "same tab");
    b.click("#authorize").await;
    b.wait("back on Hosted Link", "return location.pathname.indexOf('/link/hosted/') === 0 && document.querySelector('.view-accounts')").await;
    b.click("input[data-mask='0000']").await;
    b.click("input[data-mask='1111']").await;
    b.click("button[type=submit]").await;
    view(&b, "connected").await;
    b.click("[data-action=continue]").await;
    view(&b, "done").await;
    let text = b.js("return document.body.innerText", json!([])).await;
    assert!(
        text.as_str()
            .unwrap_or_default()
            .contains("You can close this window and return to the app"),
        "{text}"
    );
    let p = env
        .coffer
        .poll_hosted_link(&hosted.link_token)
        .await
        .expect("poll");
    assert_eq!(p.state, HostedLinkState::Success, "{p:?}");
    let id = p.link_id.expect("link id");
    assert_eq!(env.coffer.link_view(id).expect("v").accounts.len(), 2);

    // Screenshots of every view: light at 1280x800 and 400x700, then dark.
    let dir = shots_dir();
    let shots = started.elapsed();
    for (w, h, suffix) in [(1280, 800, "light"), (400, 700, "light-400")] {
        b.set_size(w, h).await;
        tour(
            &b,
            &env,
            &app,
            &home,
            &Shots {
                dir: dir.clone(),
                suffix,
            },
        )
        .await;
    }
    b.quit().await;
    let dark = Browser::start(true).await;
    let dark_home = dark.window().await;
    let is_dark = dark
        .js(
            "return window.matchMedia('(prefers-color-scheme: dark)').matches",
            json!([]),
        )
        .await;
    assert_eq!(
        is_dark,
        json!(true),
        "GTK's dark theme gives prefers-color-scheme: dark"
    );
    for (w, h, suffix) in [(1280, 800, "dark"), (400, 700, "dark-400")] {
        dark.set_size(w, h).await;
        tour(
            &dark,
            &env,
            &app,
            &dark_home,
            &Shots {
                dir: dir.clone(),
                suffix,
            },
        )
        .await;
    }
    dark.quit().await;
    eprintln!(
        "link stand-in browser cases: {:.1?}, screenshots: {:.1?} (in {})",
        shots,
        started.elapsed() - shots,
        dir.display()
    );
}

/// Visits every view and screenshots it.
async fn tour(b: &Browser, env: &Env, app: &AppServer, home: &str, shots: &Shots) {
    let token = new_token(env, json!({})).await;
    open(b, app, &token).await;
    shots.take(b, "01-consent").await;
    b.click("[data-action=continue]").await;
    view(b, "select").await;
    shots.take(b, "02-select").await;
    b.type_into("#search", "platypus").await;
    shots.take(b, "03-select-search").await;
    b.click("button[data-institution-id='ins_109508']").await;
    login(b, "user_good", "wrong").await;
    b.wait(
        "the retry alert",
        "var a=document.querySelector('[data-slot=alert]'); return a && !a.hidden",
    )
    .await;
    shots.take(b, "04-credential-retry").await;
    login(b, "user_good", "pass_good").await;
    view(b, "accounts").await;
    b.click("input[data-mask='0000']").await;
    shots.take(b, "05-accounts").await;
    b.click("#close").await;
    view(b, "exit").await;
    shots.take(b, "06-exit-confirm").await;
    b.click("[data-action=stay]").await;
    view(b, "accounts").await;
    b.click("button[type=submit]").await;
    view(b, "connected").await;
    shots.take(b, "07-connected").await;
    b.click("[data-action=continue]").await;
    outcome(b).await;

    let token = new_token(env, json!({})).await;
    open(b, app, &token).await;
    pick(b, "", "ins_109508").await;
    login(b, "user_good", "error_ITEM_LOCKED").await;
    view(b, "error").await;
    shots.take(b, "08-error-item-locked").await;
    b.click("[data-action=primary]").await;
    outcome(b).await;

    let token = new_token(env, json!({})).await;
    open(b, app, &token).await;
    pick(b, "down", "ins_132361").await;
    view(b, "error").await;
    shots.take(b, "09-error-institution-down").await;
    b.click("[data-action=primary]").await;
    outcome(b).await;

    let token = new_token(env, json!({})).await;
    open(b, app, &token).await;
    pick(b, "", "ins_127287").await;
    view(b, "oauth").await;
    shots.take(b, "10-oauth").await;
    b.js(
        "document.querySelector('[data-action=continue]').click()",
        json!([]),
    )
    .await;
    b.wait("pop-up blocked", "var t=document.querySelector('[data-slot=title]'); return t && t.textContent==='Pop-up blocked'").await;
    shots.take(b, "11-popup-blocked").await;
    b.click("[data-action=primary]").await;
    view(b, "oauth").await;
    b.click("[data-action=continue]").await;
    b.wait(
        "waiting",
        "var w=document.querySelector('[data-slot=waiting]'); return w && !w.hidden",
    )
    .await;
    shots.take(b, "12-oauth-waiting").await;
    b.switch_to_new_window(&[home.to_string()]).await;
    b.element("#authorize").await;
    shots.take(b, "13-bank-page").await;
    b.click("#deny").await;
    b.wait_windows(1).await;
    b.switch_window(home).await;
    b.enter_frame(FRAME).await;
    b.wait("denied", "var t=document.querySelector('[data-slot=title]'); return t && /not approved/.test(t.textContent)").await;
    shots.take(b, "14-oauth-denied").await;
    b.top().await;
    b.js("window.__handler.exit({force: true})", json!([]))
        .await;
    outcome(b).await;

    let bad = concat!("link-sandbox-", "00000000-0000-4000-8000-000000000000");
    b.goto(&format!("{}/app?token={bad}&open=1", app.url)).await;
    b.wait(
        "the overlay",
        &format!(
            "var f=document.querySelector(\"{FRAME}\"); return f && f.style.display==='block'"
        ),
    )
    .await;
    b.enter_frame(FRAME).await;
    view(b, "error").await;
    shots.take(b, "15-invalid-token").await;
    b.top().await;

    let hosted = plaid(env, "/link/token/create", json!({"client_name": "Coffer Test", "language": "en",
        "country_codes": ["US"], "user": {"client_user_id": "u1"}, "products": ["transactions"], "hosted_link": {}}))
        .await;
    b.goto(hosted["hosted_link_url"].as_str().expect("url"))
        .await;
    view(b, "consent").await;
    shots.take(b, "16-hosted-consent").await;
    pick(b, "", "ins_109508").await;
    login(b, "user_good", "pass_good").await;
    choose(b, &["0000"]).await;
    view(b, "done").await;
    shots.take(b, "17-hosted-done").await;
}
