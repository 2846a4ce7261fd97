//! One error type for the web layer. Every case becomes an Indonesian page (or a redirect to the
//! login page); internals are logged, never shown.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::app::AppError;
use crate::db::DbError;
use crate::views::ErrorPage;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("login required")]
    Unauthorized { next: String },
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("csrf rejected")]
    Csrf,
    #[error("too many requests")]
    TooMany(String),
    #[error("gone")]
    Gone(String),
    #[error("payload too large")]
    TooLarge,
    /// A request the server cannot read (e.g. a malformed chunked body).
    #[error("bad request")]
    BadRequest,
    /// A domain refusal or a stale page: the step did not happen, and the message says why.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<DbError> for WebError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => WebError::NotFound,
            DbError::Unavailable(m) => WebError::Unavailable(m),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => WebError::NotFound,
            AppError::Forbidden => WebError::Forbidden,
            e @ (AppError::Refused(_) | AppError::Stale) => WebError::Conflict(e.to_string()),
            AppError::Conflict(name) => {
                WebError::Internal(format!("unexpected conflict on {name}"))
            }
            AppError::Unavailable(m) => WebError::Unavailable(m),
            AppError::Internal(m) => WebError::Internal(m),
        }
    }
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Gone(_) => StatusCode::GONE,
            WebError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::BadRequest => StatusCode::BAD_REQUEST,
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Whether a body error, or any error it wraps, is a body length limit (413) rather than a body
/// that could not be read (400).
pub fn is_length_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// The Indonesian title and explanation for an error status.
pub fn explain(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => (
            "Permintaan tidak valid",
            "Permintaan tidak dapat dibaca. Periksa kembali isian Anda.",
        ),
        401 => (
            "Silakan masuk",
            "Halaman ini hanya untuk pengguna yang sudah masuk.",
        ),
        403 => (
            "Akses ditolak",
            "Akun Anda tidak memiliki izin untuk membuka halaman ini.",
        ),
        404 => (
            "Halaman tidak ditemukan",
            "Alamat yang Anda buka tidak ada atau sudah dipindahkan.",
        ),
        405 => (
            "Cara akses tidak didukung",
            "Halaman ini tidak dapat dibuka dengan cara tersebut.",
        ),
        408 => (
            "Waktu habis",
            "Permintaan terlalu lama diproses. Silakan coba lagi.",
        ),
        409 => (
            "Tidak dapat dilakukan",
            "Langkah ini tidak dapat dilakukan sekarang. Muat ulang halaman untuk melihat keadaan terbaru.",
        ),
        410 => (
            "Tautan tidak berlaku",
            "Tautan ini sudah dipakai atau sudah kedaluwarsa.",
        ),
        413 => (
            "Data terlalu besar",
            "Data yang dikirim melebihi batas ukuran yang diizinkan.",
        ),
        415 => (
            "Format tidak didukung",
            "Format data yang dikirim tidak didukung.",
        ),
        422 => ("Isian belum benar", "Periksa kembali isian yang ditandai."),
        429 => (
            "Terlalu banyak percobaan",
            "Tunggu sebentar sebelum mencoba lagi.",
        ),
        503 => (
            "Layanan sedang tidak tersedia",
            "Basis data sedang tidak dapat dihubungi. Silakan coba beberapa saat lagi.",
        ),
        _ => (
            "Terjadi kesalahan",
            "Maaf, terjadi kesalahan di server. Petugas sudah dicatat; silakan coba lagi.",
        ),
    }
}

/// What an error page said, kept on its response so that `middleware::signed_in_error_pages`
/// can draw it again with the signed-in user's header and menu.
#[derive(Clone, Debug)]
pub struct Shown {
    pub title: &'static str,
    pub message: String,
}

/// A full error page for a status, with an optional specific message.
pub fn error_page(status: StatusCode, message: Option<&str>) -> Response {
    let (title, default_message) = explain(status);
    let message = message.unwrap_or(default_message);
    let page = ErrorPage::new(status.as_u16(), title, message);
    let body = askama::Template::render(&page)
        .unwrap_or_else(|_| format!("<h1>{title}</h1><p>{default_message}</p>"));
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    response.extensions_mut().insert(Shown {
        title,
        message: message.to_owned(),
    });
    response
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match &self {
            WebError::Unauthorized { next } => {
                let target = format!("/masuk?lanjut={}", urlencode(next));
                return Redirect::to(&target).into_response();
            }
            WebError::Internal(m) => tracing::error!(error = %m, "internal error"),
            WebError::Unavailable(m) => tracing::warn!(error = %m, "database unavailable"),
            _ => {}
        }
        let message = match &self {
            WebError::TooMany(m) | WebError::Gone(m) | WebError::Conflict(m) => Some(m.as_str()),
            WebError::Csrf => Some(
                "Formulir ini sudah kedaluwarsa atau tidak sah. Muat ulang halaman, lalu kirim lagi.",
            ),
            _ => None,
        };
        error_page(self.status(), message)
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)])
        .map(|e| e[2..].to_owned())
        .unwrap_or_default()
}
