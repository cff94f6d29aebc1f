//! The list of desktop commands is written in several places that must agree: the
//! `#[tauri::command]` functions, `generate_handler!` in main.rs, `COMMANDS` in build.rs, the
//! capabilities, and the UI's wrappers. This test reads them all and fails on any drift.

use std::collections::BTreeSet;
use std::path::Path;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every quoted word in `text` between `start` and the next `end`.
fn quoted_between(text: &str, start: &str, end: &str) -> BTreeSet<String> {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} not found"))
        + start.len();
    let to = from + text[from..].find(end).expect("end");
    text[from..to]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The names after `prefix` up to the next non-identifier character, in `text`.
fn names_after(text: &str, prefix: &str) -> BTreeSet<String> {
    text.match_indices(prefix)
        .map(|(i, _)| {
            text[i + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

fn permissions(capability: &str) -> BTreeSet<String> {
    let v: serde_json::Value = serde_json::from_str(&read(capability)).expect("json");
    v["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect()
}

#[test]
fn command_lists_agree() {
    let commands_rs = read("src/commands.rs");
    let defined: BTreeSet<String> = commands_rs
        .split("#[tauri::command]")
        .skip(1)
        .map(|after| {
            let sig = after.trim_start();
            let sig = sig.strip_prefix("pub ").unwrap_or(sig);
            let sig = sig.strip_prefix("async ").unwrap_or(sig);
            let sig = sig
                .strip_prefix("fn ")
                .expect("a fn after #[tauri::command]");
            sig.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect();
    let main_rs = read("src/main.rs");
    let from = main_rs
        .find("generate_handler![")
        .expect("generate_handler");
    let to = from + main_rs[from..].find(']').expect("]");
    let handled = names_after(&main_rs[from..to], "commands::");
    let built = quoted_between(&read("build.rs"), "const COMMANDS", "];");
    let main = permissions("capabilities/main.json");
    let link = permissions("capabilities/link.json");
    let granted: BTreeSet<String> = main.union(&link).cloned().collect();
    let ui = read("../ui/src/lib/backend/commands.ts");
    let ui_link = read("../ui/src/link-window/commands.ts");
    let called: BTreeSet<String> = quoted_calls(&ui)
        .union(&quoted_calls(&ui_link))
        .cloned()
        .collect();

    assert_eq!(
        handled, defined,
        "generate_handler! vs the #[tauri::command]s"
    );
    assert_eq!(
        built, defined,
        "build.rs COMMANDS vs the #[tauri::command]s"
    );
    assert_eq!(granted, defined, "capabilities vs the #[tauri::command]s");
    assert_eq!(
        called, defined,
        "the UI's wrappers vs the #[tauri::command]s"
    );
    // The Link window, which runs Plaid's script, gets its three commands and nothing more;
    // the main window none of them.
    let link_only: BTreeSet<String> = ["link_session", "link_success", "link_exit"]
        .map(String::from)
        .into();
    assert_eq!(link, link_only);
    assert!(main.is_disjoint(&link_only), "{main:?}");
    assert_eq!(quoted_calls(&ui_link), link_only);
}

/// Command names in `backend.call<...>('name'` calls.
fn quoted_calls(ts: &str) -> BTreeSet<String> {
    ts.match_indices(".call<")
        .filter_map(|(i, _)| {
            let rest = &ts[i..];
            let open = rest.find("('")? + 2;
            let close = open + rest[open..].find('\'')?;
            Some(rest[open..close].to_string())
        })
        .collect()
}

#[test]
fn capabilities_grant_no_plugin_defaults() {
    for file in ["capabilities/main.json", "capabilities/link.json"] {
        let v: serde_json::Value = serde_json::from_str(&read(file)).expect("json");
        for p in v["permissions"].as_array().expect("permissions") {
            let p = p.as_str().expect("a permission name");
            assert!(!p.ends_with(":default"), "{file} grants {p}");
            assert!(
                !p.starts_with("dialog:") && !p.starts_with("opener:"),
                "{file} grants {p}"
            );
        }
    }
}
