//! Every route in one place, grouped by who may call it. A group's guard names the permission;
//! `domain::policy` decides which roles hold it.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn;
use axum::routing::{get, post};

use crate::domain::policy::Permission;
use crate::web::{
    AppState, admin, api, assets, auth, catalog, claim, dashboard, gov_admin, imports,
    notifications, offices, open_data, orders, procurement, public, register, session, storefront,
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
        .route("/static/{file}", get(assets::serve));

    // Any signed-in user.
    let signed_in = guarded(
        Permission::SignedIn,
        Router::new()
            .route("/dasbor", get(dashboard::dashboard))
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

    Router::new()
        .merge(public)
        .merge(signed_in)
        .merge(manage_users)
        .merge(register)
        .merge(manage_register)
        .merge(own_record)
        .merge(claim_codes)
        .merge(audit)
        .merge(offices)
        // The marketplace. Each area keeps its routes beside its handlers, grouped the same way
        // (every group names its Permission); object-level rules are in domain::policy.
        .merge(storefront::routes())
        .merge(catalog::routes())
        .merge(orders::routes())
        .merge(notifications::routes())
        .merge(api::routes())
        .merge(gov_admin::routes())
        .merge(open_data::routes())
        // The government channel: office requests, the rotation, documents and payments.
        .merge(procurement::routes())
        .fallback(public::not_found)
}
