//! Shared set-up: a sandbox, a data dir, a vault, a Coffer; HTTP helpers for the sandbox's
//! test endpoints; a log buffer.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use coffer_core::{
    Coffer, CofferConfig, Credentials, KeyringVault, MemoryVault, Mode, Secret, Vault,
};
use coffer_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

pub const CLIENT_ID: &str = "test-client-id";
/// A recognisable Plaid secret for the secret scan.
pub const SECRET: &str = "sekret7f3a9c2e1b";

/// Everything a test needs; dropped at the end of the test.
pub struct Env {
    pub sandbox: Sandbox,
    pub dir: tempfile::TempDir,
    pub vault: Arc<dyn Vault>,
    pub service: String,
    pub coffer: Coffer,
    pub http: reqwest::Client,
}

static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

#[derive(Clone)]
struct LogWriter(Arc<Mutex<Vec<u8>>>);
impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs (once) a TRACE subscriber writing into a buffer, and returns the buffer.
pub fn log_buffer() -> Arc<Mutex<Vec<u8>>> {
    LOG.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let w = LogWriter(buf.clone());
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || w.clone())
            .try_init();
        buf
    })
    .clone()
}

pub fn skip_keychain() -> bool {
    std::env::var("COFFER_SKIP_KEYCHAIN_TESTS").as_deref() == Ok("1")
}

/// The real keychain under a service unique to this test, or (only with
/// COFFER_SKIP_KEYCHAIN_TESTS=1) an in-memory vault. Fails when the keychain is not usable.
pub fn test_vault(name: &str) -> (Arc<dyn Vault>, String) {
    let service = format!("coffer-test-{name}-{}", uuid::Uuid::new_v4().simple());
    if skip_keychain() {
        return (Arc::new(MemoryVault::new()), service);
    }
    let v = KeyringVault::new(service.clone());
    let probe = Secret::new("probe");
    v.store("probe", &probe).unwrap_or_else(|e| {
        panic!(
            "the Secret Service is needed for this test (or set COFFER_SKIP_KEYCHAIN_TESTS=1): {e}"
        )
    });
    assert_eq!(
        v.load("probe")
            .expect("load probe")
            .expect("probe present")
            .expose(),
        "probe"
    );
    v.delete("probe").expect("delete probe");
    (Arc::new(v), service)
}

pub fn sandbox_config() -> SandboxConfig {
    SandboxConfig {
        credentials: Some((CLIENT_ID.into(), SECRET.into())),
        history: 1200,
        ..Default::default()
    }
}

pub async fn start_with(name: &str, config: SandboxConfig) -> Env {
    log_buffer();
    let sandbox = Sandbox::start("127.0.0.1:0".parse().expect("addr"), config)
        .await
        .expect("sandbox");
    let dir = tempfile::tempdir().expect("tempdir");
    let (vault, service) = test_vault(name);
    let coffer = open(dir.path(), &sandbox.url(), vault.clone()).await;
    Env {
        sandbox,
        dir,
        vault,
        service,
        coffer,
        http: reqwest::Client::new(),
    }
}

pub async fn start(name: &str) -> Env {
    start_with(name, sandbox_config()).await
}

pub async fn open(home: &Path, url: &str, vault: Arc<dyn Vault>) -> Coffer {
    Coffer::open_at(CofferConfig {
        home: home.to_path_buf(),
        mode: Mode::Sandbox,
        base_url: url.to_string(),
        credentials: Credentials {
            client_id: CLIENT_ID.into(),
            secret: Secret::new(SECRET),
        },
        vault,
    })
    .await
    .expect("open coffer")
}

impl Env {
    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("sandbox").join("coffer.db")
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        let r = self
            .http
            .post(format!("{}{path}", self.sandbox.url()))
            .json(&body)
            .send()
            .await
            .expect("post");
        let status = r.status();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path} -> {status}: {v}");
        v
    }

    pub async fn fault(&self, spec: Value) {
        self.post("/_faults", spec).await;
    }

    pub async fn clear_faults(&self) {
        self.http
            .delete(format!("{}/_faults", self.sandbox.url()))
            .send()
            .await
            .expect("delete faults");
    }

    /// Runs the Link stand-in for a link token, like a user clicking through Link.
    pub async fn link_session(&self, link_token: &str, password: &str) -> Value {
        self.post(
            "/_link/sessions",
            json!({
                "link_token": link_token,
                "institution_id": "ins_109508",
                "username": "user_good",
                "password": password,
                "status": "success"
            }),
        )
        .await
    }

    /// Full Link flow: token, stand-in, exchange. Returns the link id.
    pub async fn link_bank(&self) -> i64 {
        let tok = self
            .coffer
            .create_link_token(Default::default())
            .await
            .expect("create link token");
        let success = self.link_session(&tok.link_token, "pass_good").await;
        let input = exchange_input(&success);
        self.coffer
            .exchange_public_token(input)
            .await
            .expect("exchange")
            .link_id
    }

    pub fn item_id(&self, link_id: i64) -> String {
        self.coffer.link_view(link_id).expect("link").item_id
    }

    /// The sandbox's truth for a link as sorted (transaction id, amount) pairs.
    pub fn truth(&self, link_id: i64) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self
            .sandbox
            .transactions_of_item(&self.item_id(link_id))
            .into_iter()
            .map(|t| {
                (
                    t["transaction_id"].as_str().expect("id").to_string(),
                    number_text(&t["amount"]),
                )
            })
            .collect();
        v.sort();
        v
    }

    /// What the store holds for a link, same shape as [`Env::truth`].
    pub fn stored(&self, link_id: i64) -> Vec<(String, String)> {
        stored_in(self.coffer.store(), link_id)
    }

    /// Syncs until the link is past NOT_READY.
    pub async fn sync_ready(&self, link_id: i64) -> coffer_core::SyncReport {
        for _ in 0..5 {
            let r = self.coffer.sync_link(link_id, None).await.expect("sync");
            if r.status != coffer_core::SyncStatus::NotReady {
                return r;
            }
        }
        panic!("still NOT_READY after 5 syncs");
    }
}

pub fn stored_in(store: &coffer_core::Store, link_id: i64) -> Vec<(String, String)> {
    let rows = store
        .read(|c| coffer_core::store::transactions::read::ids_of_link(c, link_id))
        .expect("ids");
    let mut v: Vec<(String, String)> = rows
        .into_iter()
        .map(|(id, amount, _)| (id, normalize(&amount)))
        .collect();
    v.sort();
    v
}

/// Decimal text in a canonical form (no trailing zeros) for comparing.
pub fn normalize(s: &str) -> String {
    let d: rust_decimal::Decimal = s.parse().expect("decimal");
    d.normalize().to_string()
}

pub fn number_text(v: &Value) -> String {
    match v {
        Value::Number(n) => normalize(&n.to_string()),
        Value::String(s) => normalize(s),
        other => panic!("amount is not a number: {other}"),
    }
}

pub fn exchange_input(success: &Value) -> coffer_core::ExchangeInput {
    let md = &success["metadata"];
    serde_json::from_value(json!({
        "publicToken": success["public_token"],
        "institutionId": md["institution"]["institution_id"],
        "institutionName": md["institution"]["name"],
        "accountIds": md["accounts"].as_array().expect("accounts").iter().map(|a| a["id"].clone()).collect::<Vec<_>>(),
    }))
    .expect("exchange input")
}

/// Every row of every table, as text: to prove a rejected command changed nothing.
pub fn snapshot(store: &coffer_core::Store) -> String {
    store
        .read(|c| {
            let mut out = String::new();
            for table in [
                "links",
                "public_tokens",
                "accounts",
                "balances",
                "transactions",
                "link_tokens",
                "events",
                "vault_entries",
                "categories",
                "rules",
                "transaction_edits",
                "transaction_tags",
                "transaction_splits",
                "transfers",
                "held_words",
                "personal_changes",
            ] {
                let mut st = c.prepare(&format!("SELECT * FROM {table} ORDER BY 1"))?;
                let n = st.column_count();
                let mut rows = st.query([])?;
                while let Some(r) = rows.next()? {
                    out.push_str(table);
                    for i in 0..n {
                        let v: rusqlite::types::Value = r.get(i)?;
                        out.push_str(&format!("|{v:?}"));
                    }
                    out.push('\n');
                }
            }
            Ok(out)
        })
        .expect("snapshot")
}

/// This test binary run again as a child process: only the test `name` (which checks
/// `flag`), with the `COFFER_TEST_*` variables [`child_coffer`] reads for `link_id`; stdout
/// piped, stderr dropped.
impl Env {
    pub fn child(&self, name: &str, flag: &str, link_id: i64) -> std::process::Command {
        let mut cmd = std::process::Command::new(std::env::current_exe().expect("exe"));
        cmd.args(["--exact", name, "--nocapture", "--test-threads=1"])
            .env(flag, "1")
            .env("COFFER_TEST_HOME", self.dir.path())
            .env("COFFER_TEST_URL", self.sandbox.url())
            .env("COFFER_TEST_SERVICE", &self.service)
            .env("COFFER_TEST_LINK", link_id.to_string())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        if skip_keychain() {
            // The in-memory vault cannot be shared: hand the child the token (test only).
            let key = coffer_core::vault::item_key(Mode::Sandbox, &self.item_id(link_id));
            let token = self.vault.load(&key).expect("load").expect("token");
            cmd.env("COFFER_TEST_KEY", &key)
                .env("COFFER_TEST_TOKEN", token.expose());
        }
        cmd
    }
}

/// A child process's side of a multi-process test: the parent's Coffer (data directory,
/// sandbox, keychain service or, without the keychain, the token handed over) from the
/// `COFFER_TEST_*` variables, and the link to work on.
pub async fn child_coffer() -> (Coffer, i64) {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k}"));
    let vault: Arc<dyn Vault> = match std::env::var("COFFER_TEST_TOKEN") {
        Ok(token) => {
            let v = MemoryVault::new();
            v.store(&var("COFFER_TEST_KEY"), &Secret::new(token))
                .expect("store");
            Arc::new(v)
        }
        Err(_) => Arc::new(KeyringVault::new(var("COFFER_TEST_SERVICE"))),
    };
    let coffer = open(
        Path::new(&var("COFFER_TEST_HOME")),
        &var("COFFER_TEST_URL"),
        vault,
    )
    .await;
    (coffer, var("COFFER_TEST_LINK").parse().expect("link id"))
}
