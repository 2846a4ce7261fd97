//! `karya simulate rotation`: one fiscal year of office service requests in a generated
//! Tanjung Jabung Timur, served by three policies on the same world and the same request stream:
//! Karya's rotation ([`crate::domain::procurement::rotation::rank`], the function the server
//! uses, with declines passing to the next), "highest rating wins" and "random eligible".
//!
//! The world (all drawn from the seed):
//! - alumni spread over the 11 kecamatan with the demo district's uneven weights (Muara Sabak
//!   Timur and Barat largest, Berbak smallest); each certified in one trade; serving the home
//!   kecamatan, each neighbouring kecamatan with probability 0.6, and the capital kecamatan Muara
//!   Sabak Barat (where most offices are) with probability 0.35 when it is not a neighbour;
//!   capacity 1–3 concurrent jobs; 95% verified, 97% active; verified some time in the last
//!   three years;
//! - trades: catering/snack boxes (most requests, cheap), AC service, motorcycle service,
//!   tailoring of uniforms (fewer, dear, long), electrical installation; the value of a request is
//!   quantity × unit price drawn per trade;
//! - true quality per alumnus (average stars, mostly 4–5, a tail below 3,5); each job is rated
//!   1–5 stars around it; some alumni have marketplace reviews before the year starts;
//! - acceptance: most alumni accept 85–98% of offers, some 60–85%, one in ten only 25–60%; half
//!   of the refusals are silence until the 24-hour deadline;
//! - requests through the year weighted towards the second half (budget realisation), 60% in the
//!   capital kecamatan and the rest by population.
//!
//! Per-decision randomness (does this alumnus accept this request, which stars does this job
//! get) is a hash of (seed, request, alumnus), so every policy faces the same behaviour.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt::{self, Write as _};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::domain::procurement::rotation::{self, Candidate, RequestFacts, RotationSettings};

const DAY: i64 = 86_400;
/// 2026-01-01 00:00 UTC.
const YEAR_START: i64 = 1_767_225_600;

/// (code, name, weight of alumni population and of requests outside the capital).
const KECAMATAN: [(&str, &str, u32); 11] = [
    ("15.07.01", "Muara Sabak Timur", 16),
    ("15.07.02", "Nipah Panjang", 11),
    ("15.07.03", "Mendahara", 9),
    ("15.07.04", "Rantau Rasau", 9),
    ("15.07.05", "Sadu", 6),
    ("15.07.06", "Dendang", 6),
    ("15.07.07", "Muara Sabak Barat", 14),
    ("15.07.08", "Kuala Jambi", 8),
    ("15.07.09", "Mendahara Ulu", 7),
    ("15.07.10", "Geragai", 9),
    ("15.07.11", "Berbak", 5),
];
/// Index of the capital kecamatan (Muara Sabak Barat) in [`KECAMATAN`].
const CAPITAL: usize = 6;
/// Neighbouring kecamatan (indices), an approximation of the district's roads and rivers.
const NEIGHBOURS: [&[usize]; 11] = [
    &[6, 7, 1, 3, 10], // Muara Sabak Timur
    &[0, 3, 4],        // Nipah Panjang
    &[7, 8, 9],        // Mendahara
    &[0, 1, 4, 10],    // Rantau Rasau
    &[1, 3],           // Sadu
    &[6, 9, 10],       // Dendang
    &[0, 7, 5, 9],     // Muara Sabak Barat
    &[6, 0, 2],        // Kuala Jambi
    &[2, 9],           // Mendahara Ulu
    &[8, 2, 5, 6],     // Geragai
    &[5, 3, 0],        // Berbak
];
/// Share of requests placed in the capital kecamatan, in percent.
const CAPITAL_REQUEST_PERCENT: u32 = 60;
/// Requests per month (January slow, the year-end rush).
const MONTH_WEIGHTS: [u32; 12] = [2, 5, 7, 8, 8, 9, 8, 9, 10, 10, 12, 12];
const MONTH_DAYS: [i64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

struct Trade {
    name: &'static str,
    /// Weight among requests.
    request_weight: u32,
    /// Weight among alumni.
    alumni_weight: u32,
    /// Quantity range (inclusive) and unit price range in Rupiah (inclusive).
    quantity: (i64, i64),
    unit_price: (i64, i64),
    /// Job length in days (inclusive).
    days: (i64, i64),
}

const TRADES: [Trade; 5] = [
    Trade {
        name: "Katering/kudapan",
        request_weight: 40,
        alumni_weight: 30,
        quantity: (20, 150),
        unit_price: (15_000, 35_000),
        days: (1, 1),
    },
    Trade {
        name: "Servis AC",
        request_weight: 25,
        alumni_weight: 20,
        quantity: (2, 20),
        unit_price: (75_000, 150_000),
        days: (1, 3),
    },
    Trade {
        name: "Servis sepeda motor",
        request_weight: 15,
        alumni_weight: 20,
        quantity: (1, 8),
        unit_price: (100_000, 400_000),
        days: (1, 3),
    },
    Trade {
        name: "Jahit seragam",
        request_weight: 10,
        alumni_weight: 20,
        quantity: (5, 40),
        unit_price: (150_000, 250_000),
        days: (7, 21),
    },
    Trade {
        name: "Instalasi listrik",
        request_weight: 10,
        alumni_weight: 10,
        quantity: (1, 10),
        unit_price: (250_000, 900_000),
        days: (2, 6),
    },
];

struct Alumnus {
    id: i64,
    home: usize,
    trade: usize,
    serves: [bool; 11],
    capacity: i64,
    verified: bool,
    active: bool,
    eligible_since: i64,
    /// Mean stars this alumnus's work earns.
    quality: f64,
    /// Probability of accepting an offer.
    accept: f64,
    /// Stars from the marketplace before the year.
    prior_stars: Vec<u8>,
}

struct Request {
    at: i64,
    kecamatan: usize,
    trade: usize,
    value: i64,
    days: i64,
}

struct World {
    alumni: Vec<Alumnus>,
    requests: Vec<Request>,
    seed: u64,
}

fn weighted(rng: &mut StdRng, weights: impl Iterator<Item = u32> + Clone) -> usize {
    let total: u32 = weights.clone().sum();
    let mut roll = rng.random_range(0..total);
    for (i, w) in weights.enumerate() {
        if roll < w {
            return i;
        }
        roll -= w;
    }
    0
}

/// A standard normal draw from two uniforms (Box–Muller).
fn normal(u1: f64, u2: f64) -> f64 {
    (-2.0 * u1.max(1e-12).ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn stars(quality: f64, z: f64) -> u8 {
    (quality + 0.6 * z).round().clamp(1.0, 5.0) as u8
}

/// SplitMix64: a deterministic uniform in [0, 1) from (seed, request, alumnus, salt).
fn unit(seed: u64, request: usize, alumnus: i64, salt: u64) -> f64 {
    let mut x = seed
        ^ (request as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (alumnus as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ salt.wrapping_mul(0x1656_67B1_9E37_79F9);
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

fn generate(seed: u64, alumni: usize, requests: usize) -> World {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut people = Vec::with_capacity(alumni);
    for i in 0..alumni {
        let home = weighted(&mut rng, KECAMATAN.iter().map(|k| k.2));
        let trade = weighted(&mut rng, TRADES.iter().map(|t| t.alumni_weight));
        let mut serves = [false; 11];
        serves[home] = true;
        for &n in NEIGHBOURS[home] {
            if rng.random_bool(0.6) {
                serves[n] = true;
            }
        }
        if !serves[CAPITAL] && !NEIGHBOURS[home].contains(&CAPITAL) && rng.random_bool(0.35) {
            serves[CAPITAL] = true;
        }
        // Mostly 4–5 stars, a tail of weaker work.
        let quality = (4.35 + 0.4 * normal(rng.random(), rng.random())).clamp(2.5, 5.0);
        let accept = match rng.random_range(0..10) {
            0 => rng.random_range(0.25..0.6),
            1 | 2 => rng.random_range(0.6..0.85),
            _ => rng.random_range(0.85..0.98),
        };
        let prior = match rng.random_range(0..10) {
            0..4 => 0,
            4..8 => rng.random_range(1..8),
            _ => rng.random_range(8..30),
        };
        let prior_stars = (0..prior)
            .map(|_| stars(quality, normal(rng.random(), rng.random())))
            .collect();
        people.push(Alumnus {
            id: i as i64 + 1,
            home,
            trade,
            serves,
            capacity: rng.random_range(1..=3),
            verified: rng.random_range(0..100) < 95,
            active: rng.random_range(0..100) < 97,
            eligible_since: YEAR_START - rng.random_range(30 * DAY..3 * 365 * DAY),
            quality,
            accept,
            prior_stars,
        });
    }
    let mut stream = Vec::with_capacity(requests);
    for _ in 0..requests {
        let month = weighted(&mut rng, MONTH_WEIGHTS.iter().copied());
        let month_start: i64 = YEAR_START + MONTH_DAYS[..month].iter().sum::<i64>() * DAY;
        let at = month_start + rng.random_range(0..MONTH_DAYS[month] * DAY);
        let kecamatan = if rng.random_range(0..100) < CAPITAL_REQUEST_PERCENT {
            CAPITAL
        } else {
            weighted(&mut rng, KECAMATAN.iter().map(|k| k.2))
        };
        let trade = weighted(&mut rng, TRADES.iter().map(|t| t.request_weight));
        let t = &TRADES[trade];
        let quantity = rng.random_range(t.quantity.0..=t.quantity.1);
        let price = rng.random_range(t.unit_price.0..=t.unit_price.1) / 1000 * 1000;
        stream.push(Request {
            at,
            kecamatan,
            trade,
            value: quantity * price,
            days: rng.random_range(t.days.0..=t.days.1),
        });
    }
    stream.sort_by_key(|r| r.at);
    World {
        alumni: people,
        requests: stream,
        seed,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    Karya,
    HighestRating,
    Random,
}

impl Policy {
    fn label(self) -> &'static str {
        match self {
            Policy::Karya => "Karya (rotasi)",
            Policy::HighestRating => "Rating tertinggi",
            Policy::Random => "Acak (yang memenuhi syarat)",
        }
    }
}

/// The outcome of one policy over the year.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyResult {
    pub policy: &'static str,
    /// Gini of office value within each trade among the alumni eligible for at least one
    /// request, averaged weighted by those alumni per trade.
    pub gini: f64,
    /// Share of those alumni who received nothing.
    pub idle_share: f64,
    /// Mean stars of the jobs given (the office's rating of the work).
    pub mean_rating: f64,
    /// Share of jobs done by an alumnus living in the request's kecamatan.
    pub local_share: f64,
    pub eligible_alumni: usize,
    pub jobs: usize,
    pub unserved: usize,
    pub offers: usize,
    pub value_total: i64,
    /// Per trade: (name, eligible alumni, Gini, idle share).
    pub trades: Vec<(&'static str, usize, f64, f64)>,
}

/// The three policies' results, Karya's first.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub seed: u64,
    pub alumni: usize,
    pub requests: usize,
    pub results: Vec<PolicyResult>,
}

impl Report {
    fn get(&self, name: &str) -> &PolicyResult {
        self.results
            .iter()
            .find(|r| r.policy == name)
            .unwrap_or(&self.results[0])
    }

    pub fn karya(&self) -> &PolicyResult {
        self.get(Policy::Karya.label())
    }

    pub fn highest_rating(&self) -> &PolicyResult {
        self.get(Policy::HighestRating.label())
    }

    pub fn random(&self) -> &PolicyResult {
        self.get(Policy::Random.label())
    }

    pub fn rating_vs_best(&self) -> f64 {
        let best = self.highest_rating().mean_rating;
        if best > 0.0 {
            self.karya().mean_rating / best
        } else {
            0.0
        }
    }

    /// The last line, for other tools.
    pub fn summary_line(&self) -> String {
        let k = self.karya();
        format!(
            "gini={:.2} idle_share={:.2} rating_vs_best={:.2}",
            k.gini,
            k.idle_share,
            self.rating_vs_best()
        )
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Simulasi rotasi satu tahun anggaran: {} alumni, {} permintaan OPD, benih {}",
            self.alumni, self.requests, self.seed
        );
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{:<28} {:>5} {:>10} {:>7} {:>9} {:>9} {:>7} {:>8} {:>9}",
            "kebijakan",
            "Gini",
            "menganggur",
            "rating",
            "kec.sama",
            "pekerjaan",
            "gagal",
            "tawaran",
            "alumni*"
        );
        for r in &self.results {
            let _ = writeln!(
                out,
                "{:<28} {:>5.2} {:>10.2} {:>7.2} {:>9.2} {:>9} {:>7} {:>8} {:>9}",
                r.policy,
                r.gini,
                r.idle_share,
                r.mean_rating,
                r.local_share,
                r.jobs,
                r.unserved,
                r.offers,
                r.eligible_alumni
            );
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Gini per kejuruan (alumni yang memenuhi syarat; Karya / rating tertinggi / acak):"
        );
        let (k, b, r) = (self.karya(), self.highest_rating(), self.random());
        for (i, t) in k.trades.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {:<22} {:>4} alumni  {:.2} / {:.2} / {:.2}",
                t.0,
                t.1,
                t.2,
                b.trades.get(i).map(|x| x.2).unwrap_or(0.0),
                r.trades.get(i).map(|x| x.2).unwrap_or(0.0)
            );
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Gini: ketimpangan nilai pekerjaan OPD di antara alumni yang memenuhi syarat untuk \
             sedikitnya satu permintaan, dihitung per kejuruan lalu dirata-rata berbobot \
             (0 = merata). menganggur: bagian alumni itu yang tidak mendapat apa pun. rating: \
             rata-rata bintang dari OPD untuk pekerjaan yang diberikan. kec.sama: bagian pekerjaan \
             yang dikerjakan alumni dari kecamatan permintaan. gagal: permintaan tanpa penyedia \
             yang menerima. alumni*: alumni yang memenuhi syarat sedikitnya sekali."
        );
        let _ = write!(
            out,
            "Karya: Gini {:.3} (target ≤ 0.20), menganggur {:.3} (target 0), rating {:.1}% \
             dari kebijakan rating tertinggi (target ≥ 95%)\n{}",
            k.gini,
            k.idle_share,
            self.rating_vs_best() * 100.0,
            self.summary_line()
        );
        f.write_str(&out)
    }
}

/// Gini coefficient of non-negative values (0 = equal).
pub fn gini(values: &[i64]) -> f64 {
    let n = values.len();
    let total: f64 = values.iter().map(|&v| v as f64).sum();
    if n == 0 || total <= 0.0 {
        return 0.0;
    }
    let mut sorted: Vec<i64> = values.to_vec();
    sorted.sort_unstable();
    let weighted: f64 = sorted
        .iter()
        .enumerate()
        .map(|(i, &v)| (i as f64 + 1.0) * v as f64)
        .sum();
    2.0 * weighted / (n as f64 * total) - (n as f64 + 1.0) / n as f64
}

/// Mutable per-alumnus state for one policy.
struct State {
    /// Candidates grouped by trade, updated in place; `slot[i]` = (trade, position) of alumnus i.
    groups: Vec<Vec<Candidate>>,
    slot: Vec<(usize, usize)>,
    star_sum: Vec<i64>,
    open_until: Vec<Vec<i64>>,
    eligible_ever: Vec<bool>,
    /// (time the job ends and its rating arrives, alumnus index, stars)
    pending: BinaryHeap<Reverse<(i64, usize, u8)>>,
}

impl State {
    fn new(world: &World) -> State {
        let mut groups: Vec<Vec<Candidate>> = vec![Vec::new(); TRADES.len()];
        let mut slot = Vec::with_capacity(world.alumni.len());
        let mut star_sum = Vec::with_capacity(world.alumni.len());
        for a in &world.alumni {
            let sum: i64 = a.prior_stars.iter().map(|&s| i64::from(s)).sum();
            let count = a.prior_stars.len() as i64;
            slot.push((a.trade, groups[a.trade].len()));
            star_sum.push(sum);
            groups[a.trade].push(Candidate {
                business_id: a.id,
                name: format!("Usaha alumni {}", a.id),
                home_kecamatan: KECAMATAN[a.home].0.to_string(),
                verified: a.verified,
                certified: true,
                active: a.active,
                serves_kecamatan: false,
                open_jobs: 0,
                capacity: a.capacity,
                open_dispute_with_office: false,
                rating_tenths: average_tenths(sum, count),
                rating_count: count,
                last_office_job_at: None,
                eligible_since: a.eligible_since,
                value_this_year: 0,
            });
        }
        State {
            groups,
            slot,
            star_sum,
            open_until: vec![Vec::new(); world.alumni.len()],
            eligible_ever: vec![false; world.alumni.len()],
            pending: BinaryHeap::new(),
        }
    }

    fn cand(&mut self, i: usize) -> &mut Candidate {
        let (t, p) = self.slot[i];
        &mut self.groups[t][p]
    }

    fn value(&self, i: usize) -> i64 {
        let (t, p) = self.slot[i];
        self.groups[t][p].value_this_year
    }
}

fn run_policy(world: &World, policy: Policy, settings: &RotationSettings) -> PolicyResult {
    let mut st = State::new(world);
    let mut rng = StdRng::seed_from_u64(world.seed ^ 0x5EED_0F7A_4D0B);
    let (mut jobs, mut unserved, mut offers, mut local, mut star_total) = (0usize, 0, 0, 0, 0i64);
    for (ri, req) in world.requests.iter().enumerate() {
        // Ratings of finished jobs arrive.
        while let Some(Reverse((at, i, s))) = st.pending.peek().copied() {
            if at > req.at {
                break;
            }
            st.pending.pop();
            st.star_sum[i] += i64::from(s);
            let sum = st.star_sum[i];
            let c = st.cand(i);
            c.rating_count += 1;
            c.rating_tenths = average_tenths(sum, c.rating_count);
        }
        for c in st.groups[req.trade].iter_mut() {
            let i = (c.business_id - 1) as usize;
            st.open_until[i].retain(|&end| end > req.at);
            c.open_jobs = st.open_until[i].len() as i64;
            c.serves_kecamatan = world.alumni[i].serves[req.kecamatan];
        }
        let group = &st.groups[req.trade];
        let (code, name, _) = KECAMATAN[req.kecamatan];
        let mut asked: Vec<i64> = Vec::new();
        let mut delay = 0;
        let chosen = loop {
            let facts = RequestFacts {
                kecamatan_code: code,
                kecamatan_name: name,
                now: req.at,
                already_asked: &asked,
            };
            let next = match policy {
                Policy::Karya => {
                    let ranking = rotation::rank(group, &facts, settings);
                    if asked.is_empty() {
                        for p in &ranking.proposals {
                            st.eligible_ever[(p.business_id - 1) as usize] = true;
                        }
                    }
                    ranking.proposals.first().map(|p| p.business_id)
                }
                Policy::HighestRating | Policy::Random => {
                    let eligible: Vec<&Candidate> = group
                        .iter()
                        .filter(|c| rotation::eligibility(c, &facts, settings).is_ok())
                        .collect();
                    if asked.is_empty() {
                        for c in &eligible {
                            st.eligible_ever[(c.business_id - 1) as usize] = true;
                        }
                    }
                    if policy == Policy::Random {
                        if eligible.is_empty() {
                            None
                        } else {
                            Some(eligible[rng.random_range(0..eligible.len())].business_id)
                        }
                    } else {
                        eligible
                            .iter()
                            .max_by_key(|c| {
                                (
                                    c.rating_tenths.unwrap_or(-1),
                                    c.rating_count,
                                    Reverse(c.business_id),
                                )
                            })
                            .map(|c| c.business_id)
                    }
                }
            };
            let Some(id) = next else { break None };
            offers += 1;
            let a = &world.alumni[(id - 1) as usize];
            if unit(world.seed, ri, id, 1) < a.accept {
                break Some(id);
            }
            // Half of the refusals are silence until the 24-hour deadline.
            delay += if unit(world.seed, ri, id, 2) < 0.5 {
                DAY
            } else {
                DAY / 6
            };
            asked.push(id);
        };
        let Some(id) = chosen else {
            unserved += 1;
            continue;
        };
        let i = (id - 1) as usize;
        let a = &world.alumni[i];
        let end = req.at + delay + DAY + req.days * DAY;
        st.open_until[i].push(end);
        let c = st.cand(i);
        c.last_office_job_at = Some(req.at);
        c.value_this_year += req.value;
        let z = normal(unit(world.seed, ri, id, 3), unit(world.seed, ri, id, 4));
        let s = stars(a.quality, z);
        st.pending.push(Reverse((end, i, s)));
        jobs += 1;
        star_total += i64::from(s);
        if a.home == req.kecamatan {
            local += 1;
        }
    }
    let mut trades = Vec::new();
    let (mut weighted_gini, mut pool, mut idle) = (0.0, 0usize, 0usize);
    for (t, trade) in TRADES.iter().enumerate() {
        let values: Vec<i64> = (0..world.alumni.len())
            .filter(|&i| world.alumni[i].trade == t && st.eligible_ever[i])
            .map(|i| st.value(i))
            .collect();
        let g = gini(&values);
        let zero = values.iter().filter(|&&v| v == 0).count();
        weighted_gini += g * values.len() as f64;
        pool += values.len();
        idle += zero;
        trades.push((
            trade.name,
            values.len(),
            g,
            ratio(zero as f64, values.len() as f64),
        ));
    }
    PolicyResult {
        policy: policy.label(),
        gini: ratio(weighted_gini, pool as f64),
        idle_share: ratio(idle as f64, pool as f64),
        mean_rating: ratio(star_total as f64, jobs as f64),
        local_share: ratio(local as f64, jobs as f64),
        eligible_alumni: pool,
        jobs,
        unserved,
        offers,
        value_total: st.groups.iter().flatten().map(|c| c.value_this_year).sum(),
        trades,
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

fn average_tenths(sum: i64, count: i64) -> Option<i64> {
    // Rounded half up: 4,25 → 4,3.
    (count > 0).then(|| (sum * 20 + count) / (count * 2))
}

/// Simulate one fiscal year with the default rotation settings.
pub fn rotation(seed: u64, alumni: usize, requests: usize) -> Report {
    rotation_with(seed, alumni, requests, &RotationSettings::default())
}

/// Simulate one fiscal year with the given rotation settings (Karya's policy and the floor of
/// the other two).
pub fn rotation_with(
    seed: u64,
    alumni: usize,
    requests: usize,
    settings: &RotationSettings,
) -> Report {
    let world = generate(seed, alumni, requests);
    let results = [Policy::Karya, Policy::HighestRating, Policy::Random]
        .into_iter()
        .map(|p| run_policy(&world, p, settings))
        .collect();
    Report {
        seed,
        alumni,
        requests,
        results,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulate_gini_of_known_values() {
        assert_eq!(gini(&[]), 0.0);
        assert_eq!(gini(&[0, 0]), 0.0);
        assert!((gini(&[5, 5, 5, 5]) - 0.0).abs() < 1e-12);
        // One of four has everything: (n − 1) / n.
        assert!((gini(&[0, 0, 0, 8]) - 0.75).abs() < 1e-12);
        // 1, 2, 3, 4: the sum of |xi − xj| over ordered pairs is 20; 20 / (2 · 4² · 2.5) = 0.25.
        assert!((gini(&[4, 1, 3, 2]) - 0.25).abs() < 1e-12);
    }

    #[test]
    fn simulate_rotation_small_year() {
        let report = rotation(7, 100, 2_000);
        let text = report.to_string();
        let last = text.lines().last().expect("output");
        let parts: Vec<&str> = last.split(' ').collect();
        assert_eq!(parts.len(), 3, "{last}");
        for (part, key) in parts.iter().zip(["gini", "idle_share", "rating_vs_best"]) {
            let value = part
                .strip_prefix(key)
                .and_then(|v| v.strip_prefix('='))
                .unwrap_or_else(|| panic!("{part} is not {key}=…"));
            let (int, frac) = value.split_once('.').expect("decimal point");
            assert!(int.len() == 1 && frac.len() == 2, "{value}");
            assert!(value.parse::<f64>().is_ok());
        }
        assert_eq!(last, report.summary_line());
        let (k, r) = (report.karya(), report.random());
        assert!(k.gini < r.gini, "Karya {} random {}", k.gini, r.gini);
        assert!(k.eligible_alumni > 50, "{}", k.eligible_alumni);
        assert!(k.jobs + k.unserved == 2_000 && k.jobs > 1_900);
        assert!(k.mean_rating > 3.0 && k.mean_rating <= 5.0);
        assert!(text.contains("Rating tertinggi") && text.contains("Acak"));
        // The same world and stream give the same answer.
        assert_eq!(rotation(7, 100, 2_000), report);
    }
}
