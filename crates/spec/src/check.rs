//! The OpenAPI 3.0 schema checker: walks a schema and a JSON value side by side and collects
//! every [`Violation`].
//!
//! Semantics (OpenAPI 3.0, not JSON Schema):
//! - `$ref` (`#/components/schemas/...` or any local JSON pointer) replaces the schema; sibling
//!   keywords of a `$ref` are ignored, as OpenAPI 3.0 says. A `$ref` met again at the same
//!   value without descending (a cycle) is not followed twice.
//! - `nullable: true` permits `null` (also for enums); without it, `null` fails a `type`.
//!   A schema without `type` accepts `null` unless its `enum` or `allOf` members refuse it.
//! - `allOf`: every member must pass; for unknown-key checks the declared properties of all
//!   members are merged. `oneOf` / `anyOf`: at least one alternative must pass; otherwise the
//!   closest alternative (fewest failures) is reported.
//! - `additionalProperties`: `false` makes undeclared keys failures, a schema checks them, `true`
//!   or absent allows them, except in strict mode (see [`Strictness`]).
//! - `format: date` (`YYYY-MM-DD`, a real calendar day) and `format: date-time` (RFC 3339) are
//!   checked; other formats (`double`, `url`, `email`, ...) are not. `pattern` is not checked.

use serde_json::{Map, Value};

use crate::error::Violation;

/// Whether object keys the schema does not declare are failures even where the spec allows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strictness {
    /// Exactly the spec: `additionalProperties` absent or `true` allows undeclared keys.
    Spec,
    /// An object schema that declares `properties` allows no other key unless its
    /// `additionalProperties` is a schema. Plaid rejects unknown request fields with
    /// `UNKNOWN_FIELDS` even though its request schemas leave `additionalProperties` open.
    DeclaredOnly,
    /// [`Strictness::DeclaredOnly`] for a request body (the message says Plaid refuses it).
    Request,
}

pub(crate) struct Checker<'s> {
    root: &'s Value,
    strictness: Strictness,
}

impl<'s> Checker<'s> {
    pub(crate) fn new(root: &'s Value, strictness: Strictness) -> Self {
        Self { root, strictness }
    }

    /// Checks `value` against `schema`; every failure lands in `out`.
    pub(crate) fn check(
        &self,
        schema: &'s Value,
        value: &Value,
        path: &str,
        out: &mut Vec<Violation>,
    ) {
        let mut seen = Vec::new();
        self.check_at(schema, value, path, &mut seen, false, out);
    }

    /// Resolves a local `$ref` (`#/components/schemas/Name`, or any `#/...` JSON pointer).
    pub(crate) fn resolve(&self, reference: &str) -> Option<&'s Value> {
        let pointer = reference.strip_prefix('#')?;
        self.root.pointer(pointer)
    }

    /// `seen`: the `$ref`s followed at this same value (cycle guard; cleared when descending).
    /// `keys_checked_above`: an enclosing schema (through `allOf`) already checks unknown keys.
    fn check_at(
        &self,
        schema: &'s Value,
        value: &Value,
        path: &str,
        seen: &mut Vec<&'s str>,
        keys_checked_above: bool,
        out: &mut Vec<Violation>,
    ) {
        let schema = match schema {
            Value::Object(map) => map,
            Value::Bool(true) => return,
            Value::Bool(false) => {
                push(
                    out,
                    path,
                    "no value is allowed here (schema `false`)".to_owned(),
                );
                return;
            }
            _ => {
                push(
                    out,
                    path,
                    format!("invalid schema in the spec: {}", brief(schema)),
                );
                return;
            }
        };

        if let Some(reference) = schema.get("$ref") {
            let Some(reference) = reference.as_str() else {
                push(
                    out,
                    path,
                    "invalid $ref in the spec (not a string)".to_owned(),
                );
                return;
            };
            if seen.contains(&reference) {
                return; // a cycle that does not descend into the value: nothing new to check
            }
            match self.resolve(reference) {
                Some(target) => {
                    seen.push(reference);
                    self.check_at(target, value, path, seen, keys_checked_above, out);
                    seen.pop();
                }
                None => push(
                    out,
                    path,
                    format!("unresolvable $ref {reference} in the spec"),
                ),
            }
            return;
        }

        let nullable = schema
            .get("nullable")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if value.is_null() && nullable {
            return;
        }

        if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
            for member in members {
                self.check_at(member, value, path, seen, true, out);
            }
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(alternatives) = schema.get(keyword).and_then(Value::as_array) {
                self.check_alternatives(keyword, alternatives, value, path, seen, out);
            }
        }

        // OpenAPI 3.1 (JSON Schema): `type` may be a list, `"null"` among them.
        if let Some(types) = schema.get("type").and_then(Value::as_array) {
            let names: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
            if let Some(unknown) = names.iter().find(|t| type_matches(t, value).is_none()) {
                push(out, path, format!("unknown type `{unknown}` in the spec"));
                return;
            }
            if !names.iter().any(|t| type_matches(t, value) == Some(true)) {
                push(
                    out,
                    path,
                    format!("expected {}, got {}", names.join(" or "), kind_of(value)),
                );
                return;
            }
        }
        if let Some(ty) = schema.get("type").and_then(Value::as_str) {
            match type_matches(ty, value) {
                Some(true) => {}
                Some(false) => {
                    let or_null = if nullable { " or null" } else { "" };
                    push(
                        out,
                        path,
                        format!("expected {ty}{or_null}, got {}", kind_of(value)),
                    );
                    return;
                }
                None => {
                    push(out, path, format!("unknown type `{ty}` in the spec"));
                    return;
                }
            }
        }

        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            push(
                out,
                path,
                format!("expected one of {}, got {}", list(allowed), brief(value)),
            );
        }

        match value {
            Value::String(s) => check_string(schema, s, path, out),
            Value::Number(_) => check_number(schema, value, path, out),
            Value::Array(items) => self.check_array(schema, items, path, out),
            Value::Object(map) => self.check_object(schema, map, path, keys_checked_above, out),
            Value::Null | Value::Bool(_) => {}
        }
    }

    fn check_alternatives(
        &self,
        keyword: &str,
        alternatives: &'s [Value],
        value: &Value,
        path: &str,
        seen: &mut Vec<&'s str>,
        out: &mut Vec<Violation>,
    ) {
        // Closest: fewest failures at the value itself (a type mismatch there means "a different
        // kind of thing"), then fewest failures overall.
        let score =
            |found: &[Violation]| (found.iter().filter(|v| v.path == path).count(), found.len());
        let mut closest: Option<(usize, Vec<Violation>)> = None;
        for (index, alternative) in alternatives.iter().enumerate() {
            let mut found = Vec::new();
            self.check_at(alternative, value, path, seen, false, &mut found);
            if found.is_empty() {
                return;
            }
            if closest
                .as_ref()
                .is_none_or(|(_, best)| score(&found) < score(best))
            {
                closest = Some((index, found));
            }
        }
        match closest {
            Some((index, found)) => {
                let n = alternatives.len();
                for v in found {
                    out.push(Violation {
                        path: v.path,
                        message: format!(
                            "{} (no {keyword} alternative of {n} matched; closest is #{index})",
                            v.message
                        ),
                    });
                }
            }
            None => push(
                out,
                path,
                format!("{keyword} with no alternatives in the spec"),
            ),
        }
    }

    fn check_array(
        &self,
        schema: &'s Map<String, Value>,
        items: &[Value],
        path: &str,
        out: &mut Vec<Violation>,
    ) {
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
            && (items.len() as u64) < min
        {
            push(
                out,
                path,
                format!("expected at least {min} items, got {}", items.len()),
            );
        }
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && items.len() as u64 > max
        {
            push(
                out,
                path,
                format!("expected at most {max} items, got {}", items.len()),
            );
        }
        if schema.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
            for (i, item) in items.iter().enumerate() {
                if items[..i].contains(item) {
                    push(
                        out,
                        &index_path(path, i),
                        format!("duplicate item {}", brief(item)),
                    );
                }
            }
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                let mut seen = Vec::new();
                self.check_at(
                    item_schema,
                    item,
                    &index_path(path, i),
                    &mut seen,
                    false,
                    out,
                );
            }
        }
    }

    fn check_object(
        &self,
        schema: &'s Map<String, Value>,
        map: &Map<String, Value>,
        path: &str,
        keys_checked_above: bool,
        out: &mut Vec<Violation>,
    ) {
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for key in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(key) {
                    push(
                        out,
                        &key_path(path, key),
                        "required property missing".to_owned(),
                    );
                }
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        if let Some(properties) = properties {
            for (key, property_schema) in properties {
                if let Some(child) = map.get(key) {
                    let mut seen = Vec::new();
                    self.check_at(
                        property_schema,
                        child,
                        &key_path(path, key),
                        &mut seen,
                        false,
                        out,
                    );
                }
            }
        }
        if let Some(n) = schema.get("minProperties").and_then(Value::as_u64)
            && (map.len() as u64) < n
        {
            push(
                out,
                path,
                format!("expected at least {n} properties, got {}", map.len()),
            );
        }
        if let Some(n) = schema.get("maxProperties").and_then(Value::as_u64)
            && map.len() as u64 > n
        {
            push(
                out,
                path,
                format!("expected at most {n} properties, got {}", map.len()),
            );
        }

        // Undeclared keys: judged once per value, by the outermost schema (allOf merged).
        if keys_checked_above {
            return;
        }
        let mut declared = Declared::default();
        self.collect_declared(schema, &mut declared, &mut Vec::new());
        for (key, child) in map {
            if declared.names.iter().any(|name| name == key) {
                continue;
            }
            let child_path = key_path(path, key);
            if !declared.extra_schemas.is_empty() {
                for extra in &declared.extra_schemas {
                    let mut seen = Vec::new();
                    self.check_at(extra, child, &child_path, &mut seen, false, out);
                }
            } else if declared.closed {
                push(
                    out,
                    &child_path,
                    "unknown property (additionalProperties: false)".to_owned(),
                );
            } else if declared.any_properties {
                let message = match self.strictness {
                    Strictness::Spec => continue,
                    Strictness::DeclaredOnly => "unknown property: not declared in the spec",
                    Strictness::Request => {
                        "unknown property: not declared in the spec (Plaid answers UNKNOWN_FIELDS)"
                    }
                };
                push(out, &child_path, message.to_owned());
            }
        }
    }

    /// Merges what a schema and its `allOf` members (through `$ref`s) declare about keys.
    fn collect_declared(
        &self,
        schema: &'s Map<String, Value>,
        into: &mut Declared<'s>,
        seen: &mut Vec<&'s str>,
    ) {
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            into.any_properties = true;
            into.names.extend(properties.keys().map(String::as_str));
        }
        match schema.get("additionalProperties") {
            Some(Value::Bool(false)) => into.closed = true,
            Some(extra @ Value::Object(_)) => into.extra_schemas.push(extra),
            _ => {}
        }
        for member in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let mut member = member;
            while let Some(reference) = member.get("$ref").and_then(Value::as_str) {
                if seen.contains(&reference) {
                    return;
                }
                seen.push(reference);
                match self.resolve(reference) {
                    Some(target) => member = target,
                    None => return,
                }
            }
            if let Some(member) = member.as_object() {
                self.collect_declared(member, into, seen);
            }
        }
    }
}

#[derive(Default)]
struct Declared<'s> {
    names: Vec<&'s str>,
    any_properties: bool,
    closed: bool,
    extra_schemas: Vec<&'s Value>,
}

fn type_matches(ty: &str, value: &Value) -> Option<bool> {
    Some(match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "number" => value.is_number(),
        "integer" => is_whole(value),
        "null" => value.is_null(),
        _ => return None,
    })
}

fn is_whole(value: &Value) -> bool {
    match value {
        Value::Number(n) if n.is_i64() || n.is_u64() => true,
        Value::Number(n) => n
            .as_f64()
            .is_some_and(|f| f.is_finite() && f.fract() == 0.0),
        _ => false,
    }
}

fn kind_of(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {}", brief(&Value::String(s.clone()))),
        Value::Array(a) => format!("array of {} items", a.len()),
        Value::Object(_) => "object".to_owned(),
    }
}

fn check_string(schema: &Map<String, Value>, s: &str, path: &str, out: &mut Vec<Violation>) {
    let chars = s.chars().count() as u64;
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
        && chars < min
    {
        push(
            out,
            path,
            format!("expected at least {min} characters, got {chars}"),
        );
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
        && chars > max
    {
        push(
            out,
            path,
            format!("expected at most {max} characters, got {chars}"),
        );
    }
    match schema.get("format").and_then(Value::as_str) {
        Some("date") if !is_date(s) => {
            push(
                out,
                path,
                format!(
                    "expected a date YYYY-MM-DD, got {}",
                    brief(&Value::String(s.to_owned()))
                ),
            );
        }
        Some("date-time") if !is_date_time(s) => push(
            out,
            path,
            format!(
                "expected an RFC 3339 date-time, got {}",
                brief(&Value::String(s.to_owned()))
            ),
        ),
        _ => {}
    }
}

fn check_number(schema: &Map<String, Value>, value: &Value, path: &str, out: &mut Vec<Violation>) {
    let Some(x) = value.as_f64() else { return };
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        let exclusive = schema.get("exclusiveMinimum").and_then(Value::as_bool) == Some(true);
        if x < min || (exclusive && x == min) {
            let op = if exclusive { ">" } else { ">=" };
            push(
                out,
                path,
                format!("expected a number {op} {min}, got {value}"),
            );
        }
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
        let exclusive = schema.get("exclusiveMaximum").and_then(Value::as_bool) == Some(true);
        if x > max || (exclusive && x == max) {
            let op = if exclusive { "<" } else { "<=" };
            push(
                out,
                path,
                format!("expected a number {op} {max}, got {value}"),
            );
        }
    }
}

/// `YYYY-MM-DD`, a day that exists in the proleptic Gregorian calendar.
pub(crate) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) =
        (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10]))
    else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` (`t`/`z` lower case allowed).
pub(crate) fn is_date_time(s: &str) -> bool {
    if s.len() < 20 || !s.is_char_boundary(10) || !is_date(&s[..10]) {
        return false;
    }
    let b = s.as_bytes();
    if !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return false;
    }
    let (Some(h), Some(m), Some(sec)) =
        (digits(&b[11..13]), digits(&b[14..16]), digits(&b[17..19]))
    else {
        return false;
    };
    if h > 23 || m > 59 || sec > 60 {
        return false;
    }
    let mut rest = &b[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', oh1, oh2, b':', om1, om2] => {
            matches!((digits(&[*oh1, *oh2]), digits(&[*om1, *om2])), (Some(oh), Some(om)) if oh <= 23 && om <= 59)
        }
        _ => false,
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn push(out: &mut Vec<Violation>, path: &str, message: String) {
    out.push(Violation {
        path: path.to_owned(),
        message,
    });
}

fn key_path(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !key.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::String(key.to_owned()))
    }
}

fn index_path(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// A value shortened for a message.
fn brief(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= 60 {
        text
    } else {
        let head: String = text.chars().take(57).collect();
        format!("{head}...")
    }
}

fn list(values: &[Value]) -> String {
    const SHOWN: usize = 12;
    let mut parts: Vec<String> = values.iter().take(SHOWN).map(brief).collect();
    if values.len() > SHOWN {
        parts.push(format!("... ({} more)", values.len() - SHOWN));
    }
    format!("[{}]", parts.join(", "))
}
