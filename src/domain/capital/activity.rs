//! The stored activity of one alumnus's businesses, as `db::track_record` reads it, and the one
//! place the figures of a [`TrackRecord`] are defined over it. The figures and the records
//! behind each figure come from the same predicates, so a figure always equals its list.

use std::collections::BTreeMap;

use time::{Date, Month, PrimitiveDateTime, Time};

use super::record::{Figure, MonthRevenue, RecordKind, RecordRow, TrackRecord, months_between};
use crate::domain::dates::{WIB, parse_iso, to_iso, wib_date};
use crate::domain::phone::Phone;

/// A storefront of the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub business_id: i64,
    pub name: String,
    pub created_at: i64,
}

/// A public order of one of the businesses, with its payment and whether it was disputed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrderFact {
    pub id: i64,
    pub state: String,
    pub buyer_user_id: Option<i64>,
    pub buyer_phone: String,
    pub buyer_name: String,
    /// ISO date.
    pub needed_on: String,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
    pub completed_at: Option<i64>,
    /// The accepted quote, else the priced total.
    pub total: Option<i64>,
    /// The payment: (paid_on ISO date, amount), when confirmed by the buyer.
    pub confirmed_payment: Option<(String, i64)>,
    /// First time the order entered `disputed`.
    pub disputed_at: Option<i64>,
}

/// A review of one of the businesses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReviewFact {
    pub order_id: i64,
    pub rating: i64,
    pub created_at: i64,
    pub reviewer: String,
}

/// An office request with one of the businesses as its provider.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OfficeJobFact {
    pub id: i64,
    pub office_id: i64,
    pub office: String,
    pub title: String,
    pub state: String,
    pub quoted_total: Option<i64>,
    /// ISO date.
    pub date_until: String,
    pub done_at: Option<i64>,
    /// When it was paid or completed (`completed_at`, else `paid_at`), for the list's date.
    pub finished_at: Option<i64>,
    pub rating: Option<i64>,
    pub disputed_at: Option<i64>,
}

/// A live (not voided) office payment for one of the jobs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OfficePaymentFact {
    pub request_id: i64,
    pub title: String,
    /// ISO date.
    pub paid_on: String,
    pub gross: i64,
}

/// Everything stored about the person's businesses that the figures count.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Activity {
    pub opened: Vec<Opened>,
    /// The earliest office request one of the businesses was asked for: (request id, created_at).
    pub first_office_request: Option<(i64, i64)>,
    pub orders: Vec<OrderFact>,
    pub reviews: Vec<ReviewFact>,
    pub office_jobs: Vec<OfficeJobFact>,
    pub office_payments: Vec<OfficePaymentFact>,
}

impl OrderFact {
    /// Completed public work: `completed` or `reviewed`.
    pub fn completed(&self) -> bool {
        matches!(self.state.as_str(), "completed" | "reviewed")
    }

    /// The buyer: the account when there is one, else the phone number normalised.
    pub fn buyer_key(&self) -> String {
        match self.buyer_user_id {
            Some(id) => format!("akun:{id}"),
            None => format!(
                "hp:{}",
                Phone::parse(&self.buyer_phone)
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_else(|_| self.buyer_phone.trim().to_owned())
            ),
        }
    }

    /// Delivered by the end (WIB) of the day it was needed on; `None` without both dates.
    pub fn on_time(&self) -> Option<bool> {
        Some(self.delivered_at? <= end_of_day(&self.needed_on)?)
    }
}

impl OfficeJobFact {
    /// Completed office work: `paid` or `completed`.
    pub fn completed(&self) -> bool {
        matches!(self.state.as_str(), "paid" | "completed")
    }

    /// Done by the end (WIB) of its last day; `None` without both dates.
    pub fn on_time(&self) -> Option<bool> {
        Some(self.done_at? <= end_of_day(&self.date_until)?)
    }
}

/// The last second (WIB) of an ISO date, as Unix seconds.
pub fn end_of_day(iso: &str) -> Option<i64> {
    let next = parse_iso(iso)?.next_day()?;
    let midnight = PrimitiveDateTime::new(next, Time::MIDNIGHT).assume_offset(WIB);
    Some(midnight.unix_timestamp() - 1)
}

/// The 12 calendar months ending with `as_of`'s month, oldest first, as `YYYY-MM`.
pub fn window(as_of: Date) -> Vec<String> {
    let mut year = as_of.year();
    let mut month = as_of.month();
    let mut months = Vec::with_capacity(12);
    for _ in 0..12 {
        months.push(format!("{year:04}-{:02}", u8::from(month)));
        if month == Month::January {
            year -= 1;
        }
        month = month.previous();
    }
    months.reverse();
    months
}

fn month_of(iso: &str) -> &str {
    iso.get(..7).unwrap_or("")
}

fn date_of(unix: i64) -> String {
    to_iso(wib_date(unix))
}

impl Activity {
    fn completed_orders(&self) -> impl Iterator<Item = &OrderFact> {
        self.orders.iter().filter(|o| o.completed())
    }

    fn completed_jobs(&self) -> impl Iterator<Item = &OfficeJobFact> {
        self.office_jobs.iter().filter(|j| j.completed())
    }

    /// Completed purchases by buyer: (buyer key, description, date, kind, id).
    fn purchases(&self) -> Vec<(String, RecordRow)> {
        let public = self.completed_orders().map(|o| {
            (
                o.buyer_key(),
                order_row(o, date_of(o.completed_at.unwrap_or(o.created_at))),
            )
        });
        let office = self.completed_jobs().map(|j| {
            (
                format!("opd:{}", j.office_id),
                job_row(j, j.quoted_total, j.office.clone()),
            )
        });
        public.chain(office).collect()
    }

    /// The earliest activity: (unix seconds, row describing it).
    fn first_activity(&self) -> Vec<(i64, RecordRow)> {
        let mut rows: Vec<(i64, RecordRow)> = self
            .opened
            .iter()
            .map(|b| {
                (
                    b.created_at,
                    RecordRow {
                        date: date_of(b.created_at),
                        kind: RecordKind::Business,
                        id: b.business_id,
                        description: b.name.clone(),
                        amount: None,
                        rating: None,
                        on_time: None,
                    },
                )
            })
            .collect();
        if let Some(o) = self.orders.iter().min_by_key(|o| (o.created_at, o.id)) {
            rows.push((o.created_at, order_row(o, date_of(o.created_at))));
        }
        if let Some((id, at)) = self.first_office_request {
            let title = self
                .office_jobs
                .iter()
                .find(|j| j.id == id)
                .map(|j| format!("{} · {}", j.office, j.title))
                .unwrap_or_default();
            rows.push((
                at,
                RecordRow {
                    date: date_of(at),
                    kind: RecordKind::OfficeRequest,
                    id,
                    description: title,
                    amount: None,
                    rating: None,
                    on_time: None,
                },
            ));
        }
        rows.sort_by_key(|(at, r)| (*at, r.id));
        rows
    }

    /// Completed work (public orders and office jobs) finished on a WIB date in `from..until`
    /// (ISO dates, `until` excluded), by the same predicates as the record's counts.
    pub fn completed_between(&self, from: &str, until: &str) -> u32 {
        let inside =
            |at: Option<i64>| at.is_some_and(|t| (from..until).contains(&date_of(t).as_str()));
        count(self.completed_orders().filter(|o| inside(o.completed_at)))
            + count(self.completed_jobs().filter(|j| inside(j.finished_at)))
    }

    /// Confirmed revenue (confirmed public payments and live office payments, gross) with
    /// `paid_on` in `from..until` (ISO dates, `until` excluded), as the record's months count it.
    pub fn revenue_between(&self, from: &str, until: &str) -> i64 {
        let inside = |paid_on: &str| (from..until).contains(&paid_on);
        let public: i64 = self
            .orders
            .iter()
            .filter_map(|o| o.confirmed_payment.as_ref())
            .filter(|(paid_on, _)| inside(paid_on))
            .map(|(_, amount)| amount)
            .sum();
        let office: i64 = self
            .office_payments
            .iter()
            .filter(|p| inside(&p.paid_on))
            .map(|p| p.gross)
            .sum();
        public + office
    }

    /// A record of these figures as of `as_of` (a WIB date); the caller adds the person, the
    /// training and the business.
    pub fn figures(&self, as_of: Date) -> TrackRecord {
        let first = self.first_activity().first().map(|(at, _)| wib_date(*at));
        let months = window(as_of);
        let mut revenue: BTreeMap<&str, MonthRevenue> = months
            .iter()
            .map(|m| {
                (
                    m.as_str(),
                    MonthRevenue {
                        month: m.clone(),
                        public: 0,
                        office: 0,
                    },
                )
            })
            .collect();
        for (paid_on, amount) in self
            .orders
            .iter()
            .filter_map(|o| o.confirmed_payment.as_ref())
        {
            if let Some(m) = revenue.get_mut(month_of(paid_on)) {
                m.public += amount;
            }
        }
        for p in &self.office_payments {
            if let Some(m) = revenue.get_mut(month_of(&p.paid_on)) {
                m.office += p.gross;
            }
        }
        let mut per_buyer: BTreeMap<String, u32> = BTreeMap::new();
        for (buyer, _) in self.purchases() {
            *per_buyer.entry(buyer).or_default() += 1;
        }
        let timed: Vec<bool> = self
            .on_time_rows()
            .iter()
            .filter_map(|r| r.on_time)
            .collect();
        let ratings = self.rating_rows();
        TrackRecord {
            as_of: to_iso(as_of),
            active_since: first.map(to_iso),
            months_active: first.map(|d| months_between(d, as_of)).unwrap_or(0),
            orders_public: count(self.completed_orders()),
            orders_office: count(self.completed_jobs()),
            revenue_by_month: revenue.into_values().collect(),
            distinct_buyers: count(per_buyer.values()),
            repeat_buyers: count(per_buyer.values().filter(|n| **n > 1)),
            office_value: self.completed_jobs().filter_map(|j| j.quoted_total).sum(),
            on_time: count(timed.iter().filter(|t| **t)),
            on_time_of: count(timed.iter()),
            rating_total: ratings
                .iter()
                .filter_map(|r| r.rating)
                .map(|r| u32::try_from(r).unwrap_or(0))
                .sum(),
            rating_count: count(ratings.iter()),
            disputes: count(self.dispute_rows().iter()),
            ..TrackRecord::default()
        }
    }

    fn on_time_rows(&self) -> Vec<RecordRow> {
        let public = self.completed_orders().filter_map(|o| {
            o.on_time().map(|on_time| RecordRow {
                on_time: Some(on_time),
                ..order_row(o, o.needed_on.clone())
            })
        });
        let office = self.completed_jobs().filter_map(|j| {
            j.on_time().map(|on_time| RecordRow {
                date: j.date_until.clone(),
                on_time: Some(on_time),
                ..job_row(j, None, format!("{} · {}", j.office, j.title))
            })
        });
        public.chain(office).collect()
    }

    fn rating_rows(&self) -> Vec<RecordRow> {
        let public = self.reviews.iter().map(|r| RecordRow {
            date: date_of(r.created_at),
            kind: RecordKind::Review,
            id: r.order_id,
            description: r.reviewer.clone(),
            amount: None,
            rating: Some(r.rating),
            on_time: None,
        });
        let office = self
            .completed_jobs()
            .filter(|j| j.rating.is_some())
            .map(|j| RecordRow {
                rating: j.rating,
                ..job_row(j, None, format!("{} · {}", j.office, j.title))
            });
        public.chain(office).collect()
    }

    fn dispute_rows(&self) -> Vec<RecordRow> {
        let public = self
            .orders
            .iter()
            .filter_map(|o| o.disputed_at.map(|at| order_row(o, date_of(at))));
        let office = self.office_jobs.iter().filter_map(|j| {
            j.disputed_at.map(|at| RecordRow {
                date: date_of(at),
                ..job_row(j, j.quoted_total, format!("{} · {}", j.office, j.title))
            })
        });
        public.chain(office).collect()
    }

    fn revenue_rows(&self, as_of: Date) -> Vec<RecordRow> {
        let months = window(as_of);
        let inside = |iso: &str| months.iter().any(|m| m == month_of(iso));
        let public = self.orders.iter().filter_map(|o| {
            let (paid_on, amount) = o.confirmed_payment.as_ref()?;
            inside(paid_on).then(|| RecordRow {
                date: paid_on.clone(),
                kind: RecordKind::OrderPayment,
                id: o.id,
                description: o.buyer_name.clone(),
                amount: Some(*amount),
                rating: None,
                on_time: None,
            })
        });
        let office = self
            .office_payments
            .iter()
            .filter(|p| inside(&p.paid_on))
            .map(|p| RecordRow {
                date: p.paid_on.clone(),
                kind: RecordKind::OfficePayment,
                id: p.request_id,
                description: p.title.clone(),
                amount: Some(p.gross),
                rating: None,
                on_time: None,
            });
        public.chain(office).collect()
    }

    /// The records behind one figure, newest first (the buyers' list grouped by buyer).
    pub fn behind(&self, figure: Figure, as_of: Date) -> Vec<RecordRow> {
        let mut rows = match figure {
            Figure::Activity => {
                return self.first_activity().into_iter().map(|(_, r)| r).collect();
            }
            Figure::PublicOrders => self
                .purchases()
                .into_iter()
                .filter(|(_, r)| r.kind == RecordKind::Order)
                .map(|(_, r)| r)
                .collect(),
            Figure::OfficeJobs => self
                .completed_jobs()
                .map(|j| job_row(j, j.quoted_total, format!("{} · {}", j.office, j.title)))
                .collect(),
            Figure::Buyers => {
                let mut rows = self.purchases();
                rows.sort_by(|(a, ra), (b, rb)| a.cmp(b).then(rb.date.cmp(&ra.date)));
                return rows.into_iter().map(|(_, r)| r).collect();
            }
            Figure::Revenue => self.revenue_rows(as_of),
            Figure::OnTime => self.on_time_rows(),
            Figure::Ratings => self.rating_rows(),
            Figure::Disputes => self.dispute_rows(),
        };
        rows.sort_by(|a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
        rows
    }
}

/// An order as a row: its buyer and value, on `date`.
fn order_row(o: &OrderFact, date: String) -> RecordRow {
    RecordRow {
        date,
        kind: RecordKind::Order,
        id: o.id,
        description: o.buyer_name.clone(),
        amount: o.total,
        rating: None,
        on_time: None,
    }
}

fn job_row(j: &OfficeJobFact, amount: Option<i64>, description: String) -> RecordRow {
    RecordRow {
        date: j
            .finished_at
            .map(date_of)
            .unwrap_or_else(|| j.date_until.clone()),
        kind: RecordKind::OfficeRequest,
        id: j.id,
        description,
        amount,
        rating: None,
        on_time: None,
    }
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn end_of_day_is_the_last_wib_second() {
        // 2026-07-14 00:00 WIB is 2026-07-13 17:00 UTC.
        let end = end_of_day("2026-07-13").unwrap();
        assert_eq!(wib_date(end), date!(2026 - 07 - 13));
        assert_eq!(wib_date(end + 1), date!(2026 - 07 - 14));
        assert_eq!(end_of_day("bukan tanggal"), None);
    }

    #[test]
    fn window_is_twelve_months_ending_with_as_of() {
        let w = window(date!(2026 - 03 - 31));
        assert_eq!(w.len(), 12);
        assert_eq!(w.first().map(String::as_str), Some("2025-04"));
        assert_eq!(w.last().map(String::as_str), Some("2026-03"));
    }

    fn order(id: i64, state: &str, phone: &str) -> OrderFact {
        OrderFact {
            id,
            state: state.into(),
            buyer_phone: phone.into(),
            buyer_name: format!("Pembeli {id}"),
            needed_on: "2026-06-10".into(),
            created_at: 1_780_000_000,
            ..OrderFact::default()
        }
    }

    #[test]
    fn buyers_and_on_time_follow_the_definitions() {
        let end = end_of_day("2026-06-10").unwrap();
        let mut a = order(1, "completed", "0812 7788 1020");
        a.delivered_at = Some(end);
        let mut b = order(2, "reviewed", "+6281277881020");
        b.delivered_at = Some(end + 1);
        let c = order(3, "cancelled", "0813 0000 0000");
        let activity = Activity {
            orders: vec![a, b, c],
            ..Activity::default()
        };
        let f = activity.figures(date!(2026 - 07 - 01));
        assert_eq!(f.orders_public, 2);
        assert_eq!((f.distinct_buyers, f.repeat_buyers), (1, 1));
        assert_eq!((f.on_time, f.on_time_of), (1, 2));
        assert_eq!(
            activity.behind(Figure::OnTime, date!(2026 - 07 - 01)).len(),
            2
        );
    }

    #[test]
    fn nothing_stored_is_all_zeros() {
        let f = Activity::default().figures(date!(2026 - 07 - 01));
        assert_eq!(f.active_since, None);
        assert_eq!(f.months_active, 0);
        assert_eq!(f.revenue_by_month.len(), 12);
        assert!(f.revenue_by_month.iter().all(|m| m.total() == 0));
    }
}
