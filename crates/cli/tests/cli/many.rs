//! Many `coffer-cli` processes on one data directory at once (the README's promise under
//! Configuration; the storage is described in docs/ARCHITECTURE.md, Storage), in offline mode
//! with the real keychain: links, syncs, removals, renames, settings and status interleaved,
//! with and without processes killed at random points. Afterwards every link syncs, its rows
//! equal the sandbox's truth, and the keychain holds exactly one entry per link. Each round has
//! several processes saving settings at once, each a different field to a value of that round
//! only: after the round every one of those values is there (a lost update would show an older
//! value, or the default).

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use coffer_core::sandbox::{Sandbox, SandboxConfig};
use coffer_core::{KeyringVault, Store, Vault};
use serde_json::{Value, json};

use super::Home;

/// A small deterministic generator (xorshift), seeded per run and printed, so a failure can
/// be replayed with COFFER_STRESS_SEED.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("COFFER_STRESS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
                    | 1
            });
        eprintln!("stress seed {seed} (set COFFER_STRESS_SEED to replay)");
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn link_ids(home: &Home) -> Vec<i64> {
    home.json(&["links"])
        .as_array()
        .expect("links")
        .iter()
        .map(|l| l["id"].as_i64().expect("id"))
        .collect()
}

/// A setting the processes of a round save at the same time: each field is saved by at most
/// one process per round, to a value no other round uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    LinkLimit,
    DaysRequested,
    Countries,
    SignIn,
}

impl Field {
    const ALL: [Field; 4] = [
        Field::LinkLimit,
        Field::DaysRequested,
        Field::Countries,
        Field::SignIn,
    ];

    /// Its key in `settings --json`.
    fn key(self) -> &'static str {
        match self {
            Field::LinkLimit => "linkLimit",
            Field::DaysRequested => "daysRequested",
            Field::Countries => "countryCodes",
            Field::SignIn => "signIn",
        }
    }

    /// `settings set` with round `r`'s value.
    fn command(self, r: usize) -> Vec<String> {
        let mut cmd = vec!["settings".to_string(), "set".to_string()];
        match self {
            // Above any number of links the stress makes, so every `link` still succeeds.
            Field::LinkLimit => cmd.extend(["--link-limit".into(), (200 + r).to_string()]),
            Field::DaysRequested => cmd.extend(["--days-requested".into(), (700 - r).to_string()]),
            Field::Countries => cmd.extend([
                "--country".into(),
                "US".into(),
                "--country".into(),
                Self::second_country(r).into(),
            ]),
            Field::SignIn => cmd.extend(["--sign-in".into(), Self::sign_in(r).into()]),
        }
        cmd
    }

    /// What `settings --json` shows once round `r`'s value is saved.
    fn value(self, r: usize) -> Value {
        match self {
            Field::LinkLimit => json!(200 + r),
            Field::DaysRequested => json!(700 - r),
            Field::Countries => json!(["US", Self::second_country(r)]),
            Field::SignIn => json!(Self::sign_in(r)),
        }
    }

    fn second_country(r: usize) -> &'static str {
        ["CA", "GB", "IE", "FR", "ES", "NL", "DE"][r % 7]
    }

    /// Alternates from the offline default (`app`), so each round changes it.
    fn sign_in(r: usize) -> &'static str {
        if r.is_multiple_of(2) {
            "browser"
        } else {
            "app"
        }
    }
}

/// A process of a round: its arguments, and the setting it saves, if any.
struct Planned {
    args: Vec<String>,
    saves: Option<Field>,
}

/// One round's commands for `n` processes: at least two new links and two settings saves
/// (different fields), the rest a mix that may save more fields.
fn round(rng: &mut Rng, n: usize, links: &[i64], r: usize) -> Vec<Planned> {
    let plain = |args: Vec<String>| Planned { args, saves: None };
    let mut cmds: Vec<Planned> = vec![
        plain(vec!["link".into(), "--sandbox".into(), "ins_109508".into()]),
        plain(vec!["link".into(), "--sandbox".into(), "ins_109508".into()]),
    ];
    // Each field saved at most once this round, in a random order.
    let mut fields = Field::ALL.to_vec();
    let mut save = |rng: &mut Rng| {
        (!fields.is_empty()).then(|| {
            let field = fields.remove(rng.below(fields.len() as u64) as usize);
            Planned {
                args: field.command(r),
                saves: Some(field),
            }
        })
    };
    for _ in 0..2 {
        cmds.extend(save(rng));
    }
    // Distinct targets for rename and remove, so each must succeed.
    let mut targets: Vec<i64> = links.to_vec();
    while cmds.len() < n {
        let cmd = match rng.below(7) {
            0 | 1 => plain(vec!["sync".into()]),
            2 if !targets.is_empty() => {
                let id = targets.remove(rng.below(targets.len() as u64) as usize);
                plain(vec![
                    "rename".into(),
                    id.to_string(),
                    format!("Bank {r}-{id}"),
                ])
            }
            3 if targets.len() > 1 => {
                let id = targets.remove(rng.below(targets.len() as u64) as usize);
                plain(vec!["remove".into(), id.to_string()])
            }
            4 | 5 => match save(rng) {
                Some(saving) => saving,
                None => plain(vec!["settings".into()]),
            },
            _ => plain(vec![
                ["status", "links", "reconnect-check"][rng.below(3) as usize].into(),
            ]),
        };
        cmds.push(cmd);
    }
    cmds
}

fn spawn(home: &Home, args: &[String]) -> Child {
    let mut all = vec!["--json".to_string()];
    all.extend_from_slice(args);
    home.cmd(&all.iter().map(String::as_str).collect::<Vec<_>>())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn coffer-cli")
}

/// The settings every finished save has left, by `settings --json` key.
type Saved = BTreeMap<&'static str, Value>;

/// Runs rounds of `n` processes at once; with `kill`, one process of each round is killed
/// after a random delay. After each round every setting saved in it (and every earlier one
/// not saved again) is checked. Returns how many processes ran and the settings saved.
fn stress(home: &Home, rounds: usize, n: usize, kill: bool) -> (usize, Saved) {
    let mut rng = Rng::new();
    home.json(&["settings", "set", "--link-limit", "100"]);
    let mut saved = Saved::from([("linkLimit", json!(100))]);
    let mut ran = 0;
    for r in 0..rounds {
        let links = link_ids(home);
        let cmds = round(&mut rng, n, &links, r);
        let victim = kill.then(|| rng.below(n as u64) as usize);
        let delay = Duration::from_millis(rng.below(400));
        let started = Instant::now();
        let mut children: Vec<(Planned, Child)> = cmds
            .into_iter()
            .map(|c| {
                let child = spawn(home, &c.args);
                (c, child)
            })
            .collect();
        if let Some(v) = victim {
            std::thread::sleep(delay.saturating_sub(started.elapsed()));
            let _ = children[v].1.kill();
        }
        // A killed process may or may not have saved its value.
        let mut either: Option<(Field, Option<Value>)> = None;
        for (i, (cmd, child)) in children.iter_mut().enumerate() {
            let out = std::mem::replace(child, spawn_noop()).wait_with_output();
            let out = out.expect("wait");
            ran += 1;
            if Some(i) == victim {
                if let Some(field) = cmd.saves {
                    either = Some((field, saved.remove(field.key())));
                }
                continue;
            }
            assert!(
                out.status.success(),
                "round {r}: coffer-cli {:?} failed: {}\n{}",
                cmd.args,
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout)
            );
            if let Some(field) = cmd.saves {
                saved.insert(field.key(), field.value(r));
            }
        }
        let now = home.json(&["settings"]);
        if let Some((field, before)) = either {
            let found = now[field.key()].clone();
            assert!(
                found == field.value(r) || before.as_ref().is_none_or(|b| *b == found),
                "round {r}: {} is {found}, neither the killed process's {} nor the value before it ({before:?})",
                field.key(),
                field.value(r)
            );
            saved.insert(field.key(), found);
        }
        assert_settings(&now, &saved, &format!("after round {r}"));
    }
    (ran, saved)
}

/// Every saved setting is in `settings --json`.
fn assert_settings(settings: &Value, saved: &Saved, when: &str) {
    for (key, value) in saved {
        assert_eq!(
            &settings[*key], value,
            "{when}: the saved {key} was lost (another process's save overwrote it): {settings}"
        );
    }
}

/// A finished placeholder to swap in for a child being waited on.
fn spawn_noop() -> Child {
    std::process::Command::new("true")
        .stdout(Stdio::null())
        .spawn()
        .expect("true")
}

/// What must hold after any mix of processes: every live link syncs and equals the sandbox's
/// truth, each has its keychain entry, and no keychain entry is left without a link.
fn check_consistent(home: &Home) -> Vec<Value> {
    // Open once more (reconcile runs at open), then sync everything.
    home.json(&["status"]);
    let reports = home.json(&["sync"]);
    for r in reports.as_array().expect("reports") {
        assert!(
            r["status"] == "UPDATED" || r["status"] == "NOT_READY",
            "every link syncs: {r}"
        );
    }
    let links = home.json(&["links"]);
    let links = links.as_array().expect("links").clone();
    assert!(!links.is_empty());

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let sandbox = runtime.block_on(async {
        Sandbox::start(
            "127.0.0.1:0".parse().expect("addr"),
            SandboxConfig {
                state_path: Some(home.path().join("offline").join("sandbox.json")),
                ..Default::default()
            },
        )
        .await
        .expect("sandbox on the same state")
    });
    let store = Store::open(home.path().join("offline").join("coffer.db")).expect("store");
    let vault = KeyringVault::new(coffer_core::vault::SERVICE);
    let linked: BTreeSet<String> = links
        .iter()
        .map(|l| l["itemId"].as_str().expect("item").to_string())
        .collect();
    assert_eq!(linked.len(), links.len(), "one link per item");
    for l in &links {
        let id = l["id"].as_i64().expect("id");
        let item = l["itemId"].as_str().expect("item");
        assert_eq!(l["health"], "HEALTHY", "{l}");
        let mut truth: Vec<(String, String)> = sandbox
            .transactions_of_item(item)
            .into_iter()
            .map(|t| {
                (
                    t["transaction_id"].as_str().expect("id").to_string(),
                    decimal(&t["amount"].to_string()),
                )
            })
            .collect();
        truth.sort();
        let mut stored: Vec<(String, String)> = store
            .read(|c| coffer_core::store::transactions::read::ids_of_link(c, id))
            .expect("rows")
            .into_iter()
            .map(|(tid, amount, _)| (tid, decimal(&amount)))
            .collect();
        stored.sort();
        assert!(!truth.is_empty());
        assert_eq!(stored, truth, "link {id}: rows equal the sandbox's truth");
    }
    // Every item the sandbox ever made: a keychain entry exactly when a link holds it.
    for item in sandbox.item_ids() {
        let entry = vault
            .load(&format!("offline/item/{item}"))
            .expect("keychain");
        assert_eq!(
            entry.is_some(),
            linked.contains(&item),
            "item {item}: keychain entry iff linked"
        );
    }
    // No access token rests in any file of the data directory (the embedded sandbox's state
    // file included: it keeps hashes).
    let files = files_under(home.path());
    assert!(files.iter().any(|(p, _)| p.ends_with("sandbox.json")));
    for item in &linked {
        let token = vault
            .load(&format!("offline/item/{item}"))
            .expect("keychain")
            .expect("token");
        for (path, bytes) in &files {
            assert!(
                !bytes
                    .windows(token.expose().len())
                    .any(|w| w == token.expose().as_bytes()),
                "an access token rests in {}",
                path.display()
            );
        }
    }
    let index = store
        .read(coffer_core::store::vault_entries::read::list)
        .expect("index");
    let indexed: BTreeSet<String> = index.into_iter().map(|(_, item)| item).collect();
    assert_eq!(
        indexed, linked,
        "the keychain index lists exactly the links"
    );
    runtime.block_on(sandbox.shutdown());
    links
}

pub(crate) fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

fn decimal(s: &str) -> String {
    let d: rust_decimal::Decimal = s.trim_matches('"').parse().expect("decimal");
    d.normalize().to_string()
}

fn events(home: &Home) -> Vec<(String, String)> {
    let store = Store::open(home.path().join("offline").join("coffer.db")).expect("store");
    store
        .read(|c| coffer_core::store::events::read::recent(c, None, 100_000))
        .expect("events")
        .into_iter()
        .map(|e| (e.kind, e.detail))
        .collect()
}

#[test]
fn many_processes_at_once_lose_nothing() {
    let home = Home::new();
    let (ran, saved) = stress(&home, 4, 6, false);
    assert_eq!(ran, 24);
    assert!(
        saved.len() >= 2,
        "settings were saved concurrently: {saved:?}"
    );
    check_consistent(&home);
    let orphans: Vec<_> = events(&home)
        .into_iter()
        .filter(|(kind, _)| kind.contains("orphan") || kind.contains("missing"))
        .collect();
    assert!(
        orphans.is_empty(),
        "no process took another's work for an orphan: {orphans:?}"
    );
    // Still there after the consistency check's own processes.
    assert_settings(&home.json(&["settings"]), &saved, "at the end");
}

#[test]
fn processes_killed_at_random_points_leave_a_consistent_directory() {
    let home = Home::new();
    stress(&home, 4, 5, true);
    check_consistent(&home);
}

/// Two processes syncing the same link at once: the second waits, then finds nothing new;
/// together they store exactly the rows one sync would.
#[test]
fn two_processes_syncing_one_link_store_it_once() {
    let home = Home::new();
    home.json(&["link", "--sandbox", "ins_109508"]);
    let a = spawn(&home, &["sync".into()]);
    let b = spawn(&home, &["sync".into()]);
    let mut added = 0;
    for child in [a, b] {
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let reports: Value = serde_json::from_slice(&out.stdout).expect("json");
        added += reports[0]["added"].as_u64().expect("added");
    }
    let links = check_consistent(&home);
    let store = Store::open(home.path().join("offline").join("coffer.db")).expect("store");
    let rows = store
        .read(|c| {
            coffer_core::store::transactions::read::ids_of_link(
                c,
                links[0]["id"].as_i64().expect("id"),
            )
        })
        .expect("rows")
        .len() as u64;
    assert_eq!(added, rows, "no row added twice");
}
