//! `cargo xtask`: the project's set-up, run, test, bench, package and generated-file entry
//! points.
//!
//! - `cargo xtask run`: builds the UI and opens the desktop app (offline mode unless Plaid keys
//!   are configured); `cargo xtask run -- ARGS` runs the command-line front end, `coffer-cli`.
//! - `cargo xtask test`: installs what is missing on Debian/Ubuntu, then runs `cargo fmt
//!   --check`, the TypeScript bindings' drift check, clippy with `-D warnings` on all targets,
//!   and every test, inside a private D-Bus session with an unlocked `gnome-keyring-daemon` so
//!   the real Secret Service is exercised. Then, on Debian/Ubuntu, the packages of `package`:
//!   the `.rpm`'s metadata and file list are checked, the `.deb` is installed with `apt-get`,
//!   the installed `/usr/bin/coffer` is driven through WebDriver
//!   (`crates/e2e/tests/installed.rs`), and the package is removed, leaving none of its files.
//! - `cargo xtask package [-- FORMAT ...]`: a release build of the desktop app with the UI
//!   embedded, then installable packages under `target/release/bundle/`, made by the Tauri
//!   bundler from tauri.conf.json: `.deb` and `.rpm` on Linux (offline); other formats by the
//!   bundler's names (`appimage`, `app`, `dmg`, `msi`, `nsis`) on their systems (see
//!   `package.rs`). `cargo xtask package -- --check` runs `test`'s package step alone.
//! - `cargo xtask bindings`: regenerates the UI's TypeScript bindings of the commands' inputs,
//!   outputs and errors (`ui/src/lib/backend/bindings/`) from coffer-core's types; `test`
//!   fails while the committed ones differ.
//! - `cargo xtask plaid-spec SPEC.json [SOURCE]`: writes the schema-only extract of Plaid's
//!   OpenAPI spec that the contract tests read (`crates/spec/plaid/`; see `plaid_spec.rs`).
//! - `cargo xtask setup`: installs the Debian/Ubuntu packages the build and tests need.
//! - `cargo xtask bench [-- --rows N --list-rows N --skip-list]`: the benchmark (release
//!   build): builds `plaid-sandbox` and runs `coffer-core`'s `bench` example against it as a
//!   separate process. Prints sync rows/s next to a same-run SQLite insert baseline, peak RSS
//!   growth during the sync, and `list_transactions` p50/p95 per filter shape on 1,000,000
//!   rows, each with its target and PASS/FAIL. A missed target is printed, not an error.
//!   Then the desktop benchmark (`coffer-core`'s `desktop_bench` example, on release builds of
//!   the app and of `coffer-desktop`'s `minimal_window` example, under Xvfb in a private
//!   keyring session): startup to the first painted list of links and idle PSS next to the
//!   minimal Tauri window, and Transactions latencies at 1,000,000 rows through WebDriver.
//!   Arguments after `--desktop` go to the desktop benchmark (`--rows N --runs N --samples
//!   N`); `--core-only` / `--desktop-only` run one of the two. Last, the local REST API
//!   benchmark (`coffer-core`'s `serve_bench` example against a release `coffer-cli serve`):
//!   link-token requests/s with `use_cache`, and transactions page p95 at 1,000,000 rows
//!   through HTTP.
//!
//! How to add a step: write a function that returns `Result<()>`, call it from `test` (or
//! `bench`) between the existing steps, and give it a `step("...")` heading so a failure in
//! CI names the step.

mod package;
mod plaid_spec;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// Debian packages the build and the tests need (docs/ARCHITECTURE.md, "Building and testing").
const APT_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    // keyring's `sync-secret-service` links libdbus.
    "libdbus-1-dev",
    // A headless Secret Service for the keychain tests.
    "dbus",
    "dbus-user-session",
    "gnome-keyring",
    "libsecret-tools",
    // The sandbox's official-client contract test runs plaid-python in a virtualenv.
    "python3",
    "python3-venv",
    // The Link stand-in's browser tests: WebKitGTK's WebDriver + MiniBrowser under Xvfb.
    "webkit2gtk-driver",
    "xvfb",
    "xauth",
    "fonts-dejavu-core",
    // The desktop app (Tauri 2 on WebKitGTK 4.1) and its end-to-end tests (tauri-driver
    // drives WebKitWebDriver, above).
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "libsoup-3.0-dev",
    "libjavascriptcoregtk-4.1-dev",
    "file",
    "imagemagick",
    // The export end-to-end test types a path into the native save dialog.
    "xdotool",
    // The package checks: `rpm -qip`/`-qlp` read the .rpm; desktop-file-validate the .desktop.
    "rpm",
    "desktop-file-utils",
];

/// The tauri-driver the desktop's end-to-end tests use.
const TAURI_DRIVER_VERSION: &str = "2.1.0";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(),
        Some("bench") => bench(&args[1..]),
        Some("bindings") => bindings(),
        Some("plaid-spec") => plaid_spec::plaid_spec(&workspace_root(), &args[1..]),
        Some("package") => package::package(&args[1..]),
        Some("setup") => ensure_system_packages(),
        _ => {
            eprintln!(
                "usage: cargo xtask <run [-- ARGS] | test | bindings | bench | package [-- FORMAT ... | --check] | plaid-spec SPEC.json [SOURCE] | setup>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

fn step(name: &str) {
    eprintln!("\n==> {name}");
}

/// Runs `cmd` with inherited stdio (in the workspace root unless `cmd` names a directory);
/// fails if it exits non-zero.
fn status(cmd: &mut Command) -> Result<()> {
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(workspace_root());
    }
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

/// The cargo that runs xtask (so the same toolchain builds everything).
fn cargo_bin() -> String {
    env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn cargo() -> Command {
    Command::new(cargo_bin())
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program} >/dev/null 2>&1")])
        .status()
        .is_ok_and(|s| s.success())
}

fn dpkg_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

/// Installs the Debian packages that are missing. Skipped on systems without apt/dpkg
/// (the developer is then told what is needed).
fn ensure_system_packages() -> Result<()> {
    if !have("dpkg-query") || !have("apt-get") {
        eprintln!(
            "xtask: not a Debian/Ubuntu system; make sure these (or equivalents) are installed: {}",
            APT_PACKAGES.join(" ")
        );
        return Ok(());
    }
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .copied()
        .filter(|p| !dpkg_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    step(&format!(
        "installing system packages: {}",
        missing.join(" ")
    ));
    let apt = |args: &[&str]| -> Result<()> {
        status(
            as_root("apt-get")
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )
    };
    apt(&["update", "-qq"])?;
    let mut install = vec!["install", "-y", "-qq", "--no-install-recommends"];
    install.extend(missing.iter().copied());
    apt(&install)
}

/// `program` as root: itself when xtask runs as root, else through `sudo`.
fn as_root(program: &str) -> Command {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if is_root {
        Command::new(program)
    } else {
        let mut cmd = Command::new("sudo");
        cmd.arg(program);
        cmd
    }
}

/// `inner` inside a private D-Bus session with gnome-keyring's Secret Service unlocked with
/// `password` (gnome-keyring cannot create or unlock a keyring with an empty password without
/// a GUI prompt). `--unlock` can return before the login collection is the unlocked default
/// (seen once in CI: "Cannot create an item in a locked collection" on the first test), so
/// the script waits, up to 10 s, until an item can be stored. The bus goes away with the
/// command; the keyring file stays in `$XDG_DATA_HOME/keyrings`, or in
/// `$COFFER_KEYRING_DIR/keyrings` when the command sets that (the daemon alone sees it).
fn in_keyring_session(password: &str, inner: &[&str]) -> Command {
    let script = "set -e\n\
        if [ -n \"${COFFER_KEYRING_DIR:-}\" ]; then\n\
          printf '%s' \"$COFFER_KEYRING_UNLOCK\" | XDG_DATA_HOME=\"$COFFER_KEYRING_DIR\" \
            gnome-keyring-daemon --unlock --components=secrets >/dev/null\n\
        else\n\
          printf '%s' \"$COFFER_KEYRING_UNLOCK\" | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n\
        fi\n\
        for _ in $(seq 100); do\n\
          if printf ready | secret-tool store --label='coffer keyring probe' coffer-probe ready 2>/dev/null; then\n\
            secret-tool clear coffer-probe ready; break\n\
          fi\n\
          sleep 0.1\n\
        done\n\
        exec \"$@\"";
    let mut cmd = Command::new("dbus-run-session");
    cmd.args(["--", "bash", "-c", script, "bash"])
        .args(inner)
        .env("COFFER_KEYRING_UNLOCK", password)
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    cmd
}

/// A throwaway `XDG_DATA_HOME` / `XDG_RUNTIME_DIR` for the tests' keyring, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self> {
        let root = env::temp_dir().join(format!("coffer-xtask-{}", std::process::id()));
        std::fs::create_dir_all(root.join("data"))?;
        std::fs::create_dir_all(root.join("run"))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(root.join("run"), std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(Scratch(root))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn test() -> Result<()> {
    let started = Instant::now();
    ensure_system_packages()?;

    step("cargo fmt --check");
    status(cargo().args(["fmt", "--all", "--check"]))?;

    step("TypeScript bindings match the Rust types (`cargo xtask bindings` updates them)");
    status(&mut bindings_test())?;

    // The desktop crate embeds ui/dist at compile time, so the UI is built (and tested) first.
    ui(&["ci", "--no-audit", "--no-fund"])?;
    step("ui: build, type check, unit tests");
    ui(&["run", "build"])?;
    ui(&["run", "check"])?;
    ui(&["test"])?;
    ensure_tauri_driver()?;

    step("cargo clippy -D warnings");
    status(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        // Also lints the bindings test and the `ts` derives.
        "--features",
        "coffer-core/ts",
        "--",
        "-D",
        "warnings",
    ]))?;

    step("cargo build: the desktop binary the end-to-end tests drive");
    status(cargo().args(["build", "--locked", "--package", "coffer-desktop"]))?;

    step("cargo test (real Secret Service in a private D-Bus session)");
    let scratch = Scratch::new()?;
    let cargo = cargo_bin();
    status(
        in_keyring_session(
            "coffer-test-keyring",
            &[&cargo, "test", "--workspace", "--locked"],
        )
        .env("XDG_DATA_HOME", scratch.0.join("data"))
        .env("XDG_RUNTIME_DIR", scratch.0.join("run"))
        .env(
            "COFFER_DESKTOP_BIN",
            target_dir().join("debug").join("coffer"),
        ),
    )?;
    drop(scratch);

    if have("dpkg") && have("apt-get") {
        package::build_and_check()?;
    } else {
        eprintln!("xtask: not a Debian/Ubuntu system: the .deb/.rpm install test is skipped");
    }

    eprintln!("\nxtask: all checks passed in {:.0?}", started.elapsed());
    Ok(())
}

/// coffer-core's `bindings` test: compares `ui/src/lib/backend/bindings/` with what the Rust
/// types render (and rewrites the files when `COFFER_WRITE_BINDINGS=1`).
fn bindings_test() -> Command {
    let mut cmd = cargo();
    cmd.args([
        "test",
        "--locked",
        "--package",
        "coffer-core",
        "--features",
        "ts",
        "--test",
        "bindings",
    ]);
    cmd
}

/// `cargo xtask bindings`: rewrites the TypeScript bindings from the Rust types.
fn bindings() -> Result<()> {
    step("writing ui/src/lib/backend/bindings/ from coffer-core's types");
    status(
        bindings_test()
            .args(["--", "--nocapture"])
            .env("COFFER_WRITE_BINDINGS", "1"),
    )
}

/// `npm ARGS` in `ui/`.
fn ui(args: &[&str]) -> Result<()> {
    if !have("npm") {
        bail!("npm (Node.js 20 or newer) is needed to build the UI; install Node.js and try again");
    }
    let mut cmd = Command::new("npm");
    cmd.args(args).current_dir(workspace_root().join("ui"));
    status(&mut cmd)
}

/// Builds the UI unless `ui/dist` is newer than every file under `ui/src`.
fn build_ui() -> Result<()> {
    let root = workspace_root().join("ui");
    if !root.join("node_modules").is_dir() {
        step("ui: npm ci");
        ui(&["ci", "--no-audit", "--no-fund"])?;
    }
    step("ui: build");
    ui(&["run", "build"])
}

/// Installs tauri-driver with cargo when it is missing (the end-to-end tests need it).
fn ensure_tauri_driver() -> Result<()> {
    if have("tauri-driver") {
        return Ok(());
    }
    step(&format!("installing tauri-driver {TAURI_DRIVER_VERSION}"));
    status(cargo().args([
        "install",
        "tauri-driver",
        "--locked",
        "--version",
        TAURI_DRIVER_VERSION,
    ]))
}

/// The cargo target directory.
fn target_dir() -> PathBuf {
    let target = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    if target.is_relative() {
        workspace_root().join(target)
    } else {
        target
    }
}

/// `cargo xtask run`: the desktop app; `cargo xtask run -- ARGS`: the command-line front end.
fn run(args: &[String]) -> Result<()> {
    ensure_system_packages()?;
    let args: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .skip_while(|a| *a == "--")
        .collect();
    let mut cargo_args = vec!["run", "--quiet", "--package"];
    let headless = env::var_os("DISPLAY").is_none() && env::var_os("WAYLAND_DISPLAY").is_none();
    if args.is_empty() && !headless {
        build_ui()?;
        cargo_args.extend(["coffer-desktop", "--bin", "coffer"]);
    } else if args.is_empty() {
        eprintln!(
            "xtask: no display (DISPLAY is not set), so the desktop app cannot open here; \
             showing the command-line front end's status instead. On a desktop, `cargo xtask \
             run` opens the app; headless, try `xvfb-run -a cargo xtask run`."
        );
        cargo_args.extend(["coffer-cli", "--", "status"]);
    } else {
        cargo_args.extend(["coffer-cli", "--"]);
        cargo_args.extend(args);
    }
    // Relative paths the user gives (`export --out file.csv`) mean where they ran the command.
    let here = env::current_dir().context("no current directory")?;
    // On a desktop the session bus and its keychain are already there.
    if env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() || !have("dbus-run-session") {
        return status(cargo().args(&cargo_args).current_dir(&here));
    }
    // Headless: a private bus with gnome-keyring, whose keyring lives in a directory of its
    // own (never the person's ~/.local/share/keyrings) and is unlocked with a random password
    // kept beside it, 0600, so tokens persist between runs.
    let keyring = HeadlessKeyring::open(&headless_keyring_dir()?)?;
    eprintln!(
        "xtask: no D-Bus session found; starting a private one with gnome-keyring, its keyring in {}",
        keyring.dir.display()
    );
    let cargo = cargo_bin();
    let mut inner = vec![cargo.as_str()];
    inner.extend(&cargo_args);
    status(
        in_keyring_session(&keyring.password, &inner)
            .env("COFFER_KEYRING_DIR", &keyring.dir)
            .current_dir(&here),
    )
}

/// Where `cargo xtask run` keeps its headless keyring: `$XDG_DATA_HOME/coffer-xtask-keyring`
/// (default `~/.local/share/...`).
fn headless_keyring_dir() -> Result<PathBuf> {
    let data = match env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env::var_os("HOME").context("HOME is not set")?)
            .join(".local")
            .join("share"),
    };
    Ok(data.join("coffer-xtask-keyring"))
}

/// The headless keyring of `cargo xtask run`: a 0700 directory holding gnome-keyring's files
/// and `password` (0600, 32 random hex digits, made on first use).
#[derive(Debug)]
struct HeadlessKeyring {
    dir: PathBuf,
    password: String,
}

impl HeadlessKeyring {
    fn open(dir: &Path) -> Result<Self> {
        use std::io::{Read, Write};
        #[cfg(unix)]
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        builder.mode(0o700);
        builder
            .create(dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        #[cfg(unix)]
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        let file = dir.join("password");
        let password = match std::fs::File::open(&file) {
            Ok(mut f) => {
                let mut text = String::new();
                f.read_to_string(&mut text)?;
                text.trim().to_string()
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut bytes = [0u8; 16];
                std::fs::File::open("/dev/urandom")
                    .and_then(|mut r| r.read_exact(&mut bytes))
                    .context("cannot read /dev/urandom for the keyring password")?;
                let password: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                options.mode(0o600);
                options
                    .open(&file)
                    .and_then(|mut f| f.write_all(password.as_bytes()))
                    .with_context(|| format!("cannot write {}", file.display()))?;
                password
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", file.display())),
        };
        if password.len() < 16 {
            bail!(
                "{} holds no usable password; remove the directory to start a new keyring",
                file.display()
            );
        }
        #[cfg(unix)]
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            password,
        })
    }
}

fn bench(args: &[String]) -> Result<()> {
    ensure_system_packages()?;
    // The sandbox runs as its own process so its memory is not counted as Coffer's.
    step("building plaid-sandbox (release)");
    status(cargo().args([
        "build",
        "--release",
        "--locked",
        "--package",
        "coffer-sandbox",
        "--bin",
        "plaid-sandbox",
    ]))?;
    let sandbox = target_dir()
        .join("release")
        .join(format!("plaid-sandbox{}", env::consts::EXE_SUFFIX));
    if !sandbox.is_file() {
        bail!("{} was not built", sandbox.display());
    }
    let args: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .skip_while(|a| *a == "--")
        .collect();
    let split = args.iter().position(|a| *a == "--desktop");
    let (core_args, desktop_args) = match split {
        Some(i) => (&args[..i], &args[i + 1..]),
        None => (&args[..], &[][..]),
    };
    let only = |flag: &str| core_args.contains(&flag);
    let core_args: Vec<&str> = core_args
        .iter()
        .copied()
        .filter(|a| *a != "--core-only" && *a != "--desktop-only")
        .collect();
    if !only("--desktop-only") {
        step("benchmarks (release)");
        let mut cmd = cargo();
        cmd.args([
            "run",
            "--release",
            "--locked",
            "--package",
            "coffer-core",
            "--example",
            "bench",
            "--",
        ])
        .args(&core_args)
        .env("COFFER_BENCH_SANDBOX", &sandbox);
        status(&mut cmd)?;
    }
    if !only("--core-only") {
        desktop_bench(desktop_args)?;
    }
    if !only("--core-only") && !only("--desktop-only") {
        serve_bench()?;
    }
    Ok(())
}

/// The local REST API benchmark: a release `coffer-cli serve` driven over loopback HTTP by
/// coffer-core's `serve_bench` example, in a private keyring session.
fn serve_bench() -> Result<()> {
    step("building coffer-cli (release)");
    status(cargo().args([
        "build",
        "--release",
        "--locked",
        "--package",
        "coffer-cli",
        "--bin",
        "coffer-cli",
    ]))?;
    let cli = target_dir()
        .join("release")
        .join(format!("coffer-cli{}", env::consts::EXE_SUFFIX));
    step("API benchmarks (release)");
    let scratch = Scratch::new()?;
    let cargo = cargo_bin();
    status(
        in_keyring_session(
            "coffer-bench-keyring",
            &[
                &cargo,
                "run",
                "--release",
                "--locked",
                "--package",
                "coffer-core",
                "--example",
                "serve_bench",
            ],
        )
        .env("XDG_DATA_HOME", scratch.0.join("data"))
        .env("XDG_RUNTIME_DIR", scratch.0.join("run"))
        .env("COFFER_BENCH_CLI", &cli),
    )
}

/// The desktop benchmark: release builds of the app and of the minimal Tauri window, then
/// `desktop_bench` under Xvfb (it starts its own) in a private keyring session.
fn desktop_bench(args: &[&str]) -> Result<()> {
    build_ui()?;
    ensure_tauri_driver()?;
    step("building the desktop app and the minimal Tauri window (release)");
    status(cargo().args([
        "build",
        "--release",
        "--locked",
        "--package",
        "coffer-desktop",
        "--bin",
        "coffer",
        "--example",
        "minimal_window",
    ]))?;
    let release = target_dir().join("release");
    let app = release.join(format!("coffer{}", env::consts::EXE_SUFFIX));
    let minimal = release
        .join("examples")
        .join(format!("minimal_window{}", env::consts::EXE_SUFFIX));
    step("desktop benchmarks (release)");
    let scratch = Scratch::new()?;
    let cargo = cargo_bin();
    let mut inner = vec![
        cargo.as_str(),
        "run",
        "--release",
        "--locked",
        "--package",
        "coffer-core",
        "--example",
        "desktop_bench",
        "--",
    ];
    inner.extend(args);
    status(
        in_keyring_session("coffer-bench-keyring", &inner)
            .env("XDG_DATA_HOME", scratch.0.join("data"))
            .env("XDG_RUNTIME_DIR", scratch.0.join("run"))
            .env("COFFER_BENCH_APP", &app)
            .env("COFFER_BENCH_MINIMAL", &minimal),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_headless_keyring_is_private_with_a_random_password() {
        use std::os::unix::fs::PermissionsExt;
        let root = std::env::temp_dir().join(format!("xtask-keyring-{}", std::process::id()));
        let dir = root.join("coffer-xtask-keyring");
        let first = HeadlessKeyring::open(&dir).expect("first");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("password")), 0o600);
        assert_eq!(first.password.len(), 32);
        assert!(first.password.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(first.password, "coffer");
        // Kept: the next run unlocks the same keyring.
        let again = HeadlessKeyring::open(&dir).expect("again");
        assert_eq!(again.password, first.password);
        // Another keyring gets another password.
        let other = HeadlessKeyring::open(&root.join("other")).expect("other");
        assert_ne!(other.password, first.password);
        let _ = std::fs::remove_dir_all(&root);
    }
}
