//! Agency staff: user management and the audit trail.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{AppState, Ctx, WebError, render};
use crate::app::FormError;
use crate::app::accounts::{self, IssuedLink, LinkSettings};
use crate::db::audit;
use crate::db::directory;
use crate::db::users::{self, User};
use crate::domain::audit as domain_audit;
use crate::domain::dates::format_instant;
use crate::domain::policy::Role;
use crate::domain::user::{AccountInput, FieldErrors};
use crate::views::{
    AuditPage, AuditRow, Choice, Field, ResetLinkPage, UserFormPage, UserRow, UsersPage,
};

fn role_choices() -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect()
}

#[derive(Deserialize, Default)]
pub struct UsersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    peran: String,
    #[serde(default)]
    pesan: String,
}

pub async fn users_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<UsersQuery>,
) -> Result<Response, WebError> {
    let filter = users::Filter {
        query: q.q.clone(),
        role: Role::parse(&q.peran),
    };
    let offices = directory::offices(&state.db).await?;
    let partners = directory::partners(&state.db).await?;
    let rows = users::list(&state.db, &filter)
        .await?
        .into_iter()
        .map(|u| UserRow {
            belongs_to: u
                .links
                .office_id
                .and_then(|id| offices.iter().find(|o| o.id == id).map(|o| o.name.clone()))
                .or_else(|| {
                    u.links
                        .partner_id
                        .and_then(|id| partners.iter().find(|p| p.id == id).map(|p| p.name.clone()))
                })
                .or_else(|| u.links.alumnus_id.map(|id| format!("Alumni no. {id}")))
                .unwrap_or_default(),
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role_label: u.role.label(),
            disabled: u.disabled,
        })
        .collect();
    let notice = match q.pesan.as_str() {
        "disimpan" => Some("Perubahan pengguna disimpan."),
        "dinonaktifkan" => Some("Akun dinonaktifkan; semua sesinya berakhir."),
        "diaktifkan" => Some("Akun diaktifkan kembali."),
        _ => None,
    };
    let page = UsersPage {
        layout: ctx.layout("Pengguna").with_notice(notice),
        users: rows,
        query: q.q,
        role: q.peran,
        roles: role_choices(),
    };
    Ok(render(&page)?.into_response())
}

/// Raw form fields, kept as typed so a rejected form shows them again.
#[derive(Deserialize, Default, Clone)]
pub struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    office_id: String,
    #[serde(default)]
    alumnus_id: String,
    #[serde(default)]
    partner_id: String,
    #[serde(default)]
    phone: String,
}

impl UserForm {
    fn from_user(u: &User) -> UserForm {
        let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        UserForm {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.as_str().into(),
            office_id: id(u.links.office_id),
            alumnus_id: id(u.links.alumnus_id),
            partner_id: id(u.links.partner_id),
            phone: u.phone.clone().unwrap_or_default(),
        }
    }

    fn input(&self) -> AccountInput<'_> {
        AccountInput {
            username: &self.username,
            display_name: &self.display_name,
            role: &self.role,
            office_id: &self.office_id,
            alumnus_id: &self.alumnus_id,
            partner_id: &self.partner_id,
            phone: &self.phone,
        }
    }
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    existing: Option<&User>,
    form: &UserForm,
    errors: &FieldErrors,
) -> Result<UserFormPage, WebError> {
    let field = |name: &str, value: &str| Field {
        value: value.to_owned(),
        error: errors
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, m)| m.clone()),
    };
    let offices = directory::offices(&state.db)
        .await?
        .into_iter()
        .map(|o| Choice {
            value: o.id.to_string(),
            label: o.name,
        })
        .collect();
    let partners = directory::partners(&state.db)
        .await?
        .into_iter()
        .map(|p| Choice {
            value: p.id.to_string(),
            label: p.name,
        })
        .collect();
    let title = match existing {
        Some(u) => format!("Ubah pengguna @{}", u.username),
        None => "Tambah pengguna".to_owned(),
    };
    Ok(UserFormPage {
        layout: ctx.layout(title),
        user_id: existing.map(|u| u.id),
        disabled: existing.is_some_and(|u| u.disabled),
        username: field("username", &form.username),
        display_name: field("display_name", &form.display_name),
        role: field("role", &form.role),
        office_id: field("office_id", &form.office_id),
        alumnus_id: field("alumnus_id", &form.alumnus_id),
        partner_id: field("partner_id", &form.partner_id),
        phone: field("phone", &form.phone),
        roles: role_choices(),
        offices,
        partners,
        is_self: existing.is_some_and(|u| ctx.user.as_ref().is_some_and(|me| me.id == u.id)),
        error_count: errors.len(),
    })
}

pub async fn new_user_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    Ok(
        render(&form_page(&state, &ctx, None, &UserForm::default(), &Vec::new()).await?)?
            .into_response(),
    )
}

/// A WhatsApp click-to-chat link carrying the one-time link, to the user's number when known.
fn whatsapp_link(user: &User, link: &str, expires: &str) -> String {
    let text = format!(
        "Halo {}, silakan atur kata sandi akun Karya Anda (nama pengguna: {}) lewat tautan ini: {} \
         Tautan hanya bisa dipakai sekali dan berlaku sampai {}.",
        user.display_name, user.username, link, expires
    );
    let to = user
        .phone
        .as_deref()
        .and_then(|p| crate::domain::phone::Phone::parse(p).ok())
        .map(|p| p.wa_digits().to_owned())
        .unwrap_or_default();
    // Form encoding writes spaces as `+`; wa.me wants them percent-encoded.
    format!(
        "https://wa.me/{to}?text={}",
        super::error::urlencode(&text).replace('+', "%20")
    )
}

fn link_settings(state: &AppState) -> LinkSettings<'_> {
    LinkSettings {
        public_url: &state.settings.public_url,
        ttl_secs: state.settings.reset_link_minutes * 60,
    }
}

/// The page that hands over a one-time link (with a WhatsApp message carrying it).
fn link_page(ctx: &Ctx, title: &str, issued: IssuedLink, created: bool) -> ResetLinkPage {
    let expires = format_instant(issued.expires_at);
    ResetLinkPage {
        layout: ctx.layout(title),
        whatsapp: whatsapp_link(&issued.user, &issued.link, &expires),
        username: issued.user.username,
        display_name: issued.user.display_name,
        link: issued.link,
        expires,
        created,
    }
}

pub async fn create_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<UserForm>,
) -> Result<Response, WebError> {
    let by = ctx.who()?;
    match accounts::create_user(&state.db, &by, &form.input(), &link_settings(&state)).await {
        Ok(issued) => {
            let page = link_page(&ctx, "Pengguna dibuat", issued, true);
            Ok((StatusCode::CREATED, render(&page)?).into_response())
        }
        Err(FormError::Fields(errors)) => {
            let page = form_page(&state, &ctx, None, &form, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
}

pub async fn edit_user_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let user = users::get(&state.db, id).await?;
    let page = form_page(
        &state,
        &ctx,
        Some(&user),
        &UserForm::from_user(&user),
        &Vec::new(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

pub async fn update_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<UserForm>,
) -> Result<Response, WebError> {
    let by = ctx.who()?;
    match accounts::update_user(&state.db, &by, id, &form.input()).await {
        Ok(()) => Ok(Redirect::to("/admin/pengguna?pesan=disimpan").into_response()),
        Err(FormError::Fields(errors)) => {
            let before = users::get(&state.db, id).await?;
            let page = form_page(&state, &ctx, Some(&before), &form, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
}

async fn set_disabled(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    disabled: bool,
) -> Result<Response, WebError> {
    accounts::set_disabled(&state.db, &ctx.who()?, id, disabled).await?;
    let code = if disabled {
        "dinonaktifkan"
    } else {
        "diaktifkan"
    };
    Ok(Redirect::to(&format!("/admin/pengguna?pesan={code}")).into_response())
}

pub async fn disable_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    set_disabled(&state, &ctx, id, true).await
}

pub async fn enable_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    set_disabled(&state, &ctx, id, false).await
}

pub async fn reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let issued =
        accounts::issue_password_link(&state.db, &ctx.who()?, id, &link_settings(&state)).await?;
    let page = link_page(&ctx, "Tautan atur ulang kata sandi", issued, false);
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    aksi: String,
    #[serde(default)]
    entitas: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    pengguna: String,
    #[serde(default)]
    dari: String,
    #[serde(default)]
    sampai: String,
    #[serde(default)]
    halaman: String,
}

const AUDIT_PAGE: i64 = 50;

pub async fn audit_log(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let page = q.halaman.trim().parse::<i64>().unwrap_or(1).max(1);
    let mut errors = Vec::new();
    let period = domain_audit::Period::parse(&q.dari, &q.sampai).unwrap_or_else(|e| {
        errors = e;
        domain_audit::Period::default()
    });
    let actor = q.pengguna.trim().to_owned();
    if !actor.is_empty() && !audit::actor_known(&state.db, &actor).await? {
        errors.push((
            "pengguna",
            format!("Tidak ada pengguna bernama \u{201c}{actor}\u{201d}. Tulis nama pengguna (untuk masuk), mis. admin."),
        ));
    }
    let (entries, total) = if errors.is_empty() {
        let filter = audit::Filter {
            action_prefix: q.aksi.trim().to_owned(),
            entity: q.entitas.clone(),
            entity_id: q.id.clone(),
            actor,
            period,
        };
        audit::list(&state.db, &filter, AUDIT_PAGE, (page - 1) * AUDIT_PAGE).await?
    } else {
        (Vec::new(), 0)
    };
    let (chain_ok, chain_message) = match audit::verify(&state.db, None).await? {
        Ok(v) => (true, crate::domain::audit::verified_message(&v)),
        Err(b) => (false, b.to_string()),
    };
    let rows = entries
        .into_iter()
        .map(|e| AuditRow {
            seq: e.seq,
            at: format_instant(e.at),
            actor: e.actor_label,
            action: domain_audit::action_label(&e.action).to_owned(),
            record: domain_audit::record_text(&e.entity, &e.entity_id),
            summary: domain_audit::describe_summary(&e.entity, &e.summary),
            ip: e.ip,
        })
        .collect();
    let field = |name: &str, value: &str| crate::views::Field {
        value: value.to_owned(),
        error: errors
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, m)| m.clone()),
    };
    let query = serde_urlencoded::to_string([
        ("aksi", q.aksi.as_str()),
        ("pengguna", q.pengguna.as_str()),
        ("dari", q.dari.as_str()),
        ("sampai", q.sampai.as_str()),
    ])
    .unwrap_or_default();
    let view = AuditPage {
        layout: ctx.layout("Jejak audit"),
        rows,
        chain_ok,
        chain_message,
        user: field("pengguna", &q.pengguna),
        from: field("dari", &q.dari),
        to: field("sampai", &q.sampai),
        query,
        action: q.aksi,
        actions: domain_audit::ACTIONS,
        page,
        pages: ((total + AUDIT_PAGE - 1) / AUDIT_PAGE).max(1),
        total,
    };
    if errors.is_empty() {
        Ok(render(&view)?.into_response())
    } else {
        super::unprocessable(&view)
    }
}
