//! Each rule alone, at its boundary: met exactly at the limit, not met one below (or above).

use super::*;
use crate::domain::capital::record::{Business, MonthRevenue, Person, Training};

fn record() -> TrackRecord {
    TrackRecord {
        as_of: "2026-12-07".into(),
        person: Person {
            alumnus_id: 1,
            name: "Siti".into(),
            gender: "P".into(),
            birth_date: Some("1990-12-07".into()),
            kecamatan_code: Some("15.07.01".into()),
            kecamatan: "Muara Sabak Timur".into(),
        },
        training: vec![Training {
            trade_id: 3,
            trade: "Tata Boga".into(),
            program: "Pembuatan Kue".into(),
            batch_number: 1,
            year: 2024,
            result: Some("lulus".into()),
            competency: Some("kompeten".into()),
            cert_number: Some("LSP-123".into()),
        }],
        business: Some(Business {
            id: 1,
            nib: "1234567890123".into(),
            kecamatan_code: Some("15.07.02".into()),
            ..Business::default()
        }),
        months_active: 6,
        orders_public: 10,
        orders_office: 4,
        revenue_by_month: (1..=12)
            .map(|m| MonthRevenue {
                month: format!("2026-{m:02}"),
                public: 1_000_000,
                office: 0,
            })
            .collect(),
        ..TrackRecord::default()
    }
}

fn verdict(rules: Rules, r: &TrackRecord, open: bool) -> Verdict {
    let trade = |id: i64| format!("Kejuruan {id}");
    let kec = |c: &str| format!("Kec {c}");
    check(
        &rules,
        r,
        &Context {
            trade_name: &trade,
            kecamatan_name: &kec,
            open_in_program: open,
        },
    )
}

/// The one rule's check: met or not.
fn one(rules: Rules, r: &TrackRecord) -> bool {
    let v = verdict(rules, r, false);
    assert_eq!(v.total(), 1, "exactly one rule is checked: {v:?}");
    v.eligible()
}

#[test]
fn no_rules_is_eligible() {
    let v = verdict(Rules::default(), &record(), false);
    assert!(v.eligible());
    assert_eq!(v.summary(), "Program ini tidak memiliki syarat khusus.");
}

#[test]
fn trades() {
    let r = record();
    assert!(one(
        Rules {
            trades: vec![3, 9],
            ..Rules::default()
        },
        &r
    ));
    assert!(!one(
        Rules {
            trades: vec![4],
            ..Rules::default()
        },
        &r
    ));
}

#[test]
fn months_active_at_the_boundary() {
    let r = record();
    assert!(one(
        Rules {
            min_months_active: Some(6),
            ..Rules::default()
        },
        &r
    ));
    assert!(!one(
        Rules {
            min_months_active: Some(7),
            ..Rules::default()
        },
        &r
    ));
}

#[test]
fn orders_together_and_each() {
    let r = record();
    assert!(one(
        Rules {
            min_orders_total: Some(14),
            ..Rules::default()
        },
        &r
    ));
    assert!(!one(
        Rules {
            min_orders_total: Some(15),
            ..Rules::default()
        },
        &r
    ));
    assert!(one(
        Rules {
            min_orders_public: Some(10),
            ..Rules::default()
        },
        &r
    ));
    assert!(!one(
        Rules {
            min_orders_public: Some(11),
            ..Rules::default()
        },
        &r
    ));
    assert!(one(
        Rules {
            min_orders_office: Some(4),
            ..Rules::default()
        },
        &r
    ));
    assert!(!one(
        Rules {
            min_orders_office: Some(5),
            ..Rules::default()
        },
        &r
    ));
}

#[test]
fn revenue_over_the_rules_window() {
    let r = record();
    let rules = |min, months| Rules {
        min_revenue: Some(min),
        revenue_months: Some(months),
        ..Rules::default()
    };
    assert!(one(rules(3_000_000, 3), &r));
    assert!(!one(rules(3_000_001, 3), &r));
    assert!(one(rules(12_000_000, 12), &r));
    assert!(!one(rules(12_000_001, 12), &r));
    let v = verdict(rules(3_000_001, 3), &r, false);
    assert_eq!(v.checks[0].yours, "Rp3.000.000");
}

#[test]
fn kecamatan_is_the_business_s() {
    let r = record();
    assert!(one(
        Rules {
            kecamatan: vec!["15.07.02".into()],
            ..Rules::default()
        },
        &r
    ));
    // The person's own kecamatan does not count when the business has one.
    assert!(!one(
        Rules {
            kecamatan: vec!["15.07.01".into()],
            ..Rules::default()
        },
        &r
    ));
    let mut no_business = record();
    no_business.business = None;
    assert!(one(
        Rules {
            kecamatan: vec!["15.07.01".into()],
            ..Rules::default()
        },
        &no_business
    ));
}

#[test]
fn nib_and_certificate() {
    let r = record();
    assert!(one(
        Rules {
            nib_required: true,
            ..Rules::default()
        },
        &r
    ));
    assert!(one(
        Rules {
            certificate_required: true,
            ..Rules::default()
        },
        &r
    ));
    let mut without = record();
    without.business.as_mut().unwrap().nib = "  ".into();
    without.training[0].cert_number = None;
    assert!(!one(
        Rules {
            nib_required: true,
            ..Rules::default()
        },
        &without
    ));
    assert!(!one(
        Rules {
            certificate_required: true,
            ..Rules::default()
        },
        &without
    ));
    // Competent with a number, but assessed not yet competent, is not certified.
    let mut not_yet = record();
    not_yet.training[0].competency = Some("belum_kompeten".into());
    assert!(!one(
        Rules {
            certificate_required: true,
            ..Rules::default()
        },
        &not_yet
    ));
}

#[test]
fn age_counts_whole_years_to_the_day() {
    // Born 1990-12-07, as of 2026-12-07: 36 today.
    let r = record();
    assert!(one(
        Rules {
            min_age: Some(36),
            ..Rules::default()
        },
        &r
    ));
    assert!(!one(
        Rules {
            min_age: Some(37),
            ..Rules::default()
        },
        &r
    ));
    assert!(one(
        Rules {
            max_age: Some(36),
            ..Rules::default()
        },
        &r
    ));
    assert!(!one(
        Rules {
            max_age: Some(35),
            ..Rules::default()
        },
        &r
    ));
    let mut day_before = record();
    day_before.as_of = "2026-12-06".into();
    assert!(one(
        Rules {
            max_age: Some(35),
            ..Rules::default()
        },
        &day_before
    ));
    let mut unknown = record();
    unknown.person.birth_date = None;
    assert!(!one(
        Rules {
            min_age: Some(18),
            max_age: Some(60),
            ..Rules::default()
        },
        &unknown
    ));
}

#[test]
fn one_open_application_at_a_time() {
    let r = record();
    let rules = Rules {
        one_at_a_time: true,
        ..Rules::default()
    };
    assert!(verdict(rules.clone(), &r, false).eligible());
    assert!(!verdict(rules, &r, true).eligible());
}

#[test]
fn the_summary_names_what_is_missing_and_how() {
    let mut r = record();
    r.business.as_mut().unwrap().nib.clear();
    let rules = Rules {
        trades: vec![3],
        min_months_active: Some(6),
        min_orders_total: Some(5),
        nib_required: true,
        certificate_required: true,
        ..Rules::default()
    };
    let v = verdict(rules, &r, false);
    assert_eq!(
        v.summary(),
        format!("Anda memenuhi 4 dari 5 syarat. Kurang: NIB (cara mengurus: {HOW_NIB}).")
    );
}
