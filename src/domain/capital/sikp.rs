//! The hand-off of KUR candidates to SIKP (Sistem Informasi Kredit Program). SIKP's upload
//! layout for local governments is not published, and each bank or SIKP operator hands the
//! agency its own template, so the columns are a mapping the admin edits: one line per column,
//! `HEADER = field`, in order. [`Field`] is what Karya can fill.

use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Nik,
    Name,
    BirthDate,
    Sex,
    MaritalStatus,
    Address,
    RegionCode,
    Phone,
    Npwp,
    Education,
    Kbli,
    BusinessStart,
    BusinessAddress,
    Nib,
    Capital,
    Workers,
    Amount,
    Tenor,
    Partner,
    Program,
}

impl Field {
    pub const ALL: [Field; 20] = [
        Field::Nik,
        Field::Name,
        Field::BirthDate,
        Field::Sex,
        Field::MaritalStatus,
        Field::Address,
        Field::RegionCode,
        Field::Phone,
        Field::Npwp,
        Field::Education,
        Field::Kbli,
        Field::BusinessStart,
        Field::BusinessAddress,
        Field::Nib,
        Field::Capital,
        Field::Workers,
        Field::Amount,
        Field::Tenor,
        Field::Partner,
        Field::Program,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Field::Nik => "nik",
            Field::Name => "nama",
            Field::BirthDate => "tanggal_lahir",
            Field::Sex => "jenis_kelamin",
            Field::MaritalStatus => "status_kawin",
            Field::Address => "alamat",
            Field::RegionCode => "kode_wilayah",
            Field::Phone => "telepon",
            Field::Npwp => "npwp",
            Field::Education => "pendidikan",
            Field::Kbli => "kbli",
            Field::BusinessStart => "mulai_usaha",
            Field::BusinessAddress => "alamat_usaha",
            Field::Nib => "nib",
            Field::Capital => "modal_usaha",
            Field::Workers => "tenaga_kerja",
            Field::Amount => "jumlah_diajukan",
            Field::Tenor => "tenor_bulan",
            Field::Partner => "penyalur",
            Field::Program => "program",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::Nik => "NIK (16 digit)",
            Field::Name => "Nama lengkap",
            Field::BirthDate => "Tanggal lahir (YYYY-MM-DD)",
            Field::Sex => "Jenis kelamin (L/P)",
            Field::MaritalStatus => "Status perkawinan",
            Field::Address => "Alamat tempat tinggal",
            Field::RegionCode => "Kode wilayah Kemendagri (desa/kelurahan, atau kecamatan)",
            Field::Phone => "Nomor HP (62…)",
            Field::Npwp => "NPWP usaha",
            Field::Education => "Pendidikan terakhir",
            Field::Kbli => "KBLI usaha (5 digit)",
            Field::BusinessStart => "Tanggal mulai usaha",
            Field::BusinessAddress => "Alamat usaha",
            Field::Nib => "NIB/izin usaha",
            Field::Capital => "Modal usaha saat ini (Rp)",
            Field::Workers => "Jumlah tenaga kerja",
            Field::Amount => "Plafon yang diajukan (Rp)",
            Field::Tenor => "Jangka waktu (bulan)",
            Field::Partner => "Bank penyalur",
            Field::Program => "Program",
        }
    }

    pub fn parse(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.slug() == s.trim())
    }
}

/// The default layout, documented in the README.
pub const DEFAULT: &[(&str, Field)] = &[
    ("NIK", Field::Nik),
    ("NAMA_LENGKAP", Field::Name),
    ("TANGGAL_LAHIR", Field::BirthDate),
    ("JENIS_KELAMIN", Field::Sex),
    ("STATUS_PERKAWINAN", Field::MaritalStatus),
    ("ALAMAT", Field::Address),
    ("KODE_WILAYAH", Field::RegionCode),
    ("NO_HP", Field::Phone),
    ("NPWP", Field::Npwp),
    ("PENDIDIKAN", Field::Education),
    ("KBLI", Field::Kbli),
    ("TANGGAL_MULAI_USAHA", Field::BusinessStart),
    ("ALAMAT_USAHA", Field::BusinessAddress),
    ("NIB_IZIN_USAHA", Field::Nib),
    ("MODAL_USAHA", Field::Capital),
    ("JUMLAH_TENAGA_KERJA", Field::Workers),
    ("PLAFON_DIAJUKAN", Field::Amount),
    ("JANGKA_WAKTU_BULAN", Field::Tenor),
    ("BANK_PENYALUR", Field::Partner),
];

/// The columns, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping(pub Vec<(String, Field)>);

impl Default for Mapping {
    fn default() -> Self {
        Mapping(DEFAULT.iter().map(|(h, f)| ((*h).to_owned(), *f)).collect())
    }
}

impl Mapping {
    /// `HEADER = field` per line; blank lines and lines starting with `#` are skipped. Errors
    /// name the line.
    pub fn parse(text: &str) -> Result<Mapping, Vec<String>> {
        let mut columns = Vec::new();
        let mut errors = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((header, field)) = line.split_once('=') else {
                errors.push(format!(
                    "Baris {}: tulis KOLOM = isian, misalnya NIK = nik.",
                    i + 1
                ));
                continue;
            };
            let header = header.trim();
            if header.is_empty() || header.chars().count() > 60 {
                errors.push(format!(
                    "Baris {}: nama kolom wajib diisi (maksimal 60 karakter).",
                    i + 1
                ));
                continue;
            }
            if header.starts_with(['=', '+', '-', '@']) {
                errors.push(format!(
                    "Baris {}: nama kolom tidak boleh diawali = + - @.",
                    i + 1
                ));
                continue;
            }
            match Field::parse(field) {
                Some(f) => columns.push((header.to_owned(), f)),
                None => errors.push(format!(
                    "Baris {}: isian \"{}\" tidak dikenal. Pilih salah satu: {}.",
                    i + 1,
                    field.trim(),
                    Field::ALL.map(Field::slug).join(", ")
                )),
            }
        }
        if columns.is_empty() && errors.is_empty() {
            errors.push("Tulis paling sedikit satu kolom.".into());
        }
        if columns.len() > 60 {
            errors.push("Paling banyak 60 kolom.".into());
        }
        if errors.is_empty() {
            Ok(Mapping(columns))
        } else {
            Err(errors)
        }
    }

    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for (h, f) in &self.0 {
            let _ = writeln!(s, "{h} = {}", f.slug());
        }
        s
    }

    pub fn headers(&self) -> Vec<String> {
        self.0.iter().map(|(h, _)| h.clone()).collect()
    }

    pub fn row(&self, value: impl Fn(Field) -> String) -> Vec<String> {
        self.0.iter().map(|(_, f)| value(*f)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_round_trips_through_text() {
        let m = Mapping::default();
        assert_eq!(Mapping::parse(&m.to_text()).unwrap(), m);
    }

    #[test]
    fn a_bank_s_own_template_is_read_in_order() {
        let m =
            Mapping::parse("# BRI\nNO_KTP = nik\n\nNAMA DEBITUR=nama\nPLAFOND = jumlah_diajukan\n")
                .unwrap();
        assert_eq!(m.headers(), vec!["NO_KTP", "NAMA DEBITUR", "PLAFOND"]);
        assert_eq!(
            m.row(|f| f.slug().to_owned()),
            vec!["nik", "nama", "jumlah_diajukan"]
        );
    }

    #[test]
    fn unknown_fields_and_bad_lines_name_their_line() {
        let e = Mapping::parse("NIK = nik\nNAMA\nX = paspor\n=cmd = nik").unwrap_err();
        assert_eq!(e.len(), 3);
        assert!(e[0].starts_with("Baris 2:"));
        assert!(e[1].starts_with("Baris 3:") && e[1].contains("paspor"));
        assert!(e[2].starts_with("Baris 4:"));
        assert!(Mapping::parse("  \n# none").is_err());
    }
}
