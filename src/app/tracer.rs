//! The tracer study: the questionnaire's versions, the settings and UMK, the waves that open
//! for completers (each with a personal link sent through the outbox), reminders, and answers
//! by the link or by phone, each stored with the version it was given under and the
//! indicators decided by `domain::tracer::classify`.
//!
//! The personal link's secret is never stored: it is re-derived with the instance key from the
//! participation and the wave (`token`), so a reminder carries the same link; the invitation
//! keeps only its SHA-256. Staff may enter a phone answer for any invitation whose wave has
//! opened and nobody answered, also after the link expired (a late call is still an answer; the
//! link itself works only in its window).

use crate::app::{AppError, AppResult, FormError, FormResult};
use crate::db::audit::{self, Who};
use crate::db::notifications::{self, Notice};
use crate::db::orders::Reach;
use crate::db::tracer::{self as store, Invitation, NewInvitation, NewResponse};
use crate::db::{Db, DbError};
use crate::domain::Refusal;
use crate::domain::dates::{add_months, format_date, parse_iso, to_iso, wib_date};
use crate::domain::phone::Phone;
use crate::domain::tracer::answers::{self, Answer};
use crate::domain::tracer::prefill::{self, Prefill};
use crate::domain::tracer::questionnaire::{self, Questionnaire};
use crate::domain::tracer::settings::{Settings, parse_umk};
use crate::domain::tracer::{Status, classify};
use crate::secrets::{Key, personal, token_hash};

const DAY: i64 = 86_400;

const SYSTEM: Who<'static> = Who {
    id: None,
    label: "sistem",
    ip: "",
};

fn today(at: i64) -> String {
    to_iso(wib_date(at))
}

fn rule(words: impl Into<String>) -> AppError {
    AppError::refused(Refusal::rule(words))
}

/// What the tracer's use cases need besides their input.
pub struct Tracer<'a> {
    pub db: &'a Db,
    /// The instance key: personal links are derived from it.
    pub key: &'a Key,
    pub reach: &'a Reach,
}

// ---- Questionnaire, settings, UMK --------------------------------------------------------

/// The current questionnaire (id, body). The first use stores the default as version 1,
/// audited as the system.
pub async fn questionnaire(db: &Db) -> AppResult<(i64, Questionnaire)> {
    if let Some((id, body)) = store::current_version(db).await? {
        return Ok((id, Questionnaire::from_json(&body).unwrap_or_default()));
    }
    let mut tx = db.begin().await?;
    if !store::has_version(&mut tx).await? {
        let q = Questionnaire::default();
        let id = store::insert_version(&mut tx, &q.to_json(), crate::db::now(), None).await?;
        audit::append(
            &mut tx,
            SYSTEM.event(
                "tracer.version_created",
                "tracer_version",
                id,
                serde_json::json!({"questions": q.questions.len(), "default": true}),
            ),
        )
        .await?;
    }
    tx.commit().await?;
    let (id, body) = store::current_version(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((id, Questionnaire::from_json(&body).unwrap_or_default()))
}

/// A stored version by id.
pub async fn version(db: &Db, id: i64) -> AppResult<Questionnaire> {
    let body = store::version(db, id).await?;
    Questionnaire::from_json(&body)
        .ok_or_else(|| AppError::Internal(format!("tracer version {id} unreadable")))
}

/// Saves the editor's form as a new version; `None` when nothing changed (no version made).
pub async fn save_questionnaire(
    db: &Db,
    who: &Who<'_>,
    get: impl Fn(&str) -> Option<String>,
) -> FormResult<Option<i64>> {
    let (current_id, current) = questionnaire(db).await?;
    let next = questionnaire::edit(&current, get).map_err(FormError::Fields)?;
    if next == current {
        return Ok(None);
    }
    let mut tx = db.begin().await?;
    let id = store::insert_version(&mut tx, &next.to_json(), crate::db::now(), who.id).await?;
    audit::append(
        &mut tx,
        who.event(
            "tracer.version_created",
            "tracer_version",
            id,
            serde_json::json!({"previous": current_id, "questions": next.questions.len()}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}

pub async fn settings(db: &Db) -> AppResult<Settings> {
    Ok(Settings::from_stored(&store::settings(db).await?))
}

pub struct SettingsInput<'a> {
    pub waves: &'a str,
    pub window_days: &'a str,
    pub reminder_days: &'a str,
    pub max_reminders: &'a str,
}

pub async fn save_settings(db: &Db, who: &Who<'_>, input: &SettingsInput<'_>) -> FormResult<()> {
    let next = Settings::parse(
        input.waves,
        input.window_days,
        input.reminder_days,
        input.max_reminders,
    )
    .map_err(FormError::Fields)?;
    let before = settings(db).await?;
    let mut tx = db.begin().await?;
    for (k, v) in next.to_stored() {
        store::put_setting(&mut tx, k, &v).await?;
    }
    let json = |s: &Settings| {
        serde_json::json!({"waves": s.waves_text(), "window_days": s.window_days,
            "reminder_days": s.reminder_days, "max_reminders": s.max_reminders})
    };
    audit::append(
        &mut tx,
        who.event(
            "tracer.settings_updated",
            "tracer_settings",
            1,
            serde_json::json!({"before": json(&before), "after": json(&next)}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn umk_list(db: &Db) -> AppResult<Vec<(i64, i64)>> {
    Ok(store::umk_list(db).await?)
}

/// Sets one year's UMK (a new year or a correction), audited.
pub async fn save_umk(db: &Db, who: &Who<'_>, year: &str, amount: &str) -> FormResult<()> {
    let (year, amount) = parse_umk(year, amount).map_err(FormError::Fields)?;
    let mut tx = db.begin().await?;
    let before = store::put_umk(&mut tx, year, amount, crate::db::now()).await?;
    audit::append(
        &mut tx,
        who.event(
            "tracer.umk_updated",
            "umk",
            year,
            serde_json::json!({"before": {"amount": before}, "after": {"amount": amount}}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---- Waves, links and reminders ----------------------------------------------------------

/// The form a link or a phone call answers, as it is given now.
pub struct Given {
    pub invitation: Invitation,
    pub version_id: i64,
    pub questionnaire: Questionnaire,
    /// The UMK the income bands are judged against: (year, amount).
    pub umk: (i64, i64),
    pub prefill: Prefill,
}

/// Where a personal link stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    NotYetOpen,
    Open,
    Expired,
    Answered,
}

pub struct Link {
    pub state: LinkState,
    pub given: Given,
}

impl Given {
    /// "Tata Boga · Pembuatan Kue angkatan 2 tahun 2025"
    pub fn batch_label(&self) -> String {
        batch_label(&self.invitation)
    }
}

pub fn batch_label(i: &Invitation) -> String {
    format!(
        "{} · {} angkatan {} tahun {}",
        i.trade, i.program, i.batch_number, i.batch_year
    )
}

fn state(i: &Invitation, at: i64) -> LinkState {
    let today = today(at);
    if i.answered.is_some() {
        LinkState::Answered
    } else if today < i.opens_on {
        LinkState::NotYetOpen
    } else if today > i.closes_on {
        LinkState::Expired
    } else {
        LinkState::Open
    }
}

/// The UMK of the wave's year (its opening date's year), else the latest earlier year.
async fn umk_of(db: &Db, opens_on: &str) -> AppResult<(i64, i64)> {
    let year = parse_iso(opens_on)
        .map(|d| i64::from(d.year()))
        .unwrap_or(2026);
    store::umk_for(db, year).await?.ok_or_else(|| {
        rule(format!(
            "UMK tahun {year} belum diisi di pengaturan tracer."
        ))
    })
}

impl Tracer<'_> {
    /// The personal link's secret for one completer's wave, derived with the instance key.
    pub fn token(&self, participation_id: i64, wave: i64) -> String {
        personal::keyed_hash(self.key, &format!("tracer:{participation_id}:{wave}"))[..32]
            .to_owned()
    }

    fn link(&self, token: &str) -> String {
        format!("{}/tracer/{token}", self.reach.base_url)
    }

    async fn given(&self, invitation: Invitation, version_id: Option<i64>) -> AppResult<Given> {
        let (version_id, questionnaire) = match version_id {
            Some(id) => (id, version(self.db, id).await?),
            None => questionnaire(self.db).await?,
        };
        let umk = umk_of(self.db, &invitation.opens_on).await?;
        let activity = crate::db::track_record::activity(self.db, invitation.alumnus_id).await?;
        let wave_date = parse_iso(&invitation.opens_on).ok_or(AppError::NotFound)?;
        let prefill = prefill::prefill(&activity, wave_date, umk.1);
        Ok(Given {
            invitation,
            version_id,
            questionnaire,
            umk,
            prefill,
        })
    }

    /// Invites every completer whose wave is due today (WIB) and not yet invited, unless that
    /// wave's window already closed (batches from before Karya are not traced retroactively),
    /// and sends each the personal link. Returns how many were invited.
    pub async fn open_waves(&self, who: &Who<'_>, at: i64) -> AppResult<usize> {
        let settings = settings(self.db).await?;
        let Some(first) = settings.waves.first().copied() else {
            return Ok(0);
        };
        let today_date = wib_date(at);
        let today = to_iso(today_date);
        let ended_by = add_months(today_date, -(first as i32))
            .map(to_iso)
            .unwrap_or_default();
        let mut invited = 0;
        for c in store::completers(self.db, &ended_by).await? {
            let Some(end) = parse_iso(&c.end_date) else {
                continue;
            };
            for &wave in &settings.waves {
                if c.invited.contains(&wave) {
                    continue;
                }
                let Some(opens) = add_months(end, wave as i32) else {
                    continue;
                };
                let closes = opens + time::Duration::days(settings.window_days);
                let (opens_on, closes_on) = (to_iso(opens), to_iso(closes));
                if opens_on > today || closes_on < today {
                    continue;
                }
                let token = self.token(c.participation_id, wave);
                let mut tx = self.db.begin().await?;
                let Some(id) = store::create_invitation(
                    &mut tx,
                    &NewInvitation {
                        participation_id: c.participation_id,
                        wave,
                        opens_on: &opens_on,
                        closes_on: &closes_on,
                        token_hash: &token_hash(&token),
                        at,
                    },
                )
                .await?
                else {
                    continue;
                };
                let invitation = store::invitation_in(&mut tx, id).await?;
                self.send(&mut tx, &invitation, &token, false).await?;
                audit::append(
                    &mut tx,
                    who.event(
                        "tracer.invited",
                        "tracer_invitation",
                        id,
                        serde_json::json!({"wave": wave, "opens_on": opens_on, "closes_on": closes_on}),
                    ),
                )
                .await?;
                tx.commit().await?;
                invited += 1;
            }
        }
        Ok(invited)
    }

    /// The link through the outbox (email where the alumnus's account has an address and SMTP
    /// is set, else a WhatsApp hand-off for staff to send) and in the app when there is an
    /// account.
    async fn send(
        &self,
        tx: &mut crate::db::Tx,
        i: &Invitation,
        token: &str,
        reminder: bool,
    ) -> AppResult<()> {
        let closes = parse_iso(&i.closes_on).map(format_date).unwrap_or_default();
        let title = if reminder {
            format!("Pengingat survei alumni BLK ({} bulan)", i.wave)
        } else {
            format!("Survei alumni BLK: {} bulan setelah pelatihan", i.wave)
        };
        let body = format!(
            "Halo {}, apa kabar setelah pelatihan {}? Mohon isi survei singkat (2 menit, tanpa login) sampai {closes}.",
            i.full_name, i.program
        );
        let text = format!("{title}\n{body}\n{}", self.link(token));
        let mut email = None;
        let mut phone = i.phone.clone();
        if let Some(user) = i.user_id {
            let id = notifications::notify_user(
                tx,
                user,
                &Notice {
                    title: &title,
                    body: &body,
                    link: &format!("/tracer/{token}"),
                },
            )
            .await?;
            if notifications::reaches_outside(tx, id).await? {
                return Ok(()); // the fan-out already sends it by WhatsApp or email
            }
            let (address, user_phone) = crate::db::capital::user_contact(tx, user).await?;
            email = Some(address);
            phone = phone.or(user_phone);
        }
        let phone = phone.as_deref().and_then(|p| Phone::parse(p).ok());
        notifications::enqueue_contact(
            tx,
            self.reach.email,
            email.as_deref(),
            phone.as_ref(),
            &title,
            &text,
            None,
        )
        .await?;
        Ok(())
    }

    /// Reminds every open, unanswered invitation whose last message is `reminder_days` old, at
    /// most `max_reminders` times. Returns how many were reminded.
    pub async fn reminders(&self, at: i64) -> AppResult<usize> {
        let s = settings(self.db).await?;
        let mut sent = 0;
        for i in store::open_unanswered(self.db, &today(at)).await? {
            let last = i.last_reminded_at.unwrap_or(i.created_at);
            if i.reminders >= s.max_reminders || at - last < s.reminder_days * DAY {
                continue;
            }
            let mut tx = self.db.begin().await?;
            match store::mark_reminded(&mut tx, i.id, i.reminders, at).await {
                Err(DbError::Stale) => continue,
                other => other?,
            }
            let (participation_id, wave) = (i.participation_id, i.wave);
            self.send(&mut tx, &i, &self.token(participation_id, wave), true)
                .await?;
            audit::append(
                &mut tx,
                SYSTEM.event(
                    "tracer.reminded",
                    "tracer_invitation",
                    i.id,
                    serde_json::json!({"reminder": i.reminders + 1}),
                ),
            )
            .await?;
            tx.commit().await?;
            sent += 1;
        }
        Ok(sent)
    }

    /// The link's invitation and where it stands; `NotFound` for an unknown token.
    pub async fn open_link(&self, token: &str, at: i64) -> AppResult<Link> {
        let invitation = store::invitation_by_hash(self.db, &token_hash(token)).await?;
        let state = state(&invitation, at);
        Ok(Link {
            state,
            given: self.given(invitation, None).await?,
        })
    }

    /// The invitation for a phone entry by staff.
    pub async fn phone_form(&self, id: i64, at: i64) -> AppResult<Link> {
        let invitation = store::invitation(self.db, id).await?;
        let state = state(&invitation, at);
        Ok(Link {
            state,
            given: self.given(invitation, None).await?,
        })
    }

    /// The answer through the personal link: only in its window, once.
    pub async fn answer_by_link(
        &self,
        who: &Who<'_>,
        token: &str,
        form: &Posted<'_>,
        at: i64,
    ) -> FormResult<i64> {
        let invitation = store::invitation_by_hash(self.db, &token_hash(token)).await?;
        match state(&invitation, at) {
            LinkState::Open => {}
            LinkState::Answered => return Err(answered().into()),
            LinkState::NotYetOpen | LinkState::Expired => {
                return Err(rule("Tautan survei ini tidak berlaku hari ini.").into());
            }
        }
        self.store(who, invitation, form, "tautan", at).await
    }

    /// The answer taken by phone by staff: once the wave has opened, while nobody answered.
    pub async fn answer_by_phone(
        &self,
        who: &Who<'_>,
        id: i64,
        form: &Posted<'_>,
        at: i64,
    ) -> FormResult<i64> {
        let invitation = store::invitation(self.db, id).await?;
        match state(&invitation, at) {
            LinkState::Open | LinkState::Expired => {}
            LinkState::Answered => return Err(answered().into()),
            LinkState::NotYetOpen => return Err(rule("Gelombang ini belum dibuka.").into()),
        }
        if who.id.is_none() {
            return Err(AppError::Forbidden.into());
        }
        self.store(who, invitation, form, "telepon", at).await
    }

    async fn store(
        &self,
        who: &Who<'_>,
        invitation: Invitation,
        form: &Posted<'_>,
        source: &str,
        at: i64,
    ) -> FormResult<i64> {
        let version_id = (form.get)("version_id")
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::NotFound)?;
        let given = self.given(invitation, Some(version_id)).await?;
        let answer: Answer =
            answers::parse(&given.questionnaire, form.get, form.all).map_err(FormError::Fields)?;
        let (works_in_trade, earns_umk) = classify(answer.status, answer.related, answer.income);
        let mut tx = self.db.begin().await?;
        let id = store::insert_response(
            &mut tx,
            &NewResponse {
                invitation_id: given.invitation.id,
                version_id,
                source,
                status: answer.status.as_str(),
                related: answer.related,
                income_band: answer.income.map(|b| b.as_str()),
                umk: Some(given.umk),
                works_in_trade,
                earns_umk,
                satisfaction: answer.satisfaction,
                next_training: &answer.next_training,
                answers: &answer.answers_json(),
                prefill: &given.prefill.to_json(),
                confirmed_prefill: given.prefill.confirmed_by(
                    answer.status,
                    answer.related,
                    answer.income,
                ),
                entered_by: if source == "telepon" { who.id } else { None },
                obstacles: &answer.obstacles,
                at,
            },
        )
        .await
        .map_err(|e| match e {
            DbError::Conflict(name)
                if name == crate::db::constraint::TRACER_RESPONSES_INVITATION =>
            {
                answered()
            }
            e => e.into(),
        })?;
        audit::append(
            &mut tx,
            who.event(
                "tracer.answered",
                "tracer_invitation",
                given.invitation.id,
                serde_json::json!({"wave": given.invitation.wave, "source": source, "version": version_id,
                    "status": answer.status.as_str()}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}

fn answered() -> AppError {
    rule("Jawaban untuk gelombang survei ini sudah diterima. Terima kasih.")
}

/// A posted answer form: the first value of a field, and every value of a repeated one.
pub struct Posted<'a> {
    pub get: &'a (dyn Fn(&str) -> String + Sync),
    pub all: &'a (dyn Fn(&str) -> Vec<String> + Sync),
}

/// Whether the status answered counts as working (for pages that show the answer).
pub fn working(status: &str) -> bool {
    Status::parse(status).is_some_and(Status::working)
}

// ---- The agency's pages ------------------------------------------------------------------

pub async fn rates(db: &Db) -> AppResult<Vec<store::Rate>> {
    Ok(store::rates(db).await?)
}

pub async fn invitations(db: &Db, batch_id: i64, wave: i64) -> AppResult<Vec<Invitation>> {
    Ok(store::invitations(db, batch_id, wave).await?)
}

/// Opens due waves and sends reminders every hour.
pub async fn run_periodically(db: Db, settings: std::sync::Arc<crate::config::Settings>, key: Key) {
    let reach = Reach::from_settings(&settings);
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let tracer = Tracer {
            db: &db,
            key: &key,
            reach: &reach,
        };
        let at = crate::db::now();
        match tracer.open_waves(&SYSTEM, at).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(invited = n, "tracer waves opened"),
            Err(e) => tracing::warn!(error = %e, "tracer waves failed; retrying next hour"),
        }
        match tracer.reminders(at).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(reminded = n, "tracer reminders sent"),
            Err(e) => tracing::warn!(error = %e, "tracer reminders failed; retrying next hour"),
        }
    }
}
