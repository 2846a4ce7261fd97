//! Capital pages: the public programs, the alumna's applications, the agency's pipeline,
//! programs and settings, and the partner's portal. One application page serves the three
//! parties; which party a viewer is, and what they may do, is the domain's answer carried by
//! `app::capital::Opened`.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::form::Posted;
use super::{AppState, Ctx, WebError, render};
use crate::app::capital::{
    self as capital, ApplicationPage as Loaded, ApprovalInput, Capital, DisbursementInput,
    RepaymentInput, SettingsInput,
};
use crate::app::{AppError, FormError};
use crate::db::capital::{Application, Program, Scope};
use crate::db::now;
use crate::db::orders::Reach;
use crate::domain::Refusal;
use crate::domain::capital::application::{
    Action, Party, Refusal as Why, Repayment, State as AppState_,
};
use crate::domain::capital::plan::{MaritalStatus, Purpose, RequestInput};
use crate::domain::capital::program::{DocumentKind, ProgramInput, ProgramKind};
use crate::domain::capital::sikp::Field as SikpField;
use crate::domain::policy::Role;
use crate::views::Choice;
use crate::views::capital::*;

/// Where a party reads applications: the links on its pages.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Portal {
    Own,
    Agency,
    Partner,
}

impl Portal {
    fn base(self, id: i64) -> String {
        match self {
            Portal::Own => format!("/akun/permodalan/{id}"),
            Portal::Agency => format!("/admin/permodalan/pengajuan/{id}"),
            Portal::Partner => format!("/mitra/pengajuan/{id}"),
        }
    }

    fn back(self) -> (&'static str, &'static str) {
        match self {
            Portal::Own => ("/akun/permodalan", "Permodalan saya"),
            Portal::Agency => ("/admin/permodalan", "Permodalan alumni"),
            Portal::Partner => ("/mitra/pengajuan", "Daftar rujukan"),
        }
    }
}

fn reach(state: &AppState) -> Reach {
    Reach::from_settings(&state.settings)
}

macro_rules! flow {
    ($state:expr, $reach:expr) => {
        Capital {
            db: &$state.db,
            key: &$state.secrets.data_key,
            reach: &$reach,
        }
    };
}

// ---- Program cards -----------------------------------------------------------------------

fn card(
    names: &capital::Names,
    p: Program,
    verdict: Option<&crate::domain::capital::eligibility::Verdict>,
    open: bool,
) -> ProgramCard {
    let tenor = if p.tenor_max == 0 {
        String::new()
    } else if p.tenor_min == p.tenor_max {
        format!("{} bulan", p.tenor_max)
    } else {
        format!("{}–{} bulan", p.tenor_min.max(1), p.tenor_max)
    };
    ProgramCard {
        id: p.id,
        rules: names.requirements(&p.rules),
        amounts: if p.min_amount == p.max_amount {
            rp(p.max_amount)
        } else {
            format!("{} – {}", rp(p.min_amount), rp(p.max_amount))
        },
        dates: format!(
            "{} s.d. {}",
            long_date(&p.opens_on),
            long_date(&p.closes_on)
        ),
        quota: p
            .quota
            .map(|q| format!("kuota {q} orang, sisa {}", (q - p.approved).max(0)))
            .unwrap_or_default(),
        documents: p.documents.iter().map(|d| d.label().to_owned()).collect(),
        kind: p.kind.label().to_owned(),
        name: p.name,
        partner: p.partner,
        terms: p.terms,
        tenor,
        description: p.description,
        open,
        kur: p.kur,
        verdict: verdict.map(VerdictView::from),
    }
}

fn alumnus_of(ctx: &Ctx) -> Option<i64> {
    ctx.user
        .as_ref()
        .filter(|u| u.role == Role::Alumni)
        .and_then(|u| u.links.alumnus_id)
}

// ---- Public ------------------------------------------------------------------------------

pub async fn programs(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let r = reach(&state);
    let views = flow!(state, r)
        .open_programs(alumnus_of(&ctx), now())
        .await?;
    let names = capital::names(&state.db).await?;
    let mut cards = Vec::new();
    for v in views {
        cards.push(card(&names, v.program, v.verdict.as_ref(), true));
    }
    Ok(render(&ProgramsPage {
        layout: ctx.layout("Permodalan"),
        programs: cards,
        is_alumnus: alumnus_of(&ctx).is_some(),
        signed_in: ctx.user.is_some(),
    })?
    .into_response())
}

pub async fn program(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let r = reach(&state);
    let v = flow!(state, r)
        .program_view(id, alumnus_of(&ctx), now())
        .await?;
    let names = capital::names(&state.db).await?;
    let open_application = v.open_application;
    let p = card(&names, v.program, v.verdict.as_ref(), v.open);
    Ok(render(&ProgramPage {
        layout: ctx.layout(p.name.clone()),
        p,
        is_alumnus: alumnus_of(&ctx).is_some(),
        signed_in: ctx.user.is_some(),
        open_application,
    })?
    .into_response())
}

// ---- The alumna --------------------------------------------------------------------------

fn row(a: &Application, portal: Portal, waiting: String) -> ApplicationRow {
    ApplicationRow {
        id: a.id,
        href: portal.base(a.id),
        applicant: a.applicant.clone(),
        program: a.program.clone(),
        partner: a.partner.clone(),
        amount: rp(a.amount),
        state: a.state.label().to_owned(),
        state_key: a.state.as_str(),
        updated: instant(a.updated_at),
        trade: a.trade.clone(),
        kecamatan: a.kecamatan.clone(),
        waiting,
    }
}

pub async fn mine(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let alumnus = alumnus_of(&ctx).ok_or(WebError::Forbidden)?;
    let apps = capital::list(&state.db, Scope::Alumnus(alumnus)).await?;
    let r = reach(&state);
    let views = flow!(state, r).open_programs(Some(alumnus), now()).await?;
    let names = capital::names(&state.db).await?;
    let (mut eligible, mut almost) = (Vec::new(), Vec::new());
    for v in views {
        let ok = v.verdict.as_ref().is_some_and(|x| x.eligible());
        let c = card(&names, v.program, v.verdict.as_ref(), true);
        if ok { eligible.push(c) } else { almost.push(c) }
    }
    Ok(render(&MinePage {
        layout: ctx.layout("Permodalan saya"),
        applications: apps
            .iter()
            .map(|a| row(a, Portal::Own, String::new()))
            .collect(),
        eligible,
        almost,
    })?
    .into_response())
}

#[derive(Deserialize, Default)]
pub struct ProgramQuery {
    #[serde(default)]
    program: String,
}

fn request_form(
    p: &Program,
    action: String,
    echo: Echo,
    version: Option<i64>,
    label: &str,
) -> RequestForm {
    let items = echo.values("item");
    let prices = echo.values("price");
    let mut plan_rows: Vec<(String, String)> = items
        .iter()
        .zip(prices.iter().chain(std::iter::repeat(&String::new())))
        .filter(|(i, p)| !i.trim().is_empty() || !p.trim().is_empty())
        .map(|(i, p)| (i.clone(), p.clone()))
        .collect();
    while plan_rows.len() < 5 {
        plan_rows.push((String::new(), String::new()));
    }
    RequestForm {
        action,
        echo,
        purposes: Purpose::ALL
            .iter()
            .map(|p| Choice {
                value: p.as_str().into(),
                label: p.label().into(),
            })
            .collect(),
        marital: MaritalStatus::ALL
            .iter()
            .map(|m| Choice {
                value: m.as_str().into(),
                label: m.label().into(),
            })
            .collect(),
        ranges: format!(
            "Program ini: {} sampai {}.",
            rp(p.min_amount),
            rp(p.max_amount)
        ),
        has_tenor: p.tenor_max > 0,
        tenor_hint: format!("{} sampai {} bulan.", p.tenor_min.max(1), p.tenor_max),
        plan_rows,
        submit_label: label.to_owned(),
        version,
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ProgramQuery>,
) -> Result<Response, WebError> {
    new_page(
        &state,
        &ctx,
        &q.program,
        Echo::new(vec![("workers".into(), "1".into())], vec![]),
        StatusCode::OK,
    )
    .await
}

async fn new_page(
    state: &AppState,
    ctx: &Ctx,
    program: &str,
    echo: Echo,
    status: StatusCode,
) -> Result<Response, WebError> {
    let id: i64 = program.trim().parse().map_err(|_| WebError::NotFound)?;
    let p = crate::db::capital::program(&state.db, id).await?;
    let form = request_form(
        &p,
        format!("/akun/permodalan/baru?program={id}"),
        echo,
        None,
        "Simpan draf",
    );
    let names = capital::names(&state.db).await?;
    let card = card(&names, p, None, true);
    Ok((
        status,
        render(&NewApplicationPage {
            layout: ctx.layout(format!("Ajukan: {}", card.name)),
            program: card,
            form,
        })?,
    )
        .into_response())
}

fn request_input(posted: &Posted) -> (Vec<String>, Vec<String>) {
    (posted.all("item"), posted.all("price"))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ProgramQuery>,
    posted: Posted,
) -> Result<Response, WebError> {
    let user = ctx.user()?;
    let who = ctx.who()?;
    let (items, prices) = request_input(&posted);
    let input = RequestInput {
        purpose: posted.get("purpose"),
        amount: posted.get("amount"),
        tenor: posted.get("tenor"),
        items: &items,
        prices: &prices,
        marital_status: posted.get("marital_status"),
        business_capital: posted.get("business_capital"),
        workers: posted.get("workers"),
        kbli: posted.get("kbli"),
    };
    let program: i64 = q.program.trim().parse().map_err(|_| WebError::NotFound)?;
    let r = reach(&state);
    match flow!(state, r)
        .start(&user.actor(), &who, program, &input, now())
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/akun/permodalan/{id}?ok=draf")).into_response()),
        Err(FormError::Fields(errors)) => {
            new_page(
                &state,
                &ctx,
                &q.program,
                Echo::new(posted.0.clone(), errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
}

// ---- The application page, for every party -----------------------------------------------

/// What went wrong on the page, to show it again with the user's input.
#[derive(Default)]
struct Trouble {
    alert: Option<String>,
    reason: Echo,
    edit: Option<Echo>,
    approve: Option<Echo>,
    disburse: Option<Echo>,
    repayment: Option<Echo>,
    upload: Option<String>,
    nik: Option<String>,
}

fn notice_for(ok: &str) -> Option<String> {
    Some(
        match ok {
            "draf" => "Draf disimpan. Unggah dokumen lalu kirim pengajuan.",
            "ubah" => "Perubahan disimpan.",
            "dokumen" => "Dokumen diunggah dan disimpan terkunci.",
            "ajukan" => "Pengajuan dikirim. Dosier rekam jejak Anda sudah dibekukan; Disnakertrans diberi tahu.",
            "setujui-berbagi" => "Terima kasih. Mitra sudah diberi tahu dan dapat memeriksa pengajuan Anda.",
            "cabut-persetujuan" => "Persetujuan dicabut. Mitra tidak dapat lagi membuka pengajuan ini.",
            "perbarui-dosier" => "Dosier versi baru dibekukan. Versi lama tetap tersimpan.",
            "tarik" => "Pengajuan ditarik.",
            "setujui" => "Persetujuan dicatat; pemohon dan Disnakertrans diberi tahu.",
            "cairkan" => "Pencairan dicatat.",
            "lapor-angsuran" => "Laporan angsuran dicatat.",
            "" => return None,
            _ => "Langkah dicatat; pihak berikutnya diberi tahu.",
        }
        .to_owned(),
    )
}

#[derive(Deserialize, Default)]
pub struct OkQuery {
    #[serde(default)]
    ok: String,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    portal: Portal,
    id: i64,
    trouble: Trouble,
    notice: Option<String>,
) -> Result<ApplicationPage, WebError> {
    let user = ctx.user()?;
    let who = ctx.who()?;
    let r = reach(state);
    let loaded: Loaded = flow!(state, r).page(&user.actor(), &who, id, now()).await?;
    let Loaded {
        opened,
        program,
        documents,
        dossiers,
        shown,
        events,
        consents,
        repayments,
        outcome,
        verdict,
    } = loaded;
    let app = &opened.app;
    let party = opened.party;
    // A party reaching an application through another party's pages is sent nowhere.
    let expected = match portal {
        Portal::Own => Party::Alumnus,
        Portal::Agency => Party::Agency,
        Portal::Partner => Party::Partner,
    };
    if party != expected {
        return Err(WebError::NotFound);
    }
    let base = portal.base(id);
    let (back_href, back_label) = portal.back();
    let mut summary = vec![
        Fact {
            label: "Pemohon".into(),
            value: format!(
                "{}{}",
                app.applicant,
                if app.trade.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", app.trade)
                }
            ),
        },
        Fact {
            label: "Program".into(),
            value: format!("{} ({})", app.program, app.partner),
        },
        Fact {
            label: "Tujuan".into(),
            value: app.purpose.label().into(),
        },
        Fact {
            label: "Jumlah diajukan".into(),
            value: rp(app.amount),
        },
    ];
    if app.tenor_months > 0 {
        summary.push(Fact {
            label: "Jangka waktu".into(),
            value: format!("{} bulan", app.tenor_months),
        });
    }
    if !app.kecamatan.is_empty() {
        summary.push(Fact {
            label: "Kecamatan".into(),
            value: app.kecamatan.clone(),
        });
    }
    if let Some(s) = app.submitted_at {
        summary.push(Fact {
            label: "Diajukan".into(),
            value: instant(s),
        });
    }
    let mut decision = Vec::new();
    if let Some(a) = app.approved_amount {
        decision.push(Fact {
            label: "Disetujui".into(),
            value: rp(a),
        });
        if let Some(t) = app.approved_tenor.filter(|t| *t > 0) {
            decision.push(Fact {
                label: "Tenor".into(),
                value: format!("{t} bulan"),
            });
        }
        if !app.approved_rate.is_empty() {
            decision.push(Fact {
                label: "Bunga/margin".into(),
                value: app.approved_rate.clone(),
            });
        }
    }
    if let (Some(on), Some(amount)) = (&app.disbursed_on, app.disbursed_amount) {
        decision.push(Fact {
            label: "Dicairkan".into(),
            value: format!("{} pada {}", rp(amount), long_date(on)),
        });
    }
    if let Some(rep) = app.repayment {
        decision.push(Fact {
            label: "Angsuran terakhir".into(),
            value: rep.label().into(),
        });
    }
    // The buttons: steps without their own form.
    let with_form = [
        Action::Edit,
        Action::Consent,
        Action::RevokeConsent,
        Action::Approve,
        Action::Disburse,
        Action::ReportRepayment,
        Action::CloseRepayment,
        Action::Expire,
    ];
    let actions: Vec<ActionButton> = opened
        .allowed
        .actions()
        .into_iter()
        .filter(|a| !with_form.contains(a))
        .map(|a| ActionButton {
            slug: a.slug(),
            label: a.label(),
            needs_reason: a.needs_reason(),
            danger: matches!(a, Action::Reject | Action::Decline | Action::Withdraw),
            confirm: a == Action::Withdraw,
        })
        .collect();
    let may = |a: Action| opened.allowed.may(a).is_ok();
    let edit = (party == Party::Alumnus && may(Action::Edit)).then(|| {
        let echo = trouble.edit.clone().unwrap_or_else(|| {
            let mut pairs = vec![
                ("purpose".to_owned(), app.purpose.as_str().to_owned()),
                ("amount".into(), app.amount.to_string()),
                ("tenor".into(), app.tenor_months.to_string()),
                (
                    "marital_status".into(),
                    app.marital_status
                        .map(|m| m.as_str().to_owned())
                        .unwrap_or_default(),
                ),
                (
                    "business_capital".into(),
                    app.business_capital
                        .map(|c| c.to_string())
                        .unwrap_or_default(),
                ),
                ("workers".into(), app.workers.to_string()),
                ("kbli".into(), app.kbli.clone()),
            ];
            for i in &app.plan {
                pairs.push(("item".into(), i.item.clone()));
                pairs.push(("price".into(), i.price.to_string()));
            }
            Echo::new(pairs, vec![])
        });
        request_form(
            &program,
            format!("{base}/ubah"),
            echo,
            Some(app.version),
            "Simpan perubahan",
        )
    });
    let have: Vec<DocumentKind> = documents.iter().map(|d| d.kind).collect();
    let missing = program
        .documents
        .iter()
        .filter(|k| !have.contains(k))
        .map(|k| k.label().to_owned())
        .collect();
    let docs = documents
        .iter()
        .map(|d| DocumentRow {
            kind: d.kind.as_str().into(),
            label: d.kind.label().into(),
            file_name: d.file_name.clone(),
            size: format!("{} KB", (d.size + 1023) / 1024),
            uploaded: instant(d.uploaded_at),
            href: format!("{base}/dokumen/{}", d.kind.as_str()),
            required: program.documents.contains(&d.kind),
            carries_nik: d.kind.carries_nik(),
        })
        .collect();
    let mut upload_kinds: Vec<DocumentKind> = program.documents.clone();
    for k in DocumentKind::ALL {
        if !upload_kinds.contains(&k) {
            upload_kinds.push(k);
        }
    }
    let consent = (party == Party::Alumnus && app.state == AppState_::Referred).then(|| {
        let latest = dossiers.first();
        ConsentView {
            partner: app.partner.clone(),
            version: latest.map(|d| d.version).unwrap_or_default(),
            hash: latest.map(|d| d.hash.clone()).unwrap_or_default(),
            shares: vec![
                format!("Dosier rekam jejak versi {} (pelatihan, usaha, pesanan, pendapatan, ulasan), seperti tampil di bawah", latest.map(|d| d.version).unwrap_or_default()),
                "Pengajuan Anda: tujuan, jumlah, jangka waktu, rencana penggunaan dana".into(),
                format!("Dokumen yang Anda unggah: {}", if documents.is_empty() { "tidak ada".to_owned() } else { documents.iter().map(|d| d.kind.label()).collect::<Vec<_>>().join(", ") }),
                "NIK, nama, tanggal lahir, alamat dan nomor HP Anda, untuk pemeriksaan kredit (SLIK) dan pendaftaran di SIKP".into(),
            ],
            live: app.consent_live(),
            may_give: may(Action::Consent),
            may_revoke: may(Action::RevokeConsent),
        }
    });
    let dossier = shown.map(|(row, d)| DossierView {
        version: row.version,
        frozen: instant(row.created_at),
        hash: row.hash.clone(),
        pdf_href: format!("{base}/dosier.pdf"),
        versions: dossiers
            .iter()
            .map(|x| {
                (
                    x.version,
                    instant(x.created_at),
                    x.hash[..16.min(x.hash.len())].to_owned(),
                )
            })
            .collect(),
        // The agency's copy links each figure to the records behind it (as they are now).
        record: crate::views::track_record::RecordView::new(
            &d.record,
            (portal == Portal::Agency)
                .then(|| format!("/admin/alumni/{}/rekam-jejak", app.alumnus_id))
                .as_deref(),
        ),
        documents: d.documents.clone(),
    });
    let statuses = Repayment::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str().into(),
            label: s.label().into(),
        })
        .collect();
    let approve = (party == Party::Partner && may(Action::Approve)).then(|| {
        trouble.approve.clone().unwrap_or_else(|| {
            Echo::new(
                vec![
                    ("amount".into(), app.amount.to_string()),
                    ("tenor".into(), app.tenor_months.to_string()),
                    ("rate".into(), program.terms.clone()),
                ],
                vec![],
            )
        })
    });
    let disburse = (party == Party::Partner && may(Action::Disburse)).then(|| {
        trouble.disburse.clone().unwrap_or_else(|| {
            Echo::new(
                vec![
                    (
                        "amount".into(),
                        app.approved_amount.unwrap_or(app.amount).to_string(),
                    ),
                    (
                        "date".into(),
                        crate::domain::dates::to_iso(crate::domain::dates::today_wib()),
                    ),
                ],
                vec![],
            )
        })
    });
    let repayment = (party == Party::Partner
        && (may(Action::ReportRepayment) || may(Action::CloseRepayment))
        && program.kind.repaid())
    .then(|| {
        trouble.repayment.clone().unwrap_or_else(|| {
            Echo::new(
                vec![
                    (
                        "period".into(),
                        crate::domain::dates::to_iso(crate::domain::dates::today_wib())[..7]
                            .to_owned(),
                    ),
                    ("status".into(), "on_track".into()),
                ],
                vec![],
            )
        })
    });
    let who_label = |p: Party| p.label();
    Ok(ApplicationPage {
        layout: ctx.layout(format!("Pengajuan #{id}")),
        base: base.clone(),
        back_href: back_href.into(),
        back_label: back_label.into(),
        id,
        version: app.version,
        state: app.state.label().into(),
        state_key: app.state.as_str(),
        viewer: party.label(),
        is_alumnus: party == Party::Alumnus,
        is_agency: party == Party::Agency,
        is_partner: party == Party::Partner,
        alert: trouble.alert,
        notice,
        summary,
        plan: app
            .plan
            .iter()
            .map(|i| (i.item.clone(), rp(i.price)))
            .collect(),
        plan_total: rp(crate::domain::capital::plan::total(&app.plan)),
        reason: if matches!(
            app.state,
            AppState_::Returned | AppState_::Rejected | AppState_::Declined
        ) {
            app.reason.clone()
        } else {
            String::new()
        },
        decision,
        actions,
        reason_echo: trouble.reason,
        edit,
        documents: docs,
        missing,
        upload_kinds: upload_kinds
            .iter()
            .map(|k| Choice {
                value: k.as_str().into(),
                label: k.label().into(),
            })
            .collect(),
        can_upload: party == Party::Alumnus && may(Action::Edit),
        upload_error: trouble.upload,
        verdict: verdict.as_ref().map(VerdictView::from),
        consent,
        dossier,
        can_reveal_nik: party == Party::Agency || (party == Party::Partner && app.consent_live()),
        nik: trouble.nik,
        approve,
        disburse,
        repayment,
        repayment_statuses: statuses,
        decide_below: party == Party::Partner && (may(Action::Approve) || may(Action::Disburse)),
        approve_hint: format!("Paling banyak {} (yang diajukan).", rp(app.amount)),
        events: events
            .iter()
            .map(|e| EventRow {
                at: instant(e.at),
                who: who_label(e.party).into(),
                what: match (Action::from_slug(&e.action), e.from) {
                    (_, None) => "Draf dibuat".into(),
                    // A document upload is recorded as an edit naming the document.
                    (Some(Action::Edit), _) if !e.note.is_empty() => "Dokumen diunggah".into(),
                    (Some(a), Some(f)) if f != e.to => format!("{} → {}", a.label(), e.to.label()),
                    (Some(a), _) => a.label().into(),
                    (None, _) => e.action.clone(),
                },
                note: e.note.clone(),
            })
            .collect(),
        consents: consents
            .iter()
            .map(|c| Fact {
                label: format!("{} (dosier versi {})", c.partner, c.dossier_version),
                value: match c.revoked_at {
                    Some(r) => format!(
                        "disetujui {}, dicabut {}",
                        instant(c.granted_at),
                        instant(r)
                    ),
                    None => format!("disetujui {}", instant(c.granted_at)),
                },
            })
            .collect(),
        repayments: repayments
            .iter()
            .map(|x| Fact {
                label: x.period.clone(),
                value: if x.note.is_empty() {
                    x.status.label().into()
                } else {
                    format!("{} — {}", x.status.label(), x.note)
                },
            })
            .collect(),
        outcome: outcome
            .map(|o| {
                let show = |v: Option<i64>| v.map(rp).unwrap_or_else(|| "— (belum lewat)".into());
                vec![
                    Fact {
                        label: "12 bulan sebelum pencairan".into(),
                        value: rp(o.before_12),
                    },
                    Fact {
                        label: "6 bulan sesudah".into(),
                        value: show(o.after_6),
                    },
                    Fact {
                        label: "12 bulan sesudah".into(),
                        value: show(o.after_12),
                    },
                ]
            })
            .unwrap_or_default(),
    })
}

async fn show(
    state: &AppState,
    ctx: &Ctx,
    portal: Portal,
    id: i64,
    ok: &str,
) -> Result<Response, WebError> {
    let p = page(state, ctx, portal, id, Trouble::default(), notice_for(ok)).await?;
    Ok(render(&p)?.into_response())
}

pub async fn show_own(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<OkQuery>,
) -> Result<Response, WebError> {
    show(&state, &ctx, Portal::Own, id, &q.ok).await
}

pub async fn show_agency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<OkQuery>,
) -> Result<Response, WebError> {
    show(&state, &ctx, Portal::Agency, id, &q.ok).await
}

pub async fn show_partner(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<OkQuery>,
) -> Result<Response, WebError> {
    show(&state, &ctx, Portal::Partner, id, &q.ok).await
}

/// The page again, with what went wrong.
async fn again(
    state: &AppState,
    ctx: &Ctx,
    portal: Portal,
    id: i64,
    status: StatusCode,
    trouble: Trouble,
) -> Result<Response, WebError> {
    let p = page(state, ctx, portal, id, trouble, None).await?;
    Ok((status, render(&p)?).into_response())
}

/// A refusal, a stale page or a form's messages become the page again with the message.
async fn outcome(
    state: &AppState,
    ctx: &Ctx,
    portal: Portal,
    id: i64,
    slug: &str,
    result: Result<(), FormError>,
    posted: &Posted,
) -> Result<Response, WebError> {
    let trouble = match result {
        Ok(()) => return Ok(Redirect::to(&format!("{}?ok={slug}", portal.base(id))).into_response()),
        Err(FormError::App(AppError::Refused(Refusal::Capital(Why::ReasonRequired)))) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Trouble { reason: reason_echo(slug, posted, Some(Why::ReasonRequired.to_string())), ..Trouble::default() },
        ),
        Err(FormError::App(AppError::Refused(r))) => (StatusCode::CONFLICT, Trouble { alert: Some(r.to_string()), reason: reason_echo(slug, posted, None), ..Trouble::default() }),
        Err(FormError::App(AppError::Stale)) => (StatusCode::CONFLICT, Trouble { alert: Some("Pengajuan ini baru saja diubah pihak lain. Halaman sudah dimuat ulang; periksa lalu ulangi.".into()), ..Trouble::default() }),
        Err(FormError::App(e)) => return Err(e.into()),
        Err(FormError::Fields(errors)) => {
            let echo = Echo::new(posted.0.clone(), errors);
            let mut t = Trouble::default();
            match slug {
                "ubah" => t.edit = Some(echo),
                "setujui" => t.approve = Some(echo),
                "cairkan" => t.disburse = Some(echo),
                "lapor-angsuran" => t.repayment = Some(echo),
                _ => t.reason = echo,
            }
            (StatusCode::UNPROCESSABLE_ENTITY, t)
        }
    };
    again(state, ctx, portal, id, trouble.0, trouble.1).await
}

fn reason_echo(slug: &str, posted: &Posted, error: Option<String>) -> Echo {
    let mut pairs = posted.0.clone();
    pairs.push(("aksi".into(), slug.to_owned()));
    Echo::new(
        pairs,
        error.map(|e| vec![("reason", e)]).unwrap_or_default(),
    )
}

async fn act(
    state: &AppState,
    ctx: &Ctx,
    portal: Portal,
    id: i64,
    slug: &str,
    posted: Posted,
) -> Result<Response, WebError> {
    let user = ctx.user()?;
    let who = ctx.who()?;
    let actor = user.actor();
    let r = reach(state);
    let flow = flow!(state, r);
    let Some(action) = Action::from_slug(slug) else {
        return Err(WebError::NotFound);
    };
    let opened = flow.open(&actor, id).await?;
    // A form from a page showing an older version acts on what the user saw.
    let sent = posted.get("versi");
    if !sent.is_empty() && sent != opened.app.version.to_string() {
        return outcome(
            state,
            ctx,
            portal,
            id,
            slug,
            Err(FormError::App(AppError::Stale)),
            &posted,
        )
        .await;
    }
    let at = now();
    let result: Result<(), FormError> = match action {
        Action::Edit => {
            let (items, prices) = request_input(&posted);
            let input = RequestInput {
                purpose: posted.get("purpose"),
                amount: posted.get("amount"),
                tenor: posted.get("tenor"),
                items: &items,
                prices: &prices,
                marital_status: posted.get("marital_status"),
                business_capital: posted.get("business_capital"),
                workers: posted.get("workers"),
                kbli: posted.get("kbli"),
            };
            flow.edit(&opened, &who, &input, at).await
        }
        Action::Submit => flow.submit(&opened, &who, at).await.map_err(Into::into),
        Action::Refresh => flow.refresh(&opened, &who, at).await.map_err(Into::into),
        Action::Consent => flow.consent(&opened, &who, at).await.map_err(Into::into),
        Action::RevokeConsent => flow
            .revoke_consent(&opened, &who, at)
            .await
            .map_err(Into::into),
        Action::Approve => {
            flow.approve(
                &opened,
                &who,
                &ApprovalInput {
                    amount: posted.get("amount"),
                    tenor: posted.get("tenor"),
                    rate: posted.get("rate"),
                },
                at,
            )
            .await
        }
        Action::Disburse => {
            flow.disburse(
                &opened,
                &who,
                &DisbursementInput {
                    date: posted.get("date"),
                    amount: posted.get("amount"),
                },
                at,
            )
            .await
        }
        Action::ReportRepayment | Action::CloseRepayment => {
            flow.report_repayment(
                &opened,
                &who,
                &RepaymentInput {
                    period: posted.get("period"),
                    status: posted.get("status"),
                    note: posted.get("note"),
                },
                at,
            )
            .await
        }
        Action::Expire => return Err(WebError::NotFound),
        _ => flow
            .step(&opened, &who, action, posted.get("reason"), at)
            .await
            .map(|_| ())
            .map_err(Into::into),
    };
    outcome(state, ctx, portal, id, slug, result, &posted).await
}

pub async fn act_own(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, aksi)): Path<(i64, String)>,
    posted: Posted,
) -> Result<Response, WebError> {
    act(&state, &ctx, Portal::Own, id, &aksi, posted).await
}

pub async fn act_agency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, aksi)): Path<(i64, String)>,
    posted: Posted,
) -> Result<Response, WebError> {
    act(&state, &ctx, Portal::Agency, id, &aksi, posted).await
}

pub async fn act_partner(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, aksi)): Path<(i64, String)>,
    posted: Posted,
) -> Result<Response, WebError> {
    act(&state, &ctx, Portal::Partner, id, &aksi, posted).await
}

#[derive(Deserialize, Default)]
pub struct UploadQuery {
    #[serde(default)]
    versi: String,
}

/// The upload's body limit: the document limit plus the multipart envelope.
pub const UPLOAD_BODY_LIMIT: usize = capital::MAX_DOCUMENT_BYTES + 64 * 1024;

/// The upload form's parts: the kind chosen, the file's name and its bytes; or the status and
/// the words for a body that was too large or broken.
async fn read_upload(
    multipart: &mut Multipart,
) -> Result<(String, String, Vec<u8>), (StatusCode, &'static str)> {
    let refused = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Berkas terlalu besar: paling besar 5 MB.",
            )
        } else {
            (
                StatusCode::BAD_REQUEST,
                "Unggahan terputus atau rusak; coba lagi.",
            )
        }
    };
    let (mut kind, mut name, mut bytes) = (String::new(), String::new(), Vec::new());
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        match field.name() {
            Some("kind") => kind = field.text().await.map_err(refused)?,
            Some("file") => {
                name = field.file_name().unwrap_or("").to_owned();
                bytes = field.bytes().await.map_err(refused)?.to_vec();
            }
            _ => {}
        }
    }
    Ok((kind, name, bytes))
}

pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<UploadQuery>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let user = ctx.user()?;
    let who = ctx.who()?;
    let r = reach(&state);
    let flow = flow!(state, r);
    let opened = flow.open(&user.actor(), id).await?;
    let refuse = |status: StatusCode, message: String| {
        let trouble = Trouble {
            alert: (status == StatusCode::CONFLICT).then(|| message.clone()),
            upload: Some(message),
            ..Trouble::default()
        };
        again(&state, &ctx, Portal::Own, id, status, trouble)
    };
    let stale = "Pengajuan ini baru saja diubah. Periksa lalu unggah lagi.".to_owned();
    if !q.versi.is_empty() && q.versi != opened.app.version.to_string() {
        return refuse(StatusCode::CONFLICT, stale).await;
    }
    let (kind, name, bytes) = match read_upload(&mut multipart).await {
        Ok(parts) => parts,
        Err((status, message)) => return refuse(status, message.to_owned()).await,
    };
    let Some(kind) = DocumentKind::parse(&kind) else {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Pilih jenis dokumen.".into(),
        )
        .await;
    };
    match flow.upload(&opened, &who, kind, &name, &bytes, now()).await {
        Ok(()) => Ok(Redirect::to(&format!("/akun/permodalan/{id}?ok=dokumen")).into_response()),
        Err(FormError::Fields(errors)) => {
            let words = errors
                .into_iter()
                .map(|(_, m)| m)
                .collect::<Vec<_>>()
                .join(" ");
            refuse(StatusCode::UNPROCESSABLE_ENTITY, words).await
        }
        Err(FormError::App(AppError::Refused(r))) => {
            refuse(StatusCode::CONFLICT, r.to_string()).await
        }
        Err(FormError::App(AppError::Stale)) => refuse(StatusCode::CONFLICT, stale).await,
        Err(FormError::App(e)) => Err(e.into()),
    }
}

async fn document(state: &AppState, ctx: &Ctx, id: i64, kind: &str) -> Result<Response, WebError> {
    let user = ctx.user()?;
    let who = ctx.who()?;
    let kind = DocumentKind::parse(kind).ok_or(WebError::NotFound)?;
    let r = reach(state);
    let (doc, bytes) = flow!(state, r)
        .document(&user.actor(), &who, id, kind)
        .await?;
    let ascii: String = doc
        .file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, doc.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "inline; filename=\"{}\"",
                    if ascii.is_empty() {
                        kind.as_str().to_owned()
                    } else {
                        ascii
                    }
                ),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub async fn document_any(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, kind)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    document(&state, &ctx, id, &kind).await
}

pub async fn dossier_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let user = ctx.user()?;
    let who = ctx.who()?;
    let r = reach(&state);
    let (row, d, _) = flow!(state, r)
        .dossier_for_download(&user.actor(), &who, id, now())
        .await?;
    let bytes = capital::dossier_pdf(&state.settings.instance, &row, &d)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"dosier-{id}-v{}.pdf\"", row.version),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

pub async fn reveal_nik(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let user = ctx.user()?;
    let who = ctx.who()?;
    let r = reach(&state);
    let nik = flow!(state, r).reveal_nik(&user.actor(), &who, id).await?;
    let portal = if user.role == Role::Admin {
        Portal::Agency
    } else {
        Portal::Partner
    };
    again(
        &state,
        &ctx,
        portal,
        id,
        StatusCode::OK,
        Trouble {
            nik: Some(nik),
            ..Trouble::default()
        },
    )
    .await
}

// ---- The agency --------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct StatusQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    mitra: String,
    #[serde(default)]
    kejuruan: String,
    #[serde(default)]
    kecamatan: String,
}

pub async fn admin(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<StatusQuery>,
) -> Result<Response, WebError> {
    let o = capital::overview(&state.db, now()).await?;
    let filter = AppState_::parse(&q.status);
    // Each count links to the list it counts.
    let count = |key: &str, v: &[(String, usize)]| {
        v.iter()
            .map(|(l, n)| Count {
                label: l.clone(),
                n: *n,
                href: format!(
                    "/admin/permodalan?{key}={}#daftar",
                    percent_encoding::utf8_percent_encode(l, percent_encoding::NON_ALPHANUMERIC)
                ),
            })
            .collect()
    };
    let partners = crate::db::directory::partners(&state.db)
        .await?
        .into_iter()
        .filter(|p| p.kind == "bank")
        .map(|p| Choice {
            value: p.id.to_string(),
            label: p.name,
        })
        .collect();
    Ok(render(&AdminPage {
        layout: ctx.layout("Permodalan alumni"),
        by_state: o
            .by_state
            .iter()
            .map(|(s, n)| Count {
                label: s.label().into(),
                n: *n,
                href: format!("/admin/permodalan?status={}#daftar", s.as_str()),
            })
            .collect(),
        by_partner: count("mitra", &o.by_partner),
        by_trade: count("kejuruan", &o.by_trade),
        by_kecamatan: count("kecamatan", &o.by_kecamatan),
        approval_rate: (o.approved * 100)
            .checked_div(o.decided)
            .map(|rate| format!("{rate}% ({} dari {} keputusan)", o.approved, o.decided))
            .unwrap_or_else(|| "—".into()),
        amounts: vec![
            Fact {
                label: "Diajukan".into(),
                value: rp(o.amount_applied),
            },
            Fact {
                label: "Disetujui".into(),
                value: rp(o.amount_approved),
            },
            Fact {
                label: "Dicairkan".into(),
                value: rp(o.amount_disbursed),
            },
        ],
        medians: o
            .median_days
            .iter()
            .map(|(s, d)| Fact {
                label: s.label().into(),
                value: d.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            })
            .collect(),
        outcomes: o
            .outcomes
            .iter()
            .map(|(a, x)| OutcomeRow {
                href: Portal::Agency.base(a.id),
                applicant: a.applicant.clone(),
                program: a.program.clone(),
                disbursed: a.disbursed_on.as_deref().map(long_date).unwrap_or_default(),
                before: rp(x.before_12),
                after_6: x.after_6.map(rp).unwrap_or_else(|| "—".into()),
                after_12: x.after_12.map(rp).unwrap_or_else(|| "—".into()),
            })
            .collect(),
        filter: [
            filter.map(|s| s.label().to_owned()).unwrap_or_default(),
            q.mitra.clone(),
            q.kejuruan.clone(),
            q.kecamatan.clone(),
        ]
        .into_iter()
        .filter(|f| !f.is_empty())
        .collect::<Vec<_>>()
        .join(", "),
        applications: o
            .applications
            .iter()
            .filter(|a| filter.is_none_or(|s| a.state == s))
            .filter(|a| q.mitra.is_empty() || a.partner == q.mitra)
            .filter(|a| {
                q.kejuruan.is_empty()
                    || a.trade == q.kejuruan
                    || (a.trade.is_empty() && q.kejuruan == "—")
            })
            .filter(|a| {
                q.kecamatan.is_empty()
                    || a.kecamatan == q.kecamatan
                    || (a.kecamatan.is_empty() && q.kecamatan == "—")
            })
            .map(|a| row(a, Portal::Agency, String::new()))
            .collect(),
        partners,
    })?
    .into_response())
}

pub async fn admin_programs(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let names = capital::names(&state.db).await?;
    let today = crate::domain::dates::to_iso(crate::domain::dates::today_wib());
    let mut cards = Vec::new();
    for p in crate::db::capital::programs(&state.db).await? {
        let open = crate::domain::capital::program::is_open(&p.opens_on, &p.closes_on, &today);
        cards.push(card(&names, p, None, open));
    }
    Ok(render(&AdminProgramsPage {
        layout: ctx.layout("Program permodalan"),
        programs: cards,
    })?
    .into_response())
}

async fn program_form(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    version: i64,
    echo: Echo,
    status: StatusCode,
) -> Result<Response, WebError> {
    let choices = capital::program_choices(&state.db).await?;
    Ok((
        status,
        render(&ProgramFormPage {
            layout: ctx.layout(if id.is_some() {
                "Ubah program"
            } else {
                "Program baru"
            }),
            id,
            version,
            echo,
            partners: choices
                .partners
                .iter()
                .map(|p| Choice {
                    value: p.id.to_string(),
                    label: p.name.clone(),
                })
                .collect(),
            kinds: ProgramKind::ALL
                .iter()
                .map(|k| Choice {
                    value: k.as_str().into(),
                    label: k.label().into(),
                })
                .collect(),
            documents: DocumentKind::ALL
                .iter()
                .map(|k| Choice {
                    value: k.as_str().into(),
                    label: k.label().into(),
                })
                .collect(),
            trades: choices
                .trades
                .iter()
                .map(|(id, n)| Choice {
                    value: id.to_string(),
                    label: n.clone(),
                })
                .collect(),
            kecamatan: choices
                .kecamatan
                .iter()
                .map(|(c, n)| Choice {
                    value: c.clone(),
                    label: n.clone(),
                })
                .collect(),
        })?,
    )
        .into_response())
}

pub async fn program_new(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let today = crate::domain::dates::to_iso(crate::domain::dates::today_wib());
    program_form(
        &state,
        &ctx,
        None,
        0,
        Echo::new(
            vec![
                ("opens_on".into(), today),
                ("one_at_a_time".into(), "1".into()),
            ],
            vec![],
        ),
        StatusCode::OK,
    )
    .await
}

pub async fn program_edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let p = crate::db::capital::program(&state.db, id).await?;
    let opt = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
    let r = &p.rules;
    let mut pairs: Vec<(String, String)> = vec![
        ("partner_id".into(), p.partner_id.to_string()),
        ("name".into(), p.name.clone()),
        ("kind".into(), p.kind.as_str().into()),
        ("description".into(), p.description.clone()),
        ("min_amount".into(), p.min_amount.to_string()),
        ("max_amount".into(), p.max_amount.to_string()),
        ("terms".into(), p.terms.clone()),
        ("tenor_min".into(), p.tenor_min.to_string()),
        ("tenor_max".into(), p.tenor_max.to_string()),
        ("opens_on".into(), p.opens_on.clone()),
        ("closes_on".into(), p.closes_on.clone()),
        (
            "quota".into(),
            p.quota.map(|q| q.to_string()).unwrap_or_default(),
        ),
        ("min_months_active".into(), opt(r.min_months_active)),
        ("min_orders_total".into(), opt(r.min_orders_total)),
        ("min_orders_public".into(), opt(r.min_orders_public)),
        ("min_orders_office".into(), opt(r.min_orders_office)),
        (
            "min_revenue".into(),
            r.min_revenue.map(|v| v.to_string()).unwrap_or_default(),
        ),
        ("revenue_months".into(), opt(r.revenue_months)),
        ("min_age".into(), opt(r.min_age)),
        ("max_age".into(), opt(r.max_age)),
    ];
    for (flag, on) in [
        ("kur", p.kur),
        ("nib_required", r.nib_required),
        ("certificate_required", r.certificate_required),
        ("one_at_a_time", r.one_at_a_time),
    ] {
        if on {
            pairs.push((flag.into(), "1".into()));
        }
    }
    pairs.extend(
        p.documents
            .iter()
            .map(|d| ("documents".to_owned(), d.as_str().to_owned())),
    );
    pairs.extend(
        r.trades
            .iter()
            .map(|t| ("trades".to_owned(), t.to_string())),
    );
    pairs.extend(
        r.kecamatan
            .iter()
            .map(|k| ("kecamatan".to_owned(), k.clone())),
    );
    program_form(
        &state,
        &ctx,
        Some(id),
        p.version,
        Echo::new(pairs, vec![]),
        StatusCode::OK,
    )
    .await
}

async fn save_program(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    posted: Posted,
) -> Result<Response, WebError> {
    let who = ctx.who()?;
    let (documents, trades, kecamatan) = (
        posted.all("documents"),
        posted.all("trades"),
        posted.all("kecamatan"),
    );
    let input = ProgramInput {
        partner_id: posted.get("partner_id"),
        name: posted.get("name"),
        kind: posted.get("kind"),
        kur: posted.flag("kur"),
        description: posted.get("description"),
        min_amount: posted.get("min_amount"),
        max_amount: posted.get("max_amount"),
        terms: posted.get("terms"),
        tenor_min: posted.get("tenor_min"),
        tenor_max: posted.get("tenor_max"),
        opens_on: posted.get("opens_on"),
        closes_on: posted.get("closes_on"),
        quota: posted.get("quota"),
        documents: &documents,
        trades: &trades,
        kecamatan: &kecamatan,
        min_months_active: posted.get("min_months_active"),
        min_orders_total: posted.get("min_orders_total"),
        min_orders_public: posted.get("min_orders_public"),
        min_orders_office: posted.get("min_orders_office"),
        min_revenue: posted.get("min_revenue"),
        revenue_months: posted.get("revenue_months"),
        nib_required: posted.flag("nib_required"),
        certificate_required: posted.flag("certificate_required"),
        min_age: posted.get("min_age"),
        max_age: posted.get("max_age"),
        one_at_a_time: posted.flag("one_at_a_time"),
    };
    let version: i64 = posted.get("versi").parse().unwrap_or(0);
    match capital::save_program(&state.db, &who, id.map(|i| (i, version)), &input, now()).await {
        Ok(_) => Ok(Redirect::to("/admin/permodalan/program").into_response()),
        Err(FormError::Fields(errors)) => program_form(state, ctx, id, version, Echo::new(posted.0.clone(), errors), StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(FormError::App(AppError::Stale)) => program_form(state, ctx, id, version, Echo::new(posted.0.clone(), vec![("name", "Program ini baru saja diubah orang lain. Muat ulang halaman lalu ulangi perubahan Anda.".into())]), StatusCode::CONFLICT).await,
        Err(FormError::App(e)) => Err(e.into()),
    }
}

pub async fn program_create(
    State(state): State<AppState>,
    ctx: Ctx,
    posted: Posted,
) -> Result<Response, WebError> {
    save_program(&state, &ctx, None, posted).await
}

pub async fn program_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    posted: Posted,
) -> Result<Response, WebError> {
    crate::db::capital::program(&state.db, id).await?;
    save_program(&state, &ctx, Some(id), posted).await
}

async fn settings_page(
    state: &AppState,
    ctx: &Ctx,
    echo: Option<Echo>,
    saved: bool,
    status: StatusCode,
) -> Result<Response, WebError> {
    let s = capital::settings(&state.db).await?;
    let echo = echo.unwrap_or_else(|| {
        Echo::new(
            vec![
                ("review_days".into(), s.timeouts.review_days.to_string()),
                ("decision_days".into(), s.timeouts.decision_days.to_string()),
                ("draft_days".into(), s.timeouts.draft_days.to_string()),
                ("sikp_columns".into(), s.mapping.to_text()),
            ],
            vec![],
        )
    });
    Ok((
        status,
        render(&SettingsPage {
            layout: ctx.layout("Pengaturan permodalan"),
            echo,
            fields: SikpField::ALL
                .iter()
                .map(|f| (f.slug().to_owned(), f.label().to_owned()))
                .collect(),
            saved,
        })?,
    )
        .into_response())
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    ok: String,
}

pub async fn settings_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SavedQuery>,
) -> Result<Response, WebError> {
    settings_page(&state, &ctx, None, !q.ok.is_empty(), StatusCode::OK).await
}

pub async fn settings_save(
    State(state): State<AppState>,
    ctx: Ctx,
    posted: Posted,
) -> Result<Response, WebError> {
    let who = ctx.who()?;
    let input = SettingsInput {
        review_days: posted.get("review_days"),
        decision_days: posted.get("decision_days"),
        draft_days: posted.get("draft_days"),
        sikp_columns: posted.get("sikp_columns"),
    };
    match capital::save_settings(&state.db, &who, &input).await {
        Ok(()) => Ok(Redirect::to("/admin/permodalan/pengaturan?ok=1").into_response()),
        Err(FormError::Fields(errors)) => {
            settings_page(
                &state,
                &ctx,
                Some(Echo::new(posted.0.clone(), errors)),
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
}

// ---- The partner -------------------------------------------------------------------------

pub async fn partner(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let user = ctx.user()?;
    let partner_id = user.links.partner_id.ok_or(WebError::Forbidden)?;
    let partner = crate::db::directory::partner(&state.db, partner_id).await?;
    let apps = capital::list(&state.db, Scope::Partner(partner_id)).await?;
    let timeouts = capital::settings(&state.db).await?.timeouts;
    let t = now();
    let days = |since: Option<i64>| since.map(|s| (t - s) / 86_400).unwrap_or(0);
    let waiting = |a: &Application| {
        let d = days(a.referred_at);
        if d >= timeouts.decision_days {
            format!(
                "menunggu {d} hari, lewat batas {} hari",
                timeouts.decision_days
            )
        } else {
            format!("menunggu {d} hari")
        }
    };
    let this_month =
        crate::domain::dates::to_iso(crate::domain::dates::wib_date(t))[..7].to_owned();
    let mut new_referrals = Vec::new();
    let mut due = Vec::new();
    let mut to_disburse = Vec::new();
    let mut reports = Vec::new();
    for a in &apps {
        match a.state {
            AppState_::Referred if days(a.referred_at) >= timeouts.decision_days => {
                due.push(row(a, Portal::Partner, waiting(a)))
            }
            AppState_::Referred => new_referrals.push(row(a, Portal::Partner, waiting(a))),
            AppState_::Approved => {
                to_disburse.push(row(a, Portal::Partner, "menunggu pencairan".into()))
            }
            // A loan disbursed before this month owes this month's report until it is in.
            AppState_::Disbursed
                if a.program_kind.repaid()
                    && a.disbursed_on
                        .as_deref()
                        .is_some_and(|d| d[..7] < *this_month)
                    && a.last_period
                        .as_deref()
                        .is_none_or(|p| p < this_month.as_str()) =>
            {
                reports.push(row(
                    a,
                    Portal::Partner,
                    "laporan angsuran bulan ini belum ada".into(),
                ))
            }
            _ => {}
        }
    }
    Ok(render(&PartnerPage {
        layout: ctx.layout("Rujukan permodalan"),
        partner: partner.name,
        todo: vec![
            Todo {
                title: "Rujukan baru".into(),
                hint: "Periksa dosier, dokumen dan NIK, lalu putuskan.".into(),
                rows: new_referrals,
            },
            Todo {
                title: "Keputusan lewat batas waktu".into(),
                hint: format!(
                    "Rujukan yang belum diputuskan lebih dari {} hari; pemohon menunggu.",
                    timeouts.decision_days
                ),
                rows: due,
            },
            Todo {
                title: "Menunggu pencairan".into(),
                hint: "Sudah disetujui; catat tanggal dan jumlah pencairan.".into(),
                rows: to_disburse,
            },
            Todo {
                title: "Laporan angsuran bulan ini".into(),
                hint: "Laporkan status angsuran tiap bulan.".into(),
                rows: reports,
            },
        ],
        all: apps
            .iter()
            .map(|a| row(a, Portal::Partner, String::new()))
            .collect(),
    })?
    .into_response())
}

pub async fn partner_xlsx(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let user = ctx.user()?;
    let who = ctx.who()?;
    let partner_id = user.links.partner_id.ok_or(WebError::Forbidden)?;
    let bytes = capital::partner_queue_xlsx(&state.db, &who, partner_id).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"rujukan-permodalan.xlsx\"".to_owned(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

pub async fn sikp(
    State(state): State<AppState>,
    ctx: Ctx,
    posted: Posted,
) -> Result<Response, WebError> {
    let who = ctx.who()?;
    let partner = posted.get("mitra").trim().parse::<i64>().ok();
    let csv = posted.get("format") == "csv";
    let (bytes, kind, ext) =
        capital::sikp_file(&state.db, &state.secrets.data_key, &who, partner, csv).await?;
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"sikp-calon-debitur-kur.{ext}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

async fn partners_page(
    state: &AppState,
    ctx: &Ctx,
    echo: Echo,
    status: StatusCode,
) -> Result<Response, WebError> {
    let programs = crate::db::capital::programs(&state.db).await?;
    let label = |k: &str| {
        crate::domain::capital::program::PARTNER_KINDS
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, l)| (*l).to_owned())
            .unwrap_or_else(|| k.to_owned())
    };
    let partners = crate::db::directory::partners(&state.db)
        .await?
        .into_iter()
        .map(|p| PartnerRow {
            programs: programs.iter().filter(|x| x.partner_id == p.id).count(),
            kind: label(&p.kind),
            name: p.name,
            contact: p.contact,
        })
        .collect();
    let kinds = crate::domain::capital::program::PARTNER_KINDS
        .iter()
        .map(|(v, l)| Choice {
            value: (*v).into(),
            label: (*l).into(),
        })
        .collect();
    Ok((
        status,
        render(&PartnersPage {
            layout: ctx.layout("Mitra permodalan"),
            partners,
            echo,
            kinds,
        })?,
    )
        .into_response())
}

pub async fn partners(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    partners_page(&state, &ctx, Echo::default(), StatusCode::OK).await
}

pub async fn partner_create(
    State(state): State<AppState>,
    ctx: Ctx,
    posted: Posted,
) -> Result<Response, WebError> {
    let who = ctx.who()?;
    let result = capital::create_partner(
        &state.db,
        &who,
        posted.get("name"),
        posted.get("kind"),
        posted.get("contact"),
    )
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/admin/permodalan/mitra").into_response()),
        Err(FormError::Fields(errors)) => {
            let echo = Echo::new(posted.0.clone(), errors);
            partners_page(&state, &ctx, echo, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
}
