//! Office procurement pages: offices request work and choose from the rotation's proposals,
//! providers answer with a quote, offices order and sign the hand-over, treasurers pay with
//! tax, providers confirm; every document downloads as PDF.
//!
//! Handlers translate; `domain::procurement::request::Allowed` decides who may do what (the
//! buttons and every step's check); `app::procurement` carries each step out and answers with
//! the domain's typed refusal, which the page shows.

use crate::domain::rupiah::format_rupiah as rupiah;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{AppState, Ctx, WebError, render};
use crate::app::procurement::{self as flow, Flow};
use crate::app::{AppError, AppResult};
use crate::db::audit::Who;
use crate::db::gov_settings::ProcurementSettings;
use crate::db::procurement::{self as store, Request, Scope};
use crate::db::{directory, regions};
use crate::domain::Refusal;
use crate::domain::dates::{format_date, format_instant, parse_iso, to_iso, today_wib};
use crate::domain::form::clean;
use crate::domain::npwp::Npwp;
use crate::domain::policy::procurement_party;
use crate::domain::procurement::documents::document_set;
use crate::domain::procurement::request::{
    self, Action, Allowed, CategoryChoice, NewRequest, Party, Quote, RequestInput, State as RState,
    available_actions, reason as parse_reason,
};
use crate::domain::procurement::tax::TaxBreakdown;
use crate::domain::procurement::words::rupiah_in_words_capitalised;
use crate::secrets::Key;
use crate::views::procurement::{
    ActionForm, BusinessPage, DepositField, DocumentLine, ExcludedLine, FormPage, Forms, ItemField,
    ItemLine, ListPage, OfferLine, PaymentBlock, ProposalLine, RequestRow, ShowPage, TaxLine,
    TimelineLine,
};
use crate::views::{Choice, Field};

fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn values(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

fn rejected(value: &str, message: impl Into<String>) -> Field {
    Field {
        value: value.to_owned(),
        error: Some(message.into()),
    }
}

fn who<'a>(ctx: &'a Ctx, label: &'a str) -> Who<'a> {
    Who {
        id: ctx.user.as_ref().map(|u| u.id),
        label,
        ip: &ctx.ip,
    }
}

async fn settings(state: &AppState) -> Result<ProcurementSettings, WebError> {
    Ok(crate::db::gov_settings::current(&state.db).await?)
}

fn now() -> i64 {
    crate::db::now()
}

/// The workflow over this server's database, settings in force, reach and data key.
fn flow_of<'a>(
    state: &'a AppState,
    settings: &'a ProcurementSettings,
    reach: &'a crate::db::orders::Reach,
) -> Flow<'a> {
    Flow {
        db: &state.db,
        settings,
        instance: &state.settings.instance,
        reach,
        key: &state.secrets.data_key,
    }
}

/// The viewer's party on a request, or 404 (a request of another office is not shown at all).
async fn party_of(state: &AppState, ctx: &Ctx, r: &Request) -> Result<Option<Party>, WebError> {
    let user = ctx.user()?;
    let actor = user.actor();
    if let Some(p) = procurement_party(&actor, r.office_id, r.provider_alumnus_id) {
        return Ok(Some(p));
    }
    // An alumnus asked before may still read the request (what they declined, why it moved).
    if let Some(alumnus) = actor.alumnus_id
        && store::was_asked(&state.db, r.id, alumnus).await?
    {
        return Ok(None);
    }
    Err(WebError::NotFound)
}

// ---- the list ----

#[derive(Deserialize, Default)]
pub struct ListQuery {
    /// `perlu-tindakan`: only the requests waiting for the viewer.
    #[serde(default)]
    tampil: String,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let only_todo = q.tampil == "perlu-tindakan";
    let user = ctx.user()?;
    let actor = user.actor();
    use crate::domain::policy::Role;
    let (scope, heading, intro, party) = match actor.role {
        Role::Opd | Role::Bendahara => {
            let office = actor.office_id.ok_or(WebError::Forbidden)?;
            let name = directory::office(&state.db, office).await?.name;
            let party = if actor.role == Role::Opd {
                Party::Office
            } else {
                Party::Treasurer
            };
            (
                Scope::Office(office),
                format!("Pengadaan {name}"),
                "Permintaan pekerjaan kantor Anda kepada usaha alumni BLK.".to_owned(),
                party,
            )
        }
        Role::Alumni => {
            let business = match actor.alumnus_id {
                Some(a) => store::business_of_alumnus(&state.db, a).await?,
                None => None,
            };
            let Some(business) = business else {
                return Err(WebError::NotFound);
            };
            (
                Scope::Business(business),
                "Pekerjaan dari OPD".to_owned(),
                "Permintaan kantor pemerintah yang ditawarkan kepada usaha Anda lewat rotasi."
                    .to_owned(),
                Party::Provider,
            )
        }
        _ => (
            Scope::All,
            "Semua pengadaan OPD".to_owned(),
            "Permintaan semua kantor kepada usaha alumni.".to_owned(),
            Party::Agency,
        ),
    };
    let requests = store::list(&state.db, scope, 500).await?;
    let rules = settings(&state).await?.documents;
    let today = today_wib();
    let own_business = match scope {
        Scope::Business(b) => Some(b),
        _ => None,
    };
    let rows = requests
        .iter()
        .map(|r| {
            let mine = own_business.is_none() || r.business_id == own_business;
            RequestRow {
                id: r.id,
                title: r.title.clone(),
                office: r.office_name.clone(),
                category: r.category.clone(),
                business: r.business_name.clone().unwrap_or_else(|| "—".into()),
                state_key: r.state.as_str(),
                state: if mine {
                    r.state.label()
                } else {
                    "Dialihkan ke penyedia lain"
                },
                value: r.quoted_total.map(rupiah).unwrap_or_default(),
                when: format_instant(r.created_at),
                todo: mine
                    && available_actions(r.state, party)
                        .iter()
                        .any(|a| !matches!(a, Action::Cancel | Action::Reopen)),
                overdue: overdue(&rules, r, today),
            }
        })
        .collect::<Vec<RequestRow>>();
    // Overdue payments first (the longest overdue at the top), then what waits for the viewer
    // (a to-do list first), then the rest; the order within each part is kept.
    let waiting = rows.iter().filter(|r| r.todo).count();
    let mut rows: Vec<RequestRow> = rows.into_iter().filter(|r| r.todo || !only_todo).collect();
    rows.sort_by_key(|r| (std::cmp::Reverse(r.overdue.unwrap_or(-1)), !r.todo));
    Ok(render(&ListPage {
        layout: ctx.layout(heading.clone()),
        only_todo,
        waiting,
        heading,
        intro,
        can_create: actor.role == Role::Opd,
        is_provider: actor.role == Role::Alumni,
        is_agency: actor.role == Role::Admin,
        rows,
    })?
    .into_response())
}

/// Days since the BAST while a signed hand-over waits for payment past the set days.
fn overdue(
    rules: &crate::domain::procurement::documents::DocumentRules,
    r: &Request,
    today: time::Date,
) -> Option<i64> {
    if r.state != RState::Accepted {
        return None;
    }
    let bast = crate::domain::dates::wib_date(r.bast_at?);
    rules.overdue_days(bast, today)
}

/// The deposit references typed for each tax line: the stored form (`Deposit`) when every
/// field is valid, else the fields with their messages.
fn parse_deposits(
    pairs: &[(String, String)],
    codes: &[String],
) -> Result<Vec<store::Deposit>, Vec<DepositField>> {
    use crate::domain::procurement::deposit::{BillingCode, Ntpn};
    let mut fields = Vec::new();
    let mut deposits = Vec::new();
    let mut bad = false;
    for code in codes {
        let raw_billing = value(pairs, &format!("billing-{code}"));
        let raw_ntpn = value(pairs, &format!("ntpn-{code}"));
        let mut billing = Field::new(raw_billing);
        let mut ntpn = Field::new(raw_ntpn);
        let b = BillingCode::parse_optional(raw_billing);
        let n = Ntpn::parse_optional(raw_ntpn);
        if let Err(m) = &b {
            billing.error = Some((*m).to_owned());
        }
        if let Err(m) = &n {
            ntpn.error = Some((*m).to_owned());
        }
        if let (Ok(None), Ok(Some(_))) = (&b, &n) {
            billing.error = Some(
                "NTPN terbit setelah setoran dengan kode billing; tulis juga kode billingnya."
                    .into(),
            );
        }
        bad |= billing.error.is_some() || ntpn.error.is_some();
        deposits.push(store::Deposit {
            code: code.clone(),
            billing_code: b.ok().flatten().map(|c| c.to_string()).unwrap_or_default(),
            ntpn: n.ok().flatten().map(|c| c.to_string()).unwrap_or_default(),
        });
        fields.push(DepositField {
            code: code.clone(),
            billing,
            ntpn,
        });
    }
    if bad { Err(fields) } else { Ok(deposits) }
}

// ---- the request form ----

struct FormData {
    office_id: i64,
    office: directory::Office,
    categories: Vec<directory::ProcurementCategory>,
    kecamatan: Vec<crate::domain::region::Region>,
    budget: Vec<(i64, String)>,
    year: i64,
}

async fn form_data(state: &AppState, ctx: &Ctx) -> Result<FormData, WebError> {
    let user = ctx.user()?;
    if user.role != crate::domain::policy::Role::Opd {
        return Err(WebError::Forbidden);
    }
    let office_id = user.links.office_id.ok_or(WebError::Forbidden)?;
    let year = i64::from(today_wib().year());
    Ok(FormData {
        office_id,
        office: directory::office(&state.db, office_id).await?,
        categories: directory::procurement_categories(&state.db)
            .await?
            .into_iter()
            .filter(|c| c.active)
            .collect(),
        kecamatan: regions::kecamatan_of(&state.db, &state.settings.instance.kabupaten).await?,
        budget: store::budget_lines(&state.db, office_id, year).await?,
        year,
    })
}

fn form_page(
    ctx: &Ctx,
    data: &FormData,
    input: &RequestInput,
    errors: &[(String, String)],
) -> FormPage {
    let f = |name: &str, value: &str| Field {
        value: value.to_owned(),
        error: errors
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, m)| m.clone()),
    };
    let rows = input.item_description.len().max(5);
    let items = (0..rows)
        .map(|i| {
            let get = |v: &Vec<String>| v.get(i).cloned().unwrap_or_default();
            let error = errors
                .iter()
                .find(|(k, _)| *k == format!("item-{i}"))
                .map(|(_, m)| m.clone());
            ItemField {
                description: Field {
                    value: get(&input.item_description),
                    error,
                },
                quantity: Field::new(&get(&input.item_quantity)),
                unit: Field::new(&get(&input.item_unit)),
            }
        })
        .collect();
    FormPage {
        layout: ctx.layout("Permintaan pekerjaan baru"),
        office: data.office.name.clone(),
        categories: data
            .categories
            .iter()
            .map(|c| Choice {
                value: c.id.to_string(),
                label: format!("{} ({})", c.name, c.trade_name),
            })
            .collect(),
        category_id: f("category_id", &input.category_id),
        title: f("title", &input.title),
        items,
        items_error: errors
            .iter()
            .find(|(k, _)| k == "items")
            .map(|(_, m)| m.clone()),
        place: f("place", &input.place),
        kecamatan: f("kecamatan", &input.kecamatan),
        kecamatans: data
            .kecamatan
            .iter()
            .map(|k| Choice {
                value: k.code.clone(),
                label: k.name.clone(),
            })
            .collect(),
        date_from: f("date_from", &input.date_from),
        date_until: f("date_until", &input.date_until),
        min_date: to_iso(today_wib()),
        time_window: f("time_window", &input.time_window),
        hps: f("hps", &input.hps),
        budget_line_id: f("budget_line_id", &input.budget_line_id),
        budget_lines: data
            .budget
            .iter()
            .map(|(id, label)| Choice {
                value: id.to_string(),
                label: label.clone(),
            })
            .collect(),
        notes: f("notes", &input.notes),
        error_count: errors.len(),
    }
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let data = form_data(&state, &ctx).await?;
    let input = RequestInput {
        place: data.office.address.clone(),
        kecamatan: data.office.kecamatan_code.clone().unwrap_or_default(),
        ..RequestInput::default()
    };
    Ok(render(&form_page(&ctx, &data, &input, &[]))?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let data = form_data(&state, &ctx).await?;
    let input = RequestInput {
        category_id: value(&pairs, "category_id").to_owned(),
        title: value(&pairs, "title").to_owned(),
        item_description: values(&pairs, "item_description"),
        item_quantity: values(&pairs, "item_quantity"),
        item_unit: values(&pairs, "item_unit"),
        place: value(&pairs, "place").to_owned(),
        kecamatan: value(&pairs, "kecamatan").to_owned(),
        date_from: value(&pairs, "date_from").to_owned(),
        date_until: value(&pairs, "date_until").to_owned(),
        time_window: value(&pairs, "time_window").to_owned(),
        hps: value(&pairs, "hps").to_owned(),
        budget_line_id: value(&pairs, "budget_line_id").to_owned(),
        notes: value(&pairs, "notes").to_owned(),
    };
    let categories: Vec<CategoryChoice> = data
        .categories
        .iter()
        .map(|c| CategoryChoice {
            id: c.id,
            name: c.name.clone(),
            unit: c.unit.clone(),
        })
        .collect();
    let kecamatan: Vec<String> = data.kecamatan.iter().map(|k| k.code.clone()).collect();
    let budget: Vec<i64> = data.budget.iter().map(|b| b.0).collect();
    match NewRequest::parse(&input, &categories, &kecamatan, &budget, today_wib()) {
        Ok(request) => {
            let label = ctx.actor_label();
            let id = store::create(
                &state.db,
                data.office_id,
                data.year,
                &request,
                &who(&ctx, &label),
                now(),
            )
            .await?;
            Ok(Redirect::to(&format!("/pengadaan/{id}?pesan=dibuat")).into_response())
        }
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&form_page(&ctx, &data, &input, &errors))?,
        )
            .into_response()),
    }
}

// ---- the request page ----

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    pesan: Option<String>,
}

fn notice(code: &str) -> Option<String> {
    Some(
        match code {
            "dibuat" => "Permintaan tersimpan. Pilih penyedia dari usulan rotasi di bawah.",
            "pilih" => "Permintaan dikirim ke penyedia. Penyedia menjawab sebelum batas waktu; bila menolak atau diam, Karya meneruskan ke urutan berikutnya.",
            "tawar" => "Penawaran terkirim ke OPD.",
            "tolak" => "Permintaan Anda tolak; OPD dan rotasi sudah diberi tahu.",
            "pesan" => "Surat Pesanan terbit. Unduh PDF-nya di bagian Dokumen.",
            "selesai" => "Pekerjaan ditandai selesai dan tagihan (invoice) terbit.",
            "bast" => "BAST ditandatangani. Bendahara dapat mencatat pembayaran.",
            "bayar" => "Pembayaran tercatat; kuitansi terbit.",
            "terima-bayar" => "Terima kasih, pembayaran dikonfirmasi. Pengadaan selesai.",
            "ganti" => "Dokumen lama dibatalkan dan dokumen pengganti terbit.",
            "setoran" => "Kode billing dan NTPN setoran pajak tersimpan.",
            _ => "Tersimpan.",
        }
        .to_owned(),
    )
    .filter(|_| !code.is_empty())
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let request = store::get(&state.db, id).await?;
    let party = party_of(&state, &ctx, &request).await?;
    let page = Page {
        state: &state,
        ctx: &ctx,
        request: &request,
        party,
    };
    let extras = Extras {
        notice: q.pesan.as_deref().and_then(notice),
        ..Extras::default()
    };
    page.render(StatusCode::OK, extras).await
}

#[derive(Default)]
struct Extras {
    alert: Option<String>,
    notice: Option<String>,
    forms: Forms,
    /// The provider's typed prices, kept after a refused quote.
    prices: Vec<Field>,
}

struct Page<'a> {
    state: &'a AppState,
    ctx: &'a Ctx,
    request: &'a Request,
    party: Option<Party>,
}

fn payment_block(p: &store::PaymentRow, late_after: i64, bast_at: Option<i64>) -> PaymentBlock {
    let late_days = bast_at.and_then(|b| {
        let bast = crate::domain::dates::wib_date(b);
        let paid = parse_iso(&p.paid_on)?;
        let days = (paid - bast).whole_days();
        (days > late_after).then_some(days)
    });
    PaymentBlock {
        paid_on: parse_iso(&p.paid_on)
            .map(format_date)
            .unwrap_or_else(|| p.paid_on.clone()),
        method: method_label(&p.method).to_owned(),
        gross: rupiah(p.gross),
        taxes: p
            .taxes
            .iter()
            .map(|t| TaxLine {
                code: t.code.clone(),
                label: t.label.clone(),
                base: rupiah(t.base),
                amount: rupiah(t.amount),
                basis: t.basis.clone(),
                billing_code: t.billing_code.clone(),
                ntpn: t.ntpn.clone(),
            })
            .collect(),
        withheld: rupiah(p.withheld),
        net: rupiah(p.net),
        proof: p.proof_number.clone(),
        confirmed: p.confirmed_at.map(format_instant),
        voided: p
            .voided_at
            .map(|at| format!("{} — {}", format_instant(at), p.void_reason)),
        late_days,
        notes: Vec::new(),
    }
}

fn preview(t: &TaxBreakdown) -> PaymentBlock {
    PaymentBlock {
        paid_on: String::new(),
        method: String::new(),
        gross: rupiah(t.gross),
        taxes: t
            .lines
            .iter()
            .map(|l| TaxLine {
                code: l.code.to_owned(),
                label: l.label.clone(),
                base: rupiah(l.base),
                amount: rupiah(l.amount),
                basis: l.basis.to_owned(),
                billing_code: String::new(),
                ntpn: String::new(),
            })
            .collect(),
        withheld: rupiah(t.withheld),
        net: rupiah(t.net),
        proof: String::new(),
        confirmed: None,
        voided: None,
        late_days: None,
        notes: t.notes.clone(),
    }
}

const METHODS: [(&str, &str); 3] = [
    ("transfer", "Transfer bank (SP2D/LS)"),
    ("cms", "CMS / pembayaran non-tunai bank daerah"),
    ("tunai", "Tunai (uang persediaan)"),
];

fn method_label(m: &str) -> &'static str {
    METHODS
        .iter()
        .find(|(k, _)| *k == m)
        .map(|(_, l)| *l)
        .unwrap_or("Lainnya")
}

fn offer_state_label(s: &str) -> &'static str {
    match s {
        "pending" => "menunggu jawaban",
        "quoted" => "mengirim penawaran",
        "declined" => "menolak",
        "expired" => "tidak menjawab sampai batas waktu",
        "rejected" => "penawaran ditolak OPD",
        "withdrawn" => "permintaan dibatalkan",
        "won" => "terpilih",
        _ => "—",
    }
}

fn action_form(a: Action) -> ActionForm {
    let hint = match a {
        Action::Decline => "Alasan menolak (misalnya jadwal penuh, bahan tidak tersedia)",
        Action::RejectQuote => "Alasan menolak penawaran (misalnya melebihi anggaran)",
        Action::Dispute => "Apa yang belum sesuai dari hasil pekerjaan",
        Action::ResolveRedo => "Keputusan dan apa yang harus dilengkapi penyedia",
        Action::ResolveCancel => "Keputusan dan alasannya",
        Action::VoidPayment => "Alasan pembatalan catatan pembayaran",
        Action::Cancel => "Alasan pembatalan",
        _ => "",
    };
    ActionForm {
        slug: a.slug(),
        label: a.label(),
        kind: if a.needs_reason() { "reason" } else { "simple" },
        danger: matches!(
            a,
            Action::Decline
                | Action::RejectQuote
                | Action::Dispute
                | Action::ResolveCancel
                | Action::VoidPayment
                | Action::Cancel
        ),
        hint,
    }
}

impl Page<'_> {
    async fn render(self, status: StatusCode, extras: Extras) -> Result<Response, WebError> {
        let r = self.request;
        let party = self.party;
        let data = crate::app::procurement::request_page(
            &self.state.db,
            &self.state.settings.instance,
            &crate::db::orders::Reach::from_settings(&self.state.settings),
            &self.state.secrets.data_key,
            r,
            party,
            now(),
        )
        .await?;
        let settings = &data.settings;
        let items = data.items;
        let show_prices = r.quoted_total.is_some();
        let item_lines = items
            .iter()
            .enumerate()
            .map(|(i, it)| ItemLine {
                index: i,
                description: it.item.description.clone(),
                quantity: it.item.quantity,
                unit: it.item.unit.clone(),
                price: it
                    .unit_price
                    .filter(|_| show_prices)
                    .map(rupiah)
                    .unwrap_or_default(),
                subtotal: it
                    .unit_price
                    .filter(|_| show_prices)
                    .map(|p| rupiah(p.saturating_mul(it.item.quantity)))
                    .unwrap_or_default(),
                price_field: extras.prices.get(i).map_or_else(
                    || Field::new(""),
                    |f| Field {
                        value: f.value.clone(),
                        error: f.error.clone(),
                    },
                ),
            })
            .collect();

        // The office's choice.
        let allowed = data.allowed;
        let can = |action: Action| allowed.is_some_and(|a| a.can(action));
        let can_choose = can(Action::Offer);
        let (proposals, more, excluded) = if let Some(p) = &data.proposals {
            let shown = &p.all[..p.shown];
            // The office's choice, kept when the form comes back; else the rotation's first.
            let chosen = extras
                .forms
                .chosen
                .filter(|c| shown.iter().any(|x| x.proposal.business_id == *c));
            let lines = shown
                .iter()
                .map(|x| ProposalLine {
                    business_id: x.proposal.business_id,
                    rank: x.proposal.rank,
                    name: x.name.clone(),
                    kecamatan: x.kecamatan.clone(),
                    reasons: x.proposal.reasons.clone(),
                    checked: match chosen {
                        Some(c) => x.proposal.business_id == c,
                        None => x.proposal.rank == 1,
                    },
                    catalog: x
                        .catalog
                        .matches
                        .iter()
                        .map(|l| {
                            let price = crate::domain::storefront::price_text(
                                l.kind,
                                l.for_office(),
                                &l.unit,
                            );
                            format!("{}: {price}", l.title)
                        })
                        .collect(),
                    catalog_total: x.catalog.total.map(rupiah),
                })
                .collect();
            let excluded = p
                .excluded
                .iter()
                .map(|(name, e)| ExcludedLine {
                    name: name.clone(),
                    why: e.text(),
                })
                .collect();
            (lines, p.all.len() - p.shown, excluded)
        } else {
            (Vec::new(), 0, Vec::new())
        };

        let can_quote = can(Action::Quote);
        // The one who waits on the viewer's step, told over WhatsApp in the words of
        // `app::words` (what happened, the amount, the deadline, their link).
        let link = format!(
            "{}/pengadaan/{}",
            self.state.settings.public_url.trim_end_matches('/'),
            r.id
        );
        let whatsapp = data.waiting.as_ref().map(|w| {
            let about = crate::app::words::RequestAbout {
                id: r.id,
                title: &r.title,
                office: &r.office_name,
                category: &r.category,
                provider: r.business_name.as_deref(),
                hps: r.hps,
                total: r.quoted_total,
                deadline: r.offer_expires_at,
                date_from: &r.date_from,
                link: &link,
            };
            let text = crate::app::words::request(w.event, &about);
            (
                crate::domain::whatsapp::chat_link(Some(&w.phone), &text),
                w.whom,
            )
        });
        let can_order = can(Action::Order);
        let can_bast = can(Action::SignBast);
        let can_pay = can(Action::RecordPayment);
        let tax_preview = data.tax.as_ref().map(preview);
        // The treasurer pays into the provider's account and reports the tax under the
        // provider's NPWP: both in full, on the payment form only.
        let (provider_bank, provider_npwp) = match (can_pay, r.business_id) {
            (true, Some(b)) => {
                let facts = store::business_facts(&self.state.db, b).await?;
                let bank = (!facts.bank_account.is_empty()).then(|| {
                    format!(
                        "{} {} a.n. {}",
                        facts.bank_name, facts.bank_account, facts.bank_holder
                    )
                });
                let npwp = flow::npwp_of(&self.state.secrets.data_key, &facts)
                    .and_then(|n| Npwp::parse(&n).ok())
                    .map(|n| n.as_str().to_owned());
                (
                    Some(bank.unwrap_or_else(|| "belum diisi penyedia".to_owned())),
                    Some(npwp.unwrap_or_else(|| "tidak ada (tarif PPh lebih tinggi)".to_owned())),
                )
            }
            _ => (None, None),
        };
        let overdue = overdue(&settings.documents, r, today_wib());
        let can_deposit = party == Some(Party::Treasurer)
            && data
                .payments
                .iter()
                .any(|p| p.voided_at.is_none() && !p.taxes.is_empty());
        let document_set = r
            .quoted_total
            .map(|t| match document_set(&settings.documents, t) {
                Ok(kinds) => kinds
                    .iter()
                    .map(|k| k.label())
                    .collect::<Vec<_>>()
                    .join(", "),
                Err(e) => e.message(),
            })
            .unwrap_or_default();
        let special = [
            Action::Offer,
            Action::Quote,
            Action::Decline,
            Action::Order,
            Action::SignBast,
            Action::RecordPayment,
            Action::Expire,
        ];
        let mut actions: Vec<ActionForm> = allowed
            .map(Allowed::actions)
            .unwrap_or_default()
            .into_iter()
            .filter(|a| !special.contains(a))
            .map(action_form)
            .collect();
        if can_quote {
            actions.insert(0, action_form(Action::Decline));
        }

        let documents = data
            .documents
            .into_iter()
            .map(|d| {
                let can_reissue =
                    allowed.is_some_and(|a| a.may_reissue(d.kind, d.voided_at.is_some()).is_ok());
                DocumentLine {
                    id: d.id,
                    label: d.kind.label(),
                    number: d.number.clone(),
                    issued: format_instant(d.issued_at),
                    amount: rupiah(d.amount),
                    voided: d
                        .voided_at
                        .map(|at| format!("Dibatalkan {}: {}", format_instant(at), d.void_reason)),
                    can_reissue,
                }
            })
            .collect();
        let late_after = settings.documents.late_payment_days;
        let payments = data
            .payments
            .iter()
            .map(|p| payment_block(p, late_after, r.bast_at))
            .collect();
        let offers = data
            .offers
            .into_iter()
            .map(|o| OfferLine {
                name: o.business_name,
                rank: o.rank,
                state: offer_state_label(&o.state),
                reason: o.reason,
                at: format_instant(o.offered_at),
            })
            .collect();
        let timeline = data
            .timeline
            .into_iter()
            .map(|e| TimelineLine {
                at: format_instant(e.at),
                who: match e.actor_name {
                    Some(n) => format!("{} ({n})", e.actor.label()),
                    None => e.actor.label().to_owned(),
                },
                what: match Action::from_slug(&e.action) {
                    Some(a) => a.done().to_owned(),
                    None => match e.action.as_str() {
                        "dibuat" => "membuat permintaan".to_owned(),
                        "dokumen" => "menerbitkan dokumen".to_owned(),
                        "dokumen-batal" => "membatalkan dokumen".to_owned(),
                        other => other.to_owned(),
                    },
                },
                note: e.note,
            })
            .collect();
        let mut facts = vec![
            ("Kantor".to_owned(), r.office_name.clone()),
            ("Jenis pekerjaan".to_owned(), r.category.clone()),
            (
                "Tempat".to_owned(),
                format!("{}, Kec. {}", r.place, r.kecamatan),
            ),
            (
                "Waktu".to_owned(),
                format!(
                    "{}{}{}",
                    parse_iso(&r.date_from).map(format_date).unwrap_or_default(),
                    if r.date_until != r.date_from {
                        format!(
                            " s.d. {}",
                            parse_iso(&r.date_until)
                                .map(format_date)
                                .unwrap_or_default()
                        )
                    } else {
                        String::new()
                    },
                    if r.time_window.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", r.time_window)
                    }
                ),
            ),
            ("Tahun anggaran".to_owned(), r.fiscal_year.to_string()),
        ];
        if let Some(b) = &r.budget_line {
            facts.push(("Mata anggaran".to_owned(), b.clone()));
        }
        if !r.notes.is_empty() {
            facts.push(("Catatan".to_owned(), r.notes.clone()));
        }
        if r.chosen_rank.is_some_and(|k| k > 1) {
            facts.push((
                "Pilihan di luar urutan".to_owned(),
                format!(
                    "usulan ke-{}: {}",
                    r.chosen_rank.unwrap_or_default(),
                    r.override_reason
                ),
            ));
        } else if r.assigned {
            facts.push((
                "Penyedia".to_owned(),
                "dipilih otomatis oleh Karya".to_owned(),
            ));
        }
        if let Some(n) = r.rating {
            let note = if r.rating_note.is_empty() {
                String::new()
            } else {
                format!(" — {}", r.rating_note)
            };
            facts.push(("Nilai dari OPD".to_owned(), format!("{n} dari 5{note}")));
        }
        let viewer = match party {
            Some(Party::Office) => "OPD pemesan",
            Some(Party::Treasurer) => "bendahara",
            Some(Party::Provider) => "penyedia",
            Some(Party::Agency) => "Disnakertrans",
            _ => "penyedia yang pernah diminta",
        };
        let page = ShowPage {
            layout: self.ctx.layout(format!("Pengadaan #{}", r.id)),
            id: r.id,
            version: r.version,
            title: r.title.clone(),
            state_key: r.state.as_str(),
            state: r.state.label(),
            viewer,
            office: r.office_name.clone(),
            category: r.category.clone(),
            facts,
            alert: extras.alert,
            notice: extras.notice,
            proposals,
            more_proposals: more,
            excluded,
            can_choose,
            can_quote,
            deadline: r
                .offer_expires_at
                .filter(|_| r.state == RState::Offered)
                .map(format_instant),
            provider: r.business_name.clone(),
            whatsapp,
            items: item_lines,
            total: r.quoted_total.map(rupiah),
            total_words: r.quoted_total.map(rupiah_in_words_capitalised),
            hps: r.hps.map(rupiah),
            quote_note: r.quote_note.clone(),
            can_order,
            document_set,
            can_bast,
            can_pay,
            tax_preview,
            provider_bank,
            provider_npwp,
            overdue,
            can_deposit,
            methods: METHODS
                .iter()
                .map(|(v, l)| Choice {
                    value: (*v).to_owned(),
                    label: (*l).to_owned(),
                })
                .collect(),
            today: to_iso(today_wib()),
            actions,
            documents,
            payments,
            offers,
            timeline,
            forms: extras.forms,
        };
        Ok((status, render(&page)?).into_response())
    }

    /// A form with bad input (422): its fields with their messages, nothing stored.
    async fn invalid(self, forms: Forms) -> Result<Response, WebError> {
        self.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            Extras {
                forms,
                ..Extras::default()
            },
        )
        .await
    }

    async fn alert(
        self,
        status: StatusCode,
        message: impl Into<String>,
    ) -> Result<Response, WebError> {
        self.render(
            status,
            Extras {
                alert: Some(message.into()),
                ..Extras::default()
            },
        )
        .await
    }

    /// The outcome of a workflow step: a redirect with a notice, or the page with the domain's
    /// reason why not (403 when the step is not the party's at all, else 409).
    async fn outcome<T>(self, result: AppResult<T>, code: &str) -> Result<Response, WebError> {
        let id = self.request.id;
        match result {
            Ok(_) => Ok(Redirect::to(&format!("/pengadaan/{id}?pesan={code}")).into_response()),
            Err(AppError::Refused(refusal)) => {
                let status = match &refusal {
                    Refusal::Request(why) if why.is_not_yours() => StatusCode::FORBIDDEN,
                    _ => StatusCode::CONFLICT,
                };
                self.alert(status, refusal.to_string()).await
            }
            Err(AppError::Stale) => self.alert(StatusCode::CONFLICT, STALE).await,
            Err(e) => Err(e.into()),
        }
    }
}

/// What a page showing an older version of the request says.
const STALE: &str = "Permintaan ini baru saja diubah pihak lain; muat ulang halaman.";

// ---- acting on a request ----

pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, aksi)): Path<(i64, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let request = store::get(&state.db, id).await?;
    let party = party_of(&state, &ctx, &request).await?;
    let page = Page {
        state: &state,
        ctx: &ctx,
        request: &request,
        party,
    };
    let Some(party) = party else {
        return Err(WebError::Forbidden);
    };
    if aksi == "setoran" {
        return deposits(&state, page, party, &pairs).await;
    }
    let Some(action) = Action::from_slug(&aksi).filter(|a| *a != Action::Expire) else {
        return Err(WebError::NotFound);
    };
    // A form from a page showing an older version acts on what the user saw.
    let sent = value(&pairs, "versi");
    if !sent.is_empty() && sent != request.version.to_string() {
        return page.alert(StatusCode::CONFLICT, STALE).await;
    }
    let settings = settings(&state).await?;
    let reach = crate::db::orders::Reach::from_settings(&state.settings);
    let flow = flow_of(&state, &settings, &reach);
    let label = ctx.actor_label();
    let who = who(&ctx, &label);
    let at = now();
    let slug = action.slug();

    if action.needs_reason() {
        let raw = value(&pairs, "reason");
        let reason = match parse_reason(raw) {
            Ok(r) => r,
            Err(m) => {
                let forms = Forms {
                    reason: rejected(raw, m),
                    reason_for: slug.to_owned(),
                    ..Forms::default()
                };
                return page.invalid(forms).await;
            }
        };
        let result = if action.passes_on() {
            flow.pass_on(&request, action, party, &reason, &who, at)
                .await
                .map(|_| ())
        } else if action == Action::VoidPayment {
            flow.void_payment(&request, party, &reason, &who, at).await
        } else {
            flow.plain(&request, action, party, &reason, &who, at)
                .await
                .map(|_| ())
        };
        return page.outcome(result, slug).await;
    }

    match action {
        Action::Offer => {
            let choice = match value(&pairs, "pilihan") {
                "otomatis" | "" => None,
                raw => Some(raw.parse::<i64>().map_err(|_| WebError::NotFound)?),
            };
            let assign = value(&pairs, "otomatis") == "1";
            let override_reason = clean(value(&pairs, "alasan"));
            let result = flow
                .choose(
                    &request,
                    party,
                    if assign { None } else { choice },
                    &override_reason,
                    &who,
                    at,
                )
                .await;
            if let Err(AppError::Refused(
                refusal @ Refusal::Request(request::Refusal::OverrideWithoutReason),
            )) = &result
            {
                let forms = Forms {
                    override_reason: rejected(&override_reason, refusal.to_string()),
                    chosen: choice,
                    ..Forms::default()
                };
                return page.invalid(forms).await;
            }
            page.outcome(result, slug).await
        }
        Action::Quote => {
            let items = store::items(&state.db, request.id).await?;
            let prices = values(&pairs, "price");
            let quantities: Vec<i64> = items.iter().map(|i| i.item.quantity).collect();
            let note = value(&pairs, "note");
            match Quote::parse(&prices, &quantities, note, request.hps) {
                Ok(quote) => {
                    let result = flow.quote(&request, party, &quote, &who, at).await;
                    page.outcome(result, slug).await
                }
                Err(errors) => {
                    let fields = (0..items.len())
                        .map(|i| Field {
                            value: prices.get(i).cloned().unwrap_or_default(),
                            error: errors
                                .iter()
                                .find(|(k, _)| *k == format!("price-{i}"))
                                .map(|(_, m)| m.clone()),
                        })
                        .collect();
                    let forms = Forms {
                        quote_note: Field::new(note),
                        quote_error: errors
                            .iter()
                            .find(|(k, _)| k == "total" || k == "note")
                            .map(|(_, m)| m.clone()),
                        ..Forms::default()
                    };
                    page.render(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        Extras {
                            forms,
                            prices: fields,
                            ..Extras::default()
                        },
                    )
                    .await
                }
            }
        }
        Action::Order => {
            let result = flow.order(&request, party, &who, at).await;
            page.outcome(result, slug).await
        }
        Action::MarkDone => {
            let result = flow.mark_done(&request, party, &who, at).await;
            page.outcome(result, slug).await
        }
        Action::SignBast => {
            let raw = value(&pairs, "rating");
            let note = clean(value(&pairs, "note"));
            match raw.parse::<i64>().ok().filter(|n| (1..=5).contains(n)) {
                Some(rating) => {
                    let result = flow
                        .sign_bast(&request, party, rating, &note, &who, at)
                        .await;
                    page.outcome(result, slug).await
                }
                None => {
                    let forms = Forms {
                        rating: rejected(raw, "Beri nilai hasil pekerjaan 1 sampai 5 bintang."),
                        bast_note: Field::new(&note),
                        ..Forms::default()
                    };
                    page.invalid(forms).await
                }
            }
        }
        Action::RecordPayment => {
            let (d, m, p) = (
                value(&pairs, "paid_on"),
                value(&pairs, "method"),
                value(&pairs, "proof"),
            );
            let mut forms = Forms {
                paid_on: Field::new(d),
                method: Field::new(m),
                proof: Field::new(p),
                ..Forms::default()
            };
            let date = crate::domain::order::parse_date(d);
            let bast = request.bast_at.map(crate::domain::dates::wib_date);
            let mut bad = false;
            match date {
                None => {
                    forms.paid_on.error = Some("Tulis tanggal bayar, misalnya 15/12/2026.".into());
                    bad = true;
                }
                Some(x) if x > today_wib() => {
                    forms.paid_on.error = Some("Tanggal bayar tidak boleh di masa depan.".into());
                    bad = true;
                }
                Some(x) if bast.is_some_and(|b| x < b) => {
                    forms.paid_on.error =
                        Some("Tanggal bayar tidak boleh sebelum BAST ditandatangani.".into());
                    bad = true;
                }
                _ => {}
            }
            if !METHODS.iter().any(|(k, _)| *k == m) {
                forms.method.error = Some("Pilih cara bayar.".into());
                bad = true;
            }
            let codes: Vec<String> = match flow.tax(&request).await {
                Ok(t) => t.lines.iter().map(|l| l.code.to_owned()).collect(),
                Err(e) => return page.outcome::<()>(Err(e), slug).await,
            };
            let deposits = match parse_deposits(&pairs, &codes) {
                Ok(d) => d,
                Err(fields) => {
                    forms.deposits = fields;
                    bad = true;
                    Vec::new()
                }
            };
            let proof = clean(p);
            if proof.chars().count() < 3 || proof.chars().count() > 100 {
                forms.proof.error =
                    Some("Tulis nomor bukti bayar (misalnya nomor SP2D atau nomor BKU).".into());
                bad = true;
            }
            if bad {
                return page.invalid(forms).await;
            }
            let result = flow
                .record_payment(
                    &request,
                    party,
                    date.unwrap_or_else(today_wib),
                    m,
                    &proof,
                    &deposits,
                    &who,
                    at,
                )
                .await;
            page.outcome(result, slug).await
        }
        Action::ConfirmReceipt => {
            let result = flow.confirm_receipt(&request, party, &who, at).await;
            page.outcome(result, slug).await
        }
        Action::Reopen => {
            let result = flow.plain(&request, action, party, "", &who, at).await;
            page.outcome(result, slug).await
        }
        _ => Err(WebError::NotFound),
    }
}

/// The treasurer writes the billing codes and NTPNs of the live payment's deposits.
async fn deposits(
    state: &AppState,
    page: Page<'_>,
    party: Party,
    pairs: &[(String, String)],
) -> Result<Response, WebError> {
    let live = store::payments(&state.db, page.request.id)
        .await?
        .into_iter()
        .find(|p| p.voided_at.is_none());
    let Some(live) = live.filter(|_| party == Party::Treasurer) else {
        return Err(WebError::Forbidden);
    };
    let codes: Vec<String> = live.taxes.iter().map(|t| t.code.clone()).collect();
    let deposits = match parse_deposits(pairs, &codes) {
        Ok(d) => d,
        Err(fields) => {
            let forms = Forms {
                deposits: fields,
                deposits_later: true,
                ..Forms::default()
            };
            return page.invalid(forms).await;
        }
    };
    let settings = settings(state).await?;
    let reach = crate::db::orders::Reach::from_settings(&state.settings);
    let flow = flow_of(state, &settings, &reach);
    let label = page.ctx.actor_label();
    let result = flow
        .record_deposits(page.request, party, &deposits, &who(page.ctx, &label))
        .await;
    page.outcome(result, "setoran").await
}

// ---- documents ----

pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let doc = store::document(&state.db, id).await?;
    let request = store::get(&state.db, doc.request_id).await?;
    party_of(&state, &ctx, &request).await?;
    let pdf = store::document_pdf(&state.db, id).await?;
    let filename = format!("{}.pdf", doc.number.replace(['/', ' '], "-"));
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        pdf,
    )
        .into_response())
}

pub async fn reissue(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let doc = store::document(&state.db, id).await?;
    let request = store::get(&state.db, doc.request_id).await?;
    let party = party_of(&state, &ctx, &request).await?;
    let page = Page {
        state: &state,
        ctx: &ctx,
        request: &request,
        party,
    };
    let Some(party) = party else {
        // Asked once, the request moved on: reading only.
        let refused: AppResult<()> = Err(AppError::refused(request::Refusal::NotIssuer));
        return page.outcome(refused, "ganti").await;
    };
    let raw = value(&pairs, "reason");
    let reason = match parse_reason(raw) {
        Ok(r) => r,
        Err(m) => {
            let forms = Forms {
                reissue_reason: rejected(raw, m),
                reissue_for: doc.id,
                ..Forms::default()
            };
            return page.invalid(forms).await;
        }
    };
    let settings = settings(&state).await?;
    let reach = crate::db::orders::Reach::from_settings(&state.settings);
    let flow = flow_of(&state, &settings, &reach);
    let label = ctx.actor_label();
    let result = flow
        .reissue(&request, &doc, party, &reason, &who(&ctx, &label), now())
        .await;
    page.outcome(result, "ganti").await
}

// ---- the provider's settings for office work ----

async fn own_business(state: &AppState, ctx: &Ctx) -> Result<i64, WebError> {
    let alumnus = ctx.user()?.links.alumnus_id.ok_or(WebError::NotFound)?;
    store::business_of_alumnus(&state.db, alumnus)
        .await?
        .ok_or(WebError::NotFound)
}

#[derive(Deserialize, Default)]
pub struct BusinessQuery {
    #[serde(default)]
    pesan: Option<String>,
}

/// What the provider's settings form shows: stored or typed values with their messages.
struct BusinessForm {
    npwp: Field,
    pkp: bool,
    umkm_final: bool,
    capacity: Field,
    appeal: Field,
}

impl BusinessForm {
    /// The stored values; the NPWP is shown to its owner as they typed it.
    fn stored(key: &Key, f: &store::BusinessFacts, appeal: Field) -> BusinessForm {
        BusinessForm {
            npwp: Field::new(&flow::npwp_of(key, f).unwrap_or_default()),
            pkp: f.pkp,
            umkm_final: f.umkm_final,
            capacity: Field::new(&f.office_capacity.to_string()),
            appeal,
        }
    }
}

async fn business_page(
    state: &AppState,
    ctx: &Ctx,
    business_id: i64,
    form: BusinessForm,
    saved: Option<&str>,
) -> Result<BusinessPage, WebError> {
    let BusinessForm {
        npwp,
        pkp,
        umkm_final,
        capacity,
        appeal,
    } = form;
    let facts = store::business_facts(&state.db, business_id).await?;
    let appeals = store::appeals(&state.db, business_id)
        .await?
        .into_iter()
        .map(|(note, at, answer)| (note, format_instant(at), answer))
        .collect();
    Ok(BusinessPage {
        layout: ctx.layout("Pekerjaan OPD: data pajak dan kapasitas"),
        business: facts.name,
        npwp,
        pkp,
        umkm_final,
        capacity,
        saved: saved == Some("simpan"),
        appeal,
        appeal_sent: saved == Some("banding"),
        appeals,
        exclusion: None,
    })
}

pub async fn business_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<BusinessQuery>,
) -> Result<Response, WebError> {
    let id = own_business(&state, &ctx).await?;
    let f = store::business_facts(&state.db, id).await?;
    let page = business_page(
        &state,
        &ctx,
        id,
        BusinessForm::stored(&state.secrets.data_key, &f, Field::new("")),
        q.pesan.as_deref(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

pub async fn business_save(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = own_business(&state, &ctx).await?;
    let raw_npwp = value(&pairs, "npwp");
    let pkp = value(&pairs, "pkp") == "1";
    let umkm = value(&pairs, "umkm_final") == "1";
    let raw_cap = value(&pairs, "capacity");
    let mut npwp = Field::new(raw_npwp);
    let mut capacity = Field::new(raw_cap);
    let parsed = match raw_npwp.trim() {
        "" => Ok(None),
        typed => Npwp::parse(typed).map(Some),
    };
    match &parsed {
        Err(e) => npwp.error = Some((*e).into()),
        Ok(None) if pkp => {
            npwp.error =
                Some("Pengusaha Kena Pajak (PKP) pasti memiliki NPWP; isi NPWP-nya.".into())
        }
        Ok(_) => {}
    }
    let cap = raw_cap
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|c| (0..=50).contains(c));
    if cap.is_none() {
        capacity.error = Some("Tulis angka 0 sampai 50 (0 = tidak menerima pekerjaan OPD).".into());
    }
    let (Ok(npwp_value), Some(cap), None) = (parsed, cap, &npwp.error) else {
        let form = BusinessForm {
            npwp,
            pkp,
            umkm_final: umkm,
            capacity,
            appeal: Field::new(""),
        };
        let page = business_page(&state, &ctx, id, form, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let label = ctx.actor_label();
    let profile = flow::TaxProfile {
        npwp: npwp_value,
        pkp,
        umkm_final: umkm,
        capacity: cap,
    };
    flow::update_business_tax(
        &state.db,
        &state.secrets.data_key,
        id,
        &profile,
        &who(&ctx, &label),
    )
    .await?;
    Ok(Redirect::to("/usaha/pengadaan?pesan=simpan").into_response())
}

pub async fn appeal(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = own_business(&state, &ctx).await?;
    let raw = value(&pairs, "note");
    let note = clean(raw);
    if note.chars().count() < 10 || note.chars().count() > 1000 {
        let f = store::business_facts(&state.db, id).await?;
        let form = BusinessForm::stored(
            &state.secrets.data_key,
            &f,
            rejected(raw, "Tulis alasan banding 10 sampai 1.000 huruf."),
        );
        let page = business_page(&state, &ctx, id, form, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let label = ctx.actor_label();
    store::create_appeal(&state.db, id, &note, &who(&ctx, &label)).await?;
    Ok(Redirect::to("/usaha/pengadaan?pesan=banding").into_response())
}
