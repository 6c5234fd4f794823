//! The HTTP side of [`crate::auth`]: the [`Caller`] extractor (session cookie
//! `wangge_session` or `Authorization: Bearer <token>`), `POST /api/login`,
//! `POST /api/logout`, `GET /api/me` and `GET /api/audit`, and the request limits
//! (global body size, request time).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{ApiError, AppState};
use crate::auth::{Caller, Permission, SESSION_COOKIE};

/// Largest request body outside `POST /api/lookup` (which has its own 4 MB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The client address of a request, when the server was started with connect info.
pub fn remote_of(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// The client address as an extractor (`None` when the server runs without connect info).
#[derive(Debug, Clone, Copy)]
pub struct Remote(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Remote {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Remote(remote_of(parts)))
    }
}

/// The session or API token of a request: the Bearer token, else the session cookie.
fn token_of(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let v = v.trim();
        if let Some(t) = v
            .strip_prefix("Bearer ")
            .or_else(|| v.strip_prefix("bearer "))
        {
            return Some(t.trim().to_string());
        }
    }
    cookie(headers, SESSION_COOKIE)
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(c) = parts.extensions.get::<Caller>() {
            return Ok(c.clone());
        }
        let token = token_of(&parts.headers).ok_or_else(|| {
            ApiError::Unauthorized(
                "log in first: POST /api/login, or send Authorization: Bearer <token>".into(),
            )
        })?;
        let generation = state.index.snapshot().revision();
        let caller = state
            .auth
            .resolve(&token, remote_of(parts), generation)
            .await?;
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

/// `POST /api/login` body.
#[derive(Debug, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// Whether the client reached the server over HTTPS, as a proxy in front says.
fn came_over_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

/// The session cookie: `Secure` when `secure` (the browser then sends it over HTTPS only).
fn session_cookie(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("wangge_session=; Path=/"))
}

/// `POST /api/login {"username", "password"}`: 200 with the user and a session cookie,
/// 401 on wrong credentials, 429 after too many failures.
pub async fn login(
    State(state): State<AppState>,
    Remote(remote): Remote,
    headers: HeaderMap,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(req) = body?;
    let session = match state.auth.login(&req.username, &req.password, remote).await {
        Ok(s) => s,
        // Wrong credentials are audited; refusals by the rate limit are not (they would
        // let one client fill the append-only log).
        Err(e @ crate::auth::AuthError::RateLimited { .. }) => return Err(e.into()),
        Err(e) => {
            let entry = crate::store::NewAuditEntry {
                actor: req.username.clone(),
                action: "login.failed".into(),
                target: format!("user/{}", req.username),
                detail: e.to_string(),
                remote: remote.map(|a| a.to_string()).unwrap_or_default(),
                ..Default::default()
            };
            if let Err(store) = state.auth.audit(&entry).await {
                tracing::error!("cannot audit a failed login: {store}");
            }
            return Err(e.into());
        }
    };
    state
        .auth
        .audit(
            &session
                .caller
                .audit_entry("login", &format!("user/{}", req.username), ""),
        )
        .await?;
    let max_age = (session.expires_at - chrono::Utc::now())
        .num_seconds()
        .max(0);
    let mut response = Json(json!({
        "user": session.caller.to_json(),
        "expires_at": session.expires_at,
    }))
    .into_response();
    let secure = state.auth.config().secure_cookies || came_over_https(&headers);
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(&session.token, max_age, secure),
    );
    Ok(response)
}

/// `POST /api/logout`: ends the session (204) and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.auth.logout(&token).await?;
    }
    state
        .auth
        .audit(&caller.audit_entry("logout", &format!("user/{}", caller.username()), ""))
        .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie("", 0, came_over_https(&headers)),
    );
    Ok(response)
}

/// `GET /api/me`: the caller.
pub async fn me(caller: Caller) -> Json<Value> {
    Json(caller.to_json())
}

/// `GET /api/audit` parameters.
#[derive(Debug, Deserialize)]
pub struct AuditParams {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Most audit entries per page.
pub const MAX_AUDIT_PAGE: i64 = 1000;

/// `GET /api/audit?limit=&offset=`: the audit log, newest first (administrators).
pub async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<Query<AuditParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Permission::ReadAudit, "read the audit log")?;
    let Query(p) = params?;
    let limit = p.limit.unwrap_or(100);
    if !(1..=MAX_AUDIT_PAGE).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit {limit} is outside 1..={MAX_AUDIT_PAGE}"
        )));
    }
    let offset = p.offset.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::BadRequest(format!(
            "offset {offset} is below zero"
        )));
    }
    let (entries, total) = state.store.audit_entries(limit, offset).await?;
    Ok(Json(json!({
        "total": total,
        "limit": limit,
        "offset": offset,
        "entries": entries,
    })))
}

/// Middleware: a request running longer than `limit` is answered 503 with a JSON reason.
pub async fn time_limit(limit: Duration, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout(format!(
            "the request took longer than the {} ms limit and its answer was abandoned (a write \
             under way still completes and is audited): narrow it (a smaller page, box or \
             batch) and try again",
            limit.as_millis()
        ))
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_wins_over_the_cookie() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; wangge_session=abc"),
        );
        assert_eq!(token_of(&h).as_deref(), Some("abc"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer xyz"),
        );
        assert_eq!(token_of(&h).as_deref(), Some("xyz"));
        assert_eq!(token_of(&HeaderMap::new()), None);
    }

    #[test]
    fn the_cookie_is_secure_behind_https_only() {
        let mut h = HeaderMap::new();
        assert!(!came_over_https(&h));
        h.insert("x-forwarded-proto", HeaderValue::from_static("HTTPS, http"));
        assert!(came_over_https(&h));
        h.insert("x-forwarded-proto", HeaderValue::from_static("http"));
        assert!(!came_over_https(&h));
        let secure = session_cookie("t", 60, true);
        assert!(secure.to_str().unwrap().ends_with("; Secure"));
        assert!(!session_cookie("t", 60, false)
            .to_str()
            .unwrap()
            .contains("Secure"));
    }
}
