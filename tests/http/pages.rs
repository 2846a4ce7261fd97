//! Issue 15 §4–§5: the audit trail in Indonesian with its user and date filters, dashboards as
//! to-do lists whose cards open what they count, the buyer's tasks and reviews, error pages that
//! know who is signed in, the home page's links into the catalog.

use reqwest::StatusCode;
use sqlx::Row;

use crate::both;
use crate::helpers::{Page, TestApp};

both!(
    audit_trail_speaks_indonesian,
    every_stored_audit_entry_has_words,
    audit_filters_by_user_and_date,
    buyer_dashboard_is_his_to_do_list,
    buyer_sees_his_reviews,
    dashboard_cards_open_what_they_count,
    office_list_puts_its_work_first,
    error_pages_know_who_is_signed_in,
    home_links_trades_to_the_catalog,
    a_unit_is_stored_without_per,
    tax_rates_are_written_in_percent
);

/// The text of a page without its tags, for "does not say" checks.
fn words(page: &Page) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in page.body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

async fn audit_trail_speaks_indonesian(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let page = admin.get("/admin/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = words(&page);
    assert!(text.contains("Masuk berhasil"), "{text}");
    for code in ["login.success", "kode login", "office_document", "from:"] {
        assert!(!text.contains(code), "{code} on the audit page");
    }
    // A letter's number is a document number, never "angkatan ke".
    let docs = admin
        .get("/admin/audit?aksi=procurement.document.issue")
        .await;
    let text = words(&docs);
    assert!(text.contains("nomor dokumen:"), "{text}");
    assert!(text.contains("Dokumen pengadaan #"), "{text}");
    assert!(!text.contains("angkatan ke"), "{text}");
    assert!(!text.contains("office_document"), "{text}");
    // Payments: amounts in Rupiah with their Indonesian names.
    let paid = words(&admin.get("/admin/audit?aksi=procurement.payment").await);
    assert!(paid.contains("nilai bruto: Rp"), "{paid}");
    assert!(paid.contains("dibayar ke penyedia: Rp"), "{paid}");
    for code in ["gross", "withheld", "net:"] {
        assert!(!paid.contains(code), "{code} in {paid}");
    }
    // Order steps: states and parties in words.
    let steps = words(&admin.get("/admin/audit?aksi=order.transition").await);
    assert!(steps.contains("dari status: "), "{steps}");
    for code in ["accepted", "requested", "seller", "buyer", "from:"] {
        assert!(!steps.contains(code), "{code} in {steps}");
    }
}

/// Every entry the demo district wrote (through the same use cases people call) has a labelled
/// action and record, and every key of its details reads in Indonesian.
async fn every_stored_audit_entry_has_words(app: TestApp) {
    use karya::domain::audit::{action_label, entity_label, unlabelled_keys};
    let rows = sqlx::query("SELECT DISTINCT action, entity, summary FROM audit_log")
        .fetch_all(app.db.pool())
        .await
        .expect("audit rows");
    assert!(rows.len() > 50, "{} distinct entries", rows.len());
    let mut missing = std::collections::BTreeSet::new();
    for r in &rows {
        let action: String = r.get("action");
        let entity: String = r.get("entity");
        let summary: String = r.get("summary");
        if action_label(&action) == action {
            missing.insert(format!("action {action}"));
        }
        if entity_label(&entity) == entity {
            missing.insert(format!("record {entity}"));
        }
        for key in unlabelled_keys(&entity, &summary) {
            missing.insert(format!("key {key} of {entity} ({action})"));
        }
    }
    assert!(missing.is_empty(), "no Indonesian words for: {missing:?}");
}

async fn audit_filters_by_user_and_date(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let pembeli = app.signed_in("pembeli").await;
    let _ = pembeli.get("/dasbor").await;

    // By user: only that user's entries.
    let page = admin.get("/admin/audit?pengguna=pembeli").await;
    assert_eq!(page.status, StatusCode::OK);
    let expected: i64 = app
        .scalar("SELECT COUNT(*) FROM audit_log WHERE actor_label = 'pembeli'")
        .await;
    assert!(expected > 0);
    assert!(
        page.contains(&format!("{expected} entri")),
        "{}",
        page.text_of(".muted")
    );
    let text = words(&page);
    assert!(text.contains("oleh pembeli"));
    assert!(!text.contains("oleh admin"), "only pembeli's entries");

    // An unknown user: said so, the input kept, no list.
    let page = admin.get("/admin/audit?pengguna=bukan.siapa.siapa").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Tidak ada pengguna bernama"));
    assert_eq!(
        page.input_value("pengguna").as_deref(),
        Some("bukan.siapa.siapa")
    );
    assert!(page.contains("0 entri"));

    // By date: today has this test's sign-ins; a day long past has none; the range is whole
    // days in WIB.
    let today = karya::domain::dates::to_iso(karya::domain::dates::today_wib());
    let page = admin
        .get(&format!(
            "/admin/audit?pengguna=pembeli&dari={today}&sampai={today}"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(words(&page).contains("Masuk berhasil"));
    let page = admin
        .get("/admin/audit?dari=1-1-2001&sampai=31-12-2001")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains("0 entri"), "{}", page.text_of(".muted"));

    // Bad dates: each field's message, the input kept, nothing listed.
    let page = admin
        .get("/admin/audit?dari=kemarin&sampai=2026-02-30")
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Tanggal “kemarin” tidak terbaca"));
    assert!(page.contains("Tanggal “2026-02-30” tidak terbaca"));
    assert_eq!(page.input_value("dari").as_deref(), Some("kemarin"));
    let page = admin
        .get("/admin/audit?dari=2026-12-08&sampai=2026-12-01")
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Tanggal akhir lebih awal dari tanggal mulai."));
}

/// The demo buyer's orders in a state: ids, newest first.
async fn buyer_orders(app: &TestApp, state: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT o.id FROM orders o JOIN users u ON u.id = o.buyer_user_id \
         WHERE u.username = 'pembeli' AND o.state = $1 ORDER BY o.id DESC",
    )
    .bind(state)
    .fetch_all(app.db.pool())
    .await
    .expect("orders")
}

async fn buyer_dashboard_is_his_to_do_list(app: TestApp) {
    let buyer = app.signed_in("pembeli").await;
    let delivered = buyer_orders(&app, "delivered").await;
    let requested = buyer_orders(&app, "requested").await;
    assert!(
        !delivered.is_empty() && !requested.is_empty(),
        "demo orders"
    );
    let page = buyer.get("/dasbor").await;
    assert_eq!(page.status, StatusCode::OK);
    let todo = page.text_of(".todo");
    for id in &delivered {
        assert!(
            todo.contains(&format!("Konfirmasi pesanan #{id} sudah diterima")),
            "{todo}"
        );
        assert!(page.contains(&format!("href=\"/pesanan/{id}\"")));
    }
    // Waiting for the seller is not his task.
    for id in &requested {
        assert!(!todo.contains(&format!("#{id} ")), "{todo}");
    }
    // No agency statistics.
    for stat in ["alumni terlatih", "Usaha per kejuruan", "kejuruan"] {
        assert!(
            !words(&page).contains(stat),
            "{stat} on the buyer's dashboard"
        );
    }

    // Once he confirms, the task becomes a review.
    let id = delivered[0];
    let done = buyer.post(&format!("/pesanan/{id}/konfirmasi"), &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let todo = buyer.get("/dasbor").await.text_of(".todo");
    assert!(
        todo.contains(&format!("Beri ulasan pesanan #{id}")),
        "{todo}"
    );
    assert!(
        !todo.contains(&format!("Konfirmasi pesanan #{id}")),
        "{todo}"
    );
}

async fn buyer_sees_his_reviews(app: TestApp) {
    let buyer = app.signed_in("pembeli").await;
    let mine: Vec<(i64, String)> = sqlx::query_as(
        "SELECT v.order_id, v.body FROM reviews v JOIN orders o ON o.id = v.order_id \
         JOIN users u ON u.id = o.buyer_user_id WHERE u.username = 'pembeli'",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("his reviews");
    let others: Vec<String> = sqlx::query_scalar(
        "SELECT v.body FROM reviews v JOIN orders o ON o.id = v.order_id \
         WHERE o.buyer_user_id IS NULL AND v.body <> '' ORDER BY v.id LIMIT 3",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("guests' reviews");
    assert!(!mine.is_empty() && !others.is_empty(), "demo reviews");
    let page = buyer.get("/akun/ulasan").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains("<h1>Ulasan saya</h1>"));
    for (order, body) in &mine {
        assert!(page.contains(&format!("Pesanan #{order}")), "{}", page.body);
        assert!(page.contains(body), "{body}");
    }
    for body in &others {
        assert!(!page.contains(body), "another buyer's review: {body}");
    }
    // The dashboard card counts them and opens the page.
    let dash = buyer.get("/dasbor").await;
    assert!(dash.contains("href=\"/akun/ulasan\""));
    // Someone who never ordered has an empty page, not an error.
    let admin = app.signed_in("admin").await;
    let empty = admin.get("/akun/ulasan").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.contains("Anda belum menulis ulasan"));
}

/// The number shown on the card whose link is `href`.
fn card_value(page: &Page, href: &str) -> i64 {
    let marker = format!(
        "class=\"stat stat-link\" href=\"{}\"",
        href.replace('&', "&amp;")
    );
    let at = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("no card opening {href}"));
    let rest = &page.body[at..];
    let num = rest
        .split("<span class=\"num\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .expect("the card's number");
    num.replace('.', "").parse().expect("a number")
}

async fn dashboard_cards_open_what_they_count(app: TestApp) {
    // The seller: "pesanan baru" opens exactly the new orders.
    let seller = app.signed_in("alumni").await;
    let dash = seller.get("/dasbor").await;
    let new = card_value(&dash, "/usaha/pesanan?status=requested");
    assert!(new > 0, "the demo seller has new orders");
    assert!(
        dash.text_of(".todo")
            .contains(&format!("{new} pesanan baru"))
    );
    let list = seller.get("/usaha/pesanan?status=requested").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(
        list.body.matches("href=\"/pesanan/").count() as i64,
        new,
        "the list behind the card"
    );
    // The office: "perlu tindakan Anda" opens the requests waiting for it, and only those.
    let office = app.signed_in("opd").await;
    let dash = office.get("/dasbor").await;
    let todo = card_value(&dash, "/pengadaan?tampil=perlu-tindakan");
    let list = office.get("/pengadaan?tampil=perlu-tindakan").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(
        list.body.matches("class=\"row row-todo\"").count() as i64,
        todo
    );
    assert_eq!(
        list.body.matches("class=\"row\"").count(),
        0,
        "only its work"
    );
    // The admin's cards open the registers they count.
    let admin = app.signed_in("admin").await;
    let dash = admin.get("/dasbor").await;
    let alumni = card_value(&dash, "/admin/alumni");
    assert_eq!(alumni, app.scalar("SELECT COUNT(*) FROM alumni").await);
    card_value(&dash, "/admin/sengketa");
}

async fn office_list_puts_its_work_first(app: TestApp) {
    let office = app.signed_in("opd").await;
    let page = office.get("/pengadaan").await;
    assert_eq!(page.status, StatusCode::OK);
    // (todo, late) of each row in the order shown.
    let rows: Vec<(bool, bool)> = page
        .body
        .split("<li class=\"row")
        .skip(1)
        .map(|r| {
            let classes = r.split('"').next().unwrap_or("");
            (classes.contains("row-todo"), classes.contains("row-late"))
        })
        .collect();
    assert!(
        rows.iter().any(|r| r.0) && rows.iter().any(|r| !r.0),
        "{rows:?}"
    );
    // Overdue payments lead (issue 15 §3); after them what waits for the office comes first.
    let late = rows.iter().take_while(|r| r.1).count();
    assert!(rows[late..].iter().all(|r| !r.1), "overdue first: {rows:?}");
    let rest = &rows[late..];
    let first_other = rest
        .iter()
        .position(|r| !r.0)
        .expect("a request not waiting");
    assert!(
        rest[first_other..].iter().all(|r| !r.0),
        "requests needing action come first: {rows:?}"
    );
}

async fn error_pages_know_who_is_signed_in(app: TestApp) {
    let buyer = app.signed_in("pembeli").await;
    let name: String =
        sqlx::query_scalar("SELECT display_name FROM users WHERE username = 'pembeli'")
            .fetch_one(app.db.pool())
            .await
            .expect("name");
    for (path, status) in [
        ("/admin/audit", StatusCode::FORBIDDEN),
        ("/halaman-yang-tidak-ada", StatusCode::NOT_FOUND),
        ("/pesanan/999999", StatusCode::NOT_FOUND),
    ] {
        let page = buyer.get(path).await;
        assert_eq!(page.status, status, "{path}");
        assert!(page.contains(&name), "{path}: the header names the user");
        assert!(
            page.contains("action=\"/keluar\""),
            "{path}: sign-out button"
        );
        assert!(page.contains("href=\"/dasbor\""), "{path}: the menu");
        assert!(!page.contains("href=\"/masuk\""), "{path}: no sign-in link");
    }
    let page = buyer.get("/admin/audit").await;
    assert!(page.contains("Anda masuk sebagai"));
    // Signed out: the sign-in link, no account.
    let page = app.visitor().get("/halaman-yang-tidak-ada").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.contains("href=\"/masuk\""));
    assert!(!page.contains("action=\"/keluar\""));
}

async fn home_links_trades_to_the_catalog(app: TestApp) {
    let page = app.visitor().get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    let trades: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM trades ORDER BY id")
        .fetch_all(app.db.pool())
        .await
        .expect("trades");
    for (id, _) in &trades {
        assert!(page.contains(&format!("href=\"/katalog?kejuruan={id}\"")));
    }
    // The link filters the catalog by that trade.
    let (id, _) = &trades[0];
    let catalog = app.visitor().get(&format!("/katalog?kejuruan={id}")).await;
    assert_eq!(catalog.status, StatusCode::OK);
    assert!(catalog.contains(&format!("<option value=\"{id}\" selected")));
    // A few products to start from, each linking to its page.
    assert!(page.contains("Produk dan jasa pilihan"));
    let products = page.body.matches("<li class=\"result\">").count();
    assert!((1..=6).contains(&products), "{products} products");
}

async fn a_unit_is_stored_without_per(app: TestApp) {
    let per: i64 = app
        .scalar("SELECT COUNT(*) FROM listings WHERE LOWER(unit) LIKE 'per %'")
        .await;
    assert_eq!(per, 0, "demo listings count things, not 'per' things");
    let lines: i64 = app
        .scalar("SELECT COUNT(*) FROM order_items WHERE LOWER(unit) LIKE 'per %'")
        .await;
    assert_eq!(lines, 0);
    // An order line reads "2 loyang", a minimum "Minimal 2 kotak".
    let id: i64 = app
        .scalar(
            "SELECT MIN(o.id) FROM orders o JOIN users u ON u.id = o.buyer_user_id \
             WHERE u.username = 'pembeli'",
        )
        .await;
    let buyer = app.signed_in("pembeli").await;
    let page = buyer.get(&format!("/pesanan/{id}")).await;
    assert!(
        !page.contains(" per loyang"),
        "{}",
        page.text_of(".order-lines")
    );
    let row = sqlx::query("SELECT quantity, unit FROM order_items WHERE order_id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("a line");
    let (q, unit): (i64, String) = (row.get("quantity"), row.get("unit"));
    assert!(
        page.text_of(".order-lines")
            .contains(&format!("{q} {unit}")),
        "{}",
        page.text_of(".order-lines")
    );
}

async fn tax_rates_are_written_in_percent(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let page = admin.get("/admin/pengadaan/pengaturan").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!words(&page).contains("basis poin"));
    assert_eq!(page.input_value("tax.ppn_rate_bp").as_deref(), Some("11"));
    assert_eq!(
        page.input_value("tax.pph22_rate_bp").as_deref(),
        Some("1,5")
    );
    // Typed in percent, stored in basis points; the other rates keep theirs.
    let saved = admin
        .post("/admin/pengadaan/pengaturan", &[("tax.ppn_rate_bp", "12")])
        .await;
    saved.assert_redirect_to("/admin/pengadaan/pengaturan?pesan=disimpan");
    let db = app.db.clone();
    let stored = |key: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT value FROM procurement_settings WHERE key = $1")
                .bind(key)
                .fetch_optional(db.pool())
                .await
                .expect("settings")
        }
    };
    assert_eq!(stored("tax.ppn_rate_bp").await.as_deref(), Some("1200"));
    assert_eq!(
        admin
            .get("/admin/pengadaan/pengaturan")
            .await
            .input_value("tax.pph22_rate_bp")
            .as_deref(),
        Some("1,5")
    );
    // The audit trail says it in percent too.
    let audit = words(
        &admin
            .get("/admin/audit?aksi=procurement_settings.update")
            .await,
    );
    assert!(audit.contains("Tarif efektif PPN (%): 11 → 12"), "{audit}");
    // Words are refused with the message, the input kept, nothing stored.
    let page = admin
        .post(
            "/admin/pengadaan/pengaturan",
            &[("tax.ppn_rate_bp", "sebelas")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Isi tarif dalam persen"));
    assert_eq!(
        page.input_value("tax.ppn_rate_bp").as_deref(),
        Some("sebelas")
    );
    assert_eq!(stored("tax.ppn_rate_bp").await.as_deref(), Some("1200"));
}
