//! Open procurement data: every completed office purchase (request state `paid` or
//! `completed`) read as the plain structs `crate::ocds` publishes, in four queries whatever the
//! number of purchases (requests, items, documents, payments).
//!
//! Only what may be public is read: the office, the business by name, Karya id and kecamatan
//! (never the owner, a NIK, an NPWP or a bank account), the items with their agreed unit
//! prices, the documents that are published (Surat Pesanan, SPK, BAST; not invoices or
//! receipts, which carry bank and tax details), and the payments that were not voided.
//!
//! Two things the database does not know are left to the web layer: each document's `url` is
//! the site-relative path of its public PDF ([`document_path`]), to be prefixed with the public
//! base URL, and `office.region` is empty, to be filled with the instance's district name.

use std::collections::HashMap;

use sqlx::Row;
use time::OffsetDateTime;

use super::{Db, DbResult};
use crate::ocds::{DocumentRef, Item, OfficeParty, Payment, Purchase, SupplierParty};

/// Request states whose purchase is published: the work was handed over (BAST) and paid
/// (`request::State::is_purchase_done`), as an SQL list.
pub fn published_states() -> String {
    super::procurement::states_where(crate::domain::procurement::request::State::is_purchase_done)
}

/// Which purchases to read; `None` is no restriction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    /// The request's fiscal year.
    pub year: Option<i64>,
    pub office_id: Option<i64>,
}

/// Document kinds (stored codes) published with the purchase and downloadable by anyone.
pub const PUBLIC_KINDS: [&str; 3] = ["sp", "spk", "bast"];

/// Whether a stored document kind is published.
pub fn is_public_kind(kind: &str) -> bool {
    PUBLIC_KINDS.contains(&kind)
}

/// The site-relative path of a published document's PDF.
pub fn document_path(document_id: i64) -> String {
    format!("/pengadaan/data/dokumen/{document_id}")
}

/// The short label of a published document kind, as `ocds` understands it.
fn public_label(kind: &str) -> &'static str {
    match kind {
        "sp" => "Surat Pesanan",
        "spk" => "SPK",
        _ => "BAST",
    }
}

/// The proof of agreement of a direct purchase (Perpres 16/2018 Pasal 28), from the kinds of
/// its documents that were not voided: an SPK when there is one, else the receipt's form.
pub fn document_form<'a>(kinds: impl IntoIterator<Item = &'a str>) -> &'static str {
    let kinds: Vec<&str> = kinds.into_iter().collect();
    if kinds.contains(&"spk") {
        "SPK"
    } else if kinds.contains(&"kuitansi") {
        "Kuitansi"
    } else if kinds.contains(&"bukti") {
        "Bukti pembelian"
    } else {
        ""
    }
}

/// The WHERE clause shared by the four queries (`q` is the request): published states and the
/// filter as `$1` (year, 0 = any) and `$2` (office, 0 = any).
fn scope() -> String {
    let published = published_states();
    format!(
        "q.state IN ({published}) AND ($1 = 0 OR q.fiscal_year = $1) \
         AND ($2 = 0 OR q.office_id = $2)"
    )
}

fn instant(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Completed office purchases, the latest order first.
pub async fn purchases(db: &Db, filter: Filter) -> DbResult<Vec<Purchase>> {
    let year = filter.year.unwrap_or(0);
    let office = filter.office_id.unwrap_or(0);
    let scope = scope();

    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT q.id, q.title, q.hps, q.quoted_total, q.created_at, q.updated_at, \
         COALESCE(q.ordered_at, q.created_at) AS ordered_at, \
         COALESCE(q.bast_at, q.done_at, q.updated_at) AS bast_at, \
         c.name AS category, c.tax_kind, \
         o.id AS office_id, o.code AS office_code, o.name AS office_name, o.address AS office_address, \
         COALESCE(ok.name, '') AS office_kecamatan, \
         b.id AS business_id, b.name AS business_name, COALESCE(bk.name, '') AS business_kecamatan \
         FROM office_requests q \
         JOIN offices o ON o.id = q.office_id \
         JOIN procurement_categories c ON c.id = q.category_id \
         JOIN businesses b ON b.id = q.business_id \
         LEFT JOIN regions ok ON ok.code = o.kecamatan_code \
         LEFT JOIN regions bk ON bk.code = b.kecamatan_code \
         WHERE {scope} ORDER BY COALESCE(q.ordered_at, q.created_at) DESC, q.id DESC"
    )))
    .bind(year)
    .bind(office)
    .fetch_all(db.pool())
    .await?;

    let mut items: HashMap<i64, Vec<Item>> = HashMap::new();
    for r in sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT i.request_id, i.description, i.quantity, i.unit, i.unit_price, c.name AS category \
         FROM office_request_items i JOIN office_requests q ON q.id = i.request_id \
         JOIN procurement_categories c ON c.id = q.category_id \
         WHERE {scope} ORDER BY i.request_id, i.id"
    )))
    .bind(year)
    .bind(office)
    .fetch_all(db.pool())
    .await?
    {
        items
            .entry(r.try_get("request_id")?)
            .or_default()
            .push(Item {
                description: r.try_get("description")?,
                quantity: r.try_get("quantity")?,
                unit: r.try_get("unit")?,
                unit_price: r.try_get::<Option<i64>, _>("unit_price")?.unwrap_or(0),
                category: r.try_get("category")?,
            });
    }

    // Every live document: all kinds decide the document form, the public ones are listed.
    let mut kinds: HashMap<i64, Vec<String>> = HashMap::new();
    let mut documents: HashMap<i64, Vec<DocumentRef>> = HashMap::new();
    for r in sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT d.id, d.request_id, d.kind, d.number, d.issued_at \
         FROM office_documents d JOIN office_requests q ON q.id = d.request_id \
         WHERE d.voided_at IS NULL AND {scope} ORDER BY d.request_id, d.issued_at, d.id"
    )))
    .bind(year)
    .bind(office)
    .fetch_all(db.pool())
    .await?
    {
        let request_id: i64 = r.try_get("request_id")?;
        let kind: String = r.try_get("kind")?;
        if is_public_kind(&kind) {
            documents.entry(request_id).or_default().push(DocumentRef {
                number: r.try_get("number")?,
                kind: public_label(&kind).to_owned(),
                issued: instant(r.try_get("issued_at")?),
                url: document_path(r.try_get("id")?),
            });
        }
        kinds.entry(request_id).or_default().push(kind);
    }

    let mut payments: HashMap<i64, Vec<Payment>> = HashMap::new();
    for r in sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT p.id, p.request_id, p.paid_on, p.gross, p.withheld, p.net \
         FROM office_payments p JOIN office_requests q ON q.id = p.request_id \
         WHERE p.voided_at IS NULL AND {scope} ORDER BY p.request_id, p.paid_on, p.id"
    )))
    .bind(year)
    .bind(office)
    .fetch_all(db.pool())
    .await?
    {
        let paid_on: String = r.try_get("paid_on")?;
        let Some(paid_on) = crate::domain::dates::parse_iso(&paid_on) else {
            tracing::warn!(
                paid_on,
                "open data: payment with an unreadable date left out"
            );
            continue;
        };
        payments
            .entry(r.try_get("request_id")?)
            .or_default()
            .push(Payment {
                id: r.try_get("id")?,
                paid_on,
                gross: r.try_get("gross")?,
                withheld: r.try_get("withheld")?,
                net: r.try_get("net")?,
            });
    }

    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            let items = items.remove(&id).unwrap_or_default();
            let kinds = kinds.remove(&id).unwrap_or_default();
            let category: String = r.try_get("category")?;
            let description = describe(&category, &items);
            let value = match r.try_get::<Option<i64>, _>("quoted_total")? {
                Some(v) => v,
                None => items
                    .iter()
                    .map(|i| i.unit_price.saturating_mul(i.quantity))
                    .sum(),
            };
            Ok(Purchase {
                request_id: id,
                title: r.try_get("title")?,
                description,
                category: r.try_get("tax_kind")?,
                office: OfficeParty {
                    id: r.try_get("office_id")?,
                    code: r.try_get("office_code")?,
                    name: r.try_get("office_name")?,
                    address: r.try_get("office_address")?,
                    kecamatan: r.try_get("office_kecamatan")?,
                    region: String::new(),
                },
                supplier: SupplierParty {
                    business_id: r.try_get("business_id")?,
                    name: r.try_get("business_name")?,
                    kecamatan: r.try_get("business_kecamatan")?,
                },
                items,
                value,
                hps: r.try_get("hps")?,
                document_form: document_form(kinds.iter().map(String::as_str)).to_owned(),
                requested_at: instant(r.try_get("created_at")?),
                ordered_at: instant(r.try_get("ordered_at")?),
                bast_at: instant(r.try_get("bast_at")?),
                updated_at: instant(r.try_get("updated_at")?),
                documents: documents.remove(&id).unwrap_or_default(),
                payments: payments.remove(&id).unwrap_or_default(),
            })
        })
        .collect()
}

/// The tender description: the kind of work and what was ordered, from the items (the office's
/// free-text notes are internal and not published).
fn describe(category: &str, items: &[Item]) -> String {
    let lines: Vec<String> = items
        .iter()
        .map(|i| format!("{} {} {}", i.quantity, i.unit, i.description))
        .collect();
    if lines.is_empty() {
        category.to_owned()
    } else {
        format!("{category}: {}", lines.join("; "))
    }
}

/// What the public page's filters offer: the fiscal years and the offices that have at least
/// one published purchase.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    /// Newest first.
    pub years: Vec<i64>,
    /// (office id, name), by name.
    pub offices: Vec<(i64, String)>,
}

pub async fn choices(db: &Db) -> DbResult<Choices> {
    let published = published_states();
    let years: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT DISTINCT fiscal_year FROM office_requests WHERE state IN ({published}) \
         ORDER BY fiscal_year DESC"
    )))
    .fetch_all(db.pool())
    .await?;
    let offices = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT o.id, o.name FROM offices o WHERE EXISTS (SELECT 1 FROM office_requests q \
         WHERE q.office_id = o.id AND q.state IN ({published})) ORDER BY o.name"
    )))
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
    .collect::<DbResult<Vec<(i64, String)>>>()?;
    Ok(Choices { years, offices })
}

/// The number of a document anyone may download: a Surat Pesanan, SPK or BAST, not voided, of
/// a purchase in a published state. `None` for every other document (an invoice or receipt,
/// a voided one, one of a purchase still in progress, an unknown id).
pub async fn public_document(db: &Db, document_id: i64) -> DbResult<Option<String>> {
    let kinds = PUBLIC_KINDS
        .iter()
        .map(|k| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(",");
    let published = published_states();
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT d.number FROM office_documents d JOIN office_requests q ON q.id = d.request_id \
         WHERE d.id = $1 AND d.voided_at IS NULL AND d.kind IN ({kinds}) \
         AND q.state IN ({published})"
    )))
    .bind(document_id)
    .fetch_optional(db.pool())
    .await?)
}

/// The latest change among the purchases, for the package's `publishedDate`.
pub fn latest_change(purchases: &[Purchase]) -> Option<OffsetDateTime> {
    purchases.iter().map(|p| p.updated_at).max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocds;

    #[test]
    fn open_data_document_form_prefers_the_spk() {
        assert_eq!(document_form(["sp", "spk", "bast", "kuitansi"]), "SPK");
        assert_eq!(
            document_form(["sp", "bast", "invoice", "kuitansi"]),
            "Kuitansi"
        );
        assert_eq!(document_form(["sp", "bast", "bukti"]), "Bukti pembelian");
        assert_eq!(document_form(["sp", "bast"]), "");
        // The labels are ones `ocds` names in procurementMethodDetails.
        assert_eq!(
            ocds::procurement_method_details(document_form(["bukti"])),
            "Pengadaan langsung dengan bukti pembelian (Perpres 16/2018 Pasal 28)"
        );
    }

    #[test]
    fn open_data_publishes_only_letters_and_bast() {
        for kind in ["sp", "spk", "bast"] {
            assert!(is_public_kind(kind), "{kind}");
        }
        for kind in ["invoice", "kuitansi", "bukti", "", "SP"] {
            assert!(!is_public_kind(kind), "{kind}");
        }
        assert_eq!(document_path(42), "/pengadaan/data/dokumen/42");
    }

    #[test]
    fn open_data_description_lists_the_items() {
        let items = [
            Item {
                description: "Servis AC split 1 PK".into(),
                quantity: 12,
                unit: "unit".into(),
                unit_price: 100_000,
                category: "Servis AC".into(),
            },
            Item {
                description: "Isi freon".into(),
                quantity: 2,
                unit: "tabung".into(),
                unit_price: 50_000,
                category: "Servis AC".into(),
            },
        ];
        assert_eq!(
            describe("Servis AC", &items),
            "Servis AC: 12 unit Servis AC split 1 PK; 2 tabung Isi freon"
        );
        assert_eq!(describe("Servis AC", &[]), "Servis AC");
    }
}
