//! Fair rotation: which alumni businesses Karya proposes for an office (OPD) service request,
//! in which order, and why — pure rules, no SQL or HTTP. The server and `karya simulate
//! rotation` call the same [`eligibility`] and [`rank`].
//!
//! Eligibility is a list of separate rules ([`Exclusion`]). Among the eligible, each business
//! gets a score in points (all weights are admin settings, [`RotationSettings`]):
//!
//! - **waiting**: `weight_wait_day` points per whole day since its last office job (or since it
//!   became eligible, e.g. verified, if it never had one), counted up to `wait_cap_days`;
//! - **value this year**: minus `weight_value` points for every 1% of the average office value
//!   the businesses qualifying for this request received this fiscal year (a business that
//!   received exactly the average loses `100 × weight_value`). Relative to the candidates, not in
//!   Rupiah, so the rule weighs the same in cheap trades (snack boxes) and dear ones (tailoring
//!   uniforms), and a small lead in quality or distance gives a proportionate, not a growing,
//!   advantage over the year;
//! - **same kecamatan**: `weight_same_kecamatan` points when the business lives in the
//!   request's kecamatan;
//! - **rating**: `weight_rating` points per 0,1 of average rating above the quality floor, once
//!   the business has `floor_min_reviews` reviews (before that it counts as at the floor).
//!
//! Highest score first; ties by business id so the order is deterministic.

use std::collections::BTreeMap;

use super::SettingField;
use crate::domain::rupiah::Rupiah;

/// The admin's rotation settings (keys `rotation.*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationSettings {
    /// Points per whole day waited since the last office job.
    pub weight_wait_day: i64,
    /// Days of waiting beyond this add no more points.
    pub wait_cap_days: i64,
    /// Points lost per 1% of the candidates' average office value this year.
    pub weight_value: i64,
    /// Points for living in the request's kecamatan.
    pub weight_same_kecamatan: i64,
    /// Points per 0,1 of rating above the floor.
    pub weight_rating: i64,
    /// Minimum average rating ×10 (35 = 3,5).
    pub rating_floor_tenths: i64,
    /// The floor applies once a business has this many ratings.
    pub floor_min_reviews: i64,
    /// How many top proposals the office sees.
    pub proposals_shown: i64,
}

impl Default for RotationSettings {
    fn default() -> Self {
        RotationSettings {
            weight_wait_day: 1,
            wait_cap_days: 60,
            weight_value: 2,
            weight_same_kecamatan: 10,
            weight_rating: 3,
            rating_floor_tenths: 35,
            floor_min_reviews: 3,
            proposals_shown: 5,
        }
    }
}

/// (key, smallest, largest) accepted value.
const RANGES: [(&str, i64, i64); 8] = [
    ("rotation.weight_wait_day", 0, 1000),
    ("rotation.wait_cap_days", 1, 3650),
    ("rotation.weight_value", 0, 100),
    ("rotation.weight_same_kecamatan", 0, 10_000),
    ("rotation.weight_rating", 0, 1000),
    ("rotation.rating_floor_tenths", 0, 50),
    ("rotation.floor_min_reviews", 1, 1000),
    ("rotation.proposals_shown", 1, 50),
];

impl RotationSettings {
    /// Every key with its Indonesian label and help text.
    pub const FIELDS: &'static [SettingField] = &[
        SettingField {
            key: "rotation.weight_wait_day",
            label: "Bobot lama menunggu (poin per hari)",
            help: "Setiap hari sejak pekerjaan OPD terakhir menambah poin sebanyak ini; bagi usaha \
                   yang belum pernah mendapat pekerjaan OPD, dihitung sejak usaha itu memenuhi \
                   syarat (misalnya sejak terverifikasi). Makin besar, makin cepat giliran \
                   berpindah kepada yang sudah lama menunggu.",
        },
        SettingField {
            key: "rotation.wait_cap_days",
            label: "Batas hari menunggu yang dihitung",
            help: "Hari menunggu di atas batas ini tidak menambah poin lagi, supaya usaha yang \
                   lama menunggu tidak selamanya mendahului yang lain hanya karena tanggal.",
        },
        SettingField {
            key: "rotation.weight_value",
            label: "Bobot nilai pekerjaan OPD tahun ini",
            help: "Poin dikurangi sebanyak ini untuk setiap 1% dari rata-rata nilai pekerjaan OPD \
                   yang diterima para calon untuk permintaan yang sama pada tahun anggaran \
                   berjalan; yang menerima tepat sebesar rata-rata kehilangan 100 kali bobot ini. \
                   Usaha yang sudah menerima banyak turun ke belakang, yang belum \
                   menerima naik ke depan, sehingga nilai pekerjaan terbagi merata. Dihitung \
                   terhadap rata-rata, bukan rupiah, agar adil baik untuk kejuruan yang murah \
                   (kotak kudapan) maupun yang mahal (seragam).",
        },
        SettingField {
            key: "rotation.weight_same_kecamatan",
            label: "Bobot kecamatan sendiri",
            help: "Poin tambahan bila usaha berdomisili di kecamatan tempat pekerjaan, agar \
                   pekerjaan dekat lebih dulu ditawarkan kepada warga setempat dan ongkos \
                   perjalanan kecil.",
        },
        SettingField {
            key: "rotation.weight_rating",
            label: "Bobot rating (poin per 0,1 di atas batas mutu)",
            help: "Setiap 0,1 rating rata-rata di atas batas mutu menambah poin sebanyak ini. \
                   Usaha yang ulasannya belum cukup dianggap tepat di batas mutu. Bobot kecil \
                   menjaga mutu tanpa membuat pekerjaan menumpuk pada segelintir usaha.",
        },
        SettingField {
            key: "rotation.rating_floor_tenths",
            label: "Batas mutu (rating minimum × 10)",
            help: "Usaha dengan rating rata-rata di bawah batas ini tidak diusulkan; 35 berarti \
                   3,5. Usaha yang dikecualikan dapat mengajukan keberatan dengan catatan, dan \
                   dinas menjawabnya.",
        },
        SettingField {
            key: "rotation.floor_min_reviews",
            label: "Jumlah ulasan sebelum batas mutu berlaku",
            help: "Batas mutu baru berlaku setelah usaha mendapat sekian ulasan, agar usaha baru \
                   tetap mendapat kesempatan dan satu ulasan buruk tidak langsung menutup jalan.",
        },
        SettingField {
            key: "rotation.proposals_shown",
            label: "Jumlah usulan yang ditampilkan",
            help: "Banyaknya usaha teratas yang ditampilkan kepada OPD untuk dipilih. Memilih \
                   selain urutan pertama wajib disertai alasan yang dicatat.",
        },
    ];

    /// Build from stored pairs; missing keys take the default.
    pub fn from_pairs(pairs: &BTreeMap<String, String>) -> Result<Self, Vec<(String, String)>> {
        let mut s = RotationSettings::default();
        let mut errors = Vec::new();
        for (key, min, max) in RANGES {
            let Some(raw) = pairs.get(key) else { continue };
            match raw.trim().parse::<i64>() {
                Ok(v) if (min..=max).contains(&v) => *s.slot(key) = v,
                Ok(_) => errors.push((
                    key.to_string(),
                    format!("Isi bilangan bulat antara {min} dan {max}."),
                )),
                Err(_) => errors.push((
                    key.to_string(),
                    "Isi dengan bilangan bulat tanpa titik atau koma.".to_string(),
                )),
            }
        }
        if errors.is_empty() {
            Ok(s)
        } else {
            Err(errors)
        }
    }

    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut s = self.clone();
        RANGES
            .iter()
            .map(|(key, _, _)| (*key, s.slot(key).to_string()))
            .collect()
    }

    fn slot(&mut self, key: &str) -> &mut i64 {
        match key {
            "rotation.weight_wait_day" => &mut self.weight_wait_day,
            "rotation.wait_cap_days" => &mut self.wait_cap_days,
            "rotation.weight_value" => &mut self.weight_value,
            "rotation.weight_same_kecamatan" => &mut self.weight_same_kecamatan,
            "rotation.weight_rating" => &mut self.weight_rating,
            "rotation.rating_floor_tenths" => &mut self.rating_floor_tenths,
            "rotation.floor_min_reviews" => &mut self.floor_min_reviews,
            "rotation.proposals_shown" => &mut self.proposals_shown,
            other => unreachable!("unknown rotation key {other}"),
        }
    }
}

/// One alumni business as the rotation sees it for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub business_id: i64,
    pub name: String,
    /// Kecamatan code where the business lives.
    pub home_kecamatan: String,
    pub verified: bool,
    /// Holds a certificate in the request's trade.
    pub certified: bool,
    pub active: bool,
    pub serves_kecamatan: bool,
    pub open_jobs: i64,
    pub capacity: i64,
    pub open_dispute_with_office: bool,
    /// Average rating ×10; `None` = no ratings.
    pub rating_tenths: Option<i64>,
    pub rating_count: i64,
    /// Unix seconds of the last office job.
    pub last_office_job_at: Option<i64>,
    /// Unix seconds; the wait of a business never given office work counts from here.
    pub eligible_since: i64,
    /// Rupiah of office work received this fiscal year.
    pub value_this_year: i64,
}

/// What the rotation needs to know about the request.
#[derive(Debug, Clone, Copy)]
pub struct RequestFacts<'a> {
    pub kecamatan_code: &'a str,
    pub kecamatan_name: &'a str,
    /// Unix seconds.
    pub now: i64,
    /// Businesses that declined, let the offer expire or were rejected for this request.
    pub already_asked: &'a [i64],
}

/// Why a business is not proposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exclusion {
    NotVerified,
    NotCertified,
    Inactive,
    NotServing {
        kecamatan_name: String,
    },
    AtCapacity {
        open_jobs: i64,
        capacity: i64,
    },
    OpenDispute,
    BelowFloor {
        rating_tenths: i64,
        count: i64,
        floor_tenths: i64,
    },
    AlreadyAsked,
}

impl Exclusion {
    /// Plain Indonesian, for the office and the agency.
    pub fn text(&self) -> String {
        match self {
            Exclusion::NotVerified => "belum terverifikasi".into(),
            Exclusion::NotCertified => "tidak memegang sertifikat kejuruan ini".into(),
            Exclusion::Inactive => "usaha sedang tidak aktif".into(),
            Exclusion::NotServing { kecamatan_name } => {
                format!("tidak melayani Kec. {kecamatan_name}")
            }
            Exclusion::AtCapacity {
                open_jobs,
                capacity,
            } => format!("sedang mengerjakan {open_jobs} pekerjaan OPD (kapasitas {capacity})"),
            Exclusion::OpenDispute => "ada sengketa terbuka dengan kantor ini".into(),
            Exclusion::BelowFloor {
                rating_tenths,
                count,
                floor_tenths,
            } => format!(
                "rating {} di bawah batas {} ({count} ulasan)",
                tenths(*rating_tenths),
                tenths(*floor_tenths)
            ),
            Exclusion::AlreadyAsked => {
                "sudah ditawari untuk permintaan ini (menolak, tidak menjawab, atau tidak dipilih)"
                    .into()
            }
        }
    }
}

/// `48` → `4,8`
fn tenths(t: i64) -> String {
    format!("{},{}", t / 10, (t % 10).abs())
}

/// Every rule the business fails, in a fixed order (empty = eligible).
pub fn exclusions(c: &Candidate, req: &RequestFacts, s: &RotationSettings) -> Vec<Exclusion> {
    let mut out = Vec::new();
    if !c.verified {
        out.push(Exclusion::NotVerified);
    }
    if !c.certified {
        out.push(Exclusion::NotCertified);
    }
    if !c.active {
        out.push(Exclusion::Inactive);
    }
    if !c.serves_kecamatan {
        out.push(Exclusion::NotServing {
            kecamatan_name: req.kecamatan_name.to_string(),
        });
    }
    if c.open_jobs >= c.capacity {
        out.push(Exclusion::AtCapacity {
            open_jobs: c.open_jobs,
            capacity: c.capacity,
        });
    }
    if c.open_dispute_with_office {
        out.push(Exclusion::OpenDispute);
    }
    if let Some(r) = c.rating_tenths
        && c.rating_count >= s.floor_min_reviews
        && r < s.rating_floor_tenths
    {
        out.push(Exclusion::BelowFloor {
            rating_tenths: r,
            count: c.rating_count,
            floor_tenths: s.rating_floor_tenths,
        });
    }
    if req.already_asked.contains(&c.business_id) {
        out.push(Exclusion::AlreadyAsked);
    }
    out
}

/// `Ok` when the business may be proposed; otherwise the first rule it fails.
pub fn eligibility(
    c: &Candidate,
    req: &RequestFacts,
    s: &RotationSettings,
) -> Result<(), Exclusion> {
    match exclusions(c, req, s).into_iter().next() {
        None => Ok(()),
        Some(e) => Err(e),
    }
}

/// One proposed business, with the reasons in plain Indonesian.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub business_id: i64,
    /// 1-based.
    pub rank: usize,
    pub score: i64,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ranking {
    /// All eligible businesses, best first.
    pub proposals: Vec<Proposal>,
    pub excluded: Vec<(i64, Exclusion)>,
}

impl Ranking {
    /// The proposals the office is shown.
    pub fn shown(&self, s: &RotationSettings) -> &[Proposal] {
        let n = usize::try_from(s.proposals_shown).unwrap_or(1);
        &self.proposals[..n.min(self.proposals.len())]
    }
}

const DAY: i64 = 86_400;

/// Whole days since the last office job (or since eligible), never negative.
fn waited_days(c: &Candidate, now: i64) -> i64 {
    (now - c.last_office_job_at.unwrap_or(c.eligible_since)).max(0) / DAY
}

/// The score of one eligible business; `mean_value` is the average office value this year of
/// the businesses that qualify for the request (see [`rank`]).
pub fn score(c: &Candidate, req: &RequestFacts, s: &RotationSettings, mean_value: i64) -> i64 {
    let wait = s.weight_wait_day * waited_days(c, req.now).min(s.wait_cap_days);
    let value = if mean_value > 0 {
        // Percent of the mean, in i128 so large yearly sums cannot overflow.
        let percent = i128::from(c.value_this_year.max(0)) * 100 / i128::from(mean_value);
        i64::try_from(percent * i128::from(s.weight_value)).unwrap_or(i64::MAX / 4)
    } else {
        0
    };
    let local = if c.home_kecamatan == req.kecamatan_code {
        s.weight_same_kecamatan
    } else {
        0
    };
    let rating = match c.rating_tenths {
        Some(r) if c.rating_count >= s.floor_min_reviews => {
            s.weight_rating * (r - s.rating_floor_tenths).max(0)
        }
        _ => 0,
    };
    wait - value + local + rating
}

/// The reasons shown with a proposal.
pub fn reasons(c: &Candidate, req: &RequestFacts) -> Vec<String> {
    let wait = match c.last_office_job_at {
        None => "belum pernah mendapat pekerjaan OPD".to_string(),
        Some(_) => match waited_days(c, req.now) {
            0 => "mendapat pekerjaan OPD terakhir hari ini".to_string(),
            d => format!("belum mendapat pekerjaan OPD selama {d} hari"),
        },
    };
    let value = if c.value_this_year > 0 {
        let rp = Rupiah::new(c.value_this_year).unwrap_or_default();
        format!("menerima {rp} dari OPD tahun ini")
    } else {
        "belum menerima nilai pekerjaan OPD tahun ini".to_string()
    };
    let place = if c.home_kecamatan == req.kecamatan_code {
        format!("berdomisili di Kec. {}", req.kecamatan_name)
    } else {
        format!("melayani Kec. {}", req.kecamatan_name)
    };
    let rating = match c.rating_tenths {
        Some(r) if c.rating_count > 0 => {
            format!("rating {} dari {} ulasan", tenths(r), c.rating_count)
        }
        _ => "belum ada ulasan".to_string(),
    };
    vec![wait, value, place, rating]
}

/// Every eligible business, best first, and every excluded one with the first rule it fails.
///
/// The average value the value rule compares with is taken over every business that qualifies
/// for the request, including those already asked, so a decline only removes the one who
/// declined and leaves the order of the others as it was.
pub fn rank(cands: &[Candidate], req: &RequestFacts, s: &RotationSettings) -> Ranking {
    let mut eligible = Vec::new();
    let mut excluded = Vec::new();
    let (mut pool_total, mut pool_len) = (0i128, 0i128);
    for c in cands {
        let rules = exclusions(c, req, s);
        if rules.iter().all(|e| *e == Exclusion::AlreadyAsked) {
            pool_total += i128::from(c.value_this_year.max(0));
            pool_len += 1;
        }
        match rules.into_iter().next() {
            None => eligible.push(c),
            Some(e) => excluded.push((c.business_id, e)),
        }
    }
    let mean_value = if pool_len == 0 {
        0
    } else {
        i64::try_from(pool_total / pool_len).unwrap_or(i64::MAX)
    };
    let mut scored: Vec<(i64, &Candidate)> = eligible
        .into_iter()
        .map(|c| (score(c, req, s, mean_value), c))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.business_id.cmp(&b.1.business_id)));
    let proposals = scored
        .into_iter()
        .enumerate()
        .map(|(i, (score, c))| Proposal {
            business_id: c.business_id,
            rank: i + 1,
            score,
            reasons: reasons(c, req),
        })
        .collect();
    Ranking {
        proposals,
        excluded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{RngExt, SeedableRng};

    const NOW: i64 = 1_780_000_000;
    const KEC: [&str; 3] = ["15.07.07", "15.07.10", "15.07.01"];

    fn facts<'a>(asked: &'a [i64]) -> RequestFacts<'a> {
        RequestFacts {
            kecamatan_code: "15.07.10",
            kecamatan_name: "Geragai",
            now: NOW,
            already_asked: asked,
        }
    }

    /// An eligible candidate with random facts.
    fn candidate(rng: &mut StdRng, id: i64, s: &RotationSettings) -> Candidate {
        let capacity = rng.random_range(1..4);
        let (rating_tenths, rating_count) = match rng.random_range(0..3) {
            0 => (None, 0),
            // Few reviews: any rating, the floor does not apply yet.
            1 if s.floor_min_reviews > 1 => (
                Some(rng.random_range(10..=50)),
                rng.random_range(1..s.floor_min_reviews),
            ),
            _ => (
                Some(rng.random_range(s.rating_floor_tenths..=50)),
                rng.random_range(s.floor_min_reviews..40),
            ),
        };
        Candidate {
            business_id: id,
            name: format!("Usaha {id}"),
            home_kecamatan: KEC[rng.random_range(0..KEC.len())].to_string(),
            verified: true,
            certified: true,
            active: true,
            serves_kecamatan: true,
            open_jobs: rng.random_range(0..capacity),
            capacity,
            open_dispute_with_office: false,
            rating_tenths,
            rating_count,
            last_office_job_at: if rng.random_bool(0.3) {
                None
            } else {
                Some(NOW - rng.random_range(0..200 * DAY))
            },
            eligible_since: NOW - rng.random_range(0..3 * 365 * DAY),
            value_this_year: if rng.random_bool(0.2) {
                0
            } else {
                rng.random_range(0..50_000_000)
            },
        }
    }

    /// Default settings half the time, random admin choices otherwise.
    fn settings(rng: &mut StdRng) -> RotationSettings {
        if rng.random_bool(0.5) {
            return RotationSettings::default();
        }
        RotationSettings {
            weight_wait_day: rng.random_range(1..10),
            wait_cap_days: rng.random_range(1..400),
            weight_value: rng.random_range(0..50),
            weight_same_kecamatan: rng.random_range(0..100),
            weight_rating: rng.random_range(0..20),
            rating_floor_tenths: rng.random_range(20..45),
            floor_min_reviews: rng.random_range(1..10),
            proposals_shown: rng.random_range(1..10),
        }
    }

    /// A random set of eligible candidates with distinct ids (not in order).
    fn world(rng: &mut StdRng, s: &RotationSettings) -> Vec<Candidate> {
        let n = rng.random_range(1..40);
        let mut ids: Vec<i64> = (1..=200).collect();
        for i in (1..ids.len()).rev() {
            ids.swap(i, rng.random_range(0..=i));
        }
        ids[..n].iter().map(|&id| candidate(rng, id, s)).collect()
    }

    fn position(r: &Ranking, id: i64) -> Option<usize> {
        r.proposals.iter().position(|p| p.business_id == id)
    }

    #[test]
    fn rotation_generated_candidates_are_eligible() {
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..200 {
            let s = settings(&mut rng);
            let cands = world(&mut rng, &s);
            let r = rank(&cands, &facts(&[]), &s);
            assert_eq!(r.proposals.len(), cands.len());
            assert!(r.excluded.is_empty());
            let ranks: Vec<usize> = r.proposals.iter().map(|p| p.rank).collect();
            assert_eq!(ranks, (1..=cands.len()).collect::<Vec<_>>());
            assert!(r.proposals.windows(2).all(|w| w[0].score > w[1].score
                || (w[0].score == w[1].score && w[0].business_id < w[1].business_id)));
        }
    }

    /// (a) A provider who just got work does not come first again while an equally eligible
    /// one, same facts otherwise, has waited longer.
    #[test]
    fn rotation_property_just_served_does_not_come_first_again() {
        for seed in [11, 12, 13] {
            let mut rng = StdRng::seed_from_u64(seed);
            for _ in 0..500 {
                let s = settings(&mut rng);
                let mut cands = world(&mut rng, &s);
                let k = rng.random_range(0..cands.len());
                // The one who waited: at least a day since the last job, or never had one.
                if rng.random_bool(0.5) {
                    cands[k].last_office_job_at = None;
                    cands[k].eligible_since = NOW - rng.random_range(DAY..400 * DAY);
                } else {
                    cands[k].last_office_job_at = Some(NOW - rng.random_range(DAY..400 * DAY));
                }
                let waited = cands[k].clone();
                // Its twin just got a job: same facts, work within the last hour, and that job's
                // value on top.
                let mut served = waited.clone();
                served.business_id = 1000 + rng.random_range(-999..1000);
                if served.business_id == waited.business_id
                    || cands.iter().any(|c| c.business_id == served.business_id)
                {
                    continue;
                }
                served.last_office_job_at = Some(NOW - rng.random_range(0..3600));
                served.value_this_year += rng.random_range(0..5_000_000);
                cands.insert(rng.random_range(0..=cands.len()), served.clone());
                let r = rank(&cands, &facts(&[]), &s);
                let (pw, ps) = (
                    position(&r, waited.business_id).expect("waited proposed"),
                    position(&r, served.business_id).expect("served proposed"),
                );
                assert!(
                    pw < ps,
                    "just served {} ranked {} above {} who waited (settings {s:?})",
                    served.business_id,
                    ps + 1,
                    pw + 1
                );
                assert_ne!(r.proposals[0].business_id, served.business_id);
            }
        }
    }

    /// (b) Nobody below the floor with enough ratings is proposed; with too few ratings nobody
    /// is excluded by the floor.
    #[test]
    fn rotation_property_quality_floor_holds() {
        let mut rng = StdRng::seed_from_u64(21);
        let mut below_seen = 0;
        let mut few_low_seen = 0;
        for _ in 0..1000 {
            let s = settings(&mut rng);
            let mut cands = world(&mut rng, &s);
            for c in cands.iter_mut() {
                if rng.random_bool(0.4) {
                    c.rating_count = rng.random_range(0..s.floor_min_reviews * 2 + 1);
                    c.rating_tenths = (c.rating_count > 0).then(|| rng.random_range(10..=50));
                }
            }
            let r = rank(&cands, &facts(&[]), &s);
            for c in &cands {
                let low = c.rating_tenths.is_some_and(|t| t < s.rating_floor_tenths);
                let proposed = position(&r, c.business_id).is_some();
                if low && c.rating_count >= s.floor_min_reviews {
                    below_seen += 1;
                    assert!(!proposed, "{c:?} below the floor was proposed");
                    assert!(r.excluded.contains(&(
                        c.business_id,
                        Exclusion::BelowFloor {
                            rating_tenths: c.rating_tenths.unwrap_or_default(),
                            count: c.rating_count,
                            floor_tenths: s.rating_floor_tenths,
                        }
                    )));
                } else {
                    if low {
                        few_low_seen += 1;
                    }
                    assert!(proposed, "{c:?} excluded without reaching the floor rule");
                }
            }
        }
        assert!(
            below_seen > 100 && few_low_seen > 100,
            "{below_seen} {few_low_seen}"
        );
    }

    /// (c) Declines pass to the next: with the first proposal already asked, the new order is
    /// the old one without it.
    #[test]
    fn rotation_property_declines_pass_to_the_next() {
        let mut rng = StdRng::seed_from_u64(31);
        for _ in 0..1000 {
            let s = settings(&mut rng);
            let cands = world(&mut rng, &s);
            let before = rank(&cands, &facts(&[]), &s);
            let mut asked = Vec::new();
            let mut expected: Vec<(i64, i64)> = before
                .proposals
                .iter()
                .map(|p| (p.business_id, p.score))
                .collect();
            // Decline one after another, down to nobody left.
            while !expected.is_empty() {
                let first = expected.remove(0).0;
                asked.push(first);
                let after = rank(&cands, &facts(&asked), &s);
                let got: Vec<(i64, i64)> = after
                    .proposals
                    .iter()
                    .map(|p| (p.business_id, p.score))
                    .collect();
                assert_eq!(got, expected);
                assert_eq!(
                    after.proposals.first().map(|p| p.rank),
                    (!expected.is_empty()).then_some(1)
                );
                assert!(after.excluded.contains(&(first, Exclusion::AlreadyAsked)));
            }
        }
    }

    /// (d) Each eligibility rule alone: a candidate failing exactly that rule is excluded with
    /// that reason and nothing else changes.
    #[test]
    fn rotation_property_each_rule_alone() {
        let mut rng = StdRng::seed_from_u64(41);
        for case in 0..800 {
            let s = settings(&mut rng);
            let mut cands = world(&mut rng, &s);
            let k = rng.random_range(0..cands.len());
            let id = cands[k].business_id;
            let rule = case % 8;
            let mut asked = Vec::new();
            let c = &mut cands[k];
            let expected = match rule {
                0 => {
                    c.verified = false;
                    Exclusion::NotVerified
                }
                1 => {
                    c.certified = false;
                    Exclusion::NotCertified
                }
                2 => {
                    c.active = false;
                    Exclusion::Inactive
                }
                3 => {
                    c.serves_kecamatan = false;
                    Exclusion::NotServing {
                        kecamatan_name: "Geragai".into(),
                    }
                }
                4 => {
                    c.open_jobs = c.capacity + rng.random_range(0..3);
                    Exclusion::AtCapacity {
                        open_jobs: c.open_jobs,
                        capacity: c.capacity,
                    }
                }
                5 => {
                    c.open_dispute_with_office = true;
                    Exclusion::OpenDispute
                }
                6 => {
                    c.rating_count = s.floor_min_reviews + rng.random_range(0..20);
                    let t = rng.random_range(10..s.rating_floor_tenths);
                    c.rating_tenths = Some(t);
                    Exclusion::BelowFloor {
                        rating_tenths: t,
                        count: c.rating_count,
                        floor_tenths: s.rating_floor_tenths,
                    }
                }
                _ => {
                    asked.push(id);
                    Exclusion::AlreadyAsked
                }
            };
            let failing = cands[k].clone();
            let req = facts(&asked);
            assert_eq!(exclusions(&failing, &req, &s), vec![expected.clone()]);
            assert_eq!(eligibility(&failing, &req, &s), Err(expected.clone()));
            let r = rank(&cands, &req, &s);
            assert_eq!(r.excluded, vec![(id, expected)]);
            // Everybody else is ranked exactly as if the failing one were not there at all (for
            // an already asked one: as before, minus it).
            let others: Vec<Candidate> = cands
                .iter()
                .filter(|c| c.business_id != id)
                .cloned()
                .collect();
            let reference: Vec<(i64, i64)> = if rule == 7 {
                rank(&cands, &facts(&[]), &s)
                    .proposals
                    .iter()
                    .filter(|p| p.business_id != id)
                    .map(|p| (p.business_id, p.score))
                    .collect()
            } else {
                rank(&others, &req, &s)
                    .proposals
                    .iter()
                    .map(|p| (p.business_id, p.score))
                    .collect()
            };
            let got: Vec<(i64, i64)> = r
                .proposals
                .iter()
                .map(|p| (p.business_id, p.score))
                .collect();
            assert_eq!(got, reference, "rule {rule}");
        }
    }

    fn fixed(id: i64) -> Candidate {
        Candidate {
            business_id: id,
            name: format!("Usaha {id}"),
            home_kecamatan: "15.07.07".into(),
            verified: true,
            certified: true,
            active: true,
            serves_kecamatan: true,
            open_jobs: 0,
            capacity: 2,
            open_dispute_with_office: false,
            rating_tenths: Some(45),
            rating_count: 10,
            last_office_job_at: Some(NOW - 10 * DAY),
            eligible_since: NOW - 400 * DAY,
            value_this_year: 1_000_000,
        }
    }

    #[test]
    fn rotation_reason_texts() {
        let mut c = fixed(1);
        c.last_office_job_at = Some(NOW - 45 * DAY - 3600);
        c.value_this_year = 3_200_000;
        c.rating_tenths = Some(48);
        c.rating_count = 12;
        assert_eq!(
            reasons(&c, &facts(&[])),
            vec![
                "belum mendapat pekerjaan OPD selama 45 hari",
                "menerima Rp3.200.000 dari OPD tahun ini",
                "melayani Kec. Geragai",
                "rating 4,8 dari 12 ulasan",
            ]
        );
        c.last_office_job_at = None;
        c.value_this_year = 0;
        c.home_kecamatan = "15.07.10".into();
        c.rating_tenths = None;
        c.rating_count = 0;
        assert_eq!(
            reasons(&c, &facts(&[])),
            vec![
                "belum pernah mendapat pekerjaan OPD",
                "belum menerima nilai pekerjaan OPD tahun ini",
                "berdomisili di Kec. Geragai",
                "belum ada ulasan",
            ]
        );
        c.last_office_job_at = Some(NOW - 600);
        c.rating_tenths = Some(50);
        c.rating_count = 1;
        let r = reasons(&c, &facts(&[]));
        assert_eq!(r[0], "mendapat pekerjaan OPD terakhir hari ini");
        assert_eq!(r[3], "rating 5,0 dari 1 ulasan");
        // The ranking carries the same reasons.
        let ranking = rank(&[c.clone()], &facts(&[]), &RotationSettings::default());
        assert_eq!(ranking.proposals[0].reasons, r);
    }

    #[test]
    fn rotation_exclusion_texts() {
        let texts: Vec<String> = [
            Exclusion::NotVerified,
            Exclusion::NotCertified,
            Exclusion::Inactive,
            Exclusion::NotServing {
                kecamatan_name: "Geragai".into(),
            },
            Exclusion::AtCapacity {
                open_jobs: 3,
                capacity: 3,
            },
            Exclusion::OpenDispute,
            Exclusion::BelowFloor {
                rating_tenths: 31,
                count: 7,
                floor_tenths: 35,
            },
            Exclusion::AlreadyAsked,
        ]
        .iter()
        .map(Exclusion::text)
        .collect();
        assert_eq!(
            texts,
            vec![
                "belum terverifikasi",
                "tidak memegang sertifikat kejuruan ini",
                "usaha sedang tidak aktif",
                "tidak melayani Kec. Geragai",
                "sedang mengerjakan 3 pekerjaan OPD (kapasitas 3)",
                "ada sengketa terbuka dengan kantor ini",
                "rating 3,1 di bawah batas 3,5 (7 ulasan)",
                "sudah ditawari untuk permintaan ini (menolak, tidak menjawab, atau tidak dipilih)",
            ]
        );
    }

    #[test]
    fn rotation_score_parts() {
        let s = RotationSettings::default();
        let req = facts(&[]);
        // Waited 10 days, received exactly the mean, lives elsewhere, rating 4,5 over 10 reviews:
        // 10×1 − 100×2 + 0 + (45 − 35)×3.
        let c = fixed(1);
        assert_eq!(score(&c, &req, &s, 1_000_000), 10 - 200 + 30);
        // Twice the mean costs twice as much; nothing received yet costs nothing.
        assert_eq!(score(&c, &req, &s, 500_000), 10 - 400 + 30);
        let mut fresh = c.clone();
        fresh.value_this_year = 0;
        assert_eq!(score(&fresh, &req, &s, 1_000_000), 10 + 30);
        // Waiting counts up to the cap; living in the request's kecamatan adds its weight;
        // too few reviews count as the floor.
        let mut local = c.clone();
        local.last_office_job_at = Some(NOW - 500 * DAY);
        local.home_kecamatan = "15.07.10".into();
        local.rating_count = 2;
        assert_eq!(score(&local, &req, &s, 1_000_000), 60 - 200 + 10);
        // Ranked over these four (mean value 750.000, so 1.000.000 is 133% of it): the one who
        // received nothing (40), the long-waiting local whose rating does not count yet
        // (60 − 266 + 10), then the two equal ones (10 − 266 + 30) by id.
        local.business_id = 2;
        fresh.business_id = 3;
        let mut twin = c.clone();
        twin.business_id = 0;
        let r = rank(&[c, local, fresh, twin], &req, &s);
        let order: Vec<(i64, i64)> = r
            .proposals
            .iter()
            .map(|p| (p.business_id, p.score))
            .collect();
        assert_eq!(order, vec![(3, 40), (2, -196), (0, -226), (1, -226)]);
    }

    #[test]
    fn rotation_settings_pairs() {
        let d = RotationSettings::default();
        let pairs = d.to_pairs();
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| *k).collect();
        let field_keys: Vec<&str> = RotationSettings::FIELDS.iter().map(|f| f.key).collect();
        assert_eq!(keys, field_keys);
        assert!(
            RotationSettings::FIELDS
                .iter()
                .all(|f| f.key.starts_with("rotation.")
                    && !f.label.is_empty()
                    && f.help.len() > 40)
        );
        let stored: BTreeMap<String, String> =
            pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        assert_eq!(RotationSettings::from_pairs(&stored), Ok(d.clone()));
        assert_eq!(RotationSettings::from_pairs(&BTreeMap::new()), Ok(d));
        let mut changed = BTreeMap::new();
        changed.insert(
            "rotation.rating_floor_tenths".to_string(),
            " 40 ".to_string(),
        );
        changed.insert("rotation.proposals_shown".to_string(), "3".to_string());
        let s = RotationSettings::from_pairs(&changed).expect("valid");
        assert_eq!((s.rating_floor_tenths, s.proposals_shown), (40, 3));
        let mut bad = BTreeMap::new();
        bad.insert(
            "rotation.rating_floor_tenths".to_string(),
            "3,5".to_string(),
        );
        bad.insert("rotation.proposals_shown".to_string(), "0".to_string());
        let errors = RotationSettings::from_pairs(&bad).expect_err("invalid");
        assert_eq!(
            errors,
            vec![
                (
                    "rotation.rating_floor_tenths".to_string(),
                    "Isi dengan bilangan bulat tanpa titik atau koma.".to_string()
                ),
                (
                    "rotation.proposals_shown".to_string(),
                    "Isi bilangan bulat antara 1 dan 50.".to_string()
                ),
            ]
        );
    }

    #[test]
    fn rotation_shown_is_the_top_proposals() {
        let s = RotationSettings {
            proposals_shown: 2,
            ..RotationSettings::default()
        };
        let cands: Vec<Candidate> = (1..=4).map(fixed).collect();
        let r = rank(&cands, &facts(&[]), &s);
        let shown: Vec<i64> = r.shown(&s).iter().map(|p| p.business_id).collect();
        assert_eq!(shown, vec![1, 2]);
        assert_eq!(rank(&[], &facts(&[]), &s).shown(&s), &[]);
    }
}
