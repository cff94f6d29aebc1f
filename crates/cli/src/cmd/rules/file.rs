//! `rules export FILE|-` and `rules import FILE|- [--replace]`: the rules file (JSON, version 1,
//! the same the desktop app writes and reads).

use std::io::Read;

use coffer_core::{AppError, Coffer, ImportRulesInput, RulesDocument};

use crate::render::{self, Out};

/// The text of `source`: a file, or stdin for `-`.
pub fn read_text(source: &str) -> Result<String, AppError> {
    let mut text = String::new();
    let read = if source == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(source).map(|t| text = t)
    };
    read.map_err(|e| AppError::invalid(format!("cannot read {source}: {e}")))?;
    Ok(text)
}

pub async fn export(coffer: &Coffer, file: &str, out: &Out) -> Result<(), AppError> {
    if file == "-" {
        let doc = coffer.export_rules().await?;
        // The file's content, whatever the output form.
        Out { json: true }.print(&doc, |_, _| {});
        return Ok(());
    }
    let path = std::path::absolute(file)
        .map_err(|e| AppError::invalid(format!("rules file {file}: {e}")))?;
    let rules = coffer.export_rules_to(&path).await?;
    out.print(
        &serde_json::json!({ "rules": rules, "path": path }),
        |w, _| render::line(w, format_args!("wrote {rules} rules to {}", path.display())),
    );
    Ok(())
}

pub async fn import(coffer: &Coffer, file: &str, replace: bool, out: &Out) -> Result<(), AppError> {
    let text = read_text(file)?;
    let document: RulesDocument = serde_json::from_str(&text)
        .map_err(|e| AppError::invalid(format!("{file} is not a Coffer rules file: {e}")))?;
    let rules = coffer
        .import_rules(ImportRulesInput { document, replace })
        .await?;
    out.print(rules.as_slice(), render::rules);
    Ok(())
}
