//! CSRF protection for every state-changing request: a random cookie per browser and, in each
//! form, an HMAC of it under the session key (signed double-submit). A request whose token is
//! missing or wrong is refused before any handler runs.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::session::{cookie_value, set_cookie};
use super::{AppState, WebError};
use crate::secrets::Key;

pub const CSRF_COOKIE: &str = "karya_csrf";
pub const CSRF_FIELD: &str = "_csrf";

/// The token to embed in this request's forms.
#[derive(Clone)]
pub struct CsrfToken(pub String);

pub fn token_for(key: &Key, cookie: &str) -> String {
    let mut mac = <Hmac<Sha256>>::new_from_slice(key.bytes()).expect("any key length");
    mac.update(b"csrf:");
    mac.update(cookie.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub async fn protect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let key = &state.secrets.session_key;
    let existing = cookie_value(req.headers(), CSRF_COOKIE).filter(|v| v.len() >= 32);
    if is_safe(req.method()) {
        // Assets and probes carry no forms: no cookie, so they stay cacheable.
        let path = req.uri().path();
        if existing.is_none() && (path.starts_with("/static/") || path == "/healthz") {
            return next.run(req).await;
        }
        let (cookie, fresh) = match existing {
            Some(c) => (c, false),
            None => (crate::secrets::new_token().0, true),
        };
        let mut req = req;
        req.extensions_mut()
            .insert(CsrfToken(token_for(key, &cookie)));
        let mut response = next.run(req).await;
        if fresh {
            let value = set_cookie(
                CSRF_COOKIE,
                &cookie,
                400 * 24 * 3600,
                state.settings.secure_cookies(),
            );
            if let Ok(v) = HeaderValue::from_str(&value) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
        }
        return response;
    }

    // The WhatsApp webhook is posted by Meta's servers, with no cookie: its body is
    // authenticated by the app secret's signature instead (`notifications::whatsapp_webhook`).
    if req.uri().path() == super::notifications::WHATSAPP_WEBHOOK {
        return next.run(req).await;
    }
    let Some(cookie) = existing else {
        return reject(&req);
    };
    let expected = token_for(key, &cookie);
    let (parts, body) = req.into_parts();
    let mut presented = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| field_from_query(parts.uri.query()));
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let body = if is_form && presented.is_none() {
        let bytes = match axum::body::to_bytes(body, state.settings.body_limit_bytes).await {
            Ok(b) => b,
            Err(e) if super::error::is_length_limit(&e) => {
                return WebError::TooLarge.into_response();
            }
            Err(e) => {
                tracing::debug!(error = %e, "request body could not be read");
                return WebError::BadRequest.into_response();
            }
        };
        presented = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|pairs| {
                pairs
                    .into_iter()
                    .find(|(k, _)| k == CSRF_FIELD)
                    .map(|(_, v)| v)
            });
        Body::from(bytes)
    } else {
        body
    };
    let ok = presented.is_some_and(|p| bool::from(p.as_bytes().ct_eq(expected.as_bytes())));
    let mut req = Request::from_parts(parts, body);
    if !ok {
        return reject(&req);
    }
    req.extensions_mut().insert(CsrfToken(expected));
    next.run(req).await
}

fn field_from_query(query: Option<&str>) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query?)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v)
}

fn reject(req: &Request) -> Response {
    tracing::warn!(path = %req.uri().path(), "csrf token missing or invalid");
    WebError::Csrf.into_response()
}
