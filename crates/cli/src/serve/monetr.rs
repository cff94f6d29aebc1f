//! Dialect 2: monetr's Plaid Links API (camelCase), with monetr's error bodies and statuses,
//! so a monetr-style front end can use Coffer unchanged. One core call per handler.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use coffer_core::{CreateLinkTokenInput, ExchangeInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiState;
use super::error::{ApiError, ErrorBody, MonetrError};
use super::guard::JsonBody;

const TOKEN_FAILED: &str = "failed to create link token";
const EXCHANGE_FAILED: &str = "failed to exchange token";

/// `GET /api/plaid/token/new` query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct TokenNewQuery {
    /// Hand back an unexpired, unused token made for the same purpose instead of a new one.
    pub use_cache: bool,
}

/// A link token for Plaid Link.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenNewResponse {
    /// Pass to `Plaid.create({ token })`.
    pub link_token: String,
}

/// `POST /api/plaid/token/callback` body: what Link's `onSuccess` gave.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct CallbackRequest {
    /// `public_token` from `onSuccess`.
    pub public_token: String,
    /// `metadata.institution.institution_id`.
    pub institution_id: String,
    /// `metadata.institution.name`.
    pub institution_name: String,
    /// `metadata.accounts[].id` (at least one).
    pub account_ids: Vec<String>,
}

/// The link made.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallbackResponse {
    /// Local id of the link.
    pub link_id: i64,
}

/// A new link token (monetr's `GET /plaid/token/new`).
#[utoipa::path(
    get, path = "/api/plaid/token/new", tag = "monetr",
    params(TokenNewQuery),
    responses(
        (status = 200, description = "A link token", body = TokenNewResponse),
        (status = 400, description = "`max number of Plaid links already reached`, or a bad query", body = MonetrError),
        (status = "4XX", description = "Refused before the dialect (token, Host)", body = ErrorBody),
        (status = "5XX", description = "`failed to create link token`, or the keychain or the database failed", body = MonetrError),
    ),
    security(("bearer" = []))
)]
pub async fn token_new(
    State(state): State<ApiState>,
    query: Result<Query<TokenNewQuery>, QueryRejection>,
) -> Result<Json<TokenNewResponse>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::Monetr {
        status: StatusCode::BAD_REQUEST,
        message: e.body_text(),
    })?;
    let token = state
        .coffer
        .create_link_token(CreateLinkTokenInput {
            use_cache: q.use_cache,
            ..CreateLinkTokenInput::default()
        })
        .await
        .map_err(|e| ApiError::from(e).monetr(TOKEN_FAILED))?;
    Ok(Json(TokenNewResponse {
        link_token: token.link_token,
    }))
}

/// Exchange Link's public token (monetr's `POST /plaid/token/callback`).
#[utoipa::path(
    post, path = "/api/plaid/token/callback", tag = "monetr",
    request_body = CallbackRequest,
    responses(
        (status = 200, description = "The link", body = CallbackResponse),
        (status = 400, description = "`must provide a public token`, `must select at least one account`, `max number of Plaid links already reached`, or a bad body", body = MonetrError),
        (status = "4XX", description = "Refused before the dialect (token, Host, body size or type)", body = ErrorBody),
        (status = "5XX", description = "`failed to exchange token`, or the keychain or the database failed", body = MonetrError),
    ),
    security(("bearer" = []))
)]
pub async fn token_callback(
    State(state): State<ApiState>,
    body: Result<JsonBody<CallbackRequest>, ApiError>,
) -> Result<Json<CallbackResponse>, ApiError> {
    let JsonBody(body) = body.map_err(|e| e.monetr(EXCHANGE_FAILED))?;
    let out = state
        .coffer
        .exchange_public_token(ExchangeInput {
            public_token: body.public_token,
            institution_id: body.institution_id,
            institution_name: body.institution_name,
            account_ids: body.account_ids,
        })
        .await
        .map_err(|e| ApiError::from(e).monetr(EXCHANGE_FAILED))?;
    Ok(Json(CallbackResponse {
        link_id: out.link_id,
    }))
}
