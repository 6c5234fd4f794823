//! API errors as JSON bodies `{"error": "...", "status": N}` with the matching HTTP status.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::store::StoreError;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A parameter is missing, malformed or out of range.
    #[error("{0}")]
    BadRequest(String),
    /// No such entity.
    #[error("{what} {id} does not exist")]
    NotFound { what: &'static str, id: String },
    /// The request conflicts with the current state (e.g. a plan published meanwhile).
    #[error("{0}")]
    Conflict(String),
    /// The request body or batch is larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<crate::lookup::LookupError> for ApiError {
    fn from(e: crate::lookup::LookupError) -> Self {
        match e {
            crate::lookup::LookupError::TooMany { .. } => ApiError::TooLarge(e.to_string()),
            other => ApiError::BadRequest(other.to_string()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::BadRequest(r.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::BadRequest(r.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Store(e) => {
                tracing::error!("store error: {e}");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let message = match &self {
            ApiError::Store(_) => "internal error while reading the store".to_string(),
            other => other.to_string(),
        };
        (
            status,
            Json(json!({ "error": message, "status": status.as_u16() })),
        )
            .into_response()
    }
}
