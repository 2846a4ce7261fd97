//! Orders from the public, driven over HTTP as a guest, `pembeli`, `alumni` (the seller) and
//! `admin`: the form, idempotent submission, the state machine through every route, concurrent
//! conflicting changes, the timeline, messages, payment, reviews, disputes, auto-complete.

use reqwest::StatusCode;
use sqlx::Row;

use karya::domain::order::{Action, Party, State, decide, transitions};

use crate::both;
use crate::helpers::{Page, TestApp, Visitor};

both!(
    guest_orders_and_reaches_the_order_by_its_link,
    bad_order_input_is_refused_with_messages_and_nothing_stored,
    the_order_form_respects_lead_time_and_minimum_order,
    a_form_posted_twice_creates_one_order,
    concurrent_identical_posts_create_one_order,
    a_signed_in_buyer_goes_from_order_to_review,
    quote_requests_need_an_accepted_quote,
    every_transition_through_http,
    the_database_refuses_illegal_changes_of_state,
    concurrent_accept_and_cancel_leave_one_outcome,
    delivered_orders_complete_automatically,
    only_the_parties_and_the_agency_open_an_order,
    disputes_are_decided_by_the_agency,
    payment_is_recorded_by_the_seller_and_confirmed_by_the_buyer,
    messages_reach_the_other_side,
    seller_and_buyer_lists,
    a_guests_message_carries_the_link_that_opens_the_order,
    the_placed_page_offers_to_tell_the_seller_on_whatsapp,
    the_delivery_fee_is_a_line_and_the_total_is_the_sum,
    a_quote_carries_its_delivery_fee,
    a_bad_delivery_fee_is_refused_with_the_input_kept,
);

/// Listings inserted directly (the storefront forms are another area's): for the demo
/// `alumni` account's business.
pub(crate) struct Fixture {
    pub(crate) business: i64,
    /// Kue ulang tahun: Rp150.000 per loyang, lead 2 days.
    pub(crate) cake: i64,
    /// Snack box: Rp12.000 per kotak, minimum 20.
    pub(crate) snack: i64,
    /// Servis AC: "mulai dari" Rp75.000 per unit.
    pub(crate) service: i64,
    /// Pasang AC baru: by quote.
    pub(crate) install: i64,
    /// The last order before the test's own (the demo district has months of orders).
    pub(crate) last_order: i64,
    /// The last notification before the test's own.
    pub(crate) last_notification: i64,
}

pub(crate) async fn fixture(app: &TestApp) -> Fixture {
    let pool = app.db.pool();
    let business: i64 = sqlx::query_scalar(
        "SELECT b.id FROM businesses b JOIN users u ON u.alumnus_id = b.alumnus_id \
         WHERE u.username = 'alumni' ORDER BY b.id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .expect("the demo alumnus has a business");
    let trade: i64 = sqlx::query_scalar("SELECT trade_id FROM businesses WHERE id = $1")
        .bind(business)
        .fetch_one(pool)
        .await
        .unwrap();
    let category: i64 = sqlx::query_scalar(
        "INSERT INTO categories (trade_id, name) VALUES ($1, 'Uji pesanan') RETURNING id",
    )
    .bind(trade)
    .fetch_one(pool)
    .await
    .unwrap();
    let mut ids = Vec::new();
    for (kind, title, price_kind, price, unit, min, lead) in [
        (
            "product",
            "Kue ulang tahun",
            "fixed",
            Some(150_000i64),
            "loyang",
            1i64,
            2i64,
        ),
        (
            "product",
            "Snack box",
            "fixed",
            Some(12_000),
            "kotak",
            20,
            0,
        ),
        ("service", "Servis AC", "from", Some(75_000), "unit", 1, 0),
        ("service", "Pasang AC baru", "quote", None, "unit", 1, 0),
    ] {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO listings (business_id, kind, title, category_id, price_kind, price, unit, \
             min_order, lead_days, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 0) RETURNING id",
        )
        .bind(business)
        .bind(kind)
        .bind(title)
        .bind(category)
        .bind(price_kind)
        .bind(price)
        .bind(unit)
        .bind(min)
        .bind(lead)
        .fetch_one(pool)
        .await
        .unwrap();
        ids.push(id);
    }
    Fixture {
        business,
        cake: ids[0],
        snack: ids[1],
        service: ids[2],
        install: ids[3],
        last_order: app.scalar("SELECT COALESCE(MAX(id), 0) FROM orders").await,
        last_notification: app
            .scalar("SELECT COALESCE(MAX(id), 0) FROM notifications")
            .await,
    }
}

/// The orders placed with the fixture's business since the fixture was made.
async fn new_orders(app: &TestApp, fx: &Fixture) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE business_id = $1 AND id > $2")
        .bind(fx.business)
        .bind(fx.last_order)
        .fetch_one(app.db.pool())
        .await
        .expect("orders")
}

/// In-app notifications of `username` about one order.
async fn notices(app: &TestApp, username: &str, order: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE u.username = $1 AND n.link = $2",
    )
    .bind(username)
    .bind(format!("/pesanan/{order}"))
    .fetch_one(app.db.pool())
    .await
    .expect("notifications")
}

/// The text of the first element matching `selector` whose markup contains `marker` (one row
/// of a list that also holds the demo district's rows).
fn block(page: &Page, selector: &str, marker: &str) -> String {
    let doc = scraper::Html::parse_document(&page.body);
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .find(|e| e.html().contains(marker))
        .map(|e| e.text().collect::<String>())
        .unwrap_or_else(|| panic!("no {selector} with {marker}"))
}

/// The count on the seller's list tab with this label (0 when the tab is not shown).
fn tab_count(page: &Page, label: &str) -> i64 {
    page.text_of(".order-tabs a")
        .split(" | ")
        .find_map(|t| t.trim().strip_prefix(label)?.trim().parse().ok())
        .unwrap_or(0)
}

pub(crate) fn wib_date(days_ahead: i64) -> String {
    let d = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap())
        .date()
        + time::Duration::days(days_ahead);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

async fn i64_of(app: &TestApp, sql: &str, id: i64) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect(sql)
        .try_get(0)
        .expect("i64")
}

async fn state_of(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT state FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

fn order_id(page: &Page) -> i64 {
    let loc = page.location.as_deref().expect("redirect");
    loc.trim_start_matches("/pesanan/")
        .split(['?', '#'])
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("order location {loc}"))
}

/// Opens the form and posts it with these quantities; returns the response.
async fn submit(v: &Visitor, fx: &Fixture, items: &[(i64, &str)], extra: &[(&str, &str)]) -> Page {
    let form = v.get(&format!("/pesan?usaha={}", fx.business)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let key = form.input_value("key").expect("idempotency key");
    let usaha = fx.business.to_string();
    let date = wib_date(3);
    let names: Vec<String> = items.iter().map(|(id, _)| format!("qty_{id}")).collect();
    let mut fields: Vec<(&str, &str)> = vec![
        ("key", &key),
        ("usaha", &usaha),
        ("needed_on", &date),
        ("fulfilment", "delivery"),
        ("address", "Jl. Lintas Timur RT 03, Nipah Panjang"),
        ("note", "Tulisan: Selamat ulang tahun Dewi"),
        ("name", "Dewi Lestari"),
        ("phone", "0812-7777-1234"),
    ];
    for (name, (_, q)) in names.iter().zip(items) {
        fields.push((name, q));
    }
    // Later fields override earlier ones of the same name.
    let mut merged: Vec<(&str, &str)> = Vec::new();
    for (k, val) in fields.into_iter().chain(extra.iter().copied()) {
        merged.retain(|(kk, _)| *kk != k);
        merged.push((k, val));
    }
    v.post("/pesan", &merged).await
}

/// Places an order and returns its id (the visitor keeps any guest cookie after a visit).
async fn place(v: &Visitor, fx: &Fixture, items: &[(i64, &str)]) -> i64 {
    let page = submit(v, fx, items, &[]).await;
    page.assert_redirect_to("/pesanan/");
    let id = order_id(&page);
    // Visiting the link stores the guest cookie.
    let shown = v.get(page.location.as_deref().unwrap()).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    id
}

pub(crate) async fn act(v: &Visitor, id: i64, action: &str, fields: &[(&str, &str)]) -> Page {
    v.post(&format!("/pesanan/{id}/{action}"), fields).await
}

#[track_caller]
pub(crate) fn assert_done(page: &Page, what: &str) {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{what}: {}", page.body);
}

pub(crate) struct Cast {
    pub(crate) guest: Visitor,
    pub(crate) buyer: Visitor,
    pub(crate) seller: Visitor,
    pub(crate) admin: Visitor,
}

pub(crate) async fn cast(app: &TestApp) -> Cast {
    Cast {
        guest: app.visitor(),
        buyer: app.signed_in("pembeli").await,
        seller: app.signed_in("alumni").await,
        admin: app.signed_in("admin").await,
    }
}

fn fields_for(action: Action) -> Vec<(&'static str, &'static str)> {
    match action {
        Action::Quote => vec![("amount", "450.000"), ("note", "Termasuk ongkos kirim")],
        Action::Review => vec![("rating", "5"), ("body", "Kuenya enak, tepat waktu.")],
        a if a.needs_reason() => vec![("reason", "Alasan yang cukup jelas untuk dicatat")],
        _ => vec![],
    }
}

/// Who takes the party's part over HTTP.
fn as_party(c: &Cast, party: Party) -> &Visitor {
    match party {
        Party::Buyer => &c.buyer,
        Party::Seller => &c.seller,
        _ => &c.admin,
    }
}

/// The path to each state, as actions by parties.
fn path_to(state: State) -> Vec<(Party, Action)> {
    use Action::*;
    use Party::*;
    let to_delivered = vec![(Seller, Accept), (Seller, Start), (Seller, Deliver)];
    match state {
        State::Requested => vec![],
        State::Quoted => vec![(Seller, Quote)],
        State::Accepted => vec![(Seller, Accept)],
        State::InProgress => vec![(Seller, Accept), (Seller, Start)],
        State::Delivered => to_delivered,
        State::Completed => [to_delivered, vec![(Buyer, Confirm)]].concat(),
        State::Reviewed => [to_delivered, vec![(Buyer, Confirm), (Buyer, Review)]].concat(),
        State::Cancelled => vec![(Buyer, Cancel)],
        State::Disputed => [to_delivered, vec![(Buyer, Dispute)]].concat(),
    }
}

/// A fresh fixed-price order by `pembeli`, driven to `state` over HTTP.
pub(crate) async fn order_in(app: &TestApp, c: &Cast, fx: &Fixture, state: State) -> i64 {
    let id = place(&c.buyer, fx, &[(fx.snack, "20")]).await;
    for (party, action) in path_to(state) {
        let page = act(as_party(c, party), id, action.slug(), &fields_for(action)).await;
        assert_done(&page, &format!("{party:?} {action:?} towards {state:?}"));
    }
    assert_eq!(state_of(app, id).await, state.as_str());
    id
}

/// A real static QRIS payload (the format's published sample).
const STATIC_QRIS: &str = "00020101021126670016COM.NOBUBANK.WWW01189360050300000879140214703239147837910303UMI51440014ID.CO.QRIS.WWW0215ID20232709941630303UMI5204481253033605802ID5923GRANOOL STORE OK12295776006KEDIRI61056421262070703A0163047127";

// ---- placing orders ----

async fn guest_orders_and_reaches_the_order_by_its_link(app: TestApp) {
    let fx = fixture(&app).await;
    let guest = app.visitor();
    let form = guest.get(&format!("/pesan?listing={}", fx.cake)).await;
    assert_eq!(form.status, StatusCode::OK);
    let item = block(&form, ".order-item", &format!("name=\"qty_{}\"", fx.cake));
    assert!(
        item.contains("Kue ulang tahun") && item.contains("Rp150.000 / loyang"),
        "{item}"
    );
    // The chosen listing comes first and starts at its minimum quantity.
    assert_eq!(
        form.input_value(&format!("qty_{}", fx.cake)).as_deref(),
        Some("1")
    );
    // Whichever listing the buyer came from leads the form (the others keep their order).
    for chosen in [fx.cake, fx.snack] {
        let form = guest.get(&format!("/pesan?listing={chosen}")).await;
        let first_qty = form
            .body
            .find("name=\"qty_")
            .map(|at| &form.body[at..at + 30])
            .unwrap_or_default();
        assert!(
            first_qty.starts_with(&format!("name=\"qty_{chosen}\"")),
            "first quantity field: {first_qty}"
        );
    }

    let page = submit(&guest, &fx, &[(fx.cake, "2"), (fx.snack, "20")], &[]).await;
    page.assert_redirect_to("/pesanan/");
    let link = page.location.clone().unwrap();
    assert!(link.contains("?t="), "{link}");
    let id = order_id(&page);
    let token = link
        .split("?t=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();

    // Stored: the order, its lines and total, the first timeline event; only the token's hash.
    let row = sqlx::query(
        "SELECT state, total, buyer_name, buyer_phone, buyer_user_id, guest_token_hash \
         FROM orders WHERE id = $1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("state"), "requested");
    assert_eq!(
        row.get::<Option<i64>, _>("total"),
        Some(2 * 150_000 + 20 * 12_000)
    );
    assert_eq!(row.get::<String, _>("buyer_phone"), "+6281277771234");
    assert_eq!(row.get::<Option<i64>, _>("buyer_user_id"), None);
    let hash: String = row.get("guest_token_hash");
    assert_ne!(hash, token);
    assert!(!hash.contains(&token));
    assert_eq!(
        i64_of(
            &app,
            "SELECT COUNT(*) FROM order_items WHERE order_id = $1",
            id
        )
        .await,
        2
    );
    assert_eq!(
        i64_of(
            &app,
            "SELECT COUNT(*) FROM order_events WHERE order_id = $1 AND action = 'dibuat'",
            id
        )
        .await,
        1
    );
    // The seller (the alumni account) is told in the app.
    assert_eq!(notices(&app, "alumni", id).await, 1);

    // The link opens the order and shows the guest how to keep it.
    let shown = guest.get(&link).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.contains("Simpan tautan pesanan ini"));
    assert!(shown.contains(&format!("/pesanan/{id}?t={token}")));
    assert!(shown.contains("https://wa.me/6281277771234?text="));
    assert!(shown.contains("Rp540.000"));
    assert!(shown.contains("Menunggu tanggapan penjual"));
    // The secret link does not leak to other sites through the Referer header.
    let policy = shown
        .headers
        .get("referrer-policy")
        .and_then(|v| v.to_str().ok());
    assert!(
        matches!(policy, Some("same-origin" | "no-referrer")),
        "{policy:?}"
    );
    // Remembered in a cookie: the plain address works for this guest afterwards...
    let again = guest.get(&format!("/pesanan/{id}")).await;
    assert_eq!(again.status, StatusCode::OK);
    // ...and for nobody else, with a wrong token, or with the token of another order.
    let stranger = app.visitor();
    assert_eq!(
        stranger.get(&format!("/pesanan/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        stranger
            .get(&format!("/pesanan/{id}?t=salah{token}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let other = place(&app.visitor(), &fx, &[(fx.cake, "1")]).await;
    assert_eq!(
        stranger
            .get(&format!("/pesanan/{other}?t={token}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // With the link, a new device gets in.
    assert_eq!(stranger.get(&link).await.status, StatusCode::OK);
    // The guest can act with the cookie alone: cancel with a reason.
    let page = act(
        &guest,
        id,
        "batal",
        &[("reason", "Acara diundur bulan depan")],
    )
    .await;
    assert_done(&page, "guest cancels");
    assert_eq!(state_of(&app, id).await, "cancelled");
}

async fn bad_order_input_is_refused_with_messages_and_nothing_stored(app: TestApp) {
    let fx = fixture(&app).await;
    let guest = app.visitor();
    let page = submit(
        &guest,
        &fx,
        &[(fx.snack, "5"), (fx.cake, "dua")],
        &[
            ("phone", "12345"),
            ("name", ""),
            ("fulfilment", "service"),
            ("address", ""),
            ("note", "Catatan yang diketik"),
            ("email", "bukan-email"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Minimal pesan 20 kotak."));
    assert!(page.contains("Isi jumlah dengan angka bulat"));
    assert!(page.contains("bukan nomor seluler Indonesia"));
    assert!(page.contains("Nama wajib diisi."));
    assert!(page.contains("Tulis alamat lengkap"));
    assert!(page.contains("Alamat email tidak valid"));
    assert!(page.contains("Belum ada yang disimpan"));
    // What was typed is kept.
    assert_eq!(
        page.input_value(&format!("qty_{}", fx.snack)).as_deref(),
        Some("5")
    );
    assert_eq!(page.input_value("phone").as_deref(), Some("12345"));
    assert_eq!(
        page.input_value("note").as_deref(),
        Some("Catatan yang diketik")
    );
    // Nothing chosen at all.
    let page = submit(&guest, &fx, &[], &[]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Isi jumlah untuk sedikitnya satu produk atau jasa."));
    // Nothing stored anywhere: no order, no line, nobody told (of anything but orders that
    // existed before, which the background auto-complete may still finish).
    assert_eq!(
        i64_of(
            &app,
            "SELECT COUNT(*) FROM orders WHERE id > $1",
            fx.last_order
        )
        .await,
        0
    );
    assert_eq!(
        i64_of(
            &app,
            "SELECT COUNT(*) FROM order_items WHERE order_id > $1",
            fx.last_order
        )
        .await,
        0
    );
    let told: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE id > $1 AND link NOT IN \
         (SELECT '/pesanan/' || CAST(id AS TEXT) FROM orders WHERE id <= $2)",
    )
    .bind(fx.last_notification)
    .bind(fx.last_order)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(told, 0);
    // A form without its key is not an order.
    let page = guest
        .post(
            "/pesan",
            &[("usaha", &fx.business.to_string()), ("name", "A")],
        )
        .await;
    assert_eq!(page.status, StatusCode::GONE);
    // Unknown business or listing.
    assert_eq!(
        guest.get("/pesan?usaha=999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        guest.get("/pesan?listing=999999").await.status,
        StatusCode::NOT_FOUND
    );
    // The seller does not order from their own business.
    let seller = app.signed_in("alumni").await;
    assert_eq!(
        seller
            .get(&format!("/pesan?usaha={}", fx.business))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

async fn the_order_form_respects_lead_time_and_minimum_order(app: TestApp) {
    let fx = fixture(&app).await;
    let guest = app.visitor();
    // The cake needs 2 days: tomorrow is refused, the day after is fine.
    let tomorrow = wib_date(1);
    let page = submit(&guest, &fx, &[(fx.cake, "1")], &[("needed_on", &tomorrow)]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Penjual perlu waktu 2 hari"), "{}", page.body);
    let today = wib_date(0);
    let page = submit(&guest, &fx, &[(fx.snack, "20")], &[("needed_on", &today)]).await;
    page.assert_redirect_to("/pesanan/");
    let yesterday = wib_date(-1);
    let page = submit(
        &guest,
        &fx,
        &[(fx.snack, "20")],
        &[("needed_on", &yesterday)],
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("tidak boleh sebelum hari ini"));
    let page = submit(&guest, &fx, &[(fx.snack, "19")], &[]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Pick-up needs no address.
    let page = submit(
        &guest,
        &fx,
        &[(fx.snack, "25")],
        &[("fulfilment", "pickup"), ("address", "")],
    )
    .await;
    page.assert_redirect_to("/pesanan/");
    assert_eq!(new_orders(&app, &fx).await, 2);
}

async fn a_form_posted_twice_creates_one_order(app: TestApp) {
    let fx = fixture(&app).await;
    for (round, v) in [app.visitor(), app.signed_in("pembeli").await]
        .into_iter()
        .enumerate()
    {
        let form = v.get(&format!("/pesan?usaha={}", fx.business)).await;
        let key = form.input_value("key").unwrap();
        let usaha = fx.business.to_string();
        let date = wib_date(3);
        let qty = format!("qty_{}", fx.snack);
        let fields = [
            ("key", key.as_str()),
            ("usaha", &usaha),
            ("needed_on", &date),
            ("fulfilment", "pickup"),
            ("name", "Dewi"),
            ("phone", "081277771234"),
            (qty.as_str(), "30"),
        ];
        let first = v.post("/pesan", &fields).await;
        let second = v.post("/pesan", &fields).await;
        first.assert_redirect_to("/pesanan/");
        second.assert_redirect_to("/pesanan/");
        assert_eq!(order_id(&first), order_id(&second));
        // The guest's repeated post leads to the same secret link.
        assert_eq!(first.location, second.location);
        assert_eq!(new_orders(&app, &fx).await, round as i64 + 1);
        // Someone else replaying a signed-in buyer's key does not get the order. (A guest's form
        // key is as secret as their link: it is only in their own form, and stored hashed.)
        if first
            .location
            .as_deref()
            .is_some_and(|l| !l.contains("?t="))
        {
            let other = app.visitor();
            let replay = other.post("/pesan", &fields).await;
            assert_eq!(replay.status, StatusCode::GONE);
        }
        let stored_key =
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM orders WHERE idempotency_key = $1")
                .bind(&key)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(stored_key, 0, "the key is stored hashed");
    }
    assert_eq!(new_orders(&app, &fx).await, 2);
    assert_eq!(
        i64_of(
            &app,
            "SELECT COUNT(*) FROM order_events WHERE action = 'dibuat' AND order_id > $1",
            fx.last_order
        )
        .await,
        2
    );
}

async fn concurrent_identical_posts_create_one_order(app: TestApp) {
    let fx = fixture(&app).await;
    let v = app.visitor();
    for round in 0..3 {
        let form = v.get(&format!("/pesan?usaha={}", fx.business)).await;
        let key = form.input_value("key").unwrap();
        let csrf = v.csrf().await;
        let usaha = fx.business.to_string();
        let date = wib_date(3);
        let qty = format!("qty_{}", fx.snack);
        let fields: Vec<(&str, &str)> = vec![
            ("_csrf", &csrf),
            ("key", &key),
            ("usaha", &usaha),
            ("needed_on", &date),
            ("fulfilment", "pickup"),
            ("name", "Dewi"),
            ("phone", "081277771234"),
            (&qty, "30"),
        ];
        let posts = (0..8).map(|_| v.post_raw("/pesan", &fields));
        let pages = futures_join_all(posts).await;
        let mut ids = Vec::new();
        for p in &pages {
            p.assert_redirect_to("/pesanan/");
            ids.push(order_id(p));
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "all posts lead to one order");
        assert_eq!(new_orders(&app, &fx).await, round as i64 + 1);
    }
    assert_eq!(new_orders(&app, &fx).await, 3);
    assert_eq!(
        i64_of(
            &app,
            "SELECT COUNT(*) FROM order_events WHERE order_id > $1",
            fx.last_order
        )
        .await,
        3
    );
}

/// Runs futures concurrently on this task (no extra crate needed).
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let handles: Vec<_> = futures.map(Box::pin).collect();
    let mut outputs = Vec::new();
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(out) => {
                        results[i] = Some(out);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    for r in results {
        outputs.push(r.expect("finished"));
    }
    outputs
}

// ---- the life of an order ----

async fn a_signed_in_buyer_goes_from_order_to_review(app: TestApp) {
    let fx = fixture(&app).await;
    sqlx::query("UPDATE businesses SET phone = '+6281300001111' WHERE id = $1")
        .bind(fx.business)
        .execute(app.db.pool())
        .await
        .unwrap();
    let c = cast(&app).await;
    let form = c.buyer.get(&format!("/pesan?listing={}", fx.cake)).await;
    assert_eq!(form.input_value("name").as_deref(), Some("Andi Pratama"));
    let id = place(&c.buyer, &fx, &[(fx.cake, "1")]).await;
    let user_id: Option<i64> = sqlx::query_scalar("SELECT buyer_user_id FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(user_id.is_some());

    // The seller sees only the seller's buttons.
    let page = c.seller.get(&format!("/pesanan/{id}")).await;
    assert!(page.contains("Terima pesanan") && page.contains("Kirim penawaran harga"));
    assert!(!page.contains("Konfirmasi pesanan sudah diterima"));
    assert!(
        page.contains("+6281277771234"),
        "the seller sees the buyer's number"
    );
    // The buyer sees only cancel.
    let page = c.buyer.get(&format!("/pesanan/{id}")).await;
    assert!(page.contains("Batalkan pesanan"));
    assert!(!page.contains("Terima pesanan"));

    for (v, action) in [
        (&c.seller, "terima"),
        (&c.seller, "mulai"),
        (&c.seller, "kirim"),
        (&c.buyer, "konfirmasi"),
    ] {
        let page = act(v, id, action, &[]).await;
        assert_done(&page, action);
        // After an action, a WhatsApp hand-off to the other side is offered.
        let after = v.get(page.location.as_deref().unwrap()).await;
        assert!(
            after.contains("Kabari pembeli lewat WhatsApp")
                || after.contains("Kabari penjual lewat WhatsApp"),
            "{action}"
        );
    }
    assert_eq!(state_of(&app, id).await, "completed");
    let completed_at: Option<i64> =
        sqlx::query_scalar("SELECT completed_at FROM orders WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(completed_at.is_some());

    // Review: bad input first, then 5 stars; only once.
    let page = act(
        &c.buyer,
        id,
        "ulasan",
        &[("rating", "9"), ("body", "Mantap")],
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Pilih 1 sampai 5 bintang."));
    let revision_before =
        i64_of(&app, "SELECT revision FROM listings WHERE id = $1", fx.cake).await;
    // The business has the demo district's reviews already.
    let (_, reviews_before) = karya::db::reviews::summary(&app.db, fx.business)
        .await
        .unwrap();
    let stars_before = i64_of(
        &app,
        "SELECT CAST(COALESCE(SUM(rating), 0) AS BIGINT) FROM reviews WHERE business_id = $1",
        fx.business,
    )
    .await;
    let page = act(
        &c.seller,
        id,
        "ulasan",
        &[("rating", "1"), ("body", "Saya sendiri")],
    )
    .await;
    assert_eq!(
        page.status,
        StatusCode::FORBIDDEN,
        "the seller does not review"
    );
    let page = act(
        &c.buyer,
        id,
        "ulasan",
        &[("rating", "4"), ("body", "Kuenya lembut, tepat waktu.")],
    )
    .await;
    assert_done(&page, "review");
    assert_eq!(state_of(&app, id).await, "reviewed");
    let page = act(&c.buyer, id, "ulasan", &[("rating", "5"), ("body", "Lagi")]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(
        i64_of(&app, "SELECT COUNT(*) FROM reviews WHERE order_id = $1", id).await,
        1
    );
    // Search ranking sees the new rating.
    assert!(
        i64_of(&app, "SELECT revision FROM listings WHERE id = $1", fx.cake).await
            > revision_before
    );
    let (avg, n) = karya::db::reviews::summary(&app.db, fx.business)
        .await
        .unwrap();
    assert_eq!(n, reviews_before + 1);
    let expected = (stars_before + 4) as f64 / n as f64;
    assert!(
        avg.is_some_and(|a| (a - expected).abs() < 1e-9),
        "{avg:?}, expected {expected}"
    );
    let listed = karya::db::reviews::for_business(&app.db, fx.business, 10)
        .await
        .unwrap();
    assert_eq!(listed[0].body, "Kuenya lembut, tepat waktu.");
    assert_eq!(
        listed[0].reviewer, "Dewi Lestari",
        "the name given on the order"
    );

    // The seller replies once.
    let page = act(&c.buyer, id, "balas-ulasan", &[("reply", "Saya pembeli")]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = act(&c.seller, id, "balas-ulasan", &[("reply", "")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = act(
        &c.seller,
        id,
        "balas-ulasan",
        &[("reply", "Terima kasih, Pak Andi!")],
    )
    .await;
    assert_done(&page, "reply");
    let page = act(&c.seller, id, "balas-ulasan", &[("reply", "Sekali lagi")]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    let stored: Option<String> =
        sqlx::query_scalar("SELECT reply FROM reviews WHERE order_id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(stored.as_deref(), Some("Terima kasih, Pak Andi!"));

    // The timeline tells who did what, in order, in WIB.
    let page = c.buyer.get(&format!("/pesanan/{id}")).await;
    let timeline = page.text_of(".timeline li");
    for what in [
        "membuat pesanan",
        "menerima pesanan",
        "mulai mengerjakan",
        "menandai pesanan sudah dikirim",
        "mengonfirmasi pesanan sudah diterima",
        "memberi ulasan",
        "membalas ulasan",
    ] {
        assert!(timeline.contains(what), "{what} in {timeline}");
    }
    assert!(timeline.contains("WIB"));
    assert!(page.contains("Selesai dan diulas"));
    assert!(page.contains("Terima kasih, Pak Andi!"));
    // The buyer was told of each seller step in the app.
    assert_eq!(
        notices(&app, "pembeli", id).await,
        4,
        "accept, start, deliver, reply"
    );
    // And the changes are in the audit trail.
    assert_eq!(
        i64_of(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'order.transition' \
             AND entity = 'order' AND entity_id = CAST($1 AS TEXT)",
            id
        )
        .await,
        5
    );
    // The buyer's list has it.
    let list = c.buyer.get("/pesanan").await;
    assert!(list.contains(&format!("/pesanan/{id}")));
}

async fn quote_requests_need_an_accepted_quote(app: TestApp) {
    let fx = fixture(&app).await;
    let c = cast(&app).await;
    // A "sesuai penawaran" item and a "mulai dari" item: no total yet.
    for listing in [fx.install, fx.service] {
        let id = place(&c.buyer, &fx, &[(listing, "1")]).await;
        let total: Option<i64> = sqlx::query_scalar("SELECT total FROM orders WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(total, None);
        let page = c.seller.get(&format!("/pesanan/{id}")).await;
        assert!(page.contains("Menunggu penawaran"));
        assert!(
            !page.contains(">Terima pesanan<"),
            "no accept button without a total"
        );
        // Accepting without a total is refused by the domain.
        let page = act(&c.seller, id, "terima", &[]).await;
        assert_eq!(page.status, StatusCode::CONFLICT);
        assert!(page.contains("belum punya total harga"));
        assert_eq!(state_of(&app, id).await, "requested");
        // A bad quote re-renders with the message.
        let page = act(&c.seller, id, "tawar", &[("amount", "abc")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(page.input_value("amount").as_deref(), Some("abc"));
        // Quote, reject, quote again, accept.
        assert_done(
            &act(&c.seller, id, "tawar", &[("amount", "600.000")]).await,
            "quote",
        );
        assert_eq!(state_of(&app, id).await, "quoted");
        let page = c.buyer.get(&format!("/pesanan/{id}")).await;
        assert!(page.contains("Rp600.000") && page.contains("Setujui penawaran"));
        assert_done(&act(&c.buyer, id, "tolak-penawaran", &[]).await, "reject");
        assert_eq!(state_of(&app, id).await, "requested");
        assert_done(
            &act(
                &c.seller,
                id,
                "tawar",
                &[("amount", "Rp 550.000"), ("note", "Pipa 3 meter")],
            )
            .await,
            "quote again",
        );
        // The buyer cannot accept on the seller's behalf, nor the seller its own quote.
        assert_eq!(
            act(&c.seller, id, "terima-penawaran", &[]).await.status,
            StatusCode::FORBIDDEN
        );
        assert_done(
            &act(&c.buyer, id, "terima-penawaran", &[]).await,
            "accept quote",
        );
        let row = sqlx::query("SELECT state, total, quoted_total FROM orders WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(row.get::<String, _>("state"), "accepted");
        assert_eq!(row.get::<Option<i64>, _>("total"), Some(550_000));
        let notes: Vec<String> = sqlx::query_scalar(
            "SELECT note FROM order_events WHERE order_id = $1 AND action = 'tawar' ORDER BY id",
        )
        .bind(id)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        assert_eq!(
            notes,
            vec![
                "Penawaran: Rp600.000".to_owned(),
                "Penawaran: Rp550.000. Pipa 3 meter".to_owned()
            ]
        );
    }
}

/// Every state reached over HTTP; there every (party, action) the domain refuses is refused by
/// the route with the state unchanged, and every one it allows succeeds and lands where the
/// domain says.
async fn every_transition_through_http(app: TestApp) {
    let fx = fixture(&app).await;
    let c = cast(&app).await;
    let mut legal_done = 0;
    for state in State::ALL {
        let id = order_in(&app, &c, &fx, state).await;
        let events = i64_of(
            &app,
            "SELECT COUNT(*) FROM order_events WHERE order_id = $1",
            id,
        )
        .await;
        for party in [Party::Buyer, Party::Seller, Party::Agency] {
            for action in Action::ALL {
                if decide(state, party, action).is_ok() {
                    continue;
                }
                let page = act(as_party(&c, party), id, action.slug(), &fields_for(action)).await;
                assert!(
                    page.status == StatusCode::FORBIDDEN || page.status == StatusCode::CONFLICT,
                    "{party:?} {action:?} in {state:?}: {}",
                    page.status
                );
                assert!(page.contains("class=\"alert\""), "the refusal is explained");
            }
        }
        assert_eq!(
            state_of(&app, id).await,
            state.as_str(),
            "illegal actions changed {state:?}"
        );
        assert_eq!(
            i64_of(
                &app,
                "SELECT COUNT(*) FROM order_events WHERE order_id = $1",
                id
            )
            .await,
            events
        );
        for party in [Party::Buyer, Party::Seller, Party::Agency] {
            for action in Action::ALL {
                let Ok(to) = decide(state, party, action) else {
                    continue;
                };
                if action == Action::Accept {
                    // Needs a total: the fixed-price fixture has one.
                }
                let fresh = order_in(&app, &c, &fx, state).await;
                let page = act(
                    as_party(&c, party),
                    fresh,
                    action.slug(),
                    &fields_for(action),
                )
                .await;
                assert_done(&page, &format!("{party:?} {action:?} in {state:?}"));
                assert_eq!(state_of(&app, fresh).await, to.as_str());
                let last: String = sqlx::query_scalar(
                    "SELECT action FROM order_events WHERE order_id = $1 ORDER BY id DESC LIMIT 1",
                )
                .bind(fresh)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
                assert_eq!(last, action.slug());
                legal_done += 1;
            }
        }
    }
    // All legal transitions but the system's auto-complete are reachable over HTTP.
    assert_eq!(legal_done, 20);
    // A guest is the buyer of their own order only: the seller's buttons are refused.
    let guest = app.visitor();
    let id = place(&guest, &fx, &[(fx.snack, "20")]).await;
    assert_eq!(
        act(&guest, id, "terima", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        act(&guest, id, "otomatis-selesai", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        act(&guest, id, "terbang", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(state_of(&app, id).await, "requested");
}

async fn the_database_refuses_illegal_changes_of_state(app: TestApp) {
    let fx = fixture(&app).await;
    let c = cast(&app).await;
    // The stored transition table is the domain's.
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT from_state, to_state FROM order_transitions")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    let stored: std::collections::BTreeSet<(State, State)> = rows
        .iter()
        .map(|(f, t)| (State::parse(f).unwrap(), State::parse(t).unwrap()))
        .collect();
    assert_eq!(stored, transitions());

    let id = order_in(&app, &c, &fx, State::Requested).await;
    for illegal in [
        "completed",
        "delivered",
        "in_progress",
        "reviewed",
        "disputed",
    ] {
        let r = sqlx::query("UPDATE orders SET state = $1 WHERE id = $2")
            .bind(illegal)
            .bind(id)
            .execute(app.db.pool())
            .await;
        assert!(r.is_err(), "requested → {illegal} written directly");
    }
    // A legal one passes the trigger.
    sqlx::query("UPDATE orders SET state = 'accepted' WHERE id = $1")
        .bind(id)
        .execute(app.db.pool())
        .await
        .expect("requested → accepted is legal");
    let r = sqlx::query("UPDATE orders SET state = 'requested' WHERE id = $1")
        .bind(id)
        .execute(app.db.pool())
        .await;
    assert!(r.is_err(), "accepted → requested");
    // An order cannot be born in a later state.
    let r = sqlx::query(
        "INSERT INTO orders (business_id, buyer_name, buyer_phone, state, fulfilment, needed_on, \
         idempotency_key, created_at, updated_at) \
         VALUES ($1, 'X', '+628111', 'completed', 'pickup', '2030-01-01', 'kunci-uji', 0, 0)",
    )
    .bind(fx.business)
    .execute(app.db.pool())
    .await;
    assert!(r.is_err());
    assert_eq!(state_of(&app, id).await, "accepted");
}

async fn concurrent_accept_and_cancel_leave_one_outcome(app: TestApp) {
    let fx = fixture(&app).await;
    let c = cast(&app).await;
    let seller_csrf = c.seller.csrf().await;
    let buyer_csrf = c.buyer.csrf().await;
    let mut accepted = 0;
    let mut cancelled = 0;
    for round in 0..20 {
        let id = place(&c.buyer, &fx, &[(fx.snack, "20")]).await;
        let accept_path = format!("/pesanan/{id}/terima");
        let cancel_path = format!("/pesanan/{id}/batal");
        // Both sides act on the page they loaded (version 0), at once.
        let accept_form = [("_csrf", seller_csrf.as_str()), ("versi", "0")];
        let cancel_form = [
            ("_csrf", buyer_csrf.as_str()),
            ("versi", "0"),
            ("reason", "Berubah pikiran, maaf"),
        ];
        let (a, b) = tokio::join!(
            c.seller.post_raw(&accept_path, &accept_form),
            c.buyer.post_raw(&cancel_path, &cancel_form),
        );
        let ok_a = a.status == StatusCode::SEE_OTHER;
        let ok_b = b.status == StatusCode::SEE_OTHER;
        assert!(
            ok_a ^ ok_b,
            "round {round}: exactly one succeeds ({} / {})",
            a.status,
            b.status
        );
        let loser = if ok_a { &b } else { &a };
        assert_eq!(
            loser.status,
            StatusCode::CONFLICT,
            "round {round}: {}",
            loser.body
        );
        assert!(
            loser.contains("baru saja diubah pihak lain; muat ulang halaman."),
            "round {round}: {}",
            loser.body
        );
        let state = state_of(&app, id).await;
        let events: Vec<String> = sqlx::query_scalar(
            "SELECT action FROM order_events WHERE order_id = $1 AND action <> 'dibuat'",
        )
        .bind(id)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        if ok_a {
            assert_eq!(state, "accepted");
            assert_eq!(events, vec!["terima".to_owned()]);
            accepted += 1;
        } else {
            assert_eq!(state, "cancelled");
            assert_eq!(events, vec!["batal".to_owned()]);
            cancelled += 1;
        }
        let version = i64_of(&app, "SELECT version FROM orders WHERE id = $1", id).await;
        assert_eq!(version, 1, "round {round}: one change");
    }
    assert_eq!(accepted + cancelled, 20);
}

async fn delivered_orders_complete_automatically(app: TestApp) {
    let fx = fixture(&app).await;
    let c = cast(&app).await;
    let old = order_in(&app, &c, &fx, State::Delivered).await;
    let recent = order_in(&app, &c, &fx, State::Delivered).await;
    let days = app.settings.order_autocomplete_days;
    sqlx::query("UPDATE orders SET delivered_at = delivered_at - $1 WHERE id = $2")
        .bind(days * 86_400 + 60)
        .bind(old)
        .execute(app.db.pool())
        .await
        .unwrap();
    // Besides `old`, any delivered order of the demo district that is as old is due too.
    let due = i64_of(
        &app,
        "SELECT COUNT(*) FROM orders WHERE state = 'delivered' AND delivered_at <= $1",
        karya::db::now() - days * 86_400,
    )
    .await;
    let reach = karya::db::orders::Reach::from_settings(&app.settings);
    let n = karya::app::orders::autocomplete_due(&app.db, days, &reach)
        .await
        .unwrap();
    assert_eq!(n as i64, due);
    assert!(n >= 1);
    assert_eq!(state_of(&app, old).await, "completed");
    assert_eq!(state_of(&app, recent).await, "delivered");
    let row = sqlx::query(
        "SELECT actor, user_id, action FROM order_events WHERE order_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(old)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("actor"), "system");
    assert_eq!(row.get::<Option<i64>, _>("user_id"), None);
    assert_eq!(row.get::<String, _>("action"), "otomatis-selesai");
    assert_eq!(
        i64_of(
            &app,
            "SELECT COUNT(*) FROM orders WHERE state = 'delivered' AND delivered_at <= $1",
            karya::db::now() - days * 86_400,
        )
        .await,
        0,
        "nothing due is left"
    );
    // Running again changes nothing.
    assert_eq!(
        karya::app::orders::autocomplete_due(&app.db, days, &reach)
            .await
            .unwrap(),
        0
    );
    // The buyer can now review it; the page says the system completed it.
    let page = c.buyer.get(&format!("/pesanan/{old}")).await;
    assert!(page.contains("Sistem") && page.contains("otomatis"));
    assert!(page.contains("Kirim ulasan"));
}

async fn only_the_parties_and_the_agency_open_an_order(app: TestApp) {
    let fx = fixture(&app).await;
    let buyer = app.signed_in("pembeli").await;
    let id = place(&buyer, &fx, &[(fx.snack, "20")]).await;
    let path = format!("/pesanan/{id}");
    for (user, status) in [
        ("pembeli", StatusCode::OK),
        ("alumni", StatusCode::OK),
        ("admin", StatusCode::OK),
        ("opd", StatusCode::NOT_FOUND),
        ("bendahara", StatusCode::NOT_FOUND),
        ("mitra", StatusCode::NOT_FOUND),
    ] {
        let v = app.signed_in(user).await;
        assert_eq!(v.get(&path).await.status, status, "{user} opens an order");
        // Nor can they act on it or write in its thread.
        if status == StatusCode::NOT_FOUND {
            assert_eq!(
                v.post(&format!("{path}/pesan"), &[("body", "Halo")])
                    .await
                    .status,
                StatusCode::NOT_FOUND
            );
            assert_eq!(
                v.post(&format!("{path}/batal"), &[("reason", "Iseng saja ya")])
                    .await
                    .status,
                StatusCode::NOT_FOUND
            );
        }
    }
    assert_eq!(app.visitor().get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.visitor().get("/pesanan/999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        i64_of(
            &app,
            "SELECT COUNT(*) FROM order_messages WHERE order_id = $1",
            id
        )
        .await,
        0
    );
    // An alumnus of another business does not see it: link the alumni account to another
    // alumnus for a moment.
    let other_alumnus: Option<i64> = sqlx::query_scalar(
        "SELECT a.id FROM alumni a WHERE a.id NOT IN (SELECT alumnus_id FROM businesses WHERE id = $1) \
         AND a.id NOT IN (SELECT alumnus_id FROM users WHERE alumnus_id IS NOT NULL) LIMIT 1",
    )
    .bind(fx.business)
    .fetch_optional(app.db.pool())
    .await
    .unwrap();
    if let Some(other) = other_alumnus {
        sqlx::query("UPDATE users SET alumnus_id = $1 WHERE username = 'alumni'")
            .bind(other)
            .execute(app.db.pool())
            .await
            .unwrap();
        let v = app.signed_in("alumni").await;
        assert_eq!(v.get(&path).await.status, StatusCode::NOT_FOUND);
    }
}

async fn disputes_are_decided_by_the_agency(app: TestApp) {
    let fx = fixture(&app).await;
    let c = cast(&app).await;
    let id = order_in(&app, &c, &fx, State::Delivered).await;
    // A reason is required; what was typed stays.
    let page = act(&c.buyer, id, "sengketa", &[("reason", "  ")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Tulis alasannya"));
    assert_eq!(state_of(&app, id).await, "delivered");
    assert_done(
        &act(
            &c.buyer,
            id,
            "sengketa",
            &[("reason", "Kotak yang datang hanya 15, bukan 20")],
        )
        .await,
        "dispute",
    );
    assert_eq!(state_of(&app, id).await, "disputed");
    // The agency's queue lists it; others may not open the queue.
    let list = c.admin.get("/admin/sengketa").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.contains(&format!("/pesanan/{id}")));
    assert_eq!(
        c.seller.get("/admin/sengketa").await.status,
        StatusCode::FORBIDDEN
    );
    // Only the agency decides, with a recorded decision.
    let page = c.admin.get(&format!("/pesanan/{id}")).await;
    assert!(
        page.contains("Putuskan: pesanan selesai") && page.contains("Putuskan: pesanan dibatalkan")
    );
    assert_eq!(
        act(
            &c.seller,
            id,
            "putuskan-selesai",
            &[("reason", "Saya menang dong")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let page = act(&c.admin, id, "putuskan-selesai", &[("reason", "")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_done(
        &act(
            &c.admin,
            id,
            "putuskan-selesai",
            &[(
                "reason",
                "Penjual mengirim 5 kotak kekurangan pada 12 Maret; pesanan dianggap selesai.",
            )],
        )
        .await,
        "resolve",
    );
    assert_eq!(state_of(&app, id).await, "completed");
    let row = sqlx::query(
        "SELECT actor, note FROM order_events WHERE order_id = $1 AND action = 'putuskan-selesai'",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("actor"), "agency");
    assert!(row.get::<String, _>("note").contains("5 kotak kekurangan"));
    // Both sides were told.
    for user in ["pembeli", "alumni"] {
        let told: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
             WHERE u.username = $1 AND n.link = $2 AND n.title LIKE '%memutuskan sengketa%'",
        )
        .bind(user)
        .bind(format!("/pesanan/{id}"))
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(told, 1, "{user} told of the decision");
    }
    // A decided dispute is final.
    let page = act(
        &c.buyer,
        id,
        "sengketa",
        &[("reason", "Masih belum puas juga")],
    )
    .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.contains("sudah diputuskan"));
    assert!(
        !c.admin
            .get("/admin/sengketa")
            .await
            .contains(&format!("/pesanan/{id}\""))
    );
    // Deciding for cancellation.
    let other = order_in(&app, &c, &fx, State::Disputed).await;
    assert_done(
        &act(
            &c.admin,
            other,
            "putuskan-batal",
            &[("reason", "Barang tidak pernah dikirim.")],
        )
        .await,
        "resolve cancel",
    );
    assert_eq!(state_of(&app, other).await, "cancelled");
}

async fn payment_is_recorded_by_the_seller_and_confirmed_by_the_buyer(app: TestApp) {
    let fx = fixture(&app).await;
    let c = cast(&app).await;
    sqlx::query(
        "UPDATE businesses SET bank_name = 'Bank Jambi', bank_account = '1234567890', \
         bank_holder = 'Siti Rahmawati', qris_payload = '' WHERE id = $1",
    )
    .bind(fx.business)
    .execute(app.db.pool())
    .await
    .unwrap();
    let requested = order_in(&app, &c, &fx, State::Requested).await;
    let page = c.seller.get(&format!("/pesanan/{requested}")).await;
    assert!(
        !page.contains("Catat pembayaran"),
        "not before the order is agreed"
    );
    assert!(
        !page.contains("1234567890"),
        "no bank account before the order is agreed"
    );
    let today = wib_date(0);
    let page = act(
        &c.seller,
        requested,
        "pembayaran",
        &[
            ("method", "cash"),
            ("paid_on", &today),
            ("amount", "240.000"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::CONFLICT);

    let id = order_in(&app, &c, &fx, State::Accepted).await;
    let page = c.buyer.get(&format!("/pesanan/{id}")).await;
    assert!(
        page.contains("Bank Jambi") && page.contains("1234567890"),
        "invoice shows the account"
    );
    assert!(
        !page.contains("Bayar dengan QRIS"),
        "no QRIS without a payload"
    );
    // With the business's static QRIS, the page shows a dynamic one for the exact total.
    sqlx::query("UPDATE businesses SET qris_payload = $1 WHERE id = $2")
        .bind(STATIC_QRIS)
        .bind(fx.business)
        .execute(app.db.pool())
        .await
        .unwrap();
    let page = c.buyer.get(&format!("/pesanan/{id}")).await;
    let dynamic = karya::domain::qris::with_amount(
        STATIC_QRIS,
        karya::domain::rupiah::Rupiah::new(240_000).unwrap(),
    )
    .unwrap();
    assert!(dynamic.contains("5406240000"), "{dynamic}");
    assert!(page.contains("Bayar dengan QRIS"));
    assert!(
        page.contains(&karya::domain::qris::svg(&dynamic)),
        "the QR code of that payload"
    );
    // The code can be saved as an image with a file name, and the account number copied (the
    // button appears with JavaScript; the number is selectable text without it).
    assert!(page.contains(&format!("download=\"qris-pesanan-{id}.png\"")));
    assert!(page.contains("<span id=\"rekening\" class=\"account-number\">1234567890</span>"));
    assert!(page.contains("data-copy=\"rekening\""));
    let png = c.buyer.get(&format!("/pesanan/{id}/qris.png")).await;
    assert_eq!(png.status, StatusCode::OK);
    assert_eq!(
        png.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/png")
    );
    assert_eq!(
        png.headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok()),
        Some(format!("attachment; filename=\"qris-pesanan-{id}.png\"").as_str())
    );
    // Nobody else gets it.
    assert_eq!(
        app.visitor()
            .get(&format!("/pesanan/{id}/qris.png"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The buyer does not record payments.
    let page = act(
        &c.buyer,
        id,
        "pembayaran",
        &[
            ("method", "cash"),
            ("paid_on", &today),
            ("amount", "240.000"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // Bad input.
    let tomorrow = wib_date(1);
    let page = act(
        &c.seller,
        id,
        "pembayaran",
        &[
            ("method", "emas"),
            ("paid_on", &tomorrow),
            ("amount", "12,5"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Pilih cara pembayaran.") && page.contains("sesudah hari ini"));
    assert_eq!(
        i64_of(
            &app,
            "SELECT COUNT(*) FROM order_payments WHERE order_id = $1",
            id
        )
        .await,
        0
    );
    // Recorded, corrected, confirmed, then fixed.
    assert_done(
        &act(
            &c.seller,
            id,
            "pembayaran",
            &[
                ("method", "transfer"),
                ("paid_on", &today),
                ("amount", "200.000"),
            ],
        )
        .await,
        "record",
    );
    assert_done(
        &act(
            &c.seller,
            id,
            "pembayaran",
            &[
                ("method", "qris"),
                ("paid_on", &today),
                ("amount", "240.000"),
            ],
        )
        .await,
        "correct",
    );
    let page = c.buyer.get(&format!("/pesanan/{id}")).await;
    // Once a payment is recorded the QR code is gone, and so is its image.
    assert!(
        !page.contains("Bayar dengan QRIS"),
        "recorded: no more QR code"
    );
    assert_eq!(
        c.buyer.get(&format!("/pesanan/{id}/qris.png")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        page.contains("QRIS")
            && page.contains("Rp240.000")
            && page.contains("Menunggu konfirmasi pembeli")
    );
    assert_eq!(
        act(&c.seller, id, "konfirmasi-pembayaran", &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_done(
        &act(&c.buyer, id, "konfirmasi-pembayaran", &[]).await,
        "confirm",
    );
    let page = c.buyer.get(&format!("/pesanan/{id}")).await;
    assert!(!page.contains("Bayar dengan QRIS"), "paid: no more QR code");
    assert_eq!(
        act(&c.buyer, id, "konfirmasi-pembayaran", &[]).await.status,
        StatusCode::CONFLICT
    );
    let page = act(
        &c.seller,
        id,
        "pembayaran",
        &[("method", "cash"), ("paid_on", &today), ("amount", "1")],
    )
    .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    let row =
        sqlx::query("SELECT method, amount, confirmed_at FROM order_payments WHERE order_id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(row.get::<String, _>("method"), "qris");
    assert_eq!(row.get::<i64, _>("amount"), 240_000);
    assert!(row.get::<Option<i64>, _>("confirmed_at").is_some());
    let events: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM order_events WHERE order_id = $1 AND action LIKE 'pembayaran%' ORDER BY id",
    )
    .bind(id)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        events,
        ["pembayaran", "pembayaran", "pembayaran-dikonfirmasi"]
    );
    assert_eq!(
        i64_of(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'order.payment_confirmed' \
             AND entity = 'order' AND entity_id = CAST($1 AS TEXT)",
            id
        )
        .await,
        1
    );
}

async fn messages_reach_the_other_side(app: TestApp) {
    let fx = fixture(&app).await;
    let seller = app.signed_in("alumni").await;
    let guest = app.visitor();
    let id = place(&guest, &fx, &[(fx.snack, "20")]).await;
    let page = act(&guest, id, "pesan", &[("body", "   ")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Pesan masih kosong."));
    assert_done(
        &act(&guest, id, "pesan", &[("body", "Bisa diantar jam 7 pagi?")]).await,
        "guest message",
    );
    assert_done(
        &act(&seller, id, "pesan", &[("body", "Bisa, Bu. <b>Siap</b>")]).await,
        "seller message",
    );
    let page = guest.get(&format!("/pesanan/{id}")).await;
    assert!(page.contains("Bisa diantar jam 7 pagi?"));
    assert!(
        page.contains("Bisa, Bu.") && !page.contains("<b>Siap</b>"),
        "escaped"
    );
    // The seller has an account: notified in the app (new order + message).
    assert_eq!(notices(&app, "alumni", id).await, 2);
    // The guest is outside the app: a WhatsApp hand-off naming the order (no SMTP configured).
    let row =
        sqlx::query("SELECT channel, recipient, subject, body FROM outbox WHERE order_id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(row.get::<String, _>("channel"), "whatsapp");
    assert_eq!(row.get::<String, _>("recipient"), "+6281277771234");
    assert!(row.get::<String, _>("subject").contains(&format!("#{id}")));
    assert!(
        row.get::<String, _>("body")
            .contains(&format!("/pesanan/{id}"))
    );
    // The secret token never goes into stored messages.
    let hash: String = sqlx::query_scalar("SELECT guest_token_hash FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(!row.get::<String, _>("body").contains(&hash));
    assert_eq!(
        i64_of(
            &app,
            "SELECT COUNT(*) FROM order_messages WHERE order_id = $1",
            id
        )
        .await,
        2
    );
}

async fn seller_and_buyer_lists(app: TestApp) {
    let fx = fixture(&app).await;
    let c = cast(&app).await;
    // The business has the demo district's orders: the tabs count on from there.
    let before = c.seller.get("/usaha/pesanan").await;
    let all_before = tab_count(&before, "Semua");
    let accepted_before = tab_count(&before, "Diterima penjual");
    let a = order_in(&app, &c, &fx, State::Accepted).await;
    let r = order_in(&app, &c, &fx, State::Requested).await;
    let page = c.seller.get("/usaha/pesanan").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains(&format!("/pesanan/{a}\"")) && page.contains(&format!("/pesanan/{r}\"")));
    let tabs = page.text_of(".order-tabs a");
    assert_eq!(tab_count(&page, "Semua"), all_before + 2, "{tabs}");
    assert_eq!(
        tab_count(&page, "Diterima penjual"),
        accepted_before + 1,
        "{tabs}"
    );
    let page = c.seller.get("/usaha/pesanan?status=accepted").await;
    assert!(
        page.contains(&format!("/pesanan/{a}\"")) && !page.contains(&format!("/pesanan/{r}\""))
    );
    let row = block(&page, ".order-rows li", &format!("/pesanan/{a}\""));
    assert!(row.contains("Rp240.000"), "{row}");
    let page = c.buyer.get("/pesanan").await;
    assert!(page.contains(&format!("/pesanan/{a}\"")) && page.contains(&format!("/pesanan/{r}\"")));
    // Another buyer's list is their own.
    let admin_list = c.admin.get("/pesanan").await;
    assert!(!admin_list.contains(&format!("/pesanan/{a}\"")));
    // Guests have no list; they keep their link.
    c.guest.get("/pesanan").await.assert_redirect_to("/masuk");
}

// ---- messages with the recipient's own link, the delivery fee ----

/// The outbox rows to `recipient` about an order, oldest first.
async fn outbox_to(app: &TestApp, order: i64, recipient: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT body FROM outbox WHERE order_id = $1 AND recipient = $2 ORDER BY id")
        .bind(order)
        .bind(recipient)
        .fetch_all(app.db.pool())
        .await
        .unwrap()
}

/// The link (path and query) in a message that points to this order.
fn link_in(text: &str, id: i64) -> Option<String> {
    let at = text.find(&format!("/pesanan/{id}"))?;
    let rest = &text[at..];
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    Some(rest[..end].trim_end_matches(['.', ')']).to_owned())
}

/// The decoded text of the first `wa.me` link of the page.
fn whatsapp_text(page: &Page) -> Option<(String, String)> {
    let doc = scraper::Html::parse_document(&page.body);
    let sel = scraper::Selector::parse("a.btn-wa").unwrap();
    doc.select(&sel).find_map(|a| {
        let href = a.value().attr("href")?;
        let rest = href.strip_prefix("https://wa.me/")?;
        let (to, text) = rest.split_once("?text=")?;
        let text = percent_encoding::percent_decode_str(text)
            .decode_utf8()
            .ok()?
            .into_owned();
        Some((to.to_owned(), text))
    })
}

async fn a_guests_message_carries_the_link_that_opens_the_order(app: TestApp) {
    let fx = fixture(&app).await;
    let c = cast(&app).await;
    let guest = app.visitor();
    let id = place(&guest, &fx, &[(fx.cake, "2")]).await;
    // The seller accepts with a delivery fee: the guest's WhatsApp message says so, with the
    // amount, the date and the guest's own secret link.
    assert_done(
        &act(&c.seller, id, "terima", &[("ongkir", "15.000")]).await,
        "accept",
    );
    let sent = outbox_to(&app, id, "+6281277771234").await;
    let text = sent.last().expect("a message to the guest");
    assert!(text.contains("Rp315.000"), "{text}");
    assert!(text.contains("ongkir Rp15.000"), "{text}");
    let link = link_in(text, id).expect("the order's link");
    assert!(link.contains("?t="), "{text}");
    assert!(!text.contains("…"), "{text}");
    // The link in the message opens the guest's order on another device (no cookie).
    let elsewhere = app.visitor();
    let opened = elsewhere.get(&link).await;
    assert_eq!(opened.status, StatusCode::OK, "{link}");
    assert!(opened.contains(&format!("Pesanan #{id}")));
    assert!(opened.contains("Anda melihat sebagai <strong>Pembeli</strong>"));

    // An order placed before links were derived keeps its random link, which still opens it;
    // its messages ask the guest for the link they saved, never a wrong one.
    let old = place(&app.visitor(), &fx, &[(fx.cake, "1")]).await;
    let random = "c0ffee0123456789abcdef0123456789";
    sqlx::query("UPDATE orders SET guest_token_hash = $1 WHERE id = $2")
        .bind(karya::secrets::token_hash(random))
        .bind(old)
        .execute(app.db.pool())
        .await
        .unwrap();
    let opened = app
        .visitor()
        .get(&format!("/pesanan/{old}?t={random}"))
        .await;
    assert_eq!(opened.status, StatusCode::OK);
    assert_done(&act(&c.seller, old, "terima", &[]).await, "accept old");
    let sent = outbox_to(&app, old, "+6281277771234").await;
    let text = sent.last().expect("a message to the old order's guest");
    assert!(text.contains("tautan yang Anda simpan"), "{text}");
    assert!(!text.contains("?t=") || text.contains("?t=…"), "{text}");
}

async fn the_placed_page_offers_to_tell_the_seller_on_whatsapp(app: TestApp) {
    let fx = fixture(&app).await;
    sqlx::query("UPDATE businesses SET phone = '+6281311112222' WHERE id = $1")
        .bind(fx.business)
        .execute(app.db.pool())
        .await
        .unwrap();
    let guest = app.visitor();
    let page = submit(&guest, &fx, &[(fx.cake, "2")], &[("fulfilment", "pickup")]).await;
    let id = order_id(&page);
    let shown = guest.get(page.location.as_deref().unwrap()).await;
    assert!(shown.contains("Pesanan terkirim. Penjual sudah diberi tahu."));
    assert!(shown.contains("Kabari penjual lewat WhatsApp"));
    let (to, text) = whatsapp_text(&shown).expect("a WhatsApp button");
    assert_eq!(to, "6281311112222");
    assert!(text.contains(&format!("Pesanan baru #{id}")), "{text}");
    assert!(text.contains("Rp300.000"), "{text}");
    assert!(text.contains("Kue ulang tahun × 2 loyang"), "{text}");
    // The seller's own link (behind the seller's sign-in), not the guest's secret.
    let link = link_in(&text, id).expect("the order's link");
    assert!(!link.contains("?t="), "{text}");
    // Opened again later, the page no longer offers it.
    let again = guest.get(&format!("/pesanan/{id}")).await;
    assert!(!again.contains("Kabari penjual lewat WhatsApp"));
}

/// The amounts of the order page's bill: each line's sum and the total.
fn bill_of(page: &Page) -> (Vec<i64>, i64) {
    let doc = scraper::Html::parse_document(&page.body);
    let row = scraper::Selector::parse(".order-lines li").unwrap();
    let sum = scraper::Selector::parse(".line-sum").unwrap();
    let amount = |t: &str| -> Option<i64> {
        let digits: String = t
            .split("Rp")
            .nth(1)?
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .filter(char::is_ascii_digit)
            .collect();
        let value: i64 = digits.parse().ok()?;
        Some(if t.trim_start().starts_with('-') {
            -value
        } else {
            value
        })
    };
    let mut lines = Vec::new();
    let mut total = 0;
    for li in doc.select(&row) {
        let text: String = li
            .select(&sum)
            .next()
            .map(|e| e.text().collect())
            .unwrap_or_default();
        let class = li.value().attr("class").unwrap_or("");
        if class.contains("line-total") {
            total = amount(&text).expect("a total");
        } else if let Some(v) = amount(&text) {
            lines.push(v);
        }
    }
    (lines, total)
}

async fn the_delivery_fee_is_a_line_and_the_total_is_the_sum(app: TestApp) {
    let fx = fixture(&app).await;
    let c = cast(&app).await;
    // Orders placed before the fee existed: no fee, totals unchanged.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM orders WHERE delivery_fee <> 0 OR quoted_fee IS NOT NULL")
            .await,
        0
    );
    let id = place(&c.buyer, &fx, &[(fx.cake, "2")]).await;
    let page = c.buyer.get(&format!("/pesanan/{id}")).await;
    assert!(page.contains("ditentukan penjual"));
    assert!(page.contains("belum termasuk ongkir"));
    let seller_page = c.seller.get(&format!("/pesanan/{id}")).await;
    assert!(
        seller_page.contains("name=\"ongkir\""),
        "the seller sets the fee"
    );
    assert_done(
        &act(&c.seller, id, "terima", &[("ongkir", "Rp 15.000")]).await,
        "accept",
    );
    let row = sqlx::query("SELECT total, delivery_fee FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<Option<i64>, _>("total"), Some(315_000));
    assert_eq!(row.get::<i64, _>("delivery_fee"), 15_000);
    for v in [&c.buyer, &c.seller] {
        let page = v.get(&format!("/pesanan/{id}")).await;
        assert!(page.contains("Ongkos kirim"));
        let (lines, total) = bill_of(&page);
        assert_eq!(lines, vec![300_000, 15_000]);
        assert_eq!(lines.iter().sum::<i64>(), total);
        assert!(!page.contains("belum termasuk ongkir"));
    }
    // The lists show the same total.
    let list = c.buyer.get("/pesanan").await;
    assert!(block(&list, "li", &format!("/pesanan/{id}\"")).contains("Rp315.000"));

    // Picked up: no fee line, and a fee posted anyway is ignored.
    let page = submit(
        &c.buyer,
        &fx,
        &[(fx.cake, "1")],
        &[("fulfilment", "pickup")],
    )
    .await;
    let pickup = order_id(&page);
    let seller_page = c.seller.get(&format!("/pesanan/{pickup}")).await;
    assert!(!seller_page.contains("name=\"ongkir\""));
    assert_done(
        &act(&c.seller, pickup, "terima", &[("ongkir", "50.000")]).await,
        "accept pickup",
    );
    let page = c.buyer.get(&format!("/pesanan/{pickup}")).await;
    assert!(!page.contains("Ongkos kirim"));
    assert_eq!(bill_of(&page), (vec![150_000], 150_000));
}

async fn a_quote_carries_its_delivery_fee(app: TestApp) {
    let fx = fixture(&app).await;
    let c = cast(&app).await;
    let id = place(&c.buyer, &fx, &[(fx.service, "2")]).await;
    assert_done(
        &act(
            &c.seller,
            id,
            "tawar",
            &[("amount", "200.000"), ("ongkir", "20.000"), ("note", "")],
        )
        .await,
        "quote",
    );
    let row = sqlx::query("SELECT quoted_total, quoted_fee, total FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<Option<i64>, _>("quoted_total"), Some(220_000));
    assert_eq!(row.get::<Option<i64>, _>("quoted_fee"), Some(20_000));
    let page = c.buyer.get(&format!("/pesanan/{id}")).await;
    assert!(page.contains("Rp220.000") && page.contains("termasuk ongkir Rp20.000"));
    // The buyer is told the quote, its fee and the date in the app.
    let body: String = sqlx::query_scalar(
        "SELECT n.body FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE u.username = 'pembeli' AND n.link = $1 ORDER BY n.id DESC LIMIT 1",
    )
    .bind(format!("/pesanan/{id}"))
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(
        body.contains("Rp220.000 (termasuk ongkir Rp20.000)"),
        "{body}"
    );
    assert_done(
        &act(&c.buyer, id, "terima-penawaran", &[]).await,
        "accept quote",
    );
    let row = sqlx::query("SELECT total, delivery_fee FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<Option<i64>, _>("total"), Some(220_000));
    assert_eq!(row.get::<i64, _>("delivery_fee"), 20_000);
    let page = c.buyer.get(&format!("/pesanan/{id}")).await;
    assert!(page.contains("Harga sesuai penawaran"));
    let (lines, total) = bill_of(&page);
    assert_eq!(lines, vec![200_000, 20_000]);
    assert_eq!(total, 220_000);

    // A rejected quote takes its fee with it.
    let other = place(&c.buyer, &fx, &[(fx.service, "1")]).await;
    assert_done(
        &act(
            &c.seller,
            other,
            "tawar",
            &[("amount", "90.000"), ("ongkir", "10.000")],
        )
        .await,
        "quote",
    );
    assert_done(
        &act(&c.buyer, other, "tolak-penawaran", &[]).await,
        "reject",
    );
    let fee: Option<i64> = sqlx::query_scalar("SELECT quoted_fee FROM orders WHERE id = $1")
        .bind(other)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(fee, None);
}

async fn a_bad_delivery_fee_is_refused_with_the_input_kept(app: TestApp) {
    let fx = fixture(&app).await;
    let c = cast(&app).await;
    let id = place(&c.buyer, &fx, &[(fx.cake, "1")]).await;
    for (typed, message) in [
        ("lima ribu", "Jumlah hanya boleh berisi angka."),
        ("12,5", "rupiah utuh"),
        ("99.000.000", "paling banyak Rp10.000.000"),
    ] {
        let page = act(&c.seller, id, "terima", &[("ongkir", typed)]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert!(page.contains(message), "{typed}: {}", page.body);
        let doc = scraper::Html::parse_document(&page.body);
        let field = scraper::Selector::parse("#ongkir-terima").unwrap();
        let kept = doc
            .select(&field)
            .next()
            .and_then(|e| e.value().attr("value"));
        assert_eq!(kept, Some(typed));
        assert_eq!(state_of(&app, id).await, "requested");
    }
    let fee: i64 = i64_of(&app, "SELECT delivery_fee FROM orders WHERE id = $1", id).await;
    assert_eq!(fee, 0);
    let total: i64 = i64_of(&app, "SELECT total FROM orders WHERE id = $1", id).await;
    assert_eq!(total, 150_000);
    // A quote with a bad fee stores nothing either.
    let quoted = place(&c.buyer, &fx, &[(fx.service, "1")]).await;
    let page = act(
        &c.seller,
        quoted,
        "tawar",
        &[("amount", "90.000"), ("ongkir", "-1")],
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(page.input_value("amount").as_deref(), Some("90.000"));
    assert_eq!(state_of(&app, quoted).await, "requested");
}
