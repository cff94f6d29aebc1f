//! `cargo xtask package`: installable packages of the desktop app, and their proof.
//!
//! A release build of `coffer` (the UI embedded through `custom-protocol`), then the Tauri
//! bundler, used as a library because the Tauri CLI does not accept this layout
//! (tauri.conf.json at the root, the app crate in `src-tauri`). The bundler runs as
//! `xtask/bundle` (`coffer-bundle`), a workspace of its own with its own lock file, so that
//! its dependencies, and the features they turn on in crates the app shares, never change
//! the app's build. Everything the packages say
//! about the app (name, version, identifier, icons, descriptions, category, license, the
//! Linux packages' dependencies) is read from tauri.conf.json: one source of truth.
//!
//! On Linux the default formats are `.deb` and `.rpm`, both written by the bundler itself in
//! Rust, offline, to `target/release/bundle/{deb,rpm}/`. Other formats are the bundler's short
//! names (`appimage`, `app`, `dmg`, `msi`, `nsis`): they need the matching system and, for
//! AppImage, WiX and NSIS, tools the bundler downloads; only `.deb` and `.rpm` are tested here.
//!
//! [`check_rpm`] and [`check_deb`] are `cargo xtask test`'s proof: the `.rpm`'s metadata and
//! file list (`rpm -qip`, `rpm -qlp`), and the `.deb` installed with `apt-get` (which pulls its
//! dependencies), its installed `coffer` driven through WebDriver (`crates/e2e/tests/installed.rs`),
//! then removed, leaving none of its files behind.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::{Scratch, as_root, build_ui, cargo, cargo_bin, in_keyring_session, status, step};
use anyhow::{Context, Result, bail, ensure};
use serde::Deserialize;

/// The app's binary (`[[bin]]` of `src-tauri/Cargo.toml`), also its icon's and package's name.
const BINARY: &str = "coffer";

/// The parts of tauri.conf.json the packages are checked against (camelCase, as Tauri's
/// schema; `xtask/bundle` reads the same file to write them).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    pub product_name: String,
    pub version: String,
    pub bundle: Bundle,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    /// Paths relative to tauri.conf.json.
    pub icon: Vec<String>,
    pub short_description: String,
    pub license: Option<String>,
    #[serde(default)]
    pub linux: Linux,
}

#[derive(Debug, Default, Deserialize)]
pub struct Linux {
    #[serde(default)]
    pub deb: Dependencies,
    #[serde(default)]
    pub rpm: Dependencies,
}

/// `bundle.linux.deb` / `bundle.linux.rpm`.
#[derive(Debug, Default, Deserialize)]
pub struct Dependencies {
    #[serde(default)]
    pub depends: Vec<String>,
    #[serde(default)]
    pub recommends: Vec<String>,
}

fn config_path() -> PathBuf {
    crate::workspace_root().join("tauri.conf.json")
}

/// Reads tauri.conf.json.
pub fn config() -> Result<Config> {
    let path = config_path();
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not what xtask expects", path.display()))
}

/// The packages `cargo xtask package` wrote.
#[derive(Debug, Default)]
pub struct Packages {
    pub deb: Option<PathBuf>,
    pub rpm: Option<PathBuf>,
    /// Every file written, in the bundler's order.
    pub all: Vec<PathBuf>,
}

/// `cargo xtask package [FORMAT ...]`, or `cargo xtask package --check`.
pub fn package(args: &[String]) -> Result<()> {
    if args.iter().any(|a| a == "--check") {
        crate::ensure_system_packages()?;
        crate::ensure_tauri_driver()?;
        return build_and_check();
    }
    let packages = build(&formats(args))?;
    for path in &packages.all {
        println!("{}", path.display());
    }
    Ok(())
}

/// `cargo xtask test`'s package step: the `.deb` and `.rpm`, then [`check_rpm`] and
/// [`check_deb`] (Debian/Ubuntu only).
pub fn build_and_check() -> Result<()> {
    let started = Instant::now();
    let config = config()?;
    let packages = build(&["deb".to_string(), "rpm".to_string()])?;
    let (Some(deb), Some(rpm)) = (packages.deb, packages.rpm) else {
        bail!("the bundler wrote no .deb or no .rpm: {:?}", packages.all);
    };
    check_rpm(&rpm, &config)?;
    check_deb(&deb, &config, &Scratch::new()?)?;
    eprintln!(
        "xtask: packages built, checked, installed, tested and removed in {:.0?}",
        started.elapsed()
    );
    Ok(())
}

/// The formats named on the command line (checked by the bundler), or this system's defaults.
fn formats(args: &[String]) -> Vec<String> {
    let names: Vec<String> = args.iter().filter(|a| *a != "--").cloned().collect();
    if !names.is_empty() {
        return names;
    }
    let defaults: &[&str] = if cfg!(target_os = "linux") {
        &["deb", "rpm"]
    } else if cfg!(target_os = "macos") {
        &["app", "dmg"]
    } else {
        &["msi"]
    };
    defaults.iter().map(|s| s.to_string()).collect()
}

/// The UI, a release build of the app, then the packages under `target/release/bundle/`.
pub fn build(formats: &[String]) -> Result<Packages> {
    let config = config()?;
    build_ui()?;
    step("cargo build --release: the desktop app, UI embedded");
    status(cargo().args([
        "build",
        "--release",
        "--locked",
        "--package",
        "coffer-desktop",
        "--bin",
        BINARY,
    ]))?;
    let release = crate::target_dir().join("release");
    if cfg!(target_os = "linux") {
        // The release profile keeps line tables (150 MB of the 160 MB binary): a package
        // ships without them, keeping the symbols that name functions in a backtrace. In
        // place, as the bundler itself patches this file in place.
        status(
            Command::new("strip")
                .arg("--strip-debug")
                .arg(release.join(BINARY)),
        )?;
    }
    step(&format!(
        "packaging {} {} as {}",
        config.product_name,
        config.version,
        formats.join(", ")
    ));
    let started = Instant::now();
    // The bundler is its own workspace (xtask/bundle), built on first use: its dependencies'
    // features never reach the app's build.
    let root = crate::workspace_root();
    let mut bundle = cargo();
    bundle
        .args(["run", "--quiet", "--locked", "--manifest-path"])
        .arg(root.join("xtask").join("bundle").join("Cargo.toml"))
        .arg("--target-dir")
        .arg(crate::target_dir().join("bundle-tool"))
        .arg("--")
        .arg(&root)
        .arg(&release)
        .arg(BINARY)
        .args(formats)
        .current_dir(&root)
        // Its build's progress and errors show; its stdout lists the files written.
        .stderr(std::process::Stdio::inherit());
    let written = output(&mut bundle)?;
    let mut packages = Packages::default();
    for line in written.lines() {
        let Some((format, path)) = line.split_once('\t') else {
            continue;
        };
        let path = match format {
            "deb" | "rpm" => {
                let p = conventional_name(Path::new(path), &config.product_name)?;
                if format == "deb" {
                    packages.deb = Some(p.clone());
                } else {
                    packages.rpm = Some(p.clone());
                }
                p
            }
            _ => PathBuf::from(path),
        };
        packages.all.push(path);
    }
    let sizes: Vec<String> = packages
        .all
        .iter()
        .map(|p| format!("{} ({})", p.display(), size(p)))
        .collect();
    eprintln!(
        "xtask: packaged in {:.1?}; binary {}; {}",
        started.elapsed(),
        size(&release.join(BINARY)),
        sizes.join(", ")
    );
    Ok(packages)
}

/// The bundler names the files after the product (`Coffer_0.1.0_amd64.deb`); the packages
/// inside are called `coffer`, and so are their files here (`coffer_0.1.0_amd64.deb`,
/// `coffer-0.1.0-1.x86_64.rpm`), as Debian and Fedora name theirs.
fn conventional_name(path: &Path, product: &str) -> Result<PathBuf> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("no file name in {}", path.display()))?;
    let Some(rest) = name.strip_prefix(product) else {
        return Ok(path.to_path_buf());
    };
    let renamed = path.with_file_name(format!("{BINARY}{rest}"));
    std::fs::rename(path, &renamed)
        .with_context(|| format!("renaming {} to {}", path.display(), renamed.display()))?;
    Ok(renamed)
}

fn size(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(m) => format!("{:.1} MB", m.len() as f64 / 1_000_000.0),
        Err(e) => format!("unknown size: {e}"),
    }
}

/// Files every Linux package must install: the binary, the desktop entry, the icons.
fn expected_files(config: &Config) -> Result<Vec<String>> {
    let mut files = vec![
        format!("/usr/bin/{BINARY}"),
        format!("/usr/share/applications/{}.desktop", config.product_name),
    ];
    let root = crate::workspace_root();
    for icon in config.bundle.icon.iter().filter(|i| i.ends_with(".png")) {
        let (w, h) = png_size(&root.join(icon))?;
        files.push(format!(
            "/usr/share/icons/hicolor/{w}x{h}/apps/{BINARY}.png"
        ));
    }
    Ok(files)
}

/// Width and height from a PNG's header.
fn png_size(path: &Path) -> Result<(u32, u32)> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    ensure!(
        bytes.len() >= 24 && bytes.starts_with(b"\x89PNG\r\n\x1a\n") && &bytes[12..16] == b"IHDR",
        "{} is not a PNG",
        path.display()
    );
    let be =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    Ok((be(16), be(20)))
}

/// Runs `cmd` and returns its standard output; fails with its standard error.
fn output(cmd: &mut Command) -> Result<String> {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .with_context(|| format!("could not start {shown}"))?;
    if !out.status.success() {
        bail!(
            "{shown} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn missing<'a>(want: &'a [String], have: &BTreeSet<String>) -> Vec<&'a str> {
    want.iter()
        .map(String::as_str)
        .filter(|w| !have.contains(*w))
        .collect()
}

/// The `.rpm`'s metadata and file list, read back with Debian's `rpm`.
pub fn check_rpm(rpm: &Path, config: &Config) -> Result<()> {
    step("the .rpm: metadata and file list (rpm -qip, rpm -qlp)");
    let query =
        |args: &[&str]| -> Result<String> { output(Command::new("rpm").args(args).arg(rpm)) };
    let info = query(&["-qip"])?;
    let field = |name: &str| -> Option<String> {
        info.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == name).then(|| v.trim().to_string())
        })
    };
    let want = [
        ("Name", BINARY.to_string()),
        ("Version", config.version.clone()),
        ("License", config.bundle.license.clone().unwrap_or_default()),
        ("Summary", config.bundle.short_description.clone()),
    ];
    for (name, value) in want {
        ensure!(
            field(name).as_deref() == Some(value.as_str()),
            "the .rpm's {name} is {:?}, not {value:?}; rpm -qip said:\n{info}",
            field(name)
        );
    }
    let names = |text: String| -> BTreeSet<String> {
        text.lines()
            .filter_map(|l| l.split_whitespace().next().map(String::from))
            .collect()
    };
    let requires = names(query(&["-qp", "--requires"])?);
    let lacking = missing(&config.bundle.linux.rpm.depends, &requires);
    ensure!(
        lacking.is_empty(),
        "the .rpm does not require {lacking:?}: {requires:?}"
    );
    let recommends = names(query(&["-qp", "--recommends"])?);
    let lacking = missing(&config.bundle.linux.rpm.recommends, &recommends);
    ensure!(
        lacking.is_empty(),
        "the .rpm does not recommend {lacking:?}: {recommends:?}"
    );
    let files: BTreeSet<String> = query(&["-qlp"])?.lines().map(String::from).collect();
    let expected = expected_files(config)?;
    let lacking = missing(&expected, &files);
    ensure!(
        lacking.is_empty(),
        "the .rpm lacks {lacking:?}; it has {files:?}"
    );
    eprintln!(
        "xtask: .rpm ok: {BINARY} {}, requires {:?}, recommends {:?}, {} files",
        config.version,
        config.bundle.linux.rpm.depends,
        config.bundle.linux.rpm.recommends,
        files.len()
    );
    Ok(())
}

fn dpkg_status(package: &str) -> String {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// The `.deb`: its control fields, `apt-get install` (dependencies pulled), the installed
/// app's end-to-end test, `apt-get remove --purge`, and no file of it left behind.
pub fn check_deb(deb: &Path, config: &Config, scratch: &Scratch) -> Result<()> {
    step("the .deb: control fields");
    let field = |name: &str| -> Result<String> {
        Ok(
            output(Command::new("dpkg-deb").args(["-f"]).arg(deb).arg(name))?
                .trim()
                .to_string(),
        )
    };
    let list = |text: String| -> BTreeSet<String> {
        text.split(',')
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .collect()
    };
    ensure!(
        field("Package")? == BINARY,
        "the .deb's Package is not {BINARY}"
    );
    ensure!(
        field("Version")? == config.version,
        "the .deb's Version is not {}",
        config.version
    );
    let depends = list(field("Depends")?);
    let lacking = missing(&config.bundle.linux.deb.depends, &depends);
    ensure!(
        lacking.is_empty(),
        "the .deb does not depend on {lacking:?}: {depends:?}"
    );
    let recommends = list(field("Recommends")?);
    let lacking = missing(&config.bundle.linux.deb.recommends, &recommends);
    ensure!(
        lacking.is_empty(),
        "the .deb does not recommend {lacking:?}: {recommends:?}"
    );

    let before = dpkg_status(BINARY);
    ensure!(
        !before.contains("installed") || before.contains("not-installed"),
        "a package named {BINARY} is already installed here ({before}); this test installs and \
         removes it, so remove yours first (apt-get remove {BINARY})"
    );

    step("apt-get install ./coffer_*.deb (pulls its dependencies)");
    let started = Instant::now();
    status(
        as_root("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .arg(deb)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    let installed = check_installed(config, scratch);
    step("apt-get remove --purge coffer");
    let removed = status(
        as_root("apt-get")
            .args(["remove", "--purge", "-y", "-qq", BINARY])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    );
    // What was installed is checked even when the test failed, so the machine is left clean.
    let files = installed?;
    removed?;
    check_removed(&files)?;
    eprintln!(
        "xtask: .deb ok: installed, tested and removed in {:.1?} ({} paths, none left)",
        started.elapsed(),
        files.len()
    );
    Ok(())
}

/// What the installed package holds, and the installed app under WebDriver. Returns
/// `dpkg -L`'s list for [`check_removed`] (also when a check after listing failed: then the
/// error, for the caller to report after removing the package).
fn check_installed(config: &Config, scratch: &Scratch) -> Result<Vec<String>> {
    let state = dpkg_status(BINARY);
    ensure!(
        state == "install ok installed",
        "after apt-get install, {BINARY} is {state:?}"
    );
    let files: Vec<String> = output(Command::new("dpkg").args(["-L", BINARY]))?
        .lines()
        .filter(|l| !l.is_empty() && *l != "/.")
        .map(String::from)
        .collect();
    let listed: BTreeSet<String> = files.iter().cloned().collect();
    let expected = expected_files(config)?;
    let lacking = missing(&expected, &listed);
    ensure!(
        lacking.is_empty(),
        "the installed package lacks {lacking:?}; it has {files:?}"
    );

    let desktop = format!("/usr/share/applications/{}.desktop", config.product_name);
    output(Command::new("desktop-file-validate").arg(&desktop))
        .with_context(|| format!("{desktop} is not a valid desktop entry"))?;
    let entry = std::fs::read_to_string(&desktop)?;
    for line in [
        format!("Exec={BINARY}"),
        format!("Icon={BINARY}"),
        format!("Name={}", config.product_name),
    ] {
        ensure!(
            entry.lines().any(|l| l == line),
            "{desktop} has no {line}:\n{entry}"
        );
    }
    ensure!(
        entry
            .lines()
            .any(|l| l.starts_with("Categories=") && l.contains("Finance;")),
        "{desktop} is not in the Finance category:\n{entry}"
    );
    libraries_come_from_depends(config)?;

    step("the installed app end to end (crates/e2e/tests/installed.rs)");
    let cargo = cargo_bin();
    status(
        in_keyring_session(
            "coffer-test-keyring",
            &[
                // `--workspace`, as `cargo xtask test`'s `cargo test`: the same features are
                // chosen, so nothing is built again.
                &cargo,
                "test",
                "--locked",
                "--workspace",
                "--test",
                "installed",
                "--",
                "--ignored",
            ],
        )
        .env("XDG_DATA_HOME", scratch.0.join("data"))
        .env("XDG_RUNTIME_DIR", scratch.0.join("run"))
        .env("COFFER_DESKTOP_BIN", format!("/usr/bin/{BINARY}")),
    )?;
    Ok(files)
}

/// Every shared library `/usr/bin/coffer` links comes from a package that the `.deb`'s
/// `Depends` pull in, so `apt-get install` of the `.deb` on a system without the build's
/// `-dev` packages brings everything the app needs.
fn libraries_come_from_depends(config: &Config) -> Result<()> {
    let binary = format!("/usr/bin/{BINARY}");
    let ldd = output(Command::new("ldd").arg(&binary))?;
    let mut providers = BTreeSet::new();
    let readelf = output(Command::new("readelf").args(["-d", &binary]))?;
    for needed in readelf.lines().filter(|l| l.contains("(NEEDED)")) {
        let Some(lib) = needed.split('[').nth(1).and_then(|s| s.split(']').next()) else {
            continue;
        };
        let path = resolved(&ldd, lib)
            .with_context(|| format!("{binary} needs {lib}, which does not resolve:\n{ldd}"))?;
        let owner = output(Command::new("dpkg").args(["-S", &path]))
            .or_else(|_| {
                // /lib is a symlink to /usr/lib on merged-/usr systems; dpkg knows one spelling.
                let other = match path.strip_prefix("/usr") {
                    Some(p) => p.to_string(),
                    None => format!("/usr{path}"),
                };
                output(Command::new("dpkg").args(["-S", &other]))
            })
            .with_context(|| format!("no package owns {path} ({lib})"))?;
        let package = owner
            .split(':')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        providers.insert((package, lib.to_string()));
    }
    let mut args = vec![
        "depends",
        "--recurse",
        "--no-recommends",
        "--no-suggests",
        "--no-conflicts",
        "--no-breaks",
        "--no-replaces",
        "--no-enhances",
    ];
    args.extend(config.bundle.linux.deb.depends.iter().map(String::as_str));
    let closure: BTreeSet<String> = output(Command::new("apt-cache").args(&args))?
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.starts_with('<'))
        .map(|l| l.split(':').next().unwrap_or(l).trim().to_string())
        .collect();
    let unreached: Vec<String> = providers
        .iter()
        .filter(|(p, _)| !closure.contains(p))
        .map(|(p, lib)| format!("{lib} (package {p})"))
        .collect();
    ensure!(
        unreached.is_empty(),
        "{binary} links libraries that the .deb's Depends {:?} do not pull in: {unreached:?}; \
         add their packages to bundle.linux.deb.depends in tauri.conf.json",
        config.bundle.linux.deb.depends
    );
    eprintln!(
        "xtask: the {} libraries {binary} links come from {} packages, all pulled in by Depends",
        providers.len(),
        providers
            .iter()
            .map(|(p, _)| p)
            .collect::<BTreeSet<_>>()
            .len()
    );
    Ok(())
}

/// Where `ldd`'s report puts the library `lib`: `lib => /path (addr)`, or `/path/lib (addr)`
/// for the dynamic loader.
fn resolved(ldd: &str, lib: &str) -> Option<String> {
    ldd.lines().find_map(|line| {
        let line = line.trim();
        let (name, rest) = match line.split_once(" => ") {
            Some((name, rest)) => (name, rest),
            None => (line.rsplit('/').next()?.split(" (").next()?, line),
        };
        let path = rest.split(" (").next()?.trim();
        (name == lib && path.starts_with('/')).then(|| path.to_string())
    })
}

/// After removal: the package is gone, and so is every path it had. A directory may stay
/// only while another installed package owns it too (`/usr/bin`, hicolor's size folders).
fn check_removed(files: &[String]) -> Result<()> {
    let state = dpkg_status(BINARY);
    ensure!(
        state.is_empty() || state.contains("not-installed"),
        "after apt-get remove --purge, {BINARY} is still {state:?}"
    );
    let mut left = Vec::new();
    for path in files {
        let p = Path::new(path);
        if p.symlink_metadata().is_err() {
            continue;
        }
        let shared = p.is_dir()
            && Command::new("dpkg")
                .args(["-S", path])
                .output()
                .is_ok_and(|o| o.status.success());
        if !shared {
            left.push(path.as_str());
        }
    }
    ensure!(
        left.is_empty(),
        "apt-get remove left these paths of the package behind: {left:?}"
    );
    Ok(())
}
