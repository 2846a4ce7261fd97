//! Tracer pages: the public survey behind the personal link (`/tracer/{token}`, no login, one
//! page, works without JS), and the agency's pages under `/admin/tracer` (response rates, the
//! lists per batch and wave, phone entry, the questionnaire editor, settings and UMK).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::form::Posted;
use super::{AppState, Ctx, WebError, render};
use crate::app::FormError;
use crate::app::tracer::{self as tracer, Given, LinkState, SettingsInput, Tracer};
use crate::db::now;
use crate::db::orders::Reach;
use crate::domain::dates::{format_date, format_instant, parse_iso};
use crate::domain::phone::Phone;
use crate::domain::rupiah::format_rupiah;
use crate::domain::tracer::questionnaire::Kind;
use crate::domain::user::FieldErrors;
use crate::views::capital::Echo;
use crate::views::tracer::*;

fn long(iso: &str) -> String {
    parse_iso(iso)
        .map(format_date)
        .unwrap_or_else(|| iso.to_owned())
}

macro_rules! flow {
    ($state:expr, $reach:ident) => {
        Tracer {
            db: &$state.db,
            key: &$state.secrets.data_key,
            reach: &$reach,
        }
    };
}

/// The answer form for `given`: the posted values and messages when re-shown, else the
/// prefilled suggestion.
fn answer_form(
    given: &Given,
    action: String,
    posted: Option<(&Posted, &FieldErrors)>,
) -> AnswerForm {
    let p = &given.prefill;
    let suggested: Vec<(String, String)> = [
        ("status", &p.status),
        ("related", &p.related),
        ("income", &p.income),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().map(|v| (k.to_owned(), v)))
    .collect();
    let none = FieldErrors::new();
    let (questions, errors) = match posted {
        Some((form, errors)) => (
            questions(&given.questionnaire, given.umk.1, |k| form.all(k), errors),
            errors.len(),
        ),
        None => (
            questions(
                &given.questionnaire,
                given.umk.1,
                |k| {
                    suggested
                        .iter()
                        .filter(|(n, _)| n == k)
                        .map(|(_, v)| v.clone())
                        .collect()
                },
                &none,
            ),
            0,
        ),
    };
    AnswerForm {
        action,
        version_id: given.version_id,
        questions,
        errors,
        prefill: p.sentence.clone(),
        confirm: suggested,
        umk_note: format!(
            "UMK {} Kabupaten Tanjung Jabung Timur: {} sebulan.",
            given.umk.0,
            format_rupiah(given.umk.1)
        ),
    }
}

// ---- The personal link -------------------------------------------------------------------

fn refuse(state: LinkState, given: &Given) -> Option<WebError> {
    match state {
        LinkState::Expired => Some(WebError::Gone(format!(
            "Tautan survei ini sudah berakhir pada {}. Terima kasih; petugas BLK mungkin akan menghubungi Anda lewat telepon.",
            long(&given.invitation.closes_on)
        ))),
        LinkState::NotYetOpen => Some(WebError::Conflict(format!(
            "Survei ini baru dibuka pada {}.",
            long(&given.invitation.opens_on)
        ))),
        _ => None,
    }
}

fn public_page(
    ctx: &Ctx,
    token: &str,
    given: &Given,
    posted: Option<(&Posted, &FieldErrors)>,
) -> PublicPage {
    PublicPage {
        layout: ctx.layout("Survei alumni BLK"),
        name: given.invitation.full_name.clone(),
        batch: given.batch_label(),
        wave: given.invitation.wave,
        closes: long(&given.invitation.closes_on),
        form: answer_form(given, format!("/tracer/{token}"), posted),
    }
}

fn received(ctx: &Ctx) -> Result<Response, WebError> {
    Ok(render(&MessagePage {
        layout: ctx.layout("Survei alumni BLK"),
        heading: "Jawaban Anda sudah diterima".into(),
        text: "Terima kasih. Jawaban untuk survei ini sudah kami terima; tautan ini tidak dapat dipakai lagi.".into(),
    })?
    .into_response())
}

pub async fn survey(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let reach = Reach::from_settings(&state.settings);
    let link = flow!(state, reach).open_link(&token, now()).await?;
    if let Some(e) = refuse(link.state, &link.given) {
        return Err(e);
    }
    if link.state == LinkState::Answered {
        return received(&ctx);
    }
    Ok(render(&public_page(&ctx, &token, &link.given, None))?.into_response())
}

pub async fn survey_answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let reach = Reach::from_settings(&state.settings);
    let flow = flow!(state, reach);
    let at = now();
    let link = flow.open_link(&token, at).await?;
    if let Some(e) = refuse(link.state, &link.given) {
        return Err(e);
    }
    let who = crate::domain::audit::Who {
        id: None,
        label: "alumni (tautan survei)",
        ip: &ctx.ip,
    };
    let get = |k: &str| posted.get(k).to_owned();
    let all = |k: &str| posted.all(k);
    match flow
        .answer_by_link(
            &who,
            &token,
            &tracer::Posted {
                get: &get,
                all: &all,
            },
            at,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/tracer/{token}")).into_response()),
        Err(FormError::Fields(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&public_page(
                &ctx,
                &token,
                &link.given,
                Some((&posted, &errors)),
            ))?,
        )
            .into_response()),
        Err(FormError::App(e)) => Err(e.into()),
    }
}

// ---- The agency --------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct Notice {
    #[serde(default)]
    kirim: Option<i64>,
    #[serde(default)]
    ok: String,
}

fn rate(invited: i64, answered: i64) -> String {
    if invited == 0 {
        "—".into()
    } else {
        format!("{}%", answered * 100 / invited)
    }
}

pub async fn admin(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Notice>,
) -> Result<Response, WebError> {
    let settings = tracer::settings(&state.db).await?;
    let mut rows = Vec::new();
    let (mut invited, mut link, mut phone) = (0, 0, 0);
    for r in tracer::rates(&state.db).await? {
        invited += r.invited;
        link += r.by_link;
        phone += r.by_phone;
        rows.push(RateRow {
            batch: format!(
                "{} · {} angkatan {} tahun {}",
                r.trade, r.program, r.batch_number, r.batch_year
            ),
            ended: long(&r.end_date),
            wave: r.wave,
            invited: r.invited,
            by_link: r.by_link,
            by_phone: r.by_phone,
            rate: rate(r.invited, r.by_link + r.by_phone),
            href: format!(
                "/admin/tracer/daftar?angkatan={}&gelombang={}",
                r.batch_id, r.wave
            ),
        });
    }
    Ok(render(&AdminPage {
        layout: ctx.layout("Tracer study"),
        notice: q
            .kirim
            .map(|n| format!("{n} undangan baru dikirim ke kotak keluar."))
            .unwrap_or_default(),
        waves: settings.waves_text(),
        rows,
        total: RateRow {
            batch: "Semua".into(),
            ended: String::new(),
            wave: 0,
            invited,
            by_link: link,
            by_phone: phone,
            rate: rate(invited, link + phone),
            href: String::new(),
        },
    })?
    .into_response())
}

pub async fn send_due(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let who = ctx.who()?;
    let reach = Reach::from_settings(&state.settings);
    let n = flow!(state, reach).open_waves(&who, now()).await?;
    Ok(Redirect::to(&format!("/admin/tracer?kirim={n}")).into_response())
}

#[derive(Deserialize)]
pub struct ListQuery {
    angkatan: i64,
    gelombang: i64,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let rows = tracer::invitations(&state.db, q.angkatan, q.gelombang).await?;
    let heading = rows
        .first()
        .map(|i| {
            format!(
                "{} — gelombang {} bulan",
                tracer::batch_label(i),
                q.gelombang
            )
        })
        .unwrap_or_else(|| "Undangan tracer".into());
    let today = crate::domain::dates::to_iso(crate::domain::dates::wib_date(now()));
    Ok(render(&ListPage {
        layout: ctx.layout("Undangan tracer"),
        heading,
        rows: rows
            .into_iter()
            .map(|i| ListRow {
                window: format!("{} – {}", long(&i.opens_on), long(&i.closes_on)),
                reminders: i.reminders,
                answer: match &i.answered {
                    Some((s, at, by)) if s == "telepon" => {
                        format!("telepon, {} oleh {by}", format_instant(*at))
                    }
                    Some((_, at, _)) => format!("tautan, {}", format_instant(*at)),
                    None if today > i.closes_on => "belum menjawab; tautan berakhir".into(),
                    None => "belum menjawab".into(),
                },
                open: i.answered.is_none() && i.opens_on <= today,
                href: format!("/admin/tracer/undangan/{}", i.id),
                name: i.full_name,
            })
            .collect(),
    })?
    .into_response())
}

fn phone_page(
    ctx: &Ctx,
    link: &tracer::Link,
    posted: Option<(&Posted, &FieldErrors)>,
) -> PhonePage {
    let i = &link.given.invitation;
    let phone = i.phone.as_deref().and_then(|p| Phone::parse(p).ok());
    let note = match (&i.answered, link.state) {
        (Some((s, at, by)), _) => format!(
            "Sudah dijawab lewat {s} pada {}{}.",
            format_instant(*at),
            if by.is_empty() {
                String::new()
            } else {
                format!(" (dicatat {by})")
            }
        ),
        (None, LinkState::Expired) => {
            "Tautan pribadinya sudah berakhir; jawaban lewat telepon masih dapat dicatat.".into()
        }
        (None, LinkState::NotYetOpen) => "Gelombang ini belum dibuka.".into(),
        _ => String::new(),
    };
    let can = i.answered.is_none() && link.state != LinkState::NotYetOpen;
    PhonePage {
        layout: ctx.layout("Jawaban tracer lewat telepon"),
        name: i.full_name.clone(),
        wa_link: crate::domain::whatsapp::chat_link(
            phone.as_ref(),
            &format!("Halo {}, kami dari BLK.", i.full_name),
        ),
        phone: phone.map(|p| p.as_str().to_owned()).unwrap_or_default(),
        batch: link.given.batch_label(),
        wave: i.wave,
        window: format!("tautan {} – {}", long(&i.opens_on), long(&i.closes_on)),
        note,
        back: format!(
            "/admin/tracer/daftar?angkatan={}&gelombang={}",
            i.batch_id, i.wave
        ),
        form: can.then(|| {
            answer_form(
                &link.given,
                format!("/admin/tracer/undangan/{}", i.id),
                posted,
            )
        }),
    }
}

pub async fn phone_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let reach = Reach::from_settings(&state.settings);
    let link = flow!(state, reach).phone_form(id, now()).await?;
    Ok(render(&phone_page(&ctx, &link, None))?.into_response())
}

pub async fn phone_answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    posted: Posted,
) -> Result<Response, WebError> {
    let who = ctx.who()?;
    let reach = Reach::from_settings(&state.settings);
    let flow = flow!(state, reach);
    let at = now();
    let get = |k: &str| posted.get(k).to_owned();
    let all = |k: &str| posted.all(k);
    match flow
        .answer_by_phone(
            &who,
            id,
            &tracer::Posted {
                get: &get,
                all: &all,
            },
            at,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/admin/tracer/undangan/{id}")).into_response()),
        Err(FormError::Fields(errors)) => {
            let link = flow.phone_form(id, at).await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&phone_page(&ctx, &link, Some((&posted, &errors))))?,
            )
                .into_response())
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
}

async fn editor_page(
    state: &AppState,
    ctx: &Ctx,
    echo: Echo,
    notice: String,
    status: StatusCode,
) -> Result<Response, WebError> {
    let (version, q) = tracer::questionnaire(&state.db).await?;
    Ok((
        status,
        render(&EditorPage {
            layout: ctx.layout("Kuesioner tracer"),
            version,
            notice,
            errors: echo.errors.iter().map(|(_, m)| m.clone()).collect(),
            questions: EditorQuestion::of(&q, &echo),
            kinds: Kind::ALL
                .iter()
                .map(|k| (k.as_str().to_owned(), k.label().to_owned()))
                .collect(),
            echo,
        })?,
    )
        .into_response())
}

pub async fn editor(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Notice>,
) -> Result<Response, WebError> {
    let notice = match q.ok.as_str() {
        "baru" => "Kuesioner disimpan sebagai versi baru.",
        "sama" => "Tidak ada perubahan; tidak ada versi baru.",
        _ => "",
    };
    editor_page(&state, &ctx, Echo::default(), notice.into(), StatusCode::OK).await
}

pub async fn editor_save(
    State(state): State<AppState>,
    ctx: Ctx,
    posted: Posted,
) -> Result<Response, WebError> {
    let who = ctx.who()?;
    let get = |k: &str| {
        posted
            .0
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
    };
    match tracer::save_questionnaire(&state.db, &who, get).await {
        Ok(Some(_)) => Ok(Redirect::to("/admin/tracer/kuesioner?ok=baru").into_response()),
        Ok(None) => Ok(Redirect::to("/admin/tracer/kuesioner?ok=sama").into_response()),
        Err(FormError::Fields(errors)) => {
            editor_page(
                &state,
                &ctx,
                Echo::new(posted.0.clone(), errors),
                String::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
}

async fn settings_page(
    state: &AppState,
    ctx: &Ctx,
    echo: Option<Echo>,
    notice: &str,
    status: StatusCode,
) -> Result<Response, WebError> {
    let s = tracer::settings(&state.db).await?;
    let echo = echo.unwrap_or_else(|| {
        Echo::new(
            vec![
                ("waves".into(), s.waves_text()),
                ("window_days".into(), s.window_days.to_string()),
                ("reminder_days".into(), s.reminder_days.to_string()),
                ("max_reminders".into(), s.max_reminders.to_string()),
            ],
            vec![],
        )
    });
    Ok((
        status,
        render(&SettingsPage {
            layout: ctx.layout("Pengaturan tracer"),
            notice: notice.to_owned(),
            echo,
            umk: tracer::umk_list(&state.db)
                .await?
                .into_iter()
                .map(|(y, a)| (y, format_rupiah(a)))
                .collect(),
        })?,
    )
        .into_response())
}

pub async fn settings_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Notice>,
) -> Result<Response, WebError> {
    let notice = if q.ok.is_empty() {
        ""
    } else {
        "Pengaturan disimpan."
    };
    settings_page(&state, &ctx, None, notice, StatusCode::OK).await
}

pub async fn settings_save(
    State(state): State<AppState>,
    ctx: Ctx,
    posted: Posted,
) -> Result<Response, WebError> {
    let who = ctx.who()?;
    let input = SettingsInput {
        waves: posted.get("waves"),
        window_days: posted.get("window_days"),
        reminder_days: posted.get("reminder_days"),
        max_reminders: posted.get("max_reminders"),
    };
    match tracer::save_settings(&state.db, &who, &input).await {
        Ok(()) => Ok(Redirect::to("/admin/tracer/pengaturan?ok=1").into_response()),
        Err(FormError::Fields(errors)) => {
            settings_page(
                &state,
                &ctx,
                Some(Echo::new(posted.0.clone(), errors)),
                "",
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
}

pub async fn umk_save(
    State(state): State<AppState>,
    ctx: Ctx,
    posted: Posted,
) -> Result<Response, WebError> {
    let who = ctx.who()?;
    match tracer::save_umk(
        &state.db,
        &who,
        posted.get("umk_year"),
        posted.get("umk_amount"),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/admin/tracer/pengaturan?ok=1").into_response()),
        Err(FormError::Fields(errors)) => {
            let s = tracer::settings(&state.db).await?;
            let mut pairs = posted.0.clone();
            pairs.extend([
                ("waves".into(), s.waves_text()),
                ("window_days".into(), s.window_days.to_string()),
                ("reminder_days".into(), s.reminder_days.to_string()),
                ("max_reminders".into(), s.max_reminders.to_string()),
            ]);
            settings_page(
                &state,
                &ctx,
                Some(Echo::new(pairs, errors)),
                "",
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
}
