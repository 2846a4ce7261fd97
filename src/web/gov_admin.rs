//! The agency's side of office procurement: offices (OPD) with their officers, declared needs
//! and budget lines per fiscal year; kinds of office work; the rotation, tax and document
//! settings; the public page explaining rotation; the head's view of offices per fiscal year;
//! and the answers to rotation appeals. Forms are re-rendered with the typed values and their
//! messages when refused (nothing stored); every change is audited in its own transaction.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::form::Posted;
use super::{field, unprocessable};
use crate::app::{AppError, offices};
use crate::db::directory::{self, BudgetLineFields, CategoryFields, NeedInput, Office};
use crate::db::gov_settings::{self, ProcurementSettings};
use crate::db::gov_stats::{self, OfficeYear};
use crate::db::{regions, register};
use crate::domain::dates::{format_date, format_instant, today_wib};
use crate::domain::form::clean;
use crate::domain::nip::{self, Nip};
use crate::domain::procurement::SettingField;
use crate::domain::procurement::documents::DocumentRules;
use crate::domain::procurement::rotation::{self, Candidate, RequestFacts, RotationSettings};
use crate::domain::procurement::tax::{self, IncomeTax, TaxKind, TaxRules};
use crate::domain::rupiah::format_rupiah as rupiah;
use crate::domain::rupiah::{Rupiah, group_thousands};
use crate::domain::user::FieldErrors;
use crate::views::gov_admin::*;
use crate::views::{Choice, Field};
use crate::web::{AppState, Ctx, WebError, render};

// ---------------------------------------------------------------------------------------------
// Helpers

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    tahun: String,
    #[serde(default)]
    pesan: String,
}

/// The fiscal year asked for (`?tahun=`), or the current one (WIB).
pub(crate) fn year_of(raw: &str) -> i64 {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| i64::from(today_wib().year()))
}

/// Years to switch between: two back and one ahead of this year, the shown one, and every
/// year with data; newest first.
pub(crate) fn year_choices(shown: i64, with_data: &[i64]) -> Vec<YearChoice> {
    let this = i64::from(today_wib().year());
    let mut years: Vec<i64> = (this - 2..=this + 1).collect();
    years.push(shown);
    years.extend_from_slice(with_data);
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    years
        .into_iter()
        .map(|year| YearChoice {
            year,
            current: year == shown,
        })
        .collect()
}

const OFFICE_KINDS: [(&str, &str); 8] = [
    ("sekretariat", "Sekretariat"),
    ("dinas", "Dinas"),
    ("badan", "Badan"),
    ("kecamatan", "Kecamatan"),
    ("rsud", "RSUD"),
    ("puskesmas", "Puskesmas"),
    ("sekolah", "Sekolah"),
    ("lainnya", "Lainnya"),
];

fn kind_label(kind: &str) -> &'static str {
    OFFICE_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, l)| *l)
        .unwrap_or("Lainnya")
}

/// "42,9%" from tenths of a percent.
fn permille_text(permille: i64) -> String {
    format!("{},{}%", permille / 10, permille % 10)
}

/// "6,7 hari" from tenths of a day.
fn days_text(tenths: Option<i64>) -> String {
    match tenths {
        Some(t) => format!("{},{} hari", t / 10, t % 10),
        None => "–".into(),
    }
}

/// An office's year as the pages show it.
fn office_stats(o: &OfficeYear) -> OfficeStats {
    let permille = o.budget_share_permille();
    OfficeStats {
        id: o.office_id,
        name: o.name.clone(),
        code: o.code.clone(),
        requests: o.requests,
        completed: o.completed,
        contracted_count: o.contracted_count,
        contracted: rupiah(o.contracted),
        paid: rupiah(o.paid),
        budget: rupiah(o.budget),
        has_budget: permille.is_some(),
        share: permille.map(permille_text).unwrap_or_default(),
        bar: permille.map(|p| (p / 10).clamp(0, 100)).unwrap_or(0),
        meets: permille.is_some_and(|p| p >= 400),
        needs: o
            .needs
            .iter()
            .map(|n| NeedView {
                category: n.category.clone(),
                unit: n.unit.clone(),
                need: group_thousands(n.need),
                served: group_thousands(n.served),
                percent: n.percent(),
            })
            .collect(),
        average_days: days_text(o.average_days_tenths()),
        paid_after_bast: o.paid_after_bast,
        late: o.late,
        chosen: o.chosen,
        overrides: o.overrides,
        override_share: o
            .override_percent()
            .map(|p| format!("{p}%"))
            .unwrap_or_else(|| "–".into()),
    }
}

fn late_row(l: &gov_stats::LatePayment) -> LateRow {
    LateRow {
        request_id: l.request_id,
        title: l.title.clone(),
        office_id: l.office_id,
        office: l.office.clone(),
        business: l.business.clone(),
        bast_on: format_date(l.bast_on),
        paid_on: l.paid_on.map(format_date).unwrap_or_default(),
        unpaid: l.paid_on.is_none(),
        days: l.days,
        days_late: l.days_late,
    }
}

async fn kecamatan_choices(state: &AppState) -> Result<Vec<Choice>, WebError> {
    Ok(
        regions::kecamatan_of(&state.db, &state.settings.instance.kabupaten)
            .await?
            .into_iter()
            .map(|r| Choice {
                value: r.code,
                label: r.name,
            })
            .collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// Form rules (pure): what each form accepts, with Indonesian messages.

pub mod forms {
    use super::*;
    use crate::domain::form::text;

    /// The office form as typed.
    #[derive(Deserialize, Default, Clone)]
    pub struct OfficeForm {
        #[serde(default)]
        pub name: String,
        #[serde(default)]
        pub code: String,
        #[serde(default)]
        pub kind: String,
        #[serde(default)]
        pub address: String,
        #[serde(default)]
        pub kecamatan: String,
        #[serde(default)]
        pub head_name: String,
        #[serde(default)]
        pub head_nip: String,
        #[serde(default)]
        pub ppk_name: String,
        #[serde(default)]
        pub ppk_nip: String,
        #[serde(default)]
        pub treasurer_name: String,
        #[serde(default)]
        pub treasurer_nip: String,
        #[serde(default)]
        pub phone: String,
        #[serde(default)]
        pub email: String,
        #[serde(default)]
        pub postal_code: String,
        #[serde(default)]
        pub signer: String,
    }

    /// An officer's name and NIP: the NIP optional but valid when given, and never without a
    /// name.
    fn officer(
        errors: &mut FieldErrors,
        (name_field, nip_field): (&'static str, &'static str),
        name: &str,
        nip: &str,
    ) -> (String, String) {
        let name = text(errors, name_field, name, "Nama", false, 120);
        let nip = match Nip::parse_optional(nip) {
            Ok(Some(n)) => {
                if name.is_empty() {
                    errors.push((name_field, "Isi nama pemilik NIP ini.".into()));
                }
                n.as_str().to_owned()
            }
            Ok(None) => String::new(),
            Err(m) => {
                errors.push((nip_field, m.into()));
                String::new()
            }
        };
        (name, nip)
    }

    /// An office code: printed in document numbers, so letters, digits, dots and dashes only.
    pub fn office_code(raw: &str) -> Result<String, &'static str> {
        let code = raw.trim().to_uppercase();
        if code.is_empty() {
            return Err("Kode wajib diisi.");
        }
        if !code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '.')
        {
            return Err(
                "Kode hanya boleh berisi huruf, angka, titik dan tanda hubung (tanpa spasi atau garis miring).",
            );
        }
        if !(2..=30).contains(&code.chars().count()) {
            return Err("Kode 2 sampai 30 karakter.");
        }
        Ok(code)
    }

    pub fn parse_office(f: &OfficeForm, kecamatans: &[String]) -> Result<Office, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = text(&mut errors, "name", &f.name, "Nama OPD", true, 120);
        let code = match office_code(&f.code) {
            Ok(c) => c,
            Err(m) => {
                errors.push(("code", m.into()));
                String::new()
            }
        };
        if !OFFICE_KINDS.iter().any(|(k, _)| *k == f.kind) {
            errors.push(("kind", "Pilih jenis OPD.".into()));
        }
        let address = text(&mut errors, "address", &f.address, "Alamat", false, 200);
        let kecamatan = f.kecamatan.trim();
        let kecamatan_code = if kecamatan.is_empty() {
            None
        } else if kecamatans.iter().any(|k| k == kecamatan) {
            Some(kecamatan.to_owned())
        } else {
            errors.push(("kecamatan", "Pilih kecamatan dari daftar.".into()));
            None
        };
        let (head_name, head_nip) = officer(
            &mut errors,
            ("head_name", "head_nip"),
            &f.head_name,
            &f.head_nip,
        );
        let (ppk_name, ppk_nip) = officer(
            &mut errors,
            ("ppk_name", "ppk_nip"),
            &f.ppk_name,
            &f.ppk_nip,
        );
        let (treasurer_name, treasurer_nip) = officer(
            &mut errors,
            ("treasurer_name", "treasurer_nip"),
            &f.treasurer_name,
            &f.treasurer_nip,
        );
        use crate::domain::procurement::office::{
            Signer, parse_email, parse_phone, parse_postal_code,
        };
        let mut contact = |field: &'static str, r: Result<String, &'static str>| {
            r.unwrap_or_else(|m| {
                errors.push((field, m.into()));
                String::new()
            })
        };
        let phone = contact("phone", parse_phone(&f.phone));
        let email = contact("email", parse_email(&f.email));
        let postal_code = contact("postal_code", parse_postal_code(&f.postal_code));
        let signer = match f.signer.as_str() {
            "" => Signer::default(),
            s => Signer::parse(s).unwrap_or_else(|| {
                errors.push(("signer", "Pilih penanda tangan dari daftar.".into()));
                Signer::default()
            }),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Office {
            phone,
            email,
            postal_code,
            signer,
            code,
            name,
            kind: f.kind.clone(),
            address,
            kecamatan_code,
            head_name,
            head_nip,
            ppk_name,
            ppk_nip,
            treasurer_name,
            treasurer_nip,
            ..Office::default()
        })
    }

    /// Messages of the needs form: (category, "qty" | "note", message).
    pub type NeedErrors = Vec<(i64, &'static str, String)>;

    /// A count as people write it: `2000` or `2.000`.
    pub fn quantity(raw: &str) -> Result<i64, &'static str> {
        let s = raw.trim();
        let groups: Vec<&str> = s.split('.').collect();
        if groups.len() > 1 && (groups[0].is_empty() || groups[1..].iter().any(|g| g.len() != 3)) {
            return Err("Tulis jumlah sebagai bilangan bulat, misalnya 2.000.");
        }
        let digits = groups.concat();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err("Jumlah hanya boleh berisi angka.");
        }
        match digits.parse::<i64>() {
            Ok(0) => Err("Jumlah harus lebih dari 0; kosongkan bila tidak dibutuhkan."),
            Ok(n) if n <= 10_000_000 => Ok(n),
            _ => Err("Jumlah paling banyak 10.000.000."),
        }
    }

    /// The needs form: `qty_<category>` and `note_<category>` for each offered category.
    /// Errors as (category, "qty" | "note", message).
    pub fn parse_needs(
        posted: &[(String, String)],
        categories: &[i64],
    ) -> Result<Vec<NeedInput>, NeedErrors> {
        let get = |name: String| {
            posted
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or("")
        };
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for &id in categories {
            let qty = get(format!("qty_{id}"));
            let note = clean(get(format!("note_{id}")));
            if note.chars().count() > 200 {
                errors.push((id, "note", "Catatan maksimal 200 karakter.".to_owned()));
            }
            if qty.trim().is_empty() {
                if !note.is_empty() {
                    errors.push((
                        id,
                        "qty",
                        "Isi jumlah, atau kosongkan catatannya.".to_owned(),
                    ));
                }
                continue;
            }
            match quantity(qty) {
                Ok(quantity) => out.push(NeedInput {
                    category_id: id,
                    quantity,
                    note,
                }),
                Err(m) => errors.push((id, "qty", m.to_owned())),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// A kode rekening: dot-separated groups of digits, e.g. `5.1.02.01.01.0024`.
    pub fn account_code(raw: &str) -> Result<String, &'static str> {
        let code: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if code.is_empty() {
            return Err("Kode rekening wajib diisi.");
        }
        let groups: Vec<&str> = code.split('.').collect();
        let shape_ok = groups.len() <= 8
            && groups
                .iter()
                .all(|g| !g.is_empty() && g.len() <= 4 && g.chars().all(|c| c.is_ascii_digit()));
        if !shape_ok || code.len() > 30 {
            return Err(
                "Kode rekening berupa angka yang dipisah titik, misalnya 5.1.02.01.01.0024.",
            );
        }
        Ok(code)
    }

    #[derive(Deserialize, Default, Clone)]
    pub struct BudgetLineForm {
        #[serde(default)]
        pub tahun: String,
        #[serde(default)]
        pub account_code: String,
        #[serde(default)]
        pub line_name: String,
        #[serde(default)]
        pub ceiling: String,
    }

    pub fn parse_budget_line(f: &BudgetLineForm) -> Result<BudgetLineFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let account_code = account_code(&f.account_code).unwrap_or_else(|m| {
            errors.push(("account_code", m.into()));
            String::new()
        });
        let name = text(&mut errors, "line_name", &f.line_name, "Uraian", true, 200);
        let ceiling = match Rupiah::parse(&f.ceiling) {
            Ok(r) => r.amount(),
            Err(m) => {
                errors.push(("ceiling", m.into()));
                0
            }
        };
        if errors.is_empty() {
            Ok(BudgetLineFields {
                account_code,
                name,
                ceiling,
            })
        } else {
            Err(errors)
        }
    }

    #[derive(Deserialize, Default, Clone)]
    pub struct CategoryForm {
        #[serde(default)]
        pub trade_id: String,
        #[serde(default)]
        pub name: String,
        #[serde(default)]
        pub unit: String,
        #[serde(default)]
        pub tax_kind: String,
        #[serde(default)]
        pub active: String,
    }

    pub fn parse_category(f: &CategoryForm, trades: &[i64]) -> Result<CategoryFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = text(
            &mut errors,
            "name",
            &f.name,
            "Nama jenis pekerjaan",
            true,
            80,
        );
        let trade_id = f
            .trade_id
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| trades.contains(id));
        if trade_id.is_none() {
            errors.push(("trade_id", "Pilih kejuruan.".into()));
        }
        let unit = text(&mut errors, "unit", &f.unit, "Satuan", true, 30);
        let tax_kind = TaxKind::parse(f.tax_kind.trim());
        if tax_kind.is_none() {
            errors.push(("tax_kind", "Pilih barang atau jasa.".into()));
        }
        match (trade_id, tax_kind) {
            (Some(trade_id), Some(tax_kind)) if errors.is_empty() => Ok(CategoryFields {
                trade_id,
                name,
                unit,
                tax_kind,
                active: !f.active.is_empty(),
            }),
            _ => Err(errors),
        }
    }

    /// The agency's answer to an appeal.
    pub fn parse_answer(raw: &str) -> Result<String, &'static str> {
        let answer = raw.trim().to_owned();
        if answer.is_empty() {
            return Err("Tulis jawaban untuk alumni.");
        }
        if answer.chars().count() > 1000 {
            return Err("Jawaban maksimal 1000 karakter.");
        }
        Ok(answer)
    }
}

use forms::*;

// ---------------------------------------------------------------------------------------------
// Offices

pub async fn offices(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let users = directory::office_user_counts(&state.db).await?;
    let rows = directory::offices(&state.db)
        .await?
        .into_iter()
        .map(|o| {
            let missing = [
                ("Kepala", &o.head_name, &o.head_nip),
                ("Pejabat pengadaan", &o.ppk_name, &o.ppk_nip),
                ("Bendahara", &o.treasurer_name, &o.treasurer_nip),
            ]
            .into_iter()
            .filter(|(_, name, nip)| name.is_empty() || nip.is_empty())
            .map(|(label, _, _)| label)
            .collect();
            OfficeRow {
                users: users.get(&o.id).copied().unwrap_or(0),
                id: o.id,
                kind: kind_label(&o.kind),
                kecamatan: o.kecamatan,
                name: o.name,
                code: o.code,
                missing,
            }
        })
        .collect();
    let notice = match q.pesan.as_str() {
        "dibuat" => Some("OPD ditambahkan."),
        "disimpan" => Some("Data OPD disimpan."),
        _ => None,
    };
    let page = OfficesPage {
        layout: ctx.layout("OPD").with_notice(notice),
        rows,
        year: year_of(&q.tahun),
    };
    Ok(render(&page)?.into_response())
}

async fn office_page(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &OfficeForm,
    errors: &FieldErrors,
) -> Result<OfficeFormPage, WebError> {
    Ok(OfficeFormPage {
        layout: ctx.layout(if id.is_some() {
            "Ubah OPD"
        } else {
            "Tambah OPD"
        }),
        id,
        error_count: errors.len(),
        name: field(errors, "name", &f.name),
        code: field(errors, "code", &f.code),
        kind: field(errors, "kind", &f.kind),
        kinds: OFFICE_KINDS
            .iter()
            .map(|(v, l)| Choice {
                value: (*v).into(),
                label: (*l).into(),
            })
            .collect(),
        address: field(errors, "address", &f.address),
        kecamatan: field(errors, "kecamatan", &f.kecamatan),
        kecamatans: kecamatan_choices(state).await?,
        head_name: field(errors, "head_name", &f.head_name),
        head_nip: field(errors, "head_nip", &f.head_nip),
        ppk_name: field(errors, "ppk_name", &f.ppk_name),
        ppk_nip: field(errors, "ppk_nip", &f.ppk_nip),
        treasurer_name: field(errors, "treasurer_name", &f.treasurer_name),
        treasurer_nip: field(errors, "treasurer_nip", &f.treasurer_nip),
        phone: field(errors, "phone", &f.phone),
        email: field(errors, "email", &f.email),
        postal_code: field(errors, "postal_code", &f.postal_code),
        signer: field(errors, "signer", &f.signer),
        signers: crate::domain::procurement::office::Signer::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str().into(),
                label: match s {
                    crate::domain::procurement::office::Signer::PejabatPengadaan => {
                        "Pejabat Pengadaan".into()
                    }
                    crate::domain::procurement::office::Signer::Ppk => {
                        "Pejabat Pembuat Komitmen (PPK)".into()
                    }
                },
            })
            .collect(),
    })
}

/// The office form, or its messages (a code or name another office has is the use case's).
async fn validate_office(
    state: &AppState,
    f: &OfficeForm,
) -> Result<Result<Office, FieldErrors>, WebError> {
    let kecamatans: Vec<String> =
        regions::kecamatan_of(&state.db, &state.settings.instance.kabupaten)
            .await?
            .into_iter()
            .map(|r| r.code)
            .collect();
    Ok(parse_office(f, &kecamatans))
}

pub async fn new_office(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let f = OfficeForm {
        kind: "dinas".into(),
        signer: "pejabat_pengadaan".into(),
        ..OfficeForm::default()
    };
    Ok(render(&office_page(&state, &ctx, None, &f, &Vec::new()).await?)?.into_response())
}

pub async fn create_office(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::Form(f): axum::Form<OfficeForm>,
) -> Result<Response, WebError> {
    let registered = match validate_office(&state, &f).await? {
        Ok(office) => offices::register_office(&state.db, &office, ctx.who()?).await?,
        Err(errors) => Err(errors),
    };
    let id = match registered {
        Ok(id) => id,
        Err(errors) => return unprocessable(&office_page(&state, &ctx, None, &f, &errors).await?),
    };
    Ok(Redirect::to(&format!("/admin/opd?pesan=dibuat#opd-{id}")).into_response())
}

pub async fn edit_office(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let o = directory::office(&state.db, id).await?;
    let f = OfficeForm {
        name: o.name,
        code: o.code,
        kind: o.kind,
        address: o.address,
        kecamatan: o.kecamatan_code.unwrap_or_default(),
        head_name: o.head_name,
        head_nip: nip::grouped(&o.head_nip),
        ppk_name: o.ppk_name,
        ppk_nip: nip::grouped(&o.ppk_nip),
        treasurer_name: o.treasurer_name,
        treasurer_nip: nip::grouped(&o.treasurer_nip),
        phone: o.phone,
        email: o.email,
        postal_code: o.postal_code,
        signer: o.signer.as_str().into(),
    };
    Ok(render(&office_page(&state, &ctx, Some(id), &f, &Vec::new()).await?)?.into_response())
}

pub async fn update_office(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<OfficeForm>,
) -> Result<Response, WebError> {
    // 404 before any message about the form.
    directory::office(&state.db, id).await?;
    let saved = match validate_office(&state, &f).await? {
        Ok(office) => offices::update_office(&state.db, id, &office, ctx.who()?).await?,
        Err(errors) => Err(errors),
    };
    if let Err(errors) = saved {
        return unprocessable(&office_page(&state, &ctx, Some(id), &f, &errors).await?);
    }
    Ok(Redirect::to(&format!("/admin/opd?pesan=disimpan#opd-{id}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Needs and budget lines per fiscal year

/// What the budget page shows besides the stored rows: the needs form as typed (with
/// messages), the new-line form as typed (with messages), and a refusal.
#[derive(Default)]
struct BudgetInput {
    needs: Option<(Posted, NeedErrors)>,
    line: Option<(BudgetLineForm, FieldErrors)>,
    alert: Option<String>,
    notice: Option<&'static str>,
}

async fn budget_page(
    state: &AppState,
    ctx: &Ctx,
    office_id: i64,
    year: i64,
    input: BudgetInput,
) -> Result<BudgetPage, WebError> {
    let office = directory::office(&state.db, office_id).await?;
    let stored = directory::needs(&state.db, office_id, year).await?;
    let categories = directory::procurement_categories(&state.db).await?;
    let lines = directory::budget_lines(&state.db, office_id, year).await?;
    let with_data = directory::office_years(&state.db, office_id).await?;
    let (typed, need_errors) = match input.needs {
        Some((p, e)) => (Some(p), e),
        None => (None, Vec::new()),
    };
    let need_message = |id: i64, which: &str| {
        need_errors
            .iter()
            .find(|(c, w, _)| *c == id && *w == which)
            .map(|(_, _, m)| m.clone())
    };
    let needs = categories
        .iter()
        // Inactive kinds only while a need of this year still names them.
        .filter(|c| c.active || stored.iter().any(|n| n.category_id == c.id))
        .map(|c| {
            let stored = stored.iter().find(|n| n.category_id == c.id);
            let (qty, note) = match &typed {
                Some(p) => (
                    p.get(&format!("qty_{}", c.id)).to_owned(),
                    p.get(&format!("note_{}", c.id)).to_owned(),
                ),
                None => (
                    stored
                        .map(|n| group_thousands(n.quantity))
                        .unwrap_or_default(),
                    stored.map(|n| n.note.clone()).unwrap_or_default(),
                ),
            };
            NeedRow {
                category_id: c.id,
                category: c.name.clone(),
                trade: c.trade_name.clone(),
                unit: c.unit.clone(),
                active: c.active,
                quantity: Field {
                    value: qty,
                    error: need_message(c.id, "qty"),
                },
                note: Field {
                    value: note,
                    error: need_message(c.id, "note"),
                },
            }
        })
        .collect();
    let (line_form, line_errors) = input.line.unwrap_or_default();
    Ok(BudgetPage {
        layout: ctx
            .layout(format!("Kebutuhan & anggaran {year} · {}", office.name))
            .with_notice(input.notice),
        office_id,
        office_name: office.name,
        year,
        years: year_choices(year, &with_data),
        needs,
        needs_error_count: need_errors.len(),
        total_ceiling: rupiah(lines.iter().map(|l| l.ceiling).sum()),
        lines: lines
            .into_iter()
            .map(|l| BudgetRow {
                id: l.id,
                account_code: l.account_code,
                name: l.name,
                ceiling: rupiah(l.ceiling),
                requests: l.requests,
            })
            .collect(),
        account_code: field(&line_errors, "account_code", &line_form.account_code),
        line_name: field(&line_errors, "line_name", &line_form.line_name),
        ceiling: field(&line_errors, "ceiling", &line_form.ceiling),
        line_error_count: line_errors.len(),
        alert: input.alert,
    })
}

pub async fn budget(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let notice = match q.pesan.as_str() {
        "kebutuhan-disimpan" => Some("Kebutuhan tahunan disimpan."),
        "rekening-ditambah" => Some("Rekening ditambahkan."),
        "rekening-disimpan" => Some("Rekening disimpan."),
        "rekening-dihapus" => Some("Rekening dihapus."),
        _ => None,
    };
    let input = BudgetInput {
        notice,
        ..BudgetInput::default()
    };
    let page = budget_page(&state, &ctx, id, year_of(&q.tahun), input).await?;
    Ok(render(&page)?.into_response())
}

pub async fn save_needs(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let posted = Posted(pairs);
    let year = year_of(posted.get("tahun"));
    directory::office(&state.db, id).await?;
    let stored = directory::needs(&state.db, id, year).await?;
    let offered: Vec<i64> = directory::procurement_categories(&state.db)
        .await?
        .into_iter()
        .filter(|c| c.active || stored.iter().any(|n| n.category_id == c.id))
        .map(|c| c.id)
        .collect();
    let list = match parse_needs(&posted.0, &offered) {
        Ok(l) => l,
        Err(errors) => {
            let input = BudgetInput {
                needs: Some((posted, errors)),
                ..BudgetInput::default()
            };
            return unprocessable(&budget_page(&state, &ctx, id, year, input).await?);
        }
    };
    offices::save_needs(&state.db, id, year, &list, ctx.who()?).await?;
    Ok(Redirect::to(&format!(
        "/admin/opd/{id}/anggaran?tahun={year}&pesan=kebutuhan-disimpan#kebutuhan"
    ))
    .into_response())
}

pub async fn add_budget_line(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<BudgetLineForm>,
) -> Result<Response, WebError> {
    let year = year_of(&f.tahun);
    directory::office(&state.db, id).await?;
    let refuse = |errors: FieldErrors| BudgetInput {
        line: Some((f.clone(), errors)),
        ..BudgetInput::default()
    };
    let fields = match parse_budget_line(&f) {
        Ok(v) => v,
        Err(errors) => {
            return unprocessable(&budget_page(&state, &ctx, id, year, refuse(errors)).await?);
        }
    };
    if let Err(errors) = offices::add_budget_line(&state.db, id, year, &fields, ctx.who()?).await? {
        return unprocessable(&budget_page(&state, &ctx, id, year, refuse(errors)).await?);
    }
    Ok(Redirect::to(&format!(
        "/admin/opd/{id}/anggaran?tahun={year}&pesan=rekening-ditambah#rekening"
    ))
    .into_response())
}

async fn line_page(
    state: &AppState,
    ctx: &Ctx,
    office_id: i64,
    line_id: i64,
    f: &BudgetLineForm,
    errors: &FieldErrors,
) -> Result<BudgetLineFormPage, WebError> {
    let office = directory::office(&state.db, office_id).await?;
    let line = directory::budget_line(&state.db, office_id, line_id).await?;
    Ok(BudgetLineFormPage {
        layout: ctx.layout(format!("Ubah rekening · {}", office.name)),
        office_id,
        office_name: office.name,
        line_id,
        year: line.year,
        error_count: errors.len(),
        account_code: field(errors, "account_code", &f.account_code),
        line_name: field(errors, "line_name", &f.line_name),
        ceiling: field(errors, "ceiling", &f.ceiling),
    })
}

pub async fn edit_budget_line(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, line)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let l = directory::budget_line(&state.db, id, line).await?;
    let f = BudgetLineForm {
        tahun: l.year.to_string(),
        account_code: l.account_code,
        line_name: l.name,
        ceiling: group_thousands(l.ceiling),
    };
    Ok(render(&line_page(&state, &ctx, id, line, &f, &Vec::new()).await?)?.into_response())
}

pub async fn update_budget_line(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, line)): Path<(i64, i64)>,
    axum::Form(f): axum::Form<BudgetLineForm>,
) -> Result<Response, WebError> {
    let stored = directory::budget_line(&state.db, id, line).await?;
    let fields = match parse_budget_line(&f) {
        Ok(v) => v,
        Err(errors) => {
            return unprocessable(&line_page(&state, &ctx, id, line, &f, &errors).await?);
        }
    };
    if let Err(errors) =
        offices::update_budget_line(&state.db, id, line, &fields, ctx.who()?).await?
    {
        return unprocessable(&line_page(&state, &ctx, id, line, &f, &errors).await?);
    }
    Ok(Redirect::to(&format!(
        "/admin/opd/{id}/anggaran?tahun={}&pesan=rekening-disimpan#rekening-{line}",
        stored.year
    ))
    .into_response())
}

pub async fn delete_budget_line(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, line)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let stored = directory::budget_line(&state.db, id, line).await?;
    match offices::delete_budget_line(&state.db, &stored, ctx.who()?).await {
        Ok(()) => {}
        Err(AppError::Refused(refusal)) => {
            let input = BudgetInput {
                alert: Some(refusal.to_string()),
                ..BudgetInput::default()
            };
            return unprocessable(&budget_page(&state, &ctx, id, stored.year, input).await?);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!(
        "/admin/opd/{id}/anggaran?tahun={}&pesan=rekening-dihapus#rekening",
        stored.year
    ))
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// Kinds of office work

pub async fn categories(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let rows = directory::procurement_categories(&state.db)
        .await?
        .into_iter()
        .map(|c| CategoryRow {
            tax_kind: TaxKind::parse(&c.tax_kind)
                .map(TaxKind::label)
                .unwrap_or("Jasa"),
            id: c.id,
            name: c.name,
            trade: c.trade_name,
            unit: c.unit,
            active: c.active,
            requests: c.requests,
        })
        .collect();
    let notice = match q.pesan.as_str() {
        "dibuat" => Some("Jenis pekerjaan ditambahkan."),
        "disimpan" => Some("Jenis pekerjaan disimpan."),
        _ => None,
    };
    let page = CategoriesPage {
        layout: ctx.layout("Jenis pekerjaan OPD").with_notice(notice),
        rows,
    };
    Ok(render(&page)?.into_response())
}

async fn category_page(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &CategoryForm,
    errors: &FieldErrors,
) -> Result<CategoryFormPage, WebError> {
    Ok(CategoryFormPage {
        layout: ctx.layout(if id.is_some() {
            "Ubah jenis pekerjaan"
        } else {
            "Tambah jenis pekerjaan"
        }),
        id,
        error_count: errors.len(),
        trade_id: field(errors, "trade_id", &f.trade_id),
        trades: register::trades(&state.db)
            .await?
            .into_iter()
            .map(|t| Choice {
                value: t.id.to_string(),
                label: t.name,
            })
            .collect(),
        name: field(errors, "name", &f.name),
        unit: field(errors, "unit", &f.unit),
        tax_kind: field(errors, "tax_kind", &f.tax_kind),
        tax_kinds: TaxKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str().into(),
                label: match k {
                    TaxKind::Goods => "Barang".into(),
                    TaxKind::Services => "Jasa".into(),
                },
            })
            .collect(),
        active: !f.active.is_empty(),
    })
}

async fn validate_category(
    state: &AppState,
    f: &CategoryForm,
) -> Result<Result<CategoryFields, FieldErrors>, WebError> {
    let trades: Vec<i64> = register::trades(&state.db)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    Ok(parse_category(f, &trades))
}

pub async fn new_category(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let f = CategoryForm {
        unit: "paket".into(),
        tax_kind: "services".into(),
        active: "1".into(),
        ..CategoryForm::default()
    };
    Ok(render(&category_page(&state, &ctx, None, &f, &Vec::new()).await?)?.into_response())
}

pub async fn create_category(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::Form(f): axum::Form<CategoryForm>,
) -> Result<Response, WebError> {
    let fields = match validate_category(&state, &f).await? {
        Ok(v) => v,
        Err(errors) => {
            return unprocessable(&category_page(&state, &ctx, None, &f, &errors).await?);
        }
    };
    let id = match offices::create_category(&state.db, &fields, ctx.who()?).await? {
        Ok(id) => id,
        Err(errors) => {
            return unprocessable(&category_page(&state, &ctx, None, &f, &errors).await?);
        }
    };
    Ok(Redirect::to(&format!("/admin/pengadaan/jenis?pesan=dibuat#jenis-{id}")).into_response())
}

pub async fn edit_category(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let c = directory::procurement_category(&state.db, id).await?;
    let f = CategoryForm {
        trade_id: c.trade_id.to_string(),
        name: c.name,
        unit: c.unit,
        tax_kind: c.tax_kind,
        active: if c.active { "1".into() } else { String::new() },
    };
    Ok(render(&category_page(&state, &ctx, Some(id), &f, &Vec::new()).await?)?.into_response())
}

pub async fn update_category(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<CategoryForm>,
) -> Result<Response, WebError> {
    directory::procurement_category(&state.db, id).await?;
    let fields = match validate_category(&state, &f).await? {
        Ok(v) => v,
        Err(errors) => {
            return unprocessable(&category_page(&state, &ctx, Some(id), &f, &errors).await?);
        }
    };
    if let Err(errors) = offices::update_category(&state.db, id, &fields, ctx.who()?).await? {
        return unprocessable(&category_page(&state, &ctx, Some(id), &f, &errors).await?);
    }
    Ok(Redirect::to(&format!("/admin/pengadaan/jenis?pesan=disimpan#jenis-{id}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Settings

/// The settings groups in the form's order.
const GROUPS: [(&str, &str, &str, &[SettingField]); 3] = [
    (
        "rotasi",
        "Rotasi",
        "Bobot dan batas yang menentukan urutan usulan penyedia. Ditampilkan di halaman publik cara kerja rotasi.",
        RotationSettings::FIELDS,
    ),
    (
        "dokumen",
        "Dokumen dan pembayaran",
        "Batas nilai bentuk kontrak, pola nomor dokumen, batas waktu menjawab tawaran, dan target hari pembayaran.",
        DocumentRules::FIELDS,
    ),
    (
        "pajak",
        "Pajak",
        "Tarif dan aturan pemungutan/pemotongan pajak oleh bendahara. Tarif ditulis dalam persen, misalnya 11 atau 1,5.",
        TaxRules::FIELDS,
    ),
];

fn settings_page(
    ctx: &Ctx,
    values: &BTreeMap<String, String>,
    errors: &[(String, String)],
    notice: Option<&str>,
) -> SettingsPage {
    let defaults = gov_settings::default_pairs();
    let income_tax: Vec<Choice> = IncomeTax::ALL
        .iter()
        .map(|t| Choice {
            value: t.as_str().into(),
            label: t.label().into(),
        })
        .collect();
    let groups = GROUPS
        .iter()
        .map(|(anchor, title, intro, fields)| SettingsGroup {
            anchor,
            title,
            intro,
            rows: fields
                .iter()
                .map(|f| SettingRow {
                    key: f.key,
                    id: f.key.replace('.', "-"),
                    label: f.label,
                    help: f.help,
                    value: Field {
                        value: values.get(f.key).cloned().unwrap_or_default(),
                        error: errors
                            .iter()
                            .find(|(k, _)| k == f.key)
                            .map(|(_, m)| m.clone()),
                    },
                    default: tax::rate_in_form(
                        f.key,
                        &defaults.get(f.key).cloned().unwrap_or_default(),
                    ),
                    options: if f.key.ends_with("_income_tax") {
                        income_tax
                            .iter()
                            .map(|c| Choice {
                                value: c.value.clone(),
                                label: c.label.clone(),
                            })
                            .collect()
                    } else {
                        Vec::new()
                    },
                })
                .collect(),
        })
        .collect();
    SettingsPage {
        layout: ctx.layout("Pengaturan pengadaan").with_notice(notice),
        error_count: errors.len(),
        groups,
    }
}

pub async fn settings(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let current = gov_settings::current(&state.db).await?;
    let notice = (q.pesan == "disimpan").then_some("Pengaturan disimpan.");
    // Rates are stored in basis points and shown in percent.
    let shown = current
        .to_pairs()
        .into_iter()
        .map(|(k, v)| {
            let v = tax::rate_in_form(&k, &v);
            (k, v)
        })
        .collect();
    let page = settings_page(&ctx, &shown, &[], notice);
    Ok(render(&page)?.into_response())
}

pub async fn save_settings(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let posted = Posted(pairs);
    // Every key of every group, as typed; a key the form did not send keeps its stored value.
    let stored = gov_settings::current(&state.db).await?.to_pairs();
    let typed: BTreeMap<String, String> = GROUPS
        .iter()
        .flat_map(|(_, _, _, fields)| fields.iter())
        .map(|f| {
            let sent = posted.0.iter().any(|(k, _)| k == f.key);
            let value = if sent {
                posted.get(f.key).trim().to_owned()
            } else {
                stored.get(f.key).cloned().unwrap_or_default()
            };
            (f.key.to_owned(), value)
        })
        .collect();
    // Rates are typed in percent (a key not sent shows its stored value in percent too).
    let typed: BTreeMap<String, String> = typed
        .into_iter()
        .map(|(k, v)| {
            let sent = posted.0.iter().any(|(p, _)| *p == k);
            let v = if sent { v } else { tax::rate_in_form(&k, &v) };
            (k, v)
        })
        .collect();
    let mut rate_errors = Vec::new();
    let to_store: BTreeMap<String, String> = typed
        .iter()
        .map(|(k, v)| {
            let stored = tax::rate_from_form(k, v).unwrap_or_else(|m| {
                rate_errors.push((k.clone(), m));
                v.clone()
            });
            (k.clone(), stored)
        })
        .collect();
    let parsed = match ProcurementSettings::parse(&to_store) {
        Ok(p) if rate_errors.is_empty() => p,
        Ok(_) => return unprocessable(&settings_page(&ctx, &typed, &rate_errors, None)),
        Err(mut errors) => {
            errors.retain(|(k, _)| !rate_errors.iter().any(|(r, _)| r == k));
            errors.extend(rate_errors);
            return unprocessable(&settings_page(&ctx, &typed, &errors, None));
        }
    };
    offices::save_settings(&state.db, &parsed, ctx.who()?).await?;
    Ok(Redirect::to("/admin/pengadaan/pengaturan?pesan=disimpan").into_response())
}

// ---------------------------------------------------------------------------------------------
// The public page on how rotation works

/// Three imagined businesses for one request, ranked with the current settings.
fn worked_example(s: &RotationSettings) -> Vec<ExampleRow> {
    const DAY: i64 = 86_400;
    let now = 400 * DAY;
    let base = Candidate {
        business_id: 0,
        name: String::new(),
        home_kecamatan: "15.07.10".into(),
        verified: true,
        certified: true,
        active: true,
        serves_kecamatan: true,
        open_jobs: 0,
        capacity: 2,
        open_dispute_with_office: false,
        rating_tenths: None,
        rating_count: 0,
        last_office_job_at: None,
        eligible_since: now,
        value_this_year: 0,
    };
    let people = [
        (
            "Usaha A",
            Candidate {
                business_id: 1,
                home_kecamatan: "15.07.04".into(),
                rating_tenths: Some(49),
                rating_count: 30,
                last_office_job_at: Some(now - 10 * DAY),
                value_this_year: 4_000_000,
                ..base.clone()
            },
            vec![
                "pekerjaan OPD terakhir 10 hari lalu".to_owned(),
                "sudah menerima Rp4.000.000 tahun ini".to_owned(),
                "berdomisili di kecamatan lain".to_owned(),
                "rating 4,9 dari 30 ulasan".to_owned(),
            ],
        ),
        (
            "Usaha B",
            Candidate {
                business_id: 2,
                rating_tenths: Some(45),
                rating_count: 12,
                last_office_job_at: Some(now - 45 * DAY),
                value_this_year: 2_000_000,
                ..base.clone()
            },
            vec![
                "pekerjaan OPD terakhir 45 hari lalu".to_owned(),
                "sudah menerima Rp2.000.000 tahun ini".to_owned(),
                "berdomisili di Kec. Geragai".to_owned(),
                "rating 4,5 dari 12 ulasan".to_owned(),
            ],
        ),
        (
            "Usaha C",
            Candidate {
                business_id: 3,
                home_kecamatan: "15.07.04".into(),
                eligible_since: now - 20 * DAY,
                ..base.clone()
            },
            vec![
                "belum pernah mendapat pekerjaan OPD; terverifikasi 20 hari lalu".to_owned(),
                "belum menerima nilai pekerjaan OPD".to_owned(),
                "berdomisili di kecamatan lain".to_owned(),
                "belum ada ulasan".to_owned(),
            ],
        ),
    ];
    let cands: Vec<Candidate> = people.iter().map(|(_, c, _)| c.clone()).collect();
    let facts = RequestFacts {
        kecamatan_code: "15.07.10",
        kecamatan_name: "Geragai",
        now,
        already_asked: &[],
    };
    let ranking = rotation::rank(&cands, &facts, s);
    let mean = cands.iter().map(|c| c.value_this_year).sum::<i64>() / cands.len() as i64;
    ranking
        .proposals
        .iter()
        .filter_map(|p| {
            let (name, c, lines) = people
                .iter()
                .find(|(_, c, _)| c.business_id == p.business_id)?;
            // The score's parts, each computed by the rotation itself with the others zeroed.
            let part = |settings: RotationSettings| rotation::score(c, &facts, &settings, mean);
            let zero = RotationSettings {
                weight_wait_day: 0,
                weight_value: 0,
                weight_same_kecamatan: 0,
                weight_rating: 0,
                ..s.clone()
            };
            let wait = part(RotationSettings {
                weight_wait_day: s.weight_wait_day,
                ..zero.clone()
            });
            let value = part(RotationSettings {
                weight_value: s.weight_value,
                ..zero.clone()
            });
            let local = part(RotationSettings {
                weight_same_kecamatan: s.weight_same_kecamatan,
                ..zero.clone()
            });
            let rating = part(RotationSettings {
                weight_rating: s.weight_rating,
                ..zero.clone()
            });
            let signed = |n: i64| {
                if n < 0 {
                    format!("−{}", -n)
                } else {
                    format!("+{n}")
                }
            };
            Some(ExampleRow {
                rank: format!("{}", p.rank),
                name,
                facts: lines.clone(),
                score: p.score,
                score_text: if p.score < 0 {
                    format!("−{}", -p.score)
                } else {
                    p.score.to_string()
                },
                parts: format!(
                    "menunggu {} · nilai {} · kecamatan {} · rating {}",
                    signed(wait),
                    signed(value),
                    signed(local),
                    signed(rating)
                ),
            })
        })
        .collect()
}

/// Points the rotation takes from a business that received `times` the candidates' average
/// office value this year (the value rule alone, as `rotation::score` computes it).
fn value_penalty(s: &RotationSettings, times: i64) -> i64 {
    let only_value = RotationSettings {
        weight_wait_day: 0,
        weight_same_kecamatan: 0,
        weight_rating: 0,
        ..s.clone()
    };
    let mean = 1_000_000;
    let c = Candidate {
        business_id: 1,
        name: String::new(),
        home_kecamatan: String::new(),
        verified: true,
        certified: true,
        active: true,
        serves_kecamatan: true,
        open_jobs: 0,
        capacity: 1,
        open_dispute_with_office: false,
        rating_tenths: None,
        rating_count: 0,
        last_office_job_at: None,
        eligible_since: 0,
        value_this_year: mean * times,
    };
    let facts = RequestFacts {
        kecamatan_code: "-",
        kecamatan_name: "-",
        now: 0,
        already_asked: &[],
    };
    -rotation::score(&c, &facts, &only_value, mean)
}

pub async fn how_it_works(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let s = gov_settings::current(&state.db).await?;
    let r = &s.rotation;
    let d = &s.documents;
    let page = HowPage {
        layout: ctx.layout("Cara kerja rotasi pekerjaan OPD"),
        weight_wait_day: r.weight_wait_day,
        wait_cap_days: r.wait_cap_days,
        value_at_mean: value_penalty(r, 1),
        value_at_double: value_penalty(r, 2),
        weight_same_kecamatan: r.weight_same_kecamatan,
        weight_rating: r.weight_rating,
        floor: format!(
            "{},{}",
            r.rating_floor_tenths / 10,
            r.rating_floor_tenths % 10
        ),
        floor_min_reviews: r.floor_min_reviews,
        proposals_shown: r.proposals_shown,
        offer_hours: d.offer_hours,
        late_payment_days: d.late_payment_days,
        receipt_max: rupiah(d.receipt_max),
        kuitansi_max: rupiah(d.kuitansi_max),
        spk_max: rupiah(d.spk_max),
        example: worked_example(r),
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// The head's view

pub async fn performance(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let year = year_of(&q.tahun);
    let settings = gov_settings::current(&state.db).await?;
    let late_days = settings.documents.late_payment_days;
    let report = gov_stats::year_report(&state.db, year, None, late_days, today_wib()).await?;
    let total = district_total(&report.offices);
    let mut ranked: Vec<&OfficeYear> = report.offices.iter().collect();
    // Offices with a budget by share (highest first), then those without, by value.
    ranked.sort_by(|a, b| {
        match (a.budget_share_permille(), b.budget_share_permille()) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => b.contracted.cmp(&a.contracted),
        }
        .then(a.name.cmp(&b.name))
    });
    let group = |g: gov_stats::GroupTotal| GroupRow {
        name: if g.name.is_empty() {
            "(tanpa kecamatan)".into()
        } else {
            g.name
        },
        jobs: g.jobs,
        value: rupiah(g.value),
        businesses: g.businesses,
    };
    // The needs matrix: a column per kind of work any office declared a need for.
    let mut columns: Vec<(i64, (String, String))> = Vec::new();
    for n in ranked.iter().flat_map(|o| o.needs.iter()) {
        if !columns.iter().any(|(id, _)| *id == n.category_id) {
            columns.push((n.category_id, (n.category.clone(), n.unit.clone())));
        }
    }
    columns.sort_by(|a, b| a.1.cmp(&b.1));
    let need_rows = ranked
        .iter()
        .filter(|o| !o.needs.is_empty())
        .map(|o| {
            let stats = office_stats(o);
            NeedMatrixRow {
                office_id: o.office_id,
                name: o.name.clone(),
                cells: columns
                    .iter()
                    .map(|(id, _)| {
                        o.needs
                            .iter()
                            .position(|n| n.category_id == *id)
                            .map(|i| NeedView {
                                category: stats.needs[i].category.clone(),
                                unit: stats.needs[i].unit.clone(),
                                need: stats.needs[i].need.clone(),
                                served: stats.needs[i].served.clone(),
                                percent: stats.needs[i].percent,
                            })
                    })
                    .collect(),
            }
        })
        .collect();
    let ranking: Vec<OfficeStats> = ranked.iter().map(|o| office_stats(o)).collect();
    let page = PerformancePage {
        layout: ctx.layout(format!("Kinerja pengadaan OPD {year}")),
        year,
        years: year_choices(year, &[]),
        late_days,
        active: ranked
            .iter()
            .filter(|o| o.requests > 0)
            .map(|o| office_stats(o))
            .collect(),
        idle: ranked
            .iter()
            .filter(|o| o.requests == 0)
            .map(|o| o.name.clone())
            .collect(),
        need_columns: columns.into_iter().map(|(_, name)| name).collect(),
        need_rows,
        ranking,
        total: office_stats(&total),
        by_kecamatan: gov_stats::totals_by_kecamatan(&state.db, year)
            .await?
            .into_iter()
            .map(group)
            .collect(),
        by_trade: gov_stats::totals_by_trade(&state.db, year)
            .await?
            .into_iter()
            .map(group)
            .collect(),
        late: report.late.iter().map(late_row).collect(),
        decliners: gov_stats::decliners(&state.db, year, 50)
            .await?
            .into_iter()
            .map(|d| DeclinerRow {
                percent: d.percent(),
                business_id: d.business_id,
                name: d.name,
                trade: d.trade,
                kecamatan: d.kecamatan,
                offers: d.offers,
                declined: d.declined,
                expired: d.expired,
            })
            .collect(),
        open_appeals: gov_stats::open_appeals(&state.db).await?,
        printed_on: format_date(today_wib()),
    };
    Ok(render(&page)?.into_response())
}

/// The district as one office: sums of every office's numbers.
fn district_total(offices: &[OfficeYear]) -> OfficeYear {
    let mut t = OfficeYear {
        name: "Seluruh OPD".into(),
        ..OfficeYear::default()
    };
    for o in offices {
        t.requests += o.requests;
        t.completed += o.completed;
        t.contracted_count += o.contracted_count;
        t.contracted += o.contracted;
        t.paid += o.paid;
        t.budget += o.budget;
        t.paid_after_bast += o.paid_after_bast;
        t.days_to_pay_total += o.days_to_pay_total;
        t.late += o.late;
        t.chosen += o.chosen;
        t.overrides += o.overrides;
    }
    t
}

// ---------------------------------------------------------------------------------------------
// Rotation appeals

fn appeal_view(a: gov_stats::Appeal, field: Field) -> AppealView {
    AppealView {
        rating: match a.rating_tenths() {
            Some(t) => format!(
                "rating {},{} dari {} ulasan",
                t / 10,
                t % 10,
                a.rating_count
            ),
            None => "belum ada ulasan".into(),
        },
        id: a.id,
        business_id: a.business_id,
        business: a.business,
        owner: a.owner,
        note: a.note,
        created: format_instant(a.created_at),
        answer: a.answer,
        answered_by: a.answered_by,
        answered: a.answered_at.map(format_instant).unwrap_or_default(),
        field,
    }
}

async fn appeals_page(
    state: &AppState,
    ctx: &Ctx,
    refused: Option<(i64, Field)>,
    notice: Option<&str>,
) -> Result<AppealsPage, WebError> {
    let floor = gov_settings::current(&state.db)
        .await?
        .rotation
        .rating_floor_tenths;
    let (mut open, mut answered) = (Vec::new(), Vec::new());
    for a in gov_stats::appeals(&state.db).await? {
        let field = match &refused {
            Some((id, f)) if *id == a.id => f.clone(),
            _ => Field::default(),
        };
        if a.answered_at.is_some() {
            answered.push(appeal_view(a, field));
        } else {
            open.push(appeal_view(a, field));
        }
    }
    Ok(AppealsPage {
        layout: ctx.layout("Keberatan rotasi").with_notice(notice),
        open,
        answered,
        floor: format!("{},{}", floor / 10, floor % 10),
    })
}

pub async fn appeals(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let notice = match q.pesan.as_str() {
        "dijawab" => Some("Jawaban disimpan."),
        "sudah" => Some("Keberatan ini sudah dijawab sebelumnya; jawaban tidak diubah."),
        _ => None,
    };
    Ok(render(&appeals_page(&state, &ctx, None, notice).await?)?.into_response())
}

#[derive(Deserialize, Default)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

pub async fn answer_appeal(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<AnswerForm>,
) -> Result<Response, WebError> {
    gov_stats::appeal(&state.db, id).await?;
    let answer = match parse_answer(&f.answer) {
        Ok(a) => a,
        Err(m) => {
            let field = Field {
                value: f.answer.clone(),
                error: Some(m.into()),
            };
            return unprocessable(&appeals_page(&state, &ctx, Some((id, field)), None).await?);
        }
    };
    let written = offices::answer_appeal(&state.db, id, &answer, ctx.who()?).await?;
    let pesan = if written { "dijawab" } else { "sudah" };
    Ok(Redirect::to(&format!(
        "/admin/pengadaan/banding?pesan={pesan}#keberatan-{id}"
    ))
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// An office's own page (`/opd/{id}`, routed in `crate::routes`, handled in `web::offices`)

/// The office's fiscal-year summary, the same numbers as the head's view.
pub async fn office_year(
    state: &AppState,
    office_id: i64,
    year: i64,
) -> Result<(OfficeStats, Vec<LateRow>, i64), WebError> {
    let late_days = gov_settings::current(&state.db)
        .await?
        .documents
        .late_payment_days;
    let report =
        gov_stats::year_report(&state.db, year, Some(office_id), late_days, today_wib()).await?;
    let office = report
        .offices
        .into_iter()
        .next()
        .ok_or(WebError::NotFound)?;
    Ok((
        office_stats(&office),
        report.late.iter().map(late_row).collect(),
        late_days,
    ))
}

#[cfg(test)]
mod tests {
    use super::forms::*;
    use super::{RotationSettings, value_penalty, worked_example};

    #[test]
    fn the_public_page_states_the_value_rule_as_the_rotation_scores_it() {
        let s = RotationSettings::default();
        let at_mean = value_penalty(&s, 1);
        assert!(at_mean > 0);
        assert_eq!(value_penalty(&s, 2), 2 * at_mean);
        let off = RotationSettings {
            weight_value: 0,
            ..s.clone()
        };
        assert_eq!(value_penalty(&off, 1), 0);
        // The worked example ranks with the same settings: ranks 1..3, scores falling.
        let example = worked_example(&s);
        let ranks: Vec<&str> = example.iter().map(|e| e.rank.as_str()).collect();
        assert_eq!(ranks, ["1", "2", "3"]);
        assert!(example.windows(2).all(|w| w[0].score >= w[1].score));
    }

    fn office_form() -> OfficeForm {
        OfficeForm {
            name: "Dinas Tenaga Kerja".into(),
            code: "disnaker".into(),
            kind: "dinas".into(),
            kecamatan: "15.07.01".into(),
            head_name: "Budi".into(),
            head_nip: "19800101 200501 1 001".into(),
            ..OfficeForm::default()
        }
    }

    #[test]
    fn office_form_cleans_and_uppercases() {
        let o = parse_office(&office_form(), &["15.07.01".into()]).expect("valid");
        assert_eq!(o.code, "DISNAKER");
        assert_eq!(o.head_nip, "198001012005011001");
        assert_eq!(o.kecamatan_code.as_deref(), Some("15.07.01"));
    }

    #[test]
    fn office_form_refuses_bad_nip_code_and_nameless_nip() {
        let f = OfficeForm {
            code: "SET/DA".into(),
            head_nip: "12345".into(),
            ppk_nip: "198001012005011001".into(),
            kecamatan: "99.99.99".into(),
            ..office_form()
        };
        let errors = parse_office(&f, &["15.07.01".into()]).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["code", "kecamatan", "head_nip", "ppk_name"]);
        assert_eq!(errors[2].1, "NIP harus 18 digit.");
    }

    #[test]
    fn quantities_take_thousand_dots() {
        assert_eq!(quantity("2.000"), Ok(2000));
        assert_eq!(quantity(" 40 "), Ok(40));
        assert!(quantity("0").is_err());
        assert!(quantity("2,5").is_err());
        assert!(quantity("2.00").is_err());
        assert!(quantity("20000000").is_err());
    }

    #[test]
    fn needs_form_keeps_filled_rows_and_reports_per_category() {
        let posted: Vec<(String, String)> = vec![
            ("qty_1".into(), "80".into()),
            ("note_1".into(), "40 unit, dua kali setahun".into()),
            ("qty_2".into(), "".into()),
            ("qty_3".into(), "".into()),
            ("note_3".into(), "catatan saja".into()),
        ];
        let errors = parse_needs(&posted, &[1, 2, 3]).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].0, errors[0].1), (3, "qty"));
        let ok = parse_needs(&posted[..4], &[1, 2]).expect("valid");
        assert_eq!(ok.len(), 1);
        assert_eq!((ok[0].category_id, ok[0].quantity), (1, 80));
    }

    #[test]
    fn account_codes() {
        assert_eq!(
            account_code("5.1.02.01.01.0024"),
            Ok("5.1.02.01.01.0024".into())
        );
        assert!(account_code("5.1..02").is_err());
        assert!(account_code("5-1-02").is_err());
        assert!(account_code("").is_err());
    }

    #[test]
    fn budget_line_form() {
        let f = BudgetLineForm {
            tahun: "2026".into(),
            account_code: "5.1.02.03.02.0121".into(),
            line_name: "Belanja Pemeliharaan AC".into(),
            ceiling: "25.000.000".into(),
        };
        assert_eq!(parse_budget_line(&f).expect("valid").ceiling, 25_000_000);
        let bad = BudgetLineForm {
            ceiling: "25 juta".into(),
            line_name: String::new(),
            ..f
        };
        let fields: Vec<&str> = parse_budget_line(&bad)
            .unwrap_err()
            .iter()
            .map(|(f, _)| *f)
            .collect();
        assert_eq!(fields, ["line_name", "ceiling"]);
    }

    #[test]
    fn category_form() {
        let f = CategoryForm {
            trade_id: "3".into(),
            name: "Servis AC".into(),
            unit: "unit".into(),
            tax_kind: "services".into(),
            active: "1".into(),
        };
        let c = parse_category(&f, &[3]).expect("valid");
        assert!(c.active);
        let errors = parse_category(
            &CategoryForm {
                trade_id: "4".into(),
                tax_kind: "both".into(),
                ..f
            },
            &[3],
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["trade_id", "tax_kind"]);
    }

    #[test]
    fn answers_are_required_and_bounded() {
        assert!(parse_answer("  ").is_err());
        assert_eq!(
            parse_answer(" Baik, kami tinjau. "),
            Ok("Baik, kami tinjau.".into())
        );
        assert!(parse_answer(&"x".repeat(1001)).is_err());
    }
}
