//! Every route in one place: each path with its method and handler, in groups whose guard names
//! the `Permission` needed (`domain::policy` decides which roles hold it; rules about one record,
//! such as which office or which order, are decided per record by the domain). No other module
//! adds routes.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn;
use axum::routing::{get, post};

use crate::domain::policy::{self, Permission};
use crate::web::{
    AppState, admin, api, assets, auth, capital, catalog, claim, dashboard, gov_admin, imports,
    notifications, offices, open_data, orders, outcomes, procurement, public, register, session,
    storefront, tracer, track_record,
};

pub(crate) fn guarded(permission: Permission, routes: Router<AppState>) -> Router<AppState> {
    routes.route_layer(from_fn(move |req, next| {
        session::require(permission, req, next)
    }))
}

pub fn router() -> Router<AppState> {
    // Anyone, signed in or not.
    let public = Router::new()
        .route("/", get(public::home))
        .route("/masuk", get(auth::login_form).post(auth::login))
        .route(
            "/sandi/atur/{token}",
            get(auth::reset_form).post(auth::reset),
        )
        .route("/daftar", get(claim::signup_form).post(claim::signup))
        .route("/healthz", get(public::healthz))
        // The tracer's personal link: no login; the token is the key.
        .route(
            "/tracer/{token}",
            get(tracer::survey).post(tracer::survey_answer),
        )
        .route("/static/{file}", get(assets::serve));

    // Any signed-in user.
    let signed_in = guarded(
        Permission::SignedIn,
        Router::new()
            .route("/dasbor", get(dashboard::dashboard))
            .route("/akun/ulasan", get(dashboard::my_reviews))
            .route("/keluar", post(auth::logout))
            .route(
                "/akun/sandi",
                get(auth::password_form).post(auth::change_password),
            ),
    );

    // Agency staff.
    let manage_users = guarded(
        Permission::ManageUsers,
        Router::new()
            .route(
                "/admin/pengguna",
                get(admin::users_list).post(admin::create_user),
            )
            .route("/admin/pengguna/baru", get(admin::new_user_form))
            .route(
                "/admin/pengguna/{id}",
                get(admin::edit_user_form).post(admin::update_user),
            )
            .route(
                "/admin/pengguna/{id}/nonaktifkan",
                post(admin::disable_user),
            )
            .route("/admin/pengguna/{id}/aktifkan", post(admin::enable_user))
            .route(
                "/admin/pengguna/{id}/reset-sandi",
                post(admin::reset_password),
            ),
    );
    // The register (agency staff): lists, records, exports, and the audited NIK reveal.
    let register = guarded(
        Permission::ViewRegister,
        Router::new()
            .route("/admin/alumni", get(register::alumni))
            .route(
                "/admin/alumni/ekspor",
                get(register::export).post(register::export_full_nik),
            )
            .route("/admin/alumni/{id}", get(register::alumnus))
            .route("/admin/alumni/{id}/nik", post(register::reveal_nik))
            .route("/admin/kejuruan", get(register::trades::list))
            .route("/admin/angkatan", get(register::batches::list))
            .route("/admin/angkatan/ekspor", get(register::batches::export)),
    );
    // Keeping the register (agency staff): create and edit trades, programs, batches, alumni
    // and their participation in batches; every change audited.
    let manage_register = guarded(
        Permission::ManageRegister,
        Router::new()
            // Importing the agency's spreadsheets: upload, preview, choices, apply, report.
            .route(
                "/admin/impor",
                get(imports::upload_form)
                    .post(imports::upload)
                    .layer(DefaultBodyLimit::max(imports::UPLOAD_LIMIT)),
            )
            .route("/admin/impor/{id}", get(imports::preview))
            .route("/admin/impor/{id}/opsi", post(imports::save_options))
            .route("/admin/impor/{id}/terapkan", post(imports::confirm))
            // The report with NIKs masked; with full NIKs is `full_nik` below.
            .route("/admin/impor/{id}/laporan", get(imports::report))
            .route(
                "/admin/kejuruan/baru",
                get(register::trades::new_trade_form).post(register::trades::create_trade),
            )
            .route(
                "/admin/kejuruan/{id}/ubah",
                get(register::trades::edit_trade_form).post(register::trades::update_trade),
            )
            .route(
                "/admin/program/baru",
                get(register::trades::new_program_form).post(register::trades::create_program),
            )
            .route(
                "/admin/program/{id}/ubah",
                get(register::trades::edit_program_form).post(register::trades::update_program),
            )
            .route(
                "/admin/angkatan/baru",
                get(register::batches::new_form).post(register::batches::create),
            )
            .route(
                "/admin/angkatan/{id}/ubah",
                get(register::batches::edit_form).post(register::batches::update),
            )
            .route(
                "/admin/alumni/baru",
                get(register::people::new_alumnus_form).post(register::people::create_alumnus),
            )
            .route(
                "/admin/alumni/{id}/ubah",
                get(register::people::edit_alumnus_form).post(register::people::update_alumnus),
            )
            .route(
                "/admin/alumni/{id}/pelatihan/baru",
                get(register::people::new_participation_form)
                    .post(register::people::create_participation),
            )
            .route(
                "/admin/alumni/{id}/pelatihan/{pid}/ubah",
                get(register::people::edit_participation_form)
                    .post(register::people::update_participation),
            ),
    );
    // Full NIKs outside the register (agency staff allowed to export them): an import's report
    // with full NIKs, audited. The register's own full-NIK export and reveal are above.
    let full_nik = guarded(
        policy::FULL_NIK,
        Router::new().route(
            "/admin/impor/{id}/laporan-lengkap",
            post(imports::report_full_nik),
        ),
    );
    // Alumni: claim their own record (accounts with no record yet), then edit their own contact
    // details. Which record is decided by the account's link, never by the URL.
    let own_record = guarded(
        Permission::OwnAlumnusRecord,
        Router::new()
            .route("/klaim", get(claim::claim_form).post(claim::claim))
            .route(
                "/akun/profil",
                get(claim::profile_form).post(claim::update_profile),
            ),
    );
    // Agency staff: one-time claim codes, per alumnus or per batch (a printable sheet).
    let claim_codes = guarded(
        Permission::IssueClaimCodes,
        Router::new()
            .route(
                "/admin/alumni/{id}/kode-klaim",
                post(claim::issue_for_alumnus),
            )
            .route(
                "/admin/angkatan/{id}/kode-klaim",
                get(claim::batch_form).post(claim::issue_for_batch),
            ),
    );
    let audit = guarded(
        Permission::ViewAudit,
        Router::new().route("/admin/audit", get(admin::audit_log)),
    );

    // Office records: admin and that office's own users (checked per record in the handler).
    let offices = guarded(
        Permission::ViewOffice,
        Router::new().route("/opd/{id}", get(offices::office)),
    );

    // The marketplace, sellers' side: an alumnus's own business and listings; photos for everyone;
    // the agency verifies businesses and keeps the categories.
    let storefronts = {
        let public = Router::new()
            .route("/foto/{id}/kecil.jpg", get(storefront::photo_small))
            .route("/foto/{id}/besar.jpg", get(storefront::photo_large));
        let own = guarded(
            Permission::ManageOwnBusiness,
            Router::new()
                .route("/usaha", get(storefront::dashboard))
                .route(
                    "/usaha/baru",
                    get(storefront::new_business).post(storefront::create_business),
                )
                .route(
                    "/usaha/ubah",
                    get(storefront::edit_business).post(storefront::update_business),
                )
                .route(
                    "/usaha/produk/baru",
                    get(storefront::new_listing).post(storefront::create_listing),
                )
                .route(
                    "/usaha/produk/{id}/ubah",
                    get(storefront::edit_listing).post(storefront::update_listing),
                )
                .route("/usaha/produk/{id}/jeda", post(storefront::pause_listing))
                .route(
                    "/usaha/produk/{id}/aktifkan",
                    post(storefront::activate_listing),
                )
                .route(
                    "/usaha/produk/{id}/foto",
                    get(storefront::photos)
                        .post(storefront::upload_photo)
                        .layer(DefaultBodyLimit::max(storefront::UPLOAD_LIMIT)),
                )
                .route(
                    "/usaha/produk/{id}/foto/{photo}/hapus",
                    post(storefront::delete_photo),
                ),
        );
        let agency = guarded(
            Permission::ManageMarketplace,
            Router::new()
                .route("/admin/usaha", get(storefront::admin_list))
                .route("/admin/usaha/{id}", get(storefront::admin_business))
                .route("/admin/usaha/{id}/verifikasi", post(storefront::verify))
                .route("/admin/usaha/{id}/cabut", post(storefront::unverify))
                .route(
                    "/admin/kategori",
                    get(storefront::categories).post(storefront::create_category),
                )
                .route(
                    "/admin/kategori/{id}/ubah",
                    post(storefront::rename_category),
                ),
        );
        public.merge(own).merge(agency)
    };
    // The catalog: public search, listing and store pages; the agency keeps the search synonyms.
    let catalog = {
        let public = Router::new()
            .route("/katalog", get(catalog::search_page))
            .route("/katalog/{id}", get(catalog::listing_page))
            .route("/toko/{id}", get(catalog::store_page));
        let admin = guarded(
            Permission::ManageMarketplace,
            Router::new()
                .route(
                    "/admin/sinonim",
                    get(catalog::synonyms).post(catalog::create_synonym),
                )
                .route(
                    "/admin/sinonim/{id}/ubah",
                    get(catalog::edit_synonym_form).post(catalog::update_synonym),
                )
                .route("/admin/sinonim/{id}/hapus", post(catalog::delete_synonym)),
        );
        public.merge(admin)
    };
    // Orders: the order form and order pages (access decided per order by `policy::order_party`),
    // each party's order lists, the agency's disputes.
    let orders = {
        // Anyone: the order form, and order pages whose access `policy::order_party` decides.
        let public = Router::new()
            .route("/pesan", get(orders::form).post(orders::place))
            .route("/pesanan/{id}", get(orders::show))
            .route("/pesanan/{id}/qris.png", get(orders::qris_png))
            .route("/pesanan/{id}/{aksi}", post(orders::act));
        let signed_in = guarded(
            Permission::SignedIn,
            Router::new().route("/pesanan", get(orders::my_orders)),
        );
        let seller = guarded(
            Permission::ManageOwnBusiness,
            Router::new().route("/usaha/pesanan", get(orders::seller_orders)),
        );
        let agency = guarded(
            Permission::ManageMarketplace,
            Router::new().route("/admin/sengketa", get(orders::disputes)),
        );
        public.merge(signed_in).merge(seller).merge(agency)
    };
    // Notifications: each user's own; the agency's outbox.
    let notifications = {
        let own = guarded(
            Permission::SignedIn,
            Router::new()
                .route("/notifikasi", get(notifications::list))
                .route("/notifikasi/baca-semua", post(notifications::read_all))
                .route("/notifikasi/{id}/baca", post(notifications::open))
                .route(
                    "/akun/notifikasi",
                    get(notifications::preferences).post(notifications::save_preferences),
                )
                .route(
                    "/akun/notifikasi/perangkat",
                    post(notifications::add_device),
                )
                .route(
                    "/akun/notifikasi/perangkat/{id}/hapus",
                    post(notifications::remove_device),
                ),
        );
        // The service worker (at the root, to control every page) and the WhatsApp Cloud
        // API's webhook, whose posts are authenticated by their signature, not a session.
        let public = Router::new()
            .route("/sw.js", get(notifications::service_worker))
            .route(
                notifications::WHATSAPP_WEBHOOK,
                get(notifications::whatsapp_verify).post(notifications::whatsapp_webhook),
            );
        let admin = guarded(
            Permission::ManageMarketplace,
            Router::new()
                .route("/admin/kotak-keluar", get(notifications::outbox))
                .route(
                    "/admin/kotak-keluar/{id}/kirim-ulang",
                    post(notifications::retry),
                ),
        );
        own.merge(admin).merge(public)
    };
    // The public read-only API and its OpenAPI description.
    let api_v1 = {
        Router::new()
            .route("/api/openapi.json", get(api::openapi_json))
            .route("/api/v1/listings", get(api::list_listings))
            .route("/api/v1/listings/{id}", get(api::get_listing))
            .route("/api/v1/businesses/{id}", get(api::get_business))
    };
    // The government channel, agency side: offices, budgets, kinds of work, settings, appeals;
    // the public page explaining the rotation.
    let office_admin = {
        let public = Router::new().route("/pengadaan/cara-kerja", get(gov_admin::how_it_works));
        let agency = guarded(
            Permission::ManageProcurement,
            Router::new()
                .route("/admin/opd", get(gov_admin::offices))
                .route(
                    "/admin/opd/baru",
                    get(gov_admin::new_office).post(gov_admin::create_office),
                )
                .route(
                    "/admin/opd/{id}/ubah",
                    get(gov_admin::edit_office).post(gov_admin::update_office),
                )
                .route("/admin/opd/{id}/anggaran", get(gov_admin::budget))
                .route("/admin/opd/{id}/kebutuhan", post(gov_admin::save_needs))
                .route("/admin/opd/{id}/rekening", post(gov_admin::add_budget_line))
                .route(
                    "/admin/opd/{id}/rekening/{line}/ubah",
                    get(gov_admin::edit_budget_line).post(gov_admin::update_budget_line),
                )
                .route(
                    "/admin/opd/{id}/rekening/{line}/hapus",
                    post(gov_admin::delete_budget_line),
                )
                .route("/admin/pengadaan/jenis", get(gov_admin::categories))
                .route(
                    "/admin/pengadaan/jenis/baru",
                    get(gov_admin::new_category).post(gov_admin::create_category),
                )
                .route(
                    "/admin/pengadaan/jenis/{id}/ubah",
                    get(gov_admin::edit_category).post(gov_admin::update_category),
                )
                .route(
                    "/admin/pengadaan/pengaturan",
                    get(gov_admin::settings).post(gov_admin::save_settings),
                )
                .route("/admin/pengadaan/kinerja", get(gov_admin::performance))
                .route("/admin/pengadaan/banding", get(gov_admin::appeals))
                .route(
                    "/admin/pengadaan/banding/{id}/jawab",
                    post(gov_admin::answer_appeal),
                ),
        );
        public.merge(agency)
    };
    // Open procurement data: the public page, the OCDS package, published letters.
    let open_procurement_data = {
        Router::new()
            .route(open_data::JSON_PATH, get(open_data::procurement_json))
            .route("/pengadaan/data", get(open_data::page))
            .route("/pengadaan/data/dokumen/{id}", get(open_data::document))
    };
    // The government channel: office requests, the rotation, documents and payments; providers'
    // tax settings and appeals.
    let office_requests = {
        let users = guarded(
            Permission::UseProcurement,
            Router::new()
                .route("/pengadaan", get(procurement::list))
                .route(
                    "/pengadaan/baru",
                    get(procurement::new_form).post(procurement::create),
                )
                .route("/pengadaan/{id}", get(procurement::show))
                .route("/pengadaan/{id}/{aksi}", post(procurement::act))
                .route("/pengadaan/dokumen/{id}", get(procurement::download))
                .route("/pengadaan/dokumen/{id}/ganti", post(procurement::reissue)),
        );
        let providers = guarded(
            Permission::ManageOwnBusiness,
            Router::new()
                .route(
                    "/usaha/pengadaan",
                    get(procurement::business_form).post(procurement::business_save),
                )
                .route("/usaha/pengadaan/banding", post(procurement::appeal)),
        );
        users.merge(providers)
    };
    // Track records: the alumna's own (which record is decided by her account's link), and the
    // agency's view of anyone's with the records behind each figure; both as PDF.
    let track_records = {
        let own = guarded(
            Permission::OwnAlumnusRecord,
            Router::new()
                .route("/akun/rekam-jejak", get(track_record::own))
                .route("/akun/rekam-jejak.pdf", get(track_record::own_pdf)),
        );
        let agency = guarded(
            Permission::ViewRegister,
            Router::new()
                .route("/admin/alumni/{id}/rekam-jejak", get(track_record::agency))
                .route(
                    "/admin/alumni/{id}/rekam-jejak.pdf",
                    get(track_record::agency_pdf),
                )
                .route(
                    "/admin/alumni/{id}/rekam-jejak/{figure}",
                    get(track_record::behind),
                ),
        );
        own.merge(agency)
    };

    // The tracer study, kept by the agency (the public link is above).
    let tracer_routes = guarded(
        Permission::ManageTracer,
        Router::new()
            .route("/admin/tracer", get(tracer::admin))
            .route("/admin/tracer/kirim", post(tracer::send_due))
            .route("/admin/tracer/daftar", get(tracer::list))
            .route(
                "/admin/tracer/undangan/{id}",
                get(tracer::phone_form).post(tracer::phone_answer),
            )
            .route(
                "/admin/tracer/kuesioner",
                get(tracer::editor).post(tracer::editor_save),
            )
            .route(
                "/admin/tracer/pengaturan",
                get(tracer::settings_form).post(tracer::settings_save),
            )
            .route("/admin/tracer/umk", post(tracer::umk_save)),
    );

    // Capital: the public programs, the alumna's applications, the agency's pipeline and the
    // partner's portal. Which application a party may open is `policy::capital_party`.
    let capital_routes = {
        let public = Router::new()
            .route("/permodalan", get(capital::programs))
            .route("/permodalan/{id}", get(capital::program));
        let alumni = guarded(
            Permission::ApplyCapital,
            Router::new()
                .route("/akun/permodalan", get(capital::mine))
                .route(
                    "/akun/permodalan/baru",
                    get(capital::new_form).post(capital::create),
                )
                .route("/akun/permodalan/{id}", get(capital::show_own))
                .route(
                    "/akun/permodalan/{id}/dokumen",
                    post(capital::upload).layer(DefaultBodyLimit::max(capital::UPLOAD_BODY_LIMIT)),
                )
                .route(
                    "/akun/permodalan/{id}/dokumen/{kind}",
                    get(capital::document_any),
                )
                .route(
                    "/akun/permodalan/{id}/dosier.pdf",
                    get(capital::dossier_pdf),
                )
                .route("/akun/permodalan/{id}/{aksi}", post(capital::act_own)),
        );
        let agency = guarded(
            Permission::ManageCapital,
            Router::new()
                .route("/admin/permodalan", get(capital::admin))
                .route("/admin/permodalan/program", get(capital::admin_programs))
                .route(
                    "/admin/permodalan/program/baru",
                    get(capital::program_new).post(capital::program_create),
                )
                .route(
                    "/admin/permodalan/program/{id}",
                    get(capital::program_edit).post(capital::program_update),
                )
                .route(
                    "/admin/permodalan/pengaturan",
                    get(capital::settings_form).post(capital::settings_save),
                )
                .route("/admin/permodalan/sikp", post(capital::sikp))
                .route(
                    "/admin/permodalan/mitra",
                    get(capital::partners).post(capital::partner_create),
                )
                .route(
                    "/admin/permodalan/pengajuan/{id}",
                    get(capital::show_agency),
                )
                .route(
                    "/admin/permodalan/pengajuan/{id}/nik",
                    post(capital::reveal_nik),
                )
                .route(
                    "/admin/permodalan/pengajuan/{id}/dokumen/{kind}",
                    get(capital::document_any),
                )
                .route(
                    "/admin/permodalan/pengajuan/{id}/dosier.pdf",
                    get(capital::dossier_pdf),
                )
                .route(
                    "/admin/permodalan/pengajuan/{id}/{aksi}",
                    post(capital::act_agency),
                ),
        );
        let partner = guarded(
            Permission::PartnerPortal,
            Router::new()
                .route("/mitra/pengajuan", get(capital::partner))
                .route("/mitra/pengajuan.xlsx", get(capital::partner_xlsx))
                .route("/mitra/pengajuan/{id}", get(capital::show_partner))
                .route("/mitra/pengajuan/{id}/nik", post(capital::reveal_nik))
                .route(
                    "/mitra/pengajuan/{id}/dokumen/{kind}",
                    get(capital::document_any),
                )
                .route(
                    "/mitra/pengajuan/{id}/dosier.pdf",
                    get(capital::dossier_pdf),
                )
                .route("/mitra/pengajuan/{id}/{aksi}", post(capital::act_partner)),
        );
        public.merge(alumni).merge(agency).merge(partner)
    };

    // Outcomes: the dashboard of what the training achieves, the lists behind its numbers, the
    // training feedback and the report, for the agency and its head.
    let outcomes_routes = guarded(
        Permission::ViewOutcomes,
        Router::new()
            .route("/admin/hasil", get(outcomes::dashboard))
            .route("/admin/hasil/daftar", get(outcomes::behind))
            .route("/admin/hasil/umpan-balik", get(outcomes::feedback))
            .route("/admin/hasil/laporan.pdf", get(outcomes::report_pdf))
            .route("/admin/hasil/laporan.xlsx", get(outcomes::report_xlsx)),
    );

    Router::new()
        .merge(public)
        .merge(signed_in)
        .merge(manage_users)
        .merge(register)
        .merge(manage_register)
        .merge(full_nik)
        .merge(own_record)
        .merge(claim_codes)
        .merge(audit)
        .merge(offices)
        .merge(storefronts)
        .merge(catalog)
        .merge(orders)
        .merge(notifications)
        .merge(api_v1)
        .merge(office_admin)
        .merge(open_procurement_data)
        .merge(office_requests)
        .merge(tracer_routes)
        .merge(outcomes_routes)
        .merge(capital_routes)
        .merge(track_records)
        .fallback(public::not_found)
}
