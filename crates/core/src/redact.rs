//! The last guard between a secret and a log: [`redact`] masks anything shaped like a Plaid
//! token (`access-`, `public-`, `link-` of any environment), a `coffer_` API token, and the
//! Plaid secrets this process knows by value ([`remember`]). The core never logs a secret;
//! the desktop's log file and `coffer-cli serve`'s access log still go through [`Writer`], so
//! a future mistake stays out of them too.

use std::io::{self, Write};
use std::sync::Mutex;

use coffer_plaid::Secret;

use crate::api_tokens::API_TOKEN_PREFIX;

/// The Plaid secrets this process has been given (configured, or typed in Settings).
static SECRETS: Mutex<Vec<Secret>> = Mutex::new(Vec::new());

/// Shorter values are not masked by value: they would mask ordinary words.
const MIN_SECRET_LEN: usize = 8;

/// Masks `secret`'s text wherever it appears in what [`redact`] sees from now on.
pub fn remember(secret: &Secret) {
    if secret.expose().len() < MIN_SECRET_LEN {
        return;
    }
    let mut secrets = SECRETS.lock().unwrap_or_else(|p| p.into_inner());
    if !secrets.contains(secret) {
        secrets.push(secret.clone());
    }
}

/// `line` with every token-shaped word and remembered secret replaced by `***` (a token keeps
/// its prefix, `access-sandbox-***`, so a log still says what kind of token was there).
pub fn redact(line: &str) -> String {
    let mut out = mask_tokens(line);
    let secrets = SECRETS.lock().unwrap_or_else(|p| p.into_inner());
    for secret in secrets.iter() {
        if out.contains(secret.expose()) {
            out = out.replace(secret.expose(), "***");
        }
    }
    out
}

fn mask_tokens(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    'outer: while !rest.is_empty() {
        // Only at the start of a word: `my-link-sandbox-…` is not a token.
        let at_word_start = out
            .chars()
            .last()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        if at_word_start {
            for prefix in ["access-", "public-", "link-"] {
                if let Some(tail) = rest.strip_prefix(prefix) {
                    for env in ["sandbox-", "production-", "development-"] {
                        if let Some(after) = tail.strip_prefix(env) {
                            let len = after
                                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                                .unwrap_or(after.len());
                            if len > 0 {
                                out.push_str(prefix);
                                out.push_str(env);
                                out.push_str("***");
                                rest = &after[len..];
                                continue 'outer;
                            }
                        }
                    }
                }
            }
            if let Some(after) = rest.strip_prefix(API_TOKEN_PREFIX) {
                let len = after
                    .find(|c: char| !c.is_ascii_hexdigit())
                    .unwrap_or(after.len());
                if len >= 16 {
                    out.push_str(API_TOKEN_PREFIX);
                    out.push_str("***");
                    rest = &after[len..];
                    continue 'outer;
                }
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

/// A writer that passes each write through [`redact`] (a log line arrives in one write).
#[derive(Debug)]
pub struct Writer<W>(pub W);

impl<W: Write> Write for Writer<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .write_all(redact(&String::from_utf8_lossy(buf)).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_masked_and_the_rest_kept() {
        let a = concat!(
            "access-",
            "sandbox-",
            "0c9f2e3a-1b2c-4d5e-8f90-123456789abc"
        );
        let p = concat!(
            "public-",
            "production-",
            "deadbeef-0000-4000-8000-000000000000"
        );
        let l = concat!("link-", "sandbox-", "af1a0311-da53-4636-b754-dd15cc058176");
        let c = concat!("coffer_", "00112233445566778899aabbccddeeff");
        assert_eq!(
            redact(&format!("token={a} next {p}, link {l} api {c}.")),
            "token=access-sandbox-*** next public-production-***, link link-sandbox-*** api coffer_***."
        );
        assert_eq!(
            redact("access-denied and public-facing, link-ready, coffer_home my-link-sandbox-x"),
            "access-denied and public-facing, link-ready, coffer_home my-link-sandbox-x"
        );
        assert_eq!(redact("héllo"), "héllo");
    }

    #[test]
    fn remembered_secrets_are_masked_by_value() {
        let value = "0a1b2c3d4e5f60718293a4b5c6d7e8";
        assert!(redact(value).contains(value), "not remembered yet");
        remember(&Secret::new(value));
        assert_eq!(redact(&format!("secret=\"{value}\"")), "secret=\"***\"");
        // Short values would mask ordinary words: not remembered.
        remember(&Secret::new("abc"));
        assert_eq!(redact("abc"), "abc");
    }

    #[test]
    fn the_writer_redacts_what_passes_through() {
        let mut w = Writer(Vec::new());
        let a = concat!("access-", "production-", "1234");
        writeln!(w, "got {a}").expect("write");
        assert_eq!(
            String::from_utf8(w.0).expect("utf8"),
            "got access-production-***\n"
        );
    }
}
