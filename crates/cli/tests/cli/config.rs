//! The README's Configuration promises, through the real binary: `PLAID_CLIENT_ID`,
//! `PLAID_SECRET`, `PLAID_ENV` and `COFFER_PLAID_URL` win over the saved settings (for that
//! process only: the settings file is not touched, and the secret is never printed or written
//! to the data directory), keys never go to a plain-http address, and `COFFER_PLAID_URL`
//! points an offline Coffer at a standalone `plaid-sandbox`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use coffer_core::Vault;
use serde_json::{Value, json};

use super::Home;

/// The secret given in `PLAID_SECRET` (never saved anywhere).
const ENV_SECRET: &str = "env-secret-4f1c9a7e0b";
/// The secret saved with `settings set --secret-stdin` (keychain only).
const SAVED_SECRET: &str = "saved-secret-8d2b6c3011";

/// Every run of a test, to check no output ever holds a secret.
#[derive(Default)]
struct Runs(Vec<(String, Output)>);

impl Runs {
    fn run(&mut self, mut cmd: Command, what: &str) -> Output {
        let out = cmd.output().expect("run coffer-cli");
        self.0.push((what.to_string(), out.clone()));
        out
    }

    /// `--json` run that must succeed.
    fn json(&mut self, cmd: Command, what: &str) -> Value {
        let out = self.run(cmd, what);
        assert!(
            out.status.success(),
            "{what} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{what}: stdout is not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    fn assert_no_secret(&self) {
        for (what, out) in &self.0 {
            for stream in [&out.stdout, &out.stderr] {
                let text = String::from_utf8_lossy(stream);
                for secret in [ENV_SECRET, SAVED_SECRET] {
                    assert!(!text.contains(secret), "{what} printed a secret: {text}");
                }
            }
        }
    }
}

/// `home.cmd(args)` with Plaid's variables set.
fn with_env(home: &Home, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = home.cmd(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

#[test]
fn plaid_environment_variables_win_over_saved_settings_and_change_nothing() {
    let home = Home::new();
    let mut runs = Runs::default();

    // Saved: production keys (the secret through stdin, to the keychain) and other settings.
    let mut save = home
        .cmd(&[
            "--json",
            "settings",
            "set",
            "--client-id",
            "saved-client",
            "--environment",
            "production",
            "--secret-stdin",
            "--link-limit",
            "7",
            "--days-requested",
            "99",
            "--country",
            "CA",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn settings set");
    save.stdin
        .take()
        .expect("stdin")
        .write_all(SAVED_SECRET.as_bytes())
        .expect("write the secret");
    let out = save.wait_with_output().expect("settings set");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    runs.0.push(("settings set".into(), out));
    let saved = runs.json(home.cmd(&["--json", "settings"]), "settings (saved)");
    assert_eq!(saved["mode"], "production", "{saved}");
    assert_eq!(saved["clientId"], "saved-client");
    assert_eq!(saved["baseUrl"], "https://production.plaid.com");
    assert_eq!(saved["envOverrides"], json!([]));
    let settings_file = home.path().join("settings.json");
    let before = std::fs::read(&settings_file).expect("settings.json");

    // A port that speaks nothing: where COFFER_PLAID_URL sends Plaid's requests.
    let plaid = TcpListener::bind("127.0.0.1:0").expect("listener");
    let plaid_url = format!("https://{}", plaid.local_addr().expect("addr"));
    let env = [
        ("PLAID_ENV", "sandbox"),
        ("PLAID_CLIENT_ID", "env-client"),
        ("PLAID_SECRET", ENV_SECRET),
        ("COFFER_PLAID_URL", plaid_url.as_str()),
    ];

    // No sandbox secret is saved: only PLAID_SECRET makes this sandbox mode.
    let view = runs.json(
        with_env(&home, &["--json", "settings"], &env),
        "settings (env)",
    );
    assert_eq!(view["mode"], "sandbox", "{view}");
    assert_eq!(view["environment"], "sandbox");
    assert_eq!(view["clientId"], "env-client");
    assert_eq!(view["secretSaved"], true);
    assert_eq!(view["baseUrl"], plaid_url.as_str());
    assert_eq!(
        view["envOverrides"],
        json!([
            "PLAID_CLIENT_ID",
            "PLAID_SECRET",
            "PLAID_ENV",
            "COFFER_PLAID_URL"
        ])
    );
    // What no variable covers still comes from the file.
    assert_eq!(
        (
            &view["linkLimit"],
            &view["daysRequested"],
            &view["countryCodes"]
        ),
        (&json!(7), &json!(99), &json!(["CA"]))
    );
    let text = runs.run(with_env(&home, &["settings"], &env), "settings (env, text)");
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    for line in [
        "mode            Sandbox",
        "client id       env-client",
        "environment     sandbox",
        "secret          saved",
        "from env        PLAID_CLIENT_ID, PLAID_SECRET, PLAID_ENV, COFFER_PLAID_URL",
    ] {
        assert!(text.lines().any(|l| l == line), "no {line:?} in:\n{text}");
    }
    let status = runs.json(with_env(&home, &["--json", "status"], &env), "status (env)");
    assert_eq!(
        (&status["mode"], &status["baseUrl"]),
        (&json!("sandbox"), &json!(plaid_url.as_str()))
    );

    // A call to Plaid goes to COFFER_PLAID_URL, over TLS: the first byte the port receives
    // opens a TLS handshake. Nothing answers, so the command fails as a network error.
    let heard = std::thread::spawn(move || first_bytes(plaid));
    let out = runs.run(
        with_env(&home, &["--json", "link-token"], &env),
        "link-token (env)",
    );
    let first = heard.join().expect("listener thread");
    assert_eq!(
        first.first(),
        Some(&0x16),
        "a TLS handshake reached COFFER_PLAID_URL, got {first:?}"
    );
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stdout).expect("error JSON");
    assert_eq!(err["error"]["code"], "NETWORK", "{err}");

    // With keys, a plain-http COFFER_PLAID_URL is refused: the secret would travel in clear.
    let http = [
        ("PLAID_ENV", "sandbox"),
        ("PLAID_CLIENT_ID", "env-client"),
        ("PLAID_SECRET", ENV_SECRET),
        ("COFFER_PLAID_URL", "http://127.0.0.1:9"),
    ];
    let out = runs.run(
        with_env(&home, &["--json", "status"], &http),
        "status (http)",
    );
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stdout).expect("error JSON");
    assert_eq!(err["error"]["code"], "NOT_CONFIGURED", "{err}");

    // PLAID_ENV names a Plaid environment; anything else is refused, not ignored.
    let out = runs.run(
        with_env(&home, &["--json", "status"], &[("PLAID_ENV", "offline")]),
        "status (PLAID_ENV=offline)",
    );
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stdout).expect("error JSON");
    assert_eq!(err["error"]["code"], "INVALID_INPUT", "{err}");

    // The variables changed nothing saved: the same file, the same settings without them.
    assert_eq!(
        std::fs::read(&settings_file).expect("settings.json"),
        before,
        "settings.json was rewritten"
    );
    let after = runs.json(home.cmd(&["--json", "settings"]), "settings (after)");
    assert_eq!(
        after, saved,
        "without the variables, the saved settings again"
    );

    runs.assert_no_secret();
    for (path, bytes) in super::many::files_under(home.path()) {
        for secret in [ENV_SECRET, SAVED_SECRET] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "a Plaid secret rests in {}",
                path.display()
            );
        }
    }
}

/// Accepts one connection (waiting at most 60 s), returns its first bytes, then stops
/// listening so that retries are refused at once.
fn first_bytes(listener: TcpListener) -> Vec<u8> {
    listener.set_nonblocking(true).expect("nonblocking");
    let started = Instant::now();
    let mut stream = loop {
        match listener.accept() {
            Ok((stream, _)) => break stream,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                assert!(
                    started.elapsed() < Duration::from_secs(60),
                    "nothing connected to COFFER_PLAID_URL"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("accept: {e}"),
        }
    };
    drop(listener);
    stream.set_nonblocking(false).expect("blocking");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut buf = [0u8; 3];
    let n = stream.read(&mut buf).expect("read");
    buf[..n].to_vec()
}

#[test]
fn coffer_plaid_url_points_offline_mode_at_a_standalone_sandbox() {
    let sandbox_home = Home::new();
    let mut sandbox = sandbox_home
        .cmd(&["sandbox", "serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn sandbox serve");
    let mut line = String::new();
    BufReader::new(sandbox.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("listening line");
    let url = line
        .trim()
        .strip_prefix("plaid-sandbox listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_string();

    let home = Home::new();
    let env = [("COFFER_PLAID_URL", url.as_str())];
    let run = |args: &[&str]| -> Value {
        let out = with_env(&home, args, &env).output().expect("run");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json")
    };
    let status = run(&["--json", "status"]);
    assert_eq!(
        (&status["mode"], &status["baseUrl"]),
        (&json!("offline"), &json!(url))
    );
    let link = run(&["--json", "link", "--sandbox", "ins_109508"]);
    let item = link["itemId"].as_str().expect("itemId").to_string();
    let reports = run(&["--json", "sync"]);
    assert_eq!(reports[0]["status"], "UPDATED", "{reports}");

    // The item lives in the standalone sandbox, and no embedded one was started.
    assert!(
        !home.path().join("offline").join("sandbox.json").exists(),
        "an embedded sandbox kept state in the data directory"
    );
    let token = coffer_core::KeyringVault::new(coffer_core::vault::SERVICE)
        .load(&format!("offline/item/{item}"))
        .expect("keychain")
        .expect("the link's access token");
    let answer = post(
        url.trim_start_matches("http://"),
        "/item/get",
        &json!({
            "client_id": "any",
            "secret": "any",
            "access_token": token.expose(),
        }),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(&item), "{answer}");

    let _ = sandbox.kill();
    let _ = sandbox.wait();
}

/// A JSON POST over plain HTTP/1.1; the whole response as text.
fn post(addr: &str, path: &str, body: &Value) -> String {
    let body = body.to_string();
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}
