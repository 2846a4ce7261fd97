//! Open procurement data, public: the page of completed office purchases, the same purchases
//! as an OCDS 1.1 release package (`/api/v1/procurement.json`, in the OpenAPI document), and
//! the published documents' PDFs (Surat Pesanan, SPK, BAST; never an invoice or receipt).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use super::api::ApiError;
use super::{AppState, Ctx, WebError, render};
use crate::db::open_data::{self, Filter};
use crate::db::{DbError, procurement};
use crate::domain::dates::format_date;
use crate::ocds::{self, Publisher, Purchase, redact_nik_like};
use crate::pdf::rupiah;
use crate::views::Choice;
use crate::views::open_data::{DocumentLink, OpenDataPage, PurchaseCard};

/// The path of the JSON package.
pub const JSON_PATH: &str = "/api/v1/procurement.json";

/// The answer when no purchase is published yet (the OCDS schema requires one release, so an
/// empty package is not served).
pub const NO_PURCHASE: &str = "Belum ada pengadaan OPD yang selesai.";
const NO_PURCHASE_FILTERED: &str = "Belum ada pengadaan OPD yang selesai untuk saringan ini.";

/// The OCDS ocid prefix of this instance: `ocds-kry` and the digits of its first kabupaten
/// code (`15.07` → `ocds-kry1507`). Not a prefix registered with the Open Contracting
/// Partnership; an instance that registers one would publish under that instead.
pub fn ocid_prefix(kabupaten: &[String]) -> String {
    let digits: String = kabupaten
        .first()
        .map(|c| c.chars().filter(char::is_ascii_alphanumeric).collect())
        .unwrap_or_default();
    format!("ocds-kry{}", digits.to_lowercase())
}

/// The filters as query parameters: `?tahun=2026&opd=3`.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct DataParams {
    /// Fiscal year of the purchases (tahun anggaran), e.g. 2026.
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub tahun: Option<String>,
    /// Id of the buying office (OPD).
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub opd: Option<String>,
}

/// The page's query: the same filters and the page number.
#[derive(Deserialize, Default)]
pub struct PageParams {
    #[serde(default)]
    pub tahun: Option<String>,
    #[serde(default)]
    pub opd: Option<String>,
    #[serde(default)]
    pub halaman: Option<String>,
}

/// Purchases per page (a multiple of the two and three columns of wider screens).
pub const PER_PAGE: usize = 24;

/// What a filter value was: nothing, a usable number, or something else.
enum Param {
    Absent,
    Value(i64),
    Invalid,
}

fn param(raw: &Option<String>, valid: impl Fn(i64) -> bool) -> Param {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Param::Absent,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if valid(n) => Param::Value(n),
            _ => Param::Invalid,
        },
    }
}

fn year_param(raw: &Option<String>) -> Param {
    param(raw, |y| (2000..=2100).contains(&y))
}

fn office_param(raw: &Option<String>) -> Param {
    param(raw, |id| id > 0)
}

/// The query string for a filter (empty, or `?tahun=…&opd=…`).
fn query_string(filter: Filter) -> String {
    page_query(filter, 1)
}

/// The query string for a page of the filtered list (page 1 is left out).
fn page_query(filter: Filter, page: usize) -> String {
    let mut parts = Vec::new();
    if let Some(y) = filter.year {
        parts.push(format!("tahun={y}"));
    }
    if let Some(o) = filter.office_id {
        parts.push(format!("opd={o}"));
    }
    if page > 1 {
        parts.push(format!("halaman={page}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

fn base(state: &AppState) -> &str {
    state.settings.public_url.trim_end_matches('/')
}

/// Completes what the database leaves to the web layer: the office's region and absolute
/// document links.
fn complete(state: &AppState, purchases: &mut [Purchase]) {
    let base = base(state);
    let region = &state.settings.instance.district_name;
    for p in purchases {
        p.office.region.clone_from(region);
        for d in &mut p.documents {
            if d.url.starts_with('/') {
                d.url = format!("{base}{}", d.url);
            }
        }
    }
}

fn json_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(ApiError {
            error: message.to_owned(),
        }),
    )
        .into_response()
}

fn json_db_error(e: DbError) -> Response {
    match e {
        DbError::Unavailable(m) => {
            tracing::warn!(error = %m, "open data: database unavailable");
            json_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "Basis data sedang tidak dapat dihubungi.",
            )
        }
        other => {
            tracing::error!(error = %other, "open data: database error");
            json_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Terjadi kesalahan di server.",
            )
        }
    }
}

/// Completed office purchases as an Open Contracting Data Standard 1.1 release package.
///
/// One release per purchase (office request paid or completed): the direct procurement
/// (`tender.procurementMethod` = `direct`, the document form in `procurementMethodDetails`),
/// the buying office and the alumni business as parties (the business by name and Karya id
/// only, never a NIK), the items, the award, the contract with its Surat Pesanan / SPK / BAST,
/// and the treasurer's payments as implementation transactions. Validates against the official
/// release-package schema (<https://standard.open-contracting.org/1.1/en/schema/release_package/>).
#[utoipa::path(
    get,
    path = "/api/v1/procurement.json",
    tag = "pengadaan",
    params(DataParams),
    responses(
        (status = 200, description = "Paket rilis OCDS 1.1 (release package) dengan satu rilis per pembelian OPD yang selesai", content_type = "application/json", body = Object),
        (status = 404, description = "Belum ada pengadaan OPD yang selesai (untuk saringan ini): skema OCDS mewajibkan minimal satu rilis, jadi paket kosong tidak diterbitkan", body = ApiError),
        (status = 422, description = "Parameter tidak valid", body = ApiError)
    )
)]
pub async fn procurement_json(
    State(state): State<AppState>,
    Query(p): Query<DataParams>,
) -> Response {
    let year = match year_param(&p.tahun) {
        Param::Absent => None,
        Param::Value(y) => Some(y),
        Param::Invalid => {
            return json_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "tahun harus tahun empat angka, mis. 2026.",
            );
        }
    };
    let office_id = match office_param(&p.opd) {
        Param::Absent => None,
        Param::Value(o) => Some(o),
        Param::Invalid => {
            return json_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "opd harus nomor OPD (bilangan bulat positif).",
            );
        }
    };
    let filter = Filter { year, office_id };
    let mut purchases = match open_data::purchases(&state.db, filter).await {
        Ok(p) => p,
        Err(e) => return json_db_error(e),
    };
    let Some(published) = open_data::latest_change(&purchases) else {
        let message = if filter == Filter::default() {
            NO_PURCHASE
        } else {
            NO_PURCHASE_FILTERED
        };
        return json_error(StatusCode::NOT_FOUND, message);
    };
    complete(&state, &mut purchases);
    let base = base(&state);
    let instance = &state.settings.instance;
    let publisher = Publisher {
        name: format!("{} {}", instance.agency_name, instance.district_name),
        uri: format!("{base}/"),
    };
    let package = ocds::release_package(
        &publisher,
        &ocid_prefix(&instance.kabupaten),
        &format!("{base}{JSON_PATH}{}", query_string(filter)),
        published,
        &purchases,
    );
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        Json(package),
    )
        .into_response()
}

fn wib_date(t: time::OffsetDateTime) -> String {
    format_date(t.to_offset(crate::domain::dates::WIB).date())
}

fn card(prefix: &str, p: &Purchase) -> PurchaseCard {
    let items = p
        .items
        .iter()
        .map(|i| format!("{} {} {}", i.quantity, i.unit, i.description))
        .collect::<Vec<_>>()
        .join("; ");
    let category = p
        .items
        .first()
        .map(|i| i.category.clone())
        .unwrap_or_default();
    PurchaseCard {
        request_id: p.request_id,
        ocid: ocds::ocid(prefix, p.request_id),
        ordered: wib_date(p.ordered_at),
        office: redact_nik_like(&p.office.name),
        title: redact_nik_like(&p.title),
        category: redact_nik_like(&category),
        items: redact_nik_like(&items),
        business_id: p.supplier.business_id,
        business: redact_nik_like(&p.supplier.name),
        business_kecamatan: p.supplier.kecamatan.clone(),
        value: rupiah(p.value),
        form: if p.document_form.is_empty() {
            "Pengadaan langsung".into()
        } else {
            p.document_form.clone()
        },
        paid: p
            .payments
            .iter()
            .map(|pay| pay.paid_on)
            .max()
            .map(format_date),
        documents: p
            .documents
            .iter()
            .map(|d| DocumentLink {
                href: d.url.clone(),
                kind: d.kind.clone(),
                number_parts: d.number.split('/').map(str::to_owned).collect(),
            })
            .collect(),
    }
}

/// The public page: completed purchases with filters, totals and the link to the JSON.
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(p): Query<PageParams>,
) -> Result<Response, WebError> {
    // A filter value that is not a number is simply no filter on the page.
    let filter = Filter {
        year: match year_param(&p.tahun) {
            Param::Value(y) => Some(y),
            _ => None,
        },
        office_id: match office_param(&p.opd) {
            Param::Value(o) => Some(o),
            _ => None,
        },
    };
    let purchases = open_data::purchases(&state.db, filter).await?;
    let choices = open_data::choices(&state.db).await?;
    let prefix = ocid_prefix(&state.settings.instance.kabupaten);
    let office_name = filter.office_id.map(|id| {
        choices
            .offices
            .iter()
            .find(|(o, _)| *o == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| format!("OPD #{id}"))
    });
    let filter_text = [
        filter.year.map(|y| format!("tahun anggaran {y}")),
        office_name,
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let total: i64 = purchases.iter().map(|p| p.value).sum();
    let suppliers = purchases
        .iter()
        .map(|p| p.supplier.business_id)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let office_count = purchases
        .iter()
        .map(|p| p.office.id)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let pages = purchases.len().div_ceil(PER_PAGE).max(1);
    let current = p
        .halaman
        .as_deref()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let link = |n: usize| format!("/pengadaan/data{}", page_query(filter, n));
    let page = OpenDataPage {
        layout: ctx.layout(if current > 1 {
            format!("Data Terbuka Pengadaan OPD — halaman {current}")
        } else {
            "Data Terbuka Pengadaan OPD".to_owned()
        }),
        purchases: purchases
            .iter()
            .skip((current - 1) * PER_PAGE)
            .take(PER_PAGE)
            .map(|p| card(&prefix, p))
            .collect(),
        page: current,
        pages,
        prev: (current > 1).then(|| link(current - 1)),
        next: (current < pages).then(|| link(current + 1)),
        years: choices
            .years
            .iter()
            .map(|y| Choice {
                value: y.to_string(),
                label: y.to_string(),
            })
            .collect(),
        offices: choices
            .offices
            .iter()
            .map(|(id, name)| Choice {
                value: id.to_string(),
                label: name.clone(),
            })
            .collect(),
        year: filter.year.map(|y| y.to_string()).unwrap_or_default(),
        office: filter.office_id.map(|o| o.to_string()).unwrap_or_default(),
        filter_text,
        count: purchases.len(),
        total: rupiah(total),
        total_short: crate::domain::rupiah::short_amount(total),
        suppliers,
        office_count,
        json_href: format!("{JSON_PATH}{}", query_string(filter)),
    };
    Ok(render(&page)?.into_response())
}

/// A file name from a document number: `027/SP/SETDA/XI/2026` → `027-SP-SETDA-XI-2026.pdf`.
pub fn pdf_file_name(number: &str) -> String {
    let name: String = number
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_matches(|c| c == '-' || c == '.');
    if name.is_empty() {
        "dokumen.pdf".into()
    } else {
        format!("{name}.pdf")
    }
}

/// A published document's PDF: Surat Pesanan, SPK or BAST, not voided, of a completed
/// purchase. Anything else is not found.
pub async fn document(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = super::catalog::id_of(&id)?;
    let Some(number) = open_data::public_document(&state.db, id).await? else {
        return Err(WebError::NotFound);
    };
    let pdf = procurement::document_pdf(&state.db, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}\"", pdf_file_name(&number)),
            ),
            (header::CACHE_CONTROL, "public, max-age=300".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        pdf,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_data_ocid_prefix_from_the_kabupaten() {
        assert_eq!(ocid_prefix(&["15.07".into()]), "ocds-kry1507");
        assert_eq!(
            ocid_prefix(&["15.07".into(), "15.06".into()]),
            "ocds-kry1507"
        );
        assert_eq!(ocid_prefix(&[]), "ocds-kry");
    }

    #[test]
    fn open_data_file_name_from_the_number() {
        assert_eq!(
            pdf_file_name("027/SP/DISNAKERTRANS/XI/2026"),
            "027-SP-DISNAKERTRANS-XI-2026.pdf"
        );
        assert_eq!(pdf_file_name("a\"b;c"), "a-b-c.pdf");
        assert_eq!(pdf_file_name("///"), "dokumen.pdf");
    }

    #[test]
    fn open_data_short_amounts() {
        assert_eq!(crate::domain::rupiah::short_amount(950_000), "950.000");
        assert_eq!(crate::domain::rupiah::short_amount(1_250_000), "1,3 juta");
        assert_eq!(crate::domain::rupiah::short_amount(123_450_000), "123 juta");
        assert_eq!(crate::domain::rupiah::short_amount(99_960_000), "100 juta");
        assert_eq!(crate::domain::rupiah::short_amount(2_000_000), "2 juta");
        assert_eq!(
            crate::domain::rupiah::short_amount(1_250_000_000),
            "1,3 miliar"
        );
        assert_eq!(crate::domain::rupiah::short_amount(999_600_000), "1 miliar");
    }

    #[test]
    fn open_data_query_string() {
        assert_eq!(query_string(Filter::default()), "");
        assert_eq!(
            query_string(Filter {
                year: Some(2026),
                office_id: Some(3)
            }),
            "?tahun=2026&opd=3"
        );
        assert!(matches!(year_param(&Some("20x6".into())), Param::Invalid));
        assert!(matches!(year_param(&Some(" ".into())), Param::Absent));
        assert!(matches!(office_param(&Some("-1".into())), Param::Invalid));
        assert!(matches!(office_param(&Some("7".into())), Param::Value(7)));
        assert_eq!(
            page_query(
                Filter {
                    year: None,
                    office_id: Some(3)
                },
                2
            ),
            "?opd=3&halaman=2"
        );
        assert_eq!(page_query(Filter::default(), 1), "");
    }
}
