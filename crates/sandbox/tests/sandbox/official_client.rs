//! Plaid's official Python client, unchanged from PyPI at an exact version, runs a whole Item's
//! life against the sandbox (`official_client.py`): every answer goes through its strict
//! generated models, so a field Plaid's newest client requires and the sandbox omits fails
//! here, not in a user's backend.
//!
//! The virtualenv is made by the test under the target dir (`CARGO_TARGET_TMPDIR`) and kept
//! between runs: built in a scratch directory, marked complete, then renamed into place, so an
//! interrupted or concurrent run never leaves a half-installed one behind. Needs `python3` with
//! `venv` (Debian: `python3-venv`) and PyPI the first time; `COFFER_PYTHON` names another
//! interpreter.

use std::path::{Path, PathBuf};
use std::process::Command;

use coffer_sandbox::{Sandbox, SandboxConfig};
use coffer_spec::Spec;

/// The plaid-python release the test pins (generated from spec 2020-09-14_1.778.0).
const PLAID_PYTHON: &str = "46.0.0";

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn venv_python(venv: &Path) -> PathBuf {
    venv.join("bin").join("python")
}

/// The cached virtualenv with plaid-python installed; made on first use.
fn plaid_python() -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let venv = root.join(format!("plaid-python-{PLAID_PYTHON}"));
    let ready = venv.join("coffer-ready");
    if ready.is_file() {
        return venv_python(&venv);
    }
    let scratch = root.join(format!(
        "plaid-python-{PLAID_PYTHON}.partial-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&scratch);
    let python = std::env::var_os("COFFER_PYTHON").unwrap_or_else(|| "python3".into());
    run(
        Command::new(&python).arg("-m").arg("venv").arg(&scratch),
        "creating the plaid-python virtualenv (Debian needs python3-venv)",
    );
    run(
        Command::new(venv_python(&scratch)).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
            &format!("plaid-python=={PLAID_PYTHON}"),
        ]),
        "pip install plaid-python",
    );
    std::fs::write(scratch.join("coffer-ready"), PLAID_PYTHON).expect("marker");
    if std::fs::rename(&scratch, &venv).is_err() {
        // Another run finished first (or a stale incomplete venv is in the way).
        if !ready.is_file() {
            let _ = std::fs::remove_dir_all(&venv);
            std::fs::rename(&scratch, &venv).expect("moving the virtualenv into place");
        } else {
            let _ = std::fs::remove_dir_all(&scratch);
        }
    }
    venv_python(&venv)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plaid_python_runs_a_whole_item_lifecycle() {
    let python = tokio::task::spawn_blocking(plaid_python)
        .await
        .expect("venv");
    let sandbox = Sandbox::start(
        "127.0.0.1:0".parse().expect("addr"),
        SandboxConfig {
            history: 240,
            record_exchanges: true,
            ..SandboxConfig::default()
        },
    )
    .await
    .expect("start");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sandbox/official_client.py");
    let out = tokio::process::Command::new(&python)
        .arg(&script)
        .arg(sandbox.url())
        .output()
        .await
        .expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "plaid-python {PLAID_PYTHON} failed against the sandbox ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("plaid-python {PLAID_PYTHON}")),
        "{stdout}"
    );
    // The client reached every endpoint, and what it got also passes our strict check.
    let exchanges = sandbox.exchanges();
    let mut paths: Vec<&str> = coffer_spec::COFFER_ENDPOINTS.to_vec();
    paths.push("/webhook_verification_key/get");
    for path in paths {
        assert!(
            exchanges.iter().any(|e| e.path == path && e.status == 200),
            "plaid-python never got a 200 from {path}"
        );
    }
    for e in &exchanges {
        let checked = if e.status == 200 {
            Spec::current().check_response_strict(&e.path, e.status, &e.response)
        } else {
            Spec::current().check_response(&e.path, e.status, &e.response)
        };
        if let Err(v) = checked {
            panic!("{v}");
        }
    }
    sandbox.shutdown().await;
}
