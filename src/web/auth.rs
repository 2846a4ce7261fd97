//! Signing in and out, changing one's password, and one-time reset links.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::{SESSION_COOKIE, cookie_value, set_cookie};
use super::{AppState, Ctx, WebError, render};
use crate::db::audit::{self, Event};
use crate::db::sessions::{self, ResetState};
use crate::db::{DbError, now, users};
use crate::domain::dates::format_wait;
use crate::domain::password::{self, NewPassword};
use crate::domain::throttle;
use crate::views::{Field, LoginPage, PasswordPage};

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    lanjut: String,
    #[serde(default)]
    pesan: String,
}

/// Only local paths are followed after login (no open redirect).
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next.to_owned()
    } else {
        "/dasbor".to_owned()
    }
}

fn notice_for(code: &str) -> Option<&'static str> {
    match code {
        "keluar" => Some("Anda sudah keluar."),
        "sandi-diatur" => Some("Kata sandi sudah diatur. Silakan masuk dengan kata sandi baru."),
        "sandi-diganti" => Some("Kata sandi sudah diganti. Silakan masuk kembali."),
        _ => None,
    }
}

fn login_page(ctx: &Ctx, username: &str, next: &str) -> LoginPage {
    LoginPage {
        layout: ctx.layout("Masuk"),
        username: Field::new(username),
        password: Field::default(),
        next: next.to_owned(),
        error: None,
        demo: ctx.settings.demo,
    }
}

pub async fn login_form(ctx: Ctx, Query(q): Query<LoginQuery>) -> Result<Response, WebError> {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/dasbor").into_response());
    }
    let mut page = login_page(&ctx, "", &q.lanjut);
    page.layout = page.layout.with_notice(notice_for(&q.pesan));
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    lanjut: String,
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    // A WhatsApp number in any spelling finds the account named by its digits (self sign-up).
    let username = crate::domain::claim::sign_in_name(&form.username);
    let mut page = login_page(&ctx, form.username.trim(), &form.lanjut);
    if username.is_empty() || form.password.is_empty() {
        if username.is_empty() {
            page.username.error = Some("Nama pengguna wajib diisi.".into());
        }
        if form.password.is_empty() {
            page.password.error = Some("Kata sandi wajib diisi.".into());
        }
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let username: String = username.chars().take(64).collect();

    let t = now();
    let [(user_failures, user_last), (ip_failures, ip_last)] =
        sessions::recent_failures(&state.db, &username, &ctx.ip, t - throttle::WINDOW_SECS).await?;
    let wait =
        throttle::wait_needed(user_failures, throttle::ACCOUNT_FREE_FAILURES, user_last, t).max(
            throttle::wait_needed(ip_failures, throttle::IP_FREE_FAILURES, ip_last, t),
        );
    if let Some(wait) = wait {
        audit::record(
            &state.db,
            Event {
                actor_label: &username,
                action: "login.throttled",
                entity: "user",
                entity_id: username.clone(),
                summary: serde_json::json!({"wait_secs": wait, "failures": user_failures.max(ip_failures)}),
                ip: &ctx.ip,
                ..Default::default()
            },
        )
        .await?;
        page.error = Some(format!(
            "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, coba lagi dalam {}.",
            format_wait(wait)
        ));
        let mut response = (StatusCode::TOO_MANY_REQUESTS, render(&page)?).into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait as u64));
        return Ok(response);
    }

    let found = users::credentials(&state.db, &username).await?;
    let candidate = form.password.clone();
    let stored = found.as_ref().map(|(_, h)| h.clone());
    let valid =
        tokio::task::spawn_blocking(move || password::verify(&candidate, stored.as_deref()))
            .await
            .map_err(|e| WebError::Internal(e.to_string()))?;

    match found {
        Some((user, _)) if valid && !user.disabled => {
            if let Some(old) = cookie_value(&headers, SESSION_COOKIE) {
                sessions::end(&state.db, &old).await?;
            }
            let ttl = state.settings.session_hours * 3600;
            let token = sessions::start(&state.db, user.id, ttl, &ctx.ip, &ctx.user_agent).await?;
            sessions::clear_failures(&state.db, &username).await?;
            audit::record(
                &state.db,
                Event {
                    actor_id: Some(user.id),
                    actor_label: &user.username,
                    action: "login.success",
                    entity: "user",
                    entity_id: user.id.to_string(),
                    summary: serde_json::json!({}),
                    ip: &ctx.ip,
                },
            )
            .await?;
            let mut response = Redirect::to(&safe_next(&form.lanjut)).into_response();
            let cookie = set_cookie(SESSION_COOKIE, &token, ttl, state.settings.secure_cookies());
            response.headers_mut().append(
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie).map_err(|e| WebError::Internal(e.to_string()))?,
            );
            Ok(response)
        }
        Some((user, _)) if valid => {
            audit::record(
                &state.db,
                Event {
                    actor_id: Some(user.id),
                    actor_label: &user.username,
                    action: "login.disabled",
                    entity: "user",
                    entity_id: user.id.to_string(),
                    summary: serde_json::json!({}),
                    ip: &ctx.ip,
                },
            )
            .await?;
            page.error = Some(
                "Akun ini sudah dinonaktifkan. Hubungi admin Disnakertrans bila ini keliru.".into(),
            );
            Ok((StatusCode::FORBIDDEN, render(&page)?).into_response())
        }
        found => {
            sessions::record_failure(&state.db, &username, &ctx.ip).await?;
            audit::record(
                &state.db,
                Event {
                    actor_id: found.as_ref().map(|(u, _)| u.id),
                    actor_label: &username,
                    action: "login.failure",
                    entity: "user",
                    entity_id: found
                        .as_ref()
                        .map(|(u, _)| u.id.to_string())
                        .unwrap_or_else(|| username.clone()),
                    summary: serde_json::json!({"known_user": found.is_some()}),
                    ip: &ctx.ip,
                },
            )
            .await?;
            page.error = Some("Nama pengguna atau kata sandi salah.".into());
            Ok((StatusCode::UNAUTHORIZED, render(&page)?).into_response())
        }
    }
}

fn clear_session_cookie(response: &mut Response, secure: bool) {
    if let Ok(v) = HeaderValue::from_str(&set_cookie(SESSION_COOKIE, "", 0, secure)) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

pub async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let Some(token) = cookie_value(&headers, SESSION_COOKIE) {
        sessions::end(&state.db, &token).await?;
    }
    if let Some(user) = &ctx.user {
        audit::record(
            &state.db,
            Event {
                actor_id: Some(user.id),
                actor_label: &user.username,
                action: "logout",
                entity: "user",
                entity_id: user.id.to_string(),
                summary: serde_json::json!({}),
                ip: &ctx.ip,
            },
        )
        .await?;
    }
    let mut response = Redirect::to("/masuk?pesan=keluar").into_response();
    clear_session_cookie(&mut response, state.settings.secure_cookies());
    Ok(response)
}

fn password_page(ctx: &Ctx, reset_for: Option<String>, action: String) -> PasswordPage {
    PasswordPage {
        layout: ctx.layout(if reset_for.is_some() {
            "Atur kata sandi"
        } else {
            "Ganti kata sandi"
        }),
        current: Field::default(),
        new: Field::default(),
        confirm: Field::default(),
        reset_for,
        action,
    }
}

pub async fn password_form(ctx: Ctx) -> Result<Response, WebError> {
    Ok(render(&password_page(&ctx, None, "/akun/sandi".into()))?.into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let user = ctx.user()?.clone();
    let mut page = password_page(&ctx, None, "/akun/sandi".into());
    let stored = users::password_hash(&state.db, user.id).await?;
    let current = form.current.clone();
    let current_ok = tokio::task::spawn_blocking(move || password::verify(&current, Some(&stored)))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let new = NewPassword::parse(&form.new, &form.confirm);
    if !current_ok {
        page.current.error = Some("Kata sandi sekarang salah.".into());
    }
    if let Err(e) = &new {
        if e.contains("Konfirmasi") {
            page.confirm.error = Some((*e).into());
        } else {
            page.new.error = Some((*e).into());
        }
    }
    let (true, Ok(new)) = (current_ok, new) else {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let hash = tokio::task::spawn_blocking(move || new.hash())
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let mut tx = state.db.begin().await?;
    users::set_password(&mut tx, user.id, &hash).await?;
    audit::append(
        &mut tx,
        Event {
            actor_id: Some(user.id),
            actor_label: &user.username,
            action: "user.password_changed",
            entity: "user",
            entity_id: user.id.to_string(),
            summary: serde_json::json!({"sessions_ended": true}),
            ip: &ctx.ip,
        },
    )
    .await?;
    crate::db::commit(tx).await?;
    // Every session ended, this one too: sign in again with the new password.
    let mut response = Redirect::to("/masuk?pesan=sandi-diganti").into_response();
    clear_session_cookie(&mut response, state.settings.secure_cookies());
    Ok(response)
}

async fn valid_reset(state: &AppState, token: &str) -> Result<users::User, WebError> {
    match sessions::reset_state(&state.db, token).await? {
        ResetState::Valid { user_id } => Ok(users::get(&state.db, user_id).await?),
        ResetState::Used => Err(WebError::Gone(
            "Tautan ini sudah pernah dipakai. Minta tautan baru kepada admin Disnakertrans.".into(),
        )),
        ResetState::Expired => Err(WebError::Gone(
            "Tautan ini sudah kedaluwarsa. Minta tautan baru kepada admin Disnakertrans.".into(),
        )),
        ResetState::Unknown => Err(WebError::NotFound),
    }
}

pub async fn reset_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let user = valid_reset(&state, &token).await?;
    let page = password_page(
        &ctx,
        Some(user.display_name),
        format!("/sandi/atur/{token}"),
    );
    Ok(render(&page)?.into_response())
}

pub async fn reset(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let user = valid_reset(&state, &token).await?;
    let new = match NewPassword::parse(&form.new, &form.confirm) {
        Ok(p) => p,
        Err(e) => {
            let mut page = password_page(
                &ctx,
                Some(user.display_name),
                format!("/sandi/atur/{token}"),
            );
            if e.contains("Konfirmasi") {
                page.confirm.error = Some(e.into());
            } else {
                page.new.error = Some(e.into());
            }
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    let hash = tokio::task::spawn_blocking(move || new.hash())
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let mut tx = state.db.begin().await?;
    let user_id = match sessions::consume_reset(&mut tx, &token).await {
        Ok(id) => id,
        Err(DbError::Conflict(_)) => {
            return Err(WebError::Gone("Tautan ini sudah pernah dipakai.".into()));
        }
        Err(e) => return Err(e.into()),
    };
    users::set_password(&mut tx, user_id, &hash).await?;
    audit::append(
        &mut tx,
        Event {
            actor_id: Some(user_id),
            actor_label: &user.username,
            action: "user.password_reset_used",
            entity: "user",
            entity_id: user_id.to_string(),
            summary: serde_json::json!({"sessions_ended": true}),
            ip: &ctx.ip,
        },
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Redirect::to("/masuk?pesan=sandi-diatur").into_response())
}
