//! Categories (Plaid's taxonomy and the person's own) and the tags in use.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use coffer_core::{CategoryNameInput, CategorySource, CategoryView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::bad_request;
use crate::serve::ApiState;
use crate::serve::error::{ApiError, ErrorBody};
use crate::serve::guard::JsonBody;

/// A category.
#[derive(Debug, Serialize, ToSchema)]
pub struct Category {
    /// What a transaction stores: a Plaid code (`FOOD_AND_DRINK_COFFEE`) or the person's name.
    pub category: String,
    /// People's words for it ("Coffee").
    pub label: String,
    /// What it is grouped and filtered under: a detailed code's primary, or itself.
    pub group: String,
    /// `plaid` or `own`.
    pub source: String,
    /// Transactions in it (counted by group: Plaid's detailed codes show 0).
    pub transactions: u64,
}

/// `GET categories`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoriesResponse {
    /// Plaid's (each primary, then its detailed codes), then the person's.
    pub categories: Vec<Category>,
}

/// `POST categories`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryRequest {
    /// The name (1–60 characters; not one of Plaid's codes; unique without case).
    pub name: String,
}

/// A tag in use.
#[derive(Debug, Serialize, ToSchema)]
pub struct Tag {
    /// The tag.
    pub tag: String,
    /// Transactions carrying it.
    pub transactions: u64,
}

/// `GET tags`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagsResponse {
    /// Every tag in use.
    pub tags: Vec<Tag>,
}

fn category(c: CategoryView) -> Category {
    Category {
        category: c.category,
        label: c.label,
        group: c.group,
        source: match c.source {
            CategorySource::Plaid => "plaid".into(),
            CategorySource::Own => "own".into(),
        },
        transactions: c.transactions,
    }
}

/// Every category a transaction may have: Plaid's and the person's.
#[utoipa::path(
    get, path = "/api/v1/banking/categories", tag = "banking",
    responses(
        (status = 200, description = "The categories", body = CategoriesResponse),
        (status = "4XX", description = "Refused (token, Host)", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_categories(
    State(state): State<ApiState>,
) -> Result<Json<CategoriesResponse>, ApiError> {
    let list = state.coffer.list_categories().await?;
    Ok(Json(CategoriesResponse {
        categories: list.into_iter().map(category).collect(),
    }))
}

/// Make a category of the person's own.
#[utoipa::path(
    post, path = "/api/v1/banking/categories", tag = "banking",
    request_body = CategoryRequest,
    responses(
        (status = 201, description = "The new category", body = Category),
        (status = "4XX", description = "Refused (a name taken or Plaid's, input, token, Host)", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_category(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<CategoryRequest>,
) -> Result<(StatusCode, Json<Category>), ApiError> {
    let view = state
        .coffer
        .create_category(CategoryNameInput { name: body.name })
        .await?;
    Ok((StatusCode::CREATED, Json(category(view))))
}

/// Remove a category of the person's (only one no transaction, split part or rule uses).
#[utoipa::path(
    delete, path = "/api/v1/banking/categories/{name}", tag = "banking",
    params(("name" = String, Path, description = "The category's name (percent-encoded)")),
    responses(
        (status = 204, description = "Removed"),
        (status = "4XX", description = "Refused (in use, not one of the person's, token, Host)", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_category(
    State(state): State<ApiState>,
    name: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(name) = name.map_err(|e| bad_request(e.body_text()))?;
    state
        .coffer
        .delete_category(CategoryNameInput { name })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every tag in use, with how many transactions carry it.
#[utoipa::path(
    get, path = "/api/v1/banking/tags", tag = "banking",
    responses(
        (status = 200, description = "The tags", body = TagsResponse),
        (status = "4XX", description = "Refused (token, Host)", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_tags(State(state): State<ApiState>) -> Result<Json<TagsResponse>, ApiError> {
    let tags = state.coffer.list_tags().await?;
    Ok(Json(TagsResponse {
        tags: tags
            .into_iter()
            .map(|t| Tag {
                tag: t.tag,
                transactions: t.transactions,
            })
            .collect(),
    }))
}
