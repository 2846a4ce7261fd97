use super::*;
use time::macros::date;

use Action::*;
use Party::*;
use State::*;

/// The issue's rules written out independently of `Action::rule`: every legal
/// (state, party, action) and where it leads. Everything not listed must be refused.
const LEGAL: &[(State, Party, Action, State)] = &[
    (Requested, Seller, Quote, Quoted),
    (Requested, Seller, Accept, Accepted),
    (Requested, Buyer, Cancel, Cancelled),
    (Requested, Seller, Cancel, Cancelled),
    (Quoted, Buyer, AcceptQuote, Accepted),
    (Quoted, Buyer, RejectQuote, Requested),
    (Quoted, Buyer, Cancel, Cancelled),
    (Quoted, Seller, Cancel, Cancelled),
    (Accepted, Seller, Start, InProgress),
    (Accepted, Buyer, Cancel, Cancelled),
    (Accepted, Seller, Cancel, Cancelled),
    (InProgress, Seller, Deliver, Delivered),
    (Delivered, Buyer, Confirm, Completed),
    (Delivered, System, AutoComplete, Completed),
    (Delivered, Buyer, Dispute, Disputed),
    (Delivered, Seller, Dispute, Disputed),
    (Completed, Buyer, Review, Reviewed),
    (Completed, Buyer, Dispute, Disputed),
    (Completed, Seller, Dispute, Disputed),
    (Disputed, Agency, ResolveComplete, Completed),
    (Disputed, Agency, ResolveCancel, Cancelled),
];

#[test]
fn every_combination_is_decided_as_the_issue_says() {
    let mut legal = 0;
    for state in State::ALL {
        for party in Party::ALL {
            for action in Action::ALL {
                let expected = LEGAL
                    .iter()
                    .find(|(s, p, a, _)| *s == state && *p == party && *a == action)
                    .map(|(_, _, _, to)| *to);
                match (decide(state, party, action), expected) {
                    (Ok(to), Some(want)) => {
                        assert_eq!(to, want, "{state:?} {party:?} {action:?}");
                        legal += 1;
                    }
                    (Err(refusal), None) => {
                        // The message names the action and is Indonesian text.
                        let msg = refusal.to_string();
                        assert!(msg.contains(action.label()), "{msg}");
                    }
                    (got, want) => {
                        panic!("{state:?} {party:?} {action:?}: got {got:?}, want {want:?}")
                    }
                }
            }
        }
    }
    assert_eq!(legal, LEGAL.len());
    assert_eq!(
        State::ALL.len() * Party::ALL.len() * Action::ALL.len(),
        9 * 4 * 13
    );
}

#[test]
fn refusals_say_whether_the_party_or_the_state_is_wrong() {
    assert_eq!(
        decide(InProgress, Buyer, Deliver),
        Err(Refusal::NotYours {
            action: Deliver,
            party: Buyer
        })
    );
    assert_eq!(
        decide(Delivered, Seller, Confirm),
        Err(Refusal::NotYours {
            action: Confirm,
            party: Seller
        })
    );
    assert_eq!(
        decide(InProgress, Buyer, Cancel),
        Err(Refusal::WrongState {
            action: Cancel,
            state: InProgress
        })
    );
    assert_eq!(
        decide(Requested, Agency, Cancel),
        Err(Refusal::NotYours {
            action: Cancel,
            party: Agency
        })
    );
    assert!(
        decide(InProgress, Buyer, Cancel)
            .unwrap_err()
            .to_string()
            .contains("Sedang dikerjakan")
    );
    assert!(
        decide(Delivered, Buyer, Deliver)
            .unwrap_err()
            .to_string()
            .contains("hanya dapat dilakukan oleh penjual")
    );
}

#[test]
fn terminal_states_offer_nothing_to_anyone() {
    for party in Party::ALL {
        assert!(available_actions(Reviewed, party).is_empty());
        assert!(available_actions(Cancelled, party).is_empty());
    }
    assert_eq!(
        available_actions(Requested, Seller),
        vec![Quote, Accept, Cancel]
    );
    assert_eq!(available_actions(Requested, Buyer), vec![Cancel]);
    assert_eq!(
        available_actions(Quoted, Buyer),
        vec![AcceptQuote, RejectQuote, Cancel]
    );
    assert_eq!(available_actions(Delivered, Buyer), vec![Confirm, Dispute]);
    assert_eq!(available_actions(Delivered, System), vec![AutoComplete]);
    assert_eq!(
        available_actions(Disputed, Agency),
        vec![ResolveComplete, ResolveCancel]
    );
}

#[test]
fn accepting_needs_a_total_and_a_decided_dispute_is_final() {
    let unpriced = Facts {
        state: Requested,
        total_known: false,
        disputed_before: false,
        payment: PaymentStatus::None,
        review: ReviewStatus::None,
    };
    assert_eq!(check(&unpriced, Seller, Accept), Err(Refusal::NeedsTotal));
    assert_eq!(check(&unpriced, Seller, Quote), Ok(Quoted));
    assert_eq!(allowed(&unpriced, Seller).actions(), vec![Quote, Cancel]);
    let priced = Facts {
        total_known: true,
        ..unpriced
    };
    assert_eq!(check(&priced, Seller, Accept), Ok(Accepted));
    let resolved = Facts {
        state: Completed,
        disputed_before: true,
        ..priced
    };
    assert_eq!(
        check(&resolved, Buyer, Dispute),
        Err(Refusal::DisputedBefore)
    );
    assert_eq!(check(&resolved, Buyer, Review), Ok(Reviewed));
}

fn migration_pairs(sql: &str) -> BTreeSet<(State, State)> {
    crate::domain::migration_transitions(sql, "order_transitions")
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
    let sqlite = include_str!("../../../migrations/sqlite/0004_marketplace.sql");
    let postgres = include_str!("../../../migrations/postgres/0004_marketplace.sql");
    assert_eq!(migration_pairs(sqlite), transitions());
    assert_eq!(migration_pairs(postgres), transitions());
}

#[test]
fn states_parties_and_actions_round_trip() {
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

fn offers() -> Vec<Offer> {
    vec![
        Offer {
            listing_id: 1,
            title: "Kue ulang tahun".into(),
            unit: "loyang".into(),
            price_kind: PriceKind::Fixed,
            price: Some(150_000),
            min_order: 1,
            lead_days: 2,
        },
        Offer {
            listing_id: 2,
            title: "Snack box".into(),
            unit: "kotak".into(),
            price_kind: PriceKind::Fixed,
            price: Some(12_000),
            min_order: 20,
            lead_days: 1,
        },
        Offer {
            listing_id: 3,
            title: "Servis AC".into(),
            unit: "unit".into(),
            price_kind: PriceKind::From,
            price: Some(75_000),
            min_order: 1,
            lead_days: 0,
        },
        Offer {
            listing_id: 4,
            title: "Pasang AC".into(),
            unit: "unit".into(),
            price_kind: PriceKind::Quote,
            price: None,
            min_order: 1,
            lead_days: 0,
        },
    ]
}

fn input(quantities: &[(i64, &str)], needed_on: &str) -> OrderInput {
    OrderInput {
        quantities: quantities
            .iter()
            .map(|(i, q)| (*i, (*q).to_owned()))
            .collect(),
        needed_on: needed_on.into(),
        fulfilment: "delivery".into(),
        address: "Jl. Lintas Timur RT 03, Nipah Panjang".into(),
        note: String::new(),
        name: "  Budi   Santoso ".into(),
        phone: "0812 3456 7890".into(),
        email: String::new(),
    }
}

const TODAY: Date = date!(2026 - 03 - 10);

#[test]
fn fixed_price_orders_have_a_total() {
    let order = NewOrder::parse(
        &input(&[(1, "2"), (2, "20")], "2026-03-12"),
        &offers(),
        TODAY,
    )
    .expect("valid");
    assert_eq!(
        order.total,
        Some(Rupiah::new(2 * 150_000 + 20 * 12_000).unwrap())
    );
    assert_eq!(order.name, "Budi Santoso");
    assert_eq!(order.phone.as_str(), "+6281234567890");
    assert_eq!(order.lines.len(), 2);
}

#[test]
fn from_and_quote_prices_leave_the_total_to_a_quote() {
    let order = NewOrder::parse(&input(&[(3, "2")], "2026-03-10"), &offers(), TODAY).unwrap();
    assert_eq!(order.total, None);
    assert_eq!(order.estimate(), 150_000);
    let order = NewOrder::parse(
        &input(&[(1, "1"), (4, "1")], "12/03/2026"),
        &offers(),
        TODAY,
    )
    .unwrap();
    assert_eq!(order.total, None);
}

#[test]
fn minimum_order_and_lead_time_are_enforced() {
    let errors = NewOrder::parse(&input(&[(2, "5")], "2026-03-11"), &offers(), TODAY).unwrap_err();
    assert_eq!(errors.item(2).as_deref(), Some("Minimal pesan 20 kotak."));
    let errors = NewOrder::parse(&input(&[(1, "1")], "2026-03-11"), &offers(), TODAY).unwrap_err();
    let msg = errors.field("needed_on").unwrap();
    assert!(
        msg.contains("2 hari") && msg.contains("12 Maret 2026"),
        "{msg}"
    );
    let errors = NewOrder::parse(&input(&[(3, "1")], "2026-03-09"), &offers(), TODAY).unwrap_err();
    assert!(
        errors
            .field("needed_on")
            .unwrap()
            .contains("sebelum hari ini")
    );
}

#[test]
fn bad_input_gets_a_message_for_each_field() {
    let mut bad = input(&[(1, "dua")], "kemarin");
    bad.fulfilment = "drone".into();
    bad.name = " ".into();
    bad.phone = "12345".into();
    bad.email = "bukan email".into();
    let errors = NewOrder::parse(&bad, &offers(), TODAY).unwrap_err();
    assert!(errors.item(1).is_some());
    for f in ["needed_on", "fulfilment", "name", "phone", "email"] {
        assert!(errors.field(f).is_some(), "{f}");
    }
    let errors = NewOrder::parse(&input(&[], "2026-03-20"), &offers(), TODAY).unwrap_err();
    assert!(errors.field("items").is_some());
    let mut no_address = input(&[(1, "1")], "2026-03-20");
    no_address.address = "".into();
    assert!(
        NewOrder::parse(&no_address, &offers(), TODAY)
            .unwrap_err()
            .field("address")
            .is_some()
    );
    no_address.fulfilment = "pickup".into();
    assert!(NewOrder::parse(&no_address, &offers(), TODAY).is_ok());
}

#[test]
fn reasons_payments_and_reviews_validate() {
    assert!(parse_reason("  ").is_err());
    assert_eq!(parse_reason(" Salah pesan ").unwrap(), "Salah pesan");
    assert!(parse_quote("0").is_err());
    assert_eq!(parse_quote("Rp 1.250.000").unwrap().amount(), 1_250_000);
    let p = Payment::parse("qris", "2026-03-10", "300.000", TODAY).unwrap();
    assert_eq!((p.method, p.amount.amount()), (PayMethod::Qris, 300_000));
    let e = Payment::parse("emas", "2026-03-11", "-5", TODAY).unwrap_err();
    assert_eq!(e.len(), 3);
    assert!(ReviewForm::parse("0", "").is_err());
    assert!(ReviewForm::parse("6", "").is_err());
    assert_eq!(
        ReviewForm::parse("5", " Enak ").unwrap(),
        ReviewForm {
            rating: 5,
            body: "Enak".into()
        }
    );
    assert_eq!(stars(4), "★★★★☆");
    assert!(
        payment_allowed(Accepted) && !payment_allowed(Requested) && !payment_allowed(Cancelled)
    );
}

fn facts(state: State) -> Facts {
    Facts {
        state,
        total_known: true,
        disputed_before: false,
        payment: PaymentStatus::None,
        review: ReviewStatus::None,
    }
}

#[test]
fn the_answer_offers_exactly_the_changes_of_state_check_allows() {
    for state in State::ALL {
        for party in Party::ALL {
            for total_known in [false, true] {
                let f = Facts {
                    total_known,
                    ..facts(state)
                };
                let answer = allowed(&f, party);
                for action in Action::ALL {
                    assert_eq!(
                        answer.check(Step::Act(action)),
                        check(&f, party, action).map(|_| ()),
                        "{state:?} {party:?} {action:?}"
                    );
                }
                let expected: Vec<Action> = Action::ALL
                    .into_iter()
                    .filter(|a| check(&f, party, *a).is_ok())
                    .collect();
                assert_eq!(answer.actions(), expected);
            }
        }
    }
}

#[test]
fn only_the_seller_records_a_payment_once_the_order_is_agreed_until_it_is_confirmed() {
    let agreed = facts(Accepted);
    assert!(allowed(&agreed, Seller).permits(Step::RecordPayment));
    for party in [Buyer, Agency, System] {
        assert_eq!(
            allowed(&agreed, party).check(Step::RecordPayment),
            Err(Refusal::PaymentBySeller)
        );
    }
    assert!(Refusal::PaymentBySeller.is_not_yours());
    for state in State::ALL {
        let answer = allowed(&facts(state), Seller).check(Step::RecordPayment);
        if payment_allowed(state) {
            assert_eq!(answer, Ok(()), "{state:?}");
        } else {
            assert_eq!(answer, Err(Refusal::PaymentNotNow { state }), "{state:?}");
        }
    }
    // A recorded payment may be corrected; a confirmed one is final.
    let recorded = Facts {
        payment: PaymentStatus::Recorded,
        ..agreed
    };
    assert!(allowed(&recorded, Seller).permits(Step::RecordPayment));
    let confirmed = Facts {
        payment: PaymentStatus::Confirmed,
        ..agreed
    };
    assert_eq!(
        allowed(&confirmed, Seller).check(Step::RecordPayment),
        Err(Refusal::PaymentConfirmed)
    );
    assert!(!Refusal::PaymentConfirmed.is_not_yours());
    assert!(
        Refusal::PaymentNotNow { state: Requested }
            .to_string()
            .contains("Menunggu tanggapan penjual")
    );
}

#[test]
fn only_the_buyer_confirms_a_recorded_payment() {
    let recorded = Facts {
        payment: PaymentStatus::Recorded,
        ..facts(Delivered)
    };
    assert!(allowed(&recorded, Buyer).permits(Step::ConfirmPayment));
    for party in [Seller, Agency, System] {
        assert_eq!(
            allowed(&recorded, party).check(Step::ConfirmPayment),
            Err(Refusal::ConfirmByBuyer)
        );
    }
    for payment in [PaymentStatus::None, PaymentStatus::Confirmed] {
        let f = Facts {
            payment,
            ..recorded
        };
        assert_eq!(
            allowed(&f, Buyer).check(Step::ConfirmPayment),
            Err(Refusal::NothingToConfirm)
        );
    }
}

#[test]
fn only_the_seller_replies_once_to_a_review() {
    let reviewed = Facts {
        review: ReviewStatus::Unreplied,
        ..facts(Reviewed)
    };
    assert!(allowed(&reviewed, Seller).permits(Step::Reply));
    for party in [Buyer, Agency, System] {
        assert_eq!(
            allowed(&reviewed, party).check(Step::Reply),
            Err(Refusal::ReplyBySeller)
        );
    }
    assert!(Refusal::ReplyBySeller.is_not_yours());
    for review in [ReviewStatus::None, ReviewStatus::Replied] {
        let f = Facts { review, ..reviewed };
        assert_eq!(
            allowed(&f, Seller).check(Step::Reply),
            Err(Refusal::NoReviewToReply)
        );
    }
}

#[test]
fn the_parties_write_in_the_thread_in_every_state_and_the_system_never() {
    for state in State::ALL {
        for party in [Buyer, Seller, Agency] {
            assert!(allowed(&facts(state), party).permits(Step::Message));
        }
        assert_eq!(
            allowed(&facts(state), System).check(Step::Message),
            Err(Refusal::MessageNotYours { party: System })
        );
    }
}

#[test]
fn reviewing_is_the_buyers_once_the_order_is_completed() {
    assert!(allowed(&facts(Completed), Buyer).permits(Step::Act(Review)));
    assert_eq!(
        allowed(&facts(Completed), Seller).check(Step::Act(Review)),
        Err(Refusal::NotYours {
            action: Review,
            party: Seller
        })
    );
    assert_eq!(
        allowed(&facts(Reviewed), Buyer).check(Step::Act(Review)),
        Err(Refusal::WrongState {
            action: Review,
            state: Reviewed
        })
    );
}

fn line(kind: PriceKind, price: Option<i64>, quantity: i64) -> Line {
    Line {
        listing_id: 1,
        title: "Kue".into(),
        unit: "loyang".into(),
        quantity,
        price_kind: kind,
        unit_price: price,
    }
}

#[test]
fn the_bill_lines_and_the_items_add_up_to_the_total() {
    let fixed = [line(PriceKind::Fixed, Some(50_000), 2)];
    // Fixed prices with a fee: only the fee line.
    assert_eq!(
        bill_lines(&fixed, 115_000, 15_000, true),
        vec![BillLine {
            label: "Ongkos kirim",
            amount: 15_000
        }]
    );
    // Pickup, no fee: nothing between the items and the total.
    assert!(bill_lines(&fixed, 100_000, 0, false).is_empty());
    // A quote below the fixed prices shows the difference.
    let quoted = bill_lines(&fixed, 95_000, 5_000, true);
    assert_eq!(quoted[0].amount, -10_000);
    assert_eq!(quoted[0].label, "Potongan sesuai penawaran");
    // Quoted items: the agreed price is a line of its own.
    let open = [line(PriceKind::Quote, None, 1)];
    let bill = bill_lines(&open, 300_000, 20_000, true);
    assert_eq!(bill.iter().map(|b| b.amount).sum::<i64>(), 300_000);
    let from = [line(PriceKind::From, Some(100_000), 1)];
    assert_eq!(
        bill_lines(&from, 120_000, 0, false),
        vec![BillLine {
            label: "Harga sesuai penawaran",
            amount: 120_000
        }]
    );
}

#[test]
fn a_delivery_fee_is_whole_rupiah_and_empty_means_free() {
    assert_eq!(parse_fee("").unwrap().amount(), 0);
    assert_eq!(parse_fee("Rp15.000").unwrap().amount(), 15_000);
    assert!(parse_fee("-5").is_err());
    assert!(parse_fee("lima ribu").is_err());
    assert!(parse_fee("20000000").is_err());
    assert!(Fulfilment::Delivery.has_delivery_fee());
    assert!(!Fulfilment::Pickup.has_delivery_fee());
    assert!(!Fulfilment::Service.has_delivery_fee());
}
#[test]
fn a_buyer_is_asked_for_what_only_he_can_do() {
    assert_eq!(buyer_task(State::Quoted), Some(Action::AcceptQuote));
    assert_eq!(buyer_task(State::Delivered), Some(Action::Confirm));
    assert_eq!(buyer_task(State::Completed), Some(Action::Review));
    for state in [
        State::Requested,
        State::Accepted,
        State::InProgress,
        State::Reviewed,
        State::Cancelled,
        State::Disputed,
    ] {
        assert_eq!(buyer_task(state), None, "{state:?}");
    }
    assert_eq!(
        buyer_task_text(Action::Confirm, 19),
        "Konfirmasi pesanan #19 sudah diterima"
    );
    assert_eq!(
        buyer_task_text(Action::Review, 19),
        "Beri ulasan pesanan #19"
    );
}
