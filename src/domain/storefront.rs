//! What an alumnus's storefront forms must satisfy: the business (usaha) and its listings
//! (products and services). Each `parse` takes the form as typed and returns valid fields or an
//! Indonesian message per field; the caller passes in what exists (trades, regions, categories).

use super::form::{clean, money, paragraphs, text, whole};
use super::phone::Phone;
use super::rupiah::Rupiah;
use super::user::FieldErrors;

/// Opening days, Monday first (the order of `businesses.open_days`).
pub const DAYS: [&str; 7] = [
    "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
];

/// Units offered in the listing form (free text is accepted too). A unit is the thing counted
/// ("loyang"), so that "2 loyang", "Minimal 25 kotak" and "Rp150.000 / loyang" all read right.
pub const UNITS: &[&str] = &[
    "loyang",
    "kotak",
    "unit AC",
    "jam",
    "potong",
    "buah",
    "paket",
    "porsi",
    "lusin",
    "pasang",
    "stel",
    "meter",
    "orang",
    "kunjungan",
    "titik",
    "hari",
];

/// A unit as stored: the thing counted, without the "per" or "/" people often type before it
/// ("per loyang", "/kotak" → "loyang", "kotak").
pub fn bare_unit(raw: &str) -> String {
    let t = raw.trim();
    let lower = t.to_lowercase();
    let rest = if lower.starts_with("per ") {
        &t[4..]
    } else if let Some(r) = t.strip_prefix('/') {
        r
    } else {
        t
    };
    rest.trim().to_owned()
}

pub const MAX_PRICE: i64 = 1_000_000_000;
pub const MAX_MIN_ORDER: i64 = 10_000;
pub const MAX_LEAD_DAYS: i64 = 365;
pub const MAX_PHOTOS: i64 = 5;

/// `HH:MM` (also `8.00`, `8:00`).
pub fn parse_time(raw: &str) -> Option<String> {
    let t = raw.trim().replace('.', ":");
    let (h, m) = t.split_once(':')?;
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    (h < 24 && m < 60 && t.len() <= 5).then(|| format!("{h:02}:{m:02}"))
}

/// Opening days as stored (`1111110`) from the checked day numbers (`0` = Monday).
pub fn days_flags(checked: &[String]) -> String {
    (0..7)
        .map(|d| {
            if checked.iter().any(|c| c.trim() == d.to_string()) {
                '1'
            } else {
                '0'
            }
        })
        .collect()
}

/// Opening days as people say them: `1111110` → "Senin–Sabtu", `1010100` → "Senin, Rabu,
/// Jumat", `1100011` → "Senin, Selasa, Sabtu, Minggu", all seven → "Setiap hari".
pub fn days_text(flags: &str) -> String {
    let open: Vec<bool> = flags.chars().take(7).map(|c| c == '1').collect();
    if open.len() == 7 && open.iter().all(|&o| o) {
        return "Setiap hari".into();
    }
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (i, &o) in open.iter().enumerate() {
        if !o {
            continue;
        }
        match runs.last_mut() {
            Some(r) if r.1 + 1 == i => r.1 = i,
            _ => runs.push((i, i)),
        }
    }
    if runs.is_empty() {
        return "Tidak ada hari buka tetap".into();
    }
    runs.iter()
        .map(|&(a, b)| match b - a {
            0 => DAYS[a].to_string(),
            1 => format!("{}, {}", DAYS[a], DAYS[b]),
            _ => format!("{}–{}", DAYS[a], DAYS[b]),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The places a form may name: kecamatan of the instance's kabupaten and their desa.
#[derive(Debug, Clone, Default)]
pub struct Places {
    pub kecamatan: Vec<String>,
    /// Desa or kelurahan codes (their kecamatan is the code's prefix).
    pub desa: Vec<String>,
}

impl Places {
    pub fn knows(&self, code: &str) -> bool {
        self.kecamatan.iter().any(|k| k == code) || self.desa.iter().any(|d| d == code)
    }
}

// ---------------------------------------------------------------------------------------------
// Businesses

#[derive(Debug, Clone, Default)]
pub struct BusinessInput<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub trade_id: &'a str,
    pub other_trades: &'a [String],
    pub kecamatan: &'a str,
    pub desa: &'a str,
    pub areas: &'a [String],
    pub pickup_address: &'a str,
    /// Checked day numbers, `0` = Monday.
    pub open_days: &'a [String],
    pub open_from: &'a str,
    pub open_until: &'a str,
    pub phone: &'a str,
    pub phone_public: bool,
    pub nib: &'a str,
    pub pirt: &'a str,
    pub halal: &'a str,
    pub qris: &'a str,
    pub bank_name: &'a str,
    pub bank_account: &'a str,
    pub bank_holder: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessFields {
    pub name: String,
    pub description: String,
    pub trade_id: i64,
    /// Other trades it draws on (never the main one), ascending.
    pub other_trade_ids: Vec<i64>,
    pub kecamatan_code: String,
    pub desa_code: Option<String>,
    /// Kecamatan or desa served; at least the business's own kecamatan.
    pub area_codes: Vec<String>,
    pub pickup_address: String,
    pub open_days: String,
    pub open_from: String,
    pub open_until: String,
    pub phone: Phone,
    pub phone_public: bool,
    pub nib: String,
    pub pirt: String,
    pub halal: String,
    pub qris_payload: String,
    pub bank_name: String,
    pub bank_account: String,
    pub bank_holder: String,
}

fn permit(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    check: impl Fn(&str) -> bool,
    message: &str,
) -> String {
    let v = clean(raw).to_uppercase();
    if !v.is_empty() && !check(&v) {
        errors.push((field, message.to_owned()));
    }
    v
}

fn digits(s: &str) -> usize {
    s.chars().filter(char::is_ascii_digit).count()
}

impl BusinessFields {
    pub fn parse(
        input: &BusinessInput<'_>,
        trades: &[i64],
        places: &Places,
    ) -> Result<BusinessFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = text(&mut errors, "name", input.name, "Nama usaha", true, 80);
        let description = paragraphs(
            &mut errors,
            "description",
            input.description,
            "Keterangan",
            1000,
        );
        let trade_id = match input.trade_id.trim().parse::<i64>() {
            Ok(id) if trades.contains(&id) => id,
            _ => {
                errors.push(("trade_id", "Pilih kejuruan utama usaha Anda.".into()));
                0
            }
        };
        let mut other_trade_ids: Vec<i64> = Vec::new();
        for raw in input.other_trades {
            match raw.trim().parse::<i64>() {
                Ok(id) if trades.contains(&id) => {
                    if id != trade_id && !other_trade_ids.contains(&id) {
                        other_trade_ids.push(id);
                    }
                }
                _ => errors.push(("other_trades", "Pilih kejuruan dari daftar.".into())),
            }
        }
        other_trade_ids.sort_unstable();
        let kecamatan_code = input.kecamatan.trim().to_owned();
        if kecamatan_code.is_empty() {
            errors.push(("kecamatan", "Pilih kecamatan tempat usaha.".into()));
        } else if !places.kecamatan.contains(&kecamatan_code) {
            errors.push(("kecamatan", "Kecamatan tidak dikenal.".into()));
        }
        let desa = input.desa.trim();
        let desa_code = if desa.is_empty() {
            None
        } else if !places.desa.iter().any(|d| d == desa) {
            errors.push(("desa", "Desa/kelurahan tidak dikenal.".into()));
            None
        } else if !desa.starts_with(&format!("{kecamatan_code}.")) {
            errors.push((
                "desa",
                "Desa/kelurahan ini tidak berada di kecamatan yang dipilih.".into(),
            ));
            None
        } else {
            Some(desa.to_owned())
        };
        let mut area_codes: Vec<String> = Vec::new();
        for raw in input.areas {
            let code = raw.trim();
            if code.is_empty() {
                continue;
            }
            if !places.knows(code) {
                errors.push(("areas", "Wilayah layanan tidak dikenal.".into()));
            } else if !area_codes.iter().any(|a| a == code) {
                area_codes.push(code.to_owned());
            }
        }
        if area_codes.is_empty() && !kecamatan_code.is_empty() {
            area_codes.push(kecamatan_code.clone());
        }
        area_codes.sort();
        let pickup_address = text(
            &mut errors,
            "pickup_address",
            input.pickup_address,
            "Alamat pengambilan",
            false,
            200,
        );
        let open_days = days_flags(input.open_days);
        if !open_days.contains('1') {
            errors.push(("open_days", "Pilih paling sedikit satu hari buka.".into()));
        }
        let open_from = parse_time(input.open_from);
        let open_until = parse_time(input.open_until);
        if open_from.is_none() {
            errors.push(("open_from", "Jam buka ditulis JJ:MM, contoh 08:00.".into()));
        }
        if open_until.is_none() {
            errors.push((
                "open_until",
                "Jam tutup ditulis JJ:MM, contoh 17:00.".into(),
            ));
        }
        if let (Some(a), Some(b)) = (&open_from, &open_until)
            && a >= b
        {
            errors.push(("open_until", "Jam tutup harus setelah jam buka.".into()));
        }
        let phone = match Phone::parse(input.phone) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(("phone", e.into()));
                None
            }
        };
        let nib = permit(
            &mut errors,
            "nib",
            input.nib,
            |v| v.len() == 13 && v.chars().all(|c| c.is_ascii_digit()),
            "NIB terdiri dari 13 angka (lihat dokumen NIB dari OSS).",
        );
        let pirt = permit(
            &mut errors,
            "pirt",
            input.pirt,
            |v| {
                (10..=20).contains(&digits(v))
                    && v.chars()
                        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | ' ' | '/'))
            },
            "Nomor P-IRT berisi 10 sampai 20 angka (boleh dengan titik atau tanda hubung).",
        );
        let halal = permit(
            &mut errors,
            "halal",
            input.halal,
            |v| {
                (8..=40).contains(&v.len())
                    && digits(v) >= 6
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '/' | ' '))
            },
            "Nomor sertifikat halal tidak valid (contoh: ID15110000123450524).",
        );
        let qris_raw = input.qris.trim();
        let qris_payload = if qris_raw.is_empty() {
            String::new()
        } else {
            match super::qris::validate_static(qris_raw) {
                Ok(q) => q.payload().to_owned(),
                Err(e) => {
                    errors.push(("qris", e.to_string()));
                    qris_raw.to_owned()
                }
            }
        };
        let bank_name = text(
            &mut errors,
            "bank_name",
            input.bank_name,
            "Nama bank",
            false,
            60,
        );
        let bank_account = clean(input.bank_account);
        let bank_holder = text(
            &mut errors,
            "bank_holder",
            input.bank_holder,
            "Nama pemilik rekening",
            false,
            80,
        );
        let any_bank = !(bank_name.is_empty() && bank_account.is_empty() && bank_holder.is_empty());
        if any_bank {
            if bank_name.is_empty() {
                errors.push((
                    "bank_name",
                    "Isi nama bank, atau kosongkan ketiga isian rekening.".into(),
                ));
            }
            if bank_holder.is_empty() {
                errors.push((
                    "bank_holder",
                    "Isi nama pemilik rekening, atau kosongkan ketiga isian rekening.".into(),
                ));
            }
            if !(5..=20).contains(&digits(&bank_account))
                || !bank_account
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.'))
            {
                errors.push((
                    "bank_account",
                    "Nomor rekening berisi 5 sampai 20 angka.".into(),
                ));
            }
        }
        let bank_account: String = bank_account.chars().filter(char::is_ascii_digit).collect();
        match (errors.is_empty(), phone, open_from, open_until) {
            (true, Some(phone), Some(open_from), Some(open_until)) => Ok(BusinessFields {
                name,
                description,
                trade_id,
                other_trade_ids,
                kecamatan_code,
                desa_code,
                area_codes,
                pickup_address,
                open_days,
                open_from,
                open_until,
                phone,
                phone_public: input.phone_public,
                nib,
                pirt,
                halal,
                qris_payload,
                bank_name,
                bank_account,
                bank_holder,
            }),
            _ => Err(errors),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Listings

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingKind {
    Product,
    Service,
}

impl ListingKind {
    pub fn parse(s: &str) -> Option<ListingKind> {
        match s.trim() {
            "product" => Some(ListingKind::Product),
            "service" => Some(ListingKind::Service),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ListingKind::Product => "product",
            ListingKind::Service => "service",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ListingKind::Product => "Produk",
            ListingKind::Service => "Jasa",
        }
    }
}

/// How a listing is priced (as in `listings.price_kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceKind {
    Fixed,
    From,
    Quote,
}

impl PriceKind {
    pub fn parse(s: &str) -> Option<PriceKind> {
        match s.trim() {
            "fixed" => Some(PriceKind::Fixed),
            "from" => Some(PriceKind::From),
            "quote" => Some(PriceKind::Quote),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            PriceKind::Fixed => "fixed",
            PriceKind::From => "from",
            PriceKind::Quote => "quote",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            PriceKind::Fixed => "Harga pasti",
            PriceKind::From => "Mulai dari",
            PriceKind::Quote => "Sesuai survei/penawaran",
        }
    }
}

/// A price as buyers read it: "Rp150.000 / loyang", "mulai Rp75.000 / unit AC",
/// "Sesuai survei/penawaran". A unit typed as "per loyang" reads the same as "loyang".
pub fn price_text(kind: PriceKind, price: Option<i64>, unit: &str) -> String {
    let unit = unit.trim();
    let unit = unit.strip_prefix("per ").unwrap_or(unit).trim();
    let per = if unit.is_empty() {
        String::new()
    } else {
        format!(" / {unit}")
    };
    let amount = super::rupiah::format_rupiah;
    match (kind, price) {
        (PriceKind::Quote, _) | (_, None) => PriceKind::Quote.label().to_owned(),
        (PriceKind::From, Some(p)) => format!("mulai {}{per}", amount(p)),
        (PriceKind::Fixed, Some(p)) => format!("{}{per}", amount(p)),
    }
}

/// `price_text` for a price kind as stored (`fixed`, `from`, `quote`); an unknown kind reads as
/// by quote, never as a price.
pub fn stored_price_text(kind: &str, price: Option<i64>, unit: &str) -> String {
    price_text(
        PriceKind::parse(kind).unwrap_or(PriceKind::Quote),
        price,
        unit,
    )
}

#[derive(Debug, Clone, Default)]
pub struct ListingInput<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub category_id: &'a str,
    pub price_kind: &'a str,
    pub price: &'a str,
    pub office_price: &'a str,
    pub unit: &'a str,
    pub min_order: &'a str,
    pub lead_days: &'a str,
    /// Areas chosen for this listing (a subset of the business's); none means all of them.
    pub areas: &'a [String],
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingFields {
    pub kind: ListingKind,
    pub title: String,
    pub description: String,
    pub category_id: i64,
    pub price_kind: PriceKind,
    /// `None` exactly when the price is by quote.
    pub price: Option<i64>,
    pub office_price: Option<i64>,
    pub unit: String,
    pub min_order: i64,
    pub lead_days: i64,
    pub area_codes: Vec<String>,
    pub active: bool,
}

impl ListingFields {
    /// `categories`: the categories of the business's trades; `areas`: the business's areas.
    pub fn parse(
        input: &ListingInput<'_>,
        categories: &[i64],
        areas: &[String],
    ) -> Result<ListingFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = ListingKind::parse(input.kind);
        if kind.is_none() {
            errors.push(("kind", "Pilih produk atau jasa.".into()));
        }
        let title = text(&mut errors, "title", input.title, "Judul", true, 100);
        if !title.is_empty() && title.chars().count() < 3 {
            errors.push(("title", "Judul paling sedikit 3 karakter.".into()));
        }
        let description = paragraphs(
            &mut errors,
            "description",
            input.description,
            "Keterangan",
            2000,
        );
        let category_id = match input.category_id.trim().parse::<i64>() {
            Ok(id) if categories.contains(&id) => id,
            _ => {
                errors.push(("category_id", "Pilih kategori.".into()));
                0
            }
        };
        let price_kind = PriceKind::parse(input.price_kind);
        if price_kind.is_none() {
            errors.push(("price_kind", "Pilih cara menentukan harga.".into()));
        }
        let (price, office_price) = match price_kind {
            // By quote: no price at all; a number left in the field is not a price.
            Some(PriceKind::Quote) | None => (None, None),
            Some(_) => {
                let price = money(&mut errors, "price", input.price, "Harga", MAX_PRICE);
                if input.price.trim().is_empty() {
                    errors.push((
                        "price",
                        "Harga wajib diisi, atau pilih \"Sesuai survei/penawaran\".".into(),
                    ));
                }
                let office = money(
                    &mut errors,
                    "office_price",
                    input.office_price,
                    "Harga untuk instansi",
                    MAX_PRICE,
                );
                (price.map(Rupiah::amount), office.map(Rupiah::amount))
            }
        };
        let unit = bare_unit(&text(&mut errors, "unit", input.unit, "Satuan", true, 40));
        let min_order = whole(
            &mut errors,
            "min_order",
            input.min_order,
            "Pesanan minimal",
            1,
            MAX_MIN_ORDER,
            1,
        );
        let lead_days = whole(
            &mut errors,
            "lead_days",
            input.lead_days,
            "Waktu persiapan",
            0,
            MAX_LEAD_DAYS,
            0,
        );
        let mut area_codes: Vec<String> = Vec::new();
        for raw in input.areas {
            let code = raw.trim();
            if code.is_empty() {
                continue;
            }
            if !areas.iter().any(|a| a == code) {
                errors.push((
                    "areas",
                    "Pilih wilayah dari wilayah layanan usaha Anda.".into(),
                ));
            } else if !area_codes.iter().any(|a| a == code) {
                area_codes.push(code.to_owned());
            }
        }
        // Every area of the business is the same as none (the business's own).
        if area_codes.len() == areas.len() {
            area_codes.clear();
        }
        area_codes.sort();
        match (errors.is_empty(), kind, price_kind) {
            (true, Some(kind), Some(price_kind)) => Ok(ListingFields {
                kind,
                title,
                description,
                category_id,
                price_kind,
                price,
                office_price,
                unit,
                min_order,
                lead_days,
                area_codes,
                active: input.active,
            }),
            _ => Err(errors),
        }
    }
}

/// The verification badge: "Alumni BLK terverifikasi — Tata Boga, angkatan 2 tahun 2021".
pub fn badge_text(program: &str, batch_number: i64, year: i64) -> String {
    if program.is_empty() {
        BADGE.to_owned()
    } else {
        format!("{BADGE} — {program}, angkatan {batch_number} tahun {year}")
    }
}

pub const BADGE: &str = "Alumni BLK terverifikasi";

/// A category name as the admin types it.
pub fn parse_category_name(raw: &str) -> Result<String, String> {
    let v = clean(raw);
    if v.is_empty() {
        Err("Nama kategori wajib diisi.".into())
    } else if v.chars().count() > 60 {
        Err("Nama kategori maksimal 60 karakter.".into())
    } else {
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Places {
        Places {
            kecamatan: vec!["15.07.01".into(), "15.07.02".into()],
            desa: vec!["15.07.01.2001".into(), "15.07.02.2001".into()],
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn business<'a>(days: &'a [String], areas: &'a [String]) -> BusinessInput<'a> {
        BusinessInput {
            name: "  Dapur  Siti ",
            description: "Kue ulang tahun\n\n\n\nsnack box",
            trade_id: "1",
            kecamatan: "15.07.01",
            desa: "15.07.01.2001",
            areas,
            open_days: days,
            open_from: "8.00",
            open_until: "17:00",
            phone: "0812 3456 7890",
            ..Default::default()
        }
    }

    #[test]
    fn a_good_business_is_cleaned() {
        let days = strings(&["0", "1", "2", "3", "4", "5"]);
        let areas = strings(&[]);
        let f = BusinessFields::parse(&business(&days, &areas), &[1, 2], &places()).unwrap();
        assert_eq!(f.name, "Dapur Siti");
        assert_eq!(f.description, "Kue ulang tahun\n\nsnack box");
        assert_eq!(f.open_days, "1111110");
        assert_eq!(f.open_from, "08:00");
        assert_eq!(f.area_codes, vec!["15.07.01".to_string()]);
        assert_eq!(f.phone.as_str(), "+6281234567890");
        assert_eq!(days_text(&f.open_days), "Senin–Sabtu");
    }

    #[test]
    fn a_bad_business_names_each_field() {
        let days: Vec<String> = vec![];
        let areas = strings(&["99.99"]);
        let mut input = business(&days, &areas);
        input.name = " ";
        input.trade_id = "7";
        input.desa = "15.07.02.2001";
        input.open_from = "18:00";
        input.open_until = "08:00";
        input.phone = "12345";
        input.nib = "123";
        input.qris = "bukan qris";
        input.bank_account = "123";
        let errors = BusinessFields::parse(&input, &[1], &places()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        for f in [
            "name",
            "trade_id",
            "desa",
            "areas",
            "open_days",
            "open_until",
            "phone",
            "nib",
            "qris",
            "bank_name",
            "bank_holder",
            "bank_account",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn a_unit_is_the_thing_counted() {
        assert_eq!(bare_unit("per loyang"), "loyang");
        assert_eq!(bare_unit(" Per unit AC "), "unit AC");
        assert_eq!(bare_unit("/kotak"), "kotak");
        assert_eq!(bare_unit("persegi"), "persegi");
        assert!(UNITS.iter().all(|u| bare_unit(u) == *u));
    }

    fn listing<'a>(price_kind: &'a str, price: &'a str) -> ListingInput<'a> {
        ListingInput {
            kind: "product",
            title: "Kue ulang tahun",
            category_id: "3",
            price_kind,
            price,
            unit: "per loyang",
            min_order: "1",
            lead_days: "2",
            active: true,
            ..Default::default()
        }
    }

    #[test]
    fn price_kinds() {
        let areas = strings(&["15.07.01"]);
        let f = ListingFields::parse(&listing("fixed", "Rp 150.000"), &[3], &areas).unwrap();
        assert_eq!((f.price, f.office_price), (Some(150_000), None));
        let mut with_office = listing("from", "75000");
        with_office.office_price = "90.000";
        let f = ListingFields::parse(&with_office, &[3], &areas).unwrap();
        assert_eq!((f.price, f.office_price), (Some(75_000), Some(90_000)));
        // By quote: a number left in the field is dropped.
        let f = ListingFields::parse(&listing("quote", "5000"), &[3], &areas).unwrap();
        assert_eq!((f.price, f.office_price), (None, None));
        for (kind, price) in [
            ("fixed", ""),
            ("from", "0"),
            ("fixed", "12,5"),
            ("x", "1000"),
        ] {
            assert!(
                ListingFields::parse(&listing(kind, price), &[3], &areas).is_err(),
                "{kind} {price}"
            );
        }
        assert_eq!(
            price_text(PriceKind::From, Some(75_000), "per unit AC"),
            "mulai Rp75.000 / unit AC"
        );
        assert_eq!(
            price_text(PriceKind::Fixed, Some(150_000), "loyang"),
            "Rp150.000 / loyang"
        );
        assert_eq!(price_text(PriceKind::Fixed, Some(5_000), ""), "Rp5.000");
        assert_eq!(
            price_text(PriceKind::Quote, None, "per titik"),
            "Sesuai survei/penawaran"
        );
    }

    #[test]
    fn minimum_order_lead_time_category_and_area() {
        let areas = strings(&["15.07.01", "15.07.02"]);
        let mut bad = listing("fixed", "1000");
        bad.min_order = "0";
        bad.lead_days = "-1";
        bad.category_id = "9";
        let own = strings(&["15.07.09"]);
        bad.areas = &own;
        let errors = ListingFields::parse(&bad, &[3], &areas).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            vec!["category_id", "min_order", "lead_days", "areas"]
        );
        let mut good = listing("fixed", "1000");
        let one = strings(&["15.07.02"]);
        good.areas = &one;
        assert_eq!(
            ListingFields::parse(&good, &[3], &areas)
                .unwrap()
                .area_codes,
            one
        );
        // Both areas of the business: stored as none (the business's own).
        good.areas = &areas;
        assert!(
            ListingFields::parse(&good, &[3], &areas)
                .unwrap()
                .area_codes
                .is_empty()
        );
    }

    #[test]
    fn times_and_days() {
        assert_eq!(parse_time("7:30").as_deref(), Some("07:30"));
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(parse_time("jam 8"), None);
        assert_eq!(days_text("1111111"), "Setiap hari");
        assert_eq!(days_text("1010100"), "Senin, Rabu, Jumat");
        assert_eq!(days_text("1111110"), "Senin–Sabtu");
        assert_eq!(days_text("1100011"), "Senin, Selasa, Sabtu, Minggu");
        assert_eq!(days_text("0000000"), "Tidak ada hari buka tetap");
        assert_eq!(days_flags(&strings(&["6", "0"])), "1000001");
    }
}
