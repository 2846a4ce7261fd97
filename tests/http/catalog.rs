//! Marketplace: catalog. Search relevance on a fixed catalog (synonyms, typos, word order,
//! kecamatan preference), filters and sorts, the listing and storefront pages, and the admin's
//! synonyms changing results without a restart.
//!
//! The fixture catalog is written with SQL (businesses, categories, listings, photos, a review)
//! and stamped with a catalog revision as `db::revision` does; everything else goes through HTTP.

use reqwest::StatusCode;
use sqlx::Row;

use crate::both;
use crate::helpers::TestApp;

both!(
    synonyms_typos_and_word_order_find_listings,
    the_searchers_kecamatan_ranks_first_and_can_filter,
    results_show_price_unit_business_kecamatan_rating_and_badge,
    filters_and_sorts_narrow_and_order_results,
    a_bad_price_filter_is_explained_and_kept,
    empty_results_suggest_dropping_filters,
    a_paused_listing_leaves_the_catalog_without_a_restart,
    listing_page_shows_the_offer_and_hands_off_to_order_and_whatsapp,
    storefront_shows_listings_reviews_permits_and_no_private_data,
    admin_synonyms_change_results_without_a_restart,
    synonym_form_rejects_bad_input_and_stores_nothing,
);

pub const NIPAH_PANJANG: &str = "15.07.02";
pub const MUARA_SABAK_TIMUR: &str = "15.07.01";

pub struct Fixture {
    pub cake_business: i64,
    pub ac_business: i64,
    pub tailor_business: i64,
    pub far_bakery: i64,
    pub ac_split: i64,
    pub ac_install: i64,
    pub cake: i64,
    pub tailor: i64,
    pub bolu_near: i64,
    pub bolu_far: i64,
    pub cake_photo: i64,
    pub program: String,
}

async fn id_of(app: &TestApp, sql: &str, binds: &[&str]) -> i64 {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
    for b in binds {
        q = q.bind(*b);
    }
    q.fetch_one(app.db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .try_get(0)
        .expect("id")
}

async fn exec(app: &TestApp, sql: &str) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(app.db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn category(app: &TestApp, trade: &str, name: &str) -> i64 {
    let trade_id = id_of(app, "SELECT id FROM trades WHERE name = $1", &[trade]).await;
    exec(
        app,
        &format!(
            "INSERT INTO categories (trade_id, name) VALUES ({trade_id}, '{name}') \
             ON CONFLICT (trade_id, name) DO NOTHING"
        ),
    )
    .await;
    id_of(
        app,
        &format!("SELECT id FROM categories WHERE trade_id = {trade_id} AND name = $1"),
        &[name],
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn business(
    app: &TestApp,
    alumnus: i64,
    trade: &str,
    name: &str,
    kecamatan: &str,
    phone: Option<&str>,
    phone_public: bool,
    participation: Option<i64>,
) -> i64 {
    let trade_id = id_of(app, "SELECT id FROM trades WHERE name = $1", &[trade]).await;
    let verified = participation.map_or("NULL".to_string(), |_| "1700000000".into());
    let part = participation.map_or("NULL".to_string(), |p| p.to_string());
    let phone = phone.map_or("NULL".to_string(), |p| format!("'{p}'"));
    id_of(
        app,
        &format!(
            "INSERT INTO businesses (alumnus_id, trade_id, name, description, kecamatan_code, phone, \
             phone_public, verified_at, verified_participation_id, created_at, nib, pirt, halal, \
             bank_name, bank_account, bank_holder, open_days, open_from, open_until) \
             VALUES ({alumnus}, {trade_id}, $1, 'Usaha alumni BLK.', $2, {phone}, {}, {verified}, \
             {part}, 1700000000, '', '', '', 'Bank Jambi', '9876543210123', 'Pemilik', '1111110', \
             '08:00', '17:00') RETURNING id",
            i64::from(phone_public)
        ),
        &[name, kecamatan],
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn listing(
    app: &TestApp,
    business: i64,
    category: i64,
    title: &str,
    description: &str,
    price_kind: &str,
    price: Option<i64>,
    unit: &str,
    created_at: i64,
) -> i64 {
    let price = price.map_or("NULL".to_string(), |p| p.to_string());
    id_of(
        app,
        &format!(
            "INSERT INTO listings (business_id, kind, title, description, category_id, price_kind, \
             price, office_price, unit, min_order, lead_days, active, created_at, updated_at) \
             VALUES ({business}, 'product', $1, $2, {category}, $3, {price}, 999999, $4, 2, 3, 1, \
             {created_at}, {created_at}) RETURNING id"
        ),
        &[title, description, price_kind, unit],
    )
    .await
}

/// Stamps listings with the next catalog revision, as `db::revision::touch_*` does.
pub async fn touch(app: &TestApp, where_clause: &str) {
    exec(
        app,
        "UPDATE counters SET value = value + 1 WHERE name = 'catalog'",
    )
    .await;
    exec(
        app,
        &format!(
            "UPDATE listings SET revision = (SELECT value FROM counters WHERE name = 'catalog') \
             WHERE {where_clause}"
        ),
    )
    .await;
}

pub async fn fixture(app: &TestApp) -> Fixture {
    // A fixed catalog: the demo district's own listings are paused (and leave the index).
    exec(app, "UPDATE listings SET active = 0").await;
    touch(app, "active = 0").await;
    let alumni: Vec<i64> = sqlx::query_scalar("SELECT id FROM alumni ORDER BY id LIMIT 4")
        .fetch_all(app.db.pool())
        .await
        .expect("alumni");
    let part = sqlx::query(
        "SELECT p.id, pr.name FROM participations p JOIN batches b ON b.id = p.batch_id \
         JOIN programs pr ON pr.id = b.program_id ORDER BY p.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("a participation");
    let participation: i64 = part.try_get(0).unwrap();
    let program: String = part.try_get(1).unwrap();

    let tart = category(app, "Tata Boga", "Kue tart").await;
    let cakes = category(app, "Tata Boga", "Kue basah").await;
    let ac = category(
        app,
        "Teknik Pendingin dan Tata Udara",
        "Perawatan pendingin",
    )
    .await;
    let sewing = category(app, "Menjahit", "Pakaian").await;

    let cake_business = business(
        app,
        alumni[0],
        "Tata Boga",
        "Dapur Bu Sari",
        MUARA_SABAK_TIMUR,
        Some("+6281234567890"),
        true,
        Some(participation),
    )
    .await;
    let ac_business = business(
        app,
        alumni[1],
        "Teknik Pendingin dan Tata Udara",
        "Dingin Jaya Teknik",
        NIPAH_PANJANG,
        Some("+6281399990000"),
        false,
        None,
    )
    .await;
    let tailor_business = business(
        app,
        alumni[2],
        "Menjahit",
        "Rina Busana",
        NIPAH_PANJANG,
        None,
        false,
        Some(participation),
    )
    .await;
    let far_bakery = business(
        app,
        alumni[3],
        "Tata Boga",
        "Rumah Bolu Sabak",
        MUARA_SABAK_TIMUR,
        None,
        false,
        None,
    )
    .await;
    exec(
        app,
        &format!(
            "UPDATE businesses SET nib = '1234567890123', pirt = '2061507010123-27', \
             halal = 'ID15110000123' WHERE id = {cake_business}"
        ),
    )
    .await;

    let cake = listing(
        app,
        cake_business,
        tart,
        "Kue Ulang Tahun Cokelat",
        "Kue tart lembut dengan hiasan nama, untuk ulang tahun anak.",
        "fixed",
        Some(150_000),
        "loyang",
        1_700_000_100,
    )
    .await;
    let ac_split = listing(
        app,
        ac_business,
        ac,
        "Service AC split",
        "Cuci unit dalam dan luar, cek tekanan freon.",
        "from",
        Some(75_000),
        "unit AC",
        1_700_000_200,
    )
    .await;
    let ac_install = listing(
        app,
        ac_business,
        ac,
        "Pasang AC baru",
        "Pemasangan unit baru termasuk pipa 3 meter.",
        "quote",
        None,
        "unit",
        1_700_000_300,
    )
    .await;
    let tailor = listing(
        app,
        tailor_business,
        sewing,
        "Jahit seragam sekolah",
        "Seragam SD sampai SMA, ukur di rumah.",
        "fixed",
        Some(120_000),
        "stel",
        1_700_000_400,
    )
    .await;
    // The same bolu, one near Nipah Panjang, one in Muara Sabak Timur.
    let bolu_far = listing(
        app,
        far_bakery,
        cakes,
        "Bolu gulung zebra",
        "Bolu gulung lembut.",
        "fixed",
        Some(45_000),
        "kotak",
        1_700_000_500,
    )
    .await;
    let bolu_near = listing(
        app,
        tailor_business,
        cakes,
        "Bolu gulung zebra",
        "Bolu gulung lembut.",
        "fixed",
        Some(45_000),
        "kotak",
        1_700_000_500,
    )
    .await;
    let cake_photo: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "INSERT INTO listing_photos (listing_id, position, thumb, detail, width, height, created_at) \
         VALUES ({cake}, 1, $1, $1, 320, 240, 1700000000) RETURNING id"
    )))
    .bind(b"not really a jpeg".to_vec())
    .fetch_one(app.db.pool())
    .await
    .expect("photo");
    // Two reviews of the cake business (4 and 5 stars), one with the alumna's reply.
    for (i, rating) in [(1, 4), (2, 5)] {
        let order = id_of(
            app,
            &format!(
                "INSERT INTO orders (business_id, buyer_name, buyer_phone, fulfilment, needed_on, \
                 idempotency_key, created_at, updated_at) VALUES ({cake_business}, 'Pembeli {i}', \
                 '+6281200000000', 'pickup', '2024-01-01', $1, 1700000000, 1700000000) RETURNING id"
            ),
            &[&format!("katalog-uji-{i}")],
        )
        .await;
        exec(
            app,
            &format!(
                "INSERT INTO reviews (order_id, business_id, rating, body, reviewer, created_at, reply) \
                 VALUES ({order}, {cake_business}, {rating}, 'Kuenya enak sekali {i}', 'Ibu Pembeli {i}', \
                 1700000000, {})",
                if i == 1 {
                    "'Terima kasih, Bu!'"
                } else {
                    "NULL"
                }
            ),
        )
        .await;
    }
    touch(
        app,
        &format!(
            "business_id IN ({cake_business}, {ac_business}, {tailor_business}, {far_bakery})"
        ),
    )
    .await;
    Fixture {
        cake_business,
        ac_business,
        tailor_business,
        far_bakery,
        ac_split,
        ac_install,
        cake,
        tailor,
        bolu_near,
        bolu_far,
        cake_photo,
        program,
    }
}

/// Listing ids of a result page, in order.
fn result_ids(page: &crate::helpers::Page) -> Vec<i64> {
    let doc = scraper::Html::parse_document(&page.body);
    let sel = scraper::Selector::parse("li.result h2 a").unwrap();
    doc.select(&sel)
        .filter_map(|a| a.value().attr("href"))
        .filter_map(|h| h.strip_prefix("/katalog/"))
        .filter_map(|id| id.parse().ok())
        .collect()
}

async fn search(app: &TestApp, query: &str) -> Vec<i64> {
    let page = app.get(&format!("/katalog?{query}")).await;
    assert_eq!(page.status, StatusCode::OK, "{query}");
    result_ids(&page)
}

async fn synonyms_typos_and_word_order_find_listings(app: TestApp) {
    let f = fixture(&app).await;
    // Synonyms: the listing says "Service", the buyer types "servis"; "pendingin ruangan" is AC.
    let found = search(&app, "q=servis+ac").await;
    assert!(found.contains(&f.ac_split), "{found:?}");
    assert!(!found.contains(&f.cake));
    let found = search(&app, "q=pendingin+ruangan").await;
    assert!(
        found.contains(&f.ac_split) && found.contains(&f.ac_install),
        "{found:?}"
    );
    let found = search(&app, "q=kue+ultah").await;
    assert_eq!(found.first(), Some(&f.cake), "{found:?}");
    let found = search(&app, "q=penjahit").await;
    assert!(found.contains(&f.tailor), "{found:?}");
    // Case and punctuation.
    assert!(search(&app, "q=Service%2C+AC!").await.contains(&f.ac_split));
    // One typo in a word of five letters or more.
    assert!(search(&app, "q=servce+ac").await.contains(&f.ac_split));
    assert!(search(&app, "q=jahitn+seragam").await.contains(&f.tailor));
    assert!(search(&app, "q=seragma").await.contains(&f.tailor));
    // A short word must be right.
    assert!(!search(&app, "q=bolo").await.contains(&f.bolu_far));
    // Words in any order.
    assert!(search(&app, "q=ac+servis").await.contains(&f.ac_split));
    assert!(search(&app, "q=tahun+ulang+kue").await.contains(&f.cake));
    // Every word must match.
    assert!(!search(&app, "q=servis+kue").await.contains(&f.ac_split));
}

async fn the_searchers_kecamatan_ranks_first_and_can_filter(app: TestApp) {
    let f = fixture(&app).await;
    let order = |ids: Vec<i64>| {
        let near = ids.iter().position(|&i| i == f.bolu_near).expect("near");
        let far = ids.iter().position(|&i| i == f.bolu_far).expect("far");
        near < far
    };
    assert!(order(
        search(&app, &format!("q=bolu+zebra&kecamatan={NIPAH_PANJANG}")).await
    ));
    assert!(!order(
        search(&app, &format!("q=bolu+zebra&kecamatan={MUARA_SABAK_TIMUR}")).await
    ));
    let page = app
        .get(&format!("/katalog?q=bolu+zebra&kecamatan={NIPAH_PANJANG}"))
        .await;
    assert!(page.contains("Melayani kecamatan Anda"));
    // Only those serving the kecamatan.
    let only = search(
        &app,
        &format!("q=bolu+zebra&kecamatan={NIPAH_PANJANG}&hanya=1"),
    )
    .await;
    assert_eq!(only, [f.bolu_near]);
    // A business serving a desa of Nipah Panjang serves that kecamatan too.
    let desa: String = sqlx::query_scalar(
        "SELECT code FROM regions WHERE parent_code = '15.07.02' ORDER BY code LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    exec(
        &app,
        &format!(
            "INSERT INTO business_areas (business_id, region_code) VALUES ({}, '{desa}')",
            f.far_bakery
        ),
    )
    .await;
    touch(&app, &format!("business_id = {}", f.far_bakery)).await;
    let mut both = search(
        &app,
        &format!("q=bolu+zebra&kecamatan={NIPAH_PANJANG}&hanya=1"),
    )
    .await;
    both.sort();
    let mut expected = vec![f.bolu_near, f.bolu_far];
    expected.sort();
    assert_eq!(both, expected);
}

async fn results_show_price_unit_business_kecamatan_rating_and_badge(app: TestApp) {
    let f = fixture(&app).await;
    let page = app.get("/katalog?q=kue+ulang+tahun").await;
    assert_eq!(page.status, StatusCode::OK);
    let first = page.text_of("li.result");
    assert!(first.contains("Kue Ulang Tahun Cokelat"));
    assert!(first.contains("Rp150.000 / loyang"), "{first}");
    assert!(first.contains("Dapur Bu Sari"));
    assert!(first.contains("Muara Sabak Timur"), "{first}");
    assert!(first.contains("★ 4,5 (2)"), "{first}");
    assert!(first.contains("Terverifikasi"));
    assert!(page.contains(&format!(
        "src=\"/foto/{}/kecil.jpg\" alt=\"\" width=\"88\" height=\"88\" loading=\"lazy\"",
        f.cake_photo
    )));
    let ac = app.get("/katalog?q=ac").await.text_of("li.result");
    assert!(ac.contains("mulai Rp75.000 / unit AC"), "{ac}");
    assert!(ac.contains("Sesuai survei/penawaran"), "{ac}");
    // The office price is never shown to the public.
    assert!(!ac.contains("999.999"));
    // Light: the HTML of a search page stays well under 30 KB.
    let page = app.get("/katalog?q=kue").await;
    assert!(page.body.len() < 30 * 1024, "{} bytes", page.body.len());
}

async fn filters_and_sorts_narrow_and_order_results(app: TestApp) {
    let f = fixture(&app).await;
    let boga = app
        .scalar("SELECT id FROM trades WHERE name = 'Tata Boga'")
        .await;
    let mine = [
        f.cake,
        f.bolu_far,
        f.bolu_near,
        f.ac_split,
        f.ac_install,
        f.tailor,
    ];
    let keep = |ids: Vec<i64>| {
        ids.into_iter()
            .filter(|i| mine.contains(i))
            .collect::<Vec<_>>()
    };
    let cheap_first = keep(search(&app, &format!("kejuruan={boga}&urut=termurah")).await);
    assert_eq!(cheap_first.last(), Some(&f.cake), "{cheap_first:?}");
    assert!(!cheap_first.contains(&f.ac_split));
    let dear_first = keep(search(&app, &format!("kejuruan={boga}&urut=termahal")).await);
    assert_eq!(dear_first.first(), Some(&f.cake));
    // Price range in Rupiah as people type it; by-quote listings have no price and drop out.
    let ranged = keep(search(&app, "harga_min=Rp+50.000&harga_maks=130.000").await);
    let mut ranged_sorted = ranged.clone();
    ranged_sorted.sort();
    let mut expected = vec![f.ac_split, f.tailor];
    expected.sort();
    assert_eq!(ranged_sorted, expected);
    // Verified businesses only.
    let verified = keep(search(&app, "terverifikasi=1&urut=terbaru").await);
    assert_eq!(verified, [f.bolu_near, f.tailor, f.cake]);
    // By rating: the reviewed cake business first.
    let rated = keep(search(&app, "urut=rating").await);
    assert_eq!(rated.first(), Some(&f.cake));
    // Newest first; price sorts put by-quote last.
    let newest = keep(search(&app, "urut=terbaru").await);
    assert_eq!(newest.last(), Some(&f.cake));
    let by_price = keep(search(&app, "urut=termurah").await);
    assert_eq!(by_price.last(), Some(&f.ac_install));
    // Pages of 20.
    for i in 0..25 {
        listing(
            &app,
            f.cake_business,
            app.scalar("SELECT MIN(id) FROM categories").await,
            &format!("Donat kentang {i}"),
            "",
            "fixed",
            Some(3_000),
            "buah",
            1_700_001_000 + i,
        )
        .await;
    }
    touch(&app, "title LIKE 'Donat kentang%'").await;
    let first = app.get("/katalog?q=donat+kentang").await;
    assert_eq!(result_ids(&first).len(), 20);
    assert!(first.contains("25 hasil"));
    assert!(first.contains("Halaman 1 dari 2"));
    let second = app.get("/katalog?q=donat+kentang&halaman=2").await;
    assert_eq!(result_ids(&second).len(), 5);
}

async fn a_bad_price_filter_is_explained_and_kept(app: TestApp) {
    fixture(&app).await;
    let page = app.get("/katalog?q=kue&harga_min=murah").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Jumlah hanya boleh berisi angka."));
    assert_eq!(page.input_value("harga_min").as_deref(), Some("murah"));
    assert_eq!(page.input_value("q").as_deref(), Some("kue"));
    let page = app
        .get("/katalog?harga_min=200.000&harga_maks=100.000")
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Harga sampai harus sama atau lebih besar"));
}

async fn empty_results_suggest_dropping_filters(app: TestApp) {
    let f = fixture(&app).await;
    let page = app
        .get(&format!(
            "/katalog?q=bolu+zebra&kecamatan={MUARA_SABAK_TIMUR}&hanya=1&terverifikasi=1"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(result_ids(&page).is_empty());
    assert!(page.contains("Belum ada yang cocok"));
    assert!(page.contains("Cari di semua kecamatan"));
    assert!(page.contains("Termasuk usaha yang belum terverifikasi"));
    // Following the suggestion finds it.
    let doc = scraper::Html::parse_document(&page.body);
    let sel = scraper::Selector::parse(".empty-results a").unwrap();
    let href = doc
        .select(&sel)
        .find(|a| a.text().collect::<String>() == "Termasuk usaha yang belum terverifikasi")
        .and_then(|a| a.value().attr("href"))
        .expect("suggestion link")
        .replace("&amp;", "&");
    assert!(result_ids(&app.get(&href).await).contains(&f.bolu_far));
}

async fn a_paused_listing_leaves_the_catalog_without_a_restart(app: TestApp) {
    let f = fixture(&app).await;
    assert!(search(&app, "q=servis+ac").await.contains(&f.ac_split));
    exec(
        &app,
        &format!("UPDATE listings SET active = 0 WHERE id = {}", f.ac_split),
    )
    .await;
    touch(&app, &format!("id = {}", f.ac_split)).await;
    assert!(!search(&app, "q=servis+ac").await.contains(&f.ac_split));
    assert_eq!(
        app.get(&format!("/katalog/{}", f.ac_split)).await.status,
        StatusCode::NOT_FOUND
    );
    // A business closed: all its listings go.
    exec(
        &app,
        &format!(
            "UPDATE businesses SET active = 0 WHERE id = {}",
            f.tailor_business
        ),
    )
    .await;
    touch(&app, &format!("business_id = {}", f.tailor_business)).await;
    assert!(!search(&app, "q=jahit").await.contains(&f.tailor));
    assert_eq!(
        app.get(&format!("/toko/{}", f.tailor_business))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A renamed listing is found by its new words.
    exec(
        &app,
        &format!(
            "UPDATE listings SET title = 'Kue lapis legit' WHERE id = {}",
            f.cake
        ),
    )
    .await;
    touch(&app, &format!("id = {}", f.cake)).await;
    assert!(search(&app, "q=lapis+legit").await.contains(&f.cake));
    assert!(!search(&app, "q=kue+ultah+cokelat").await.contains(&f.cake));
}

async fn listing_page_shows_the_offer_and_hands_off_to_order_and_whatsapp(app: TestApp) {
    let f = fixture(&app).await;
    let page = app.get(&format!("/katalog/{}", f.cake)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains("Kue Ulang Tahun Cokelat"));
    assert!(page.contains("Kue tart lembut dengan hiasan nama"));
    assert!(page.contains("Rp150.000 / loyang"));
    assert!(page.contains("2 loyang"), "minimum order");
    assert!(page.contains("3 hari"), "lead time");
    assert!(!page.contains("999.999"), "office price is not public");
    assert!(page.contains(&format!("/foto/{}/besar.jpg", f.cake_photo)));
    assert!(page.contains(&format!(
        "Alumni BLK terverifikasi — {}, angkatan",
        f.program
    )));
    assert!(page.contains(&format!("href=\"/pesan?listing={}\"", f.cake)));
    assert!(page.contains(&format!("href=\"/toko/{}\"", f.cake_business)));
    // WhatsApp: to the published number, naming the listing and its absolute link.
    let doc = scraper::Html::parse_document(&page.body);
    let sel = scraper::Selector::parse("a[href^=\"https://wa.me/\"]").unwrap();
    let wa = doc
        .select(&sel)
        .next()
        .and_then(|a| a.value().attr("href"))
        .expect("WhatsApp button")
        .to_owned();
    assert!(wa.starts_with("https://wa.me/6281234567890?text="), "{wa}");
    let text = wa.split("?text=").nth(1).unwrap();
    let decoded: String = serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("t={text}"))
        .unwrap()[0]
        .1
        .clone();
    assert!(decoded.contains("\"Kue Ulang Tahun Cokelat\""), "{decoded}");
    assert!(
        decoded.contains(&format!("{}/katalog/{}", app.base, f.cake)),
        "{decoded}"
    );
    // A business that did not publish its number: no WhatsApp button, no number.
    let page = app.get(&format!("/katalog/{}", f.ac_split)).await;
    assert!(!page.contains("wa.me"));
    assert!(!page.contains("81399990000"));
    assert!(page.contains("Belum terverifikasi"));
    // Unknown or malformed ids.
    assert_eq!(
        app.get("/katalog/999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/katalog/abc").await.status, StatusCode::NOT_FOUND);
}

async fn storefront_shows_listings_reviews_permits_and_no_private_data(app: TestApp) {
    let f = fixture(&app).await;
    let page = app.get(&format!("/toko/{}", f.cake_business)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains("Dapur Bu Sari"));
    assert!(page.contains("Kue Ulang Tahun Cokelat"));
    assert!(page.contains("★ 4,5 (2)"));
    assert!(page.contains("Ulasan (2)"));
    assert!(page.contains("Kuenya enak sekali 1"));
    assert!(page.contains("Ibu Pembeli 2"));
    assert!(page.contains("Terima kasih, Bu!"));
    assert!(page.contains("NIB 1234567890123"));
    assert!(page.contains("P-IRT 2061507010123-27"));
    assert!(page.contains("Halal ID15110000123"));
    assert!(page.contains("Senin–Sabtu, 08:00–17:00"));
    assert!(page.contains(&format!("Alumni BLK terverifikasi — {}", f.program)));
    assert!(page.contains("wa.me/6281234567890"));
    // The bank account belongs on invoices only.
    assert!(!page.contains("9876543210123"));
    assert!(!page.contains("Bank Jambi"));
    // Unpublished phone stays private.
    let ac = app.get(&format!("/toko/{}", f.ac_business)).await;
    assert_eq!(ac.status, StatusCode::OK);
    assert!(!ac.contains("81399990000"));
    assert!(!ac.contains("wa.me"));
    assert!(ac.contains("Belum ada ulasan"));
    assert!(ac.contains("Sesuai survei/penawaran"));
    assert_eq!(app.get("/toko/999999").await.status, StatusCode::NOT_FOUND);
}

async fn admin_synonyms_change_results_without_a_restart(app: TestApp) {
    let f = fixture(&app).await;
    assert!(!search(&app, "q=swiss+roll").await.contains(&f.bolu_far));
    let admin = app.signed_in("admin").await;
    let list = admin.get("/admin/sinonim").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.contains("servis, service, perbaikan, reparasi"));
    let before = app.scalar("SELECT COUNT(*) FROM search_synonyms").await;
    let done = admin
        .post("/admin/sinonim", &[("words", "Bolu gulung, Swiss Roll")])
        .await;
    done.assert_redirect_to("/admin/sinonim?pesan=ditambah");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM search_synonyms").await,
        before + 1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'synonym.create'")
            .await,
        1
    );
    // The next search uses it: "swiss roll" now finds the bolu gulung.
    let found = search(&app, "q=swiss+roll").await;
    assert!(
        found.contains(&f.bolu_far) && found.contains(&f.bolu_near),
        "{found:?}"
    );
    // Edit, then delete; each audited, each seen by the next search.
    let id = app.scalar("SELECT MAX(id) FROM search_synonyms").await;
    let form = admin.get(&format!("/admin/sinonim/{id}/ubah")).await;
    assert_eq!(
        form.input_value("words").as_deref(),
        Some("bolu gulung, swiss roll")
    );
    admin
        .post(
            &format!("/admin/sinonim/{id}/ubah"),
            &[("words", "bolu gulung, roll cake")],
        )
        .await
        .assert_redirect_to("/admin/sinonim?pesan=disimpan");
    assert!(!search(&app, "q=swiss+roll").await.contains(&f.bolu_far));
    assert!(search(&app, "q=roll+cake").await.contains(&f.bolu_far));
    admin
        .post(&format!("/admin/sinonim/{id}/hapus"), &[])
        .await
        .assert_redirect_to("/admin/sinonim?pesan=dihapus");
    assert!(!search(&app, "q=roll+cake").await.contains(&f.bolu_far));
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('synonym.update', 'synonym.delete')"
        )
        .await,
        2
    );
    let audit = admin.get("/admin/audit").await;
    assert!(audit.contains("Sinonim pencarian ditambahkan"));
    // Unknown groups.
    assert_eq!(
        admin.get("/admin/sinonim/999999/ubah").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.post("/admin/sinonim/999999/hapus", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn synonym_form_rejects_bad_input_and_stores_nothing(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let before = app.scalar("SELECT COUNT(*) FROM search_synonyms").await;
    for bad in ["sablon", "sablon, SABLON", " , , "] {
        let page = admin.post("/admin/sinonim", &[("words", bad)]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(page.contains("paling sedikit dua kata"), "{bad}");
        assert_eq!(page.input_value("words").as_deref(), Some(bad));
    }
    let id = app.scalar("SELECT MIN(id) FROM search_synonyms").await;
    let page = admin
        .post(&format!("/admin/sinonim/{id}/ubah"), &[("words", "servis")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(page.input_value("words").as_deref(), Some("servis"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM search_synonyms").await,
        before
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'synonym.%'")
            .await,
        0
    );
}
