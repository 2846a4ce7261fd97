//! Resolving the session cookie to a user, and the guard every protected route group carries.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};

use super::{AppState, WebError};
use crate::db::audit::{self, Event};
use crate::db::sessions::{self, Lookup};
use crate::db::users::User;
use crate::domain::policy::{self, Permission};

pub const SESSION_COOKIE: &str = "karya_sesi";

/// The signed-in user of this request, put into the request by `resolve`.
#[derive(Clone)]
pub struct SignedIn(pub User);

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value with the attributes every Karya cookie has.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build()
        .to_string()
}

/// Looks up the session cookie; a disabled user's session is ended and the attempt audited.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if let Some(token) = cookie_value(req.headers(), SESSION_COOKIE) {
        match sessions::lookup(&state.db, &token).await {
            Ok(Lookup::Active(user)) => {
                req.extensions_mut().insert(SignedIn(user));
            }
            Ok(Lookup::Disabled(user)) => {
                let (parts, body) = req.into_parts();
                let ip = super::client_ip(&parts, state.settings.trust_proxy);
                req = Request::from_parts(parts, body);
                let _ = audit::record(
                    &state.db,
                    Event {
                        actor_id: Some(user.id),
                        actor_label: &user.username,
                        action: "session.rejected_disabled",
                        entity: "user",
                        entity_id: user.id.to_string(),
                        summary: serde_json::json!({"path": req.uri().path()}),
                        ip: &ip,
                    },
                )
                .await;
            }
            Ok(Lookup::None) => {}
            Err(e) => return WebError::from(e).into_response(),
        }
    }
    next.run(req).await
}

/// Guard for a route group: signed in, and the role holds `permission`.
pub async fn require(permission: Permission, req: Request, next: Next) -> Response {
    let Some(SignedIn(user)) = req.extensions().get::<SignedIn>() else {
        let next_path = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        return WebError::Unauthorized { next: next_path }.into_response();
    };
    if !policy::allows(user.role, permission) {
        return WebError::Forbidden.into_response();
    }
    next.run(req).await
}
