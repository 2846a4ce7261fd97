//! What the agency's training achieves (issue 14's dashboard and report): the filter, the
//! dimensions a figure breaks down by, the measures behind every number, and the typed figures.
//! Pure types and arithmetic; `db::outcomes` counts, `app::outcomes` assembles.
//!
//! Definitions (said once here, and on the page):
//! - *trained*: participations; *completed*: result `lulus`; *certified*: competency `kompeten`;
//! - *alumni* measures count each person once per group: *storefront* = an active business with
//!   at least one active listing; *paid* = at least one confirmed public payment or one live
//!   office payment (the revenue of `domain::capital::activity`); *revenue* = those payments'
//!   amounts (public: `order_payments.amount` confirmed; office: `office_payments.gross` not voided);
//! - *capital*: applications of the group's alumni; *applied* = submitted at some point,
//!   *approved* = `approved`, `disbursed` or `closed` (the approved amount), *disbursed* = with a
//!   disbursed amount;
//! - *tracer*: per wave, invitations of the group's completers, answers, and the stored flags
//!   `works_in_trade` and `earns_umk` as shares of the answers (self-report); beside it, never
//!   mixed, the share of invited completers with at least one paid order through Karya, ever
//!   (platform evidence).

/// The year is the year a batch ended (`batches.end_date`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub year: Option<i64>,
    pub trade: Option<i64>,
    pub program: Option<i64>,
    pub batch: Option<i64>,
    pub kecamatan: Option<String>,
    /// `L` or `P`.
    pub gender: Option<String>,
}

impl Filter {
    /// Reads the query parameters (`tahun`, `kejuruan`, `program`, `angkatan`, `kecamatan`,
    /// `jk`); anything unreadable means "all".
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Filter {
        let mut f = Filter::default();
        let id = |v: &str| v.trim().parse::<i64>().ok().filter(|n| *n > 0);
        for (k, v) in pairs {
            match k {
                "tahun" => f.year = id(v).filter(|y| (2000..=2100).contains(y)),
                "kejuruan" => f.trade = id(v),
                "program" => f.program = id(v),
                "angkatan" => f.batch = id(v),
                "kecamatan" => {
                    let v = v.trim();
                    f.kecamatan = (!v.is_empty()
                        && v.len() <= 20
                        && v.chars().all(|c| c.is_ascii_digit() || c == '.'))
                    .then(|| v.to_owned());
                }
                "jk" => f.gender = matches!(v, "L" | "P").then(|| v.to_owned()),
                _ => {}
            }
        }
        f
    }

    /// The filter as query parameters (no leading `?` or `&`), in a fixed order.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(y) = self.year {
            parts.push(format!("tahun={y}"));
        }
        if let Some(t) = self.trade {
            parts.push(format!("kejuruan={t}"));
        }
        if let Some(p) = self.program {
            parts.push(format!("program={p}"));
        }
        if let Some(b) = self.batch {
            parts.push(format!("angkatan={b}"));
        }
        if let Some(k) = &self.kecamatan {
            parts.push(format!("kecamatan={k}"));
        }
        if let Some(g) = &self.gender {
            parts.push(format!("jk={g}"));
        }
        parts.join("&")
    }

    /// This filter narrowed to one group of a breakdown (its key as `db::outcomes` gives it).
    pub fn narrowed(&self, dimension: Dimension, key: &str) -> Filter {
        let mut f = self.clone();
        let id = key.parse::<i64>().ok();
        match dimension {
            Dimension::Year => f.year = id,
            Dimension::Trade => f.trade = id,
            Dimension::Program => f.program = id,
            Dimension::Batch => f.batch = id,
            Dimension::Kecamatan => f.kecamatan = (!key.is_empty()).then(|| key.to_owned()),
            Dimension::Gender => f.gender = Some(key.to_owned()),
        }
        f
    }
}

/// What a figure breaks down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Year,
    Trade,
    Program,
    Batch,
    Kecamatan,
    Gender,
}

impl Dimension {
    pub const ALL: [Dimension; 6] = [
        Dimension::Year,
        Dimension::Trade,
        Dimension::Program,
        Dimension::Batch,
        Dimension::Kecamatan,
        Dimension::Gender,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Dimension::Year => "tahun",
            Dimension::Trade => "kejuruan",
            Dimension::Program => "program",
            Dimension::Batch => "angkatan",
            Dimension::Kecamatan => "kecamatan",
            Dimension::Gender => "jk",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Dimension::Year => "Tahun",
            Dimension::Trade => "Kejuruan",
            Dimension::Program => "Program",
            Dimension::Batch => "Angkatan",
            Dimension::Kecamatan => "Kecamatan",
            Dimension::Gender => "Jenis kelamin",
        }
    }

    pub fn from_slug(s: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.slug() == s)
    }
}

/// The people or records behind one number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measure {
    Trained,
    Completed,
    Certified,
    Alumni,
    Storefront,
    Paid,
    RevenuePublic,
    RevenueOffice,
    CapitalApplied,
    CapitalApproved,
    CapitalDisbursed,
    Invited(i64),
    Responded(i64),
    WorksInTrade(i64),
    EarnsUmk(i64),
    PlatformPaid(i64),
    Obstacle(String),
}

impl Measure {
    /// `ukuran` with, for the tracer, `gelombang` (the wave) or `hambatan` (the obstacle key).
    pub fn parse(ukuran: &str, wave: Option<i64>, obstacle: Option<&str>) -> Option<Measure> {
        let w = wave.filter(|w| (1..=120).contains(w));
        Some(match ukuran {
            "dilatih" => Measure::Trained,
            "lulus" => Measure::Completed,
            "kompeten" => Measure::Certified,
            "alumni" => Measure::Alumni,
            "etalase" => Measure::Storefront,
            "dibayar" => Measure::Paid,
            "pendapatan_umum" => Measure::RevenuePublic,
            "pendapatan_opd" => Measure::RevenueOffice,
            "modal_diajukan" => Measure::CapitalApplied,
            "modal_disetujui" => Measure::CapitalApproved,
            "modal_dicairkan" => Measure::CapitalDisbursed,
            "diundang" => Measure::Invited(w?),
            "menjawab" => Measure::Responded(w?),
            "sesuai_kejuruan" => Measure::WorksInTrade(w?),
            "umk" => Measure::EarnsUmk(w?),
            "bukti_platform" => Measure::PlatformPaid(w?),
            "hambatan" => {
                let o = obstacle?.trim();
                if o.is_empty()
                    || o.len() > 40
                    || !o.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    return None;
                }
                Measure::Obstacle(o.to_owned())
            }
            _ => return None,
        })
    }

    /// The query parameters naming this measure (no leading `&`).
    pub fn query(&self) -> String {
        let (slug, extra) = match self {
            Measure::Trained => ("dilatih", String::new()),
            Measure::Completed => ("lulus", String::new()),
            Measure::Certified => ("kompeten", String::new()),
            Measure::Alumni => ("alumni", String::new()),
            Measure::Storefront => ("etalase", String::new()),
            Measure::Paid => ("dibayar", String::new()),
            Measure::RevenuePublic => ("pendapatan_umum", String::new()),
            Measure::RevenueOffice => ("pendapatan_opd", String::new()),
            Measure::CapitalApplied => ("modal_diajukan", String::new()),
            Measure::CapitalApproved => ("modal_disetujui", String::new()),
            Measure::CapitalDisbursed => ("modal_dicairkan", String::new()),
            Measure::Invited(w) => ("diundang", format!("&gelombang={w}")),
            Measure::Responded(w) => ("menjawab", format!("&gelombang={w}")),
            Measure::WorksInTrade(w) => ("sesuai_kejuruan", format!("&gelombang={w}")),
            Measure::EarnsUmk(w) => ("umk", format!("&gelombang={w}")),
            Measure::PlatformPaid(w) => ("bukti_platform", format!("&gelombang={w}")),
            Measure::Obstacle(o) => ("hambatan", format!("&hambatan={o}")),
        };
        format!("ukuran={slug}{extra}")
    }

    /// What the list shows, in Indonesian.
    pub fn label(&self) -> String {
        match self {
            Measure::Trained => "Peserta pelatihan".into(),
            Measure::Completed => "Lulus pelatihan".into(),
            Measure::Certified => "Kompeten (bersertifikat)".into(),
            Measure::Alumni => "Alumni".into(),
            Measure::Storefront => "Alumni dengan etalase aktif".into(),
            Measure::Paid => "Alumni dengan minimal satu pesanan dibayar".into(),
            Measure::RevenuePublic => "Pendapatan dari pembeli umum".into(),
            Measure::RevenueOffice => "Pendapatan dari OPD".into(),
            Measure::CapitalApplied => "Pengajuan modal".into(),
            Measure::CapitalApproved => "Pengajuan modal disetujui".into(),
            Measure::CapitalDisbursed => "Pengajuan modal dicairkan".into(),
            Measure::Invited(w) => format!("Diundang tracer bulan ke-{w}"),
            Measure::Responded(w) => format!("Menjawab tracer bulan ke-{w}"),
            Measure::WorksInTrade(w) => {
                format!("Bekerja/berusaha sesuai kejuruan (tracer bulan ke-{w})")
            }
            Measure::EarnsUmk(w) => format!("Berpenghasilan minimal UMK (tracer bulan ke-{w})"),
            Measure::PlatformPaid(w) => {
                format!("Diundang bulan ke-{w} dan pernah dibayar melalui Karya")
            }
            Measure::Obstacle(o) => format!("Hambatan: {}", obstacle_label(o)),
        }
    }
}

/// The counts of one group (or of everyone the filter selects).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub trained: i64,
    pub completed: i64,
    pub certified: i64,
    /// Distinct people among the participations.
    pub alumni: i64,
    pub storefront: i64,
    pub paid: i64,
    pub revenue_public: i64,
    pub revenue_office: i64,
    pub capital_applied: i64,
    pub capital_applied_amount: i64,
    pub capital_approved: i64,
    pub capital_approved_amount: i64,
    pub capital_disbursed: i64,
    pub capital_disbursed_amount: i64,
}

/// One wave of the tracer study for a group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wave {
    /// Months after the batch ended.
    pub wave: i64,
    pub invited: i64,
    pub responded: i64,
    pub works_in_trade: i64,
    pub earns_umk: i64,
    /// Invited completers with at least one paid order through Karya (ever).
    pub platform_paid: i64,
}

/// One group of a breakdown: its key (an id, a code, a year or `L`/`P`) and its name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Group {
    pub key: String,
    pub label: String,
    pub counts: Counts,
    pub waves: Vec<Wave>,
}

/// Office spending with alumni against the 40% rule, from `db::gov_stats::year_report`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfficeSpending {
    pub fiscal_year: i64,
    pub budget: i64,
    pub contracted: i64,
    pub paid: i64,
}

impl OfficeSpending {
    /// Contracted value as tenths of a percent of the declared budgets (`None`: no budget).
    pub fn share_permille(&self) -> Option<i64> {
        permille(self.contracted, self.budget)
    }
}

/// Everything the dashboard, the PDF and the XLSX show, from one filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcomes {
    pub filter: Filter,
    pub totals: Counts,
    /// Every configured wave (and any other wave with invitations), ascending.
    pub waves: Vec<Wave>,
    /// (obstacle key, answers naming it), most named first.
    pub obstacles: Vec<(String, i64)>,
    pub office: OfficeSpending,
    /// Per year, for the trend (always computed).
    pub by_year: Vec<Group>,
    /// The breakdowns asked for, in the order asked.
    pub breakdowns: Vec<(Dimension, Vec<Group>)>,
}

/// `n` of `d` in tenths of a percent, rounded half up (`None` when `d` is zero).
pub fn permille(n: i64, d: i64) -> Option<i64> {
    (d > 0).then(|| {
        let v = i128::from(n) * 1000 + i128::from(d) / 2;
        i64::try_from(v / i128::from(d)).unwrap_or(i64::MAX)
    })
}

/// A share as Indonesians write it: `62,5%`; `–` when there is nothing to divide by.
pub fn percent(n: i64, d: i64) -> String {
    match permille(n, d) {
        Some(p) => format!("{},{}%", p / 10, p % 10),
        None => "–".into(),
    }
}

/// The obstacle's name on screen (`izin_usaha` → "Izin usaha"); unknown keys as stored.
pub fn obstacle_label(key: &str) -> String {
    match key {
        "pemasaran" => "Pemasaran".into(),
        "modal" => "Modal".into(),
        "alat" => "Alat".into(),
        "bahan" => "Bahan".into(),
        "izin_usaha" => "Izin usaha".into(),
        "lainnya" => "Lainnya".into(),
        other => other.replace('_', " "),
    }
}

/// `L`/`P` as words.
pub fn gender_label(code: &str) -> &'static str {
    match code {
        "L" => "Laki-laki",
        "P" => "Perempuan",
        _ => "Tidak diketahui",
    }
}

/// The configured waves (`tracer_settings.waves`, e.g. `1,3,6,12`); the default when unset or
/// unreadable.
pub fn waves_setting(value: Option<&str>) -> Vec<i64> {
    let parsed: Option<Vec<i64>> = value.map(|v| {
        v.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<i64>().ok().filter(|w| (1..=120).contains(w)))
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default()
    });
    match parsed {
        Some(mut w) if !w.is_empty() => {
            w.sort_unstable();
            w.dedup();
            w
        }
        _ => vec![1, 3, 6, 12],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_round_trips_and_refuses_junk() {
        let f = Filter::from_pairs([
            ("tahun", "2026"),
            ("kejuruan", "3"),
            ("kecamatan", "15.07.01"),
            ("jk", "P"),
            ("angkatan", "x"),
        ]);
        assert_eq!(f.query(), "tahun=2026&kejuruan=3&kecamatan=15.07.01&jk=P");
        let bad = Filter::from_pairs([("tahun", "99"), ("jk", "X"), ("kecamatan", "<a>")]);
        assert_eq!(bad, Filter::default());
        assert_eq!(
            f.narrowed(Dimension::Batch, "7").query(),
            "tahun=2026&kejuruan=3&angkatan=7&kecamatan=15.07.01&jk=P"
        );
    }

    #[test]
    fn measures_round_trip() {
        for m in [
            Measure::Trained,
            Measure::CapitalApproved,
            Measure::WorksInTrade(6),
            Measure::Obstacle("izin_usaha".into()),
        ] {
            let q = m.query();
            let pairs: Vec<(&str, &str)> = q.split('&').filter_map(|p| p.split_once('=')).collect();
            let get = |k: &str| pairs.iter().find(|(a, _)| *a == k).map(|(_, v)| *v);
            let back = Measure::parse(
                get("ukuran").unwrap(),
                get("gelombang").and_then(|w| w.parse().ok()),
                get("hambatan"),
            );
            assert_eq!(back, Some(m));
        }
        assert_eq!(Measure::parse("menjawab", None, None), None);
        assert_eq!(Measure::parse("hambatan", None, Some("a b")), None);
    }

    #[test]
    fn shares_round_half_up() {
        assert_eq!(percent(2, 3), "66,7%");
        assert_eq!(percent(1, 8), "12,5%");
        assert_eq!(percent(0, 0), "–");
        assert_eq!(percent(5, 5), "100,0%");
    }

    #[test]
    fn waves_setting_falls_back() {
        assert_eq!(waves_setting(Some("6, 1,12")), vec![1, 6, 12]);
        assert_eq!(waves_setting(Some("x")), vec![1, 3, 6, 12]);
        assert_eq!(waves_setting(None), vec![1, 3, 6, 12]);
    }
}
