//! An alumnus's track record on Karya: the verified facts a capital partner reads. `db::track_record`
//! computes it from stored rows; eligibility (`super::eligibility`) and the frozen dossier
//! (`super::dossier`) read it. Plain data, serialisable, with no floats, so a snapshot hashes the
//! same on every machine.

use serde::{Deserialize, Serialize};

/// The person, as the register holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Person {
    pub alumnus_id: i64,
    pub name: String,
    /// `L` or `P`.
    pub gender: String,
    /// ISO date, when the register knows it.
    pub birth_date: Option<String>,
    pub kecamatan_code: Option<String>,
    pub kecamatan: String,
}

/// One training the person took part in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Training {
    pub trade_id: i64,
    pub trade: String,
    pub program: String,
    pub batch_number: i64,
    pub year: i64,
    /// `lulus` / `tidak_lulus`, when recorded.
    pub result: Option<String>,
    /// `kompeten` / `belum_kompeten`, when recorded.
    pub competency: Option<String>,
    pub cert_number: Option<String>,
}

impl Training {
    /// Certified competent: assessed `kompeten` with a certificate number on file.
    pub fn certified(&self) -> bool {
        self.competency.as_deref() == Some("kompeten")
            && self
                .cert_number
                .as_deref()
                .is_some_and(|n| !n.trim().is_empty())
    }
}

/// The person's business (storefront).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Business {
    pub id: i64,
    pub name: String,
    /// ISO date the storefront was opened on Karya.
    pub since: String,
    pub kecamatan_code: Option<String>,
    pub kecamatan: String,
    /// The trades it works in (main first), by name.
    pub categories: Vec<String>,
    /// Empty when the business holds none.
    pub nib: String,
    pub pirt: String,
    pub halal: String,
}

/// Confirmed money received in one calendar month (WIB).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MonthRevenue {
    /// `YYYY-MM`.
    pub month: String,
    /// Confirmed payments of public orders.
    pub public: i64,
    /// Office payments received (gross, not voided).
    pub office: i64,
}

impl MonthRevenue {
    pub fn total(&self) -> i64 {
        self.public + self.office
    }
}

/// Everything Karya has verified about one alumnus, as of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TrackRecord {
    /// ISO date (WIB) the figures were computed for.
    pub as_of: String,
    pub person: Person,
    pub training: Vec<Training>,
    /// The main business; figures below cover every business of the person.
    pub business: Option<Business>,
    /// ISO date of the first recorded activity on Karya (storefront opened, first order or
    /// office request), when there is any.
    pub active_since: Option<String>,
    /// Whole months from `active_since` to `as_of`.
    pub months_active: u32,
    /// Public orders completed (completed or reviewed).
    pub orders_public: u32,
    /// Office jobs completed (paid or completed).
    pub orders_office: u32,
    /// The last 12 calendar months, oldest first, ending with `as_of`'s month.
    pub revenue_by_month: Vec<MonthRevenue>,
    /// Distinct buyers of completed work (a person or an office).
    pub distinct_buyers: u32,
    /// Of them, those who bought more than once.
    pub repeat_buyers: u32,
    /// Value of completed office jobs (the quoted totals).
    pub office_value: i64,
    /// Completed work finished by its date, out of completed work with a date.
    pub on_time: u32,
    pub on_time_of: u32,
    /// Sum and count of ratings (public reviews and office BAST ratings), 1..5 each.
    pub rating_total: u32,
    pub rating_count: u32,
    /// Orders and office jobs that were ever disputed.
    pub disputes: u32,
}

impl TrackRecord {
    pub fn orders_total(&self) -> u32 {
        self.orders_public + self.orders_office
    }

    /// Confirmed revenue over the last `months` calendar months, this one included (at most 12).
    pub fn revenue_last(&self, months: u32) -> i64 {
        let n = (months as usize).min(self.revenue_by_month.len());
        self.revenue_by_month[self.revenue_by_month.len() - n..]
            .iter()
            .map(MonthRevenue::total)
            .sum()
    }

    pub fn revenue_12_months(&self) -> i64 {
        self.revenue_last(12)
    }

    /// Repeat buyers as a whole percentage of distinct buyers.
    pub fn repeat_share_percent(&self) -> Option<u32> {
        (self.distinct_buyers > 0).then(|| self.repeat_buyers * 100 / self.distinct_buyers)
    }

    /// On-time completion as a whole percentage.
    pub fn on_time_percent(&self) -> Option<u32> {
        (self.on_time_of > 0).then(|| self.on_time * 100 / self.on_time_of)
    }

    /// The average rating in tenths (`46` = 4,6), rounded half up.
    pub fn rating_tenths(&self) -> Option<u32> {
        (self.rating_count > 0)
            .then(|| (self.rating_total * 20 + self.rating_count) / (2 * self.rating_count))
    }

    pub fn certified(&self) -> bool {
        self.training.iter().any(Training::certified)
    }

    pub fn has_nib(&self) -> bool {
        self.business
            .as_ref()
            .is_some_and(|b| !b.nib.trim().is_empty())
    }

    /// Trades the person was trained in.
    pub fn trade_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.training.iter().map(|t| t.trade_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The kecamatan that counts for rules: the business's, else the person's.
    pub fn kecamatan_code(&self) -> Option<&str> {
        self.business
            .as_ref()
            .and_then(|b| b.kecamatan_code.as_deref())
            .or(self.person.kecamatan_code.as_deref())
    }
}

/// Whole calendar months from `since` to `as_of` (`2026-01-15` → `2026-07-14` is 5, → `2026-07-15`
/// is 6); zero when `as_of` is not later.
pub fn months_between(since: time::Date, as_of: time::Date) -> u32 {
    let months = (as_of.year() - since.year()) * 12 + i32::from(u8::from(as_of.month()))
        - i32::from(u8::from(since.month()))
        - i32::from(as_of.day() < since.day());
    u32::try_from(months).unwrap_or(0)
}

/// One figure of the record whose underlying rows can be listed (the agency's "records behind
/// each figure").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Figure {
    /// Storefronts opened, first order, first office request: where `active_since` comes from.
    Activity,
    PublicOrders,
    OfficeJobs,
    Revenue,
    Buyers,
    OnTime,
    Ratings,
    Disputes,
}

impl Figure {
    pub const ALL: [Figure; 8] = [
        Figure::Activity,
        Figure::PublicOrders,
        Figure::OfficeJobs,
        Figure::Revenue,
        Figure::Buyers,
        Figure::OnTime,
        Figure::Ratings,
        Figure::Disputes,
    ];

    /// The URL slug.
    pub fn as_str(self) -> &'static str {
        match self {
            Figure::Activity => "aktif",
            Figure::PublicOrders => "pesanan-umum",
            Figure::OfficeJobs => "pekerjaan-opd",
            Figure::Revenue => "pendapatan",
            Figure::Buyers => "pembeli",
            Figure::OnTime => "tepat-waktu",
            Figure::Ratings => "ulasan",
            Figure::Disputes => "sengketa",
        }
    }

    pub fn parse(slug: &str) -> Option<Figure> {
        Figure::ALL.into_iter().find(|f| f.as_str() == slug)
    }
}

/// What kind of stored record a [`RecordRow`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordKind {
    Business,
    Order,
    OrderPayment,
    Review,
    OfficeRequest,
    OfficePayment,
}

/// One stored record behind a figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRow {
    /// ISO date (WIB) the record counts on.
    pub date: String,
    pub kind: RecordKind,
    /// The id of the order, office request or business the row belongs to.
    pub id: i64,
    /// Stored words: the buyer, the office and the job, the business, a review's text.
    pub description: String,
    /// Rupiah, where the figure sums money or the record has a value.
    pub amount: Option<i64>,
    /// 1..5, for ratings.
    pub rating: Option<i64>,
    /// For the on-time figure: finished by its date or not.
    pub on_time: Option<bool>,
}

impl RecordRow {
    /// The page of the record itself.
    pub fn link(&self) -> String {
        match self.kind {
            RecordKind::Business => format!("/admin/usaha/{}", self.id),
            RecordKind::Order | RecordKind::OrderPayment | RecordKind::Review => {
                format!("/pesanan/{}", self.id)
            }
            RecordKind::OfficeRequest | RecordKind::OfficePayment => {
                format!("/pengadaan/{}", self.id)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months(values: &[i64]) -> Vec<MonthRevenue> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| MonthRevenue {
                month: format!("2026-{:02}", i + 1),
                public: *v,
                office: 0,
            })
            .collect()
    }

    #[test]
    fn revenue_counts_the_last_months_only() {
        let r = TrackRecord {
            revenue_by_month: months(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
            ..TrackRecord::default()
        };
        assert_eq!(r.revenue_last(3), 10 + 11 + 12);
        assert_eq!(r.revenue_last(12), 78);
        assert_eq!(r.revenue_last(40), 78);
        assert_eq!(r.revenue_last(0), 0);
    }

    #[test]
    fn rating_rounds_to_tenths() {
        let r = TrackRecord {
            rating_total: 14,
            rating_count: 3,
            ..TrackRecord::default()
        };
        assert_eq!(r.rating_tenths(), Some(47));
        assert_eq!(TrackRecord::default().rating_tenths(), None);
    }

    #[test]
    fn months_active_counts_whole_calendar_months() {
        use time::macros::date;
        let since = date!(2026 - 01 - 15);
        assert_eq!(months_between(since, date!(2026 - 07 - 14)), 5);
        assert_eq!(months_between(since, date!(2026 - 07 - 15)), 6);
        assert_eq!(months_between(since, date!(2026 - 01 - 15)), 0);
        assert_eq!(months_between(since, date!(2026 - 02 - 14)), 0);
        assert_eq!(months_between(since, date!(2027 - 01 - 15)), 12);
        assert_eq!(
            months_between(date!(2026 - 01 - 31), date!(2026 - 02 - 28)),
            0
        );
        assert_eq!(months_between(since, date!(2025 - 12 - 01)), 0);
    }

    #[test]
    fn figure_slugs_round_trip_and_unknown_is_none() {
        for f in Figure::ALL {
            assert_eq!(Figure::parse(f.as_str()), Some(f));
        }
        assert_eq!(Figure::parse("tidak-ada"), None);
        assert_eq!(Figure::parse(""), None);
    }
}
