//! `plaid-sandbox`'s own command line (`src/main.rs`): the real binary is started with each flag
//! it documents, and each flag's effect is checked from outside the process (the address it
//! prints and answers on, the bank listener, the keys it accepts, the Items it makes, the state
//! file it writes and reads back, where its webhooks go), as are `--help`, `--version` and the
//! errors of bad values. Every wait is for something the binary does (a line it prints, its
//! exit, a webhook arriving) under a deadline; none is a fixed pause.

use std::collections::BTreeSet;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStderr, Command};
use tokio::sync::mpsc;
use tokio::time::timeout;

use crate::common::{Api, CLIENT_ID, SECRET, link_token_request};

const BIN: &str = env!("CARGO_BIN_EXE_plaid-sandbox");
/// The most any step may take (a deadline, never a pause).
const DEADLINE: Duration = Duration::from_secs(30);
/// What the binary prints once it listens, before its URL.
const LISTENING: &str = "plaid-sandbox listening on ";

/// Every flag `--help` lists; a flag added to `main.rs` must be added here and tested below.
const FLAGS: &[&str] = &[
    "--bind",
    "--client-id",
    "--secret",
    "--history",
    "--webhook-allow",
    "--state",
    "--seed",
    "--help",
    "--version",
];

/// The binary with `args` and `envs`; nothing inherited that would change what it does (the
/// secret's environment variable, the log filter).
fn command(args: &[&str], envs: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("PLAID_SANDBOX_SECRET")
        .env("RUST_LOG", "warn")
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// A binary that was expected to exit: its status and output.
#[derive(Debug)]
struct Exited {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs the binary to its end (it is killed and the test fails if it is still running at the
/// deadline).
async fn run_to_exit(args: &[&str], envs: &[(&str, &str)]) -> Exited {
    let child = command(args, envs).spawn().expect("spawn plaid-sandbox");
    let out = timeout(DEADLINE, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("plaid-sandbox {args:?} still runs after {DEADLINE:?}"))
        .expect("wait for plaid-sandbox");
    Exited {
        status: out.status,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A running binary (killed when dropped).
struct Running {
    child: Child,
    /// The URL it printed: `http://ADDR`.
    url: String,
    stderr: Lines<BufReader<ChildStderr>>,
}

impl Running {
    /// Reads the binary's log until a line contains every one of `needles`; the lines read.
    async fn wait_for_log(&mut self, needles: &[&str]) -> Vec<String> {
        let mut seen = Vec::new();
        let found = timeout(DEADLINE, async {
            while let Some(line) = self.stderr.next_line().await.expect("read stderr") {
                let hit = needles.iter().all(|n| line.contains(n));
                seen.push(line);
                if hit {
                    return true;
                }
            }
            false
        })
        .await;
        assert_eq!(
            found,
            Ok(true),
            "no log line with {needles:?}; the log said: {seen:#?}"
        );
        seen
    }

    /// Stops the binary and waits until it is gone.
    async fn stop(mut self) {
        self.child.kill().await.expect("kill plaid-sandbox");
    }
}

/// Starts the binary and waits for the line saying where it listens; `Err` with what it said
/// when it exits instead.
async fn try_start(args: &[&str], envs: &[(&str, &str)]) -> Result<Running, Exited> {
    let mut child = command(args, envs).spawn().expect("spawn plaid-sandbox");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = timeout(DEADLINE, stdout.next_line())
        .await
        .unwrap_or_else(|_| panic!("plaid-sandbox {args:?} printed nothing in {DEADLINE:?}"))
        .expect("read stdout");
    let Some(line) = first else {
        // stdout closed: the process has ended.
        let out = timeout(DEADLINE, child.wait_with_output())
            .await
            .expect("plaid-sandbox closed stdout but did not exit")
            .expect("wait for plaid-sandbox");
        return Err(Exited {
            status: out.status,
            stdout: String::new(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    };
    let url = line
        .strip_prefix(LISTENING)
        .unwrap_or_else(|| panic!("plaid-sandbox {args:?} first said {line:?}"))
        .to_string();
    let stderr = BufReader::new(child.stderr.take().expect("stderr")).lines();
    Ok(Running { child, url, stderr })
}

async fn start(args: &[&str], envs: &[(&str, &str)]) -> Running {
    match try_start(args, envs).await {
        Ok(r) => r,
        Err(e) => panic!("plaid-sandbox {args:?} did not start: {e:?}"),
    }
}

/// `GET /`: the health answer.
async fn health(url: &str) -> Value {
    let resp = reqwest::get(format!("{url}/"))
        .await
        .unwrap_or_else(|e| panic!("GET {url}/: {e}"));
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("health JSON")
}

/// A Plaid call with these keys: `(status, body)`.
async fn call_with_keys(
    url: &str,
    id: &str,
    secret: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{url}{path}"))
        .header("PLAID-CLIENT-ID", id)
        .header("PLAID-SECRET", secret)
        .json(&body)
        .send()
        .await
        .expect("request");
    (resp.status().as_u16(), resp.json().await.expect("JSON"))
}

/// An Item with this webhook URL: its access token.
async fn item_with_webhook(api: &Api, webhook: &str) -> String {
    let pt = api
        .ok(
            "/sandbox/public_token/create",
            json!({"institution_id": "ins_109508", "initial_products": ["transactions"],
                   "options": {"webhook": webhook}}),
        )
        .await;
    let ex = api
        .ok(
            "/item/public_token/exchange",
            json!({"public_token": pt["public_token"]}),
        )
        .await;
    ex["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

/// The account ids of a new Item.
async fn account_ids_of_new_item(api: &Api) -> Vec<String> {
    let (token, _) = api.item("user_good").await;
    let accounts = api
        .ok("/accounts/get", json!({"access_token": token}))
        .await;
    accounts["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| a["account_id"].as_str().expect("account_id").to_string())
        .collect()
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

#[tokio::test]
async fn help_lists_every_flag_and_hides_the_secret_and_version_prints_it() {
    let help = run_to_exit(
        &["--help"],
        &[("PLAID_SANDBOX_SECRET", "not-for-help-text")],
    )
    .await;
    assert!(help.status.success(), "{help:?}");
    let listed: BTreeSet<&str> = help
        .stdout
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .collect();
    assert_eq!(
        listed,
        FLAGS.iter().copied().collect(),
        "--help lists other flags than this test covers:\n{}",
        help.stdout
    );
    assert!(help.stdout.contains("[env: PLAID_SANDBOX_SECRET]"));
    assert!(help.stdout.contains("[default: 127.0.0.1:0]"));
    assert!(
        !help.stdout.contains("not-for-help-text"),
        "the secret's value is shown: {}",
        help.stdout
    );

    let version = run_to_exit(&["--version"], &[]).await;
    assert!(version.status.success(), "{version:?}");
    assert_eq!(
        version.stdout.trim(),
        format!("plaid-sandbox {}", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn bind_sets_the_address_and_the_bank_listener_shares_its_ip() {
    // Without --bind: loopback, a port picked for it.
    let default = start(&[], &[]).await;
    let port = default
        .url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or_else(|| panic!("default address {}", default.url));
    assert_ne!(port, 0);
    assert_eq!(
        health(&default.url).await,
        json!({"status": "ok", "service": "plaid-sandbox"})
    );
    default.stop().await;

    // --bind with a port: that port (another process may take a freed port first: try again).
    let mut tries = 0;
    let (sandbox, port) = loop {
        let port = free_port();
        let bind = format!("127.0.0.1:{port}");
        match try_start(&["--bind", &bind], &[]).await {
            Ok(s) => break (s, port),
            Err(e) if e.stderr.contains("in use") && tries < 5 => tries += 1,
            Err(e) => panic!("--bind {bind}: {e:?}"),
        }
    };
    assert_eq!(sandbox.url, format!("http://127.0.0.1:{port}"));
    assert_eq!(health(&sandbox.url).await["status"], "ok");

    // The bank's own site listens on the same IP, on a port of its own.
    let api = Api::new(&sandbox.url);
    let lt = api.ok("/link/token/create", link_token_request()).await;
    let init: Value = reqwest::Client::new()
        .post(format!("{}/_link/ui/init", sandbox.url))
        .json(&json!({"link_token": lt["link_token"]}))
        .send()
        .await
        .expect("init")
        .json()
        .await
        .expect("init JSON");
    let bank = init["bank_origin"].as_str().expect("bank_origin");
    let bank_port = bank
        .strip_prefix("http://127.0.0.1:")
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or_else(|| panic!("bank origin {bank}"));
    assert_ne!(bank_port, port);
    let page = reqwest::get(format!("{bank}/oauth/authorize"))
        .await
        .expect("bank page");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("<html"));
    sandbox.stop().await;
}

/// A command line that must be refused: its arguments, its environment, what its error says.
type Refused<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

#[tokio::test]
async fn bad_values_are_refused_with_a_clear_error_and_exit_code_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let not_state = dir.path().join("not-state.json");
    std::fs::write(&not_state, "not json").expect("write");
    let not_state = not_state.to_str().expect("utf-8 path");
    let cases: &[Refused] = &[
        (
            &["--bind", "not-an-address"],
            &[],
            "invalid value 'not-an-address' for '--bind <BIND>'",
        ),
        (
            &["--bind", "0.0.0.0:0"],
            &[],
            "plaid-sandbox: refusing to bind 0.0.0.0:0: the sandbox only listens on loopback",
        ),
        (
            &["--history", "many"],
            &[],
            "invalid value 'many' for '--history <HISTORY>'",
        ),
        (
            &["--seed", "x"],
            &[],
            "invalid value 'x' for '--seed <SEED>'",
        ),
        (
            &["--client-id", "only-id"],
            &[],
            "the following required arguments were not provided:\n  --secret <SECRET>",
        ),
        (
            &["--secret", "only-secret"],
            &[],
            "the following required arguments were not provided:\n  --client-id <CLIENT_ID>",
        ),
        (
            &[],
            &[("PLAID_SANDBOX_SECRET", "only-secret")],
            "the following required arguments were not provided:\n  --client-id <CLIENT_ID>",
        ),
        (
            &["--webhook-allow"],
            &[],
            "a value is required for '--webhook-allow <HOST>'",
        ),
        (&["--state", not_state], &[], "is not valid sandbox state"),
        (
            &["--no-such-flag"],
            &[],
            "unexpected argument '--no-such-flag'",
        ),
    ];
    for (args, envs, message) in cases {
        let out = run_to_exit(args, envs).await;
        assert_eq!(out.status.code(), Some(2), "{args:?} {envs:?}: {out:?}");
        assert!(
            out.stderr.contains(message),
            "{args:?} {envs:?}: stderr lacks {message:?}: {}",
            out.stderr
        );
        assert!(!out.stdout.contains(LISTENING), "{args:?}: {out:?}");
    }
}

#[tokio::test]
async fn client_id_and_secret_allow_only_that_pair() {
    let institution = json!({"institution_id": "ins_109508", "country_codes": ["US"]});
    let path = "/institutions/get_by_id";
    for (args, envs) in [
        (
            &["--client-id", "cli-id", "--secret", "cli-secret"][..],
            &[][..],
        ),
        (
            &["--client-id", "cli-id"][..],
            &[("PLAID_SANDBOX_SECRET", "cli-secret")][..],
        ),
    ] {
        let sandbox = start(args, envs).await;
        let url = &sandbox.url;
        let ok = call_with_keys(url, "cli-id", "cli-secret", path, institution.clone()).await;
        assert_eq!(ok.0, 200, "{args:?} {envs:?}: {}", ok.1);
        for (id, secret) in [("cli-id", "other"), ("other", "cli-secret")] {
            let (status, body) = call_with_keys(url, id, secret, path, institution.clone()).await;
            assert_eq!(
                (status, body["error_code"].as_str()),
                (400, Some("INVALID_API_KEYS")),
                "{args:?} {envs:?} with {id}/{secret}: {body}"
            );
        }
        sandbox.stop().await;
    }
    // Without them, any pair is accepted.
    let open = start(&[], &[]).await;
    let any = call_with_keys(&open.url, "any-id", "any-secret", path, institution).await;
    assert_eq!(any.0, 200, "{}", any.1);
    open.stop().await;
}

#[tokio::test]
async fn history_is_the_transaction_count_of_a_new_item() {
    for n in [37, 3] {
        let n_arg = n.to_string();
        let sandbox = start(&["--history", &n_arg], &[]).await;
        let api = Api::new(&sandbox.url);
        let (token, _) = api.item("user_good").await;
        let synced = api.sync_all(&token, "", 500).await;
        assert_eq!(synced.added.len(), n, "--history {n}");
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn seed_fixes_the_generated_ids() {
    let mut ids = Vec::new();
    for seed in ["7", "7", "8"] {
        let sandbox = start(&["--seed", seed], &[]).await;
        ids.push(account_ids_of_new_item(&Api::new(&sandbox.url)).await);
        sandbox.stop().await;
    }
    assert!(!ids[0].is_empty());
    assert_eq!(ids[0], ids[1], "the same seed, the same account ids");
    assert!(
        ids[2].iter().all(|id| !ids[0].contains(id)),
        "another seed, other ids: {ids:?}"
    );
    // Without --seed, a random one: two sandboxes do not hand out the same ids.
    let mut random = Vec::new();
    for _ in 0..2 {
        let sandbox = start(&[], &[]).await;
        random.push(account_ids_of_new_item(&Api::new(&sandbox.url)).await);
        sandbox.stop().await;
    }
    assert_ne!(random[0], random[1]);
}

#[tokio::test]
async fn state_file_is_written_and_read_back_by_the_next_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sandbox.json");
    let path_arg = path.to_str().expect("utf-8 path");

    let first = start(&["--state", path_arg], &[]).await;
    let (token, item_id) = Api::new(&first.url).item("user_good").await;
    // Written by the call itself, before the answer: no shutdown needed.
    let written = std::fs::read_to_string(&path).expect("state file written");
    assert!(written.contains(&item_id), "{written}");
    assert!(
        !written.contains(&token),
        "the access token itself is not stored"
    );
    first.stop().await;

    let second = start(&["--state", path_arg], &[]).await;
    let got = Api::new(&second.url)
        .ok("/item/get", json!({"access_token": token}))
        .await;
    assert_eq!(got["item"]["item_id"], item_id.as_str());
    second.stop().await;

    // Without --state, nothing is carried over.
    let fresh = start(&[], &[]).await;
    let (status, body) = call_with_keys(
        &fresh.url,
        CLIENT_ID,
        SECRET,
        "/item/get",
        json!({"access_token": token}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    fresh.stop().await;
}

/// Receives webhooks on 127.0.0.1:0 at `/<name>`; each arrives on the channel as `(name, body)`.
async fn receiver() -> (u16, mpsc::UnboundedReceiver<(String, Value)>) {
    type Inbox = Arc<mpsc::UnboundedSender<(String, Value)>>;
    async fn hook(
        State(inbox): State<Inbox>,
        Path(name): Path<String>,
        body: axum::body::Bytes,
    ) -> StatusCode {
        let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let _ = inbox.send((name, body));
        StatusCode::OK
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = Router::new()
        .route("/{name}", post(hook))
        .with_state(Arc::new(tx));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (port, rx)
}

#[tokio::test]
async fn webhook_allow_lets_webhooks_reach_a_host_that_is_not_loopback() {
    // The receiver listens on 127.0.0.1, and is reached through its IPv4-mapped IPv6 address:
    // a host the sandbox does not count as loopback, so only --webhook-allow lets it through.
    let (port, mut inbox) = receiver().await;
    let host = "[::ffff:127.0.0.1]";
    let hook = |name: &str| format!("http://{host}:{port}/{name}");

    // Repeatable: the last of two is honoured too.
    let allowing = start(
        &[
            "--webhook-allow",
            "hooks.example.test",
            "--webhook-allow",
            host,
        ],
        &[],
    )
    .await;
    item_with_webhook(&Api::new(&allowing.url), &hook("allowed")).await;
    let (name, body) = timeout(DEADLINE, inbox.recv())
        .await
        .expect("no webhook reached the allowed host")
        .expect("receiver open");
    assert_eq!(name, "allowed");
    assert_eq!(body["webhook_code"], "SYNC_UPDATES_AVAILABLE", "{body}");
    allowing.stop().await;

    let mut refusing = start(&["--webhook-allow", "hooks.example.test"], &[]).await;
    let url = hook("refused");
    item_with_webhook(&Api::new(&refusing.url), &url).await;
    refusing
        .wait_for_log(&[
            "webhook not delivered",
            &url,
            "neither loopback nor allowed",
        ])
        .await;
    refusing.stop().await;
    // The allowed Item's second webhook may still be arriving; nothing came for the other.
    while let Ok((name, _)) = inbox.try_recv() {
        assert_eq!(name, "allowed", "a refused webhook was delivered");
    }
}
