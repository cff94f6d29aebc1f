//! `cargo xtask plaid-spec SPEC.json [SOURCE]`: makes the schema-only extract of Plaid's
//! OpenAPI spec that the contract tests read (`crates/spec/plaid/`), so that a clone of Coffer
//! runs its tests on its own.
//!
//! Plaid publishes the spec as YAML (github.com/plaid/plaid-openapi, `2020-09-14.yml`); this
//! reads it converted to JSON (any YAML 1.1 loader, e.g.
//! `python3 -c 'import json,sys,yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'`).
//! It writes two files:
//!
//! - `openapi-schema.json`: every path's POST request and response schemas and every component
//!   schema, with what the checker reads (`$ref`, `type`, `nullable`, `enum`, `required`,
//!   `properties`, `additionalProperties`, `items`, `allOf`/`oneOf`/`anyOf`, `format`, bounds,
//!   `pattern`) and nothing written for people (descriptions, summaries, examples,
//!   `x-` extensions); `info` keeps the spec's version, and `x-coffer-source` says where the
//!   spec came from and the SHA-256 of the file read.
//! - `examples.json`: Plaid's own example bodies (responses per path and status, and schema
//!   examples), which the checker's tests run against the extract.
//!
//! One path or schema per line, keys sorted: an update of the spec reads as a diff.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Where the extract goes, from the workspace root.
pub const OUT_DIR: &str = "crates/spec/plaid";

/// What the source defaults to when none is given.
const DEFAULT_SOURCE: &str = "https://github.com/plaid/plaid-openapi, 2020-09-14.yml";

/// Keys the checker reads (everything else in a schema is for people).
const SCHEMA_KEYS: &[&str] = &[
    "$ref",
    "type",
    "nullable",
    "enum",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "format",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "uniqueItems",
    "pattern",
    "default",
];

/// The command.
pub fn plaid_spec(root: &Path, args: &[String]) -> Result<()> {
    let Some(input) = args.first() else {
        bail!(
            "usage: cargo xtask plaid-spec SPEC.json [SOURCE]\n  SPEC.json: Plaid's OpenAPI spec (2020-09-14.yml) as JSON\n  SOURCE: where it came from (default: {DEFAULT_SOURCE})"
        );
    };
    let source = args.get(1).map_or(DEFAULT_SOURCE, String::as_str);
    let bytes = std::fs::read(input).with_context(|| format!("cannot read {input}"))?;
    let doc: Value =
        serde_json::from_slice(&bytes).with_context(|| format!("{input} is not JSON"))?;
    let sha256: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let (schema, examples) = extract(&doc, source, &sha256)?;
    let dir = root.join(OUT_DIR);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("openapi-schema.json"), schema)?;
    std::fs::write(dir.join("examples.json"), examples)?;
    eprintln!(
        "wrote {}/openapi-schema.json and examples.json",
        dir.display()
    );
    Ok(())
}

/// The two files' texts.
fn extract(doc: &Value, source: &str, sha256: &str) -> Result<(String, String)> {
    let version = doc
        .pointer("/info/version")
        .and_then(Value::as_str)
        .context("the spec has no info.version")?;
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .context("the spec has no paths")?;
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .context("the spec has no components.schemas")?;

    let mut out_paths = BTreeMap::new();
    let mut response_examples = BTreeMap::new();
    for (path, item) in paths {
        let mut ops = Map::new();
        for (method, op) in item.as_object().into_iter().flatten() {
            let (Some(op), true) = (op.as_object(), METHODS.contains(&method.as_str())) else {
                continue;
            };
            ops.insert(method.clone(), operation(op));
            if method != "post" {
                continue;
            }
            for (status, response) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let values: Vec<Value> = response
                    .pointer("/content/application~1json/examples")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(|e| e.values())
                    .filter_map(|e| e.get("value").map(without_tokens))
                    .collect();
                if !values.is_empty() {
                    response_examples
                        .entry(path.clone())
                        .or_insert_with(BTreeMap::new)
                        .insert(status.clone(), values);
                }
            }
        }
        out_paths.insert(path.clone(), Value::Object(ops));
    }
    let mut out_schemas = BTreeMap::new();
    let mut schema_examples = BTreeMap::new();
    for (name, schema) in schemas {
        out_schemas.insert(name.clone(), strip(schema));
        if let Some(example) = schema.get("example") {
            schema_examples.insert(name.clone(), without_tokens(example));
        }
    }

    let mut text = String::from("{\n");
    text += &format!(
        "\"openapi\": {},\n",
        doc.get("openapi").cloned().unwrap_or(Value::Null)
    );
    text += &format!("\"info\": {},\n", serde_json::json!({ "version": version }));
    text += &format!(
        "\"x-coffer-source\": {},\n",
        serde_json::json!({
            "what": "Schema-only extract of Plaid's OpenAPI spec: no descriptions or examples. Made by `cargo xtask plaid-spec`; do not edit.",
            "source": source,
            "sha256": sha256,
        })
    );
    text += "\"paths\": {\n";
    text += &lines(&out_paths);
    text += "},\n\"components\": {\"schemas\": {\n";
    text += &lines(&out_schemas);
    text += "}}\n}\n";

    let mut ex = String::from("{\n");
    ex += &format!(
        "\"x-coffer-source\": {},\n",
        serde_json::json!({
            "what": "Plaid's example bodies from its OpenAPI spec, for the checker's tests. Made by `cargo xtask plaid-spec`; do not edit.",
            "source": source,
            "version": version,
            "sha256": sha256,
        })
    );
    ex += "\"responses\": {\n";
    ex += &lines(
        &response_examples
            .into_iter()
            .map(|(k, v)| (k, serde_json::to_value(v).expect("json")))
            .collect(),
    );
    ex += "},\n\"schemas\": {\n";
    ex += &lines(&schema_examples);
    ex += "}\n}\n";

    // Both must parse back to what they describe.
    let check: Value = serde_json::from_str(&text).context("extract is not JSON")?;
    let _: Value = serde_json::from_str(&ex).context("examples are not JSON")?;
    if check
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(Map::len)
        != Some(schemas.len())
    {
        bail!("the extract lost schemas");
    }
    Ok((text, ex))
}

/// Token prefixes Plaid's examples use (`access-sandbox-…`, `public-…`, `link-…`,
/// `processor-…`).
const TOKEN_KINDS: &[&str] = &["access", "public", "link", "processor"];

/// An example with every Plaid token in it replaced by a placeholder: the spec's examples are
/// made-up sandbox tokens, but a token-shaped string in the repository is indistinguishable
/// from a leaked one (and the checker does not read a string's pattern).
fn without_tokens(v: &Value) -> Value {
    match v {
        Value::String(text) => {
            let kind = TOKEN_KINDS.iter().find(|kind| {
                ["sandbox", "development", "production"]
                    .iter()
                    .any(|env| text.starts_with(&format!("{kind}-{env}-")))
            });
            match kind {
                Some(kind) => Value::String(format!("<{kind} token removed>")),
                None => v.clone(),
            }
        }
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), without_tokens(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_tokens).collect()),
        other => other.clone(),
    }
}

/// `"key": value` per line, comma separated.
fn lines(map: &BTreeMap<String, Value>) -> String {
    let items: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{}: {}", Value::String(k.clone()), sort(v)))
        .collect();
    if items.is_empty() {
        String::new()
    } else {
        items.join(",\n") + "\n"
    }
}

/// A value with its objects' keys sorted (serde_json's map keeps insertion order here).
fn sort(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let sorted: BTreeMap<&String, Value> = m.iter().map(|(k, v)| (k, sort(v))).collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(sort).collect()),
        other => other.clone(),
    }
}

/// HTTP methods of a path item (its other keys, such as `summary`, are for people).
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// An operation: its request body and responses, schemas only.
fn operation(op: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    if let Some(body) = op.get("requestBody") {
        out.insert("requestBody".into(), media(body));
    }
    let responses: Map<String, Value> = op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(status, response)| (status.clone(), media(response)))
        .collect();
    out.insert("responses".into(), Value::Object(responses));
    Value::Object(out)
}

/// A request body or a response: its JSON media type's schema only.
fn media(v: &Value) -> Value {
    let mut out = Map::new();
    if let Some(required) = v.get("required") {
        out.insert("required".into(), required.clone());
    }
    if let Some(schema) = v.pointer("/content/application~1json/schema") {
        out.insert(
            "content".into(),
            serde_json::json!({ "application/json": { "schema": strip(schema) } }),
        );
    }
    Value::Object(out)
}

/// A schema with only the keys the checker reads, at every depth. `properties` maps names to
/// schemas, so its keys are kept whatever they are.
fn strip(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                if !SCHEMA_KEYS.contains(&k.as_str()) {
                    continue;
                }
                let x = match k.as_str() {
                    "properties" => Value::Object(
                        x.as_object()
                            .into_iter()
                            .flatten()
                            .map(|(name, s)| (name.clone(), strip(s)))
                            .collect(),
                    ),
                    "enum" | "required" | "default" => x.clone(),
                    _ => strip(x),
                };
                out.insert(k.clone(), x);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(strip).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_schema_and_drops_what_is_for_people() {
        let doc = serde_json::json!({
            "openapi": "3.0.0",
            "info": { "version": "2020-09-14_1.0.0", "title": "The Plaid API", "description": "long" },
            "paths": {
                "/thing/get": { "post": {
                    "summary": "Get a thing", "description": "words",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Req" } } } },
                    "responses": { "200": { "description": "ok", "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/Resp" },
                        "examples": { "example-1": { "value": { "id": "a", "access_token": "access-sandbox-example" } } } } } } }
                } }
            },
            "components": { "schemas": {
                "Req": { "type": "object", "description": "d", "required": ["id"], "x-hidden-from-docs": true,
                         "properties": { "id": { "type": "string", "description": "the id", "example": "x" },
                                         "description": { "type": "string", "enum": ["a", "b"] } } },
                "Resp": { "type": "object", "example": { "id": "b" }, "properties": { "id": { "type": "string", "nullable": true } } }
            } }
        });
        let (schema, examples) = extract(&doc, "test", "00").unwrap();
        let schema: Value = serde_json::from_str(&schema).unwrap();
        assert_eq!(
            schema["info"],
            serde_json::json!({ "version": "2020-09-14_1.0.0" })
        );
        assert_eq!(
            schema["components"]["schemas"]["Req"],
            serde_json::json!({ "type": "object", "required": ["id"], "properties": {
                "id": { "type": "string" },
                "description": { "type": "string", "enum": ["a", "b"] } } })
        );
        assert_eq!(
            schema["paths"]["/thing/get"]["post"]["responses"]["200"],
            serde_json::json!({ "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Resp" } } } })
        );
        assert!(!serde_json::to_string(&schema).unwrap().contains("words"));
        let examples: Value = serde_json::from_str(&examples).unwrap();
        assert_eq!(
            examples["responses"]["/thing/get"]["200"],
            serde_json::json!([{ "id": "a", "access_token": "<access token removed>" }])
        );
        assert_eq!(
            examples["schemas"]["Resp"],
            serde_json::json!({ "id": "b" })
        );
    }
}
