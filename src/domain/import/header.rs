//! Which row of a sheet is the header, and which column holds which field.
//!
//! The agency's files were typed by different staff over the years: headers come in any case
//! and spacing, abbreviated (`Tgl Lahir`, `No. HP`, `L/P`), combined (`Tempat/Tgl Lahir`), below
//! title rows, and sometimes in two rows (a merged `Sertifikat` over `Nomor | Tanggal`).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::cell::Cell;
use crate::domain::text;

/// How many rows from the top of a sheet are searched for the header.
pub const HEADER_SCAN_ROWS: usize = 20;

/// A field of the alumni register that a column can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    No,
    Nik,
    Name,
    Gender,
    BirthPlace,
    BirthDate,
    BirthPlaceDate,
    Phone,
    Address,
    Desa,
    Kecamatan,
    Education,
    Trade,
    Program,
    Batch,
    Year,
    Result,
    Competency,
    CertNumber,
    CertIssuer,
    CertDate,
    Placement,
}

impl Field {
    pub const ALL: [Field; 22] = [
        Field::No,
        Field::Nik,
        Field::Name,
        Field::Gender,
        Field::BirthPlace,
        Field::BirthDate,
        Field::BirthPlaceDate,
        Field::Phone,
        Field::Address,
        Field::Desa,
        Field::Kecamatan,
        Field::Education,
        Field::Trade,
        Field::Program,
        Field::Batch,
        Field::Year,
        Field::Result,
        Field::Competency,
        Field::CertNumber,
        Field::CertIssuer,
        Field::CertDate,
        Field::Placement,
    ];

    /// A stable ASCII key, for forms (the admin's column mapping) and stored settings.
    pub fn key(self) -> &'static str {
        match self {
            Field::No => "no",
            Field::Nik => "nik",
            Field::Name => "nama",
            Field::Gender => "jenis_kelamin",
            Field::BirthPlace => "tempat_lahir",
            Field::BirthDate => "tanggal_lahir",
            Field::BirthPlaceDate => "tempat_tanggal_lahir",
            Field::Phone => "hp",
            Field::Address => "alamat",
            Field::Desa => "desa",
            Field::Kecamatan => "kecamatan",
            Field::Education => "pendidikan",
            Field::Trade => "kejuruan",
            Field::Program => "program",
            Field::Batch => "angkatan",
            Field::Year => "tahun",
            Field::Result => "hasil",
            Field::Competency => "kompetensi",
            Field::CertNumber => "no_sertifikat",
            Field::CertIssuer => "penerbit_sertifikat",
            Field::CertDate => "tanggal_sertifikat",
            Field::Placement => "penempatan",
        }
    }

    /// The inverse of [`Field::key`].
    pub fn parse_key(key: &str) -> Option<Field> {
        let key = key.trim();
        Field::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The field's name on screen.
    pub fn label(self) -> &'static str {
        match self {
            Field::No => "No",
            Field::Nik => "NIK",
            Field::Name => "Nama",
            Field::Gender => "Jenis kelamin",
            Field::BirthPlace => "Tempat lahir",
            Field::BirthDate => "Tanggal lahir",
            Field::BirthPlaceDate => "Tempat, tanggal lahir",
            Field::Phone => "Nomor HP/WhatsApp",
            Field::Address => "Alamat",
            Field::Desa => "Desa/kelurahan",
            Field::Kecamatan => "Kecamatan",
            Field::Education => "Pendidikan terakhir",
            Field::Trade => "Kejuruan",
            Field::Program => "Program pelatihan",
            Field::Batch => "Angkatan",
            Field::Year => "Tahun",
            Field::Result => "Hasil pelatihan",
            Field::Competency => "Kompetensi",
            Field::CertNumber => "Nomor sertifikat",
            Field::CertIssuer => "Penerbit sertifikat",
            Field::CertDate => "Tanggal sertifikat",
            Field::Placement => "Penempatan",
        }
    }

    /// The field a header cell names, tolerating case, spacing, punctuation, a remark in
    /// parentheses (`Jenis Kelamin (L/P)`) and small typing errors (`Kecamatn`).
    pub fn from_header(text: &str) -> Option<Field> {
        let key = compact(text);
        if key.is_empty() {
            return None;
        }
        if let Some(f) = exact_header(&key) {
            return Some(f);
        }
        fuzzy_header(&key)
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Header spellings seen in the agency's files and their likely cousins.
const VARIANTS: &[(Field, &[&str])] = &[
    (
        Field::No,
        &["no", "no urut", "nomor urut", "nomor", "nmr", "urut"],
    ),
    (
        Field::Nik,
        &[
            "nik",
            "no ktp",
            "nomor ktp",
            "ktp",
            "nik ktp",
            "no nik",
            "nomor nik",
            "nik e ktp",
            "nik no ktp",
            "no induk kependudukan",
            "nomor induk kependudukan",
        ],
    ),
    (
        Field::Name,
        &[
            "nama",
            "nama lengkap",
            "nama peserta",
            "nama lengkap peserta",
            "nama alumni",
            "nama siswa",
            "nama peserta pelatihan",
            "nama sesuai ktp",
        ],
    ),
    (
        Field::Gender,
        &[
            "l p",
            "p l",
            "jk",
            "jenis kelamin",
            "kelamin",
            "gender",
            "sex",
            "lk pr",
        ],
    ),
    (
        Field::BirthPlace,
        &[
            "tempat lahir",
            "tmp lahir",
            "tmpt lahir",
            "tpt lahir",
            "tempat lhr",
        ],
    ),
    (
        Field::BirthDate,
        &[
            "tgl lahir",
            "tanggal lahir",
            "tgl lhr",
            "tanggal lhr",
            "tg lahir",
            "tgl lahir dd mm yyyy",
        ],
    ),
    (
        Field::BirthPlaceDate,
        &[
            "ttl",
            "tempat tgl lahir",
            "tempat tanggal lahir",
            "tempat dan tanggal lahir",
            "tempat dan tgl lahir",
            "tempat tgl lhr",
            "tmp tgl lahir",
            "tmpt tgl lahir",
            "tempat lahir tanggal lahir",
            "tempat lahir tgl lahir",
            "tempat tanggal lhr",
        ],
    ),
    (
        Field::Phone,
        &[
            "no hp",
            "hp",
            "hp wa",
            "no wa",
            "wa",
            "no hp wa",
            "nomor hp",
            "nomor wa",
            "nomor hp wa",
            "nomor telepon",
            "no telepon",
            "telepon",
            "telp",
            "no telp",
            "nomor telp",
            "telp hp",
            "no telp hp",
            "telepon hp",
            "whatsapp",
            "no whatsapp",
            "nomor whatsapp",
            "handphone",
            "no handphone",
            "kontak",
            "no kontak",
            "nomor kontak",
        ],
    ),
    (
        Field::Address,
        &[
            "alamat",
            "alamat lengkap",
            "alamat rumah",
            "alamat domisili",
            "domisili",
            "alamat sesuai ktp",
        ],
    ),
    (
        Field::Desa,
        &[
            "desa",
            "desa kelurahan",
            "kelurahan desa",
            "kelurahan",
            "desa kel",
            "kel desa",
            "kel",
            "ds",
            "nama desa",
        ],
    ),
    (Field::Kecamatan, &["kecamatan", "kec", "nama kecamatan"]),
    (
        Field::Education,
        &[
            "pendidikan",
            "pendidikan terakhir",
            "pend terakhir",
            "pend",
            "ijazah terakhir",
            "tingkat pendidikan",
            "pendidikan formal",
        ],
    ),
    (
        Field::Trade,
        &["kejuruan", "bidang kejuruan", "jurusan", "bidang"],
    ),
    (
        Field::Program,
        &[
            "program pelatihan",
            "program",
            "nama program",
            "pelatihan",
            "jenis pelatihan",
            "nama pelatihan",
            "paket pelatihan",
            "sub kejuruan",
            "program pelatihan kejuruan",
        ],
    ),
    (
        Field::Batch,
        &[
            "angkatan",
            "angk",
            "gelombang",
            "gel",
            "batch",
            "angkatan ke",
        ],
    ),
    (
        Field::Year,
        &[
            "tahun",
            "thn",
            "th",
            "tahun pelatihan",
            "tahun angkatan",
            "tahun anggaran",
            "ta",
        ],
    ),
    (
        Field::Result,
        &[
            "hasil",
            "keterangan lulus",
            "ket lulus",
            "hasil pelatihan",
            "kelulusan",
            "status kelulusan",
            "lulus",
            "lulus tidak lulus",
        ],
    ),
    (
        Field::Competency,
        &[
            "kompetensi",
            "hasil uji kompetensi",
            "uji kompetensi",
            "status kompetensi",
            "hasil kompetensi",
            "ukk",
            "kompeten belum kompeten",
        ],
    ),
    (
        Field::CertNumber,
        &[
            "no sertifikat",
            "nomor sertifikat",
            "no sert",
            "sertifikat",
            "no seri sertifikat",
            "nomor seri sertifikat",
            "nomor registrasi sertifikat",
        ],
    ),
    (
        Field::CertIssuer,
        &[
            "lembaga sertifikasi",
            "penerbit",
            "penerbit sertifikat",
            "lsp",
            "lembaga penerbit",
            "diterbitkan oleh",
            "lembaga sertifikasi profesi",
        ],
    ),
    (
        Field::CertDate,
        &[
            "tgl sertifikat",
            "tanggal sertifikat",
            "tgl terbit sertifikat",
            "tanggal terbit sertifikat",
            "tgl terbit",
            "tanggal terbit",
        ],
    ),
    (
        Field::Placement,
        &[
            "penempatan",
            "status kerja",
            "status penempatan",
            "status pekerjaan",
            "status bekerja",
            "keterserapan",
            "penempatan kerja",
        ],
    ),
];

/// A header as the table knows it: any remark in parentheses or brackets dropped (the header's
/// own step), then [`text::compact`] (lower case, accents removed, letters and digits only).
/// `No. HP (WA)` → `nohp`.
fn compact(header: &str) -> String {
    text::compact(&without_remarks(header))
}

/// The text outside parentheses and brackets: `No. HP (WA)` → `No. HP `.
fn without_remarks(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut depth = 0usize;
    for c in header.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c => out.push(c),
        }
    }
    out
}

fn table() -> &'static HashMap<String, Field> {
    static TABLE: OnceLock<HashMap<String, Field>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for (field, names) in VARIANTS {
            for name in *names {
                map.entry(compact(name)).or_insert(*field);
            }
        }
        map
    })
}

fn exact_header(key: &str) -> Option<Field> {
    table().get(key).copied()
}

/// Tolerates one or two typing errors in longer headers, when one field is clearly meant.
fn fuzzy_header(key: &str) -> Option<Field> {
    const MIN_LEN: usize = 5;
    const THRESHOLD: f64 = 0.85;
    const MARGIN: f64 = 0.05;
    if key.chars().count() < MIN_LEN {
        return None;
    }
    let mut per_field: HashMap<Field, f64> = HashMap::new();
    for (variant, field) in table() {
        if variant.len() < MIN_LEN {
            continue;
        }
        let score = strsim::normalized_damerau_levenshtein(key, variant);
        let best = per_field.entry(*field).or_insert(0.0);
        *best = best.max(score);
    }
    let mut scores: Vec<(f64, Field)> = per_field.into_iter().map(|(f, s)| (s, f)).collect();
    scores.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    match scores.as_slice() {
        [(best, field), rest @ ..]
            if *best >= THRESHOLD && rest.first().is_none_or(|(s, _)| best - s >= MARGIN) =>
        {
            Some(*field)
        }
        _ => None,
    }
}

/// How a sheet's header was read: the header's row, and the field of each column.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderGuess {
    /// Index (0-based) of the last row of the header block: the header row itself, or the
    /// sub-header row below it (`Sertifikat` over `Nomor | Tanggal`), or a row numbering the
    /// columns (`1 | 2 | 3 …`). Data starts at `row + 1`.
    pub row: usize,
    /// The field of each column, `None` for a column Karya does not use or did not recognise.
    /// Each field appears at most once.
    pub columns: Vec<Option<Field>>,
    /// Header cells that were not recognised (or name a field an earlier column already has),
    /// with their column index, for the admin to map by hand.
    pub unknown: Vec<(usize, String)>,
}

impl HeaderGuess {
    /// The column holding a field.
    pub fn column(&self, field: Field) -> Option<usize> {
        self.columns.iter().position(|f| *f == Some(field))
    }

    pub fn has(&self, field: Field) -> bool {
        self.column(field).is_some()
    }

    /// The admin's correction: column `column` holds `field` (or nothing). A field lives in one
    /// column only, so any other column that had it loses it.
    pub fn set(&mut self, column: usize, field: Option<Field>) {
        if let Some(f) = field {
            for c in self.columns.iter_mut() {
                if *c == Some(f) {
                    *c = None;
                }
            }
        }
        if self.columns.len() <= column {
            self.columns.resize(column + 1, None);
        }
        self.columns[column] = field;
    }

    /// Enough to import from: a name, and something to tell people or batches apart.
    pub fn is_sufficient(&self) -> bool {
        sufficient(self.columns.iter().flatten().copied())
    }

    /// Whether a row repeats the header (files printed page by page repeat it).
    pub fn is_repeated_header(&self, row: &[Cell]) -> bool {
        let recognised = self.columns.iter().flatten().count();
        let same = row
            .iter()
            .enumerate()
            // Exact spellings only: a repeated header is a copy of the header, and this runs on
            // every data row (the fuzzy match is for the header search, not for every cell).
            .filter(|(c, cell)| {
                matches!(cell, Cell::Text(t) if t.len() <= 60
                    && exact_header(&compact(t)).is_some()
                    && exact_header(&compact(t)) == self.columns.get(*c).copied().flatten())
            })
            .count();
        same >= 2 && same * 2 >= recognised
    }
}

fn sufficient(fields: impl Iterator<Item = Field> + Clone) -> bool {
    fields.clone().any(|f| f == Field::Name)
        && fields.into_iter().any(|f| {
            matches!(
                f,
                Field::Nik
                    | Field::BirthDate
                    | Field::BirthPlaceDate
                    | Field::Phone
                    | Field::Program
                    | Field::Trade
            )
        })
}

fn header_text(cell: &Cell) -> Option<&str> {
    match cell {
        Cell::Text(t) if !t.trim().is_empty() => Some(t.trim()),
        _ => None,
    }
}

/// The fields a row names. Spelling mistakes are forgiven only in a row that already names at
/// least two fields exactly: data rows (names, dates, places) never pay for the fuzzy match.
fn read_row(row: &[Cell]) -> Vec<Option<Field>> {
    let exact: Vec<Option<Field>> = row
        .iter()
        .map(|c| header_text(c).and_then(|t| exact_header(&compact(t))))
        .collect();
    if exact.iter().flatten().count() < 2 {
        return exact;
    }
    row.iter()
        .zip(exact)
        .map(|(c, e)| e.or_else(|| header_text(c).and_then(Field::from_header)))
        .collect()
}

/// Finds the header among the first [`HEADER_SCAN_ROWS`] rows: title rows, blank rows and
/// merged title cells are skipped; the row naming the most known fields wins (the earliest on
/// a tie), provided it has the name and at least one of NIK, birth date, phone, program or
/// trade. `None` when no row qualifies.
pub fn detect_header(rows: &[Vec<Cell>]) -> Option<HeaderGuess> {
    let mut best: Option<(usize, usize)> = None; // (row, distinct fields)
    for (i, row) in rows.iter().take(HEADER_SCAN_ROWS).enumerate() {
        let fields = read_row(row);
        let mut distinct: Vec<Field> = fields.iter().flatten().copied().collect();
        distinct.sort();
        distinct.dedup();
        if !sufficient(distinct.iter().copied()) {
            continue;
        }
        if best.is_none_or(|(_, n)| distinct.len() > n) {
            best = Some((i, distinct.len()));
        }
    }
    let (top, _) = best?;
    let header = &rows[top];
    let mut columns = read_row(header);
    let mut texts: Vec<Option<String>> = header
        .iter()
        .map(|c| (!c.is_empty()).then(|| c.as_text().into_owned()))
        .collect();
    let mut last = top;

    // A sub-header row: nothing under "Nama" (merged down), only text, and at least half of
    // its cells naming fields alone or together with the merged cell above them. A data row
    // has a name, or numbers, or mostly values that name no field.
    if let Some(next) = rows.get(top + 1)
        && let Some(name_col) = columns.iter().position(|f| *f == Some(Field::Name))
        && next.get(name_col).is_none_or(Cell::is_empty)
        && next
            .iter()
            .all(|c| c.is_empty() || matches!(c, Cell::Text(_)))
    {
        let mut resolved = Vec::new();
        for (c, cell) in next.iter().enumerate() {
            let Some(sub) = header_text(cell) else {
                continue;
            };
            let parent = (0..=c.min(header.len().saturating_sub(1)))
                .rev()
                .find_map(|p| header.get(p).and_then(header_text));
            resolved.push((c, sub, parent, sub_header_field(sub, parent)));
        }
        let named = resolved.iter().filter(|r| r.3.is_some()).count();
        if named > 0 && named * 2 >= resolved.len() {
            if columns.len() < next.len() {
                columns.resize(next.len(), None);
                texts.resize(next.len(), None);
            }
            for (c, sub, parent, field) in resolved {
                texts[c] = Some(match parent {
                    Some(p) => format!("{p} / {sub}"),
                    None => sub.to_owned(),
                });
                // An unrecognised sub-header keeps what its own header cell said.
                if field.is_some() {
                    columns[c] = field;
                }
            }
            last = top + 1;
        }
    }

    if let Some(next) = rows.get(last + 1)
        && is_column_numbering(next)
    {
        last += 1;
    }

    // One column per field: the first wins, later ones go to `unknown` with their text.
    let mut unknown = Vec::new();
    let mut seen = Vec::new();
    for (c, field) in columns.iter_mut().enumerate() {
        match field {
            Some(f) if seen.contains(f) => {
                *field = None;
                if let Some(Some(t)) = texts.get(c) {
                    unknown.push((c, t.clone()));
                }
            }
            Some(f) => seen.push(*f),
            None => {
                if let Some(Some(t)) = texts.get(c) {
                    unknown.push((c, t.clone()));
                }
            }
        }
    }
    Some(HeaderGuess {
        row: last,
        columns,
        unknown,
    })
}

/// The field a sub-header cell names, read with the merged header cell above it:
/// `Nomor` under `Sertifikat` is the certificate number, `Tanggal` under `Tempat/Tgl Lahir`
/// is the birth date.
fn sub_header_field(sub: &str, parent: Option<&str>) -> Option<Field> {
    if let Some(parent) = parent {
        let last_word = parent
            .split(|c: char| !c.is_alphanumeric())
            .rfind(|w| !w.is_empty())
            .unwrap_or("");
        for combined in [
            format!("{sub} {parent}"),
            format!("{parent} {sub}"),
            format!("{sub} {last_word}"),
        ] {
            if let Some(f) = exact_header(&compact(&combined)) {
                return Some(f);
            }
        }
    }
    Field::from_header(sub)
}

/// A row numbering the columns below the header: `1 | 2 | 3 …` or `(1) | (2) | (3) …`.
fn is_column_numbering(row: &[Cell]) -> bool {
    let mut expected = 1u32;
    for cell in row {
        if cell.is_empty() {
            continue;
        }
        let text = cell.as_text();
        let digits = text.trim_start_matches('(').trim_end_matches(')');
        match digits.parse::<u32>() {
            Ok(n) if n == expected => expected += 1,
            _ => return false,
        }
    }
    expected > 3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    fn row(cells: &[&str]) -> Vec<Cell> {
        cells
            .iter()
            .map(|s| if s.is_empty() { Cell::Empty } else { t(s) })
            .collect()
    }

    #[test]
    fn keys_round_trip_and_labels_are_indonesian() {
        for f in Field::ALL {
            assert_eq!(Field::parse_key(f.key()), Some(f));
            assert!(f.key().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert!(!f.label().is_empty());
        }
        assert_eq!(Field::parse_key("nama"), Some(Field::Name));
        assert_eq!(Field::parse_key(" nik "), Some(Field::Nik));
        assert_eq!(Field::parse_key("name"), None);
        assert_eq!(Field::Phone.to_string(), "Nomor HP/WhatsApp");
        let mut keys: Vec<_> = Field::ALL.iter().map(|f| f.key()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), Field::ALL.len());
    }

    #[test]
    fn every_listed_header_variant() {
        use Field::*;
        for (text, field) in [
            ("No", No),
            ("No.", No),
            ("NO", No),
            ("NIK", Nik),
            ("No. KTP", Nik),
            ("Nama", Name),
            ("Nama Lengkap", Name),
            ("NAMA  LENGKAP", Name),
            ("L/P", Gender),
            ("JK", Gender),
            ("Jenis Kelamin", Gender),
            ("Jenis Kelamin (L/P)", Gender),
            ("Tempat Lahir", BirthPlace),
            ("Tgl Lahir", BirthDate),
            ("Tgl. Lahir", BirthDate),
            ("Tanggal Lahir", BirthDate),
            ("Tempat/Tgl Lahir", BirthPlaceDate),
            ("Tempat, Tanggal Lahir", BirthPlaceDate),
            ("TTL", BirthPlaceDate),
            ("No. HP", Phone),
            ("HP/WA", Phone),
            ("No WA", Phone),
            ("Nomor Telepon", Phone),
            ("Telp", Phone),
            ("No. HP (WA)", Phone),
            ("Alamat", Address),
            ("Desa", Desa),
            ("Desa/Kelurahan", Desa),
            ("Kelurahan", Desa),
            ("Kecamatan", Kecamatan),
            ("Kec", Kecamatan),
            ("Kec.", Kecamatan),
            ("Pendidikan", Education),
            ("Pendidikan Terakhir", Education),
            ("Kejuruan", Trade),
            ("Program Pelatihan", Program),
            ("Program", Program),
            ("Angkatan", Batch),
            ("Tahun", Year),
            ("Hasil", Result),
            ("Keterangan Lulus", Result),
            ("Kompetensi", Competency),
            ("No Sertifikat", CertNumber),
            ("Nomor Sertifikat", CertNumber),
            ("Lembaga Sertifikasi", CertIssuer),
            ("Penerbit", CertIssuer),
            ("Tgl Sertifikat", CertDate),
            ("Penempatan", Placement),
            ("Status Kerja", Placement),
            ("  status   KERJA ", Placement),
            ("NoHP", Phone),
        ] {
            assert_eq!(Field::from_header(text), Some(field), "{text:?}");
        }
    }

    #[test]
    fn small_typing_errors_in_long_headers() {
        assert_eq!(Field::from_header("Kecamatn"), Some(Field::Kecamatan));
        assert_eq!(
            Field::from_header("Pendidkan Terakhir"),
            Some(Field::Education)
        );
        assert_eq!(Field::from_header("Tanggal Lahr"), Some(Field::BirthDate));
    }

    #[test]
    fn unrelated_headers_are_not_guessed() {
        for text in [
            "",
            "   ",
            "(1)",
            "Keterangan",
            "Nama Ibu Kandung",
            "Agama",
            "Status",
            "DAFTAR ALUMNI BLK TANJABTIM TAHUN 2019",
            "Usia",
            "Ket",
        ] {
            assert_eq!(Field::from_header(text), None, "{text:?}");
        }
    }

    #[test]
    fn finds_the_header_below_title_rows() {
        let rows = vec![
            row(&["DAFTAR ALUMNI BLK TANJABTIM TAHUN 2019", "", "", "", ""]),
            row(&["Dinas Tenaga Kerja dan Transmigrasi", "", "", "", ""]),
            vec![],
            row(&[
                "No.",
                "NIK",
                "Nama Lengkap",
                "L/P",
                "Tempat/Tgl Lahir",
                "HP/WA",
                "Agama",
                "Kejuruan",
            ]),
            vec![
                Cell::Number(1.0),
                t("1507015205980003"),
                t("Siti Aminah"),
                t("P"),
                t("Muara Sabak, 12-05-1998"),
                Cell::Number(81_234_567_890.0),
                t("Islam"),
                t("Tata Boga"),
            ],
        ];
        let g = detect_header(&rows).unwrap();
        assert_eq!(g.row, 3);
        assert_eq!(
            g.columns,
            vec![
                Some(Field::No),
                Some(Field::Nik),
                Some(Field::Name),
                Some(Field::Gender),
                Some(Field::BirthPlaceDate),
                Some(Field::Phone),
                None,
                Some(Field::Trade),
            ]
        );
        assert_eq!(g.unknown, vec![(6, "Agama".to_owned())]);
        assert_eq!(g.column(Field::Phone), Some(5));
        assert!(g.is_sufficient());
        assert!(g.is_repeated_header(&rows[3]));
        assert!(!g.is_repeated_header(&rows[4]));
    }

    #[test]
    fn picks_the_row_with_most_fields() {
        // A title row that happens to contain two header words is not the header.
        let rows = vec![
            row(&["Nama", "Program"]),
            row(&["No", "Nama", "NIK", "Program", "Tahun", "Angkatan"]),
        ];
        let g = detect_header(&rows).unwrap();
        assert_eq!(g.row, 1);
        assert_eq!(g.columns.len(), 6);
    }

    #[test]
    fn needs_a_name_and_one_identifying_field() {
        assert_eq!(
            detect_header(&[row(&["No", "Nama", "Alamat", "Agama"])]),
            None
        );
        assert_eq!(detect_header(&[row(&["No", "NIK", "No. HP"])]), None);
        assert_eq!(detect_header(&[]), None);
        assert!(detect_header(&[row(&["Nama", "No. HP"])]).is_some());
        assert!(detect_header(&[row(&["Nama", "Tgl Lahir"])]).is_some());
    }

    #[test]
    fn looks_only_at_the_first_twenty_rows() {
        let mut rows = vec![row(&["judul"]); HEADER_SCAN_ROWS];
        rows.push(row(&["Nama", "NIK"]));
        assert_eq!(detect_header(&rows), None);
        rows.remove(0);
        assert_eq!(detect_header(&rows).unwrap().row, HEADER_SCAN_ROWS - 1);
    }

    #[test]
    fn duplicate_fields_keep_the_first_column() {
        let g = detect_header(&[row(&["Nama", "No. HP", "No. WA", "", "NIK"])]).unwrap();
        assert_eq!(
            g.columns,
            vec![
                Some(Field::Name),
                Some(Field::Phone),
                None,
                None,
                Some(Field::Nik)
            ]
        );
        assert_eq!(g.unknown, vec![(2, "No. WA".to_owned())]);
    }

    #[test]
    fn two_row_header_with_merged_groups() {
        let rows = vec![
            row(&[
                "No",
                "Nama",
                "Tempat/Tgl Lahir",
                "",
                "Sertifikat",
                "",
                "",
                "Kontak",
                "NIK",
            ]),
            row(&[
                "", "", "Tempat", "Tanggal", "Nomor", "Tanggal", "Penerbit", "No. HP", "",
            ]),
            row(&["1", "Budi", "Jambi", "01-01-1990", "X/1", "", "", "", ""]),
        ];
        let g = detect_header(&rows).unwrap();
        assert_eq!(g.row, 1);
        assert_eq!(
            g.columns,
            vec![
                Some(Field::No),
                Some(Field::Name),
                Some(Field::BirthPlace),
                Some(Field::BirthDate),
                Some(Field::CertNumber),
                Some(Field::CertDate),
                Some(Field::CertIssuer),
                Some(Field::Phone),
                Some(Field::Nik),
            ]
        );
        assert!(g.unknown.is_empty(), "{:?}", g.unknown);
    }

    #[test]
    fn a_data_row_is_not_a_sub_header() {
        let rows = vec![
            row(&["Nama", "NIK", "Kecamatan"]),
            row(&["Desa", "1507015205980003", "Sadu"]),
        ];
        let g = detect_header(&rows).unwrap();
        assert_eq!(g.row, 0);
        assert_eq!(g.columns[0], Some(Field::Name));
    }

    #[test]
    fn a_nameless_data_row_is_not_a_sub_header() {
        // The first data row lacks a name, and its desa happens to be a header word.
        let rows = vec![
            row(&["Nama", "NIK", "Desa", "Kejuruan", "Alamat"]),
            row(&[
                "",
                "1507015205980003",
                "Kelurahan",
                "Tata Boga",
                "Jl. Sabak",
            ]),
        ];
        let g = detect_header(&rows).unwrap();
        assert_eq!(g.row, 0);
        assert_eq!(g.columns[1], Some(Field::Nik));
        let rows = vec![
            row(&["No", "Nama", "Program"]),
            vec![Cell::Number(1.0), Cell::Empty, t("Penerbit")],
        ];
        assert_eq!(detect_header(&rows).unwrap().row, 0);
    }

    #[test]
    fn skips_a_column_numbering_row() {
        let rows = vec![
            row(&["No", "Nama", "NIK", "Alamat"]),
            vec![
                Cell::Number(1.0),
                Cell::Number(2.0),
                Cell::Number(3.0),
                Cell::Number(4.0),
            ],
            row(&["1", "Budi", "1507011205980003", "Jl. Sabak"]),
        ];
        assert_eq!(detect_header(&rows).unwrap().row, 1);
        let rows = vec![row(&["No", "Nama", "NIK"]), row(&["(1)", "(2)", "(3)"])];
        assert_eq!(detect_header(&rows).unwrap().row, 1);
        // A data row whose first cells happen to be small numbers is not skipped.
        let rows = vec![row(&["No", "Nama", "NIK"]), row(&["1", "Budi", "3"])];
        assert_eq!(detect_header(&rows).unwrap().row, 0);
    }

    #[test]
    fn admin_overrides_a_mapping() {
        let mut g = detect_header(&[row(&["Nama", "NIK", "Keterangan"])]).unwrap();
        g.set(2, Some(Field::Result));
        assert_eq!(g.column(Field::Result), Some(2));
        g.set(2, Some(Field::Nik));
        assert_eq!(g.columns, vec![Some(Field::Name), None, Some(Field::Nik)]);
        g.set(5, Some(Field::Phone));
        assert_eq!(g.columns.len(), 6);
        g.set(0, None);
        assert!(!g.has(Field::Name));
        assert!(!g.is_sufficient());
    }
}
