//! Cross-cutting response rules: security headers on everything, and an Indonesian page for
//! every error response that would otherwise go out bare (404 fallback, 405, 413, 408 …).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;
use super::error::{Shown, error_page};

pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Replaces the body of an error response that is not already an HTML page.
pub async fn error_pages(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_html {
        if status.is_server_error() {
            tracing::error!(
                status = status.as_u16(),
                "bare error response replaced by error page"
            );
        }
        return error_page(status, None);
    }
    response
}

/// An error page (403, 404, 409 …) shown to a signed-in user keeps the header and menu of every
/// other page: who is signed in, their links, the sign-out button. Runs inside the session and
/// CSRF layers, whose user and token it reads from the request.
pub async fn signed_in_error_pages(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let user = req
        .extensions()
        .get::<super::session::SignedIn>()
        .map(|s| s.0.clone());
    let csrf = req
        .extensions()
        .get::<super::csrf::CsrfToken>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;
    let (Some(user), Some(shown)) = (user, response.extensions().get::<Shown>().cloned()) else {
        return response;
    };
    let mut layout = crate::views::Layout::new(
        shown.title.to_owned(),
        Some(&user),
        &csrf,
        &state.settings,
        &path,
    );
    layout.unread = crate::db::notifications::unread_count(&state.db, user.id)
        .await
        .unwrap_or(0);
    let status = response.status();
    let page = crate::views::ErrorPage::with_layout(layout, status.as_u16(), &shown.message);
    let Ok(html) = askama::Template::render(&page) else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(html))
}
