//! What Karya already knows, filled in for the alumnus: the completed work and confirmed revenue
//! of her businesses over the three months before the wave, counted by the track record's own
//! definitions (`domain::capital::activity`), the sentence shown, and the answers it suggests.

use serde::{Deserialize, Serialize};
use time::Date;

use super::{Band, Status};
use crate::domain::capital::activity::Activity;
use crate::domain::dates::{add_months, to_iso};
use crate::domain::rupiah::short_amount;

/// Months of evidence before the wave date.
pub const MONTHS: i32 = 3;

/// The platform evidence of one alumnus before one wave, and what it suggests. Stored as the
/// response's `prefill` JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefill {
    /// ISO dates: the evidence covers `from..until` (`until`, the wave date, excluded).
    pub from: String,
    pub until: String,
    /// Completed public orders and office jobs in the window.
    pub orders: u32,
    /// Confirmed revenue in the window, whole Rupiah.
    pub revenue: i64,
    /// The sentence shown: "Usaha aktif di Karya: 14 pesanan selesai dalam 3 bulan terakhir,
    /// pendapatan Rp4,2 juta".
    pub sentence: String,
    /// Suggested answers (status, related, income band), when there were sales.
    pub status: Option<String>,
    pub related: Option<String>,
    pub income: Option<String>,
}

impl Prefill {
    /// Whether the evidence suggests answers (there was completed work or revenue).
    pub fn suggests(&self) -> bool {
        self.status.is_some()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// Whether an answer's standard choices are exactly the suggestion.
    pub fn confirmed_by(
        &self,
        status: Status,
        related: Option<bool>,
        income: Option<Band>,
    ) -> bool {
        self.suggests()
            && self.status.as_deref() == Some(status.as_str())
            && self.related.as_deref() == related.map(|r| if r { "ya" } else { "tidak" })
            && self.income.as_deref() == income.map(Band::as_str)
    }
}

/// The evidence of `activity` over the `MONTHS` before `wave_date`, judged against `umk`.
pub fn prefill(activity: &Activity, wave_date: Date, umk: i64) -> Prefill {
    let until = to_iso(wave_date);
    let from = add_months(wave_date, -MONTHS)
        .map(to_iso)
        .unwrap_or_default();
    let orders = activity.completed_between(&from, &until);
    let revenue = activity.revenue_between(&from, &until);
    let has_sales = orders > 0 || revenue > 0;
    let sentence = if has_sales {
        format!(
            "Usaha aktif di Karya: {orders} pesanan selesai dalam {MONTHS} bulan terakhir, pendapatan Rp{}",
            short_amount(revenue)
        )
    } else {
        String::new()
    };
    let band = Band::of(revenue / i64::from(MONTHS), umk);
    Prefill {
        from,
        until,
        orders,
        revenue,
        sentence,
        status: has_sales.then(|| Status::SelfEmployed.as_str().to_owned()),
        related: has_sales.then(|| "ya".to_owned()),
        income: has_sales.then(|| band.as_str().to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::capital::activity::{OfficePaymentFact, OrderFact};

    #[test]
    fn sales_in_the_window_fill_the_sentence_and_the_answers() {
        let at = |iso: &str| {
            let d = crate::domain::dates::parse_iso(iso).unwrap();
            d.midnight()
                .assume_offset(crate::domain::dates::WIB)
                .unix_timestamp()
                + 3600 * 10
        };
        let order = |id, done: &str, paid: &str, amount| OrderFact {
            id,
            state: "completed".into(),
            completed_at: Some(at(done)),
            confirmed_payment: Some((paid.to_owned(), amount)),
            ..OrderFact::default()
        };
        let activity = Activity {
            orders: vec![
                order(1, "2026-04-10", "2026-04-10", 1_000_000),
                order(2, "2026-06-30", "2026-06-30", 2_000_000),
                order(3, "2026-07-01", "2026-07-01", 9_000_000), // on the wave date: after
                order(4, "2026-03-31", "2026-03-31", 9_000_000), // before the window
            ],
            office_payments: vec![OfficePaymentFact {
                request_id: 9,
                title: "AC".into(),
                paid_on: "2026-05-02".into(),
                gross: 1_200_000,
            }],
            ..Activity::default()
        };
        let wave = crate::domain::dates::parse_iso("2026-07-01").unwrap();
        let p = prefill(&activity, wave, 3_486_521);
        assert_eq!(
            (p.from.as_str(), p.orders, p.revenue),
            ("2026-04-01", 2, 4_200_000)
        );
        assert_eq!(
            p.sentence,
            "Usaha aktif di Karya: 2 pesanan selesai dalam 3 bulan terakhir, pendapatan Rp4,2 juta"
        );
        assert_eq!(p.income.as_deref(), Some("kurang_setengah"));
        assert!(p.confirmed_by(Status::SelfEmployed, Some(true), Some(Band::BelowHalf)));
        assert!(!p.confirmed_by(Status::FullTime, Some(true), Some(Band::BelowHalf)));
        let none = prefill(&Activity::default(), wave, 3_486_521);
        assert!(!none.suggests() && none.sentence.is_empty());
    }
}
