//! A few months of public orders for the demo storefronts, in every state of an order's life:
//! placed through the order form's validation and repository, moved by the same changes the
//! order page makes (quotes, acceptance, delivery, confirmation, reviews, payments, messages,
//! cancellations, a dispute), then moved back in time so the history reads like months of trade.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::market::Opened;
use crate::app::AppError;
use crate::app::orders::{self as uc, Acting, Change, Reach};
use crate::db::audit::Who;
use crate::db::orders::{self, Buyer};
use crate::db::{Db, DbError, DbResult};
use crate::domain::dates::today_wib;
use crate::domain::order::{Action, NewOrder, Offer, OrderInput, Party, Payment, ReviewForm};
use crate::domain::rupiah::Rupiah;
use crate::domain::storefront::PriceKind;
use crate::secrets::{new_token, token_hash};

/// Where a scripted order ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Requested,
    Quoted,
    Accepted,
    InProgress,
    Delivered,
    Completed,
    AutoCompleted,
    Reviewed,
    Cancelled,
    Disputed,
}

/// One scripted order.
struct Script {
    end: End,
    days_ago: i64,
    /// The signed-in demo buyer (`pembeli`) rather than a guest.
    account: bool,
    rating: i64,
    review: &'static str,
    reply: &'static str,
    /// The order's note: what the seller must know to make it (not a chat message).
    message: &'static str,
    /// Words of the listing's title this order is for, so that its note and review speak of
    /// what was bought; empty: any listing of the right price kind.
    item: &'static str,
}

const fn script(end: End, days_ago: i64, account: bool) -> Script {
    Script {
        end,
        days_ago,
        account,
        rating: 5,
        review: "",
        reply: "",
        message: "",
        item: "",
    }
}

/// The demo alumna's own shop sees every state; the story of her last three months.
fn star_story() -> Vec<Script> {
    vec![
        Script {
            rating: 5,
            review: "Kuenya lembut, hiasan nama rapi, datang tepat waktu. Anak saya senang sekali.",
            reply: "Terima kasih, Pak Andi. Semoga panjang umur untuk adik!",
            message: "Tulisan di kue: \"Selamat Ulang Tahun Rafa ke-7\".",
            item: "Bolu Pandan",
            ..script(End::Reviewed, 84, true)
        },
        Script {
            rating: 4,
            review: "Snack box enak dan rapi. Satu kotak risolnya agak dingin, tapi overall bagus.",
            reply: "Terima kasih masukannya, Bu. Berikutnya risol kami kirim lebih dekat jam acara.",
            item: "Snack Box Rapat",
            ..script(End::Reviewed, 63, false)
        },
        Script {
            rating: 5,
            review: "Black forest-nya juara, tidak terlalu manis. Pasti pesan lagi.",
            item: "Black Forest",
            ..script(End::Reviewed, 47, false)
        },
        Script {
            message: "Setiap kotak diberi label nama kantor.",
            item: "Snack Box Premium",
            ..script(End::Completed, 33, false)
        },
        script(End::AutoCompleted, 21, false),
        Script {
            message: "Diantar paling lambat pukul 09.00.",
            ..script(End::Cancelled, 26, false)
        },
        script(End::Disputed, 11, false),
        Script {
            message: "Acara mulai pukul 13.00; mohon diantar sebelum pukul 12.00.",
            item: "Nasi Kotak",
            ..script(End::Delivered, 1, true)
        },
        script(End::InProgress, 1, false),
        script(End::Accepted, 0, false),
        script(End::Quoted, 0, false),
        Script {
            message: "Tema Frozen, warna biru muda, untuk 20 orang.",
            item: "Tart Custom",
            ..script(End::Requested, 0, true)
        },
    ]
}

const GUESTS: &[(&str, &str)] = &[
    ("Rina Marlina", "0812 7301 4455"),
    ("Hendra Saputra", "0853 6612 0981"),
    ("Yuni Kartika", "0821 8844 2310"),
    ("Agus Salim", "0813 6655 7720"),
    ("Mega Lestari", "0852 6678 3345"),
    ("Fajar Nugroho", "0812 7455 9001"),
    ("Dewi Sartika", "0822 8100 4567"),
    ("Bambang Irawan", "0813 7700 1188"),
];

const REVIEWS: &[(i64, &str)] = &[
    (
        5,
        "Kerjanya rapi dan cepat, harga sesuai. Sangat direkomendasikan.",
    ),
    (5, "Datang tepat waktu, ramah, dan hasilnya memuaskan."),
    (4, "Hasil bagus, hanya sedikit terlambat dari jadwal."),
    (5, "Sudah dua kali pakai jasanya, selalu puas."),
    (4, "Harga bersahabat, kualitas baik."),
    (3, "Hasilnya cukup, komunikasi bisa lebih cepat."),
];

/// The account the demo buyer orders with: (user id, name, WhatsApp).
pub struct Account {
    pub user_id: i64,
    pub name: String,
    pub phone: String,
}

/// Places and moves the scripted orders; returns how many orders were made.
pub async fn trade(
    db: &Db,
    reach: &Reach,
    opened: &[Opened],
    buyer: &Account,
    star_seller_user: Option<i64>,
) -> DbResult<usize> {
    let mut rng = StdRng::seed_from_u64(0x70657361);
    let mut made = 0;
    for shop in opened {
        let story = if shop.star {
            star_story()
        } else if shop.verified && made < 60 && rng.random_range(0..3) == 0 {
            // Some other shops: a couple of finished, reviewed orders and the odd cancellation.
            let mut s = Vec::new();
            for _ in 0..rng.random_range(1..=3) {
                let (rating, review) = REVIEWS[rng.random_range(0..REVIEWS.len())];
                let end = match rng.random_range(0..10) {
                    0 => End::Cancelled,
                    1 | 2 => End::Completed,
                    _ => End::Reviewed,
                };
                s.push(Script {
                    rating,
                    review,
                    ..script(end, rng.random_range(5..90), rng.random_range(0..4) == 0)
                });
            }
            s
        } else {
            continue;
        };
        let seller_user = if shop.star { star_seller_user } else { None };
        for (i, s) in story.iter().enumerate() {
            let guest = GUESTS[(made + i) % GUESTS.len()];
            if let Some(id) =
                place_and_move(db, reach, shop, s, buyer, guest, seller_user, &mut rng).await?
            {
                orders::demo_backdate(db, id, s.days_ago).await?;
                made += 1;
            }
        }
    }
    Ok(made)
}

#[allow(clippy::too_many_arguments)]
async fn place_and_move(
    db: &Db,
    reach: &Reach,
    shop: &Opened,
    s: &Script,
    account: &Account,
    guest: (&str, &str),
    seller_user: Option<i64>,
    rng: &mut StdRng,
) -> DbResult<Option<i64>> {
    let offers = orders::offers(db, shop.business_id).await?;
    // A by-quote or "mulai dari" listing for the orders that stop at a request or a quote; a
    // fixed-price one for the rest (their total is known at once).
    let wants_quote = matches!(s.end, End::Requested | End::Quoted);
    let kind_fits = |o: &&Offer| (o.price_kind != PriceKind::Fixed) == wants_quote;
    let pick = rng.random_range(0..3usize) % offers.len().max(1);
    let named = offers
        .iter()
        .filter(kind_fits)
        .find(|o| !s.item.is_empty() && o.title.contains(s.item));
    let Some(offer) = named
        .or_else(|| offers.iter().filter(kind_fits).nth(pick))
        .or_else(|| offers.iter().find(kind_fits))
    else {
        return Ok(None);
    };
    let quantity = offer.min_order.max(1) * rng.random_range(1..=2);
    let today = today_wib();
    let needed = today + time::Duration::days(offer.lead_days + 1 + rng.random_range(0..3));
    let (name, phone) = if s.account {
        (account.name.as_str(), account.phone.as_str())
    } else {
        guest
    };
    let input = OrderInput {
        quantities: vec![(offer.listing_id, quantity.to_string())],
        needed_on: needed.to_string(),
        fulfilment: "delivery".into(),
        address: "Jl. Lintas Timur RT 04, Kel. Nibung Putih, Muara Sabak Timur".into(),
        note: s.message.into(),
        name: name.into(),
        phone: phone.into(),
        email: String::new(),
    };
    let order = NewOrder::parse(&input, &offers, today)
        .map_err(|e| DbError::Other(format!("demo order refused by its form: {e:?}")))?;
    let (token, _) = new_token();
    let buyer = Buyer {
        user_id: s.account.then_some(account.user_id),
        token_hash: (!s.account).then(|| token_hash(&token)),
    };
    let buyer_label = if s.account {
        "pembeli".to_owned()
    } else {
        format!("tamu: {name}")
    };
    let buyer_who = Who {
        id: buyer.user_id,
        label: &buyer_label,
        ip: "demo",
    };
    let seller_who = Who {
        id: seller_user,
        label: "demo: penjual",
        ip: "demo",
    };
    let seller = Acting {
        party: Party::Seller,
        user_id: seller_user,
        who: &seller_who,
    };
    let buyer_acting = Acting {
        party: Party::Buyer,
        user_id: buyer.user_id,
        who: &buyer_who,
    };
    let key = token_hash(&new_token().0);
    let placed = uc::place(
        db,
        shop.business_id,
        &order,
        &buyer,
        &key,
        &buyer_who,
        reach,
    )
    .await
    .map_err(demo_error)?;
    let id = placed.id;

    let step = |action: Action, party: Party| (action, party);
    let mut steps: Vec<(Action, Party)> = Vec::new();
    let price_known = order.total.is_some();
    let agree = |steps: &mut Vec<(Action, Party)>| {
        if price_known {
            steps.push(step(Action::Accept, Party::Seller));
        } else {
            steps.push(step(Action::Quote, Party::Seller));
            steps.push(step(Action::AcceptQuote, Party::Buyer));
        }
    };
    match s.end {
        End::Requested => {}
        End::Quoted => steps.push(step(Action::Quote, Party::Seller)),
        End::Cancelled => steps.push(step(Action::Cancel, Party::Buyer)),
        End::Accepted => agree(&mut steps),
        _ => {
            agree(&mut steps);
            steps.push(step(Action::Start, Party::Seller));
            if s.end != End::InProgress {
                steps.push(step(Action::Deliver, Party::Seller));
            }
            match s.end {
                End::Completed | End::Reviewed => steps.push(step(Action::Confirm, Party::Buyer)),
                End::AutoCompleted => steps.push(step(Action::AutoComplete, Party::System)),
                End::Disputed => steps.push(step(Action::Dispute, Party::Buyer)),
                _ => {}
            }
            if s.end == End::Reviewed {
                steps.push(step(Action::Review, Party::Buyer));
            }
        }
    }
    if !s.message.is_empty() {
        let o = orders::get(db, id).await?;
        uc::post_message(db, &o, buyer_acting, s.message, reach)
            .await
            .map_err(demo_error)?;
    }
    let review = ReviewForm {
        rating: s.rating,
        body: s.review.to_owned(),
    };
    // A quote: the listed price (or a round figure for a by-quote job) for the quantity.
    let quote = Rupiah::new(
        offer
            .price
            .map(|p| p * quantity * 11 / 10)
            .unwrap_or(750_000)
            .div_euclid(5_000)
            .max(1)
            * 5_000,
    )
    .map_err(|e| DbError::Other(e.into()))?;
    for (action, party) in steps {
        let o = orders::get(db, id).await?;
        let note = match action {
            Action::Cancel => "Acara kantor diundur ke bulan depan.",
            Action::Dispute => "Jumlah kotak yang datang kurang 5 dari pesanan.",
            Action::Quote => "Harga sudah termasuk ongkos antar dalam kecamatan.",
            _ => "",
        };
        let (user_id, who) = match party {
            Party::Buyer => (buyer.user_id, &buyer_who),
            _ => (seller_user, &seller_who),
        };
        let change = Change {
            action,
            note,
            quote: (action == Action::Quote).then_some(quote),
            fee: None,
            review: (action == Action::Review).then_some(&review),
        };
        let acting = Acting {
            party,
            user_id: if party == Party::System {
                None
            } else {
                user_id
            },
            who,
        };
        uc::change(db, &o, acting, &change, reach)
            .await
            .map_err(demo_error)?;
        // Payment once the goods are handed over: recorded by the seller, confirmed by buyers
        // who completed the order.
        if action == Action::Deliver {
            let o = orders::get(db, id).await?;
            let amount = o.total.unwrap_or(0).to_string();
            let method = ["cash", "transfer", "qris"][rng.random_range(0..3usize)];
            if let Ok(p) = Payment::parse(method, &today.to_string(), &amount, today) {
                uc::record_payment(db, &o, seller, &p, reach)
                    .await
                    .map_err(demo_error)?;
                if matches!(s.end, End::Completed | End::Reviewed) {
                    let o = orders::get(db, id).await?;
                    uc::confirm_payment(db, &o, buyer_acting, reach)
                        .await
                        .map_err(demo_error)?;
                }
            }
        }
    }
    if s.end == End::Reviewed && !s.reply.is_empty() {
        let o = orders::get(db, id).await?;
        uc::reply_to_review(db, &o, seller, s.reply, reach)
            .await
            .map_err(demo_error)?;
    }
    Ok(Some(id))
}

/// The demo seeds through the use cases; a refusal there is a bug in the script.
fn demo_error(e: AppError) -> DbError {
    DbError::Other(format!("demo order: {e}"))
}
