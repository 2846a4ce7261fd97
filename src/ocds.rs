//! Open procurement data: completed office purchases as an Open Contracting Data Standard 1.1
//! release package (<https://standard.open-contracting.org/1.1/>).
//!
//! Plain data in, `serde_json::Value` out; the caller (db + web layers) gathers the purchases.
//! One release per purchase, carrying everything known once the work was handed over: the
//! direct procurement (tender), the award to the alumni business, the contract with its
//! documents, and the treasurer's payments as implementation transactions.
//!
//! Personal data: the supplier is published by business name and Karya id only, never by an
//! owner's NIK; as a safeguard any 16-digit number typed into free text (a NIK, a new-style
//! NPWP, an account number) is replaced by `(disamarkan)` before publication.

use serde_json::{Map, Value, json};
use time::{Date, OffsetDateTime, Time, format_description::well_known::Rfc3339};

use crate::domain::dates::WIB;

/// The OCDS version the package declares (`major.minor`).
pub const OCDS_VERSION: &str = "1.1";
/// All Karya money is whole Rupiah.
pub const CURRENCY: &str = "IDR";
/// What replaces a NIK-like number found in published text.
pub const REDACTED: &str = "(disamarkan)";

/// Who publishes the package (the agency running Karya).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publisher {
    /// e.g. "Dinas Tenaga Kerja dan Transmigrasi Kabupaten Tanjung Jabung Timur".
    pub name: String,
    /// The agency's public URL.
    pub uri: String,
}

/// The buying office (OPD): buyer and procuring entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeParty {
    pub id: i64,
    /// The office's code, e.g. "DISNAKERTRANS".
    pub code: String,
    pub name: String,
    pub address: String,
    pub kecamatan: String,
    /// Kabupaten name, e.g. "Kabupaten Tanjung Jabung Timur".
    pub region: String,
}

/// The alumni business that supplied the work. Never a NIK or any person's identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierParty {
    pub business_id: i64,
    pub name: String,
    pub kecamatan: String,
}

/// One line of the purchase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub unit_price: i64,
    /// The kind of office work ("Servis AC"); published as the item's classification text.
    pub category: String,
}

/// An issued document (PDF) of the purchase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRef {
    pub number: String,
    /// Human label: "Surat Pesanan", "SPK", "Kuitansi", "Bukti pembelian", "BAST", "Invoice"
    /// (the stored codes `sp`, `spk`, `kuitansi`, `bukti`, `bast`, `invoice` are understood too).
    pub kind: String,
    pub issued: OffsetDateTime,
    /// Absolute link to the PDF.
    pub url: String,
}

/// A treasurer's payment (voided payments are left out by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: i64,
    pub paid_on: Date,
    pub gross: i64,
    pub withheld: i64,
    pub net: i64,
}

/// A completed office purchase (work handed over with a signed BAST).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purchase {
    pub request_id: i64,
    pub title: String,
    pub description: String,
    /// `goods` / `services` / `works` (also `barang` / `jasa` / `pekerjaan konstruksi`):
    /// becomes `tender.mainProcurementCategory`; anything else leaves that field out.
    pub category: String,
    pub office: OfficeParty,
    pub supplier: SupplierParty,
    pub items: Vec<Item>,
    /// Contract value (the accepted quote), whole Rupiah.
    pub value: i64,
    /// The office's ceiling (HPS), published as the tender's estimated value.
    pub hps: Option<i64>,
    /// "Kuitansi" / "Bukti pembelian" / "SPK": goes into `procurementMethodDetails`.
    pub document_form: String,
    pub requested_at: OffsetDateTime,
    pub ordered_at: OffsetDateTime,
    pub bast_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub documents: Vec<DocumentRef>,
    pub payments: Vec<Payment>,
}

/// The Open Contracting ID of an office request: `<prefix>-<request_id>`, e.g. `ocds-abc123-42`.
/// A trailing `-` on the prefix is not doubled.
pub fn ocid(prefix: &str, request_id: i64) -> String {
    format!("{}-{}", prefix.trim_end_matches('-'), request_id)
}

/// The party id of an office: `KARYA-OPD-12`.
pub fn office_party_id(office_id: i64) -> String {
    format!("KARYA-OPD-{office_id}")
}

/// The party id of an alumni business: `KARYA-USAHA-34`.
pub fn supplier_party_id(business_id: i64) -> String {
    format!("KARYA-USAHA-{business_id}")
}

/// The release id: `<ocid>-<updated_at as Unix seconds>`; stable while the purchase is
/// unchanged, new whenever it changes.
pub fn release_id(ocid: &str, updated_at: OffsetDateTime) -> String {
    format!("{ocid}-{}", updated_at.unix_timestamp())
}

/// `tender.procurementMethodDetails`: the direct procurement and its proof of agreement, in
/// Indonesian (Perpres 16/2018 Pasal 28).
pub fn procurement_method_details(document_form: &str) -> String {
    let form = match document_form.trim().to_lowercase().as_str() {
        "kuitansi" => "kuitansi".to_string(),
        "bukti" | "bukti pembelian" | "bukti pembelian/pembayaran" => "bukti pembelian".to_string(),
        "spk" | "surat perintah kerja" | "surat perintah kerja (spk)" => {
            "Surat Perintah Kerja (SPK)".to_string()
        }
        "" => return "Pengadaan langsung (Perpres 16/2018 Pasal 28)".to_string(),
        _ => document_form.trim().to_string(),
    };
    format!("Pengadaan langsung dengan {form} (Perpres 16/2018 Pasal 28)")
}

/// `tender.mainProcurementCategory` (closed codelist procurementCategory) for a category code.
pub fn main_procurement_category(category: &str) -> Option<&'static str> {
    match category.trim().to_lowercase().as_str() {
        "goods" | "barang" => Some("goods"),
        "services" | "jasa" | "jasa lainnya" => Some("services"),
        "works" | "pekerjaan konstruksi" => Some("works"),
        _ => None,
    }
}

/// Replaces every run of 16 or more digits (spaces, dots and dashes between digits allowed, as
/// a NIK is often written `1507 0152 0598 0003`) with [`REDACTED`].
pub fn redact_nik_like(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // Extend the run over digits and single separators followed by a digit.
        let start = i;
        let mut end = i;
        let mut digits = 0;
        while end < chars.len() {
            if chars[end].is_ascii_digit() {
                digits += 1;
                end += 1;
            } else if matches!(chars[end], ' ' | '.' | '-')
                && chars.get(end + 1).is_some_and(|c| c.is_ascii_digit())
            {
                end += 1;
            } else {
                break;
            }
        }
        if digits >= 16 {
            out.push_str(REDACTED);
        } else {
            out.extend(&chars[start..end]);
        }
        i = end;
    }
    out
}

/// Builds the release package. `published` should be the latest change among the purchases
/// (or now); every release's `date` is its purchase's `updated_at`.
///
/// The OCDS schema requires at least one release: with no purchases the result has an empty
/// `releases` array, which the caller should not publish as a valid package.
pub fn release_package(
    publisher: &Publisher,
    ocid_prefix: &str,
    package_uri: &str,
    published: OffsetDateTime,
    purchases: &[Purchase],
) -> Value {
    let releases: Vec<Value> = purchases.iter().map(|p| release(ocid_prefix, p)).collect();
    let mut package = json!({
        "uri": package_uri,
        "version": OCDS_VERSION,
        "publishedDate": rfc3339(published),
        "publisher": {
            "name": publisher.name,
            "uri": publisher.uri,
        },
        "releases": releases,
    });
    redact_strings(&mut package);
    package
}

fn release(ocid_prefix: &str, p: &Purchase) -> Value {
    let ocid = ocid(ocid_prefix, p.request_id);
    let office_ref = json!({ "id": office_party_id(p.office.id), "name": p.office.name });
    let supplier_ref = json!({
        "id": supplier_party_id(p.supplier.business_id),
        "name": p.supplier.name,
    });
    let items: Vec<Value> = p
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| item(i, it))
        .collect();
    let paid: i64 = p.payments.iter().map(|pay| pay.gross).sum();
    let fully_paid = !p.payments.is_empty() && paid >= p.value;

    let mut tag = vec!["tender", "award", "contract", "implementation"];
    if fully_paid {
        tag.push("contractTermination");
    }

    // Tender: the office's direct procurement.
    let mut tender = Map::new();
    tender.insert("id".into(), json!(format!("{}-tender", p.request_id)));
    tender.insert("title".into(), json!(p.title));
    if !p.description.trim().is_empty() {
        tender.insert("description".into(), json!(p.description));
    }
    tender.insert("status".into(), json!("complete"));
    tender.insert("procuringEntity".into(), office_ref.clone());
    tender.insert("items".into(), json!(items));
    if let Some(hps) = p.hps {
        tender.insert("value".into(), money(hps));
    }
    tender.insert("procurementMethod".into(), json!("direct"));
    tender.insert(
        "procurementMethodDetails".into(),
        json!(procurement_method_details(&p.document_form)),
    );
    if let Some(cat) = main_procurement_category(&p.category) {
        tender.insert("mainProcurementCategory".into(), json!(cat));
    }
    tender.insert(
        "tenderPeriod".into(),
        json!({ "startDate": rfc3339(p.requested_at), "endDate": rfc3339(p.ordered_at) }),
    );

    let award_id = format!("{}-award", p.request_id);
    let award = json!({
        "id": award_id,
        "title": p.title,
        "status": "active",
        "date": rfc3339(p.ordered_at),
        "value": money(p.value),
        "suppliers": [supplier_ref.clone()],
        "items": items,
    });

    // Documents: the proof of agreement (Surat Pesanan, SPK, kuitansi, bukti pembelian) with
    // the contract; the BAST and invoices with the implementation.
    let mut contract_docs = Vec::new();
    let mut implementation_docs = Vec::new();
    for d in &p.documents {
        let (doc, in_contract) = document(d, &p.document_form);
        if in_contract {
            contract_docs.push(doc);
        } else {
            implementation_docs.push(doc);
        }
    }

    let transactions: Vec<Value> = p
        .payments
        .iter()
        .map(|pay| {
            json!({
                "id": pay.id.to_string(),
                "date": rfc3339(payment_instant(pay.paid_on)),
                "value": money(pay.gross),
                "payer": office_ref,
                "payee": supplier_ref,
            })
        })
        .collect();

    let implementation = json!({
        "transactions": transactions,
        "milestones": [{
            "id": "bast",
            "title": "Serah terima pekerjaan (BAST)",
            "type": "delivery",
            "status": "met",
            "dateMet": rfc3339(p.bast_at),
        }],
        "documents": implementation_docs,
    });

    let contract = json!({
        "id": format!("{}-contract", p.request_id),
        "awardID": award_id,
        "title": p.title,
        "status": if fully_paid { "terminated" } else { "active" },
        "period": { "startDate": rfc3339(p.ordered_at), "endDate": rfc3339(p.bast_at) },
        "value": money(p.value),
        "items": items,
        "dateSigned": rfc3339(p.ordered_at),
        "documents": contract_docs,
        "implementation": implementation,
    });

    json!({
        "ocid": ocid,
        "id": release_id(&ocid, p.updated_at),
        "date": rfc3339(p.updated_at),
        "tag": tag,
        "initiationType": "tender",
        "language": "id",
        "parties": [office_party(&p.office), supplier_party(&p.supplier, &p.office.region)],
        "buyer": office_ref,
        "tender": Value::Object(tender),
        "awards": [award],
        "contracts": [contract],
    })
}

fn office_party(o: &OfficeParty) -> Value {
    json!({
        "id": office_party_id(o.id),
        "name": o.name,
        // The office's own code; no registered identifier scheme (org-id.guide) covers OPD codes.
        "identifier": { "id": o.code, "legalName": o.name },
        "address": {
            "streetAddress": o.address,
            "locality": o.kecamatan,
            "region": o.region,
            "countryName": "Indonesia",
        },
        // The office orders, runs the direct procurement and pays (transactions' payer).
        "roles": ["buyer", "procuringEntity", "payer"],
    })
}

/// `region`: Karya serves one kabupaten, so the supplier's kabupaten is the office's.
fn supplier_party(s: &SupplierParty, region: &str) -> Value {
    json!({
        "id": supplier_party_id(s.business_id),
        "name": s.name,
        "address": {
            "locality": s.kecamatan,
            "region": region,
            "countryName": "Indonesia",
        },
        "roles": ["supplier", "payee"],
    })
}

fn item(index: usize, it: &Item) -> Value {
    let mut v = json!({
        "id": (index + 1).to_string(),
        "description": it.description,
        "quantity": it.quantity,
        "unit": {
            "name": it.unit,
            "value": money(it.unit_price),
        },
    });
    if !it.category.trim().is_empty() {
        v["classification"] = json!({ "description": it.category });
    }
    v
}

/// An OCDS document and whether it belongs with the contract (else the implementation).
fn document(d: &DocumentRef, document_form: &str) -> (Value, bool) {
    let kind = d.kind.trim().to_lowercase();
    let (document_type, in_contract) = match kind.as_str() {
        "bast" | "berita acara serah terima" => (Some("completionCertificate"), false),
        "sp" | "surat pesanan" | "spk" | "surat perintah kerja" => (Some("contractSigned"), true),
        "kuitansi" | "bukti" | "bukti pembelian" => {
            // The kuitansi or bukti pembelian is the proof of agreement when it is the
            // purchase's document form; otherwise it is the provider's bill.
            let form = document_form.trim().to_lowercase();
            let is_form = form == kind || (kind.starts_with("bukti") && form.starts_with("bukti"));
            if is_form {
                (Some("contractSigned"), true)
            } else {
                (None, false)
            }
        }
        _ => (None, false),
    };
    let mut v = json!({
        "id": d.number,
        "title": format!("{} {}", d.kind.trim(), d.number),
        "url": d.url,
        "datePublished": rfc3339(d.issued),
        "format": "application/pdf",
        "language": "id",
    });
    if let Some(t) = document_type {
        v["documentType"] = json!(t);
    }
    (v, in_contract)
}

fn money(amount: i64) -> Value {
    json!({ "amount": amount, "currency": CURRENCY })
}

/// A payment is recorded by date only: published as the start of that day in WIB.
fn payment_instant(d: Date) -> OffsetDateTime {
    d.with_time(Time::MIDNIGHT).assume_offset(WIB)
}

/// RFC 3339 in WIB, whole seconds: `2026-11-28T10:15:00+07:00`.
fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(WIB).replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

fn redact_strings(v: &mut Value) {
    match v {
        Value::String(s) => {
            let r = redact_nik_like(s);
            if r != *s {
                *s = r;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(redact_strings),
        Value::Object(o) => o.values_mut().for_each(redact_strings),
        _ => {}
    }
}

#[cfg(test)]
#[path = "../tests/http/ocds_schema.rs"]
mod ocds_schema;

#[cfg(test)]
mod tests {
    use super::ocds_schema::validate;
    use super::*;
    use time::macros::{date, datetime};

    const NIK: &str = "1507014509900001";

    fn publisher() -> Publisher {
        Publisher {
            name: "Dinas Tenaga Kerja dan Transmigrasi Kabupaten Tanjung Jabung Timur".into(),
            uri: "https://karya.tanjabtimkab.go.id/".into(),
        }
    }

    fn office() -> OfficeParty {
        OfficeParty {
            id: 12,
            code: "DISNAKERTRANS".into(),
            name: "Dinas Tenaga Kerja dan Transmigrasi".into(),
            address: "Jl. Kihajar Dewantara, Muara Sabak".into(),
            kecamatan: "Muara Sabak Timur".into(),
            region: "Kabupaten Tanjung Jabung Timur".into(),
        }
    }

    fn doc(number: &str, kind: &str, at: OffsetDateTime) -> DocumentRef {
        DocumentRef {
            number: number.into(),
            kind: kind.into(),
            issued: at,
            url: format!(
                "https://karya.tanjabtimkab.go.id/dokumen/{}.pdf",
                number.replace('/', "-")
            ),
        }
    }

    /// AC servicing, paid once in full.
    fn ac_service() -> Purchase {
        Purchase {
            request_id: 42,
            title: "Servis AC ruang rapat".into(),
            // An office typed the owner's NIK into the notes: it must not be published.
            description: format!("12 unit AC split 1 PK; pemilik NIK {NIK}"),
            category: "services".into(),
            office: office(),
            supplier: SupplierParty {
                business_id: 34,
                name: "Bengkel AC Sejuk Geragai".into(),
                kecamatan: "Geragai".into(),
            },
            items: vec![
                Item {
                    description: "Servis AC split 1 PK".into(),
                    quantity: 12,
                    unit: "unit".into(),
                    unit_price: 100_000,
                    category: "Servis AC".into(),
                },
                Item {
                    description: "Isi ulang freon R32".into(),
                    quantity: 1,
                    unit: "paket".into(),
                    unit_price: 50_000,
                    category: "Servis AC".into(),
                },
            ],
            value: 1_250_000,
            hps: Some(1_500_000),
            document_form: "Kuitansi".into(),
            requested_at: datetime!(2026-11-02 09:00 +7),
            ordered_at: datetime!(2026-11-03 10:30 +7),
            bast_at: datetime!(2026-11-05 15:00 +7),
            updated_at: datetime!(2026-11-12 08:00 +7),
            documents: vec![
                doc(
                    "027/SP/DISNAKERTRANS/XI/2026",
                    "Surat Pesanan",
                    datetime!(2026-11-03 10:30 +7),
                ),
                doc(
                    "031/BAST/DISNAKERTRANS/XI/2026",
                    "BAST",
                    datetime!(2026-11-05 15:00 +7),
                ),
                doc(
                    "005/KW/USAHA-34/XI/2026",
                    "Kuitansi",
                    datetime!(2026-11-05 15:30 +7),
                ),
            ],
            payments: vec![Payment {
                id: 7,
                paid_on: date!(2026 - 11 - 12),
                gross: 1_250_000,
                withheld: 25_000,
                net: 1_225_000,
            }],
        }
    }

    /// Snack boxes under SPK, paid in two instalments, the second one not yet.
    fn snacks(payments: Vec<Payment>) -> Purchase {
        Purchase {
            request_id: 43,
            title: "Konsumsi rapat koordinasi".into(),
            description: String::new(),
            category: "goods".into(),
            office: OfficeParty {
                id: 13,
                code: "BAPPEDA".into(),
                name: "Badan Perencanaan Pembangunan Daerah".into(),
                address: "Jl. Lintas Timur, Muara Sabak".into(),
                kecamatan: "Muara Sabak Barat".into(),
                region: "Kabupaten Tanjung Jabung Timur".into(),
            },
            supplier: SupplierParty {
                business_id: 35,
                name: format!("Katering Bu Ani ({NIK})"),
                kecamatan: "Nipah Panjang".into(),
            },
            items: vec![
                Item {
                    description: "Kotak snack rapat".into(),
                    quantity: 400,
                    unit: "kotak".into(),
                    unit_price: 25_000,
                    category: "Konsumsi rapat".into(),
                },
                Item {
                    description: "Nasi kotak".into(),
                    quantity: 400,
                    unit: "kotak".into(),
                    unit_price: 45_000,
                    category: "Konsumsi rapat".into(),
                },
            ],
            value: 28_000_000,
            hps: None,
            document_form: "SPK".into(),
            requested_at: datetime!(2026-10-01 08:00 UTC),
            ordered_at: datetime!(2026-10-02 08:00 UTC),
            bast_at: datetime!(2026-10-09 08:00 UTC),
            updated_at: datetime!(2026-10-20 08:00 UTC),
            documents: vec![
                doc(
                    "003/SPK/BAPPEDA/X/2026",
                    "SPK",
                    datetime!(2026-10-02 08:00 UTC),
                ),
                doc(
                    "004/BAST/BAPPEDA/X/2026",
                    "BAST",
                    datetime!(2026-10-09 08:00 UTC),
                ),
            ],
            payments,
        }
    }

    fn two_payments() -> Vec<Payment> {
        vec![
            Payment {
                id: 8,
                paid_on: date!(2026 - 10 - 15),
                gross: 14_000_000,
                withheld: 210_000,
                net: 13_790_000,
            },
            Payment {
                id: 9,
                paid_on: date!(2026 - 10 - 20),
                gross: 14_000_000,
                withheld: 210_000,
                net: 13_790_000,
            },
        ]
    }

    fn package(purchases: &[Purchase]) -> Value {
        release_package(
            &publisher(),
            "ocds-kry7tj",
            "https://karya.tanjabtimkab.go.id/api/v1/procurement.json",
            datetime!(2026-11-12 09:00 +7),
            purchases,
        )
    }

    #[test]
    fn ocds_ocid_format() {
        assert_eq!(ocid("ocds-kry7tj", 42), "ocds-kry7tj-42");
        assert_eq!(ocid("ocds-kry7tj-", 42), "ocds-kry7tj-42");
        let pkg = package(&[ac_service()]);
        let r = &pkg["releases"][0];
        assert_eq!(r["ocid"], "ocds-kry7tj-42");
        // updated_at 2026-11-12 08:00 WIB = 2026-11-12 01:00 UTC.
        assert_eq!(r["id"], "ocds-kry7tj-42-1794445200");
        assert_eq!(r["date"], "2026-11-12T08:00:00+07:00");
    }

    #[test]
    fn ocds_package_validates_against_schema() {
        let pkg = package(&[ac_service(), snacks(two_payments())]);
        validate(&pkg).unwrap_or_else(|e| panic!("schema errors: {e:#?}"));
        // Also with a purchase that has no payment yet.
        let pkg = package(&[ac_service(), snacks(vec![])]);
        validate(&pkg).unwrap_or_else(|e| panic!("schema errors: {e:#?}"));
        assert_eq!(pkg["version"], "1.1");
        assert_eq!(pkg["releases"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn ocds_broken_packages_fail_validation() {
        let good = package(&[ac_service(), snacks(two_payments())]);
        assert!(validate(&good).is_ok());

        let mut amount_as_text = good.clone();
        amount_as_text["releases"][0]["awards"][0]["value"]["amount"] = json!("1250000");
        let errors = validate(&amount_as_text).expect_err("amount as a string must fail");
        assert!(
            errors
                .iter()
                .any(|e| e.contains("/releases/0/awards/0/value/amount")),
            "{errors:?}"
        );

        let mut no_ocid = good.clone();
        no_ocid["releases"][1]
            .as_object_mut()
            .expect("release is an object")
            .remove("ocid");
        let errors = validate(&no_ocid).expect_err("missing ocid must fail");
        assert!(errors.iter().any(|e| e.contains("ocid")), "{errors:?}");

        let mut bad_method = good.clone();
        bad_method["releases"][0]["tender"]["procurementMethod"] = json!("langsung");
        assert!(validate(&bad_method).is_err());

        let mut bad_date = good.clone();
        bad_date["publishedDate"] = json!("12 November 2026");
        assert!(validate(&bad_date).is_err(), "date-time format is checked");

        let mut relative_url = good.clone();
        relative_url["releases"][0]["contracts"][0]["documents"][0]["url"] =
            json!("dokumen/027.pdf");
        assert!(validate(&relative_url).is_err(), "uri format is checked");

        let mut bad_currency = good;
        bad_currency["releases"][0]["contracts"][0]["value"]["currency"] = json!("RP");
        assert!(validate(&bad_currency).is_err());

        let empty = package(&[]);
        assert!(validate(&empty).is_err(), "a package needs one release");
    }

    /// Every string and number in the output, with its path.
    fn leaves(v: &Value, path: String, out: &mut Vec<(String, String)>) {
        match v {
            Value::String(s) => out.push((path, s.clone())),
            Value::Number(n) => out.push((path, n.to_string())),
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    leaves(x, format!("{path}/{i}"), out);
                }
            }
            Value::Object(o) => {
                for (k, x) in o {
                    leaves(x, format!("{path}/{k}"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn ocds_no_nik_in_output() {
        let input = [ac_service(), snacks(two_payments())];
        // The input really carries the NIK, so the check below can fail.
        assert!(input[0].description.contains(NIK));
        assert!(input[1].supplier.name.contains(NIK));
        let pkg = package(&input);
        let mut all = Vec::new();
        leaves(&pkg, String::new(), &mut all);
        assert!(all.len() > 100, "walked {} leaves", all.len());
        for (path, value) in &all {
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            assert!(!digits.contains(NIK), "{path} carries the NIK: {value}");
            assert_eq!(redact_nik_like(value), *value, "{path} has a NIK-like run");
        }
        let r = &pkg["releases"][1];
        assert_eq!(r["parties"][1]["name"], "Katering Bu Ani ((disamarkan))");
        assert_eq!(r["parties"][1]["id"], "KARYA-USAHA-35");
        assert_eq!(
            pkg["releases"][0]["tender"]["description"],
            "12 unit AC split 1 PK; pemilik NIK (disamarkan)"
        );
        // Only the business name and the Karya id identify the supplier.
        let supplier = r["parties"][1].as_object().expect("party");
        let mut keys: Vec<&str> = supplier.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["address", "id", "name", "roles"]);
    }

    #[test]
    fn ocds_redacts_spaced_niks_only() {
        assert_eq!(
            redact_nik_like("NIK 1507 0145 0990 0001, telp 0812-3456-7890"),
            "NIK (disamarkan), telp 0812-3456-7890"
        );
        assert_eq!(redact_nik_like("Rp1.250.000"), "Rp1.250.000");
        assert_eq!(redact_nik_like("15.07.01.450990.0001"), "(disamarkan)");
        assert_eq!(redact_nik_like("150701450990000"), "150701450990000"); // 15 digits
    }

    #[test]
    fn ocds_release_maps_the_purchase() {
        let pkg = package(&[ac_service(), snacks(two_payments())]);
        assert_eq!(pkg["publishedDate"], "2026-11-12T09:00:00+07:00");
        assert_eq!(
            pkg["publisher"]["name"],
            "Dinas Tenaga Kerja dan Transmigrasi Kabupaten Tanjung Jabung Timur"
        );
        let r = &pkg["releases"][0];
        assert_eq!(r["initiationType"], "tender");
        assert_eq!(r["language"], "id");
        assert_eq!(
            r["tag"],
            json!([
                "tender",
                "award",
                "contract",
                "implementation",
                "contractTermination"
            ])
        );
        let t = &r["tender"];
        assert_eq!(t["procurementMethod"], "direct");
        assert_eq!(
            t["procurementMethodDetails"],
            "Pengadaan langsung dengan kuitansi (Perpres 16/2018 Pasal 28)"
        );
        assert_eq!(t["mainProcurementCategory"], "services");
        assert_eq!(t["value"], json!({"amount": 1_500_000, "currency": "IDR"}));
        assert_eq!(t["items"][0]["unit"]["value"]["amount"], 100_000);
        assert_eq!(t["items"][1]["id"], "2");
        assert_eq!(t["items"][0]["quantity"], 12);
        assert_eq!(
            r["buyer"],
            json!({"id": "KARYA-OPD-12", "name": "Dinas Tenaga Kerja dan Transmigrasi"})
        );
        assert_eq!(
            r["parties"][0]["roles"],
            json!(["buyer", "procuringEntity", "payer"])
        );
        assert_eq!(r["parties"][0]["address"]["countryName"], "Indonesia");
        assert_eq!(r["parties"][1]["roles"], json!(["supplier", "payee"]));
        assert_eq!(r["parties"][1]["address"]["locality"], "Geragai");
        let a = &r["awards"][0];
        assert_eq!(a["status"], "active");
        assert_eq!(a["value"]["amount"], 1_250_000);
        assert_eq!(a["suppliers"][0]["id"], "KARYA-USAHA-34");
        let c = &r["contracts"][0];
        assert_eq!(c["awardID"], a["id"]);
        assert_eq!(c["status"], "terminated");
        assert_eq!(c["dateSigned"], "2026-11-03T10:30:00+07:00");
        assert_eq!(c["period"]["endDate"], "2026-11-05T15:00:00+07:00");
        // Surat Pesanan and the kuitansi (the document form) with the contract, BAST after.
        let contract_docs: Vec<&str> = c["documents"]
            .as_array()
            .expect("documents")
            .iter()
            .filter_map(|d| d["id"].as_str())
            .collect();
        assert_eq!(
            contract_docs,
            ["027/SP/DISNAKERTRANS/XI/2026", "005/KW/USAHA-34/XI/2026"]
        );
        let imp = &c["implementation"];
        assert_eq!(imp["documents"][0]["documentType"], "completionCertificate");
        let tx = imp["transactions"].as_array().expect("transactions");
        assert_eq!(tx.len(), 1);
        assert_eq!(
            tx[0]["value"],
            json!({"amount": 1_250_000, "currency": "IDR"})
        );
        assert_eq!(tx[0]["date"], "2026-11-12T00:00:00+07:00");
        assert_eq!(tx[0]["payer"]["id"], "KARYA-OPD-12");
        assert_eq!(tx[0]["payee"]["id"], "KARYA-USAHA-34");

        // Second purchase: SPK, goods, two payments summing to the value; UTC input → WIB.
        let r = &pkg["releases"][1];
        assert_eq!(
            r["tender"]["procurementMethodDetails"],
            "Pengadaan langsung dengan Surat Perintah Kerja (SPK) (Perpres 16/2018 Pasal 28)"
        );
        assert_eq!(r["tender"]["mainProcurementCategory"], "goods");
        assert!(
            r["tender"].get("value").is_none(),
            "no HPS, no tender value"
        );
        let tx = r["contracts"][0]["implementation"]["transactions"]
            .as_array()
            .expect("transactions");
        let gross: Vec<i64> = tx
            .iter()
            .filter_map(|t| t["value"]["amount"].as_i64())
            .collect();
        assert_eq!(gross, [14_000_000, 14_000_000]);
        assert_eq!(r["contracts"][0]["status"], "terminated");
        assert_eq!(r["contracts"][0]["dateSigned"], "2026-10-02T15:00:00+07:00");
    }

    #[test]
    fn ocds_contract_stays_active_until_paid_in_full() {
        let unpaid = package(&[snacks(vec![])]);
        let r = &unpaid["releases"][0];
        assert_eq!(r["contracts"][0]["status"], "active");
        assert_eq!(
            r["tag"],
            json!(["tender", "award", "contract", "implementation"])
        );
        assert_eq!(
            r["contracts"][0]["implementation"]["transactions"],
            json!([])
        );
        let mut first_only = two_payments();
        first_only.truncate(1);
        let half = package(&[snacks(first_only)]);
        assert_eq!(half["releases"][0]["contracts"][0]["status"], "active");
    }

    #[test]
    fn ocds_release_ids_unique_and_stable() {
        let a = package(&[ac_service(), snacks(two_payments())]);
        let b = package(&[ac_service(), snacks(two_payments())]);
        assert_eq!(a["releases"][0]["id"], b["releases"][0]["id"]);
        assert_ne!(a["releases"][0]["id"], a["releases"][1]["id"]);
        let mut changed = ac_service();
        changed.updated_at = datetime!(2026-11-13 08:00 +7);
        let c = package(&[changed]);
        assert_eq!(c["releases"][0]["ocid"], a["releases"][0]["ocid"]);
        assert_ne!(c["releases"][0]["id"], a["releases"][0]["id"]);
    }

    #[test]
    fn ocds_method_details_name_the_form() {
        assert_eq!(
            procurement_method_details("Bukti pembelian"),
            "Pengadaan langsung dengan bukti pembelian (Perpres 16/2018 Pasal 28)"
        );
        assert_eq!(
            procurement_method_details("kuitansi"),
            "Pengadaan langsung dengan kuitansi (Perpres 16/2018 Pasal 28)"
        );
        assert_eq!(main_procurement_category("jasa"), Some("services"));
        assert_eq!(main_procurement_category("Servis AC"), None);
    }
}
