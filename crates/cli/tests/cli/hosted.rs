//! `coffer-cli link` without `--sandbox` and `coffer-cli reconnect`: Hosted Link from a
//! terminal. The test plays the person in the browser: it reads the address the CLI printed
//! (and handed to `xdg-open`), and finishes the session on the CLI's own offline sandbox the
//! way the Hosted Link page does.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::Home;

/// A `bin` directory with an `xdg-open` that records the URL it is given.
struct Launcher {
    dir: tempfile::TempDir,
}

impl Launcher {
    fn new(works: bool) -> Self {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("bin");
        for name in ["xdg-open", "gio"] {
            let path = dir.path().join(name);
            let script = if works {
                format!(
                    "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
                    dir.path().join("opened").display()
                )
            } else {
                "#!/bin/sh\nexit 3\n".to_string()
            };
            std::fs::write(&path, script).expect("write launcher");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        Launcher { dir }
    }

    fn path_var(&self) -> std::ffi::OsString {
        let mut p = std::ffi::OsString::from(self.dir.path());
        p.push(":");
        p.push(std::env::var_os("PATH").unwrap_or_default());
        p
    }

    fn opened(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("opened"))
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }
}

/// Starts `coffer-cli --json ARGS` and reads its stderr until it prints the Hosted Link
/// address; returns the process, the address and what stderr said before it.
fn start(home: &Home, launcher: &Launcher, args: &[&str]) -> (Child, String, String) {
    let mut child = home
        .cmd(&[&["--json"], args].concat())
        .env("PATH", launcher.path_var())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn coffer-cli");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut said = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no Hosted Link address printed; stderr so far:\n{said}");
        };
        said.push_str(&line);
        said.push('\n');
        if let Some(url) = line
            .split_whitespace()
            .find(|w| w.contains("/link/hosted/"))
        {
            // The rest of stderr (the browser line) follows; collect it in the background.
            std::thread::spawn(move || for _ in rx {});
            return (child, url.to_string(), said);
        }
    }
}

/// Finishes the Hosted Link session at `url` as the page does (`status`: success or exit).
async fn finish(url: &str, status: &str, institution: Option<&str>) {
    let (origin, id) = url.split_once("/link/hosted/").expect("a Hosted Link URL");
    let http = reqwest::Client::new();
    let init: Value = http
        .post(format!("{origin}/_link/ui/init"))
        .json(&json!({ "hosted_id": id }))
        .send()
        .await
        .expect("init")
        .json()
        .await
        .expect("init json");
    let token = init["link_token"].as_str().expect("link_token").to_string();
    let mut body = json!({
        "link_token": token, "username": "user_good", "password": "pass_good", "status": status,
    });
    if let Some(ins) = institution {
        body["institution_id"] = json!(ins);
    }
    let r = http
        .post(format!("{origin}/_link/sessions"))
        .json(&body)
        .send()
        .await
        .expect("session");
    assert!(
        r.status().is_success(),
        "{}",
        r.text().await.unwrap_or_default()
    );
}

/// Waits for the CLI to exit; (exit code, stdout JSON).
fn wait(mut child: Child) -> (i32, Value) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "coffer-cli kept waiting after the session ended"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().expect("stdout"), &mut out)
        .expect("stdout");
    (
        status.code().unwrap_or(-1),
        serde_json::from_str(&out).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn link_and_reconnect_run_hosted_link_from_a_terminal() {
    let home = Home::new();
    let launcher = Launcher::new(true);
    let (child, url, said) = start(&home, &launcher, &["link"]);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(said.contains("open this address in a browser"), "{said}");
    finish(&url, "success", Some("ins_109508")).await;
    let (code, link) = wait(child);
    assert_eq!(code, 0, "{link}");
    assert_eq!(link["institutionId"], "ins_109508", "{link}");
    assert_eq!(
        launcher.opened(),
        std::slice::from_ref(&url),
        "the browser got the address"
    );
    let id = link["id"].as_i64().expect("id");

    // Reconnect: the bank wants a new login; update mode through Hosted Link repairs it.
    home.json(&["sandbox", "reset-login", &id.to_string()]);
    home.json(&["reconnect-check"]);
    let before = home.json(&["links"]);
    assert_eq!(before[0]["health"], "NEEDS_RECONNECT", "{before}");
    let (child, url, _) = start(
        &home,
        &launcher,
        &["reconnect", &id.to_string(), "--no-browser"],
    );
    finish(&url, "success", None).await;
    let (code, link) = wait(child);
    assert_eq!(code, 0, "{link}");
    assert_eq!(link["health"], "HEALTHY", "{link}");
    assert_eq!(launcher.opened().len(), 1, "--no-browser opened nothing");
    assert_eq!(home.json(&["links"]).as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn without_a_browser_the_address_is_enough_and_an_exit_stores_nothing() {
    let home = Home::new();
    let launcher = Launcher::new(false);
    let (child, url, _) = start(&home, &launcher, &["link"]);
    // No launcher worked: the CLI says so and keeps waiting; the person quits in the page.
    finish(&url, "exit", None).await;
    let (code, doc) = wait(child);
    assert_eq!(code, 1, "{doc}");
    let message = doc["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("closed"), "{doc}");
    assert_eq!(home.json(&["links"]), json!([]));
}

#[test]
fn a_consent_ending_soon_says_reconnect_before_in_text_and_json() {
    let home = Home::new();
    let link = home.json(&["link", "--sandbox", "ins_900002"]);
    let day = link["reconnectBefore"].as_str().expect("reconnectBefore");
    assert!(
        link["consentExpiresAt"]
            .as_str()
            .is_some_and(|c| c.starts_with(day)),
        "{link}"
    );
    let text = home.run(&["links"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&format!("reconnect before {day}")), "{text}");
    // A bank whose consent is months away asks nothing yet.
    let other = home.json(&["link", "--sandbox", "ins_127287"]);
    assert!(other["consentExpiresAt"].is_string(), "{other}");
    assert!(other["reconnectBefore"].is_null(), "{other}");
}
