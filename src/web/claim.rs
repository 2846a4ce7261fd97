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
use crate::db::audit::{self, Event, Who};
use crate::db::claims::{self, CodeState};
use crate::db::users::{self, User};
use crate::db::{DbError, now, regions, sessions};
use crate::domain::claim::{
    CODE_VALID_DAYS, ClaimCode, Contact, Method, NikClaim, Refusal, SignUp, phone_username,
    throttle_keys,
};
use crate::domain::dates::{WIB, format_date, format_wait, month_name, to_iso};
use crate::domain::nik::Nik;
use crate::domain::phone::Phone;
use crate::domain::policy::Role;
use crate::domain::region::RegionLevel;
use crate::domain::throttle;
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

fn number_taken() -> FieldErrors {
    vec![(
        "phone",
        "Nomor WhatsApp ini sudah terdaftar. Silakan masuk dengan nomor ini; jika lupa kata sandi, \
         minta tautan atur ulang kepada admin Disnakertrans/BLK."
            .into(),
    )]
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
    let signup = match SignUp::parse(
        &form.display_name,
        &form.phone,
        &form.password,
        &form.confirm,
    ) {
        Ok(s) => s,
        Err(errors) => return unprocessable(&signup_page(&ctx, &form, &errors)),
    };
    let fields = signup.account();
    if claims::number_taken(&state.db, &signup.phone, fields.username.as_str(), None).await? {
        return unprocessable(&signup_page(&ctx, &form, &number_taken()));
    }
    let password = signup.password;
    let hash = tokio::task::spawn_blocking(move || password.hash())
        .await
        .map_err(internal)?;
    let mut tx = state.db.begin().await?;
    let who = Who {
        id: None,
        label: "pendaftaran mandiri",
        ip: &ctx.ip,
    };
    let user = match users::create_audited(&mut tx, &fields, &hash, &who).await {
        Ok(u) => u,
        Err(e) if e.is_conflict_on("username") => {
            return unprocessable(&signup_page(&ctx, &form, &number_taken()));
        }
        Err(e) => return Err(e.into()),
    };
    crate::db::commit(tx).await?;

    if let Some(old) = cookie_value(&headers, SESSION_COOKIE) {
        sessions::end(&state.db, &old).await?;
    }
    let ttl = state.settings.session_hours * 3600;
    let token = sessions::start(&state.db, user.id, ttl, &ctx.ip, &ctx.user_agent).await?;
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

/// The stored form of a claim code: keyed with the data key, because 40 bits could be
/// brute-forced from a plain hash in a leaked table.
fn code_hash(state: &AppState, code: &ClaimCode) -> String {
    personal::keyed_hash(&state.secrets.data_key, &format!("klaim:{}", code.as_str()))
}

enum Proof {
    Code(ClaimCode),
    Nik(NikClaim),
}

impl Proof {
    fn method(&self) -> Method {
        match self {
            Proof::Code(_) => Method::Code,
            Proof::Nik(_) => Method::Nik,
        }
    }
}

/// Which alumnus the proof points to, or why it does not.
async fn resolve(state: &AppState, proof: &Proof) -> Result<Result<i64, Refusal>, WebError> {
    let alumnus = match proof {
        Proof::Nik(c) => {
            let hash = personal::keyed_hash(&state.secrets.data_key, c.nik.as_str());
            match claims::by_nik_hash(&state.db, &hash).await? {
                Some((id, Some(born))) if born == to_iso(c.birth_date) => Ok(id),
                // Unknown NIK and wrong birth date get the same answer.
                _ => Err(Refusal::NoMatch),
            }
        }
        Proof::Code(code) => match claims::code_state(&state.db, &code_hash(state, code)).await? {
            CodeState::Live { alumnus_id } => Ok(alumnus_id),
            CodeState::Used => Err(Refusal::CodeUsed),
            CodeState::Expired => Err(Refusal::CodeExpired),
            CodeState::Replaced => Err(Refusal::CodeReplaced),
            CodeState::Unknown => Err(Refusal::CodeUnknown),
        },
    };
    Ok(match alumnus {
        Ok(id) if claims::owner(&state.db, id).await?.is_some() => Err(Refusal::AlreadyClaimed),
        other => other,
    })
}

/// Links the account in one transaction with the code's use and the audit entry. A race lost
/// to another claim (or another use of the code) comes back as a refusal.
async fn link(
    state: &AppState,
    ctx: &Ctx,
    user: &User,
    proof: &Proof,
    alumnus_id: i64,
) -> Result<Result<(), Refusal>, WebError> {
    let mut tx = state.db.begin().await?;
    if let Proof::Code(code) = proof {
        match claims::consume_code(&mut tx, &code_hash(state, code), user.id).await {
            Ok(_) => {}
            Err(DbError::Conflict(_)) => return Ok(Err(Refusal::CodeUsed)),
            Err(e) => return Err(e.into()),
        }
    }
    let after = match claims::link(&mut tx, user.id, alumnus_id).await {
        Ok(u) => u,
        Err(DbError::Conflict(_)) => return Ok(Err(Refusal::AlreadyClaimed)),
        Err(e) => return Err(e.into()),
    };
    let method = proof.method();
    audit::append(
        &mut tx,
        Event {
            actor_id: Some(user.id),
            actor_label: &user.username,
            action: "alumni.claimed",
            entity: "alumni",
            entity_id: alumnus_id.to_string(),
            summary: serde_json::json!({
                "before": {"username": user.username, "alumnus_id": user.links.alumnus_id},
                "after": {"username": after.username, "alumnus_id": after.links.alumnus_id, "method": method.label()},
            }),
            ip: &ctx.ip,
        },
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Ok(()))
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
    let method = proof.method();

    let (user_key, ip_key) = throttle_keys(user.id, &ctx.ip);
    let t = now();
    let [(user_failures, user_last), (ip_failures, ip_last)] =
        sessions::recent_failures(&state.db, &user_key, &ip_key, t - throttle::WINDOW_SECS).await?;
    let wait =
        throttle::wait_needed(user_failures, throttle::ACCOUNT_FREE_FAILURES, user_last, t).max(
            throttle::wait_needed(ip_failures, throttle::IP_FREE_FAILURES, ip_last, t),
        );
    if let Some(wait) = wait {
        audit::record(
            &state.db,
            Event {
                actor_id: Some(user.id),
                actor_label: &user.username,
                action: "alumni.claim_throttled",
                entity: "user",
                entity_id: user.id.to_string(),
                summary: serde_json::json!({"method": method.as_str(), "wait_secs": wait, "failures": user_failures.max(ip_failures)}),
                ip: &ctx.ip,
            },
        )
        .await?;
        let mut page = claim_page(&ctx, &form, &Vec::new());
        page.error = Some(format!(
            "Terlalu banyak percobaan yang tidak cocok. Demi keamanan data alumni, coba lagi dalam {}.",
            format_wait(wait)
        ));
        let mut response = (StatusCode::TOO_MANY_REQUESTS, render(&page)?).into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait as u64));
        return Ok(response);
    }

    let outcome = match resolve(&state, &proof).await? {
        Ok(alumnus_id) => link(&state, &ctx, &user, &proof, alumnus_id).await?,
        Err(refusal) => Err(refusal),
    };
    match outcome {
        Ok(()) => {
            sessions::clear_failures(&state.db, &user_key).await?;
            Ok(Redirect::to("/dasbor").into_response())
        }
        Err(refusal) => {
            sessions::record_failure(&state.db, &user_key, &ip_key).await?;
            // Neither the NIK nor the code goes into the trail: only how and why it failed.
            audit::record(
                &state.db,
                Event {
                    actor_id: Some(user.id),
                    actor_label: &user.username,
                    action: "alumni.claim_failed",
                    entity: "user",
                    entity_id: user.id.to_string(),
                    summary: serde_json::json!({"method": method.as_str(), "reason": refusal.code()}),
                    ip: &ctx.ip,
                },
            )
            .await?;
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
fn own_alumnus(ctx: &Ctx) -> Result<Result<(User, i64), Response>, WebError> {
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
    let Some(kecamatan) = &record.kecamatan_code else {
        return Ok(Vec::new());
    };
    Ok(regions::children(&state.db, kecamatan)
        .await?
        .into_iter()
        .filter(|r| matches!(r.level, RegionLevel::Desa | RegionLevel::Kelurahan))
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
    let before = claims::own_record(&state.db, alumnus_id).await?;
    let desas = desa_choices(&state, &before).await?;
    let codes: Vec<String> = desas.iter().map(|d| d.value.clone()).collect();
    let contact = match Contact::parse(&form.phone, &form.address, &form.desa, &codes) {
        Ok(c) => c,
        Err(errors) => {
            return unprocessable(&profile_page(
                &state, &ctx, &user, &before, desas, &form, &errors,
            ));
        }
    };
    // An account that signed itself up is named by its number: the name follows the number.
    let follows_number = user
        .phone
        .as_deref()
        .and_then(|p| Phone::parse(p).ok())
        .is_some_and(|p| p.wa_digits() == user.username);
    let username = if follows_number {
        phone_username(&contact.phone).as_str().to_owned()
    } else {
        user.username.clone()
    };
    let taken = vec![(
        "phone",
        "Nomor WhatsApp ini sudah dipakai akun lain. Pakai nomor Anda sendiri.".to_string(),
    )];
    if claims::number_taken(&state.db, &contact.phone, &username, Some(user.id)).await? {
        return unprocessable(&profile_page(
            &state, &ctx, &user, &before, desas, &form, &taken,
        ));
    }
    let before_summary = before.contact_summary();
    let after_summary = serde_json::json!({
        "phone": contact.phone.as_str(),
        "address": contact.address,
        "desa": contact.desa_code,
    });
    let unchanged =
        before_summary == after_summary && user.phone.as_deref() == Some(contact.phone.as_str());
    if unchanged {
        return Ok(Redirect::to("/akun/profil?pesan=disimpan").into_response());
    }

    let mut tx = state.db.begin().await?;
    claims::update_contact(&mut tx, alumnus_id, &contact).await?;
    match claims::set_account_phone(&mut tx, user.id, &contact.phone, &username).await {
        Ok(_) => {}
        Err(e) if e.is_conflict_on("username") => {
            return unprocessable(&profile_page(
                &state, &ctx, &user, &before, desas, &form, &taken,
            ));
        }
        Err(e) => return Err(e.into()),
    }
    let mut before_json = before_summary;
    let mut after_json = after_summary;
    if username != user.username {
        before_json["username"] = serde_json::json!(user.username);
        after_json["username"] = serde_json::json!(username);
    }
    audit::append(
        &mut tx,
        Event {
            actor_id: Some(user.id),
            actor_label: &user.username,
            action: "alumni.contact_updated",
            entity: "alumni",
            entity_id: alumnus_id.to_string(),
            summary: serde_json::json!({"before": before_json, "after": after_json}),
            ip: &ctx.ip,
        },
    )
    .await?;
    crate::db::commit(tx).await?;
    let code = if username != user.username {
        "nomor-baru"
    } else {
        "disimpan"
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

/// Stores a fresh code for each alumnus (revoking their older live ones) and returns the codes.
async fn issue(
    state: &AppState,
    tx: &mut crate::db::Tx,
    admin: &User,
    holders: &[claims::Holder],
    batch_id: Option<i64>,
    expires_at: i64,
) -> Result<Vec<(i64, ClaimCode)>, WebError> {
    let mut out = Vec::with_capacity(holders.len());
    for h in holders {
        let mut tries = 0;
        let code = loop {
            let code = ClaimCode::generate();
            let hash = code_hash(state, &code);
            if claims::issue_code(tx, h.id, batch_id, admin.id, &hash, expires_at).await? {
                break code;
            }
            tries += 1;
            if tries >= 5 {
                return Err(WebError::Internal(
                    "no free claim code after 5 tries".into(),
                ));
            }
        };
        out.push((h.id, code));
    }
    Ok(out)
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
    let admin = ctx.user()?.clone();
    let holder = claims::holder(&state.db, id).await?;
    let mut page = codes_page(&state, &ctx, &format!("Kode klaim {}", holder.full_name));
    page.alumnus_id = Some(id);
    if let Some((_, username)) = claims::owner(&state.db, id).await? {
        page.message = Some(format!(
            "Data {} sudah terhubung ke akun @{username}; kode klaim tidak diperlukan.",
            holder.full_name
        ));
        return no_store(&page, StatusCode::CONFLICT);
    }
    let expires_at = now() + CODE_VALID_DAYS * 24 * 3600;
    let mut tx = state.db.begin().await?;
    let codes = issue(
        &state,
        &mut tx,
        &admin,
        std::slice::from_ref(&holder),
        None,
        expires_at,
    )
    .await?;
    audit::append(
        &mut tx,
        Event {
            actor_id: Some(admin.id),
            actor_label: &admin.username,
            action: "alumni.claim_code_issued",
            entity: "alumni",
            entity_id: id.to_string(),
            summary: serde_json::json!({"expires_at": expires_at}),
            ip: &ctx.ip,
        },
    )
    .await?;
    crate::db::commit(tx).await?;
    page.expires = expiry_date(expires_at);
    page.slips = codes
        .into_iter()
        .map(|(_, code)| CodeSlip {
            name: holder.full_name.clone(),
            place: place(&holder),
            code: code.grouped(),
        })
        .collect();
    no_store(&page, StatusCode::OK)
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
    let admin = ctx.user()?.clone();
    let (mut page, holders) = batch_page(&state, &ctx, batch_id).await?;
    if holders.is_empty() {
        return no_store(&page, StatusCode::OK);
    }
    let expires_at = now() + CODE_VALID_DAYS * 24 * 3600;
    let mut tx = state.db.begin().await?;
    let codes = issue(
        &state,
        &mut tx,
        &admin,
        &holders,
        Some(batch_id),
        expires_at,
    )
    .await?;
    audit::append(
        &mut tx,
        Event {
            actor_id: Some(admin.id),
            actor_label: &admin.username,
            action: "alumni.claim_codes_issued",
            entity: "batch",
            entity_id: batch_id.to_string(),
            summary: serde_json::json!({
                "count": codes.len(),
                "alumni": codes.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
                "expires_at": expires_at,
            }),
            ip: &ctx.ip,
        },
    )
    .await?;
    crate::db::commit(tx).await?;
    page.expires = expiry_date(expires_at);
    page.slips = holders
        .iter()
        .zip(codes)
        .map(|(h, (_, code))| CodeSlip {
            name: h.full_name.clone(),
            place: place(h),
            code: code.grouped(),
        })
        .collect();
    no_store(&page, StatusCode::OK)
}
