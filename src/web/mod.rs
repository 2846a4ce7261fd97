//! The HTTP layer: thin handlers that translate requests into domain calls and render views.

pub mod admin;
pub mod api;
pub mod assets;
pub mod auth;
pub mod capital;
pub mod catalog;
pub mod claim;
pub mod csrf;
pub mod dashboard;
pub mod error;
pub mod form;
pub mod gov_admin;
pub mod imports;
pub mod middleware;
pub mod notifications;
pub mod offices;
pub mod open_data;
pub mod orders;
pub mod procurement;
pub mod public;
pub mod register;
pub mod session;
pub mod storefront;
pub mod tracer;
pub mod track_record;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;

use crate::config::Settings;
use crate::db::Db;
use crate::db::users::User;
use crate::secrets::Secrets;
use crate::views::{Field, Layout};

pub use error::WebError;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub secrets: Arc<Secrets>,
    /// Imports this instance is applying right now, with their progress.
    pub running: imports::Running,
    /// The catalog's in-memory search index (refreshed from the database before each search).
    pub catalog: crate::search::SharedCatalog,
}

impl FromRef<AppState> for Db {
    fn from_ref(s: &AppState) -> Db {
        s.db.clone()
    }
}

/// Per-request context every page needs: who is signed in, the CSRF token for forms, the client
/// address, and the instance settings.
pub struct Ctx {
    pub user: Option<User>,
    pub csrf: String,
    pub ip: String,
    pub user_agent: String,
    pub path: String,
    pub settings: Arc<Settings>,
    /// Unread notifications of the signed-in user, for the header badge.
    pub unread: i64,
}

impl Ctx {
    pub fn layout(&self, title: impl Into<String>) -> Layout {
        let mut layout = Layout::new(
            title.into(),
            self.user.as_ref(),
            &self.csrf,
            &self.settings,
            &self.path,
        );
        layout.unread = self.unread;
        layout
    }

    /// The signed-in user; guarded routes always have one.
    pub fn user(&self) -> Result<&User, WebError> {
        self.user.as_ref().ok_or_else(|| WebError::Unauthorized {
            next: self.path.clone(),
        })
    }

    /// The signed-in user as the actor of an audited change.
    pub fn who(&self) -> Result<crate::domain::audit::Who<'_>, WebError> {
        let user = self.user()?;
        Ok(crate::domain::audit::Who {
            id: Some(user.id),
            label: &user.username,
            ip: &self.ip,
        })
    }

    /// Label for the audit trail.
    pub fn actor_label(&self) -> String {
        self.user
            .as_ref()
            .map(|u| u.username.clone())
            .unwrap_or_else(|| "anonim".into())
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = parts
            .extensions
            .get::<session::SignedIn>()
            .map(|s| s.0.clone());
        let csrf = parts
            .extensions
            .get::<csrf::CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        // The header badge: one indexed count; a failure only hides the badge.
        let unread = match &user {
            Some(u) => crate::db::notifications::unread_count(&state.db, u.id)
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "unread notification count failed");
                    0
                }),
            None => 0,
        };
        Ok(Ctx {
            unread,
            user,
            csrf,
            ip: client_ip(parts, state.settings.trust_proxy),
            user_agent: parts
                .headers
                .get(axum::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned(),
            path: parts.uri.path().to_owned(),
            settings: state.settings.clone(),
        })
    }
}

/// The client's address: the socket peer, or behind a trusted proxy the address it appended.
pub fn client_ip(parts: &Parts, trust_proxy: bool) -> String {
    if trust_proxy
        && let Some(forwarded) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
    {
        return forwarded.trim().to_owned();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Renders a template into a response, mapping a render failure to a logged 500.
/// A page answered with 429 and `Retry-After` (login and claim throttling).
pub fn throttled(
    page: &impl askama::Template,
    wait_secs: u64,
) -> Result<axum::response::Response, WebError> {
    use axum::response::IntoResponse;
    let mut response = (axum::http::StatusCode::TOO_MANY_REQUESTS, render(page)?).into_response();
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from(wait_secs),
    );
    Ok(response)
}

pub fn render(t: &impl askama::Template) -> Result<axum::response::Html<String>, WebError> {
    t.render()
        .map(axum::response::Html)
        .map_err(|e| WebError::Internal(format!("template: {e}")))
}

/// A rejected form: shown again (422) with its messages, nothing stored.
pub(crate) fn unprocessable(
    page: &impl askama::Template,
) -> Result<axum::response::Response, WebError> {
    use axum::response::IntoResponse;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
}

/// A form field's typed value with its message from a form's field errors, if any.
pub(crate) fn field(errors: &[(&'static str, String)], name: &str, value: &str) -> Field {
    Field {
        value: value.to_owned(),
        error: errors
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, m)| m.clone()),
    }
}
