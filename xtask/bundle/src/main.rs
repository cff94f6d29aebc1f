//! `coffer-bundle ROOT OUT_DIR BINARY FORMAT...`: writes the packages of the release binary
//! `OUT_DIR/BINARY` with tauri-bundler, from `ROOT/tauri.conf.json` (product name, version,
//! identifier, icons, descriptions, category, license, `bundle.linux.{deb,rpm}`), and prints
//! each file written as `FORMAT<TAB>PATH`. `cargo xtask package` builds and runs it; it is a
//! separate workspace so that the bundler's dependencies never touch the app's build.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, Result, ensure};
use serde::Deserialize;
use tauri_bundler::{
    AppCategory, BundleBinary, BundleSettings, DebianSettings, PackageSettings, PackageType,
    RpmSettings, SettingsBuilder,
};

/// The parts of tauri.conf.json the packages are made of (camelCase, as Tauri's schema).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Config {
    product_name: String,
    version: String,
    identifier: String,
    bundle: Bundle,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bundle {
    /// Paths relative to tauri.conf.json.
    icon: Vec<String>,
    category: Option<String>,
    short_description: String,
    long_description: Option<String>,
    license: Option<String>,
    #[serde(default)]
    linux: Linux,
}

#[derive(Debug, Default, Deserialize)]
struct Linux {
    #[serde(default)]
    deb: Dependencies,
    #[serde(default)]
    rpm: Dependencies,
}

/// `bundle.linux.deb` / `bundle.linux.rpm`.
#[derive(Debug, Default, Deserialize)]
struct Dependencies {
    #[serde(default)]
    depends: Vec<String>,
    #[serde(default)]
    recommends: Vec<String>,
    section: Option<String>,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("coffer-bundle: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    ensure!(
        args.len() >= 4,
        "usage: coffer-bundle ROOT OUT_DIR BINARY FORMAT..."
    );
    let (root, out, binary) = (Path::new(&args[0]), PathBuf::from(&args[1]), &args[2]);
    let formats = args[3..]
        .iter()
        .map(|n| {
            PackageType::from_short_name(n).with_context(|| {
                format!(
                    "unknown package format {n:?}: use deb, rpm, appimage, app, dmg, msi or nsis"
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let path = root.join("tauri.conf.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let config: Config = serde_json::from_str(&text)
        .with_context(|| format!("{} is not what coffer-bundle expects", path.display()))?;
    let settings = SettingsBuilder::new()
        .project_out_directory(&out)
        .package_types(formats)
        .package_settings(PackageSettings {
            product_name: config.product_name.clone(),
            version: config.version.clone(),
            description: config.bundle.short_description.clone(),
            homepage: None,
            authors: None,
            default_run: Some(binary.clone()),
        })
        .bundle_settings(bundle_settings(root, &config)?)
        .binaries(vec![BundleBinary::new(binary.clone(), true)])
        .build()
        .context("tauri-bundler settings")?;
    for bundle in tauri_bundler::bundle_project(&settings).context("tauri-bundler")? {
        for path in bundle.bundle_paths {
            println!("{}\t{}", bundle.package_type.short_name(), path.display());
        }
    }
    Ok(())
}

/// Maps tauri.conf.json's `bundle` onto the bundler's settings.
fn bundle_settings(root: &Path, config: &Config) -> Result<BundleSettings> {
    let mut icons = Vec::new();
    for icon in &config.bundle.icon {
        let path = root.join(icon);
        ensure!(
            path.is_file(),
            "tauri.conf.json names the icon {icon}, which does not exist"
        );
        icons.push(path.to_string_lossy().into_owned());
    }
    let category = match &config.bundle.category {
        Some(c) => Some(AppCategory::from_str(c).map_err(|close| {
            anyhow::anyhow!(
                "tauri.conf.json: unknown bundle.category {c:?}{}",
                close
                    .map(|s| format!(" (did you mean {s:?}?)"))
                    .unwrap_or_default()
            )
        })?),
        None => None,
    };
    let linux = &config.bundle.linux;
    Ok(BundleSettings {
        identifier: Some(config.identifier.clone()),
        icon: Some(icons),
        category,
        short_description: Some(config.bundle.short_description.clone()),
        long_description: config.bundle.long_description.clone(),
        license: config.bundle.license.clone(),
        deb: DebianSettings {
            depends: Some(linux.deb.depends.clone()),
            recommends: Some(linux.deb.recommends.clone()),
            section: linux.deb.section.clone(),
            ..Default::default()
        },
        rpm: RpmSettings {
            depends: Some(linux.rpm.depends.clone()),
            recommends: Some(linux.rpm.recommends.clone()),
            release: "1".into(),
            ..Default::default()
        },
        ..Default::default()
    })
}
