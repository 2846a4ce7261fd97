//! A government office (OPD): its record and the officers who sign its procurement letters.

/// An office as the agency keeps it. NIPs are stored as digits.
#[derive(Debug, Clone, Default)]
pub struct Office {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub address: String,
    pub kecamatan_code: Option<String>,
    pub kecamatan: String,
    pub head_name: String,
    pub head_nip: String,
    pub ppk_name: String,
    pub ppk_nip: String,
    pub treasurer_name: String,
    pub treasurer_nip: String,
    /// The letterhead's contact line.
    pub phone: String,
    pub email: String,
    pub postal_code: String,
    pub signer: Signer,
}

/// Who signs an office's letters and receipts: the office decides between its Pejabat
/// Pengadaan and its Pejabat Pembuat Komitmen (PPK); an SPK is always the PPK's
/// ([`super::documents::signer_for`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Signer {
    #[default]
    PejabatPengadaan,
    Ppk,
}

impl Signer {
    pub const ALL: [Signer; 2] = [Signer::PejabatPengadaan, Signer::Ppk];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Signer::PejabatPengadaan => "pejabat_pengadaan",
            Signer::Ppk => "ppk",
        }
    }

    pub fn parse(s: &str) -> Option<Signer> {
        Signer::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The role as printed under the signature.
    pub fn label(self) -> &'static str {
        match self {
            Signer::PejabatPengadaan => "Pejabat Pengadaan",
            Signer::Ppk => "Pejabat Pembuat Komitmen",
        }
    }
}

/// An office's telephone as letterheads print it: digits with spaces, brackets, `+` or `-`
/// ("(0741) 570123"), 6 to 15 digits. Empty is allowed (not known yet).
pub fn parse_phone(raw: &str) -> Result<String, &'static str> {
    let v = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if v.is_empty() {
        return Ok(v);
    }
    let digits = v.chars().filter(char::is_ascii_digit).count();
    if !v
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '(' | ')' | '+' | '-'))
        || !(6..=15).contains(&digits)
    {
        return Err("Tulis nomor telepon kantor dengan angka, misalnya (0741) 570123.");
    }
    Ok(v)
}

/// An office's e-mail address: one `@` with a name before it and a domain with a dot after
/// it, no spaces. Empty is allowed.
pub fn parse_email(raw: &str) -> Result<String, &'static str> {
    let v = raw.trim().to_lowercase();
    if v.is_empty() {
        return Ok(v);
    }
    let ok = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.chars().any(|c| c.is_whitespace() || c.is_control())
                && v.chars().count() <= 120
        }
        None => false,
    };
    if ok {
        Ok(v)
    } else {
        Err("Tulis alamat email yang lengkap, misalnya disnakertrans@tanjabtimkab.go.id.")
    }
}

/// A postal code: five digits. Empty is allowed.
pub fn parse_postal_code(raw: &str) -> Result<String, &'static str> {
    let v = raw.trim();
    if v.is_empty() || (v.len() == 5 && v.chars().all(|c| c.is_ascii_digit())) {
        Ok(v.to_owned())
    } else {
        Err("Kode pos terdiri atas 5 angka, misalnya 36761.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letterhead_contacts() {
        assert_eq!(parse_phone(" (0741)  570123 ").unwrap(), "(0741) 570123");
        assert_eq!(parse_phone("").unwrap(), "");
        assert!(parse_phone("12345").is_err());
        assert!(parse_phone("telp 0741 570123").is_err());
        assert_eq!(
            parse_email(" Disnaker@TanjabtimKab.go.id ").unwrap(),
            "disnaker@tanjabtimkab.go.id"
        );
        for bad in ["disnaker", "a@b", "@b.id", "a@b.", "a b@c.id", "a@@b.id"] {
            assert!(parse_email(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_postal_code("36761").unwrap(), "36761");
        assert_eq!(parse_postal_code("").unwrap(), "");
        for bad in ["3676", "367611", "3676a"] {
            assert!(parse_postal_code(bad).is_err(), "{bad}");
        }
    }
}
