//! The demo district's tracer study: the waves of recent batches opened on the days they fell
//! due (through `app::tracer`, each call at its past instant, so links, windows and the
//! outbox read as they would have), and answers at realistic rates — about 60% for the latest
//! waves, fewer for older ones — some taken by phone by staf.blk, some confirming Karya's own
//! evidence in one tap. Statuses, relatedness, income and obstacles follow each trade (AC
//! servicing: tools and freon; cake making: capital and marketing). Deterministic for a given
//! day: a fixed seed, and the invitations in id order. Reminders are replayed day by day over
//! the last weeks, to the unanswered.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use time::{PrimitiveDateTime, Time};

use crate::app::tracer::{self as uc, LinkState, Posted, Tracer};
use crate::db::audit::Who;
use crate::db::orders::Reach;
use crate::db::tracer as store;
use crate::db::{Db, DbError, DbResult};
use crate::domain::dates::{WIB, add_months, parse_iso, wib_date};
use crate::secrets::Key;

const SEED: u64 = 0x7472_6163_6572;
const DAY: i64 = 86_400;
/// Waves opening before this day are not traced (the demo's Karya starts in 2025).
const FIRST_WAVE_DAY: &str = "2025-01-01";

fn morning(iso: &str) -> Option<i64> {
    let d = parse_iso(iso)?;
    Some(
        PrimitiveDateTime::new(d, Time::from_hms(9, 0, 0).ok()?)
            .assume_offset(WIB)
            .unix_timestamp(),
    )
}

fn internal(e: impl std::fmt::Display) -> DbError {
    DbError::Other(e.to_string())
}

/// What people of a trade tend to answer: obstacle weights and how often the work relates.
fn trade_profile(trade: &str) -> (&'static [(&'static str, u32)], u32) {
    let t = trade.to_lowercase();
    if t.contains("pendingin") || t.contains("ac") {
        (
            &[
                ("alat", 45),
                ("bahan", 35),
                ("modal", 30),
                ("pemasaran", 20),
                ("izin_usaha", 5),
            ],
            80,
        )
    } else if t.contains("boga") || t.contains("kue") {
        (
            &[
                ("modal", 45),
                ("pemasaran", 40),
                ("bahan", 25),
                ("izin_usaha", 20),
                ("alat", 10),
            ],
            75,
        )
    } else if t.contains("jahit") || t.contains("busana") {
        (
            &[
                ("pemasaran", 40),
                ("alat", 30),
                ("modal", 30),
                ("bahan", 15),
            ],
            70,
        )
    } else if t.contains("las") {
        (
            &[
                ("alat", 40),
                ("modal", 35),
                ("izin_usaha", 10),
                ("pemasaran", 15),
            ],
            65,
        )
    } else {
        (
            &[
                ("pemasaran", 35),
                ("modal", 35),
                ("alat", 20),
                ("lainnya", 10),
            ],
            60,
        )
    }
}

fn roll_status(rng: &mut StdRng) -> &'static str {
    let table = [
        ("penuh_waktu", 20),
        ("paruh_waktu", 12),
        ("wirausaha", 20),
        ("bekerja_wirausaha", 6),
        ("studi", 5),
        ("mencari", 25),
        ("tidak_mencari", 12),
    ];
    let mut r = rng.random_range(0..100);
    for (s, w) in table {
        if r < w {
            return s;
        }
        r -= w;
    }
    "mencari"
}

/// Opens the waves due since 2025 on their days and answers a realistic share of them.
pub async fn seed(db: &Db, key: &Key, reach: &Reach, staff: Option<i64>) -> DbResult<()> {
    let started = std::time::Instant::now();
    let tracer = Tracer { db, key, reach };
    let now = crate::db::now();
    let settings = uc::settings(db).await.map_err(internal)?;
    uc::questionnaire(db).await.map_err(internal)?;
    // The days waves opened: each batch's end plus each wave, from 2025 to today.
    let today = crate::domain::dates::to_iso(wib_date(now));
    let mut days: Vec<String> = Vec::new();
    for c in store::completers(db, &today).await? {
        let Some(end) = parse_iso(&c.end_date) else {
            continue;
        };
        for &w in &settings.waves {
            if let Some(d) = add_months(end, w as i32).map(crate::domain::dates::to_iso)
                && d.as_str() >= FIRST_WAVE_DAY
                && d <= today
            {
                days.push(d);
            }
        }
    }
    days.sort();
    days.dedup();
    let system = Who {
        id: None,
        label: "sistem",
        ip: "",
    };
    let mut invited = 0;
    for day in &days {
        let Some(at) = morning(day) else { continue };
        invited += tracer
            .open_waves(&system, at.min(now))
            .await
            .map_err(internal)?;
    }
    // Answers, in invitation order.
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut answered = 0;
    let mut rows = Vec::new();
    for r in store::rates(db).await? {
        rows.extend(store::invitations(db, r.batch_id, r.wave).await?);
    }
    rows.sort_by_key(|i| i.id);
    for inv in rows {
        let Some(opens) = morning(&inv.opens_on) else {
            continue;
        };
        let age_days = (now - opens) / DAY;
        // The latest waves answer more; a wave still open has had less time.
        let rate = if age_days > 300 {
            48
        } else if age_days > 120 {
            60
        } else {
            72
        };
        if rng.random_range(0..100) >= rate {
            continue;
        }
        let by_phone = staff.is_some() && rng.random_range(0..100) < 25;
        let day = if by_phone {
            rng.random_range(20..40)
        } else {
            rng.random_range(0..20)
        };
        let at = opens + day * DAY + rng.random_range(0..8) * 3600;
        if at >= now {
            continue;
        }
        let token = tracer.token(inv.participation_id, inv.wave);
        let link = tracer.open_link(&token, at).await.map_err(internal)?;
        if link.state == LinkState::Answered || (!by_phone && link.state != LinkState::Open) {
            continue;
        }
        let given = &link.given;
        let (obstacles, related_share) = trade_profile(&inv.trade);
        let mut pairs: Vec<(String, String)> =
            vec![("version_id".into(), given.version_id.to_string())];
        let p = &given.prefill;
        if p.suggests() && rng.random_range(0..100) < 75 {
            for (k, v) in [
                ("status", &p.status),
                ("related", &p.related),
                ("income", &p.income),
            ] {
                if let Some(v) = v {
                    pairs.push((k.into(), v.clone()));
                }
            }
        } else {
            let status = if p.suggests() {
                "wirausaha"
            } else {
                roll_status(&mut rng)
            };
            pairs.push(("status".into(), status.into()));
            if uc::working(status) {
                let related = rng.random_range(0..100) < related_share;
                pairs.push((
                    "related".into(),
                    if related { "ya" } else { "tidak" }.into(),
                ));
                let band = match rng.random_range(0..100) {
                    0..25 => "kurang_setengah",
                    25..60 => "setengah_umk",
                    60..88 => "umk",
                    _ => "di_atas",
                };
                pairs.push(("income".into(), band.into()));
            }
        }
        for (key, weight) in obstacles {
            if rng.random_range(0..100) < *weight {
                pairs.push(("obstacles".into(), (*key).into()));
            }
        }
        pairs.push((
            "satisfaction".into(),
            rng.random_range(3..=5i64).to_string(),
        ));
        if rng.random_range(0..3) == 0 {
            let next = [
                "Pemasaran digital",
                "Manajemen usaha kecil",
                "Lanjutan kejuruan yang sama",
                "Pengemasan produk",
            ];
            pairs.push((
                "next_training".into(),
                next[rng.random_range(0..next.len())].into(),
            ));
        }
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let all = |k: &str| {
            pairs
                .iter()
                .filter(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .collect()
        };
        let posted = Posted {
            get: &get,
            all: &all,
        };
        let result = match (by_phone, staff) {
            (true, Some(id)) => {
                let who = Who {
                    id: Some(id),
                    label: "staf.blk",
                    ip: "demo",
                };
                tracer.answer_by_phone(&who, inv.id, &posted, at).await
            }
            _ => {
                let who = Who {
                    id: None,
                    label: "alumni (tautan survei)",
                    ip: "demo",
                };
                tracer.answer_by_link(&who, &token, &posted, at).await
            }
        };
        match result {
            Ok(_) => answered += 1,
            Err(e) => return Err(internal(format!("{e:?}"))),
        }
    }
    // The reminders the hourly job would have sent over the last weeks, day by day, so that
    // none falls due the moment the demo starts.
    let mut reminded = 0;
    for k in (0..=45).rev() {
        reminded += tracer.reminders(now - k * DAY).await.map_err(internal)?;
    }
    tracing::info!(
        invited,
        reminded,
        answered,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo: tracer waves and answers"
    );
    Ok(())
}
