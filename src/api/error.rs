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
    /// The request is well formed but breaks a rule (e.g. a manual move in a plan that
    /// would cut a grid in two); nothing was changed.
    #[error("{0}")]
    Unprocessable(String),
    /// The request body or batch is larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// No valid session or API token (or wrong credentials).
    #[error("{0}")]
    Unauthorized(String),
    /// The caller's role lacks a permission.
    #[error("{0}")]
    Forbidden(String),
    /// Too many failed logins; try again after `retry_after` seconds.
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    /// The request or a database statement took longer than allowed.
    #[error("{0}")]
    Timeout(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The server itself failed (e.g. a spawned task panicked); details go to the log.
    #[error("internal error while {0}")]
    Internal(String),
}

impl From<crate::auth::AuthError> for ApiError {
    fn from(e: crate::auth::AuthError) -> Self {
        use crate::auth::AuthError;
        match e {
            AuthError::Unauthorized(m) => ApiError::Unauthorized(m),
            AuthError::Forbidden { .. } => ApiError::Forbidden(e.to_string()),
            AuthError::RateLimited { retry_after, .. } => ApiError::TooManyRequests {
                message: e.to_string(),
                retry_after: retry_after.as_secs().max(1),
            },
            AuthError::BadRequest(m) => ApiError::BadRequest(m),
            AuthError::Secret(s) => ApiError::BadRequest(s.to_string()),
            AuthError::Store(s) => ApiError::Store(s),
        }
    }
}

/// Whether a store error is PostgreSQL cancelling a statement at `statement_timeout`.
fn is_statement_timeout(e: &StoreError) -> bool {
    match e {
        StoreError::Database { source, .. } => source
            .as_database_error()
            .and_then(|d| d.code())
            .is_some_and(|c| c == "57014"),
        _ => false,
    }
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

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(r: axum::extract::rejection::JsonRejection) -> Self {
        match r.status().as_u16() {
            413 => ApiError::TooLarge(format!("the request body is too large: {}", r.body_text())),
            _ => ApiError::BadRequest(r.body_text()),
        }
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
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Timeout(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Store(e) if is_statement_timeout(e) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Store(e) => {
                tracing::error!("store error: {e}");
                StatusCode::INTERNAL_SERVER_ERROR
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let message = match &self {
            ApiError::Store(e) if is_statement_timeout(e) => {
                "the database query took longer than the statement timeout; narrow the request (a smaller bbox or page)".to_string()
            }
            ApiError::Store(_) => "internal error while reading the store".to_string(),
            other => other.to_string(),
        };
        let mut response = (
            status,
            Json(json!({ "error": message, "status": status.as_u16() })),
        )
            .into_response();
        if let ApiError::TooManyRequests { retry_after, .. } = &self {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(*retry_after),
            );
        }
        if let ApiError::Unauthorized(_) = &self {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"wangge\""),
            );
        }
        response
    }
}
