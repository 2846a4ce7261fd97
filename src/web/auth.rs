//! Signing in and out, changing one's password, and one-time reset links.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::{SESSION_COOKIE, cookie_value, set_cookie};
use super::{AppState, Ctx, WebError, field, render, unprocessable};
use crate::app::FormError;
use crate::app::accounts::{self, PasswordSet, ResetLink, SignedIn};
use crate::db::users::User;
use crate::domain::dates::format_wait;
use crate::domain::redirect::LocalPath;
use crate::views::{Field, LoginPage, PasswordPage};

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    lanjut: String,
    #[serde(default)]
    pesan: String,
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
        // Only a path on this site is carried on; anything else is dropped here already.
        next: LocalPath::parse(next)
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
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
    let ttl = state.settings.session_hours * 3600;
    let old = cookie_value(&headers, SESSION_COOKIE);
    let attempt = accounts::SignIn {
        username: &username,
        password: &form.password,
        ip: &ctx.ip,
        user_agent: &ctx.user_agent,
        old_session: old.as_deref(),
        ttl_secs: ttl,
    };
    match accounts::sign_in(&state.db, attempt).await? {
        SignedIn::Session(token) => {
            let mut response =
                Redirect::to(LocalPath::or_default(&form.lanjut).as_str()).into_response();
            let cookie = set_cookie(SESSION_COOKIE, &token, ttl, state.settings.secure_cookies());
            response.headers_mut().append(
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie).map_err(|e| WebError::Internal(e.to_string()))?,
            );
            Ok(response)
        }
        SignedIn::Throttled(wait) => {
            page.error = Some(format!(
                "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, coba lagi dalam {}.",
                format_wait(wait)
            ));
            super::throttled(&page, wait as u64)
        }
        SignedIn::Disabled => {
            page.error = Some(
                "Akun ini sudah dinonaktifkan. Hubungi admin Disnakertrans bila ini keliru.".into(),
            );
            Ok((StatusCode::FORBIDDEN, render(&page)?).into_response())
        }
        SignedIn::Wrong => {
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
    let token = cookie_value(&headers, SESSION_COOKIE);
    accounts::sign_out(&state.db, token.as_deref(), ctx.user.as_ref(), &ctx.ip).await?;
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

/// A rejected password form: shown again with its messages on `current`, `new` and `confirm`.
fn password_errors(mut page: PasswordPage, rejected: FormError) -> Result<Response, WebError> {
    let errors = match rejected {
        FormError::Fields(errors) => errors,
        FormError::App(e) => return Err(e.into()),
    };
    page.current.error = field(&errors, "current", "").error;
    page.new.error = field(&errors, "new", "").error;
    page.confirm.error = field(&errors, "confirm", "").error;
    unprocessable(&page)
}

pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let user = ctx.user()?;
    if let Err(rejected) = accounts::change_password(
        &state.db,
        user,
        &ctx.ip,
        &form.current,
        &form.new,
        &form.confirm,
    )
    .await
    {
        return password_errors(password_page(&ctx, None, "/akun/sandi".into()), rejected);
    }
    // Every session ended, this one too: sign in again with the new password.
    let mut response = Redirect::to("/masuk?pesan=sandi-diganti").into_response();
    clear_session_cookie(&mut response, state.settings.secure_cookies());
    Ok(response)
}

async fn valid_reset(state: &AppState, token: &str) -> Result<User, WebError> {
    match accounts::reset_link(&state.db, token).await? {
        ResetLink::Valid(user) => Ok(user),
        ResetLink::Used => Err(WebError::Gone(
            "Tautan ini sudah pernah dipakai. Minta tautan baru kepada admin Disnakertrans.".into(),
        )),
        ResetLink::Expired => Err(WebError::Gone(
            "Tautan ini sudah kedaluwarsa. Minta tautan baru kepada admin Disnakertrans.".into(),
        )),
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
    match accounts::set_password_by_link(
        &state.db,
        &token,
        &user,
        &ctx.ip,
        &form.new,
        &form.confirm,
    )
    .await
    {
        Ok(PasswordSet::Done) => Ok(Redirect::to("/masuk?pesan=sandi-diatur").into_response()),
        Ok(PasswordSet::LinkUsed) => Err(WebError::Gone("Tautan ini sudah pernah dipakai.".into())),
        Err(rejected) => password_errors(
            password_page(
                &ctx,
                Some(user.display_name),
                format!("/sandi/atur/{token}"),
            ),
            rejected,
        ),
    }
}
