//! The real `coffer-cli` binary, run as a user would: offline mode (embedded sandbox), a real
//! SQLite file under a temp `COFFER_HOME`, and the real Secret Service keychain (the test
//! command runs the suite inside a private D-Bus session with an unlocked gnome-keyring).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod config;
mod errors;
mod fuzz;
mod hosted;
mod many;
mod personal;
mod serve;
mod serve_personal;

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Home {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_coffer-cli"));
        cmd.args(args)
            .env("COFFER_HOME", self.dir.path())
            .env_remove("PLAID_CLIENT_ID")
            .env_remove("PLAID_SECRET")
            .env_remove("PLAID_ENV")
            .env_remove("COFFER_PLAID_URL");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run coffer-cli")
    }

    /// Runs with `--json`, expects success, returns the parsed document.
    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert!(
            out.status.success(),
            "coffer-cli {all:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "coffer-cli {all:?}: stdout is not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// Runs with `--json`, expects failure, returns (stderr, error object).
    fn json_err(&self, args: &[&str]) -> (String, Value) {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert!(!out.status.success(), "coffer-cli {all:?} should fail");
        assert_eq!(out.status.code(), Some(1), "errors exit with 1");
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "one clear line on stderr, got: {stderr}"
        );
        let doc: Value = serde_json::from_slice(&out.stdout).expect("error JSON on stdout");
        (stderr, doc["error"].clone())
    }
}

#[test]
fn offline_life_of_a_link_across_runs() {
    let home = Home::new();

    let status = home.json(&["status"]);
    assert_eq!(status["mode"], "offline");
    assert_eq!(status["links"], 0);

    let link = home.json(&["link", "--sandbox", "ins_109508"]);
    let link_id = link["id"].as_i64().expect("link id");
    assert_eq!(link["institutionName"], "First Platypus Bank");
    assert_eq!(link["status"], "ACTIVE");
    assert_eq!(link["accounts"].as_array().map(Vec::len), Some(12));

    let reports = home.json(&["sync"]);
    assert_eq!(reports[0]["linkId"], link_id);
    assert_eq!(reports[0]["status"], "UPDATED");
    let added = reports[0]["added"].as_u64().expect("added");
    assert!(added > 100, "a new item has history, got {added}");

    // A new process: the database, the keychain entry and the embedded sandbox's item all
    // persisted, so the next sync works and finds nothing new.
    let again = home.json(&["sync", "--link", &link_id.to_string()]);
    assert_eq!(again[0]["status"], "UPDATED", "{again}");
    assert_eq!(again[0]["added"], 0);

    let page = home.json(&["transactions", "--limit", "7"]);
    assert_eq!(page["total"].as_u64(), Some(added));
    assert_eq!(page["rows"].as_array().map(Vec::len), Some(7));
    let dates: Vec<&str> = page["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["date"].as_str())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");

    let searched = home.json(&["transactions", "--search", "UBER", "--limit", "1000"]);
    let hits = searched["rows"].as_array().expect("rows");
    assert!(!hits.is_empty(), "the sandbox history has Uber rides");
    assert!(hits.iter().all(|r| {
        let text = format!("{} {}", r["name"], r["merchantName"]).to_lowercase();
        text.contains("uber")
    }));
    assert_eq!(searched["total"].as_u64(), Some(hits.len() as u64));

    // Exports go outside the data directory (inside it, the CLI refuses: see below).
    let exports = tempfile::tempdir().expect("exports dir");
    let csv_path = exports.path().join("out.csv");
    let inside = home.path().join("out.csv");
    let (_, refused) = home.json_err(&[
        "export",
        "--format",
        "csv",
        "--out",
        inside.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(refused["code"], "INVALID_INPUT", "{refused}");
    assert!(!inside.exists());
    let written = home.json(&[
        "export",
        "--format",
        "csv",
        "--out",
        csv_path.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(written["rows"].as_u64(), Some(added));
    let csv = std::fs::read_to_string(&csv_path).expect("export file");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.records().count() as u64, added, "one CSV row each");

    let renamed = home.json(&["rename", &link_id.to_string(), "Everyday bank"]);
    assert_eq!(renamed["name"], "Everyday bank");
    assert_eq!(home.json(&["links"])[0]["name"], "Everyday bank");

    home.json(&["remove", &link_id.to_string()]);
    assert_eq!(home.json(&["links"]), Value::Array(vec![]));
    assert_eq!(home.json(&["transactions"])["total"], 0);
}

#[test]
fn reconnect_flow_is_visible() {
    let home = Home::new();
    let link = home.json(&["link", "--sandbox", "ins_109508"]);
    let id = link["id"].to_string();
    home.json(&["sync"]);
    home.json(&["sandbox", "reset-login", &id]);

    // The sync report says what happened; the command exits non-zero.
    let out = home.run(&["--json", "sync"]);
    assert_eq!(out.status.code(), Some(1));
    let reports: Value = serde_json::from_slice(&out.stdout).expect("report JSON");
    assert_eq!(reports[0]["status"], "LOGIN_REQUIRED");
    assert_eq!(
        reports[0]["error"]["plaid"]["errorCode"],
        "ITEM_LOGIN_REQUIRED"
    );

    assert_eq!(home.json(&["links"])[0]["status"], "LOGIN_REQUIRED");
    let human = home.run(&["reconnect-check"]);
    assert!(human.status.success());
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("needs reconnect"), "{text}");
    let status = home.json(&["status"]);
    assert_eq!(status["needsAttention"][0], link["id"]);
}

#[test]
fn errors_are_one_line_and_change_nothing() {
    let home = Home::new();
    home.json(&["link", "--sandbox", "ins_109508"]);

    let (stderr, err) = home.json_err(&["remove", "99"]);
    assert_eq!(err["code"], "LINK_NOT_FOUND");
    assert!(stderr.contains("link 99 not found"), "{stderr}");

    let (_, err) = home.json_err(&[
        "link",
        "--sandbox",
        "ins_109508",
        "--password",
        "error_ITEM_LOCKED",
    ]);
    assert_eq!(err["code"], "PLAID");
    assert_eq!(err["plaid"]["errorCode"], "ITEM_LOCKED");

    let (_, err) = home.json_err(&["rename", "1", ""]);
    assert_eq!(err["code"], "INVALID_INPUT");

    let (_, err) = home.json_err(&["link", "--sandbox", "ins_does_not_exist"]);
    assert_eq!(err["code"], "PLAID");
    assert_eq!(err["plaid"]["errorCode"], "INVALID_INSTITUTION");

    // Coffer registers no webhook (a desktop has no public endpoint), so Plaid refuses.
    let (stderr, err) = home.json_err(&["sandbox", "fire-webhook", "1", "SYNC_UPDATES_AVAILABLE"]);
    assert_eq!(err["plaid"]["errorCode"], "SANDBOX_WEBHOOK_INVALID");
    assert!(stderr.contains("failed to fire webhook"), "{stderr}");

    let links = home.json(&["links"]);
    assert_eq!(links.as_array().map(Vec::len), Some(1), "nothing was added");
    assert_eq!(
        links[0]["name"], "First Platypus Bank",
        "nothing was renamed"
    );

    // Usage errors come from the argument parser: exit code 2.
    let usage = home.run(&["transactions", "--from", "2026-13-01"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn sandbox_serve_answers_on_loopback() {
    let home = Home::new();
    let mut child = home
        .cmd(&["sandbox", "serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn sandbox serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("listening line");
    let url = line
        .trim()
        .strip_prefix("plaid-sandbox listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_string();

    let mut stream = TcpStream::connect(&url).expect("connect");
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: {url}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let mut stream = TcpStream::connect(&url).expect("connect");
    let body = r#"{"link_token":"x"}"#;
    write!(
        stream,
        "POST /link/token/get HTTP/1.1\r\nHost: {url}\r\nContent-Type: application/json\r\n\
         PLAID-CLIENT-ID: a\r\nPLAID-SECRET: b\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(response.contains("INVALID_LINK_TOKEN") || response.contains("INVALID_FIELD"));

    child.kill().expect("stop");
    let _ = child.wait();
}
