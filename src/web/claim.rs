//! An alumnus claims their record: self sign-up with a WhatsApp number, the claim itself (NIK
//! plus birth date, or a one-time code), the alumnus's own contact details, and the codes the
//! agency prints for one alumnus or for a whole batch.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::{SESSION_COOKIE, cookie_value, set_cookie};
use super::{AppState, Ctx, WebError, field, render, unprocessable};
use crate::app::FormError;
use crate::app::accounts::{self, Claimed, CodeForAlumnus, ContactSaved, IssuedCodes, Proof};
use crate::db::claims;
use crate::db::users::User;
use crate::domain::claim::{ClaimCode, NikClaim, Refusal};
use crate::domain::dates::{WIB, format_date, format_wait, month_name};
use crate::domain::nik::Nik;
use crate::domain::policy::Role;
use crate::domain::user::FieldErrors;
use crate::secrets::personal;
use crate::views::{Choice, ClaimCodesPage, ClaimPage, CodeSlip, ProfilePage, SignUpPage};

fn internal(e: impl std::fmt::Display) -> WebError {
    WebError::Internal(e.to_string())
}

// ---- sign-up ----

#[derive(Deserialize, Default)]
pub struct SignUpForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

fn signup_page(ctx: &Ctx, form: &SignUpForm, errors: &FieldErrors) -> SignUpPage {
    SignUpPage {
        layout: ctx.layout("Daftar akun alumni"),
        display_name: field(errors, "display_name", &form.display_name),
        phone: field(errors, "phone", &form.phone),
        password: field(errors, "password", ""),
        confirm: field(errors, "confirm", ""),
        error_count: errors.len(),
    }
}

pub async fn signup_form(ctx: Ctx) -> Result<Response, WebError> {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/dasbor").into_response());
    }
    Ok(render(&signup_page(&ctx, &SignUpForm::default(), &Vec::new()))?.into_response())
}

/// Creates an alumni account with no record linked yet, signs it in, and sends it to `/klaim`.
pub async fn signup(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(form): Form<SignUpForm>,
) -> Result<Response, WebError> {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/dasbor").into_response());
    }
    let input = accounts::SignUpInput {
        display_name: &form.display_name,
        phone: &form.phone,
        password: &form.password,
        confirm: &form.confirm,
    };
    let user = match accounts::sign_up(&state.db, &input, &ctx.ip).await {
        Ok(u) => u,
        Err(FormError::Fields(errors)) => return unprocessable(&signup_page(&ctx, &form, &errors)),
        Err(FormError::App(e)) => return Err(e.into()),
    };
    let ttl = state.settings.session_hours * 3600;
    let old = cookie_value(&headers, SESSION_COOKIE);
    let token = accounts::start_session(
        &state.db,
        user.id,
        old.as_deref(),
        ttl,
        &ctx.ip,
        &ctx.user_agent,
    )
    .await?;
    let mut response = Redirect::to("/klaim").into_response();
    let cookie = set_cookie(SESSION_COOKIE, &token, ttl, state.settings.secure_cookies());
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(internal)?,
    );
    Ok(response)
}

// ---- the claim ----

#[derive(Deserialize, Default)]
pub struct ClaimForm {
    /// `kode` or `nik`: which of the two forms was sent.
    #[serde(default)]
    cara: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    nik: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
}

fn claim_page(ctx: &Ctx, form: &ClaimForm, errors: &FieldErrors) -> ClaimPage {
    ClaimPage {
        layout: ctx.layout("Hubungkan data alumni"),
        code: field(errors, "code", &form.code),
        nik: field(errors, "nik", &form.nik),
        day: form.day.clone(),
        month: form.month.clone(),
        year: form.year.clone(),
        birth_date_error: field(errors, "birth_date", "").error,
        months: (1..=12u8)
            .filter_map(|m| time::Month::try_from(m).ok())
            .map(|m| Choice {
                value: u8::from(m).to_string(),
                label: month_name(m).to_owned(),
            })
            .collect(),
        error: None,
        method: form.cara.clone(),
    }
}

/// The signed-in alumnus who has no record yet; anyone else is sent on.
fn claimant(ctx: &Ctx) -> Result<Result<User, Response>, WebError> {
    let user = ctx.user()?;
    if user.role != Role::Alumni {
        return Err(WebError::Forbidden);
    }
    if user.links.alumnus_id.is_some() {
        return Ok(Err(Redirect::to("/dasbor").into_response()));
    }
    Ok(Ok(user.clone()))
}

pub async fn claim_form(ctx: Ctx) -> Result<Response, WebError> {
    if let Err(done) = claimant(&ctx)? {
        return Ok(done);
    }
    Ok(render(&claim_page(&ctx, &ClaimForm::default(), &Vec::new()))?.into_response())
}

pub async fn claim(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ClaimForm>,
) -> Result<Response, WebError> {
    let user = match claimant(&ctx)? {
        Ok(u) => u,
        Err(done) => return Ok(done),
    };
    let parsed = if form.cara == "nik" {
        NikClaim::parse(&form.nik, &form.day, &form.month, &form.year).map(Proof::Nik)
    } else {
        ClaimCode::parse(&form.code)
            .map(Proof::Code)
            .map_err(|e| vec![("code", e.to_owned())])
    };
    let proof = match parsed {
        Ok(p) => p,
        // A form that is not filled in properly is no attempt: nothing counted.
        Err(errors) => return unprocessable(&claim_page(&ctx, &form, &errors)),
    };
    match accounts::claim(&state.db, &state.secrets.data_key, &user, &proof, &ctx.ip).await? {
        Claimed::Linked => Ok(Redirect::to("/dasbor").into_response()),
        Claimed::Throttled(wait) => {
            let mut page = claim_page(&ctx, &form, &Vec::new());
            page.error = Some(format!(
                "Terlalu banyak percobaan yang tidak cocok. Demi keamanan data alumni, coba lagi dalam {}.",
                format_wait(wait)
            ));
            super::throttled(&page, wait as u64)
        }
        Claimed::Refused(refusal) => {
            let mut page = claim_page(&ctx, &form, &Vec::new());
            page.error = Some(refusal.message().to_owned());
            let status = if refusal == Refusal::AlreadyClaimed {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok((status, render(&page)?).into_response())
        }
    }
}

// ---- own contact details ----

#[derive(Deserialize, Default)]
pub struct ProfileQuery {
    #[serde(default)]
    pesan: String,
}

#[derive(Deserialize, Default)]
pub struct ProfileForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    desa: String,
}

/// The signed-in alumnus's record id; an account without one is sent to `/klaim`.
pub(super) fn own_alumnus(ctx: &Ctx) -> Result<Result<(User, i64), Response>, WebError> {
    let user = ctx.user()?;
    if user.role != Role::Alumni {
        return Err(WebError::Forbidden);
    }
    Ok(match user.links.alumnus_id {
        Some(id) => Ok((user.clone(), id)),
        None => Err(Redirect::to("/klaim").into_response()),
    })
}

async fn desa_choices(
    state: &AppState,
    record: &claims::OwnRecord,
) -> Result<Vec<Choice>, WebError> {
    Ok(accounts::desas_for(&state.db, record)
        .await?
        .into_iter()
        .map(|r| Choice {
            value: r.code,
            label: r.name,
        })
        .collect())
}

fn profile_page(
    state: &AppState,
    ctx: &Ctx,
    user: &User,
    record: &claims::OwnRecord,
    desas: Vec<Choice>,
    form: &ProfileForm,
    errors: &FieldErrors,
) -> ProfilePage {
    let nik = record
        .nik_enc
        .as_deref()
        .and_then(|sealed| personal::open(&state.secrets.data_key, sealed))
        .and_then(|plain| Nik::parse(&plain).ok())
        .map(|n| n.masked())
        .unwrap_or_else(|| "—".into());
    let birth_date = record
        .birth_date
        .as_deref()
        .and_then(crate::domain::dates::parse_iso)
        .map(format_date)
        .unwrap_or_else(|| "—".into());
    ProfilePage {
        layout: ctx.layout("Data kontak saya"),
        full_name: record.full_name.clone(),
        nik,
        birth_date,
        kecamatan: record.kecamatan.clone(),
        username: user.username.clone(),
        phone: field(errors, "phone", &form.phone),
        address: field(errors, "address", &form.address),
        desa: field(errors, "desa", &form.desa),
        desas,
        error_count: errors.len(),
    }
}

pub async fn profile_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ProfileQuery>,
) -> Result<Response, WebError> {
    let (user, alumnus_id) = match own_alumnus(&ctx)? {
        Ok(v) => v,
        Err(done) => return Ok(done),
    };
    let record = claims::own_record(&state.db, alumnus_id).await?;
    let desas = desa_choices(&state, &record).await?;
    let form = ProfileForm {
        phone: record
            .phone
            .clone()
            .or_else(|| user.phone.clone())
            .unwrap_or_default(),
        address: record.address.clone(),
        desa: record.desa_code.clone().unwrap_or_default(),
    };
    let notice = match q.pesan.as_str() {
        "disimpan" => Some("Data kontak disimpan."),
        "nomor-baru" => {
            Some("Data kontak disimpan. Mulai sekarang, masuk dengan nomor WhatsApp yang baru.")
        }
        _ => None,
    };
    let mut page = profile_page(&state, &ctx, &user, &record, desas, &form, &Vec::new());
    page.layout = page.layout.with_notice(notice);
    Ok(render(&page)?.into_response())
}

pub async fn update_profile(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ProfileForm>,
) -> Result<Response, WebError> {
    let (user, alumnus_id) = match own_alumnus(&ctx)? {
        Ok(v) => v,
        Err(done) => return Ok(done),
    };
    let input = accounts::ContactInput {
        phone: &form.phone,
        address: &form.address,
        desa: &form.desa,
    };
    let code = match accounts::update_contact(&state.db, &user, alumnus_id, &input, &ctx.ip).await {
        Ok(ContactSaved::NewNumber) => "nomor-baru",
        Ok(ContactSaved::Saved | ContactSaved::Unchanged) => "disimpan",
        Err(FormError::Fields(errors)) => {
            let before = claims::own_record(&state.db, alumnus_id).await?;
            let desas = desa_choices(&state, &before).await?;
            return unprocessable(&profile_page(
                &state, &ctx, &user, &before, desas, &form, &errors,
            ));
        }
        Err(FormError::App(e)) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/akun/profil?pesan={code}")).into_response())
}

// ---- claim codes (agency staff) ----

fn expiry_date(expires_at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(expires_at)
        .map(|t| format_date(t.to_offset(WIB).date()))
        .unwrap_or_default()
}

fn codes_page(state: &AppState, ctx: &Ctx, title: &str) -> ClaimCodesPage {
    ClaimCodesPage {
        layout: ctx.layout(title),
        batch: None,
        alumnus_id: None,
        pending: Vec::new(),
        claimed: 0,
        confirm: false,
        slips: Vec::new(),
        expires: String::new(),
        // Typed from paper into a phone's address bar: no scheme to copy.
        signup_url: format!(
            "{}/daftar",
            state
                .settings
                .public_url
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches('/')
        ),
        message: None,
    }
}

/// A page with codes on it is shown once: never stored by the browser or a proxy.
fn no_store(page: &impl askama::Template, status: StatusCode) -> Result<Response, WebError> {
    let mut response = (status, render(page)?).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn place(h: &claims::Holder) -> String {
    match (h.desa.is_empty(), h.kecamatan.is_empty()) {
        (_, true) => String::new(),
        (true, false) => format!("Kec. {}", h.kecamatan),
        (false, false) => format!("{}, Kec. {}", h.desa, h.kecamatan),
    }
}

/// `POST /admin/alumni/{id}/kode-klaim`: one new code for one alumnus, shown once.
pub async fn issue_for_alumnus(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let holder = claims::holder(&state.db, id).await?;
    let mut page = codes_page(&state, &ctx, &format!("Kode klaim {}", holder.full_name));
    page.alumnus_id = Some(id);
    let name = holder.full_name.clone();
    match accounts::issue_code_for_alumnus(&state.db, &state.secrets.data_key, &ctx.who()?, holder)
        .await?
    {
        CodeForAlumnus::AlreadyClaimed(username) => {
            page.message = Some(format!(
                "Data {name} sudah terhubung ke akun @{username}; kode klaim tidak diperlukan."
            ));
            no_store(&page, StatusCode::CONFLICT)
        }
        CodeForAlumnus::Issued(issued) => {
            fill_slips(&mut page, issued);
            no_store(&page, StatusCode::OK)
        }
    }
}

/// Puts freshly made codes on the printable sheet.
fn fill_slips(page: &mut ClaimCodesPage, issued: IssuedCodes) {
    page.expires = expiry_date(issued.expires_at);
    page.slips = issued
        .codes
        .into_iter()
        .map(|(h, code)| CodeSlip {
            place: place(&h),
            name: h.full_name,
            code: code.grouped(),
        })
        .collect();
}

async fn batch_page(
    state: &AppState,
    ctx: &Ctx,
    batch_id: i64,
) -> Result<(ClaimCodesPage, Vec<claims::Holder>), WebError> {
    let label = claims::batch_label(&state.db, batch_id).await?;
    let holders = claims::unclaimed_in_batch(&state.db, batch_id).await?;
    let (_, claimed) = claims::batch_counts(&state.db, batch_id).await?;
    let mut page = codes_page(state, ctx, &format!("Kode klaim {label}"));
    page.batch = Some((batch_id, label));
    page.claimed = claimed;
    if holders.is_empty() {
        page.message = Some(
            "Semua alumni angkatan ini sudah menghubungkan akunnya; tidak ada kode untuk dicetak."
                .into(),
        );
    }
    Ok((page, holders))
}

/// `GET /admin/angkatan/{id}/kode-klaim`: who will get a code. Making codes voids the printed
/// ones, so it takes a POST (a prefetch or a forged link must not void a graduation-day sheet).
pub async fn batch_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(batch_id): Path<i64>,
) -> Result<Response, WebError> {
    let (mut page, holders) = batch_page(&state, &ctx, batch_id).await?;
    page.confirm = true;
    page.pending = holders.into_iter().map(|h| h.full_name).collect();
    Ok(render(&page)?.into_response())
}

/// `POST /admin/angkatan/{id}/kode-klaim`: a fresh code for every unclaimed alumnus of the
/// batch, on a printable sheet shown once.
pub async fn issue_for_batch(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(batch_id): Path<i64>,
) -> Result<Response, WebError> {
    let (mut page, holders) = batch_page(&state, &ctx, batch_id).await?;
    if holders.is_empty() {
        return no_store(&page, StatusCode::OK);
    }
    let issued = accounts::issue_codes_for_batch(
        &state.db,
        &state.secrets.data_key,
        &ctx.who()?,
        batch_id,
        holders,
    )
    .await?;
    fill_slips(&mut page, issued);
    no_store(&page, StatusCode::OK)
}
