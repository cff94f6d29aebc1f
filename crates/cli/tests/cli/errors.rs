//! Errors in the text form (no `--json`), through the real binary: what failed, what Plaid
//! said (its code, type and own reason), what to do (the core's remedy) and the request id to
//! quote; the same facts the `--json` error object carries.

use serde_json::Value;

use super::Home;

/// Runs without `--json`, expects exit 1 and nothing on stdout; the stderr lines.
fn text_err(home: &Home, args: &[&str]) -> Vec<String> {
    let out = home.run(args);
    assert_eq!(out.status.code(), Some(1), "coffer-cli {args:?} exits 1");
    assert!(
        out.stdout.is_empty(),
        "coffer-cli {args:?}: nothing on stdout, got {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr)
        .expect("utf-8")
        .lines()
        .map(str::to_string)
        .collect()
}

fn text(v: &Value) -> &str {
    v.as_str()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| panic!("expected text, got {v}"))
}

#[test]
fn a_plaid_refusal_says_what_plaid_said_and_what_to_do() {
    let home = Home::new();
    let (_, err) = home.json_err(&["link", "--sandbox", "ins_nope"]);
    assert_eq!(err["plaid"]["errorCode"], "INVALID_INSTITUTION", "{err}");
    assert_eq!(err["plaid"]["errorType"], "INVALID_INPUT", "{err}");
    let reason = text(&err["plaid"]["errorMessage"]);
    let remedy = text(&err["remedy"]);

    let lines = text_err(&home, &["link", "--sandbox", "ins_nope"]);
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert_eq!(lines[0], "error: failed to create link token");
    assert_eq!(
        lines[1],
        format!("  Plaid: INVALID_INSTITUTION (INVALID_INPUT): {reason}")
    );
    assert_eq!(lines[2], format!("  What to do: {remedy}"));
    let id = lines[3]
        .strip_prefix("  Request id: ")
        .unwrap_or_else(|| panic!("no request id: {lines:#?}"));
    assert!(
        !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()),
        "a Plaid request id, got {id:?}"
    );
}

#[test]
fn other_errors_say_what_failed_and_what_to_do() {
    let home = Home::new();
    home.json(&["link", "--sandbox", "ins_109508"]);

    let (_, err) = home.json_err(&["remove", "99"]);
    assert!(err.get("plaid").is_none(), "{err}");
    let lines = text_err(&home, &["remove", "99"]);
    assert_eq!(
        lines,
        [
            format!("error: {}", text(&err["message"])),
            format!("  What to do: {}", text(&err["remedy"])),
        ]
    );

    // No remedy when the message already says it all (bad input): one line.
    let (_, err) = home.json_err(&["rename", "1", ""]);
    assert_eq!(err["remedy"], Value::Null, "{err}");
    let lines = text_err(&home, &["rename", "1", ""]);
    assert_eq!(lines, [format!("error: {}", text(&err["message"]))]);
}

#[test]
fn a_failed_sync_report_says_what_plaid_said_and_what_to_do() {
    let home = Home::new();
    assert!(
        home.run(&["link", "--sandbox", "ins_109508"])
            .status
            .success()
    );
    assert!(home.run(&["sandbox", "reset-login", "1"]).status.success());
    let out = home.run(&["sync"]);
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("link 1: the bank needs you to log in again"))
        .unwrap_or_else(|| panic!("a login-required report: {stdout}"));
    assert!(
        lines[at + 1].starts_with("  Plaid: ITEM_LOGIN_REQUIRED (ITEM_ERROR): "),
        "{stdout}"
    );
    assert_eq!(
        lines[at + 2],
        "  What to do: Your bank needs you to sign in again. Use Reconnect.",
        "{stdout}"
    );
}
