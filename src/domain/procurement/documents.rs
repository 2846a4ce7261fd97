//! The documents of an office purchase: which contract form the value calls for, the set
//! issued, and how their numbers are written.

use std::collections::BTreeMap;
use std::fmt;

use super::SettingField;
use super::office::Signer;
use crate::domain::rupiah::{Rupiah, format_rupiah};

/// A document Karya issues for an office purchase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentKind {
    SuratPesanan,
    Spk,
    BuktiPembelian,
    Kuitansi,
    Bast,
    Invoice,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 6] = [
        DocumentKind::SuratPesanan,
        DocumentKind::Spk,
        DocumentKind::BuktiPembelian,
        DocumentKind::Kuitansi,
        DocumentKind::Bast,
        DocumentKind::Invoice,
    ];

    /// The short code inside document numbers (`{jenis}`).
    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::SuratPesanan => "SP",
            DocumentKind::Spk => "SPK",
            DocumentKind::BuktiPembelian => "BP",
            DocumentKind::Kuitansi => "KWT",
            DocumentKind::Bast => "BAST",
            DocumentKind::Invoice => "INV",
        }
    }

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::SuratPesanan => "sp",
            DocumentKind::Spk => "spk",
            DocumentKind::BuktiPembelian => "bukti",
            DocumentKind::Kuitansi => "kuitansi",
            DocumentKind::Bast => "bast",
            DocumentKind::Invoice => "invoice",
        }
    }

    pub fn parse(s: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The title printed at the top of the document.
    pub fn title(self) -> &'static str {
        match self {
            DocumentKind::SuratPesanan => "SURAT PESANAN",
            DocumentKind::Spk => "SURAT PERINTAH KERJA",
            DocumentKind::BuktiPembelian => "BUKTI PEMBELIAN",
            DocumentKind::Kuitansi => "KUITANSI",
            DocumentKind::Bast => "BERITA ACARA SERAH TERIMA PEKERJAAN",
            DocumentKind::Invoice => "TAGIHAN",
        }
    }

    /// The name in lists.
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::SuratPesanan => "Surat Pesanan",
            DocumentKind::Spk => "Surat Perintah Kerja (SPK)",
            DocumentKind::BuktiPembelian => "Bukti Pembelian",
            DocumentKind::Kuitansi => "Kuitansi",
            DocumentKind::Bast => "Berita Acara Serah Terima (BAST)",
            DocumentKind::Invoice => "Tagihan",
        }
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The document settings (keys `docs.*`). Amounts in Rupiah.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRules {
    /// Up to this value the contract is a bukti pembelian.
    pub receipt_max: i64,
    /// Up to this value (above `receipt_max`) it is a kuitansi.
    pub kuitansi_max: i64,
    /// Up to this value (above `kuitansi_max`) it is an SPK; above, Karya does not issue it.
    pub spk_max: i64,
    pub pattern: NumberPattern,
    /// Hours an alumnus has to accept with a quote or decline.
    pub offer_hours: i64,
    /// Days from BAST to payment after which the payment counts as late.
    pub late_payment_days: i64,
    /// A receipt stating more than this bears a stamp duty (meterai).
    pub meterai_threshold: i64,
    /// The stamp duty's face value.
    pub meterai_amount: i64,
}

pub const DEFAULT_PATTERN: &str = "{nomor}/{jenis}/{kode}/{bulan}/{tahun}";

impl Default for DocumentRules {
    fn default() -> Self {
        DocumentRules {
            receipt_max: 10_000_000,
            kuitansi_max: 50_000_000,
            spk_max: 200_000_000,
            pattern: NumberPattern::default(),
            offer_hours: 24,
            late_payment_days: 14,
            meterai_threshold: 5_000_000,
            meterai_amount: 10_000,
        }
    }
}

const K_RECEIPT_MAX: &str = "docs.receipt_max";
const K_KUITANSI_MAX: &str = "docs.kuitansi_max";
const K_SPK_MAX: &str = "docs.spk_max";
const K_PATTERN: &str = "docs.number_pattern";
const K_OFFER_HOURS: &str = "docs.offer_hours";
const K_LATE_DAYS: &str = "docs.late_payment_days";
const K_METERAI_THRESHOLD: &str = "docs.meterai_threshold";
const K_METERAI_AMOUNT: &str = "docs.meterai_amount";

const MSG_HOURS: &str = "Isi jumlah jam: bilangan bulat 1 sampai 720.";
const MSG_DAYS: &str = "Isi jumlah hari: bilangan bulat 1 sampai 365.";

impl DocumentRules {
    /// Every key with its Indonesian label and help text naming the legal basis.
    pub const FIELDS: &'static [SettingField] = &[
        SettingField {
            key: K_RECEIPT_MAX,
            label: "Batas nilai bukti pembelian (Rp)",
            help: "Sampai nilai ini bentuk kontraknya bukti pembelian/pembayaran. Perpres 16/2018 \
                   Pasal 28 ayat (2) sebagaimana diubah Perpres 12/2021: paling banyak \
                   Rp10.000.000.",
        },
        SettingField {
            key: K_KUITANSI_MAX,
            label: "Batas nilai kuitansi (Rp)",
            help: "Di atas batas bukti pembelian sampai nilai ini bentuk kontraknya kuitansi. \
                   Perpres 16/2018 Pasal 28 ayat (3) sebagaimana diubah Perpres 12/2021: paling \
                   banyak Rp50.000.000.",
        },
        SettingField {
            key: K_SPK_MAX,
            label: "Batas nilai Surat Perintah Kerja (Rp)",
            help: "Di atas batas kuitansi sampai nilai ini bentuk kontraknya SPK; di atasnya \
                   diperlukan surat perjanjian, yang tidak dibuat Karya. Perpres 16/2018 Pasal 28 \
                   ayat (4) sebagaimana diubah Perpres 12/2021: barang/jasa lainnya paling banyak \
                   Rp200.000.000 (jasa konsultansi paling banyak Rp100.000.000).",
        },
        SettingField {
            key: K_PATTERN,
            label: "Pola nomor dokumen",
            help: "Penanda: {nomor} nomor urut per kantor per tahun (paling sedikit 3 digit, \
                   misalnya 027), {jenis} kode dokumen (SP, SPK, BP, KWT, BAST, INV), {kode} kode \
                   kantor, {bulan} bulan angka Romawi (XI), {bulan2} bulan dua digit (11), \
                   {tahun} tahun (2026). Wajib memuat {nomor} dan {tahun}. Contoh: \
                   {nomor}/{jenis}/{kode}/{bulan}/{tahun} menjadi 027/SP/DISNAKERTRANS/XI/2026.",
        },
        SettingField {
            key: K_OFFER_HOURS,
            label: "Batas waktu alumni menjawab permintaan (jam)",
            help: "Waktu bagi alumni untuk menerima dengan penawaran harga atau menolak; bila \
                   lewat, permintaan berpindah ke urutan rotasi berikutnya. Ketentuan Karya, \
                   bukan peraturan. Bawaan 24 jam.",
        },
        SettingField {
            key: K_LATE_DAYS,
            label: "Target hari pembayaran setelah BAST",
            help: "Pembayaran yang lebih lama dari ini sejak BAST ditandatangani ditandai \
                   terlambat dan terlihat oleh dinas. Ini target instansi, bukan tenggat menurut \
                   peraturan, kecuali instansi menetapkannya sebagai tenggat. Bawaan 14 hari.",
        },
        SettingField {
            key: K_METERAI_THRESHOLD,
            label: "Batas nilai kuitansi bermeterai (Rp)",
            help: "Kuitansi atau bukti pembelian yang menyatakan penerimaan uang lebih dari nilai \
                   ini diberi tempat meterai di samping tanda tangan penyedia. UU 10/2020 tentang \
                   Bea Meterai Pasal 3 ayat (2) huruf g: lebih dari Rp5.000.000.",
        },
        SettingField {
            key: K_METERAI_AMOUNT,
            label: "Nilai meterai (Rp)",
            help: "Tarif bea meterai yang dicetak pada tempat meterai. UU 10/2020 Pasal 5: \
                   Rp10.000.",
        },
    ];

    /// Builds the rules from stored pairs. Keys outside `docs.*` are ignored, missing keys take
    /// the default, bad values give `(key, Indonesian message)` errors, all of them at once.
    /// The thresholds must rise: `receipt_max < kuitansi_max < spk_max`.
    pub fn from_pairs(pairs: &BTreeMap<String, String>) -> Result<Self, Vec<(String, String)>> {
        let mut r = DocumentRules::default();
        let mut errors: Vec<(String, String)> = Vec::new();
        let money_ok = |key: &'static str, slot: &mut i64, errors: &mut Vec<_>| match pairs
            .get(key)
            .map(|raw| Rupiah::parse(raw.trim()))
        {
            None => true,
            Some(Ok(v)) => {
                *slot = v.amount();
                true
            }
            Some(Err(m)) => {
                errors.push((key.to_string(), m.to_string()));
                false
            }
        };
        let receipt_ok = money_ok(K_RECEIPT_MAX, &mut r.receipt_max, &mut errors);
        let kuitansi_ok = money_ok(K_KUITANSI_MAX, &mut r.kuitansi_max, &mut errors);
        let spk_ok = money_ok(K_SPK_MAX, &mut r.spk_max, &mut errors);
        money_ok(K_METERAI_THRESHOLD, &mut r.meterai_threshold, &mut errors);
        money_ok(K_METERAI_AMOUNT, &mut r.meterai_amount, &mut errors);
        if receipt_ok && kuitansi_ok && r.kuitansi_max <= r.receipt_max {
            errors.push((
                K_KUITANSI_MAX.to_string(),
                format!(
                    "Batas kuitansi harus lebih besar dari batas bukti pembelian ({}).",
                    format_rupiah(r.receipt_max)
                ),
            ));
        }
        if kuitansi_ok && spk_ok && r.spk_max <= r.kuitansi_max {
            errors.push((
                K_SPK_MAX.to_string(),
                format!(
                    "Batas SPK harus lebih besar dari batas kuitansi ({}).",
                    format_rupiah(r.kuitansi_max)
                ),
            ));
        }
        if let Some(raw) = pairs.get(K_PATTERN) {
            match NumberPattern::parse(raw.trim()) {
                Ok(p) => r.pattern = p,
                Err(m) => errors.push((K_PATTERN.to_string(), m)),
            }
        }
        let mut count = |key: &'static str, max: i64, msg: &str, slot: &mut i64| {
            if let Some(raw) = pairs.get(key) {
                match parse_int(raw.trim()).filter(|v| (1..=max).contains(v)) {
                    Some(v) => *slot = v,
                    None => errors.push((key.to_string(), msg.to_string())),
                }
            }
        };
        count(K_OFFER_HOURS, 720, MSG_HOURS, &mut r.offer_hours);
        count(K_LATE_DAYS, 365, MSG_DAYS, &mut r.late_payment_days);
        if errors.is_empty() {
            Ok(r)
        } else {
            Err(errors)
        }
    }

    /// Every key with its stored text, in [`DocumentRules::FIELDS`] order.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            (K_RECEIPT_MAX, self.receipt_max.to_string()),
            (K_KUITANSI_MAX, self.kuitansi_max.to_string()),
            (K_SPK_MAX, self.spk_max.to_string()),
            (K_PATTERN, self.pattern.as_str().to_string()),
            (K_OFFER_HOURS, self.offer_hours.to_string()),
            (K_LATE_DAYS, self.late_payment_days.to_string()),
            (K_METERAI_THRESHOLD, self.meterai_threshold.to_string()),
            (K_METERAI_AMOUNT, self.meterai_amount.to_string()),
        ]
    }

    /// The label of the stamp-duty space a receipt of `amount` carries, if it needs one:
    /// "Meterai Rp10.000" above the threshold, none at or below it.
    pub fn meterai(&self, amount: i64) -> Option<String> {
        (amount > self.meterai_threshold)
            .then(|| format!("Meterai {}", format_rupiah(self.meterai_amount)))
    }

    /// Whole days a payment is overdue on `today`: the days since the BAST beyond
    /// `late_payment_days`, or `None` while it is not late.
    pub fn overdue_days(&self, bast: time::Date, today: time::Date) -> Option<i64> {
        let days = (today - bast).whole_days();
        (days > self.late_payment_days).then_some(days)
    }
}

/// Who signs an office's letters and receipts for a purchase of `value`: the office's choice,
/// except that an SPK is a contract, which the PPK signs (Perpres 16/2018 Pasal 11 ayat (1)).
pub fn signer_for(rules: &DocumentRules, office: Signer, value: i64) -> Signer {
    if value > rules.kuitansi_max {
        Signer::Ppk
    } else {
        office
    }
}

fn parse_int(s: &str) -> Option<i64> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The value is above the SPK limit: direct procurement with these forms is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge {
    pub value: i64,
    /// The SPK limit it exceeds.
    pub limit: i64,
}

impl TooLarge {
    /// "Nilai melebihi batas Rp200.000.000 untuk pengadaan langsung dengan SPK; gunakan surat
    /// perjanjian di luar Karya."
    pub fn message(&self) -> String {
        format!(
            "Nilai melebihi batas {} untuk pengadaan langsung dengan SPK; \
             gunakan surat perjanjian di luar Karya.",
            format_rupiah(self.limit)
        )
    }
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for TooLarge {}

/// The contract form the value calls for: up to `receipt_max` a bukti pembelian, up to
/// `kuitansi_max` a kuitansi, up to `spk_max` an SPK; above, an error.
pub fn contract_document(rules: &DocumentRules, value: i64) -> Result<DocumentKind, TooLarge> {
    if value <= rules.receipt_max {
        Ok(DocumentKind::BuktiPembelian)
    } else if value <= rules.kuitansi_max {
        Ok(DocumentKind::Kuitansi)
    } else if value <= rules.spk_max {
        Ok(DocumentKind::Spk)
    } else {
        Err(TooLarge {
            value,
            limit: rules.spk_max,
        })
    }
}

/// The documents of a purchase of this value, in the order they are issued: Surat Pesanan,
/// the contract form, BAST, invoice.
pub fn document_set(rules: &DocumentRules, value: i64) -> Result<Vec<DocumentKind>, TooLarge> {
    Ok(vec![
        DocumentKind::SuratPesanan,
        contract_document(rules, value)?,
        DocumentKind::Bast,
        DocumentKind::Invoice,
    ])
}

const ROMAN_MONTHS: [&str; 12] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
];

/// The month in Roman numerals as used in Indonesian letter numbers: 11 → "XI".
/// Outside 1..=12 the result is empty.
pub fn roman_month(m: u8) -> &'static str {
    match m {
        1..=12 => ROMAN_MONTHS[usize::from(m - 1)],
        _ => "",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placeholder {
    Nomor,
    Jenis,
    Kode,
    Bulan,
    Bulan2,
    Tahun,
}

impl Placeholder {
    const ALL: [Placeholder; 6] = [
        Placeholder::Nomor,
        Placeholder::Jenis,
        Placeholder::Kode,
        Placeholder::Bulan,
        Placeholder::Bulan2,
        Placeholder::Tahun,
    ];

    fn name(self) -> &'static str {
        match self {
            Placeholder::Nomor => "nomor",
            Placeholder::Jenis => "jenis",
            Placeholder::Kode => "kode",
            Placeholder::Bulan => "bulan",
            Placeholder::Bulan2 => "bulan2",
            Placeholder::Tahun => "tahun",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Field(Placeholder),
}

/// A document number pattern such as `{nomor}/{jenis}/{kode}/{bulan}/{tahun}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberPattern {
    source: String,
    parts: Vec<Part>,
}

pub const PATTERN_MAX_CHARS: usize = 100;

const MSG_PATTERN_EMPTY: &str = "Pola nomor wajib diisi.";
const MSG_PATTERN_BRACES: &str =
    "Tanda kurung kurawal tidak berpasangan: setiap { harus ditutup dengan } sebelum { berikutnya.";
const MSG_PATTERN_NO_NOMOR: &str = "Pola nomor wajib memuat {nomor}.";
const MSG_PATTERN_NO_TAHUN: &str = "Pola nomor wajib memuat {tahun}.";
const MSG_PATTERN_CONTROL: &str = "Pola nomor tidak boleh memuat baris baru atau tab.";

impl NumberPattern {
    /// Parses a pattern; errors are Indonesian messages for the settings form.
    pub fn parse(s: &str) -> Result<NumberPattern, String> {
        if s.trim().is_empty() {
            return Err(MSG_PATTERN_EMPTY.to_string());
        }
        if s.chars().count() > PATTERN_MAX_CHARS {
            return Err(format!(
                "Pola nomor terlalu panjang (paling banyak {PATTERN_MAX_CHARS} karakter)."
            ));
        }
        if s.chars().any(char::is_control) {
            return Err(MSG_PATTERN_CONTROL.to_string());
        }
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            match c {
                '{' => {
                    let close = rest.find('}').ok_or(MSG_PATTERN_BRACES)?;
                    let name = &rest[1..close];
                    if name.contains('{') {
                        return Err(MSG_PATTERN_BRACES.to_string());
                    }
                    let field = Placeholder::ALL
                        .into_iter()
                        .find(|p| p.name() == name)
                        .ok_or_else(|| {
                            format!(
                                "Penanda {{{name}}} tidak dikenal. Gunakan {{nomor}}, {{jenis}}, \
                                 {{kode}}, {{bulan}}, {{bulan2}} atau {{tahun}}."
                            )
                        })?;
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Field(field));
                    rest = &rest[close + 1..];
                }
                '}' => return Err(MSG_PATTERN_BRACES.to_string()),
                _ => {
                    text.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        let has = |p| parts.contains(&Part::Field(p));
        if !has(Placeholder::Nomor) {
            return Err(MSG_PATTERN_NO_NOMOR.to_string());
        }
        if !has(Placeholder::Tahun) {
            return Err(MSG_PATTERN_NO_TAHUN.to_string());
        }
        Ok(NumberPattern {
            source: s.to_string(),
            parts,
        })
    }

    /// The pattern as written (and stored).
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The number of one document: `seq` zero-padded to at least 3 digits, the kind's code,
    /// the office code as given, the month (Roman or two digits) and the 4-digit year.
    /// `027/SP/DISNAKERTRANS/XI/2026`.
    pub fn format(
        &self,
        seq: i64,
        kind: DocumentKind,
        office_code: &str,
        month: u8,
        year: i32,
    ) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Field(Placeholder::Nomor) => out.push_str(&format!("{seq:03}")),
                Part::Field(Placeholder::Jenis) => out.push_str(kind.code()),
                Part::Field(Placeholder::Kode) => out.push_str(office_code),
                Part::Field(Placeholder::Bulan) => out.push_str(roman_month(month)),
                Part::Field(Placeholder::Bulan2) => out.push_str(&format!("{month:02}")),
                Part::Field(Placeholder::Tahun) => out.push_str(&format!("{year:04}")),
            }
        }
        out
    }
}

impl Default for NumberPattern {
    fn default() -> Self {
        NumberPattern::parse(DEFAULT_PATTERN).expect("the default pattern is valid")
    }
}

impl fmt::Display for NumberPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> BTreeMap<String, String> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn errs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn kinds_codes_titles() {
        use DocumentKind::*;
        let table = [
            (SuratPesanan, "SP", "sp", "SURAT PESANAN"),
            (Spk, "SPK", "spk", "SURAT PERINTAH KERJA"),
            (BuktiPembelian, "BP", "bukti", "BUKTI PEMBELIAN"),
            (Kuitansi, "KWT", "kuitansi", "KUITANSI"),
            (Bast, "BAST", "bast", "BERITA ACARA SERAH TERIMA PEKERJAAN"),
            (Invoice, "INV", "invoice", "TAGIHAN"),
        ];
        assert_eq!(table.len(), DocumentKind::ALL.len());
        for (kind, code, stored, title) in table {
            assert_eq!(kind.code(), code);
            assert_eq!(kind.as_str(), stored);
            assert_eq!(kind.title(), title);
            assert_eq!(DocumentKind::parse(stored), Some(kind));
            assert!(!kind.label().is_empty());
        }
        assert_eq!(DocumentKind::parse("SP"), None);
        assert_eq!(DocumentKind::parse(""), None);
        assert_eq!(Spk.label(), "Surat Perintah Kerja (SPK)");
        assert_eq!(Bast.to_string(), "Berita Acara Serah Terima (BAST)");
    }

    #[test]
    fn contract_form_at_each_boundary() {
        let rules = DocumentRules::default();
        use DocumentKind::*;
        let cases = [
            (0, BuktiPembelian),
            (1, BuktiPembelian),
            (9_999_999, BuktiPembelian),
            (10_000_000, BuktiPembelian),
            (10_000_001, Kuitansi),
            (49_999_999, Kuitansi),
            (50_000_000, Kuitansi),
            (50_000_001, Spk),
            (199_999_999, Spk),
            (200_000_000, Spk),
        ];
        for (value, want) in cases {
            assert_eq!(contract_document(&rules, value), Ok(want), "{value}");
        }
        let err = contract_document(&rules, 200_000_001).unwrap_err();
        assert_eq!(
            err,
            TooLarge {
                value: 200_000_001,
                limit: 200_000_000
            }
        );
        assert_eq!(
            err.to_string(),
            "Nilai melebihi batas Rp200.000.000 untuk pengadaan langsung dengan SPK; \
             gunakan surat perjanjian di luar Karya."
        );
    }

    #[test]
    fn thresholds_are_settings() {
        let rules = DocumentRules {
            receipt_max: 5_000_000,
            kuitansi_max: 20_000_000,
            spk_max: 150_000_000,
            ..DocumentRules::default()
        };
        use DocumentKind::*;
        assert_eq!(contract_document(&rules, 5_000_000), Ok(BuktiPembelian));
        assert_eq!(contract_document(&rules, 5_000_001), Ok(Kuitansi));
        assert_eq!(contract_document(&rules, 20_000_000), Ok(Kuitansi));
        assert_eq!(contract_document(&rules, 20_000_001), Ok(Spk));
        assert_eq!(contract_document(&rules, 150_000_000), Ok(Spk));
        assert_eq!(
            contract_document(&rules, 150_000_001)
                .unwrap_err()
                .message(),
            "Nilai melebihi batas Rp150.000.000 untuk pengadaan langsung dengan SPK; \
             gunakan surat perjanjian di luar Karya."
        );
    }

    #[test]
    fn document_sets() {
        let rules = DocumentRules::default();
        use DocumentKind::*;
        assert_eq!(
            document_set(&rules, 1_250_000),
            Ok(vec![SuratPesanan, BuktiPembelian, Bast, Invoice])
        );
        assert_eq!(
            document_set(&rules, 10_000_001),
            Ok(vec![SuratPesanan, Kuitansi, Bast, Invoice])
        );
        assert_eq!(
            document_set(&rules, 75_000_000),
            Ok(vec![SuratPesanan, Spk, Bast, Invoice])
        );
        assert_eq!(
            document_set(&rules, 300_000_000),
            Err(TooLarge {
                value: 300_000_000,
                limit: 200_000_000
            })
        );
    }

    #[test]
    fn meterai_above_the_threshold_only() {
        let rules = DocumentRules::default();
        assert_eq!(rules.meterai(4_999_999), None);
        assert_eq!(rules.meterai(5_000_000), None);
        assert_eq!(
            rules.meterai(5_000_001).as_deref(),
            Some("Meterai Rp10.000")
        );
        let custom = DocumentRules::from_pairs(&pairs(&[
            ("docs.meterai_threshold", "20.000.000"),
            ("docs.meterai_amount", "12.000"),
        ]))
        .unwrap();
        assert_eq!(custom.meterai(20_000_000), None);
        assert_eq!(
            custom.meterai(20_000_001).as_deref(),
            Some("Meterai Rp12.000")
        );
        assert_eq!(
            DocumentRules::from_pairs(&pairs(&[("docs.meterai_threshold", "lima juta")])),
            Err(errs(&[(
                "docs.meterai_threshold",
                "Jumlah hanya boleh berisi angka."
            )]))
        );
    }

    #[test]
    fn signer_by_value_and_office() {
        let rules = DocumentRules::default();
        use Signer::*;
        for office in Signer::ALL {
            assert_eq!(signer_for(&rules, office, 1_000_000), office);
            assert_eq!(signer_for(&rules, office, 50_000_000), office);
            assert_eq!(signer_for(&rules, office, 50_000_001), Ppk);
        }
        assert_eq!(PejabatPengadaan.label(), "Pejabat Pengadaan");
        assert_eq!(Ppk.label(), "Pejabat Pembuat Komitmen");
        assert_eq!(Signer::parse("ppk"), Some(Ppk));
        assert_eq!(Signer::parse("x"), None);
    }

    #[test]
    fn overdue_after_the_set_days() {
        use time::macros::date;
        let rules = DocumentRules::default();
        let bast = date!(2026 - 11 - 20);
        assert_eq!(rules.overdue_days(bast, date!(2026 - 12 - 04)), None);
        assert_eq!(rules.overdue_days(bast, date!(2026 - 12 - 05)), Some(15));
        assert_eq!(rules.overdue_days(bast, date!(2026 - 11 - 20)), None);
    }

    #[test]
    fn every_roman_month() {
        let want = [
            "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
        ];
        for (i, w) in want.iter().enumerate() {
            assert_eq!(roman_month(i as u8 + 1), *w);
        }
        assert_eq!(roman_month(0), "");
        assert_eq!(roman_month(13), "");
    }

    #[test]
    fn default_pattern_formats_the_issue_example() {
        let p = NumberPattern::default();
        assert_eq!(p.as_str(), "{nomor}/{jenis}/{kode}/{bulan}/{tahun}");
        assert_eq!(
            p.format(27, DocumentKind::SuratPesanan, "DISNAKERTRANS", 11, 2026),
            "027/SP/DISNAKERTRANS/XI/2026"
        );
        assert_eq!(
            p.format(5, DocumentKind::Bast, "BPBD", 3, 2025),
            "005/BAST/BPBD/III/2025"
        );
        for kind in DocumentKind::ALL {
            let n = p.format(1, kind, "X", 1, 2026);
            assert_eq!(n, format!("001/{}/X/I/2026", kind.code()));
        }
    }

    #[test]
    fn sequence_padding() {
        let p = NumberPattern::parse("{nomor}-{tahun}").unwrap();
        let cases = [
            (1, "001-2026"),
            (9, "009-2026"),
            (10, "010-2026"),
            (99, "099-2026"),
            (100, "100-2026"),
            (999, "999-2026"),
            (1000, "1000-2026"),
            (12345, "12345-2026"),
        ];
        for (seq, want) in cases {
            assert_eq!(p.format(seq, DocumentKind::Invoice, "K", 1, 2026), want);
        }
    }

    #[test]
    fn other_placeholders_and_literal_text() {
        let p = NumberPattern::parse("No. {jenis}-{nomor}/{kode}/{bulan2}.{tahun} (Rev)").unwrap();
        assert_eq!(
            p.format(42, DocumentKind::Kuitansi, "DINKES", 2, 2027),
            "No. KWT-042/DINKES/02.2027 (Rev)"
        );
        assert_eq!(
            p.format(1042, DocumentKind::Spk, "DINKES", 12, 2027),
            "No. SPK-1042/DINKES/12.2027 (Rev)"
        );
        // A placeholder may repeat; text may be non-ASCII.
        let p = NumberPattern::parse("{tahun}·{nomor}·{tahun}").unwrap();
        assert_eq!(
            p.format(7, DocumentKind::Bast, "", 5, 2026),
            "2026·007·2026"
        );
        assert_eq!(p.to_string(), "{tahun}·{nomor}·{tahun}");
    }

    #[test]
    fn bad_patterns_and_their_messages() {
        let unknown = |name: &str| {
            format!(
                "Penanda {{{name}}} tidak dikenal. Gunakan {{nomor}}, {{jenis}}, {{kode}}, \
                 {{bulan}}, {{bulan2}} atau {{tahun}}."
            )
        };
        let cases: Vec<(&str, String)> = vec![
            ("", MSG_PATTERN_EMPTY.to_string()),
            ("   ", MSG_PATTERN_EMPTY.to_string()),
            ("{nomor}/{jenis}", MSG_PATTERN_NO_TAHUN.to_string()),
            ("{jenis}/{tahun}", MSG_PATTERN_NO_NOMOR.to_string()),
            ("nomor/tahun", MSG_PATTERN_NO_NOMOR.to_string()),
            ("{nomor}/{tahun}/{xyz}", unknown("xyz")),
            ("{Nomor}/{tahun}", unknown("Nomor")),
            ("{nomor}/{}/{tahun}", unknown("")),
            ("{nomor/{tahun}", MSG_PATTERN_BRACES.to_string()),
            ("{nomor}}/{tahun}", MSG_PATTERN_BRACES.to_string()),
            ("{nomor}/{tahun", MSG_PATTERN_BRACES.to_string()),
            ("}{nomor}/{tahun}", MSG_PATTERN_BRACES.to_string()),
            ("{nomor}/\n{tahun}", MSG_PATTERN_CONTROL.to_string()),
            (
                "{nomor}{tahun}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                "Pola nomor terlalu panjang (paling banyak 100 karakter).".to_string(),
            ),
        ];
        for (pattern, want) in cases {
            assert_eq!(NumberPattern::parse(pattern), Err(want), "{pattern:?}");
        }
        assert_eq!(MSG_PATTERN_NO_NOMOR, "Pola nomor wajib memuat {nomor}.");
        assert_eq!(MSG_PATTERN_NO_TAHUN, "Pola nomor wajib memuat {tahun}.");
        // Exactly at the length limit is fine.
        let at_limit = format!("{{nomor}}{{tahun}}{}", "x".repeat(100 - 14));
        assert_eq!(at_limit.chars().count(), 100);
        assert!(NumberPattern::parse(&at_limit).is_ok());
    }

    #[test]
    fn defaults_fields_and_round_trip() {
        let d = DocumentRules::default();
        assert_eq!(
            (d.receipt_max, d.kuitansi_max, d.spk_max),
            (10_000_000, 50_000_000, 200_000_000)
        );
        assert_eq!((d.offer_hours, d.late_payment_days), (24, 14));
        assert_eq!(d.pattern.as_str(), DEFAULT_PATTERN);

        let keys: Vec<&str> = DocumentRules::FIELDS.iter().map(|f| f.key).collect();
        let pair_keys: Vec<&str> = d.to_pairs().iter().map(|p| p.0).collect();
        assert_eq!(keys, pair_keys);
        for f in DocumentRules::FIELDS {
            assert!(f.key.starts_with("docs."), "{}", f.key);
            assert!(!f.label.is_empty() && !f.help.is_empty(), "{}", f.key);
        }
        for key in [K_RECEIPT_MAX, K_KUITANSI_MAX, K_SPK_MAX] {
            let f = DocumentRules::FIELDS.iter().find(|f| f.key == key).unwrap();
            assert!(f.help.contains("Perpres 16/2018 Pasal 28"), "{key}");
            assert!(f.help.contains("Perpres 12/2021"), "{key}");
        }

        let custom = DocumentRules {
            receipt_max: 1,
            kuitansi_max: 2,
            spk_max: 3,
            pattern: NumberPattern::parse("{kode}/{nomor}/{tahun}").unwrap(),
            offer_hours: 48,
            late_payment_days: 30,
            meterai_threshold: 4,
            meterai_amount: 5,
        };
        let stored: BTreeMap<String, String> = custom
            .to_pairs()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(DocumentRules::from_pairs(&stored), Ok(custom));
        assert_eq!(DocumentRules::from_pairs(&BTreeMap::new()), Ok(d));
    }

    #[test]
    fn from_pairs_reads_written_amounts_and_ignores_other_keys() {
        let r = DocumentRules::from_pairs(&pairs(&[
            ("docs.receipt_max", "Rp 5.000.000"),
            ("docs.offer_hours", " 12 "),
            ("tax.ppn_rate_bp", "not mine"),
        ]))
        .unwrap();
        assert_eq!(r.receipt_max, 5_000_000);
        assert_eq!(r.offer_hours, 12);
        assert_eq!(r.kuitansi_max, 50_000_000);
    }

    #[test]
    fn from_pairs_threshold_order() {
        // Receipt limit reaching the kuitansi limit.
        assert_eq!(
            DocumentRules::from_pairs(&pairs(&[("docs.receipt_max", "50.000.000")])),
            Err(errs(&[(
                "docs.kuitansi_max",
                "Batas kuitansi harus lebih besar dari batas bukti pembelian (Rp50.000.000)."
            )]))
        );
        // One rupiah above is fine.
        assert!(DocumentRules::from_pairs(&pairs(&[("docs.receipt_max", "49999999")])).is_ok());
        // SPK limit below the kuitansi limit.
        assert_eq!(
            DocumentRules::from_pairs(&pairs(&[("docs.spk_max", "40.000.000")])),
            Err(errs(&[(
                "docs.spk_max",
                "Batas SPK harus lebih besar dari batas kuitansi (Rp50.000.000)."
            )]))
        );
        // Both at once.
        assert_eq!(
            DocumentRules::from_pairs(&pairs(&[
                ("docs.receipt_max", "60.000.000"),
                ("docs.kuitansi_max", "60.000.000"),
                ("docs.spk_max", "60.000.000"),
            ])),
            Err(errs(&[
                (
                    "docs.kuitansi_max",
                    "Batas kuitansi harus lebih besar dari batas bukti pembelian (Rp60.000.000)."
                ),
                (
                    "docs.spk_max",
                    "Batas SPK harus lebih besar dari batas kuitansi (Rp60.000.000)."
                ),
            ]))
        );
    }

    #[test]
    fn from_pairs_bad_values() {
        let got = DocumentRules::from_pairs(&pairs(&[
            ("docs.receipt_max", "sepuluh juta"),
            ("docs.spk_max", "-1"),
            ("docs.number_pattern", "{nomor}"),
            ("docs.offer_hours", "0"),
            ("docs.late_payment_days", "366"),
        ]));
        assert_eq!(
            got,
            Err(errs(&[
                ("docs.receipt_max", "Jumlah hanya boleh berisi angka."),
                ("docs.spk_max", "Jumlah hanya boleh berisi angka."),
                ("docs.number_pattern", "Pola nomor wajib memuat {tahun}."),
                (
                    "docs.offer_hours",
                    "Isi jumlah jam: bilangan bulat 1 sampai 720."
                ),
                (
                    "docs.late_payment_days",
                    "Isi jumlah hari: bilangan bulat 1 sampai 365."
                ),
            ]))
        );
        let got = DocumentRules::from_pairs(&pairs(&[
            ("docs.offer_hours", "721"),
            ("docs.late_payment_days", "1,5"),
        ]));
        assert_eq!(
            got,
            Err(errs(&[
                ("docs.offer_hours", MSG_HOURS),
                ("docs.late_payment_days", MSG_DAYS),
            ]))
        );
        // Limits at the edges are accepted.
        let r = DocumentRules::from_pairs(&pairs(&[
            ("docs.offer_hours", "720"),
            ("docs.late_payment_days", "1"),
        ]))
        .unwrap();
        assert_eq!((r.offer_hours, r.late_payment_days), (720, 1));
    }
}
