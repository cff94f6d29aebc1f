//! Input validation for everything that comes from a front end (docs/ARCHITECTURE.md, "Security"): lengths, ids,
//! characters. Runs before any other work, so a rejected command changes nothing.

use crate::error::{AppError, Result};

/// Longest link name.
pub const MAX_NAME: usize = 100;
/// Longest search text.
pub const MAX_SEARCH: usize = 100;
/// Most accounts in one command.
pub const MAX_ACCOUNTS: usize = 100;
/// Largest page of transactions.
pub const MAX_PAGE: u32 = 1000;

/// The first 40 characters of `s`, for an error message.
pub fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// A database id given by the UI: positive.
pub fn link_id(id: i64) -> Result<i64> {
    if id <= 0 {
        return Err(AppError::invalid(format!(
            "linkId must be a positive integer, got {id}"
        )));
    }
    Ok(id)
}

/// An opaque Plaid identifier or token: 1..=max ASCII letters, digits, `-`, `_`, `.`.
pub fn token_like(field: &str, s: &str, max: usize) -> Result<()> {
    if s.is_empty() {
        return Err(AppError::invalid(format!("{field} is empty")));
    }
    if s.len() > max {
        return Err(AppError::invalid(format!(
            "{field} is longer than {max} characters"
        )));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(AppError::invalid(format!(
            "{field} has characters that are not allowed"
        )));
    }
    Ok(())
}

/// A public token: `public-<environment>-<id>`.
pub fn public_token(s: &str) -> Result<()> {
    if s.trim().is_empty() {
        return Err(AppError::MissingPublicToken);
    }
    token_like("publicToken", s, 200)?;
    if !s.starts_with("public-") {
        return Err(AppError::invalid("publicToken is not a Plaid public token"));
    }
    Ok(())
}

/// A link token: `link-<environment>-<id>`.
pub fn link_token(s: &str) -> Result<()> {
    token_like("linkToken", s, 200)?;
    if !s.starts_with("link-") {
        return Err(AppError::invalid("linkToken is not a Plaid link token"));
    }
    Ok(())
}

/// A list of Plaid account ids: 1..=MAX_ACCOUNTS valid ids, no duplicates.
pub fn account_ids(ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Err(AppError::NoAccountsSelected);
    }
    if ids.len() > MAX_ACCOUNTS {
        return Err(AppError::invalid(format!(
            "at most {MAX_ACCOUNTS} accounts"
        )));
    }
    for id in ids {
        token_like("accountIds[]", id, 100)?;
    }
    let mut sorted: Vec<&String> = ids.iter().collect();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != ids.len() {
        return Err(AppError::invalid("accountIds has duplicates"));
    }
    Ok(())
}

/// A human name (link or institution): trimmed, 1..=max characters, printable, none of
/// `;` `"` `` ` `` `\` `<` `>` (they have no business in a bank name and are what injection
/// attempts are made of).
pub fn name(field: &str, s: &str, max: usize) -> Result<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(AppError::invalid(format!("{field} is empty")));
    }
    if t.chars().count() > max {
        return Err(AppError::invalid(format!(
            "{field} is longer than {max} characters"
        )));
    }
    if t.chars()
        .any(|c| c.is_control() || matches!(c, ';' | '"' | '`' | '\\' | '<' | '>'))
    {
        return Err(AppError::invalid(format!(
            "{field} has characters that are not allowed"
        )));
    }
    Ok(t.to_string())
}

/// Search text: at most MAX_SEARCH characters, no control characters. Empty means none.
pub fn search(s: &str) -> Result<Option<String>> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > MAX_SEARCH {
        return Err(AppError::invalid(format!(
            "search is longer than {MAX_SEARCH} characters"
        )));
    }
    if t.chars().any(char::is_control) {
        return Err(AppError::invalid("search has control characters"));
    }
    Ok(Some(t.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn rejects_bad_input() {
        assert_eq!(link_id(0).unwrap_err().code(), ErrorCode::InvalidInput);
        assert_eq!(
            public_token("").unwrap_err().code(),
            ErrorCode::MissingPublicToken
        );
        assert_eq!(
            public_token("  ").unwrap_err().code(),
            ErrorCode::MissingPublicToken
        );
        assert_eq!(
            public_token("public-sandbox-' OR 1=1 --")
                .unwrap_err()
                .code(),
            ErrorCode::InvalidInput
        );
        assert_eq!(
            public_token("access-sandbox-x").unwrap_err().code(),
            ErrorCode::InvalidInput
        );
        assert_eq!(
            public_token("public-sandbox-é").unwrap_err().code(),
            ErrorCode::InvalidInput
        );
        assert_eq!(
            public_token(&format!("public-{}", "a".repeat(300)))
                .unwrap_err()
                .code(),
            ErrorCode::InvalidInput
        );
        assert!(
            public_token(concat!(
                "public-",
                "sandbox-0b5c3f0e-6a7d-4c2a-9d55-1b2c3d4e5f60"
            ))
            .is_ok()
        );
        assert_eq!(
            account_ids(&[]).unwrap_err().code(),
            ErrorCode::NoAccountsSelected
        );
        assert_eq!(
            account_ids(&["a".into(), "a".into()]).unwrap_err().code(),
            ErrorCode::InvalidInput
        );
        assert_eq!(
            name("name", "x'; DROP TABLE links; --", 100)
                .unwrap_err()
                .code(),
            ErrorCode::InvalidInput
        );
        assert_eq!(
            name("name", "   ", 100).unwrap_err().code(),
            ErrorCode::InvalidInput
        );
        assert_eq!(
            name("name", &"n".repeat(101), 100).unwrap_err().code(),
            ErrorCode::InvalidInput
        );
        assert_eq!(
            name("name", "Épargne d'Anne", 100).unwrap(),
            "Épargne d'Anne"
        );
        assert_eq!(search("  Uber ").unwrap().as_deref(), Some("uber"));
    }
}
