//! An alumnus claims their record: signing up with a WhatsApp number, proving who they are with
//! NIK plus birth date or with a one-time claim code, and editing their own contact details.
//! Pure rules; the web layer asks, the db layer stores.

use rand::RngExt;
use time::{Date, Month};

use super::nik::Nik;
use super::password::NewPassword;
use super::phone::Phone;
use super::policy::Role;
use super::user::{AccountFields, FieldErrors, Links, Username};

// ---- signing up ----

/// A valid self sign-up: an alumni account with no alumnus linked yet.
#[derive(Debug)]
pub struct SignUp {
    pub display_name: String,
    pub phone: Phone,
    pub password: NewPassword,
}

impl SignUp {
    pub fn parse(
        display_name: &str,
        phone: &str,
        password: &str,
        confirm: &str,
    ) -> Result<SignUp, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = display_name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() {
            errors.push(("display_name", "Nama lengkap wajib diisi.".into()));
        } else if name.chars().count() > 120 {
            errors.push(("display_name", "Nama lengkap maksimal 120 karakter.".into()));
        }
        let phone = Phone::parse(phone)
            .map_err(|e| errors.push(("phone", e.into())))
            .ok();
        let password = NewPassword::parse(password, confirm)
            .map_err(|e| {
                let field = if e.contains("Konfirmasi") {
                    "confirm"
                } else {
                    "password"
                };
                errors.push((field, e.into()));
            })
            .ok();
        match (phone, password) {
            (Some(phone), Some(password)) if errors.is_empty() => Ok(SignUp {
                display_name: name,
                phone,
                password,
            }),
            _ => Err(errors),
        }
    }

    /// The account to create: the username is the number's digits (`6281234567890`), so the
    /// alumnus signs in with the number they already know; role alumni, nothing linked yet.
    pub fn account(&self) -> AccountFields {
        AccountFields {
            username: phone_username(&self.phone),
            display_name: self.display_name.clone(),
            role: Role::Alumni,
            links: Links::default(),
            phone: Some(self.phone.clone()),
        }
    }
}

/// The username a self-registered account gets for a number: its digits, `62…`.
pub fn phone_username(phone: &Phone) -> Username {
    Username::parse(phone.wa_digits()).expect("11–14 digits are always a valid username")
}

/// What the login form looks up for what was typed: a WhatsApp number in any usual spelling
/// (`0812-3456-7890`, `+62 812…`) becomes the digits self-registered alumni have as username;
/// anything else is the username, lower-cased.
pub fn sign_in_name(raw: &str) -> String {
    let typed = raw.trim();
    let phone_like = !typed.is_empty()
        && typed
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '.' | '(' | ')'));
    match Phone::parse(typed) {
        Ok(phone) if phone_like => phone.wa_digits().to_owned(),
        _ => typed.to_lowercase(),
    }
}

// ---- claim codes ----

/// Unambiguous symbols: digits 2–9 and the letters without I and O (no 0/O, 1/I mix-ups when
/// typed from paper on a phone). 32 symbols, so 8 of them carry 40 bits.
pub const CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
pub const CODE_LEN: usize = 8;
/// How long a printed code works.
pub const CODE_VALID_DAYS: i64 = 90;

/// A one-time claim code, normalised to its 8 symbols (upper case, no separator).
#[derive(Clone, PartialEq, Eq)]
pub struct ClaimCode(String);

impl std::fmt::Debug for ClaimCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClaimCode(***)")
    }
}

impl ClaimCode {
    pub fn generate() -> ClaimCode {
        let mut rng = rand::rng();
        ClaimCode(
            (0..CODE_LEN)
                .map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())]))
                .collect(),
        )
    }

    /// Accepts what people type: any case, spaces or dashes between the groups.
    pub fn parse(raw: &str) -> Result<ClaimCode, &'static str> {
        let cleaned: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if cleaned.is_empty() {
            return Err("Kode klaim wajib diisi.");
        }
        if cleaned.chars().count() != CODE_LEN
            || !cleaned.bytes().all(|b| CODE_ALPHABET.contains(&b))
        {
            return Err(
                "Kode klaim terdiri dari 8 huruf dan angka seperti tertulis di kertas, contoh: K7QM-4XPA.",
            );
        }
        Ok(ClaimCode(cleaned))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `K7QM-4XPA`: two groups of four, as printed.
    pub fn grouped(&self) -> String {
        format!("{}-{}", &self.0[..4], &self.0[4..])
    }
}

// ---- NIK and birth date ----

/// What the alumnus typed to prove who they are without a code.
#[derive(Debug, Clone)]
pub struct NikClaim {
    pub nik: Nik,
    pub birth_date: Date,
}

impl NikClaim {
    /// Birth date as three fields (day, month 1–12, four-digit year): easier on a phone than a
    /// date picker that starts at today.
    pub fn parse(nik: &str, day: &str, month: &str, year: &str) -> Result<NikClaim, FieldErrors> {
        let mut errors = FieldErrors::new();
        let nik = Nik::parse(nik)
            .map_err(|e| errors.push(("nik", e.into())))
            .ok();
        let birth_date = birth_date(day, month, year)
            .map_err(|e| errors.push(("birth_date", e.into())))
            .ok();
        match (nik, birth_date) {
            (Some(nik), Some(birth_date)) if errors.is_empty() => Ok(NikClaim { nik, birth_date }),
            _ => Err(errors),
        }
    }
}

pub fn birth_date(day: &str, month: &str, year: &str) -> Result<Date, &'static str> {
    let (day, month, year) = (day.trim(), month.trim(), year.trim());
    if day.is_empty() || month.is_empty() || year.is_empty() {
        return Err("Isi tanggal, bulan, dan tahun lahir.");
    }
    let (Ok(d), Ok(m), Ok(y)) = (day.parse::<u8>(), month.parse::<u8>(), year.parse::<i32>())
    else {
        return Err("Tanggal lahir hanya boleh berisi angka.");
    };
    if !(1900..=2100).contains(&y) {
        return Err("Tulis tahun lahir dengan 4 angka, contoh: 1998.");
    }
    let month = Month::try_from(m).map_err(|_| "Pilih bulan lahir.")?;
    Date::from_calendar_date(y, month, d).map_err(|_| "Tanggal lahir tidak ada di kalender.")
}

// ---- outcomes ----

/// Why a claim was refused. The reason is recorded in the audit trail; the message the user
/// sees never says whether a NIK exists in the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// NIK unknown, or known with another birth date: the same answer for both.
    NoMatch,
    CodeUnknown,
    CodeUsed,
    CodeExpired,
    /// A newer code was printed for the same alumnus.
    CodeReplaced,
    /// The record already belongs to another account.
    AlreadyClaimed,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NoMatch => "no_match",
            Refusal::CodeUnknown => "code_unknown",
            Refusal::CodeUsed => "code_used",
            Refusal::CodeExpired => "code_expired",
            Refusal::CodeReplaced => "code_replaced",
            Refusal::AlreadyClaimed => "already_claimed",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Refusal::NoMatch => {
                "NIK dan tanggal lahir tidak cocok dengan data alumni kami. Periksa kembali sesuai \
                 KTP. Jika tetap tidak cocok, minta kode klaim kepada admin Disnakertrans/BLK."
            }
            Refusal::CodeUnknown => {
                "Kode klaim tidak dikenal. Periksa kembali huruf dan angkanya sesuai kertas dari BLK."
            }
            Refusal::CodeUsed => {
                "Kode klaim ini sudah pernah dipakai. Minta kode baru kepada admin Disnakertrans/BLK."
            }
            Refusal::CodeExpired => {
                "Kode klaim ini sudah kedaluwarsa. Minta kode baru kepada admin Disnakertrans/BLK."
            }
            Refusal::CodeReplaced => {
                "Kode klaim ini sudah diganti dengan kode yang lebih baru. Pakai kode terbaru, atau \
                 minta kode baru kepada admin Disnakertrans/BLK."
            }
            Refusal::AlreadyClaimed => {
                "Data alumni ini sudah terhubung ke akun lain. Jika itu bukan akun Anda, segera \
                 hubungi admin Disnakertrans/BLK."
            }
        }
    }
}

/// Which way the alumnus proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Code,
    Nik,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Code => "kode",
            Method::Nik => "nik",
        }
    }

    /// For the audit trail.
    pub fn label(self) -> &'static str {
        match self {
            Method::Code => "kode klaim",
            Method::Nik => "NIK dan tanggal lahir",
        }
    }
}

/// Throttling keys in the login-failure table. They live in their own key space (`klaim:`), so
/// a fumbled claim never locks anyone out of signing in, and vice versa: per account, and per
/// address because a NIK guesser could open many accounts.
pub fn throttle_keys(user_id: i64, ip: &str) -> (String, String) {
    (format!("klaim:{user_id}"), format!("klaim:{ip}"))
}

// ---- own contact details ----

/// The contact details an alumnus may change themselves. Name, NIK, birth data and training
/// history are the agency's to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub phone: Phone,
    pub address: String,
    pub desa_code: Option<String>,
}

impl Contact {
    /// `desas` are the desa/kelurahan codes of the alumnus's kecamatan; the choice must be one
    /// of them (or none).
    pub fn parse(
        phone: &str,
        address: &str,
        desa: &str,
        desas: &[String],
    ) -> Result<Contact, FieldErrors> {
        let mut errors = FieldErrors::new();
        let phone = Phone::parse(phone)
            .map_err(|e| errors.push(("phone", e.into())))
            .ok();
        let address = address.split_whitespace().collect::<Vec<_>>().join(" ");
        if address.chars().count() > 200 {
            errors.push(("address", "Alamat maksimal 200 karakter.".into()));
        }
        let desa = desa.trim();
        let desa_code = if desa.is_empty() {
            None
        } else if desas.iter().any(|d| d == desa) {
            Some(desa.to_owned())
        } else {
            errors.push((
                "desa",
                "Pilih desa/kelurahan dari daftar kecamatan Anda.".into(),
            ));
            None
        };
        match phone {
            Some(phone) if errors.is_empty() => Ok(Contact {
                phone,
                address,
                desa_code,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn sign_up_makes_an_unlinked_alumni_account_named_by_the_number() {
        let s = SignUp::parse(
            "  Siti   Aminah ",
            "0812-3456-7890",
            "sandi-rahasia-1",
            "sandi-rahasia-1",
        )
        .unwrap();
        let a = s.account();
        assert_eq!(a.username.as_str(), "6281234567890");
        assert_eq!(a.display_name, "Siti Aminah");
        assert_eq!(a.role, Role::Alumni);
        assert_eq!(a.links, Links::default());
        assert_eq!(a.phone.unwrap().as_str(), "+6281234567890");
    }

    #[test]
    fn sign_up_names_each_wrong_field() {
        let errors = SignUp::parse("", "0741-21234", "pendek", "pendek").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["display_name", "phone", "password"]);
        let errors =
            SignUp::parse("Siti", "081234567890", "sandi-rahasia-1", "sandi-lain-12").unwrap_err();
        assert_eq!(errors[0].0, "confirm");
    }

    #[test]
    fn sign_in_name_reads_numbers_in_any_spelling() {
        for typed in ["0812-3456-7890", "+62 812 3456 7890", "6281234567890"] {
            assert_eq!(sign_in_name(typed), "6281234567890", "{typed}");
        }
        assert_eq!(sign_in_name(" Admin "), "admin");
        assert_eq!(sign_in_name("12345"), "12345");
        assert_eq!(sign_in_name("siti.0812"), "siti.0812");
    }

    #[test]
    fn codes_are_unambiguous_and_typed_loosely() {
        for _ in 0..200 {
            let c = ClaimCode::generate();
            assert_eq!(c.as_str().len(), 8);
            assert!(!c.as_str().contains(['0', 'O', '1', 'I']), "{}", c.as_str());
            assert_eq!(ClaimCode::parse(&c.grouped()).unwrap(), c);
        }
        let c = ClaimCode::parse(" k7qm 4xpa ").unwrap();
        assert_eq!(c.as_str(), "K7QM4XPA");
        assert_eq!(c.grouped(), "K7QM-4XPA");
        assert!(ClaimCode::parse("").is_err());
        assert!(ClaimCode::parse("K7QM-4XP").is_err());
        assert!(
            ClaimCode::parse("K7QM-4XP0").is_err(),
            "zero is not a symbol"
        );
        assert_eq!(format!("{c:?}"), "ClaimCode(***)");
    }

    #[test]
    fn nik_claims_need_a_real_date() {
        let c = NikClaim::parse("1507015205980003", "12", "5", "1998").unwrap();
        assert_eq!(c.birth_date, date!(1998 - 05 - 12));
        let errors = NikClaim::parse("15070152059800", "31", "2", "1998").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["nik", "birth_date"]);
        assert!(birth_date("12", "5", "98").is_err(), "two-digit year");
        assert!(birth_date("", "5", "1998").is_err());
        assert!(birth_date("12", "13", "1998").is_err());
    }

    #[test]
    fn contact_desa_must_be_in_the_kecamatan() {
        let desas = vec!["15.07.01.2001".to_owned()];
        let ok = Contact::parse("0812 3456 7890", " RT 03 ", "15.07.01.2001", &desas).unwrap();
        assert_eq!(ok.address, "RT 03");
        assert_eq!(ok.desa_code.as_deref(), Some("15.07.01.2001"));
        let errors = Contact::parse("", "", "15.07.02.2001", &desas).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["phone", "desa"]);
        assert!(Contact::parse("081234567890", "", "", &desas).is_ok());
    }

    #[test]
    fn refusals_never_say_whether_a_nik_exists() {
        assert!(!Refusal::NoMatch.message().contains("tidak terdaftar"));
        assert_eq!(throttle_keys(7, "10.0.0.1").0, "klaim:7");
    }
}
