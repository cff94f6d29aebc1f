//! The API's OpenAPI document, generated from the handlers' `#[utoipa::path]` annotations.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{error, monetr, v1};

/// The document's root.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Coffer local API",
        description = "Coffer's link lifecycle on loopback (`coffer-cli serve`): Plaid link tokens, public token exchange, links, accounts, transactions and sync, in two dialects; in the first, also the person's edits, splits, transfers, categories, tags and rules. Every route but this document needs `Authorization: Bearer <token>` (`coffer-cli serve token create`).",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        v1::link_token,
        v1::exchange,
        v1::links,
        v1::accounts,
        v1::transactions,
        v1::sync,
        v1::remove_link,
        v1::edits::get_transaction,
        v1::edits::edit_transaction,
        v1::edits::edit_transactions,
        v1::edits::split_transaction,
        v1::edits::unsplit_transaction,
        v1::edits::pair_transfer,
        v1::edits::unpair_transfer,
        v1::categories::list_categories,
        v1::categories::create_category,
        v1::categories::delete_category,
        v1::categories::list_tags,
        v1::rules::suggest_rule,
        v1::rules::list_rules,
        v1::rules::create_rule,
        v1::rules::update_rule,
        v1::rules::delete_rule,
        v1::rules::order_rules,
        v1::rules::preview_rules,
        v1::rules::apply_rules,
        v1::rules_file::export_rules,
        v1::rules_file::import_rules,
        monetr::token_new,
        monetr::token_callback,
    ),
    components(schemas(error::ErrorBody, error::MonetrError, v1::TransfersFilter)),
    modifiers(&Bearer),
    tags(
        (name = "banking", description = "Dialect 1: `/api/v1/banking`, snake_case"),
        (name = "monetr", description = "Dialect 2: monetr's Plaid Links API, camelCase, monetr's errors"),
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` security scheme the operations name.
#[derive(Debug)]
struct Bearer;

impl Modify for Bearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A token from `coffer-cli serve token create`"))
                    .build(),
            ),
        );
    }
}

/// The document as JSON (what `/api/openapi.json` serves and the committed copy holds).
pub fn document() -> serde_json::Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap_or_default()
}

/// `GET /api/openapi.json` (no token needed: it holds no data).
pub async fn serve() -> Json<serde_json::Value> {
    Json(document())
}
