//! A partner's capital program: what it gives, to whom, on what terms. Every amount, rate, date,
//! quota, document and eligibility rule is data the agency types in; `ProgramFields::parse`
//! checks the form, `Rules` is stored as JSON.

use serde::{Deserialize, Serialize};

use crate::domain::dates::parse_iso;
use crate::domain::form::{money, paragraphs, text, whole};
use crate::domain::user::FieldErrors;

/// Largest amount a program may name (Rp10 miliar): far above KUR Kecil's Rp500 juta.
pub const MAX_AMOUNT: i64 = 10_000_000_000;
/// Longest tenor in months.
pub const MAX_TENOR: i64 = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProgramKind {
    Loan,
    Grant,
    Equipment,
    Revolving,
}

impl ProgramKind {
    pub const ALL: [ProgramKind; 4] = [
        ProgramKind::Loan,
        ProgramKind::Grant,
        ProgramKind::Equipment,
        ProgramKind::Revolving,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProgramKind::Loan => "loan",
            ProgramKind::Grant => "grant",
            ProgramKind::Equipment => "equipment",
            ProgramKind::Revolving => "revolving",
        }
    }

    pub fn parse(s: &str) -> Option<ProgramKind> {
        ProgramKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            ProgramKind::Loan => "Pinjaman",
            ProgramKind::Grant => "Hibah/bantuan modal",
            ProgramKind::Equipment => "Bantuan peralatan",
            ProgramKind::Revolving => "Dana bergulir",
        }
    }

    /// Loans and revolving funds are repaid; grants and equipment are not.
    pub fn repaid(self) -> bool {
        matches!(self, ProgramKind::Loan | ProgramKind::Revolving)
    }
}

/// Documents a program may require. The list is the domain's; which ones a program asks for is
/// data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentKind {
    Ktp,
    Kk,
    BusinessPhoto,
    Nib,
    Pirt,
    Halal,
    Certificate,
    Quotation,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 8] = [
        DocumentKind::Ktp,
        DocumentKind::Kk,
        DocumentKind::BusinessPhoto,
        DocumentKind::Nib,
        DocumentKind::Pirt,
        DocumentKind::Halal,
        DocumentKind::Certificate,
        DocumentKind::Quotation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Ktp => "ktp",
            DocumentKind::Kk => "kk",
            DocumentKind::BusinessPhoto => "foto-usaha",
            DocumentKind::Nib => "nib",
            DocumentKind::Pirt => "pirt",
            DocumentKind::Halal => "halal",
            DocumentKind::Certificate => "sertifikat",
            DocumentKind::Quotation => "penawaran-alat",
        }
    }

    pub fn parse(s: &str) -> Option<DocumentKind> {
        DocumentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Ktp => "Foto KTP",
            DocumentKind::Kk => "Kartu Keluarga",
            DocumentKind::BusinessPhoto => "Foto tempat usaha",
            DocumentKind::Nib => "NIB (Nomor Induk Berusaha)",
            DocumentKind::Pirt => "Izin P-IRT",
            DocumentKind::Halal => "Sertifikat halal",
            DocumentKind::Certificate => "Sertifikat kompetensi",
            DocumentKind::Quotation => "Penawaran harga alat",
        }
    }

    /// The document shows a NIK: it is never served to a partner before consent, and never to
    /// anyone else but the applicant and the agency.
    pub fn carries_nik(self) -> bool {
        matches!(self, DocumentKind::Ktp | DocumentKind::Kk)
    }

    /// `ktp,foto-usaha` as stored; unknown slugs are dropped.
    pub fn parse_list(stored: &str) -> Vec<DocumentKind> {
        let mut kinds: Vec<DocumentKind> =
            stored.split(',').filter_map(DocumentKind::parse).collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    pub fn list_text(kinds: &[DocumentKind]) -> String {
        kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Who may apply, as data: any subset of these. An empty list or `None` is no rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Rules {
    /// Trained in one of these trades (ids).
    pub trades: Vec<i64>,
    pub min_months_active: Option<u32>,
    /// Completed orders, public and office together.
    pub min_orders_total: Option<u32>,
    pub min_orders_public: Option<u32>,
    pub min_orders_office: Option<u32>,
    /// Confirmed revenue over the last `revenue_months` months (1..=12).
    pub min_revenue: Option<i64>,
    pub revenue_months: Option<u32>,
    /// The business (or the person) is in one of these kecamatan (codes).
    pub kecamatan: Vec<String>,
    pub nib_required: bool,
    pub certificate_required: bool,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    /// No open application or active loan in this program.
    pub one_at_a_time: bool,
}

impl Rules {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// Stored rules; a value this version cannot read is no rule rather than a crash, and the
    /// program's page says so through `count() == 0`.
    pub fn from_json(s: &str) -> Rules {
        serde_json::from_str(s).unwrap_or_default()
    }

    pub fn revenue_window(&self) -> u32 {
        self.revenue_months.unwrap_or(12).clamp(1, 12)
    }
}

/// The program form as typed.
#[derive(Debug, Clone, Default)]
pub struct ProgramInput<'a> {
    pub partner_id: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub kur: bool,
    pub description: &'a str,
    pub min_amount: &'a str,
    pub max_amount: &'a str,
    pub terms: &'a str,
    pub tenor_min: &'a str,
    pub tenor_max: &'a str,
    pub opens_on: &'a str,
    pub closes_on: &'a str,
    pub quota: &'a str,
    pub documents: &'a [String],
    pub trades: &'a [String],
    pub kecamatan: &'a [String],
    pub min_months_active: &'a str,
    pub min_orders_total: &'a str,
    pub min_orders_public: &'a str,
    pub min_orders_office: &'a str,
    pub min_revenue: &'a str,
    pub revenue_months: &'a str,
    pub nib_required: bool,
    pub certificate_required: bool,
    pub min_age: &'a str,
    pub max_age: &'a str,
    pub one_at_a_time: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramFields {
    pub partner_id: i64,
    pub name: String,
    pub kind: ProgramKind,
    pub kur: bool,
    pub description: String,
    pub min_amount: i64,
    pub max_amount: i64,
    pub terms: String,
    pub tenor_min: i64,
    pub tenor_max: i64,
    pub opens_on: String,
    pub closes_on: String,
    pub quota: Option<i64>,
    pub documents: Vec<DocumentKind>,
    pub rules: Rules,
}

/// What exists, for the choices the form offers.
pub struct Known<'a> {
    pub partners: &'a [i64],
    pub trades: &'a [i64],
    pub kecamatan: &'a [String],
}

fn optional_count(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    label: &str,
    max: i64,
) -> Option<u32> {
    if raw.trim().is_empty() {
        return None;
    }
    let n = whole(errors, field, raw, label, 0, max, 0);
    u32::try_from(n).ok().filter(|n| *n > 0)
}

fn date(errors: &mut FieldErrors, field: &'static str, raw: &str, label: &str) -> String {
    match parse_iso(raw.trim()) {
        Some(d) => crate::domain::dates::to_iso(d),
        None => {
            errors.push((
                field,
                format!("{label} wajib diisi dengan tanggal yang benar."),
            ));
            String::new()
        }
    }
}

impl ProgramFields {
    pub fn parse(
        input: &ProgramInput<'_>,
        known: &Known<'_>,
    ) -> Result<ProgramFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let partner_id = match input.partner_id.trim().parse::<i64>() {
            Ok(id) if known.partners.contains(&id) => id,
            _ => {
                errors.push(("partner_id", "Pilih mitra pemilik program.".into()));
                0
            }
        };
        let name = text(&mut errors, "name", input.name, "Nama program", true, 120);
        let kind = ProgramKind::parse(input.kind);
        if kind.is_none() {
            errors.push(("kind", "Pilih jenis program.".into()));
        }
        let description = paragraphs(
            &mut errors,
            "description",
            input.description,
            "Keterangan",
            3000,
        );
        let min_amount = money(
            &mut errors,
            "min_amount",
            input.min_amount,
            "Jumlah terkecil",
            MAX_AMOUNT,
        );
        let max_amount = money(
            &mut errors,
            "max_amount",
            input.max_amount,
            "Jumlah terbesar",
            MAX_AMOUNT,
        );
        if input.min_amount.trim().is_empty() {
            errors.push(("min_amount", "Jumlah terkecil wajib diisi.".into()));
        }
        if input.max_amount.trim().is_empty() {
            errors.push(("max_amount", "Jumlah terbesar wajib diisi.".into()));
        }
        if let (Some(lo), Some(hi)) = (min_amount, max_amount)
            && hi < lo
        {
            errors.push((
                "max_amount",
                "Jumlah terbesar tidak boleh kurang dari jumlah terkecil.".into(),
            ));
        }
        let terms = text(
            &mut errors,
            "terms",
            input.terms,
            "Bunga/ketentuan",
            false,
            300,
        );
        let repaid = kind.is_some_and(ProgramKind::repaid);
        let tenor_min = whole(
            &mut errors,
            "tenor_min",
            input.tenor_min,
            "Tenor terpendek",
            0,
            MAX_TENOR,
            0,
        );
        let tenor_max = whole(
            &mut errors,
            "tenor_max",
            input.tenor_max,
            "Tenor terpanjang",
            0,
            MAX_TENOR,
            0,
        );
        if tenor_max < tenor_min {
            errors.push((
                "tenor_max",
                "Tenor terpanjang tidak boleh kurang dari tenor terpendek.".into(),
            ));
        }
        if repaid && tenor_max == 0 {
            errors.push((
                "tenor_max",
                "Pinjaman dan dana bergulir wajib punya tenor (bulan).".into(),
            ));
        }
        let opens_on = date(&mut errors, "opens_on", input.opens_on, "Tanggal buka");
        let closes_on = date(&mut errors, "closes_on", input.closes_on, "Tanggal tutup");
        if !opens_on.is_empty() && !closes_on.is_empty() && closes_on < opens_on {
            errors.push((
                "closes_on",
                "Tanggal tutup tidak boleh sebelum tanggal buka.".into(),
            ));
        }
        let quota =
            optional_count(&mut errors, "quota", input.quota, "Kuota", 100_000).map(i64::from);
        let mut documents = Vec::new();
        for raw in input.documents {
            match DocumentKind::parse(raw) {
                Some(k) => documents.push(k),
                None if raw.trim().is_empty() => {}
                None => errors.push(("documents", "Pilih dokumen dari daftar.".into())),
            }
        }
        documents.sort();
        documents.dedup();
        let mut trades = Vec::new();
        for raw in input.trades {
            match raw.trim().parse::<i64>() {
                Ok(id) if known.trades.contains(&id) => trades.push(id),
                _ if raw.trim().is_empty() => {}
                _ => errors.push(("trades", "Pilih kejuruan dari daftar.".into())),
            }
        }
        trades.sort_unstable();
        trades.dedup();
        let mut kecamatan = Vec::new();
        for raw in input.kecamatan {
            let code = raw.trim();
            if code.is_empty() {
                continue;
            }
            if known.kecamatan.iter().any(|k| k == code) {
                kecamatan.push(code.to_owned());
            } else {
                errors.push(("kecamatan", "Pilih kecamatan dari daftar.".into()));
            }
        }
        kecamatan.sort();
        kecamatan.dedup();
        let min_age = optional_count(&mut errors, "min_age", input.min_age, "Umur terendah", 100);
        let max_age = optional_count(&mut errors, "max_age", input.max_age, "Umur tertinggi", 100);
        if let (Some(lo), Some(hi)) = (min_age, max_age)
            && hi < lo
        {
            errors.push((
                "max_age",
                "Umur tertinggi tidak boleh kurang dari umur terendah.".into(),
            ));
        }
        let min_revenue = money(
            &mut errors,
            "min_revenue",
            input.min_revenue,
            "Omzet minimal",
            MAX_AMOUNT,
        )
        .map(|r| r.amount());
        let revenue_months = optional_count(
            &mut errors,
            "revenue_months",
            input.revenue_months,
            "Periode omzet",
            12,
        );
        let rules = Rules {
            trades,
            min_months_active: optional_count(
                &mut errors,
                "min_months_active",
                input.min_months_active,
                "Lama aktif",
                240,
            ),
            min_orders_total: optional_count(
                &mut errors,
                "min_orders_total",
                input.min_orders_total,
                "Pesanan selesai",
                100_000,
            ),
            min_orders_public: optional_count(
                &mut errors,
                "min_orders_public",
                input.min_orders_public,
                "Pesanan umum selesai",
                100_000,
            ),
            min_orders_office: optional_count(
                &mut errors,
                "min_orders_office",
                input.min_orders_office,
                "Pekerjaan OPD selesai",
                100_000,
            ),
            min_revenue,
            revenue_months: min_revenue.and(revenue_months.or(Some(12))),
            kecamatan,
            nib_required: input.nib_required,
            certificate_required: input.certificate_required,
            min_age,
            max_age,
            one_at_a_time: input.one_at_a_time,
        };
        match (errors.is_empty(), kind, min_amount, max_amount) {
            (true, Some(kind), Some(lo), Some(hi)) => Ok(ProgramFields {
                partner_id,
                name,
                kind,
                kur: input.kur && kind == ProgramKind::Loan,
                description,
                min_amount: lo.amount(),
                max_amount: hi.amount(),
                terms,
                tenor_min,
                tenor_max,
                opens_on,
                closes_on,
                quota,
                documents,
                rules,
            }),
            _ => Err(errors),
        }
    }
}

/// What kind of institution a partner is (the `partners.kind` values).
pub const PARTNER_KINDS: [(&str, &str); 5] = [
    ("bank", "Bank (KUR)"),
    ("baznas", "BAZNAS / lembaga zakat"),
    ("csr", "CSR perusahaan"),
    ("koperasi", "Koperasi"),
    ("lainnya", "Lainnya (Kemnaker, pemerintah daerah, …)"),
];

/// A new partner as the agency types it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerFields {
    pub name: String,
    pub kind: &'static str,
    pub contact: String,
}

impl PartnerFields {
    pub fn parse(name: &str, kind: &str, contact: &str) -> Result<PartnerFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = text(&mut errors, "name", name, "Nama mitra", true, 120);
        let kind = PARTNER_KINDS
            .iter()
            .find(|(k, _)| *k == kind.trim())
            .map(|(k, _)| *k);
        if kind.is_none() {
            errors.push(("kind", "Pilih jenis mitra.".into()));
        }
        let contact = text(&mut errors, "contact", contact, "Kontak", false, 200);
        match (errors.is_empty(), kind) {
            (true, Some(kind)) => Ok(PartnerFields {
                name,
                kind,
                contact,
            }),
            _ => Err(errors),
        }
    }
}

/// The content type of an uploaded document, read from its first bytes (never from its name):
/// a photo (JPEG, PNG, WebP) or a PDF; `None` for anything else.
pub fn document_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Whether a program takes applications on `today` (ISO): between its dates, both included.
pub fn is_open(opens_on: &str, closes_on: &str, today: &str) -> bool {
    opens_on <= today && today <= closes_on
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>() -> ProgramInput<'a> {
        ProgramInput {
            partner_id: "1",
            name: "KUR Mikro",
            kind: "loan",
            kur: true,
            min_amount: "10.000.000",
            max_amount: "100.000.000",
            tenor_min: "12",
            tenor_max: "36",
            opens_on: "2026-01-01",
            closes_on: "2026-12-31",
            ..ProgramInput::default()
        }
    }

    fn known() -> Known<'static> {
        Known {
            partners: &[1],
            trades: &[3],
            kecamatan: &[],
        }
    }

    #[test]
    fn a_good_program_parses_with_no_rules() {
        let p = ProgramFields::parse(&input(), &known()).unwrap();
        assert_eq!((p.min_amount, p.max_amount), (10_000_000, 100_000_000));
        assert!(p.kur);
        assert_eq!(p.rules, Rules::default());
    }

    #[test]
    fn ranges_must_be_in_order_and_loans_need_a_tenor() {
        let mut i = input();
        i.max_amount = "5.000.000";
        i.tenor_min = "0";
        i.tenor_max = "0";
        i.closes_on = "2025-12-31";
        let errors = ProgramFields::parse(&i, &known()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert!(fields.contains(&"max_amount"));
        assert!(fields.contains(&"tenor_max"));
        assert!(fields.contains(&"closes_on"));
    }

    #[test]
    fn choices_outside_the_lists_are_refused() {
        let mut i = input();
        let trades = vec!["99".to_owned()];
        let docs = vec!["paspor".to_owned()];
        i.trades = &trades;
        i.documents = &docs;
        i.partner_id = "7";
        let errors = ProgramFields::parse(&i, &known()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["partner_id", "documents", "trades"]);
    }

    #[test]
    fn rules_round_trip_as_json_and_unknown_json_is_no_rule() {
        let rules = Rules {
            trades: vec![1, 2],
            min_revenue: Some(5_000_000),
            revenue_months: Some(6),
            nib_required: true,
            ..Rules::default()
        };
        assert_eq!(Rules::from_json(&rules.to_json()), rules);
        assert_eq!(Rules::from_json("not json"), Rules::default());
    }

    #[test]
    fn a_partner_needs_a_name_and_a_known_kind() {
        let p = PartnerFields::parse("  Bank  Jambi ", "bank", "").unwrap();
        assert_eq!((p.name.as_str(), p.kind), ("Bank Jambi", "bank"));
        let e = PartnerFields::parse("", "pegadaian", "").unwrap_err();
        let fields: Vec<_> = e.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["name", "kind"]);
    }

    #[test]
    fn documents_are_known_by_their_bytes_not_their_names() {
        assert_eq!(document_type(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(document_type(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(document_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(document_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(document_type(b"<html><script>"), None);
        assert_eq!(document_type(b"MZ\x90\0"), None);
        assert_eq!(document_type(b""), None);
    }

    #[test]
    fn a_program_is_open_between_its_dates_inclusive() {
        assert!(is_open("2026-01-01", "2026-01-31", "2026-01-01"));
        assert!(is_open("2026-01-01", "2026-01-31", "2026-01-31"));
        assert!(!is_open("2026-01-01", "2026-01-31", "2026-02-01"));
        assert!(!is_open("2026-01-01", "2026-01-31", "2025-12-31"));
    }
}
