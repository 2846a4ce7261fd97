use std::collections::BTreeSet;

use time::macros::date;

use super::*;

/// The legal moves written out independently of `rule()`, as the issue describes them.
const LEGAL: &[(State, Party, Action, &[State])] = {
    use Action as A;
    use Party as P;
    use State as S;
    &[
        (S::Open, P::Office, A::Offer, &[S::Offered]),
        (S::Offered, P::Provider, A::Quote, &[S::Quoted]),
        (
            S::Offered,
            P::Provider,
            A::Decline,
            &[S::Offered, S::Unserved],
        ),
        (S::Offered, P::System, A::Expire, &[S::Offered, S::Unserved]),
        (
            S::Quoted,
            P::Office,
            A::RejectQuote,
            &[S::Offered, S::Unserved],
        ),
        (S::Quoted, P::Office, A::Order, &[S::Ordered]),
        (S::Ordered, P::Provider, A::MarkDone, &[S::Done]),
        (S::Done, P::Office, A::SignBast, &[S::Accepted]),
        (S::Done, P::Office, A::Dispute, &[S::Disputed]),
        (S::Disputed, P::Agency, A::ResolveRedo, &[S::Ordered]),
        (S::Disputed, P::Agency, A::ResolveCancel, &[S::Cancelled]),
        (S::Accepted, P::Treasurer, A::RecordPayment, &[S::Paid]),
        (S::Paid, P::Treasurer, A::VoidPayment, &[S::Accepted]),
        (S::Paid, P::Provider, A::ConfirmReceipt, &[S::Completed]),
        (S::Open, P::Office, A::Cancel, &[S::Cancelled]),
        (S::Offered, P::Office, A::Cancel, &[S::Cancelled]),
        (S::Quoted, P::Office, A::Cancel, &[S::Cancelled]),
        (S::Ordered, P::Office, A::Cancel, &[S::Cancelled]),
        (S::Unserved, P::Office, A::Cancel, &[S::Cancelled]),
        (S::Unserved, P::Office, A::Reopen, &[S::Open]),
    ]
};

#[test]
fn every_combination_is_decided_as_written() {
    for state in State::ALL {
        for party in Party::ALL {
            for action in Action::ALL {
                let legal = LEGAL
                    .iter()
                    .find(|(s, p, a, _)| *s == state && *p == party && *a == action);
                match (decide(state, party, action), legal) {
                    (Ok(to), Some((_, _, _, targets))) => {
                        assert!(targets.contains(&to), "{state:?} {party:?} {action:?}")
                    }
                    (Err(_), None) => {}
                    (got, want) => panic!("{state:?} {party:?} {action:?}: {got:?} vs {want:?}"),
                }
            }
        }
    }
}

#[test]
fn refusals_name_the_wrong_party_or_state() {
    let r = decide(State::Done, Party::Provider, Action::SignBast).unwrap_err();
    assert!(r.is_not_yours());
    assert!(r.to_string().contains("OPD pemesan"), "{r}");
    let r = decide(State::Quoted, Party::Office, Action::SignBast).unwrap_err();
    assert!(!r.is_not_yours());
    assert!(r.to_string().contains("Penawaran harga masuk"), "{r}");
    assert!(available_actions(State::Completed, Party::Office).is_empty());
    assert!(available_actions(State::Cancelled, Party::Provider).is_empty());
    assert_eq!(
        available_actions(State::Paid, Party::Provider),
        vec![Action::ConfirmReceipt]
    );
}

#[test]
fn passing_on_leads_to_the_next_or_to_unserved() {
    assert_eq!(passed_on(true), State::Offered);
    assert_eq!(passed_on(false), State::Unserved);
    for a in Action::ALL {
        assert_eq!(
            a.passes_on(),
            matches!(a, Action::Decline | Action::Expire | Action::RejectQuote)
        );
    }
}

fn migration_pairs(sql: &str) -> BTreeSet<(State, State)> {
    crate::domain::migration_transitions(sql, "office_request_transitions")
        .into_iter()
        .map(|(from, to)| {
            (
                State::parse(&from).unwrap_or_else(|| panic!("state {from}")),
                State::parse(&to).unwrap_or_else(|| panic!("state {to}")),
            )
        })
        .collect()
}

#[test]
fn the_migrations_transition_tables_equal_the_domains() {
    let sqlite = include_str!("../../../../migrations/sqlite/0005_government.sql");
    let postgres = include_str!("../../../../migrations/postgres/0005_government.sql");
    assert_eq!(migration_pairs(sqlite), transitions());
    assert_eq!(migration_pairs(postgres), transitions());
}

#[test]
fn names_round_trip() {
    for s in State::ALL {
        assert_eq!(State::parse(s.as_str()), Some(s));
    }
    for p in Party::ALL {
        assert_eq!(Party::parse(p.as_str()), Some(p));
    }
    for a in Action::ALL {
        assert_eq!(Action::from_slug(a.slug()), Some(a));
    }
}

fn categories() -> Vec<CategoryChoice> {
    vec![CategoryChoice {
        id: 3,
        name: "Servis AC".into(),
        unit: "unit".into(),
    }]
}

fn input() -> RequestInput {
    RequestInput {
        category_id: "3".into(),
        title: "Servis AC ruang rapat".into(),
        item_description: vec!["Servis AC split 1 PK".into(), "".into()],
        item_quantity: vec!["12".into(), "".into()],
        item_unit: vec!["".into(), "".into()],
        place: "Jl. Lintas Timur".into(),
        kecamatan: "15.07.07".into(),
        date_from: "2026-12-10".into(),
        date_until: "".into(),
        time_window: "08.00–12.00".into(),
        hps: "1.500.000".into(),
        budget_line_id: "".into(),
        notes: "".into(),
    }
}

fn parse(i: &RequestInput) -> Result<NewRequest, FieldErrors> {
    NewRequest::parse(
        i,
        &categories(),
        &["15.07.07".to_string()],
        &[9],
        date!(2026 - 11 - 29),
    )
}

#[test]
fn a_valid_request_takes_the_category_unit_and_one_day() {
    let r = parse(&input()).unwrap();
    assert_eq!(
        r.items,
        vec![Item {
            description: "Servis AC split 1 PK".into(),
            quantity: 12,
            unit: "unit".into()
        }]
    );
    assert_eq!(r.date_until, date!(2026 - 12 - 10));
    assert_eq!(r.hps, Some(1_500_000));
    assert_eq!(r.budget_line_id, None);
}

#[test]
fn bad_requests_get_a_message_per_field() {
    let mut i = input();
    i.category_id = "99".into();
    i.title = "AC".into();
    i.item_quantity = vec!["dua belas".into()];
    i.kecamatan = "15.08.01".into();
    i.date_from = "2026-11-01".into();
    i.date_until = "2026-10-01".into();
    i.hps = "1,5 juta".into();
    i.budget_line_id = "10".into();
    let errors = parse(&i).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
    for f in [
        "category_id",
        "title",
        "item-0",
        "kecamatan",
        "date_from",
        "date_until",
        "hps",
        "budget_line_id",
    ] {
        assert!(fields.contains(&f), "{f} missing in {fields:?}");
    }
    let mut i = input();
    i.item_description = vec!["".into()];
    i.item_quantity = vec!["".into()];
    let errors = parse(&i).unwrap_err();
    assert_eq!(errors[0].0, "items");
}

#[test]
fn quotes_price_every_item_and_respect_the_hps() {
    let q = Quote::parse(&["100.000".into(), "25.000".into()], &[12, 2], "", None).unwrap();
    assert_eq!(q.total, 1_250_000);
    assert_eq!(q.unit_prices, vec![100_000, 25_000]);
    let e = Quote::parse(&["100.000".into(), "".into()], &[12, 2], "", None).unwrap_err();
    assert_eq!(e[0].0, "price-1");
    let e = Quote::parse(&["100.000".into()], &[12], "", Some(1_000_000)).unwrap_err();
    assert!(e[0].1.contains("melebihi HPS Rp1.000.000"), "{:?}", e);
    assert!(reason("ok").is_err());
    assert_eq!(reason("  jadwal penuh  ").unwrap(), "jadwal penuh");
}

#[test]
fn allowed_answers_the_page_and_the_post_alike() {
    for state in State::ALL {
        for party in Party::ALL {
            let allowed = Allowed::new(state, party);
            for action in Action::ALL {
                assert_eq!(allowed.may(action), decide(state, party, action));
                assert_eq!(allowed.can(action), allowed.actions().contains(&action));
            }
        }
    }
    // The flags of the request page, each the answer for one action.
    assert!(Allowed::new(State::Offered, Party::Provider).can(Action::Quote));
    assert!(!Allowed::new(State::Offered, Party::Office).can(Action::Quote));
    assert!(Allowed::new(State::Quoted, Party::Office).can(Action::Order));
    assert!(Allowed::new(State::Done, Party::Office).can(Action::SignBast));
    assert!(Allowed::new(State::Accepted, Party::Treasurer).can(Action::RecordPayment));
    assert!(!Allowed::new(State::Accepted, Party::Office).can(Action::RecordPayment));
    assert!(Allowed::new(State::Paid, Party::Treasurer).can(Action::VoidPayment));
    assert!(Allowed::new(State::Paid, Party::Provider).can(Action::ConfirmReceipt));
    let refused = Allowed::new(State::Accepted, Party::Provider)
        .may(Action::RecordPayment)
        .unwrap_err();
    assert!(refused.is_not_yours());
    assert_eq!(
        refused.to_string(),
        "“Catat pembayaran” hanya dapat dilakukan oleh bendahara OPD, bukan oleh Penyedia."
    );
    let later = Allowed::new(State::Paid, Party::Treasurer)
        .may(Action::RecordPayment)
        .unwrap_err();
    assert!(!later.is_not_yours());
}

#[test]
fn only_the_issuer_replaces_a_live_document() {
    use DocumentKind as K;
    let office = Allowed::new(State::Ordered, Party::Office);
    let provider = Allowed::new(State::Ordered, Party::Provider);
    let treasurer = Allowed::new(State::Paid, Party::Treasurer);
    assert_eq!(office.may_reissue(K::SuratPesanan, false), Ok(()));
    assert_eq!(office.may_reissue(K::Spk, false), Ok(()));
    assert_eq!(office.may_reissue(K::Bast, false), Ok(()));
    assert_eq!(
        office.may_reissue(K::Invoice, false),
        Err(Refusal::NotIssuer)
    );
    assert_eq!(provider.may_reissue(K::Invoice, false), Ok(()));
    assert_eq!(
        provider.may_reissue(K::SuratPesanan, false),
        Err(Refusal::NotIssuer)
    );
    // Receipts are replaced by voiding the payment, never one by one.
    for kind in [K::Kuitansi, K::BuktiPembelian] {
        assert_eq!(office.may_reissue(kind, false), Err(Refusal::NotIssuer));
        assert_eq!(provider.may_reissue(kind, false), Err(Refusal::NotIssuer));
        assert_eq!(treasurer.may_reissue(kind, false), Err(Refusal::NotIssuer));
    }
    assert!(Refusal::NotIssuer.is_not_yours());
    assert_eq!(
        Allowed::new(State::Cancelled, Party::Office).may_reissue(K::SuratPesanan, false),
        Err(Refusal::RequestCancelled)
    );
    assert_eq!(
        office.may_reissue(K::SuratPesanan, true),
        Err(Refusal::DocumentVoided)
    );
}
