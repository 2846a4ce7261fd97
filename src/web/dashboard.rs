//! `/dasbor`: one dashboard per role, with numbers read from the database.

use axum::extract::State;
use axum::response::Html;

use super::{AppState, Ctx, WebError, render};
use crate::db::users::User;
use crate::db::{directory, orders, procurement, register, stats, storefront};
use crate::domain::order::State as OrderState;
use crate::domain::policy::Role;
use crate::domain::procurement::request::State as GovState;
use crate::domain::rupiah::group_thousands;
use crate::views::catalog::rating_text;
use crate::views::{DashboardPage, LinkItem, Row3, StatCard};

fn card(label: &str, value: i64, note: &str) -> StatCard {
    StatCard {
        label: label.into(),
        value: group_thousands(value),
        note: note.into(),
        href: String::new(),
    }
}

/// A card that opens the list of what it counts.
fn linked(href: &str, label: &str, value: i64, note: &str) -> StatCard {
    StatCard {
        href: href.into(),
        ..card(label, value, note)
    }
}

/// A to-do item: "2 pesanan baru menunggu tanggapan" opening them; none when nothing waits.
fn task(tasks: &mut Vec<LinkItem>, count: i64, href: &str, text: &str) {
    if count > 0 {
        tasks.push(LinkItem {
            href: href.into(),
            label: format!("{} {text}", group_thousands(count)),
        });
    }
}

fn link(href: &str, label: &str) -> LinkItem {
    LinkItem {
        href: href.into(),
        label: label.into(),
    }
}

fn breakdown_rows(items: Vec<stats::Breakdown>) -> Vec<Row3> {
    items
        .into_iter()
        .map(|b| Row3 {
            a: b.label,
            b: group_thousands(b.alumni),
            c: group_thousands(b.businesses),
        })
        .collect()
}

pub async fn dashboard(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, WebError> {
    let user = ctx.user()?.clone();
    let o = stats::overview(&state.db).await?;
    let mut page = DashboardPage {
        layout: ctx.layout("Dasbor"),
        heading: format!("Selamat datang, {}", user.display_name),
        intro: String::new(),
        tasks: Vec::new(),
        cards: Vec::new(),
        table_title: String::new(),
        table_head: ["", "", ""],
        rows: Vec::new(),
        links: Vec::new(),
    };
    match user.role {
        Role::Admin => {
            page.intro = format!(
                "Ringkasan register alumni BLK {} ({}–{}).",
                state.settings.instance.district_name, o.first_year, o.last_year
            );
            page.cards = vec![
                linked(
                    "/admin/alumni",
                    "alumni terdaftar",
                    o.alumni,
                    &format!("{} lulus", group_thousands(o.graduates)),
                ),
                linked(
                    "/admin/alumni",
                    "bersertifikat",
                    o.certified,
                    "sertifikat kompetensi",
                ),
                linked(
                    "/admin/angkatan",
                    "angkatan pelatihan",
                    o.batches,
                    &format!("{} program", o.programs),
                ),
                linked(
                    "/admin/usaha",
                    "usaha alumni",
                    o.businesses,
                    &format!("{} terverifikasi", o.verified_businesses),
                ),
                linked("/admin/opd", "OPD", o.offices, ""),
                linked(
                    "/admin/permodalan/mitra",
                    "mitra permodalan",
                    o.partners,
                    "",
                ),
                linked("/admin/pengguna", "pengguna", o.users, ""),
                linked("/admin/kejuruan", "kejuruan", o.trades, ""),
            ];
            page.table_title = "Alumni dan usaha per kecamatan".into();
            page.table_head = ["Kecamatan", "Alumni", "Usaha"];
            page.rows = breakdown_rows(stats::per_kecamatan(&state.db).await?);
            page.links = vec![
                link("/admin/alumni", "Register alumni"),
                link("/admin/impor", "Impor dari Excel"),
                link("/admin/pengguna", "Kelola pengguna"),
                link("/admin/pengguna/baru", "Tambah pengguna"),
                link("/admin/audit", "Jejak audit"),
                link("/admin/permodalan", "Permodalan alumni"),
            ];
            let m = stats::market(&state.db).await?;
            task(
                &mut page.tasks,
                m.open_disputes,
                "/admin/sengketa",
                "sengketa pesanan menunggu keputusan dinas",
            );
            task(
                &mut page.tasks,
                m.unverified_businesses,
                "/admin/usaha",
                "usaha alumni menunggu verifikasi",
            );
            task(
                &mut page.tasks,
                m.failed_outbox,
                "/admin/kotak-keluar",
                "pesan keluar gagal terkirim",
            );
            page.cards.extend([
                linked("/katalog", "produk & jasa aktif", m.listings, "di katalog"),
                card(
                    "pesanan publik",
                    m.orders,
                    &format!("{} selesai", group_thousands(m.orders_done)),
                ),
                card(
                    "ulasan pembeli",
                    m.reviews,
                    &rating_text(m.reviews, m.rating_sum).unwrap_or_default(),
                ),
                linked(
                    "/admin/sengketa",
                    "sengketa terbuka",
                    m.open_disputes,
                    "perlu keputusan dinas",
                ),
            ]);
            page.links.extend([
                link("/admin/usaha", "Verifikasi usaha"),
                link("/admin/sengketa", "Sengketa pesanan"),
                link("/admin/kategori", "Kategori produk"),
                link("/admin/sinonim", "Sinonim pencarian"),
                link("/admin/kotak-keluar", "Kotak keluar"),
                link("/admin/pengadaan/kinerja", "Kinerja pengadaan OPD"),
                link("/pengadaan", "Semua permintaan OPD"),
            ]);
        }
        Role::Opd | Role::Bendahara => office_dashboard(&state, &user, &mut page).await?,
        Role::Alumni => {
            if let Some(id) = user.links.alumnus_id {
                let me = register::alumnus_summary(&state.db, id).await?;
                page.intro = format!(
                    "Data pelatihan Anda di BLK. Domisili: Kec. {}.",
                    me.kecamatan
                );
                page.cards = vec![
                    card("pelatihan diikuti", me.trainings.len() as i64, ""),
                    card(
                        "sertifikat",
                        me.trainings
                            .iter()
                            .filter(|t| !t.cert_number.is_empty())
                            .count() as i64,
                        "",
                    ),
                    card("usaha", me.businesses.len() as i64, ""),
                    card(
                        "usaha terverifikasi",
                        me.businesses.iter().filter(|b| b.2).count() as i64,
                        "",
                    ),
                ];
                page.table_title = "Riwayat pelatihan".into();
                page.table_head = ["Program", "Tahun", "Sertifikat"];
                page.rows = me
                    .trainings
                    .into_iter()
                    .map(|t| Row3 {
                        a: format!("{} (angkatan {})", t.program, t.number),
                        b: t.year.to_string(),
                        c: if t.cert_number.is_empty() {
                            "—".into()
                        } else {
                            t.cert_number
                        },
                    })
                    .collect();
                page.links = vec![link("/akun/profil", "Ubah data kontak")];
                match storefront::business_of_alumnus(&state.db, id).await? {
                    Some(b) => {
                        let counts = orders::seller_counts(&state.db, id).await?;
                        let count = |states: &[OrderState]| -> i64 {
                            counts
                                .iter()
                                .filter(|(s, _)| states.contains(s))
                                .map(|(_, n)| n)
                                .sum()
                        };
                        task(
                            &mut page.tasks,
                            count(&[OrderState::Requested]),
                            "/usaha/pesanan?status=requested",
                            "pesanan baru menunggu tanggapan Anda",
                        );
                        task(
                            &mut page.tasks,
                            count(&[OrderState::Accepted]),
                            "/usaha/pesanan?status=accepted",
                            "pesanan diterima, belum mulai dikerjakan",
                        );
                        task(
                            &mut page.tasks,
                            count(&[OrderState::InProgress]),
                            "/usaha/pesanan?status=in_progress",
                            "pesanan sedang dikerjakan, tandai bila sudah dikirim",
                        );
                        page.cards = vec![
                            linked(
                                "/usaha/pesanan?status=requested",
                                "pesanan baru",
                                count(&[OrderState::Requested]),
                                "menunggu tanggapan Anda",
                            ),
                            linked(
                                "/usaha/pesanan",
                                "pesanan berjalan",
                                count(&[
                                    OrderState::Quoted,
                                    OrderState::Accepted,
                                    OrderState::InProgress,
                                    OrderState::Delivered,
                                ]),
                                "",
                            ),
                            linked(
                                "/usaha/pesanan?status=completed",
                                "pesanan selesai",
                                count(&[OrderState::Completed, OrderState::Reviewed]),
                                "",
                            ),
                            page.cards[1].clone(),
                        ];
                        let gov =
                            procurement::counts(&state.db, procurement::Scope::Business(b.id))
                                .await?;
                        let gov_count = |states: &[GovState]| -> i64 {
                            gov.iter()
                                .filter(|(s, _)| states.contains(s))
                                .map(|(_, n)| n)
                                .sum()
                        };
                        let gov_todo =
                            gov_count(&[GovState::Offered, GovState::Ordered, GovState::Paid]);
                        task(
                            &mut page.tasks,
                            gov_todo,
                            "/pengadaan?tampil=perlu-tindakan",
                            "pekerjaan OPD perlu dijawab, dikerjakan atau dikonfirmasi",
                        );
                        page.cards.insert(
                            1,
                            linked(
                                "/pengadaan?tampil=perlu-tindakan",
                                "permintaan OPD",
                                gov_todo,
                                "perlu dijawab, dikerjakan atau dikonfirmasi",
                            ),
                        );
                        page.links = vec![
                            link("/pengadaan", "Pekerjaan dari OPD"),
                            link("/usaha/pesanan", "Pesanan masuk"),
                            link("/usaha", "Kelola usaha & produk"),
                            link(&format!("/toko/{}", b.id), "Lihat toko saya"),
                            link("/akun/rekam-jejak", "Rekam jejak usaha"),
                            link("/akun/permodalan", "Permodalan"),
                            link("/akun/profil", "Ubah data kontak"),
                        ];
                    }
                    None => page.links.insert(0, link("/usaha/baru", "Buka usaha")),
                }
            } else {
                page.intro = "Akun Anda belum terhubung ke data alumni. Hubungkan dengan NIK dan \
                              tanggal lahir, atau dengan kode klaim dari BLK."
                    .into();
                page.links = vec![link("/klaim", "Hubungkan data alumni")];
            }
        }
        Role::Pembeli => {
            let mine = orders::for_buyer(&state.db, user.id).await?;
            let reviews = crate::db::reviews::by_buyer(&state.db, user.id).await?;
            page.tasks = mine
                .iter()
                .filter_map(|o| {
                    crate::domain::order::buyer_task(o.state).map(|a| LinkItem {
                        href: format!("/pesanan/{}", o.id),
                        label: format!(
                            "{} — {}, {}",
                            crate::domain::order::buyer_task_text(a, o.id),
                            o.first_item,
                            o.business_name
                        ),
                    })
                })
                .collect();
            page.intro = if page.tasks.is_empty() {
                "Tidak ada pesanan yang menunggu Anda. Temukan produk dan jasa alumni BLK di \
                 dekat Anda di katalog."
                    .into()
            } else {
                "Pesanan Anda yang menunggu langkah dari Anda ada di bawah ini.".into()
            };
            let open = mine.iter().filter(|o| !o.state.is_final()).count() as i64;
            page.cards = vec![
                linked(
                    "/pesanan",
                    "pesanan berjalan",
                    open,
                    &format!("dari {} pesanan", mine.len()),
                ),
                linked("/akun/ulasan", "ulasan saya", reviews.len() as i64, ""),
            ];
            page.links = vec![
                link("/katalog", "Buka katalog"),
                link("/pesanan", "Pesanan saya"),
                link("/akun/ulasan", "Ulasan saya"),
            ];
        }
        Role::Kepala => {
            page.intro = format!(
                "Hasil pelatihan BLK {}: alumni yang bekerja dan berusaha dari kejuruannya.",
                state.settings.instance.district_name
            );
            // Headline numbers of every batch so far; the dashboard filters and breaks down.
            let outcomes = crate::app::outcomes::build(
                &state.db,
                &crate::domain::outcomes::Filter::default(),
                &[],
            )
            .await?;
            page.cards = crate::views::outcomes::cards(&outcomes)
                .into_iter()
                .map(|c| StatCard {
                    label: c.label,
                    value: c.value,
                    note: c.note,
                    href: "/admin/hasil".into(),
                })
                .collect();
            let year = outcomes.office.fiscal_year;
            page.links = vec![
                link("/admin/hasil", "Dasbor hasil pelatihan"),
                LinkItem {
                    href: format!("/admin/hasil/laporan.pdf?tahun={year}"),
                    label: format!("Laporan {year} (PDF)"),
                },
                LinkItem {
                    href: format!("/admin/hasil/laporan.xlsx?tahun={year}"),
                    label: format!("Laporan {year} (XLSX)"),
                },
            ];
        }
        Role::Mitra => {
            let partner = match user.links.partner_id {
                Some(id) => directory::partner(&state.db, id).await?.name,
                None => String::new(),
            };
            page.intro =
                format!("{partner}: gambaran usaha alumni BLK yang dapat didampingi permodalan.");
            page.cards = vec![
                card("usaha alumni", o.businesses, ""),
                card(
                    "usaha terverifikasi",
                    o.verified_businesses,
                    "rekam jejak diperiksa dinas",
                ),
                card("alumni bersertifikat", o.certified, ""),
            ];
            page.table_title = "Usaha per kejuruan".into();
            page.table_head = ["Kejuruan", "Alumni", "Usaha"];
            page.rows = breakdown_rows(stats::per_trade(&state.db).await?);
            // The partner's own to-do comes first: referrals waiting for its decision.
            if let Some(id) = user.links.partner_id {
                let queue =
                    crate::app::capital::list(&state.db, crate::db::capital::Scope::Partner(id))
                        .await?;
                let count = |s: crate::domain::capital::application::State| {
                    queue.iter().filter(|a| a.state == s).count() as i64
                };
                use crate::domain::capital::application::State as S;
                task(
                    &mut page.tasks,
                    count(S::Referred),
                    "/mitra/pengajuan",
                    "rujukan menunggu keputusan Anda",
                );
                task(
                    &mut page.tasks,
                    count(S::Approved),
                    "/mitra/pengajuan",
                    "pengajuan disetujui menunggu pencairan",
                );
                page.cards.insert(
                    0,
                    linked(
                        "/mitra/pengajuan",
                        "rujukan menunggu keputusan",
                        count(S::Referred),
                        "sudah disetujui pemohon",
                    ),
                );
                page.cards.insert(
                    1,
                    linked(
                        "/mitra/pengajuan",
                        "menunggu pencairan",
                        count(S::Approved),
                        "",
                    ),
                );
                page.cards.insert(
                    2,
                    linked(
                        "/mitra/pengajuan",
                        "pinjaman berjalan",
                        count(S::Disbursed),
                        "lapor angsuran tiap bulan",
                    ),
                );
                page.links = vec![
                    link("/mitra/pengajuan", "Daftar rujukan"),
                    link("/permodalan", "Program permodalan"),
                ];
            }
        }
    }
    render(&page)
}

async fn office_dashboard(
    state: &AppState,
    user: &User,
    page: &mut DashboardPage,
) -> Result<(), WebError> {
    let Some(office_id) = user.links.office_id else {
        return Err(WebError::Forbidden);
    };
    let office = directory::office(&state.db, office_id).await?;
    let (users, nearby) = stats::office_numbers(&state.db, office_id).await?;
    let o = stats::overview(&state.db).await?;
    page.intro = format!(
        "{} — {}.",
        office.name,
        if user.role == Role::Bendahara {
            "bendahara"
        } else {
            "operator pengadaan"
        }
    );
    let counts = procurement::counts(&state.db, procurement::Scope::Office(office_id)).await?;
    let count = |states: &[GovState]| -> i64 {
        counts
            .iter()
            .filter(|(s, _)| states.contains(s))
            .map(|(_, n)| n)
            .sum()
    };
    const TODO: &str = "/pengadaan?tampil=perlu-tindakan";
    let mut cards = if user.role == Role::Bendahara {
        let waiting = count(&[GovState::Accepted]);
        task(
            &mut page.tasks,
            waiting,
            TODO,
            "pekerjaan menunggu pembayaran (BAST sudah ditandatangani)",
        );
        vec![linked(
            TODO,
            "menunggu pembayaran",
            waiting,
            "BAST sudah ditandatangani",
        )]
    } else {
        let todo = count(&[
            GovState::Open,
            GovState::Quoted,
            GovState::Done,
            GovState::Unserved,
        ]);
        task(
            &mut page.tasks,
            todo,
            TODO,
            "permintaan perlu tindakan Anda: pilih penyedia, putuskan penawaran, tanda tangan BAST",
        );
        vec![
            linked(
                TODO,
                "perlu tindakan Anda",
                todo,
                "pilih penyedia, putuskan penawaran, tanda tangan BAST",
            ),
            linked(
                "/pengadaan",
                "sedang berjalan",
                count(&[GovState::Offered, GovState::Ordered, GovState::Accepted]),
                "",
            ),
        ]
    };
    cards.push(linked(
        "/pengadaan",
        "pengadaan selesai",
        count(&[GovState::Paid, GovState::Completed]),
        "dengan usaha alumni",
    ));
    page.cards = cards;
    page.cards.extend([
        card(
            "usaha alumni terverifikasi",
            o.verified_businesses,
            "di seluruh kabupaten",
        ),
        card("usaha di kecamatan kantor", nearby, &office.kecamatan),
        card("pengguna di kantor ini", users, ""),
    ]);
    page.table_title = "Alumni dan usaha per kejuruan".into();
    page.table_head = ["Kejuruan", "Alumni", "Usaha"];
    page.rows = breakdown_rows(stats::per_trade(&state.db).await?);
    page.links = vec![
        link("/pengadaan", "Permintaan pengadaan"),
        link(&format!("/opd/{office_id}"), "Data kantor"),
        link("/pengadaan/cara-kerja", "Cara kerja rotasi"),
    ];
    if user.role == Role::Opd {
        page.links
            .insert(0, link("/pengadaan/baru", "Buat permintaan pekerjaan"));
    }
    Ok(())
}

/// `/akun/ulasan`: the reviews the signed-in user wrote of his orders, newest first, each with
/// the seller's reply.
pub async fn my_reviews(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, WebError> {
    let user = ctx.user()?;
    let written = crate::db::reviews::by_buyer(&state.db, user.id).await?;
    let waiting = orders::for_buyer(&state.db, user.id)
        .await?
        .into_iter()
        .filter(|o| {
            crate::domain::order::buyer_task(o.state) == Some(crate::domain::order::Action::Review)
        })
        .map(|o| LinkItem {
            href: format!("/pesanan/{}", o.id),
            label: crate::domain::order::buyer_task_text(
                crate::domain::order::Action::Review,
                o.id,
            ) + &format!(" — {}, {}", o.first_item, o.business_name),
        })
        .collect();
    let rows = written
        .into_iter()
        .map(|w| crate::views::ReviewRow {
            order_id: w.review.order_id,
            business_id: w.review.business_id,
            business: w.business_name,
            item: w.first_item,
            stars: crate::domain::order::stars(w.review.rating),
            rating: w.review.rating,
            body: w.review.body,
            when: crate::domain::dates::format_instant(w.review.created_at),
            reply: w.review.reply,
        })
        .collect();
    render(&crate::views::MyReviewsPage {
        layout: ctx.layout("Ulasan saya"),
        rows,
        waiting,
    })
}
