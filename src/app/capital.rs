//! Capital: programs the agency keeps for its partners, applications carried by the alumna's
//! verified track record, consent to share it, the partner's decision, disbursement and
//! repayment, the SIKP hand-off, the reminders of a stalled pipeline, and the nudge when a
//! payment makes an alumna newly eligible.
//!
//! Every step asks the domain once (`application::Allowed`), applies the change through
//! `db::capital::apply` (a conditional update: a stale page gets `Stale`), writes the audit
//! entry, tells the next party, and commits. Who may see an application at all is
//! `policy::capital_party`; a party that may not gets `NotFound`, never a hint.

use std::collections::BTreeMap;

use crate::app::{AppError, AppResult, FormError, FormResult};
use crate::db::audit::{self, Who};
use crate::db::capital::{
    self as store, Application, Change, Effect, Program, Scope, candidate_facts,
};
use crate::db::notifications::{self, Notice};
use crate::db::orders::Reach;
use crate::db::{Db, Tx};
use crate::domain::capital::application::{
    Action, Allowed, Party, Refusal as Why, Repayment, State, reason,
};
use crate::domain::capital::dossier::{self, Dossier};
use crate::domain::capital::eligibility::{self, Context, Verdict};
use crate::domain::capital::plan::{Ranges, RequestFields, RequestInput};
use crate::domain::capital::program::{
    DocumentKind, Known, ProgramFields, ProgramInput, document_type, is_open,
};
use crate::domain::capital::record::TrackRecord;
use crate::domain::capital::settings::Timeouts;
use crate::domain::capital::sikp::{Field, Mapping};
use crate::domain::dates::{to_iso, wib_date};
use crate::domain::phone::Phone;
use crate::domain::policy::{Actor, CapitalOwners, capital_party};
use crate::domain::rupiah::Rupiah;
use crate::secrets::{Key, personal};

/// Largest document an applicant may upload.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;

fn refused(why: Why) -> AppError {
    AppError::refused(why)
}

fn rule(words: impl Into<String>) -> AppError {
    AppError::refused(crate::domain::Refusal::rule(words))
}

fn rp(n: i64) -> String {
    Rupiah::new(n).unwrap_or_default().to_string()
}

fn today(at: i64) -> String {
    to_iso(wib_date(at))
}

/// What every capital use case needs besides its input.
pub struct Capital<'a> {
    pub db: &'a Db,
    /// The data key: documents and NIKs are sealed with it.
    pub key: &'a Key,
    pub reach: &'a Reach,
}

// ---- Programs ----------------------------------------------------------------------------

/// What the program form offers to choose from.
pub struct ProgramChoices {
    pub partners: Vec<crate::db::directory::Partner>,
    pub trades: BTreeMap<i64, String>,
    pub kecamatan: BTreeMap<String, String>,
}

pub async fn program_choices(db: &Db) -> AppResult<ProgramChoices> {
    let Names { trades, kecamatan } = names(db).await?;
    Ok(ProgramChoices {
        partners: crate::db::directory::partners(db).await?,
        trades,
        kecamatan,
    })
}

/// The names rules refer to by id or code (trades, kecamatan): read once per page or use case,
/// not once per program.
pub struct Names {
    pub trades: BTreeMap<i64, String>,
    pub kecamatan: BTreeMap<String, String>,
}

impl Names {
    pub fn trade(&self, id: i64) -> String {
        self.trades
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }

    pub fn kecamatan(&self, code: &str) -> String {
        self.kecamatan
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }

    /// What a program asks, in words (the eligibility check's own).
    pub fn requirements(&self, rules: &crate::domain::capital::program::Rules) -> Vec<String> {
        let trade_name = |id: i64| self.trade(id);
        let kecamatan_name = |c: &str| self.kecamatan(c);
        eligibility::requirements(
            rules,
            &Context {
                trade_name: &trade_name,
                kecamatan_name: &kecamatan_name,
                open_in_program: false,
            },
        )
    }
}

pub async fn names(db: &Db) -> AppResult<Names> {
    Ok(Names {
        trades: store::trade_names(db).await?,
        kecamatan: store::kecamatan_names(db).await?,
    })
}

/// The agency adds a partner (a bank, BAZNAS, a company's CSR, a cooperative, …).
pub async fn create_partner(
    db: &Db,
    who: &Who<'_>,
    name: &str,
    kind: &str,
    contact: &str,
) -> FormResult<i64> {
    let f = crate::domain::capital::program::PartnerFields::parse(name, kind, contact)
        .map_err(FormError::Fields)?;
    let mut tx = db.begin().await?;
    let id = crate::db::directory::create_partner(&mut tx, &f.name, f.kind, &f.contact)
        .await
        .map_err(|e| {
            if e.is_conflict(crate::db::constraint::PARTNERS_NAME) {
                FormError::field("name", "Mitra dengan nama ini sudah ada.")
            } else {
                e.into()
            }
        })?;
    audit::append(
        &mut tx,
        who.event(
            "capital.partner_created",
            "partner",
            id,
            serde_json::json!({"name": f.name, "kind": f.kind}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Creates a program (`existing` = None) or updates the one loaded at `(id, version)`.
pub async fn save_program(
    db: &Db,
    who: &Who<'_>,
    existing: Option<(i64, i64)>,
    input: &ProgramInput<'_>,
    at: i64,
) -> FormResult<i64> {
    let choices = program_choices(db).await?;
    let partners: Vec<i64> = choices.partners.iter().map(|p| p.id).collect();
    let trades: Vec<i64> = choices.trades.keys().copied().collect();
    let kecamatan: Vec<String> = choices.kecamatan.keys().cloned().collect();
    let fields = ProgramFields::parse(
        input,
        &Known {
            partners: &partners,
            trades: &trades,
            kecamatan: &kecamatan,
        },
    )
    .map_err(FormError::Fields)?;
    let before = match existing {
        Some((id, _)) => Some(store::program(db, id).await?),
        None => None,
    };
    let mut tx = db.begin().await?;
    let id = match existing {
        Some((id, version)) => {
            store::update_program(&mut tx, id, version, &fields, at).await?;
            id
        }
        None => store::insert_program(&mut tx, &fields, at)
            .await
            .map_err(|e| {
                if e.is_conflict(crate::db::constraint::CAPITAL_PROGRAMS_PARTNER_NAME) {
                    FormError::field("name", "Mitra ini sudah punya program dengan nama itu.")
                } else {
                    e.into()
                }
            })?,
    };
    let summary = serde_json::json!({
        "before": before.map(|p| serde_json::json!({"name": p.name, "rules": p.rules.to_json(),
            "min_amount": p.min_amount, "max_amount": p.max_amount, "closes_on": p.closes_on})),
        "after": {"name": fields.name, "rules": fields.rules.to_json(), "min_amount": fields.min_amount,
            "max_amount": fields.max_amount, "closes_on": fields.closes_on},
    });
    let action = if existing.is_some() {
        "capital.program_updated"
    } else {
        "capital.program_created"
    };
    audit::append(&mut tx, who.event(action, "capital_program", id, summary)).await?;
    tx.commit().await?;
    Ok(id)
}

/// The alumnus's track record as of `at`.
pub async fn record(db: &Db, alumnus_id: i64, at: i64) -> AppResult<TrackRecord> {
    Ok(crate::db::track_record::track_record(db, alumnus_id, at).await?)
}

/// Every rule of the program checked against her record (`except`: her application being
/// submitted, which does not count as another open one).
pub async fn verdict(
    db: &Db,
    names: &Names,
    program: &Program,
    record: &TrackRecord,
    except: Option<i64>,
) -> AppResult<Verdict> {
    let open = store::open_in_program(db, record.person.alumnus_id, program.id, except).await?;
    let trade_name = |id: i64| names.trade(id);
    let kecamatan_name = |c: &str| names.kecamatan(c);
    Ok(eligibility::check(
        &program.rules,
        record,
        &Context {
            trade_name: &trade_name,
            kecamatan_name: &kecamatan_name,
            open_in_program: open,
        },
    ))
}

/// A program with the viewer's eligibility, when the viewer is an alumna.
pub struct ProgramView {
    pub program: Program,
    pub open: bool,
    pub quota_left: Option<i64>,
    pub verdict: Option<Verdict>,
    /// Her application in this program that is still moving, if any.
    pub open_application: Option<i64>,
}

fn quota_left(p: &Program) -> Option<i64> {
    p.quota.map(|q| (q - p.approved).max(0))
}

impl Capital<'_> {
    /// One program as the public (and a signed-in alumna) sees it.
    pub async fn program_view(
        &self,
        id: i64,
        alumnus_id: Option<i64>,
        at: i64,
    ) -> AppResult<ProgramView> {
        let program = store::program(self.db, id).await?;
        let (verdict, open_application) = match alumnus_id {
            Some(alumnus) => {
                let record = record(self.db, alumnus, at).await?;
                let names = names(self.db).await?;
                let verdict = verdict(self.db, &names, &program, &record, None).await?;
                let open_application = store::applications(self.db, Scope::Alumnus(alumnus))
                    .await?
                    .into_iter()
                    .find(|a| a.program_id == id && a.state.is_open())
                    .map(|a| a.id);
                (Some(verdict), open_application)
            }
            None => (None, None),
        };
        Ok(ProgramView {
            open: is_open(&program.opens_on, &program.closes_on, &today(at)),
            quota_left: quota_left(&program),
            program,
            verdict,
            open_application,
        })
    }

    /// Programs taking applications today, each with the alumna's eligibility when given.
    pub async fn open_programs(
        &self,
        alumnus_id: Option<i64>,
        at: i64,
    ) -> AppResult<Vec<ProgramView>> {
        let programs = store::open_programs(self.db, &today(at)).await?;
        let record = match alumnus_id {
            Some(a) => Some(record(self.db, a, at).await?),
            None => None,
        };
        let names = names(self.db).await?;
        let mut out = Vec::with_capacity(programs.len());
        for program in programs {
            let verdict = match &record {
                Some(r) => Some(verdict(self.db, &names, &program, r, None).await?),
                None => None,
            };
            out.push(ProgramView {
                open: true,
                quota_left: quota_left(&program),
                program,
                verdict,
                open_application: None,
            });
        }
        Ok(out)
    }
}

// ---- Applications: the alumna's side -----------------------------------------------------

fn ranges(p: &Program) -> Ranges {
    Ranges {
        min_amount: p.min_amount,
        max_amount: p.max_amount,
        tenor_min: p.tenor_min,
        tenor_max: p.tenor_max,
    }
}

/// An application with who is looking at it and what they may do.
pub struct Opened {
    pub app: Application,
    pub party: Party,
    pub allowed: Allowed,
}

/// The audit entry of a step on an application, in the step's transaction.
async fn audited(
    tx: &mut Tx,
    who: &Who<'_>,
    action: &str,
    id: i64,
    summary: serde_json::Value,
) -> AppResult<()> {
    audit::append(tx, who.event(action, "capital_application", id, summary)).await?;
    Ok(())
}

impl Capital<'_> {
    /// Opens a step's transaction with the change applied to the application as the page
    /// loaded it (a stale page gets `Stale`); the caller adds what the step stores and commits.
    async fn begin_step(&self, opened: &Opened, change: Change<'_>) -> AppResult<Tx> {
        let mut tx = self.db.begin().await?;
        store::apply(&mut tx, &opened.app, &change).await?;
        Ok(tx)
    }

    /// Loads an application for a viewer; `NotFound` when the viewer may not know it exists.
    pub async fn open(&self, actor: &Actor, id: i64) -> AppResult<Opened> {
        let app = store::application(self.db, id).await?;
        let party = capital_party(
            actor,
            &CapitalOwners {
                alumnus_id: app.alumnus_id,
                partner_id: app.partner_id,
                state: app.state,
                consent_live: app.consent_live(),
                decided: app.decided_at.is_some(),
            },
        )
        .ok_or(AppError::NotFound)?;
        let allowed = Allowed::new(app.state, party, app.consent_live());
        Ok(Opened {
            app,
            party,
            allowed,
        })
    }

    /// She starts an application (a draft) to an open program.
    pub async fn start(
        &self,
        actor: &Actor,
        who: &Who<'_>,
        program_id: i64,
        input: &RequestInput<'_>,
        at: i64,
    ) -> FormResult<i64> {
        let alumnus_id = actor.alumnus_id.ok_or(AppError::Forbidden)?;
        let program = store::program(self.db, program_id).await?;
        if !is_open(&program.opens_on, &program.closes_on, &today(at)) {
            return Err(rule("Program ini sedang tidak menerima pengajuan.").into());
        }
        let fields = RequestFields::parse(input, &ranges(&program)).map_err(FormError::Fields)?;
        let mut tx = self.db.begin().await?;
        let id =
            store::insert_application(&mut tx, program_id, alumnus_id, actor.user_id, &fields, at)
                .await?;
        audited(
            &mut tx,
            who,
            "capital.application_started",
            id,
            serde_json::json!({"program": program.name, "amount": fields.amount}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// She changes what she asks for (draft or returned).
    pub async fn edit(
        &self,
        opened: &Opened,
        who: &Who<'_>,
        input: &RequestInput<'_>,
        at: i64,
    ) -> FormResult<()> {
        let to = opened.allowed.may(Action::Edit).map_err(refused)?;
        let program = store::program(self.db, opened.app.program_id).await?;
        let fields = RequestFields::parse(input, &ranges(&program)).map_err(FormError::Fields)?;
        let mut tx = self
            .begin_step(
                opened,
                Change {
                    at,
                    action: Action::Edit,
                    party: opened.party,
                    user_id: who.id,
                    to,
                    note: "",
                    effect: Effect::Request(&fields),
                },
            )
            .await?;
        audited(&mut tx, who, "capital.application_edited", opened.app.id, serde_json::json!({"before": {"amount": opened.app.amount}, "after": {"amount": fields.amount}})).await?;
        tx.commit().await?;
        Ok(())
    }

    /// She uploads (or replaces) one document: a photo or a PDF, sealed at rest.
    pub async fn upload(
        &self,
        opened: &Opened,
        who: &Who<'_>,
        kind: DocumentKind,
        file_name: &str,
        bytes: &[u8],
        at: i64,
    ) -> FormResult<()> {
        opened.allowed.may(Action::Edit).map_err(refused)?;
        if bytes.is_empty() {
            return Err(FormError::field("file", "Pilih berkas untuk diunggah."));
        }
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(FormError::field(
                "file",
                "Berkas terlalu besar: paling besar 5 MB. Foto dengan resolusi lebih kecil.",
            ));
        }
        let Some(content_type) = document_type(bytes) else {
            return Err(FormError::field(
                "file",
                "Berkas harus berupa foto (JPG, PNG, WebP) atau PDF.",
            ));
        };
        let name: String = file_name
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '/' | '\\' | '"'))
            .take(120)
            .collect();
        let name = if name.trim().is_empty() {
            kind.as_str().to_owned()
        } else {
            name
        };
        // A photo is decoded within limits and stored re-encoded: what is kept is a picture
        // (never a file that only begins like one) without its metadata (a phone's location).
        // A PDF is kept as sent and served only as a download in a sandbox.
        let (stored, content_type) = if content_type == "application/pdf" {
            (bytes.to_vec(), content_type)
        } else {
            let photo = crate::media::process(bytes)
                .map_err(|e| FormError::field("file", e.to_string()))?;
            (photo.detail, "image/jpeg")
        };
        let sealed = personal::seal_bytes(self.key, &stored);
        let mut tx = self.db.begin().await?;
        // The document belongs to the application as it was loaded: a stale page refuses.
        store::apply(
            &mut tx,
            &opened.app,
            &Change {
                at,
                action: Action::Edit,
                party: opened.party,
                user_id: who.id,
                to: opened.app.state,
                note: kind.label(),
                effect: Effect::Plain,
            },
        )
        .await?;
        store::put_document(
            &mut tx,
            opened.app.id,
            kind,
            &name,
            content_type,
            stored.len() as i64,
            &sealed,
            at,
        )
        .await?;
        audited(
            &mut tx,
            who,
            "capital.document_uploaded",
            opened.app.id,
            serde_json::json!({"kind": kind.as_str(), "size": bytes.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Freezes the dossier: her track record now, with what she asks for.
    async fn freeze(&self, tx: &mut Tx, app: &Application, at: i64) -> AppResult<store::Dossier> {
        let record = record(self.db, app.alumnus_id, at).await?;
        let documents = store::documents(self.db, app.id)
            .await?
            .into_iter()
            .map(|d| d.kind.label().to_owned())
            .collect();
        let d = Dossier {
            application_id: app.id,
            frozen_at: at,
            program: app.program.clone(),
            partner: app.partner.clone(),
            purpose: app.purpose.as_str().to_owned(),
            amount: app.amount,
            tenor_months: app.tenor_months,
            plan: app.plan.clone(),
            documents,
            record,
        };
        let body = d.body();
        Ok(store::insert_dossier(tx, app.id, &body, &dossier::hash(&body), at).await?)
    }

    /// She submits: the program must be open, she must meet every rule and have every required
    /// document; the dossier is frozen and the agency told.
    pub async fn submit(&self, opened: &Opened, who: &Who<'_>, at: i64) -> AppResult<()> {
        let to = opened.allowed.may(Action::Submit).map_err(refused)?;
        let app = &opened.app;
        let program = store::program(self.db, app.program_id).await?;
        if !is_open(&program.opens_on, &program.closes_on, &today(at)) {
            return Err(rule(
                "Program ini sudah ditutup; pengajuan tidak dapat dikirim.",
            ));
        }
        let record = record(self.db, app.alumnus_id, at).await?;
        let names = names(self.db).await?;
        let verdict = verdict(self.db, &names, &program, &record, Some(app.id)).await?;
        if !verdict.eligible() {
            return Err(rule(verdict.summary()));
        }
        let have: Vec<DocumentKind> = store::documents(self.db, app.id)
            .await?
            .into_iter()
            .map(|d| d.kind)
            .collect();
        let missing: Vec<&str> = program
            .documents
            .iter()
            .filter(|k| !have.contains(k))
            .map(|k| k.label())
            .collect();
        if !missing.is_empty() {
            return Err(rule(format!(
                "Unggah dulu dokumen yang diminta: {}.",
                missing.join(", ")
            )));
        }
        let mut tx = self
            .begin_step(
                opened,
                Change {
                    at,
                    action: Action::Submit,
                    party: opened.party,
                    user_id: who.id,
                    to,
                    note: "",
                    effect: Effect::Submit,
                },
            )
            .await?;
        let frozen = self.freeze(&mut tx, app, at).await?;
        audited(
            &mut tx,
            who,
            "capital.application_submitted",
            app.id,
            serde_json::json!({"dossier_version": frozen.version}),
        )
        .await?;
        let title = format!("Pengajuan modal baru: {} ({})", app.applicant, app.program);
        self.tell_agency(
            &mut tx,
            app.id,
            &title,
            &format!("Jumlah {}", rp(app.amount)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A new, dated dossier version (before referral); earlier versions stay as they were.
    pub async fn refresh(&self, opened: &Opened, who: &Who<'_>, at: i64) -> AppResult<()> {
        opened.allowed.may(Action::Refresh).map_err(refused)?;
        let mut tx = self
            .begin_step(
                opened,
                Change {
                    at,
                    action: Action::Refresh,
                    party: opened.party,
                    user_id: who.id,
                    to: opened.app.state,
                    note: "",
                    effect: Effect::Plain,
                },
            )
            .await?;
        let frozen = self.freeze(&mut tx, &opened.app, at).await?;
        audited(
            &mut tx,
            who,
            "capital.dossier_refreshed",
            opened.app.id,
            serde_json::json!({"dossier_version": frozen.version}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// She agrees to share the latest dossier (with documents and NIK) with the partner.
    pub async fn consent(&self, opened: &Opened, who: &Who<'_>, at: i64) -> AppResult<()> {
        opened.allowed.may(Action::Consent).map_err(refused)?;
        let app = &opened.app;
        let latest = store::dossiers(self.db, app.id)
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::Internal(
                "a referred application has a dossier".into(),
            ))?;
        let mut tx = self
            .begin_step(
                opened,
                Change {
                    at,
                    action: Action::Consent,
                    party: opened.party,
                    user_id: who.id,
                    to: app.state,
                    note: &format!("Dosier versi {} untuk {}", latest.version, app.partner),
                    effect: Effect::Plain,
                },
            )
            .await?;
        // A consent given to a partner the program no longer names is replaced.
        store::revoke_consent(&mut tx, app.id, at).await?;
        store::grant_consent(
            &mut tx,
            app.id,
            app.partner_id,
            latest.id,
            who.id.unwrap_or_default(),
            at,
        )
        .await?;
        audited(
            &mut tx,
            who,
            "capital.consent_granted",
            app.id,
            serde_json::json!({"partner": app.partner, "dossier_version": latest.version}),
        )
        .await?;
        let title = format!("Rujukan baru: {} ({})", app.applicant, app.program);
        self.tell_partner(
            &mut tx,
            app,
            &title,
            &format!("Jumlah diajukan {}", rp(app.amount)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// She withdraws her consent before the partner decides: the partner loses sight of it.
    pub async fn revoke_consent(&self, opened: &Opened, who: &Who<'_>, at: i64) -> AppResult<()> {
        opened.allowed.may(Action::RevokeConsent).map_err(refused)?;
        let app = &opened.app;
        let mut tx = self
            .begin_step(
                opened,
                Change {
                    at,
                    action: Action::RevokeConsent,
                    party: opened.party,
                    user_id: who.id,
                    to: app.state,
                    note: "",
                    effect: Effect::Plain,
                },
            )
            .await?;
        store::revoke_consent(&mut tx, app.id, at).await?;
        audited(
            &mut tx,
            who,
            "capital.consent_revoked",
            app.id,
            serde_json::json!({"partner": app.partner}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

// ---- Steps of the agency, the alumna and the partner --------------------------------------

/// The partner's decision to approve.
#[derive(Debug, Clone, Default)]
pub struct ApprovalInput<'a> {
    pub amount: &'a str,
    pub tenor: &'a str,
    pub rate: &'a str,
}

/// A disbursement as the partner types it.
#[derive(Debug, Clone, Default)]
pub struct DisbursementInput<'a> {
    pub date: &'a str,
    pub amount: &'a str,
}

/// A monthly repayment report.
#[derive(Debug, Clone, Default)]
pub struct RepaymentInput<'a> {
    pub period: &'a str,
    pub status: &'a str,
    pub note: &'a str,
}

impl Capital<'_> {
    /// Steps that change only the state and the timeline: withdraw, review, return, reject,
    /// recommend, refer, decline. `note` is the reason where the step needs one.
    pub async fn step(
        &self,
        opened: &Opened,
        who: &Who<'_>,
        action: Action,
        note: &str,
        at: i64,
    ) -> AppResult<State> {
        if !matches!(
            action,
            Action::Withdraw
                | Action::Review
                | Action::Return
                | Action::Reject
                | Action::Recommend
                | Action::Refer
                | Action::Decline
        ) {
            return Err(AppError::NotFound);
        }
        let to = opened.allowed.may(action).map_err(refused)?;
        let note = reason(action, note).map_err(refused)?;
        let app = &opened.app;
        if action == Action::Refer {
            // A referral names the dossier the partner will see once she consents.
            if store::dossiers(self.db, app.id).await?.is_empty() {
                return Err(AppError::Internal(
                    "a recommended application has a dossier".into(),
                ));
            }
        }
        let effect = match action {
            Action::Return | Action::Reject | Action::Decline => Effect::Reason,
            Action::Refer => Effect::Refer,
            _ => Effect::Plain,
        };
        let mut tx = self.db.begin().await?;
        store::apply(
            &mut tx,
            app,
            &Change {
                at,
                action,
                party: opened.party,
                user_id: who.id,
                to,
                note: &note,
                effect,
            },
        )
        .await?;
        if action == Action::Withdraw && app.consent_live() {
            store::revoke_consent(&mut tx, app.id, at).await?;
        }
        audit::append(
            &mut tx,
            who.event(
                step_audit(action),
                "capital_application",
                app.id,
                serde_json::json!({"from": app.state.as_str(), "to": to.as_str(), "reason": note}),
            ),
        )
        .await?;
        self.announce(&mut tx, app, opened.party, to, &note).await?;
        tx.commit().await?;
        Ok(to)
    }

    /// The partner approves, with the amount, tenor and rate it grants.
    pub async fn approve(
        &self,
        opened: &Opened,
        who: &Who<'_>,
        input: &ApprovalInput<'_>,
        at: i64,
    ) -> FormResult<()> {
        let to = opened.allowed.may(Action::Approve).map_err(refused)?;
        let app = &opened.app;
        let program = store::program(self.db, app.program_id).await?;
        let mut errors = Vec::new();
        let amount = crate::domain::form::money(
            &mut errors,
            "amount",
            input.amount,
            "Jumlah disetujui",
            crate::domain::capital::program::MAX_AMOUNT,
        )
        .map(Rupiah::amount);
        if input.amount.trim().is_empty() {
            errors.push(("amount", "Jumlah disetujui wajib diisi.".into()));
        }
        if let Some(a) = amount
            && (a > app.amount || a < program.min_amount)
        {
            errors.push((
                "amount",
                format!(
                    "Jumlah disetujui antara {} dan jumlah yang diajukan ({}).",
                    rp(program.min_amount),
                    rp(app.amount)
                ),
            ));
        }
        let tenor = if program.tenor_max == 0 {
            0
        } else {
            crate::domain::form::whole(
                &mut errors,
                "tenor",
                input.tenor,
                "Tenor",
                program.tenor_min.max(1),
                program.tenor_max,
                0,
            )
        };
        if program.tenor_max > 0 && input.tenor.trim().is_empty() {
            errors.push(("tenor", "Tenor (bulan) wajib diisi.".into()));
        }
        let rate = crate::domain::form::text(
            &mut errors,
            "rate",
            input.rate,
            "Bunga/margin",
            program.kind.repaid(),
            100,
        );
        if !errors.is_empty() {
            return Err(FormError::Fields(errors));
        }
        let amount = amount.unwrap_or_default();
        let quota_full = || rule("Kuota program ini sudah habis.");
        if quota_left(&program) == Some(0) {
            return Err(quota_full().into());
        }
        let mut tx = self.db.begin().await?;
        // Approvals of one program take its row first, so two at once cannot both fill the
        // last place; the count is taken after.
        let approved = store::hold_program(&mut tx, program.id).await?;
        if program.quota.is_some_and(|q| approved >= q) {
            return Err(quota_full().into());
        }
        store::apply(
            &mut tx,
            app,
            &Change {
                at,
                action: Action::Approve,
                party: opened.party,
                user_id: who.id,
                to,
                note: "",
                effect: Effect::Approve {
                    amount,
                    tenor,
                    rate: &rate,
                },
            },
        )
        .await?;
        audited(
            &mut tx,
            who,
            "capital.approved",
            app.id,
            serde_json::json!({"amount": amount, "tenor": tenor, "rate": rate}),
        )
        .await?;
        self.announce(
            &mut tx,
            app,
            opened.party,
            to,
            &format!("Disetujui {}", rp(amount)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The partner records the money (or equipment) handed over.
    pub async fn disburse(
        &self,
        opened: &Opened,
        who: &Who<'_>,
        input: &DisbursementInput<'_>,
        at: i64,
    ) -> FormResult<()> {
        let to = opened.allowed.may(Action::Disburse).map_err(refused)?;
        let app = &opened.app;
        let mut errors = Vec::new();
        let date = crate::domain::dates::parse_iso(input.date.trim());
        let decided = app.decided_at.map(wib_date).unwrap_or(wib_date(at));
        match date {
            None => errors.push(("date", "Tanggal pencairan wajib diisi dengan benar.".into())),
            Some(d) if d > wib_date(at) => errors.push((
                "date",
                "Tanggal pencairan tidak boleh di masa depan.".into(),
            )),
            Some(d) if d < decided => errors.push((
                "date",
                "Tanggal pencairan tidak boleh sebelum tanggal persetujuan.".into(),
            )),
            _ => {}
        }
        let approved = app.approved_amount.unwrap_or(app.amount);
        let amount = crate::domain::form::money(
            &mut errors,
            "amount",
            input.amount,
            "Jumlah dicairkan",
            crate::domain::capital::program::MAX_AMOUNT,
        )
        .map(Rupiah::amount);
        if input.amount.trim().is_empty() {
            errors.push(("amount", "Jumlah dicairkan wajib diisi.".into()));
        }
        if let Some(a) = amount
            && a > approved
        {
            errors.push((
                "amount",
                format!(
                    "Jumlah dicairkan paling banyak {} (yang disetujui).",
                    rp(approved)
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(FormError::Fields(errors));
        }
        let on = date.map(to_iso).unwrap_or_default();
        let amount = amount.unwrap_or_default();
        let mut tx = self
            .begin_step(
                opened,
                Change {
                    at,
                    action: Action::Disburse,
                    party: opened.party,
                    user_id: who.id,
                    to,
                    note: "",
                    effect: Effect::Disburse { on: &on, amount },
                },
            )
            .await?;
        audited(
            &mut tx,
            who,
            "capital.disbursed",
            app.id,
            serde_json::json!({"on": on, "amount": amount}),
        )
        .await?;
        self.announce(
            &mut tx,
            app,
            opened.party,
            to,
            &format!("Dicairkan {} pada {on}", rp(amount)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The partner reports one month's repayment; `closed` ends the loan.
    pub async fn report_repayment(
        &self,
        opened: &Opened,
        who: &Who<'_>,
        input: &RepaymentInput<'_>,
        at: i64,
    ) -> FormResult<()> {
        let app = &opened.app;
        // Reporting and closing are allowed from the same state: ask before reading the form.
        opened
            .allowed
            .may(Action::ReportRepayment)
            .map_err(refused)?;
        let mut errors = Vec::new();
        let status = Repayment::parse(input.status);
        if status.is_none() {
            errors.push(("status", "Pilih status angsuran.".into()));
        }
        let period = input.period.trim();
        let this_month = &today(at)[..7];
        let disbursed_month = app.disbursed_on.as_deref().map(|d| &d[..7]).unwrap_or("");
        let valid_period =
            period.len() == 7 && crate::domain::dates::parse_iso(&format!("{period}-01")).is_some();
        if !valid_period {
            errors.push(("period", "Pilih bulan laporan (tahun-bulan).".into()));
        } else if period > this_month {
            errors.push(("period", "Bulan laporan tidak boleh di masa depan.".into()));
        } else if period < disbursed_month {
            errors.push((
                "period",
                "Bulan laporan tidak boleh sebelum bulan pencairan.".into(),
            ));
        }
        let note =
            crate::domain::form::text(&mut errors, "note", input.note, "Catatan", false, 300);
        let Some(status) = status.filter(|_| errors.is_empty()) else {
            return Err(FormError::Fields(errors));
        };
        let action = status.action();
        let to = opened.allowed.may(action).map_err(refused)?;
        let mut tx = self
            .begin_step(
                opened,
                Change {
                    at,
                    action,
                    party: opened.party,
                    user_id: who.id,
                    to,
                    note: &format!("{period}: {}", status.label()),
                    effect: Effect::Repayment(status),
                },
            )
            .await?;
        store::insert_repayment(&mut tx, app.id, period, status, &note, who.id, at)
            .await
            .map_err(|e| {
                if e.is_conflict(crate::db::constraint::CAPITAL_REPAYMENTS_APPLICATION_PERIOD) {
                    FormError::field("period", "Bulan ini sudah dilaporkan.")
                } else {
                    e.into()
                }
            })?;
        audited(
            &mut tx,
            who,
            "capital.repayment_reported",
            app.id,
            serde_json::json!({"period": period, "status": status.as_str()}),
        )
        .await?;
        if to == State::Closed {
            self.announce(&mut tx, app, opened.party, to, "").await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

fn step_audit(action: Action) -> &'static str {
    match action {
        Action::Withdraw => "capital.withdrawn",
        Action::Review => "capital.review_started",
        Action::Return => "capital.returned",
        Action::Reject => "capital.rejected",
        Action::Recommend => "capital.recommended",
        Action::Refer => "capital.referred",
        Action::Decline => "capital.declined",
        _ => "capital.step",
    }
}

// ---- Telling people ----------------------------------------------------------------------

/// In the app, and by email (when configured and known) or a WhatsApp hand-off.
async fn tell(
    tx: &mut Tx,
    reach: &Reach,
    users: &[i64],
    title: &str,
    body: &str,
    link: &str,
) -> AppResult<()> {
    for user in users {
        let id = notifications::notify_user(tx, *user, &Notice { title, body, link }).await?;
        if notifications::reaches_outside(tx, id).await? {
            continue; // the fan-out already sends it by WhatsApp or email
        }
        let (email, phone) = store::user_contact(tx, *user).await?;
        let phone = phone.as_deref().and_then(|p| Phone::parse(p).ok());
        let text = format!("{title}\n{body}\n{}{link}", reach.base_url);
        notifications::enqueue_contact(
            tx,
            reach.email,
            Some(&email),
            phone.as_ref(),
            title,
            &text,
            None,
        )
        .await?;
    }
    Ok(())
}

impl Capital<'_> {
    async fn tell_agency(&self, tx: &mut Tx, id: i64, title: &str, body: &str) -> AppResult<()> {
        let users = store::agency_users(self.db).await?;
        tell(
            tx,
            self.reach,
            &users,
            title,
            body,
            &format!("/admin/permodalan/pengajuan/{id}"),
        )
        .await
    }

    async fn tell_partner(
        &self,
        tx: &mut Tx,
        app: &Application,
        title: &str,
        body: &str,
    ) -> AppResult<()> {
        let users = store::partner_users(self.db, app.partner_id).await?;
        tell(
            tx,
            self.reach,
            &users,
            title,
            body,
            &format!("/mitra/pengajuan/{}", app.id),
        )
        .await
    }

    async fn tell_applicant(
        &self,
        tx: &mut Tx,
        app: &Application,
        title: &str,
        body: &str,
    ) -> AppResult<()> {
        tell(
            tx,
            self.reach,
            &[app.user_id],
            title,
            body,
            &format!("/akun/permodalan/{}", app.id),
        )
        .await
    }

    /// Tells whoever acts next (and the applicant of every change made by others).
    async fn announce(
        &self,
        tx: &mut Tx,
        app: &Application,
        by: Party,
        to: State,
        note: &str,
    ) -> AppResult<()> {
        let title = format!(
            "Pengajuan modal #{} ({}): {}",
            app.id,
            app.program,
            to.label()
        );
        if by != Party::Alumnus {
            let body = match to {
                State::Referred => format!(
                    "Periksa data yang akan dibagikan kepada {} lalu berikan persetujuan Anda.",
                    app.partner
                ),
                _ => note.to_owned(),
            };
            self.tell_applicant(tx, app, &title, &body).await?;
        }
        match to {
            State::Withdrawn if app.state == State::Referred && app.consent_live() => {
                self.tell_partner(tx, app, &title, note).await?
            }
            State::Withdrawn
            | State::Approved
            | State::Declined
            | State::Disbursed
            | State::Closed => self.tell_agency(tx, app.id, &title, note).await?,
            _ => {}
        }
        Ok(())
    }
}

// ---- Views -------------------------------------------------------------------------------

/// Revenue around a disbursement: the 12 months before, and the 6 and 12 months after (only
/// once those months have passed).
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub before_12: i64,
    pub after_6: Option<i64>,
    pub after_12: Option<i64>,
}

fn months_after(iso: &str, months: i32) -> Option<String> {
    crate::domain::dates::add_months(crate::domain::dates::parse_iso(iso)?, months).map(to_iso)
}

pub async fn outcome(db: &Db, app: &Application, at: i64) -> AppResult<Option<Outcome>> {
    let Some(on) = app.disbursed_on.as_deref() else {
        return Ok(None);
    };
    let today = today(at);
    let window = |m: i32| months_after(on, m).unwrap_or_default();
    let before_12 = store::revenue_between(db, app.alumnus_id, &window(-12), on).await?;
    let mut after = [None, None];
    for (slot, m) in after.iter_mut().zip([6, 12]) {
        let end = window(m);
        if end <= today {
            *slot = Some(store::revenue_between(db, app.alumnus_id, on, &end).await?);
        }
    }
    Ok(Some(Outcome {
        before_12,
        after_6: after[0],
        after_12: after[1],
    }))
}

/// Everything the application page shows to one party.
pub struct ApplicationPage {
    pub opened: Opened,
    pub program: Program,
    pub documents: Vec<store::Document>,
    pub dossiers: Vec<store::Dossier>,
    /// The dossier this party sees: the partner the consented one, others the latest.
    pub shown: Option<(store::Dossier, Dossier)>,
    pub events: Vec<store::Event>,
    pub consents: Vec<store::Consent>,
    pub repayments: Vec<store::RepaymentReport>,
    pub outcome: Option<Outcome>,
    /// For a draft or returned one: her eligibility now.
    pub verdict: Option<Verdict>,
}

impl Capital<'_> {
    pub async fn page(
        &self,
        actor: &Actor,
        who: &Who<'_>,
        id: i64,
        at: i64,
    ) -> AppResult<ApplicationPage> {
        let opened = self.open(actor, id).await?;
        let app = &opened.app;
        let program = store::program(self.db, app.program_id).await?;
        let dossiers = store::dossiers(self.db, app.id).await?;
        let shown_row = match opened.party {
            Party::Partner => app
                .consent_dossier_id
                .and_then(|d| dossiers.iter().find(|x| x.id == d).cloned())
                .or_else(|| dossiers.first().cloned()),
            _ => dossiers.first().cloned(),
        };
        let shown = shown_row.and_then(|row| Dossier::parse(&row.body).map(|d| (row, d)));
        if opened.party == Party::Partner {
            self.record_access(who, app.id, "capital.dossier_viewed")
                .await?;
        }
        let verdict = if app.state.editable() && opened.party != Party::Partner {
            let record = record(self.db, app.alumnus_id, at).await?;
            let names = names(self.db).await?;
            Some(verdict(self.db, &names, &program, &record, Some(app.id)).await?)
        } else {
            None
        };
        Ok(ApplicationPage {
            documents: store::documents(self.db, app.id).await?,
            events: store::events(self.db, app.id).await?,
            consents: store::consents(self.db, app.id).await?,
            repayments: store::repayments(self.db, app.id).await?,
            outcome: outcome(self.db, app, at).await?,
            dossiers,
            shown,
            program,
            verdict,
            opened,
        })
    }

    async fn record_access(&self, who: &Who<'_>, id: i64, action: &str) -> AppResult<()> {
        audit::record(
            self.db,
            who.event(action, "capital_application", id, serde_json::json!({})),
        )
        .await?;
        Ok(())
    }

    /// A document's bytes, for the applicant, the agency, and the partner with live consent;
    /// every access but the applicant's own is audited.
    pub async fn document(
        &self,
        actor: &Actor,
        who: &Who<'_>,
        id: i64,
        kind: DocumentKind,
    ) -> AppResult<(store::Document, Vec<u8>)> {
        let opened = self.open(actor, id).await?;
        if opened.party == Party::Partner && !opened.app.consent_live() {
            return Err(AppError::NotFound);
        }
        let (doc, sealed) = store::document_content(self.db, id, kind).await?;
        let bytes = personal::open_bytes(self.key, &sealed).ok_or_else(|| {
            AppError::Internal("a capital document does not open with the data key".into())
        })?;
        if opened.party != Party::Alumnus {
            audit::record(
                self.db,
                who.event(
                    "capital.document_viewed",
                    "capital_application",
                    id,
                    serde_json::json!({"kind": kind.as_str()}),
                ),
            )
            .await?;
        }
        Ok((doc, bytes))
    }

    /// The applicant's full NIK, for the partner's credit check (live consent) and the agency;
    /// audited.
    pub async fn reveal_nik(&self, actor: &Actor, who: &Who<'_>, id: i64) -> AppResult<String> {
        let opened = self.open(actor, id).await?;
        match opened.party {
            Party::Partner if opened.app.consent_live() => {}
            Party::Agency => {}
            _ => return Err(AppError::NotFound),
        }
        let nik = store::applicant_nik(self.db, opened.app.alumnus_id)
            .await?
            .and_then(|sealed| personal::open(self.key, &sealed))
            .ok_or_else(|| rule("NIK pemohon belum tercatat di register."))?;
        audit::record(
            self.db,
            who.event(
                "capital.nik_viewed",
                "capital_application",
                id,
                serde_json::json!({}),
            ),
        )
        .await?;
        Ok(nik)
    }

    /// The dossier shown to this party as a PDF, audited for everyone but the applicant.
    pub async fn dossier_for_download(
        &self,
        actor: &Actor,
        who: &Who<'_>,
        id: i64,
        at: i64,
    ) -> AppResult<(store::Dossier, Dossier, Party)> {
        let page = self.page(actor, who, id, at).await?;
        let party = page.opened.party;
        let (row, d) = page.shown.ok_or(AppError::NotFound)?;
        if party != Party::Alumnus {
            self.record_access(who, id, "capital.dossier_downloaded")
                .await?;
        }
        Ok((row, d, party))
    }
}

// ---- Nudges and timeouts -----------------------------------------------------------------

/// The nudge after a payment was confirmed and committed: a failure is logged, never undoes or
/// fails the payment.
pub async fn nudge_after_payment(db: &Db, reach: &Reach, alumnus_id: i64) {
    if let Err(e) = nudge(db, reach, alumnus_id, crate::db::now()).await {
        tracing::warn!(alumnus_id, error = %e, "capital eligibility nudge failed");
    }
}

/// After a confirmed payment: tells the alumna of every open program whose rules she now
/// meets for the first time. Returns how many she was told of.
pub async fn nudge(db: &Db, reach: &Reach, alumnus_id: i64, at: i64) -> AppResult<usize> {
    let Some(user) = store::alumnus_user(db, alumnus_id).await? else {
        return Ok(0);
    };
    let record = record(db, alumnus_id, at).await?;
    let names = names(db).await?;
    let mut told = 0;
    for program in store::open_programs(db, &today(at)).await? {
        if program.rules == Default::default() {
            continue;
        }
        let verdict = verdict(db, &names, &program, &record, None).await?;
        if !verdict.eligible() {
            continue;
        }
        let mut tx = db.begin().await?;
        if store::note_eligibility(&mut tx, alumnus_id, program.id, at).await? {
            let title = format!("Anda kini memenuhi syarat {}", program.name);
            let body = format!(
                "{} dari {}: {} sampai {}. Ajukan sebelum {}.",
                program.kind.label(),
                program.partner,
                rp(program.min_amount),
                rp(program.max_amount),
                crate::domain::dates::parse_iso(&program.closes_on)
                    .map(crate::domain::dates::format_date)
                    .unwrap_or_default()
            );
            tell(
                &mut tx,
                reach,
                &[user],
                &title,
                &body,
                &format!("/permodalan/{}", program.id),
            )
            .await?;
            told += 1;
        }
        tx.commit().await?;
    }
    Ok(told)
}

impl Capital<'_> {
    /// Reminds the agency of submissions not reviewed in time and partners of referrals not
    /// decided in time (once per stay in a state), and expires drafts left too long.
    pub async fn remind_and_expire(&self, at: i64) -> AppResult<(usize, usize)> {
        let timeouts = Timeouts::from_stored(&store::settings(self.db).await?);
        let day = 86_400;
        let mut reminded = 0;
        let system = Who {
            id: None,
            label: "sistem",
            ip: "",
        };
        for (state, days) in [
            (State::Submitted, timeouts.review_days),
            (State::Referred, timeouts.decision_days),
        ] {
            for app in store::waiting(self.db, state, at - days * day).await? {
                let mut tx = self.db.begin().await?;
                store::apply(
                    &mut tx,
                    &app,
                    &Change {
                        at,
                        action: Action::Edit,
                        party: Party::System,
                        user_id: None,
                        to: app.state,
                        note: "",
                        effect: Effect::Reminded,
                    },
                )
                .await?;
                let title = format!(
                    "Pengingat: pengajuan modal #{} menunggu lebih dari {days} hari",
                    app.id
                );
                let body = format!("{} — {} ({})", app.applicant, app.program, rp(app.amount));
                if state == State::Submitted {
                    self.tell_agency(&mut tx, app.id, &title, &body).await?;
                } else if app.consent_live() {
                    self.tell_partner(&mut tx, &app, &title, &body).await?;
                } else {
                    // Referred but not consented: the one who can move it is the applicant.
                    self.tell_applicant(
                        &mut tx,
                        &app,
                        &title,
                        "Berikan persetujuan berbagi data agar mitra dapat memeriksa pengajuan Anda.",
                    )
                    .await?;
                }
                audit::append(
                    &mut tx,
                    system.event(
                        "capital.reminded",
                        "capital_application",
                        app.id,
                        serde_json::json!({"state": state.as_str(), "days": days}),
                    ),
                )
                .await?;
                tx.commit().await?;
                reminded += 1;
            }
        }
        let mut expired = 0;
        for state in [State::Draft, State::Returned] {
            for app in store::waiting(self.db, state, at - timeouts.draft_days * day).await? {
                let to = Allowed::new(app.state, Party::System, false)
                    .may(Action::Expire)
                    .map_err(refused)?;
                let mut tx = self.db.begin().await?;
                store::apply(
                    &mut tx,
                    &app,
                    &Change {
                        at,
                        action: Action::Expire,
                        party: Party::System,
                        user_id: None,
                        to,
                        note: "",
                        effect: Effect::Plain,
                    },
                )
                .await?;
                audit::append(
                    &mut tx,
                    system.event(
                        "capital.expired",
                        "capital_application",
                        app.id,
                        serde_json::json!({"days": timeouts.draft_days}),
                    ),
                )
                .await?;
                self.tell_applicant(
                    &mut tx,
                    &app,
                    &format!("Pengajuan modal #{} kedaluwarsa", app.id),
                    &format!(
                        "Draf tidak dikirim dalam {} hari. Anda dapat membuat pengajuan baru.",
                        timeouts.draft_days
                    ),
                )
                .await?;
                tx.commit().await?;
                expired += 1;
            }
        }
        Ok((reminded, expired))
    }
}

/// Runs the reminders and expiries every hour, as the procurement deadline job does.
pub async fn remind_periodically(
    db: Db,
    settings: std::sync::Arc<crate::config::Settings>,
    key: Key,
) {
    let reach = Reach::from_settings(&settings);
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let capital = Capital {
            db: &db,
            key: &key,
            reach: &reach,
        };
        match capital.remind_and_expire(crate::db::now()).await {
            Ok((0, 0)) => {}
            Ok((reminded, expired)) => {
                tracing::info!(
                    reminded,
                    expired,
                    "capital reminders sent and drafts expired"
                )
            }
            Err(e) => tracing::warn!(error = %e, "capital reminders failed; retrying next hour"),
        }
    }
}

// ---- Settings and the SIKP export --------------------------------------------------------

pub const SIKP_KEY: &str = "sikp_columns";

pub struct CapitalSettings {
    pub timeouts: Timeouts,
    pub mapping: Mapping,
}

pub async fn settings(db: &Db) -> AppResult<CapitalSettings> {
    let stored = store::settings(db).await?;
    Ok(CapitalSettings {
        timeouts: Timeouts::from_stored(&stored),
        mapping: stored
            .get(SIKP_KEY)
            .and_then(|t| Mapping::parse(t).ok())
            .unwrap_or_default(),
    })
}

#[derive(Debug, Clone, Default)]
pub struct SettingsInput<'a> {
    pub review_days: &'a str,
    pub decision_days: &'a str,
    pub draft_days: &'a str,
    pub sikp_columns: &'a str,
}

pub async fn save_settings(db: &Db, who: &Who<'_>, input: &SettingsInput<'_>) -> FormResult<()> {
    let mut errors = Vec::new();
    let timeouts = Timeouts::parse(input.review_days, input.decision_days, input.draft_days)
        .map_err(|e| errors.extend(e))
        .ok();
    let mapping = Mapping::parse(input.sikp_columns)
        .map_err(|e| errors.extend(e.into_iter().map(|m| ("sikp_columns", m))))
        .ok();
    let (Some(timeouts), Some(mapping)) = (timeouts, mapping) else {
        return Err(FormError::Fields(errors));
    };
    let before = settings(db).await?;
    let mut tx = db.begin().await?;
    store::put_setting(&mut tx, "review_days", &timeouts.review_days.to_string()).await?;
    store::put_setting(
        &mut tx,
        "decision_days",
        &timeouts.decision_days.to_string(),
    )
    .await?;
    store::put_setting(&mut tx, "draft_days", &timeouts.draft_days.to_string()).await?;
    store::put_setting(&mut tx, SIKP_KEY, &mapping.to_text()).await?;
    audit::append(
        &mut tx,
        who.event(
            "capital.settings_updated",
            "capital_settings",
            1,
            serde_json::json!({
                "before": {"review_days": before.timeouts.review_days, "decision_days": before.timeouts.decision_days,
                    "draft_days": before.timeouts.draft_days, "sikp_columns": before.mapping.headers()},
                "after": {"review_days": timeouts.review_days, "decision_days": timeouts.decision_days,
                    "draft_days": timeouts.draft_days, "sikp_columns": mapping.headers()},
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The SIKP candidates: KUR applications referred or approved with the applicant's live
/// consent to that partner (optionally one partner), as rows of the admin's mapping. Audited as
/// a full-NIK export.
pub async fn sikp_export(
    db: &Db,
    key: &Key,
    who: &Who<'_>,
    partner: Option<i64>,
) -> AppResult<(Vec<String>, Vec<Vec<String>>)> {
    let mapping = settings(db).await?.mapping;
    let candidates: Vec<Application> = store::applications(db, Scope::All)
        .await?
        .into_iter()
        .filter(|a| {
            a.kur
                && a.consent_live()
                && matches!(a.state, State::Referred | State::Approved)
                && partner.is_none_or(|p| p == a.partner_id)
        })
        .collect();
    let mut rows = Vec::with_capacity(candidates.len());
    for app in &candidates {
        let facts = candidate_facts(db, app.alumnus_id).await?;
        rows.push(mapping.row(|field| sikp_value(key, app, &facts, field)));
    }
    audit::record(
        db,
        who.event(
            "capital.sikp_export_full_nik",
            "capital_application",
            0,
            serde_json::json!({"partner": partner, "rows": rows.len(),
                "applications": candidates.iter().map(|a| a.id).collect::<Vec<_>>()}),
        ),
    )
    .await?;
    Ok((mapping.headers(), rows))
}

fn sikp_value(key: &Key, app: &Application, f: &store::CandidateFacts, field: Field) -> String {
    match field {
        Field::Nik => f
            .nik_enc
            .as_deref()
            .and_then(|s| personal::open(key, s))
            .unwrap_or_default(),
        Field::Name => f.full_name.clone(),
        Field::BirthDate => f.birth_date.clone().unwrap_or_default(),
        Field::Sex => f.gender.clone(),
        Field::MaritalStatus => app
            .marital_status
            .map(|m| m.label().to_uppercase())
            .unwrap_or_default(),
        Field::Address => f.address.clone(),
        Field::RegionCode => f.region_code.clone(),
        Field::Phone => f.phone.trim_start_matches('+').to_owned(),
        // NPWPs are sealed at rest (start-up seals any kept in clear by older versions).
        Field::Npwp => personal::open(key, &f.npwp_sealed).unwrap_or_default(),
        Field::Education => f.education.clone(),
        Field::Kbli => app.kbli.clone(),
        Field::BusinessStart => f.business_since.map(today).unwrap_or_default(),
        Field::BusinessAddress => f.business_address.clone(),
        Field::Nib => f.nib.clone(),
        Field::Capital => app
            .business_capital
            .map(|c| c.to_string())
            .unwrap_or_default(),
        Field::Workers => app.workers.to_string(),
        Field::Amount => app.amount.to_string(),
        Field::Tenor => app.tenor_months.to_string(),
        Field::Partner => app.partner.clone(),
        Field::Program => app.program.clone(),
    }
}

// ---- The agency's view -------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
pub struct Overview {
    pub applications: Vec<Application>,
    pub by_state: Vec<(State, usize)>,
    pub by_partner: Vec<(String, usize)>,
    pub by_trade: Vec<(String, usize)>,
    pub by_kecamatan: Vec<(String, usize)>,
    /// Approved (with later stages) out of all decided by partners.
    pub approved: usize,
    pub decided: usize,
    pub amount_applied: i64,
    pub amount_approved: i64,
    pub amount_disbursed: i64,
    /// Median whole days spent in each stage, over applications that left it.
    pub median_days: Vec<(State, Option<i64>)>,
    pub outcomes: Vec<(Application, Outcome)>,
}

fn count_by(apps: &[Application], key: impl Fn(&Application) -> String) -> Vec<(String, usize)> {
    let mut m: BTreeMap<String, usize> = BTreeMap::new();
    for a in apps {
        *m.entry(key(a)).or_default() += 1;
    }
    let mut v: Vec<_> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

fn median(mut v: Vec<i64>) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    })
}

pub async fn overview(db: &Db, at: i64) -> AppResult<Overview> {
    let applications = store::applications(db, Scope::All).await?;
    let submitted: Vec<&Application> = applications
        .iter()
        .filter(|a| a.submitted_at.is_some())
        .collect();
    let by_state = State::ALL
        .into_iter()
        .map(|s| (s, applications.iter().filter(|a| a.state == s).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    let approved = applications
        .iter()
        .filter(|a| matches!(a.state, State::Approved | State::Disbursed | State::Closed))
        .count();
    let decided = approved
        + applications
            .iter()
            .filter(|a| a.state == State::Declined)
            .count();
    // Time in each stage: from entering it to leaving it, over the timelines.
    let events = store::all_events(db).await?;
    let mut spans: BTreeMap<State, Vec<i64>> = BTreeMap::new();
    let mut entered: BTreeMap<i64, (State, i64)> = BTreeMap::new();
    for (app, e) in &events {
        if e.from == Some(e.to) {
            continue;
        }
        if let Some((state, since)) = entered.get(app)
            && Some(*state) == e.from
        {
            spans
                .entry(*state)
                .or_default()
                .push((e.at - since) / 86_400);
        }
        entered.insert(*app, (e.to, e.at));
    }
    let median_days = State::STAGES
        .into_iter()
        .map(|s| (s, median(spans.remove(&s).unwrap_or_default())))
        .collect();
    let mut outcomes = Vec::new();
    for a in applications
        .iter()
        .filter(|a| matches!(a.state, State::Disbursed | State::Closed))
    {
        if let Some(o) = outcome(db, a, at).await? {
            outcomes.push((a.clone(), o));
        }
    }
    Ok(Overview {
        by_partner: count_by(&applications, |a| a.partner.clone()),
        by_trade: count_by(&applications, |a| {
            if a.trade.is_empty() {
                "—".into()
            } else {
                a.trade.clone()
            }
        }),
        by_kecamatan: count_by(&applications, |a| {
            if a.kecamatan.is_empty() {
                "—".into()
            } else {
                a.kecamatan.clone()
            }
        }),
        by_state,
        approved,
        decided,
        amount_applied: submitted.iter().map(|a| a.amount).sum(),
        amount_approved: applications.iter().filter_map(|a| a.approved_amount).sum(),
        amount_disbursed: applications.iter().filter_map(|a| a.disbursed_amount).sum(),
        median_days,
        outcomes,
        applications,
    })
}

/// Applications as one party lists them.
pub async fn list(db: &Db, scope: Scope) -> AppResult<Vec<Application>> {
    Ok(store::applications(db, scope).await?)
}

// ---- Files -------------------------------------------------------------------------------

/// The SIKP export as a table of text cells (audited as a full-NIK export by `sikp_export`).
pub async fn sikp_table(
    db: &Db,
    key: &Key,
    who: &Who<'_>,
    partner: Option<i64>,
) -> AppResult<crate::export::Table> {
    let (header, rows) = sikp_export(db, key, who, partner).await?;
    Ok(crate::export::Table {
        sheet: "Calon debitur KUR".into(),
        header,
        rows,
    })
}

/// The SIKP export as a file: XLSX, or CSV when `csv`. Returns the bytes, the content type and
/// the extension.
pub async fn sikp_file(
    db: &Db,
    key: &Key,
    who: &Who<'_>,
    partner: Option<i64>,
    csv: bool,
) -> AppResult<(Vec<u8>, &'static str, &'static str)> {
    let table = sikp_table(db, key, who, partner).await?;
    let bad = |e: crate::export::ExportError| AppError::Internal(e.to_string());
    Ok(if csv {
        (
            crate::export::to_csv(&table).map_err(bad)?,
            "text/csv; charset=utf-8",
            "csv",
        )
    } else {
        (
            crate::export::to_xlsx(&table).map_err(bad)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    })
}

/// The partner's queue as XLSX (no NIK: the NIK is revealed one applicant at a time, audited).
pub async fn partner_queue_xlsx(db: &Db, who: &Who<'_>, partner_id: i64) -> AppResult<Vec<u8>> {
    let apps = store::applications(db, Scope::Partner(partner_id)).await?;
    let table = crate::export::Table {
        sheet: "Rujukan".into(),
        header: [
            "No. pengajuan",
            "Pemohon",
            "Kejuruan",
            "Kecamatan",
            "Program",
            "Status",
            "Jumlah diajukan",
            "Tenor (bulan)",
            "Dirujuk",
            "Jumlah disetujui",
            "Dicairkan",
            "Tanggal cair",
            "Angsuran terakhir",
        ]
        .map(String::from)
        .to_vec(),
        rows: apps
            .iter()
            .map(|a| {
                vec![
                    a.id.to_string(),
                    a.applicant.clone(),
                    a.trade.clone(),
                    a.kecamatan.clone(),
                    a.program.clone(),
                    a.state.label().to_owned(),
                    a.amount.to_string(),
                    a.tenor_months.to_string(),
                    a.referred_at.map(today).unwrap_or_default(),
                    a.approved_amount.map(|v| v.to_string()).unwrap_or_default(),
                    a.disbursed_amount
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                    a.disbursed_on.clone().unwrap_or_default(),
                    a.repayment
                        .map(|r| r.label().to_owned())
                        .unwrap_or_default(),
                ]
            })
            .collect(),
    };
    audit::record(
        db,
        who.event(
            "capital.partner_queue_exported",
            "partner",
            partner_id,
            serde_json::json!({"rows": apps.len()}),
        ),
    )
    .await?;
    crate::export::to_xlsx(&table).map_err(|e| AppError::Internal(e.to_string()))
}

/// A frozen dossier as PDF, with its application, version and hash printed so a copy can be
/// checked against the stored one.
pub fn dossier_pdf(
    instance: &crate::config::Instance,
    row: &store::Dossier,
    d: &Dossier,
) -> AppResult<Vec<u8>> {
    let identifier = format!(
        "Dosier pengajuan #{} ({}) versi {} · SHA-256 {}",
        d.application_id, d.program, row.version, row.hash
    );
    crate::app::track_record::render_pdf(&d.record, instance, Some(&identifier))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_after_keeps_the_day_within_the_month() {
        assert_eq!(months_after("2026-01-31", 1).unwrap(), "2026-02-28");
        assert_eq!(months_after("2026-03-15", -12).unwrap(), "2025-03-15");
        assert_eq!(months_after("2026-11-10", 6).unwrap(), "2027-05-10");
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5, 1, 3]), Some(3));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2));
    }
}
