//! QRIS: the Indonesian national payment QR code, an EMVCo merchant-presented payload.
//!
//! A payload is a run of TLV fields: a 2-digit id, a 2-digit length and that many characters of
//! value. Ids 26–51 (merchant accounts) and 62 (additional data) are templates holding TLV fields
//! themselves. The last field is the CRC (id 63, length 04): CRC-16/CCITT-FALSE over the payload
//! up to and including "6304", as four uppercase hex digits.
//!
//! A business stores its *static* QRIS (the buyer types the amount); an order page shows a
//! *dynamic* one built from it for the exact amount (`with_amount`).

use std::fmt;

use qrcode::{Color, EcLevel, QrCode};

use crate::domain::rupiah::Rupiah;

/// Longest payload accepted; EMV merchant-presented payloads are at most 512 characters.
const MAX_LEN: usize = 512;

const ID_FORMAT: &str = "00";
const ID_INITIATION: &str = "01";
const ID_CURRENCY: &str = "53";
const ID_AMOUNT: &str = "54";
const ID_COUNTRY: &str = "58";
const ID_MERCHANT_NAME: &str = "59";
const ID_MERCHANT_CITY: &str = "60";
const ID_CRC: &str = "63";
const DYNAMIC: &str = "12";

/// Why a payload is not a usable QRIS. `Display` gives the Indonesian message for the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrisError {
    Empty,
    TooLong,
    /// The TLV structure is broken: a bad id or length, a truncated value, a broken template.
    Malformed,
    DuplicateField,
    MissingCrc,
    CrcMismatch,
    FormatIndicator,
    Currency,
    Country,
    NoMerchantAccount,
    MissingMerchantName,
    MissingMerchantCity,
    /// `validate_static` was given a dynamic (one-transaction) code.
    Dynamic,
    ZeroAmount,
    AmountTooLarge,
}

impl fmt::Display for QrisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let again = "Salin ulang isi kode QRIS Anda.";
        match self {
            QrisError::Empty => f.write_str("Isi kode QRIS kosong."),
            QrisError::TooLong => write!(
                f,
                "Kode QRIS tidak valid: terlalu panjang (lebih dari {MAX_LEN} karakter). {again}"
            ),
            QrisError::Malformed => write!(
                f,
                "Kode QRIS tidak valid: susunan datanya rusak atau terpotong. {again}"
            ),
            QrisError::DuplicateField => write!(
                f,
                "Kode QRIS tidak valid: ada data yang tercantum dua kali. {again}"
            ),
            QrisError::MissingCrc => write!(
                f,
                "Kode QRIS tidak valid: kode pemeriksa (CRC) di akhir tidak ada. {again}"
            ),
            QrisError::CrcMismatch => {
                write!(f, "Kode QRIS tidak valid: CRC tidak cocok. {again}")
            }
            QrisError::FormatIndicator => write!(
                f,
                "Kode QRIS tidak valid: format data bukan versi 01. {again}"
            ),
            QrisError::Currency => {
                f.write_str("Kode QRIS ini bukan untuk pembayaran dalam Rupiah (kode mata uang 360).")
            }
            QrisError::Country => f.write_str("Kode QRIS ini bukan kode QRIS Indonesia (negara ID)."),
            QrisError::NoMerchantAccount => write!(
                f,
                "Kode QRIS tidak valid: tidak memuat informasi akun merchant. {again}"
            ),
            QrisError::MissingMerchantName => {
                write!(f, "Kode QRIS tidak valid: nama merchant tidak ada. {again}")
            }
            QrisError::MissingMerchantCity => {
                write!(f, "Kode QRIS tidak valid: kota merchant tidak ada. {again}")
            }
            QrisError::Dynamic => f.write_str(
                "Ini kode QRIS dinamis (hanya untuk satu transaksi). Masukkan isi kode QRIS statis usaha Anda.",
            ),
            QrisError::ZeroAmount => f.write_str("Jumlah pembayaran QRIS harus lebih dari Rp0."),
            QrisError::AmountTooLarge => {
                f.write_str("Jumlah pembayaran terlalu besar untuk QRIS.")
            }
        }
    }
}

impl std::error::Error for QrisError {}

/// A checked static QRIS payload, with what a page may show about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticQris {
    payload: String,
    merchant_name: String,
    merchant_city: String,
}

impl StaticQris {
    /// The payload as stored (surrounding whitespace removed).
    pub fn payload(&self) -> &str {
        &self.payload
    }

    pub fn merchant_name(&self) -> &str {
        &self.merchant_name
    }

    pub fn merchant_city(&self) -> &str {
        &self.merchant_city
    }
}

/// One top-level TLV field, borrowed from the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Field<'a> {
    id: &'a str,
    value: &'a str,
}

/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final xor.
pub fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &byte in data {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// Splits a TLV run into fields; any broken id, length or truncated value is `Malformed`.
fn parse_tlv(text: &str) -> Result<Vec<Field<'_>>, QrisError> {
    let mut fields = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let id = text.get(at..at + 2).ok_or(QrisError::Malformed)?;
        let len = text.get(at + 2..at + 4).ok_or(QrisError::Malformed)?;
        if !id.bytes().all(|b| b.is_ascii_digit()) || !len.bytes().all(|b| b.is_ascii_digit()) {
            return Err(QrisError::Malformed);
        }
        let len: usize = len.parse().map_err(|_| QrisError::Malformed)?;
        let start = at + 4;
        let value = text.get(start..start + len).ok_or(QrisError::Malformed)?;
        fields.push(Field { id, value });
        at = start + len;
    }
    Ok(fields)
}

fn is_template(id: &str) -> bool {
    matches!(id.parse::<u8>(), Ok(26..=51 | 62))
}

/// Parses and checks everything a payable QRIS needs, static or dynamic.
fn parse(raw: &str) -> Result<(String, Vec<(String, String)>), QrisError> {
    let payload = raw.trim();
    if payload.is_empty() {
        return Err(QrisError::Empty);
    }
    if payload.len() > MAX_LEN {
        return Err(QrisError::TooLong);
    }
    let fields = parse_tlv(payload)?;
    for field in &fields {
        if is_template(field.id) {
            parse_tlv(field.value)?;
        }
    }
    let mut seen = std::collections::HashSet::new();
    if !fields.iter().all(|f| seen.insert(f.id)) {
        return Err(QrisError::DuplicateField);
    }
    // The CRC is the last field: "6304" and four hex digits closing the payload.
    let last = fields.last().ok_or(QrisError::Malformed)?;
    if last.id != ID_CRC || last.value.len() != 4 {
        return Err(QrisError::MissingCrc);
    }
    let checked = &payload[..payload.len() - 4];
    let expected = format!("{:04X}", crc16(checked.as_bytes()));
    if !last.value.eq_ignore_ascii_case(&expected) {
        return Err(QrisError::CrcMismatch);
    }
    let get = |id: &str| fields.iter().find(|f| f.id == id).map(|f| f.value);
    if fields.first().map(|f| (f.id, f.value)) != Some((ID_FORMAT, "01")) {
        return Err(QrisError::FormatIndicator);
    }
    if get(ID_CURRENCY) != Some("360") {
        return Err(QrisError::Currency);
    }
    if get(ID_COUNTRY) != Some("ID") {
        return Err(QrisError::Country);
    }
    if !fields.iter().any(|f| is_template(f.id) && f.id != "62") {
        return Err(QrisError::NoMerchantAccount);
    }
    if get(ID_MERCHANT_NAME).is_none_or(|v| v.trim().is_empty()) {
        return Err(QrisError::MissingMerchantName);
    }
    if get(ID_MERCHANT_CITY).is_none_or(|v| v.trim().is_empty()) {
        return Err(QrisError::MissingMerchantCity);
    }
    let owned = fields
        .iter()
        .filter(|f| f.id != ID_CRC)
        .map(|f| (f.id.to_string(), f.value.to_string()))
        .collect();
    Ok((payload.to_string(), owned))
}

/// Checks the text inside a business's static QRIS: well-formed, CRC correct, format 01,
/// Rupiah, Indonesia, a merchant account, name and city, and not a one-transaction code.
pub fn validate_static(payload: &str) -> Result<StaticQris, QrisError> {
    let (payload, fields) = parse(payload)?;
    let get = |id: &str| {
        fields
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, v)| v.trim().to_string())
    };
    let initiation = get(ID_INITIATION);
    if initiation.as_deref() == Some(DYNAMIC) || get(ID_AMOUNT).is_some() {
        return Err(QrisError::Dynamic);
    }
    Ok(StaticQris {
        merchant_name: get(ID_MERCHANT_NAME).unwrap_or_default(),
        merchant_city: get(ID_MERCHANT_CITY).unwrap_or_default(),
        payload,
    })
}

/// A dynamic QRIS for exactly `amount`: point of initiation "12", the transaction amount (54)
/// set or replaced with whole Rupiah, tip fields (55–57) removed, fields in ascending id order
/// and the CRC recomputed. Accepts a static payload or an already dynamic one.
pub fn with_amount(payload: &str, amount: Rupiah) -> Result<String, QrisError> {
    if amount.amount() == 0 {
        return Err(QrisError::ZeroAmount);
    }
    let value = amount.amount().to_string();
    if value.len() > 13 {
        return Err(QrisError::AmountTooLarge);
    }
    let (_, fields) = parse(payload)?;
    let mut fields: Vec<(String, String)> = fields
        .into_iter()
        .filter(|(id, _)| !matches!(id.as_str(), ID_INITIATION | ID_AMOUNT | "55" | "56" | "57"))
        .collect();
    fields.push((ID_INITIATION.to_string(), DYNAMIC.to_string()));
    fields.push((ID_AMOUNT.to_string(), value));
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::with_capacity(payload.len() + 16);
    for (id, value) in &fields {
        out.push_str(id);
        out.push_str(&format!("{:02}", value.len()));
        out.push_str(value);
    }
    if out.len() + 8 > MAX_LEN {
        return Err(QrisError::TooLong);
    }
    out.push_str(ID_CRC);
    out.push_str("04");
    let crc = crc16(out.as_bytes());
    out.push_str(&format!("{crc:04X}"));
    Ok(out)
}

/// The QR code of `text` as an inline SVG (medium error correction, a 4-module quiet zone),
/// scaling to its container. Empty if the text cannot fit a QR code (never for a QRIS payload).
pub fn svg(text: &str) -> String {
    let Ok(code) = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M) else {
        return String::new();
    };
    const QUIET: usize = 4;
    let width = code.width();
    let size = width + 2 * QUIET;
    let colors = code.to_colors();
    let mut path = String::new();
    for y in 0..width {
        let row = &colors[y * width..(y + 1) * width];
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                path.push_str(&format!(
                    "M{} {}h{}v1h-{}z",
                    start + QUIET,
                    y + QUIET,
                    x - start,
                    x - start
                ));
            } else {
                x += 1;
            }
        }
    }
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {s} {s}" width="100%""#,
            r#" role="img" aria-label="Kode QR" shape-rendering="crispEdges">"#,
            r##"<rect width="{s}" height="{s}" fill="#fff"/><path fill="#000" d="{p}"/></svg>"##
        ),
        s = size,
        p = path
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // Published sample payloads. Their CRCs were checked with an independent implementation:
    // python3 -c "import binascii; print('%04X' % binascii.crc_hqx(p[:-4].encode(), 0xFFFF))"
    // (binascii.crc_hqx with init 0xFFFF is CRC-16/CCITT-FALSE): 7127 and 9635.
    /// A static QRIS (Nobu bank, "GRANOOL STORE", Kediri), from a public QRIS guide.
    const STATIC_SAMPLE: &str = "00020101021126670016COM.NOBUBANK.WWW01189360050300000879140214703239147837910303UMI51440014ID.CO.QRIS.WWW0215ID20232709941630303UMI5204481253033605802ID5923GRANOOL STORE OK12295776006KEDIRI61056421262070703A0163047127";
    /// A dynamic QRIS for Rp 144.000 (the sunary/qris README example).
    const DYNAMIC_SAMPLE: &str = "00020101021226380016ID.CO.SHOPEE.WWW010201020815863724530336054061440005802ID5921PT. SHOPPEE INDONESIA6007JAKARTA62180814gen by go-qris63049635";

    fn rp(n: i64) -> Rupiah {
        Rupiah::new(n).unwrap()
    }

    #[test]
    fn crc_matches_the_ccitt_false_check_value() {
        assert_eq!(crc16(b"123456789"), 0x29B1);
        assert_eq!(crc16(b""), 0xFFFF);
    }

    #[test]
    fn accepts_a_published_static_payload() {
        let qris = validate_static(&format!("  {STATIC_SAMPLE}\n")).unwrap();
        assert_eq!(qris.merchant_name(), "GRANOOL STORE OK1229577");
        assert_eq!(qris.merchant_city(), "KEDIRI");
        assert_eq!(qris.payload(), STATIC_SAMPLE);
    }

    #[test]
    fn a_wrong_crc_is_refused_with_a_clear_message() {
        let bad = STATIC_SAMPLE.replace("GRANOOL", "GRANOLA");
        let err = validate_static(&bad).unwrap_err();
        assert_eq!(err, QrisError::CrcMismatch);
        assert_eq!(
            err.to_string(),
            "Kode QRIS tidak valid: CRC tidak cocok. Salin ulang isi kode QRIS Anda."
        );
        let bad_crc = format!("{}0000", &STATIC_SAMPLE[..STATIC_SAMPLE.len() - 4]);
        assert_eq!(validate_static(&bad_crc), Err(QrisError::CrcMismatch));
    }

    #[test]
    fn lowercase_crc_hex_is_accepted() {
        let dynamic = with_amount(STATIC_SAMPLE, rp(1_250_000)).unwrap();
        assert!(dynamic.ends_with("A2DF"));
        let lower = format!("{}a2df", &dynamic[..dynamic.len() - 4]);
        assert!(parse(&lower).is_ok());
    }

    /// Builds a payload from fields and appends a correct CRC.
    fn build(fields: &[(&str, &str)]) -> String {
        let mut out = String::new();
        for (id, value) in fields {
            out.push_str(&format!("{id}{:02}{value}", value.len()));
        }
        out.push_str("6304");
        let crc = crc16(out.as_bytes());
        format!("{out}{crc:04X}")
    }

    fn base() -> Vec<(&'static str, &'static str)> {
        vec![
            ("00", "01"),
            ("01", "11"),
            ("26", "0014ID.CO.QRIS.WWW0215ID1234567890123"),
            ("52", "5812"),
            ("53", "360"),
            ("58", "ID"),
            ("59", "KUE BU SITI"),
            ("60", "MUARA SABAK"),
        ]
    }

    fn without(id: &str) -> String {
        let fields: Vec<_> = base().into_iter().filter(|f| f.0 != id).collect();
        build(&fields)
    }

    fn replaced(id: &str, value: &'static str) -> String {
        let fields: Vec<_> = base()
            .into_iter()
            .map(|f| if f.0 == id { (id, value) } else { f })
            .collect();
        build(&fields)
    }

    #[test]
    fn required_fields_are_checked() {
        assert!(validate_static(&build(&base())).is_ok());
        assert_eq!(validate_static(""), Err(QrisError::Empty));
        assert_eq!(validate_static("   "), Err(QrisError::Empty));
        assert_eq!(
            validate_static(&replaced("00", "02")),
            Err(QrisError::FormatIndicator)
        );
        assert_eq!(
            validate_static(&replaced("53", "840")),
            Err(QrisError::Currency)
        );
        assert_eq!(validate_static(&without("53")), Err(QrisError::Currency));
        assert_eq!(
            validate_static(&replaced("58", "SG")),
            Err(QrisError::Country)
        );
        assert_eq!(
            validate_static(&without("26")),
            Err(QrisError::NoMerchantAccount)
        );
        assert_eq!(
            validate_static(&without("59")),
            Err(QrisError::MissingMerchantName)
        );
        assert_eq!(
            validate_static(&replaced("59", "  ")),
            Err(QrisError::MissingMerchantName)
        );
        assert_eq!(
            validate_static(&without("60")),
            Err(QrisError::MissingMerchantCity)
        );
        assert_eq!(
            validate_static(&replaced("26", "0014ID.CO.QRIS.WW")),
            Err(QrisError::Malformed),
            "a broken merchant-account template"
        );
        let mut doubled = base();
        doubled.push(("59", "LAGI"));
        assert_eq!(
            validate_static(&build(&doubled)),
            Err(QrisError::DuplicateField)
        );
        // No CRC at all.
        let no_crc = &STATIC_SAMPLE[..STATIC_SAMPLE.len() - 8];
        assert_eq!(validate_static(no_crc), Err(QrisError::MissingCrc));
        assert_eq!(validate_static(&"0".repeat(600)), Err(QrisError::TooLong));
    }

    #[test]
    fn a_dynamic_code_is_not_a_static_one() {
        let err = validate_static(DYNAMIC_SAMPLE).unwrap_err();
        assert_eq!(err, QrisError::Dynamic);
        assert!(err.to_string().contains("QRIS statis"));
    }

    #[test]
    fn static_to_dynamic_for_an_exact_amount() {
        let dynamic = with_amount(STATIC_SAMPLE, rp(1_250_000)).unwrap();
        // Expected value built by string edits in Python, CRC by binascii.crc_hqx.
        assert_eq!(
            dynamic,
            "00020101021226670016COM.NOBUBANK.WWW01189360050300000879140214703239147837910303UMI51440014ID.CO.QRIS.WWW0215ID20232709941630303UMI520448125303360540712500005802ID5923GRANOOL STORE OK12295776006KEDIRI61056421262070703A016304A2DF"
        );
        assert!(dynamic.starts_with("000201010212"));
        assert!(dynamic.contains("5303360540712500005802ID"));
        // Valid as a payload, and no longer a static one.
        assert!(parse(&dynamic).is_ok());
        assert_eq!(validate_static(&dynamic), Err(QrisError::Dynamic));
    }

    #[test]
    fn an_existing_amount_is_replaced() {
        let dynamic = with_amount(DYNAMIC_SAMPLE, rp(75_000)).unwrap();
        assert_eq!(
            dynamic,
            "00020101021226380016ID.CO.SHOPEE.WWW01020102081586372453033605405750005802ID5921PT. SHOPPEE INDONESIA6007JAKARTA62180814gen by go-qris63040176"
        );
        assert!(!dynamic.contains("144000"));
        // Idempotent for the same amount.
        assert_eq!(with_amount(&dynamic, rp(75_000)).unwrap(), dynamic);
    }

    #[test]
    fn tips_are_removed_and_order_is_ascending() {
        let mut fields = base();
        fields.insert(5, ("55", "02"));
        fields.insert(6, ("56", "5000"));
        let dynamic = with_amount(&build(&fields), rp(20_000)).unwrap();
        let ids: Vec<&str> = parse_tlv(&dynamic).unwrap().iter().map(|f| f.id).collect();
        assert_eq!(
            ids,
            ["00", "01", "26", "52", "53", "54", "58", "59", "60", "63"]
        );
        assert!(dynamic.contains("540520000"));
        // Without tag 01 at all, it is inserted.
        let dynamic = with_amount(&without("01"), rp(1)).unwrap();
        assert!(dynamic.starts_with("000201010212"));
        assert!(parse(&dynamic).is_ok());
    }

    #[test]
    fn amounts_must_be_payable() {
        assert_eq!(
            with_amount(STATIC_SAMPLE, rp(0)),
            Err(QrisError::ZeroAmount)
        );
        assert_eq!(
            with_amount(STATIC_SAMPLE, rp(10_000_000_000_000)),
            Err(QrisError::AmountTooLarge)
        );
        assert!(with_amount(STATIC_SAMPLE, rp(9_999_999_999_999)).is_ok());
        assert_eq!(with_amount("0002010", rp(1)), Err(QrisError::Malformed));
    }

    #[test]
    fn truncated_payloads_are_errors() {
        for cut in 1..STATIC_SAMPLE.len() {
            assert!(
                validate_static(&STATIC_SAMPLE[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        assert_eq!(validate_static("0002"), Err(QrisError::Malformed));
        assert_eq!(validate_static("00A201"), Err(QrisError::Malformed));
        assert_eq!(validate_static("0099"), Err(QrisError::Malformed));
    }

    #[test]
    fn random_mutations_never_panic() {
        // A small xorshift generator: deterministic, no crate needed.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet: Vec<char> = "0123456789ABCDEFé漢 \u{0}".chars().collect();
        for sample in [STATIC_SAMPLE, DYNAMIC_SAMPLE] {
            for _ in 0..3000 {
                let mut chars: Vec<char> = sample.chars().collect();
                for _ in 0..(next() % 4 + 1) {
                    let pos = (next() as usize) % chars.len().max(1);
                    match next() % 4 {
                        0 => chars.truncate(pos),
                        1 if !chars.is_empty() => {
                            let at = pos.min(chars.len() - 1);
                            chars[at] = alphabet[(next() as usize) % alphabet.len()];
                        }
                        2 => chars.insert(
                            pos.min(chars.len()),
                            alphabet[(next() as usize) % alphabet.len()],
                        ),
                        _ if !chars.is_empty() => {
                            chars.remove(pos.min(chars.len() - 1));
                        }
                        _ => {}
                    }
                }
                let text: String = chars.into_iter().collect();
                let _ = validate_static(&text);
                if let Ok(out) = with_amount(&text, rp(12_345)) {
                    assert!(parse(&out).is_ok(), "{text}");
                }
            }
        }
    }

    #[test]
    fn svg_is_a_scalable_qr_code() {
        let dynamic = with_amount(STATIC_SAMPLE, rp(1_250_000)).unwrap();
        let image = svg(&dynamic);
        assert!(image.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
        assert!(image.contains("width=\"100%\""));
        assert!(
            image.contains("<path fill=\"#000\" d=\"M4 4h7v1h-7z"),
            "finder pattern at the quiet zone"
        );
        assert!(image.ends_with("</svg>"));
        // The viewBox is the module count plus the quiet zone on both sides.
        let code = QrCode::with_error_correction_level(dynamic.as_bytes(), EcLevel::M).unwrap();
        assert!(image.contains(&format!("viewBox=\"0 0 {0} {0}\"", code.width() + 8)));
        assert_eq!(svg("x".repeat(5000).as_str()), "");
    }
}
