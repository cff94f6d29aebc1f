//! Bearer tokens of the local REST API (`coffer-cli serve`): created, listed, revoked and
//! checked here so that every front end shares one rule. A token is shown once, at creation;
//! SQLite keeps only its SHA-256, and checking compares hashes in constant time.

use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{AppError, Result};
use crate::store;
use crate::validate;
use crate::{Coffer, Secret};

/// What every token starts with (so a leaked one is recognisable in a scan).
pub const API_TOKEN_PREFIX: &str = "coffer_";
/// Random bytes in a token (256 bits).
const TOKEN_BYTES: usize = 32;
/// Longest text ever compared as a token; longer is refused before hashing.
const MAX_PRESENTED: usize = 256;

/// A token as listed (no secret in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiTokenView {
    /// Id (for `token revoke`).
    pub id: i64,
    /// The name given at creation.
    pub name: String,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Revoked (RFC 3339), if it was.
    pub revoked_at: Option<String>,
}

impl From<store::api_tokens::ApiTokenRow> for ApiTokenView {
    fn from(r: store::api_tokens::ApiTokenRow) -> Self {
        ApiTokenView {
            id: r.id,
            name: r.name,
            created_at: r.created_at,
            revoked_at: r.revoked_at,
        }
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl Coffer {
    /// Makes a new API token named `name`; returns it listed and, once, the token itself.
    pub fn create_api_token(&self, name: &str) -> Result<(ApiTokenView, Secret)> {
        let name = validate::name("name", name, validate::MAX_NAME)?;
        let mut bytes = [0u8; TOKEN_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = format!(
            "{API_TOKEN_PREFIX}{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let hash = digest(&token);
        let id = self
            .inner
            .store
            .write(|c| store::api_tokens::write::insert(c, &name, &hash))?;
        let view = self
            .list_api_tokens()?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| AppError::Storage(format!("API token {id} vanished")))?;
        Ok((view, Secret::new(token)))
    }

    /// Every API token, revoked ones included, oldest first.
    pub fn list_api_tokens(&self) -> Result<Vec<ApiTokenView>> {
        Ok(self
            .inner
            .store
            .read(store::api_tokens::read::all)?
            .into_iter()
            .map(ApiTokenView::from)
            .collect())
    }

    /// Revokes a live token: it stops working at once (the next request checks again).
    pub fn revoke_api_token(&self, id: i64) -> Result<ApiTokenView> {
        if !self
            .inner
            .store
            .write(|c| store::api_tokens::write::revoke(c, id))?
        {
            return Err(AppError::invalid(format!(
                "no live API token with id {id} (see `coffer-cli serve token list`)"
            )));
        }
        self.list_api_tokens()?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| AppError::Storage(format!("API token {id} vanished")))
    }

    /// The id of the live token `presented` is, if any. Every live hash is compared, each in
    /// constant time, so the answer's timing tells nothing about how close a guess was.
    pub fn check_api_token(&self, presented: &str) -> Result<Option<i64>> {
        if presented.is_empty() || presented.len() > MAX_PRESENTED {
            return Ok(None);
        }
        let hash = digest(presented);
        let live = self
            .inner
            .store
            .read(store::api_tokens::read::live_hashes)?;
        let mut found = None;
        for (id, stored) in &live {
            if bool::from(stored.as_slice().ct_eq(&hash)) {
                found = Some(*id);
            }
        }
        Ok(found)
    }
}
