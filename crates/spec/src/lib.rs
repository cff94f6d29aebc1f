//! coffer-spec: checks JSON bodies against Plaid's official OpenAPI 3.0 spec. Used by tests
//! only: the contract tests of `coffer-plaid` (what our client sends) and `coffer-sandbox`
//! (what our emulator answers).
//!
//! The spec is read from `plaid/openapi-schema.json` in this crate: a schema-only extract of
//! Plaid's `2020-09-14.yml` (paths, request and response schemas, every component schema; no
//! descriptions or examples), made by `cargo xtask plaid-spec` and committed with the spec's
//! version and source. Plaid's own example bodies are beside it in `plaid/examples.json`
//! ([`examples`]), for the checker's tests.
//!
//! ```no_run
//! use coffer_spec::Spec;
//! let body = serde_json::json!({ "link_token": "link-sandbox-1", "request_id": "abc" });
//! if let Err(violations) = Spec::official().check_response("/link/token/create", 200, &body) {
//!     panic!("{violations}"); // "/link/token/create response 200: $.expiration: required property missing"
//! }
//! ```
//!
//! [`Spec::official`] is that extract ([`OFFICIAL_VERSION`]); [`Spec::current`]
//! is that copy brought up to [`CURRENT_VERSION`], the version Plaid's newest client library is
//! generated from (the changes are listed in `current.rs`).
//!
//! - [`Spec::check_request`]: the operation's `requestBody` JSON schema, strict about keys the
//!   schema does not declare (Plaid answers `UNKNOWN_FIELDS` to them, although its request
//!   schemas leave `additionalProperties` open).
//! - [`Spec::check_response`]: `responses[status]`, else for an error status `4XX`/`5XX` or
//!   `default` (Plaid's errors: `PlaidError`), else for a success status any `2xx` entry.
//!   Exactly the spec's rules. [`Spec::check_response_strict`] also refuses undeclared keys.
//! - [`Spec::check_schema`]: a named `components.schemas` entry (e.g. a 404 body against
//!   `PlaidError`, which has no operation).
//!
//! The checker's OpenAPI coverage is described in the `check` module: `$ref` (cycle safe),
//! `type`, `nullable`, `enum`, `required`, `properties`, `additionalProperties`, `items`,
//! `allOf`/`oneOf`/`anyOf`, `format` date and date-time, min/max length, items, properties and
//! value (`exclusiveMinimum`/`exclusiveMaximum` booleans), `uniqueItems`. Not checked: `pattern`,
//! other formats, `readOnly`/`writeOnly`, `discriminator` (alternatives are tried in turn).
//!
//! ## How to add a check for a new endpoint
//! Nothing to add here: every POST path of the spec is known. In the contract tests, drive the
//! endpoint, then call `check_request(path, &body)` / `check_response(path, status, &body)` and
//! put the `Violations` (its `Display` names every field) in the assertion message.
//! To support a new schema keyword, extend `Checker::check_at` in `check.rs` and add a unit test
//! that fails without it.

mod check;
mod current;
mod error;

use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;

use crate::check::{Checker, Strictness};
pub use crate::current::{CURRENT_VERSION, OFFICIAL_VERSION};
pub use crate::error::{Error, Result, Violation, Violations};

/// The Plaid endpoints Coffer uses (docs/ARCHITECTURE.md, "Plaid"): every contract test must
/// exercise all.
pub const COFFER_ENDPOINTS: [&str; 14] = [
    "/link/token/create",
    "/link/token/get",
    "/item/public_token/exchange",
    "/item/get",
    "/item/remove",
    "/accounts/get",
    "/accounts/balance/get",
    "/transactions/sync",
    "/transactions/refresh",
    "/institutions/get_by_id",
    "/sandbox/public_token/create",
    "/sandbox/item/reset_login",
    "/sandbox/item/fire_webhook",
    "/sandbox/transactions/create",
];

/// The schema-only extract of the official spec (`cargo xtask plaid-spec` writes it).
pub const SPEC_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/plaid/openapi-schema.json");
/// Plaid's example bodies from the same spec.
pub const EXAMPLES_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/plaid/examples.json");

/// Plaid's example bodies from its spec, loaded once per process: `responses` maps a path to
/// its statuses to the example bodies, `schemas` a component schema's name to its example.
///
/// # Panics
/// When the file cannot be read or parsed (this crate serves tests only).
pub fn examples() -> &'static Value {
    static EXAMPLES: OnceLock<Value> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let text = std::fs::read_to_string(EXAMPLES_FILE)
            .unwrap_or_else(|e| panic!("coffer-spec: cannot read {EXAMPLES_FILE}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("coffer-spec: {EXAMPLES_FILE}: {e}"))
    })
}

/// A loaded OpenAPI 3.0 document.
pub struct Spec {
    doc: Value,
}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let paths = self
            .doc
            .get("paths")
            .and_then(Value::as_object)
            .map_or(0, |p| p.len());
        f.debug_struct("Spec")
            .field("paths", &paths)
            .finish_non_exhaustive()
    }
}

impl Spec {
    /// Plaid's official spec ([`SPEC_FILE`]), loaded once per process.
    ///
    /// # Panics
    /// When the file cannot be found or parsed (this crate serves tests only).
    pub fn official() -> &'static Spec {
        static OFFICIAL: OnceLock<Spec> = OnceLock::new();
        OFFICIAL.get_or_init(|| {
            Spec::load(Path::new(SPEC_FILE)).unwrap_or_else(|e| panic!("coffer-spec: {e}"))
        })
    }

    /// The official spec with the changes up to [`CURRENT_VERSION`] (the version Plaid's newest
    /// client library is generated from) applied, loaded once per process: new required
    /// fields, new optional properties, extended enums (see the `current` module). A body that
    /// passes both this and [`Spec::official`] suits old and new clients alike.
    ///
    /// # Panics
    /// As [`Spec::official`].
    pub fn current() -> &'static Spec {
        static CURRENT: OnceLock<Spec> = OnceLock::new();
        CURRENT.get_or_init(|| {
            let mut doc = Spec::official().doc.clone();
            current::overlay(&mut doc);
            Spec { doc }
        })
    }

    /// Reads and parses a spec file.
    pub fn load(path: &Path) -> Result<Spec> {
        let load_error = |message: String| Error::Load {
            path: path.to_owned(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| load_error(e.to_string()))?;
        let doc = serde_json::from_str(&text).map_err(|e| load_error(e.to_string()))?;
        Spec::from_value(doc)
    }

    /// Wraps an already parsed OpenAPI document (tests build small ones).
    pub fn from_value(doc: Value) -> Result<Spec> {
        if !doc.get("paths").is_some_and(Value::is_object) {
            return Err(Error::NotOpenApi("no `paths` object".to_owned()));
        }
        if !doc
            .pointer("/components/schemas")
            .is_some_and(Value::is_object)
        {
            return Err(Error::NotOpenApi(
                "no `components.schemas` object".to_owned(),
            ));
        }
        Ok(Spec { doc })
    }

    /// The whole document (e.g. to read examples).
    pub fn document(&self) -> &Value {
        &self.doc
    }

    /// The POST operation at `path`, if the spec has one.
    pub fn operation(&self, path: &str) -> Option<&Value> {
        self.doc.get("paths")?.get(path)?.get("post")
    }

    /// The named schema of `components.schemas`.
    pub fn schema(&self, name: &str) -> Option<&Value> {
        self.doc.get("components")?.get("schemas")?.get(name)
    }

    /// Checks a request body against the operation's JSON request schema. Keys the schema does
    /// not declare are violations (Plaid rejects them with `UNKNOWN_FIELDS`).
    pub fn check_request(&self, path: &str, body: &Value) -> std::result::Result<(), Violations> {
        let context = format!("{path} request");
        let Some(operation) = self.operation(path) else {
            return Err(single(
                context,
                format!("no POST {path} operation in the spec"),
            ));
        };
        let Some(schema) = operation.pointer("/requestBody/content/application~1json/schema")
        else {
            return Err(single(
                context,
                "the operation has no application/json request body".to_owned(),
            ));
        };
        self.run(schema, body, Strictness::Request, context)
    }

    /// Checks a response body against the operation's response for `status` (see the crate
    /// docs for how the response is chosen), exactly by the spec's rules.
    pub fn check_response(
        &self,
        path: &str,
        status: u16,
        body: &Value,
    ) -> std::result::Result<(), Violations> {
        self.check_response_with(path, status, body, Strictness::Spec)
    }

    /// Like [`Spec::check_response`], and keys the schema does not declare are violations too
    /// (where `additionalProperties` is not a schema). For an emulator that should send only
    /// what Plaid documents.
    pub fn check_response_strict(
        &self,
        path: &str,
        status: u16,
        body: &Value,
    ) -> std::result::Result<(), Violations> {
        self.check_response_with(path, status, body, Strictness::DeclaredOnly)
    }

    /// Checks `body` against `components.schemas[name]` by the spec's rules.
    pub fn check_schema(&self, name: &str, body: &Value) -> std::result::Result<(), Violations> {
        let context = format!("schema {name}");
        let Some(schema) = self.schema(name) else {
            return Err(single(context, format!("no schema {name} in the spec")));
        };
        self.run(schema, body, Strictness::Spec, context)
    }

    /// Like [`Spec::check_response`] for the operation `method` (`get`, `post`, `delete`, ...)
    /// at `path` (the document's path template, e.g. `/api/links/{id}`): for documents other
    /// than Plaid's, whose operations are not all POST.
    pub fn check_response_of(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: &Value,
    ) -> std::result::Result<(), Violations> {
        self.check_response_with_method(method, path, status, body, Strictness::Spec)
    }

    /// The operation `method` at `path`, if the document has one.
    pub fn operation_of(&self, method: &str, path: &str) -> Option<&Value> {
        self.doc
            .get("paths")?
            .get(path)?
            .get(method.to_ascii_lowercase())
    }

    fn check_response_with(
        &self,
        path: &str,
        status: u16,
        body: &Value,
        strictness: Strictness,
    ) -> std::result::Result<(), Violations> {
        self.check_response_with_method("post", path, status, body, strictness)
    }

    fn check_response_with_method(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: &Value,
        strictness: Strictness,
    ) -> std::result::Result<(), Violations> {
        // Plaid's operations are all POST: their context names the path alone.
        let context = if method.eq_ignore_ascii_case("post") {
            format!("{path} response {status}")
        } else {
            format!("{} {path} response {status}", method.to_ascii_uppercase())
        };
        let Some(operation) = self.operation_of(method, path) else {
            return Err(single(
                context,
                format!(
                    "no {} {path} operation in the spec",
                    method.to_ascii_uppercase()
                ),
            ));
        };
        let Some(response) = operation
            .get("responses")
            .and_then(|r| pick_response(r, status))
        else {
            return Err(single(
                context,
                format!("the operation documents no response for status {status}"),
            ));
        };
        let response = match response.get("$ref").and_then(Value::as_str) {
            Some(reference) => match reference
                .strip_prefix('#')
                .and_then(|p| self.doc.pointer(p))
            {
                Some(target) => target,
                None => {
                    return Err(single(
                        context,
                        format!("unresolvable response $ref {reference}"),
                    ));
                }
            },
            None => response,
        };
        if response.get("content").is_none() {
            // A response documented without a body (204 No Content).
            return if body.is_null() {
                Ok(())
            } else {
                Err(single(
                    context,
                    format!("the response documents no body, got {body}"),
                ))
            };
        }
        let Some(schema) = response.pointer("/content/application~1json/schema") else {
            return Err(single(
                context,
                "the response has no application/json schema".to_owned(),
            ));
        };
        self.run(schema, body, strictness, context)
    }

    fn run(
        &self,
        schema: &Value,
        body: &Value,
        strictness: Strictness,
        context: String,
    ) -> std::result::Result<(), Violations> {
        let mut items = Vec::new();
        Checker::new(&self.doc, strictness).check(schema, body, "$", &mut items);
        if items.is_empty() {
            Ok(())
        } else {
            Err(Violations { context, items })
        }
    }
}

/// `responses[status]`, else its `4XX`-style range, else (for a success) any 2xx entry, else
/// `default`.
fn pick_response(responses: &Value, status: u16) -> Option<&Value> {
    let responses = responses.as_object()?;
    if let Some(r) = responses.get(&status.to_string()) {
        return Some(r);
    }
    let range = format!("{}XX", status / 100);
    if let Some(r) = responses
        .get(&range)
        .or_else(|| responses.get(&range.to_lowercase()))
    {
        return Some(r);
    }
    if (200..300).contains(&status)
        && let Some((_, r)) = responses.iter().find(|(code, _)| code.starts_with('2'))
    {
        return Some(r);
    }
    responses.get("default")
}

fn single(context: String, message: String) -> Violations {
    Violations {
        context,
        items: vec![Violation {
            path: "$".to_owned(),
            message,
        }],
    }
}
