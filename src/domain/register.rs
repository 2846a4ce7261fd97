//! What the agency's register forms must satisfy: trades, programs, batches, alumni and their
//! participation in batches. Each `parse` takes the form as typed and returns valid fields or
//! an Indonesian message per field; nothing here reads the database (the caller passes in what
//! must exist, such as the region list). Also the register's records as the pages show them
//! ([`AlumnusRow`], [`AlumnusRecord`]), filled by `db::register`.

use time::Date;

use super::dates::{self, format_date};
use super::form::{clean, text};
use super::import::cell::Cell;
use super::import::values::{self, Competency, Placement, TrainingResult};
use super::nik::{Gender, Nik};
use super::phone::Phone;
use super::region::{NationalRegions, Region};
use super::user::FieldErrors;

/// The years a batch may belong to (the `batches.year` CHECK).
pub const MIN_YEAR: i64 = 2000;
pub const MAX_YEAR: i64 = 2100;

/// Suggestions for the last education (the field stays free text: imported files say "SLTA").
pub const EDUCATION: &[&str] = &[
    "Tidak sekolah",
    "SD",
    "SMP",
    "SMA",
    "SMK",
    "MA",
    "D1",
    "D2",
    "D3",
    "D4",
    "S1",
    "S2",
];

/// A whole number typed into a form, within `min..=max`.
fn whole(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    label: &str,
    min: i64,
    max: i64,
) -> i64 {
    let t = raw.trim();
    if t.is_empty() {
        errors.push((field, format!("{label} wajib diisi.")));
        return 0;
    }
    match t.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => n,
        Ok(_) => {
            errors.push((field, format!("{label} harus antara {min} dan {max}.")));
            0
        }
        Err(_) => {
            errors.push((field, format!("{label} harus berupa angka bulat.")));
            0
        }
    }
}

/// A record id chosen from a list (`0` when missing).
fn chosen_id(errors: &mut FieldErrors, field: &'static str, raw: &str, message: &str) -> i64 {
    match raw.trim().parse::<i64>() {
        Ok(id) if id > 0 => id,
        _ => {
            errors.push((field, message.to_owned()));
            0
        }
    }
}

/// A date as a browser's date field sends it (`2024-05-12`) or as staff type it (`12-05-2024`,
/// `12 Mei 2024`). `None` when left empty.
pub fn parse_date(raw: &str) -> Result<Option<Date>, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Some(d) = dates::parse_iso(t) {
        return Ok(Some(d));
    }
    values::parse_date_text(t, values::current_year()).map(Some)
}

fn date(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    label: &str,
    required: bool,
) -> Option<Date> {
    match parse_date(raw) {
        Ok(None) if required => {
            errors.push((field, format!("{label} wajib diisi.")));
            None
        }
        Ok(d) => d,
        Err(e) => {
            errors.push((field, e));
            None
        }
    }
}

fn done<T>(errors: FieldErrors, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
    if errors.is_empty() {
        Ok(value())
    } else {
        Err(errors)
    }
}

// ---------------------------------------------------------------------------------------------
// Trades

#[derive(Debug, Clone, Default)]
pub struct TradeInput<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub description: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeFields {
    /// Upper case: `TBG`.
    pub code: String,
    pub name: String,
    pub description: String,
}

impl TradeFields {
    pub fn parse(input: &TradeInput<'_>) -> Result<TradeFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = clean(input.code).to_uppercase();
        if code.is_empty() {
            errors.push(("code", "Kode kejuruan wajib diisi.".into()));
        } else if !(2..=16).contains(&code.chars().count())
            || !code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        {
            errors.push((
                "code",
                "Kode kejuruan 2 sampai 16 huruf, angka atau tanda hubung, contoh TBG.".into(),
            ));
        }
        let name = text(&mut errors, "name", input.name, "Nama kejuruan", true, 80);
        let description = text(
            &mut errors,
            "description",
            input.description,
            "Keterangan",
            false,
            300,
        );
        done(errors, || TradeFields {
            code,
            name,
            description,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Programs

#[derive(Debug, Clone, Default)]
pub struct ProgramInput<'a> {
    pub trade_id: &'a str,
    pub name: &'a str,
    pub hours: &'a str,
    pub days: &'a str,
    /// One unit per line (or separated by semicolons).
    pub competency_units: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramFields {
    pub trade_id: i64,
    pub name: String,
    pub hours: i64,
    pub days: i64,
    /// Units joined with `; `, as the register keeps them.
    pub competency_units: String,
}

/// Competency units as stored (`A; B; C`) → one per line, for the form.
pub fn units_as_lines(stored: &str) -> String {
    stored
        .split(';')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

impl ProgramFields {
    pub fn parse(input: &ProgramInput<'_>) -> Result<ProgramFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let trade_id = chosen_id(
            &mut errors,
            "trade_id",
            input.trade_id,
            "Pilih kejuruan program ini.",
        );
        let name = text(&mut errors, "name", input.name, "Nama program", true, 120);
        let hours = whole(
            &mut errors,
            "hours",
            input.hours,
            "Jumlah jam pelatihan",
            1,
            5000,
        );
        let days = whole(
            &mut errors,
            "days",
            input.days,
            "Jumlah hari pelatihan",
            1,
            365,
        );
        let units: Vec<String> = input
            .competency_units
            .split(['\n', ';'])
            .map(clean)
            .filter(|u| !u.is_empty())
            .collect();
        let competency_units = units.join("; ");
        if units.iter().any(|u| u.chars().count() > 200) || competency_units.chars().count() > 3000
        {
            errors.push((
                "competency_units",
                "Unit kompetensi terlalu panjang: maksimal 200 karakter per unit.".into(),
            ));
        }
        done(errors, || ProgramFields {
            trade_id,
            name,
            hours,
            days,
            competency_units,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Batches

/// Where a batch's money came from (`batches.funding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Funding {
    Apbn,
    Apbd,
    Lainnya,
}

impl Funding {
    pub const ALL: [Funding; 3] = [Funding::Apbn, Funding::Apbd, Funding::Lainnya];

    pub fn parse(s: &str) -> Option<Funding> {
        Funding::ALL.into_iter().find(|f| f.as_str() == s.trim())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Funding::Apbn => "APBN",
            Funding::Apbd => "APBD",
            Funding::Lainnya => "lainnya",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Funding::Apbn => "APBN",
            Funding::Apbd => "APBD",
            Funding::Lainnya => "Lainnya",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct BatchInput<'a> {
    pub program_id: &'a str,
    pub year: &'a str,
    pub number: &'a str,
    pub start_date: &'a str,
    pub end_date: &'a str,
    pub place: &'a str,
    pub funding: &'a str,
    pub capacity: &'a str,
    pub instructor: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFields {
    pub program_id: i64,
    pub year: i64,
    pub number: i64,
    pub start_date: Date,
    pub end_date: Date,
    pub place: String,
    pub funding: Funding,
    pub capacity: i64,
    pub instructor: String,
}

impl BatchFields {
    pub fn parse(input: &BatchInput<'_>) -> Result<BatchFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let program_id = chosen_id(
            &mut errors,
            "program_id",
            input.program_id,
            "Pilih program pelatihan angkatan ini.",
        );
        let year = whole(&mut errors, "year", input.year, "Tahun", MIN_YEAR, MAX_YEAR);
        let number = whole(&mut errors, "number", input.number, "Angkatan ke", 1, 1000);
        let start = date(
            &mut errors,
            "start_date",
            input.start_date,
            "Tanggal mulai",
            true,
        );
        let end = date(
            &mut errors,
            "end_date",
            input.end_date,
            "Tanggal selesai",
            true,
        );
        if let Some(s) = start
            && year != 0
            && i64::from(s.year()) != year
        {
            errors.push((
                "start_date",
                format!(
                    "Tanggal mulai {} tidak berada di tahun angkatan ({year}).",
                    format_date(s)
                ),
            ));
        }
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            errors.push((
                "end_date",
                format!(
                    "Tanggal selesai tidak boleh sebelum tanggal mulai ({}).",
                    format_date(s)
                ),
            ));
        }
        let place = text(&mut errors, "place", input.place, "Tempat", true, 200);
        let funding = Funding::parse(input.funding);
        if funding.is_none() {
            errors.push((
                "funding",
                "Pilih sumber dana: APBN, APBD atau lainnya.".into(),
            ));
        }
        let capacity = whole(
            &mut errors,
            "capacity",
            input.capacity,
            "Kuota peserta",
            1,
            1000,
        );
        let instructor = text(
            &mut errors,
            "instructor",
            input.instructor,
            "Instruktur",
            false,
            120,
        );
        match (start, end, funding) {
            (Some(start_date), Some(end_date), Some(funding)) if errors.is_empty() => {
                Ok(BatchFields {
                    program_id,
                    year,
                    number,
                    start_date,
                    end_date,
                    place,
                    funding,
                    capacity,
                    instructor,
                })
            }
            _ => Err(errors),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Alumni

#[derive(Debug, Clone, Default)]
pub struct AlumnusInput<'a> {
    pub full_name: &'a str,
    pub gender: &'a str,
    pub birth_place: &'a str,
    pub birth_date: &'a str,
    /// Empty on an edit form: keep the stored NIK (unless `remove_nik`).
    pub nik: &'a str,
    pub remove_nik: bool,
    pub phone: &'a str,
    pub address: &'a str,
    pub kecamatan: &'a str,
    pub desa: &'a str,
    pub education: &'a str,
}

/// What happens to the stored NIK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NikChange {
    Keep,
    Set(Nik),
    Remove,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlumnusFields {
    pub full_name: String,
    pub gender: Gender,
    pub birth_place: String,
    pub birth_date: Option<Date>,
    pub nik: NikChange,
    pub phone: Option<Phone>,
    pub address: String,
    pub kecamatan_code: Option<String>,
    pub desa_code: Option<String>,
    pub education: String,
}

/// The places an alumnus may live in: the instance's kecamatan and the desa/kelurahan under them.
pub struct Places<'a> {
    pub kecamatan: &'a [Region],
    pub desa: &'a [Region],
}

impl AlumnusFields {
    pub fn parse(
        input: &AlumnusInput<'_>,
        places: &Places<'_>,
        today: Date,
    ) -> Result<AlumnusFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let full_name = text(
            &mut errors,
            "full_name",
            input.full_name,
            "Nama lengkap",
            true,
            120,
        );
        if !full_name.is_empty() && !full_name.chars().any(char::is_alphabetic) {
            errors.push(("full_name", "Nama lengkap harus berisi huruf.".into()));
        }
        let gender = match input.gender.trim() {
            "L" => Some(Gender::L),
            "P" => Some(Gender::P),
            _ => {
                errors.push(("gender", "Pilih jenis kelamin.".into()));
                None
            }
        };
        let birth_place = text(
            &mut errors,
            "birth_place",
            input.birth_place,
            "Tempat lahir",
            false,
            80,
        );
        let birth_date = date(
            &mut errors,
            "birth_date",
            input.birth_date,
            "Tanggal lahir",
            false,
        );
        if let Some(d) = birth_date {
            if d > today {
                errors.push((
                    "birth_date",
                    "Tanggal lahir tidak boleh di masa depan.".into(),
                ));
            } else if d.year() < values::MIN_DATE_YEAR {
                errors.push((
                    "birth_date",
                    format!(
                        "Tanggal lahir {} terlalu lampau; periksa tahunnya.",
                        format_date(d)
                    ),
                ));
            }
        }
        let nik = if !input.nik.trim().is_empty() {
            match values::parse_nik(&Cell::Text(input.nik.to_owned()), &NationalRegions) {
                values::NikOutcome::Valid(n) => NikChange::Set(n),
                values::NikOutcome::Rejected(e) => {
                    errors.push(("nik", e));
                    NikChange::Keep
                }
                values::NikOutcome::Missing => NikChange::Keep,
            }
        } else if input.remove_nik {
            NikChange::Remove
        } else {
            NikChange::Keep
        };
        let phone = if input.phone.trim().is_empty() {
            None
        } else {
            Phone::parse(input.phone)
                .map_err(|e| errors.push(("phone", e.into())))
                .ok()
        };
        let address = text(&mut errors, "address", input.address, "Alamat", false, 200);
        let mut kecamatan_code = match input.kecamatan.trim() {
            "" => None,
            code => {
                if places.kecamatan.iter().any(|k| k.code == code) {
                    Some(code.to_owned())
                } else {
                    errors.push((
                        "kecamatan",
                        "Kecamatan ini tidak ada dalam daftar wilayah; pilih dari daftar.".into(),
                    ));
                    None
                }
            }
        };
        let desa_code = match input.desa.trim() {
            "" => None,
            code => match places.desa.iter().find(|d| d.code == code) {
                None => {
                    errors.push((
                        "desa",
                        "Desa/kelurahan ini tidak ada dalam daftar wilayah; pilih dari daftar."
                            .into(),
                    ));
                    None
                }
                Some(d) => {
                    let parent = d.parent_code().unwrap_or_default();
                    match kecamatan_code.as_deref() {
                        // The desa says which kecamatan when none was chosen.
                        None if !input.kecamatan.trim().is_empty() => None,
                        None => {
                            kecamatan_code = Some(parent.to_owned());
                            Some(code.to_owned())
                        }
                        Some(k) if k == parent => Some(code.to_owned()),
                        Some(k) => {
                            let kec = places
                                .kecamatan
                                .iter()
                                .find(|r| r.code == k)
                                .map_or(k, |r| r.name.as_str());
                            errors
                                .push(("desa", format!("{} tidak berada di Kec. {kec}.", d.name)));
                            None
                        }
                    }
                }
            },
        };
        let education = text(
            &mut errors,
            "education",
            input.education,
            "Pendidikan terakhir",
            false,
            60,
        );
        match gender {
            Some(gender) if errors.is_empty() => Ok(AlumnusFields {
                full_name,
                gender,
                birth_place,
                birth_date,
                nik,
                phone,
                address,
                kecamatan_code,
                desa_code,
                education,
            }),
            _ => Err(errors),
        }
    }
}

/// Where a stored NIK disagrees with the recorded birth date or gender. Real data has such
/// errors; the record page names them so the agency can check the papers.
pub fn nik_mismatches(nik: &Nik, birth_date: Option<Date>, gender: Option<Gender>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = birth_date
        && !nik.matches_birth_date(d)
    {
        let (day, month, yy) = nik.encoded_birth();
        out.push(format!(
            "Tanggal lahir pada NIK ({day:02}-{:02}-{yy:02}) berbeda dengan tanggal lahir tercatat ({}).",
            u8::from(month),
            format_date(d)
        ));
    }
    if let Some(g) = gender
        && g != nik.gender()
    {
        out.push(format!(
            "Jenis kelamin pada NIK ({}) berbeda dengan yang tercatat ({}).",
            nik.gender().label(),
            g.label()
        ));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Participation in a batch

#[derive(Debug, Clone, Default)]
pub struct ParticipationInput<'a> {
    pub batch_id: &'a str,
    pub result: &'a str,
    pub competency: &'a str,
    pub cert_number: &'a str,
    pub cert_issuer: &'a str,
    pub cert_date: &'a str,
    pub cert_expiry: &'a str,
    pub placement: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipationFields {
    pub batch_id: i64,
    pub result: Option<TrainingResult>,
    pub competency: Option<Competency>,
    pub cert_number: Option<String>,
    pub cert_issuer: Option<String>,
    pub cert_date: Option<Date>,
    pub cert_expiry: Option<Date>,
    pub placement: Placement,
}

pub fn parse_result(s: &str) -> Option<TrainingResult> {
    [TrainingResult::Lulus, TrainingResult::TidakLulus]
        .into_iter()
        .find(|r| r.as_str() == s)
}

pub fn parse_competency(s: &str) -> Option<Competency> {
    [Competency::Kompeten, Competency::BelumKompeten]
        .into_iter()
        .find(|c| c.as_str() == s)
}

pub fn parse_placement(s: &str) -> Option<Placement> {
    [Placement::Mandiri, Placement::Industri, Placement::Belum]
        .into_iter()
        .find(|p| p.as_str() == s)
}

impl ParticipationFields {
    pub fn parse(input: &ParticipationInput<'_>) -> Result<ParticipationFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let batch_id = chosen_id(
            &mut errors,
            "batch_id",
            input.batch_id,
            "Pilih angkatan pelatihan yang diikuti.",
        );
        let result = match input.result.trim() {
            "" => None,
            r => {
                let parsed = parse_result(r);
                if parsed.is_none() {
                    errors.push(("result", "Pilih hasil pelatihan dari daftar.".into()));
                }
                parsed
            }
        };
        let competency = match input.competency.trim() {
            "" => None,
            c => {
                let parsed = parse_competency(c);
                if parsed.is_none() {
                    errors.push((
                        "competency",
                        "Pilih hasil uji kompetensi dari daftar.".into(),
                    ));
                }
                parsed
            }
        };
        let cert_number = text(
            &mut errors,
            "cert_number",
            input.cert_number,
            "Nomor sertifikat",
            false,
            80,
        );
        let cert_issuer = text(
            &mut errors,
            "cert_issuer",
            input.cert_issuer,
            "Penerbit sertifikat",
            false,
            120,
        );
        let cert_date = date(
            &mut errors,
            "cert_date",
            input.cert_date,
            "Tanggal sertifikat",
            false,
        );
        let cert_expiry = date(
            &mut errors,
            "cert_expiry",
            input.cert_expiry,
            "Berlaku sampai",
            false,
        );
        for (field, d) in [("cert_date", cert_date), ("cert_expiry", cert_expiry)] {
            if let Some(d) = d
                && !(MIN_YEAR..=MAX_YEAR).contains(&i64::from(d.year()))
            {
                errors.push((
                    field,
                    format!("Tanggal {} di luar rentang yang wajar.", format_date(d)),
                ));
            }
        }
        if let (Some(from), Some(until)) = (cert_date, cert_expiry)
            && until < from
        {
            errors.push((
                "cert_expiry",
                "Masa berlaku tidak boleh berakhir sebelum tanggal sertifikat.".into(),
            ));
        }
        if cert_number.is_empty()
            && (!cert_issuer.is_empty() || cert_date.is_some() || cert_expiry.is_some())
        {
            errors.push((
                "cert_number",
                "Isi nomor sertifikat, atau kosongkan data sertifikat lainnya.".into(),
            ));
        }
        if !cert_number.is_empty() && competency == Some(Competency::BelumKompeten) {
            errors.push((
                "cert_number",
                "Sertifikat kompetensi hanya untuk peserta yang kompeten.".into(),
            ));
        }
        let placement = match parse_placement(input.placement.trim()) {
            Some(p) => p,
            None => {
                errors.push(("placement", "Pilih penempatan setelah pelatihan.".into()));
                Placement::Belum
            }
        };
        let some = |s: String| (!s.is_empty()).then_some(s);
        done(errors, || ParticipationFields {
            batch_id,
            result,
            competency,
            cert_number: some(cert_number),
            cert_issuer: some(cert_issuer),
            cert_date,
            cert_expiry,
            placement,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::region::RegionLevel;
    use time::macros::date;

    fn region(code: &str, name: &str, level: RegionLevel) -> Region {
        Region {
            code: code.into(),
            name: name.into(),
            level,
        }
    }

    fn has(errors: &FieldErrors, field: &str, part: &str) -> bool {
        errors.iter().any(|(f, m)| *f == field && m.contains(part))
    }

    #[test]
    fn trades_need_a_code_and_a_name() {
        let ok = TradeFields::parse(&TradeInput {
            code: " tbg ",
            name: "  Tata   Boga ",
            description: "",
        })
        .unwrap();
        assert_eq!(ok.code, "TBG");
        assert_eq!(ok.name, "Tata Boga");
        let errors = TradeFields::parse(&TradeInput::default()).unwrap_err();
        assert!(has(&errors, "code", "wajib") && has(&errors, "name", "wajib"));
        let errors = TradeFields::parse(&TradeInput {
            code: "T B",
            name: "x",
            description: "",
        })
        .unwrap_err();
        assert!(has(&errors, "code", "2 sampai 16"));
    }

    #[test]
    fn programs_need_positive_hours_and_days() {
        let ok = ProgramFields::parse(&ProgramInput {
            trade_id: "3",
            name: "Pembuatan Roti",
            hours: "240",
            days: "30",
            competency_units: "Membuat roti\n\n Membuat kue ; K3",
        })
        .unwrap();
        assert_eq!(ok.competency_units, "Membuat roti; Membuat kue; K3");
        assert_eq!(
            units_as_lines(&ok.competency_units),
            "Membuat roti\nMembuat kue\nK3"
        );
        let errors = ProgramFields::parse(&ProgramInput {
            trade_id: "",
            name: "",
            hours: "0",
            days: "tiga",
            competency_units: "",
        })
        .unwrap_err();
        assert!(has(&errors, "trade_id", "Pilih kejuruan"));
        assert!(has(&errors, "name", "wajib"));
        assert!(has(&errors, "hours", "antara 1"));
        assert!(has(&errors, "days", "angka bulat"));
    }

    fn batch<'a>(start: &'a str, end: &'a str) -> BatchInput<'a> {
        BatchInput {
            program_id: "1",
            year: "2024",
            number: "2",
            start_date: start,
            end_date: end,
            place: "BLK Rano",
            funding: "APBD",
            capacity: "16",
            instructor: "",
        }
    }

    #[test]
    fn batches_end_after_they_start_within_their_year() {
        let ok = BatchFields::parse(&batch("2024-05-06", "31-05-2024")).unwrap();
        assert_eq!(ok.end_date, date!(2024 - 05 - 31));
        assert_eq!(ok.funding, Funding::Apbd);
        let errors = BatchFields::parse(&batch("2024-05-06", "2024-05-01")).unwrap_err();
        assert!(has(&errors, "end_date", "sebelum tanggal mulai"));
        let errors = BatchFields::parse(&batch("2023-12-20", "2024-01-10")).unwrap_err();
        assert!(has(&errors, "start_date", "tahun angkatan"));
        let errors = BatchFields::parse(&BatchInput::default()).unwrap_err();
        for field in [
            "program_id",
            "year",
            "number",
            "start_date",
            "end_date",
            "place",
            "funding",
            "capacity",
        ] {
            assert!(errors.iter().any(|(f, _)| *f == field), "{field}");
        }
        assert!(
            BatchFields::parse(&batch("2024-02-30", "2024-03-01"))
                .unwrap_err()
                .iter()
                .any(|(f, _)| *f == "start_date")
        );
    }

    fn places() -> (Vec<Region>, Vec<Region>) {
        (
            vec![
                region("15.07.01", "Muara Sabak Timur", RegionLevel::Kecamatan),
                region("15.07.02", "Nipah Panjang", RegionLevel::Kecamatan),
            ],
            vec![
                region("15.07.01.1001", "Muara Sabak Ilir", RegionLevel::Kelurahan),
                region("15.07.02.1001", "Nipah Panjang I", RegionLevel::Kelurahan),
            ],
        )
    }

    fn person<'a>() -> AlumnusInput<'a> {
        AlumnusInput {
            full_name: "Siti  Aminah",
            gender: "P",
            birth_place: "Muara Sabak",
            birth_date: "1998-05-12",
            nik: "1507015205980003",
            phone: "0812 3456 7890",
            kecamatan: "15.07.01",
            desa: "15.07.01.1001",
            education: "SMK",
            ..Default::default()
        }
    }

    #[test]
    fn alumni_are_checked_field_by_field() {
        let (k, d) = places();
        let places = Places {
            kecamatan: &k,
            desa: &d,
        };
        let today = date!(2026 - 01 - 01);
        let ok = AlumnusFields::parse(&person(), &places, today).unwrap();
        assert_eq!(ok.full_name, "Siti Aminah");
        assert_eq!(ok.phone.unwrap().as_str(), "+6281234567890");
        assert!(matches!(ok.nik, NikChange::Set(ref n) if n.as_str() == "1507015205980003"));

        // The desa alone names the kecamatan.
        let ok = AlumnusFields::parse(
            &AlumnusInput {
                kecamatan: "",
                desa: "15.07.02.1001",
                nik: "",
                ..person()
            },
            &places,
            today,
        )
        .unwrap();
        assert_eq!(ok.kecamatan_code.as_deref(), Some("15.07.02"));
        assert_eq!(ok.nik, NikChange::Keep);

        let errors = AlumnusFields::parse(
            &AlumnusInput {
                full_name: " ",
                gender: "",
                nik: "150701520598000",
                phone: "0741-21234",
                kecamatan: "99.99.99",
                birth_date: "2030-01-01",
                ..person()
            },
            &places,
            today,
        )
        .unwrap_err();
        assert!(has(&errors, "full_name", "wajib"));
        assert!(has(&errors, "gender", "jenis kelamin"));
        assert!(has(&errors, "nik", "16 digit"));
        assert!(has(&errors, "phone", "seluler"));
        assert!(has(&errors, "kecamatan", "daftar wilayah"));
        assert!(has(&errors, "birth_date", "masa depan"));

        let errors = AlumnusFields::parse(
            &AlumnusInput {
                desa: "15.07.02.1001",
                nik: "9907015205980003",
                ..person()
            },
            &places,
            today,
        )
        .unwrap_err();
        assert!(has(
            &errors,
            "desa",
            "tidak berada di Kec. Muara Sabak Timur"
        ));
        assert!(has(&errors, "nik", "tidak ada dalam daftar wilayah"));

        let removed = AlumnusFields::parse(
            &AlumnusInput {
                nik: "",
                remove_nik: true,
                ..person()
            },
            &places,
            today,
        )
        .unwrap();
        assert_eq!(removed.nik, NikChange::Remove);
    }

    #[test]
    fn nik_disagreements_are_named() {
        let nik = Nik::parse("1507015205980003").unwrap();
        assert!(nik_mismatches(&nik, Some(date!(1998 - 05 - 12)), Some(Gender::P)).is_empty());
        let found = nik_mismatches(&nik, Some(date!(1998 - 05 - 13)), Some(Gender::L));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("12-05-98"));
    }

    #[test]
    fn participations_keep_certificates_consistent() {
        let ok = ParticipationFields::parse(&ParticipationInput {
            batch_id: "4",
            result: "lulus",
            competency: "kompeten",
            cert_number: " 123/BLK/2024 ",
            cert_issuer: "LSP Tata Boga",
            cert_date: "2024-06-01",
            cert_expiry: "2027-06-01",
            placement: "mandiri",
        })
        .unwrap();
        assert_eq!(ok.cert_number.as_deref(), Some("123/BLK/2024"));
        assert_eq!(ok.placement, Placement::Mandiri);
        let bare = ParticipationFields::parse(&ParticipationInput {
            batch_id: "4",
            placement: "belum",
            ..Default::default()
        })
        .unwrap();
        assert_eq!(bare.result, None);
        assert_eq!(bare.cert_number, None);

        let errors = ParticipationFields::parse(&ParticipationInput {
            batch_id: "",
            result: "hebat",
            cert_date: "2024-06-01",
            cert_expiry: "2024-05-01",
            placement: "",
            ..Default::default()
        })
        .unwrap_err();
        assert!(has(&errors, "batch_id", "angkatan"));
        assert!(has(&errors, "result", "hasil"));
        assert!(has(&errors, "cert_expiry", "sebelum tanggal sertifikat"));
        assert!(has(&errors, "cert_number", "nomor sertifikat"));
        assert!(has(&errors, "placement", "penempatan"));
    }

    #[test]
    fn funding_round_trips() {
        for f in Funding::ALL {
            assert_eq!(Funding::parse(f.as_str()), Some(f));
        }
        assert_eq!(Funding::parse("apbn"), None);
    }
}

/// One line of the alumni list: name, where they live, and their trainings in words.
#[derive(Debug, Clone)]
pub struct AlumnusRow {
    pub id: i64,
    pub full_name: String,
    pub gender: String,
    pub kecamatan: String,
    pub desa: String,
    pub trainings: String,
}

/// Everything the agency holds on one alumnus; NIK still sealed.
#[derive(Debug, Clone)]
pub struct AlumnusRecord {
    pub id: i64,
    pub full_name: String,
    pub gender: String,
    pub birth_place: String,
    pub birth_date: Option<String>,
    pub nik_enc: Option<String>,
    pub phone: Option<String>,
    pub address: String,
    pub kecamatan: String,
    pub desa: String,
    pub kecamatan_code: Option<String>,
    pub desa_code: Option<String>,
    pub education: String,
}
