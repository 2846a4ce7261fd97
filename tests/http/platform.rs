//! The platform around the pages: health, error pages, headers, assets, limits, migrations,
//! stored time, the audit chain and the command line.

use std::process::Command;

use karya::config::Backend;
use karya::db::Db;
use reqwest::StatusCode;

use crate::both;
use crate::helpers::{TestApp, client};

both!(
    health_answers_ok_then_503_when_the_database_is_gone,
    error_pages_are_indonesian_pages,
    oversized_bodies_get_413_and_store_nothing,
    security_headers_on_every_response,
    static_assets_are_hashed_cached_and_compressed,
    home_page_shows_the_district_and_its_trades,
    demo_district_is_realistic,
    instants_and_money_round_trip,
    audit_chain_verifies_and_tampering_is_named,
    audit_chain_resists_a_rewrite_without_the_key,
    audit_log_never_holds_a_personal_identifier_in_full,
    audit_log_is_append_only,
    cli_check_backup_and_user_add,
    internal_errors_get_a_page_not_a_blank_500,
    audit_chain_holds_under_concurrent_writers,
);

async fn health_answers_ok_then_503_when_the_database_is_gone(app: TestApp) {
    let page = app.get("/healthz").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body, "ok");
    app.db.close().await;
    let page = app.get("/healthz").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        home.contains("Layanan sedang tidak tersedia"),
        "{}",
        home.body
    );
}

async fn error_pages_are_indonesian_pages(app: TestApp) {
    let page = app.get("/tidak-ada-halaman-ini").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.contains("Halaman tidak ditemukan"));
    assert!(page.contains("lang=\"id\""));
    let admin = app.signed_in("admin").await;
    let page = admin.get("/admin/pengguna/bukan-angka").await;
    assert!(page.status.is_client_error(), "{}", page.status);
    assert!(
        page.body.contains("<html"),
        "a page, not a bare message: {}",
        page.body
    );
    let page = app.visitor().post("/", &[]).await;
    assert_eq!(page.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(page.contains("Cara akses tidak didukung"));
    let buyer = app.signed_in("pembeli").await;
    let forbidden = buyer.get("/admin/audit").await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert!(forbidden.contains("Akses ditolak"));
}

async fn oversized_bodies_get_413_and_store_nothing(app: TestApp) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // A raw connection, as a phone would send it: the server may answer before the upload ends,
    // so writing and reading go on side by side.
    // The login form and its CSRF cookie, as a browser gets them.
    let (cookie, token) = crate::helpers::login_form(&app).await;
    let body = format!(
        "_csrf={token}&username={}&password=x",
        "x".repeat(10 * 1024 * 1024)
    );
    let addr = app.base.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let head = format!(
        "POST /masuk HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n",
        body.len(),
    );
    let writer = tokio::spawn(async move {
        let _ = wr.write_all(head.as_bytes()).await;
        let _ = wr.write_all(body.as_bytes()).await;
    });
    let mut response = Vec::new();
    let _ = rd.read_to_end(&mut response).await;
    writer.abort();
    let text = String::from_utf8_lossy(&response);
    assert!(
        text.starts_with("HTTP/1.1 413"),
        "{}",
        &text[..text.len().min(300)]
    );
    assert!(text.contains("Data terlalu besar"), "an Indonesian page");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM login_failures").await, 0);
}

async fn security_headers_on_every_response(app: TestApp) {
    for path in ["/", "/masuk", "/tidak-ada", "/healthz"] {
        let page = app.get(path).await;
        let h = &page.headers;
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(
            h.get("x-content-type-options").unwrap(),
            "nosniff",
            "{path}"
        );
        assert!(h.get("referrer-policy").is_some(), "{path}");
        assert!(h.get("x-request-id").is_some(), "{path}");
    }
    // No inline script anywhere in a page (the CSP would block it).
    let home = app.get("/").await;
    assert!(!home.body.contains("<script>"));
    // Cookies are HttpOnly and SameSite=Lax.
    let v = app.visitor();
    let r = v
        .client
        .get(format!("{}/masuk", app.base))
        .send()
        .await
        .unwrap();
    let cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain-http instance: no Secure flag"
    );
}

async fn static_assets_are_hashed_cached_and_compressed(app: TestApp) {
    let home = app.get("/").await;
    let start = home.body.find("/static/karya.").expect("css link");
    let href: String = home.body[start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    assert!(
        href.ends_with(".css") && href.len() > "/static/karya.css".len() + 5,
        "{href}"
    );
    let r = client()
        .get(format!("{}{href}", app.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(
        r.headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap()),
        Some("gzip")
    );
    assert_eq!(
        client()
            .get(format!("{}/static/karya.0000000000.css", app.base))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

async fn home_page_shows_the_district_and_its_trades(app: TestApp) {
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.contains("Kabupaten Tanjung Jabung Timur"));
    for trade in ["Tata Boga", "Teknik Pendingin dan Tata Udara", "Menjahit"] {
        assert!(home.contains(trade), "{trade}");
    }
    assert!(home.contains("action=\"/katalog\""));
    let catalog = app.get("/katalog?q=servis+ac").await;
    assert_eq!(catalog.status, StatusCode::OK);
    assert!(catalog.contains("servis ac"));
    assert!(catalog.contains("Cari produk atau jasa alumni BLK"));
}

async fn demo_district_is_realistic(app: TestApp) {
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM regions WHERE level = 'kecamatan'")
            .await,
        11
    );
    assert!(
        app.scalar("SELECT COUNT(*) FROM regions WHERE level IN ('desa','kelurahan')")
            .await
            >= 90
    );
    let alumni = app.scalar("SELECT COUNT(*) FROM alumni").await;
    assert!((250..=350).contains(&alumni), "{alumni}");
    assert_eq!(
        app.scalar("SELECT COUNT(DISTINCT kecamatan_code) FROM alumni")
            .await,
        11
    );
    assert!(app.scalar("SELECT COUNT(*) FROM offices").await >= 25);
    assert_eq!(app.scalar("SELECT MIN(year) FROM batches").await, 2017);
    assert_eq!(app.scalar("SELECT MAX(year) FROM batches").await, 2026);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM programs").await, 7);
    // The alumni came in through the importer, from the demo spreadsheet, without a rejected row.
    let summary: String =
        sqlx::query_scalar("SELECT summary FROM imports WHERE status = 'applied'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(
        summary.contains("ditolak=0") && !summary.contains("dibuat=0"),
        "{summary}"
    );
    // NIK is stored encrypted, never in clear.
    let nik: String =
        sqlx::query_scalar("SELECT nik_enc FROM alumni WHERE nik_enc IS NOT NULL LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(!nik.starts_with("1507"));
    // Seeding again changes nothing.
    let before = app.scalar("SELECT COUNT(*) FROM alumni").await;
    let secrets = karya::secrets::Secrets::ephemeral();
    assert!(
        !karya::demo::seed_if_empty(&app.db, &app.settings, &secrets)
            .await
            .unwrap()
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM alumni").await, before);
}

async fn instants_and_money_round_trip(app: TestApp) {
    // Instants are BIGINT Unix seconds; extremes and the present survive both backends.
    for at in [
        0i64,
        1_795_874_700,
        i64::from(i32::MAX) + 1,
        karya::db::now(),
    ] {
        let mut tx = app.db.begin().await.unwrap();
        let seq = karya::db::audit::append(
            &mut tx,
            karya::db::audit::Event {
                actor_label: "test",
                action: "test.time",
                entity: "t",
                entity_id: at.to_string(),
                ip: "-",
                ..Default::default()
            },
        )
        .await
        .unwrap();
        karya::db::commit(tx).await.unwrap();
        let stored: i64 = sqlx::query_scalar("SELECT at FROM audit_log WHERE seq = $1")
            .bind(seq)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert!(stored > 0);
        // (In a table no background job sweeps: the server's sweep removes old login failures.)
        sqlx::query("INSERT INTO counters (name, value) VALUES ($1, $2)")
            .bind(format!("t{at}"))
            .bind(at)
            .execute(app.db.pool())
            .await
            .unwrap();
        let back: i64 = sqlx::query_scalar("SELECT value FROM counters WHERE name = $1")
            .bind(format!("t{at}"))
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(back, at);
    }
    // Calendar dates are ISO text and compare correctly as text.
    let n = app
        .scalar("SELECT COUNT(*) FROM batches WHERE end_date < start_date")
        .await;
    assert_eq!(n, 0);
    // Money: whole Rupiah in BIGINT beyond 32 bits; SUM stays an integer on both backends.
    let big = 12_500_000_000i64;
    sqlx::query(
        "INSERT INTO login_failures (username, ip, at) VALUES ('uang', 'x', $1), ('uang', 'x', $1)",
    )
    .bind(big)
    .execute(app.db.pool())
    .await
    .unwrap();
    let sum: i64 = sqlx::query_scalar(
        "SELECT CAST(SUM(at) AS BIGINT) FROM login_failures WHERE username = 'uang'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(sum, 2 * big);
}

/// The `karya` binary pointed at the test app's database.
fn karya_command(app: &TestApp, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_karya"));
    command
        .args([
            "--database-url",
            &app.settings.database_url,
            "--data-dir",
            &app.settings.data_dir.display().to_string(),
        ])
        .args(args)
        .env_remove("KARYA_DATABASE_URL");
    command
}

fn karya_cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    karya_command(app, args).output().expect("karya runs")
}

async fn unprotect_audit(db: &Db) {
    let sql: &[&str] = match db.backend() {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        Backend::Postgres => &["ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"],
    };
    for s in sql {
        sqlx::query(sqlx::AssertSqlSafe(*s))
            .execute(db.pool())
            .await
            .unwrap();
    }
}

async fn audit_chain_verifies_and_tampering_is_named(app: TestApp) {
    app.signed_in("admin").await;
    let out = karya_cli(&app, &["audit", "verify"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("jejak audit utuh"), "{text}");

    unprotect_audit(&app.db).await;
    // Changed: a summary rewritten.
    sqlx::query("UPDATE audit_log SET summary = '{\"role\":\"admin\"}' WHERE seq = 3")
        .execute(app.db.pool())
        .await
        .unwrap();
    let out = karya_cli(&app, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("entri #3 telah diubah"));
    let page = app.signed_in("admin").await.get("/admin/audit").await;
    assert!(page.contains("Rantai audit rusak"));
}

/// Digit runs in `text`, digits counted across the separators people write inside numbers.
fn digit_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut run = String::new();
    let mut digits = 0;
    for c in text.chars().chain(std::iter::once('x')) {
        if c.is_ascii_digit() {
            run.push(c);
            digits += 1;
        } else if digits > 0 && matches!(c, ' ' | '-' | '.' | '+') {
            run.push(c);
        } else {
            if digits > 0 {
                runs.push(std::mem::take(&mut run));
            }
            run.clear();
            digits = 0;
        }
    }
    runs
}

fn digits_in(run: &str) -> usize {
    run.chars().filter(char::is_ascii_digit).count()
}

/// After the whole demo district (logins, register, imports, storefronts, orders, the
/// government channel) and some sign-ins: no NIK, NPWP, NIP, phone or account number is in the
/// audit log in full, in any field.
async fn audit_log_never_holds_a_personal_identifier_in_full(app: TestApp) {
    use sqlx::Row;
    // Sign-ins by phone number and a NIK typed as a user name reach the log too.
    app.visitor().login("0812 7000 5555", "salah-salah").await;
    app.visitor().login("1507015205980003", "salah-salah").await;
    let rows = sqlx::query("SELECT seq, actor_label, entity_id, summary FROM audit_log")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert!(
        rows.len() > 1000,
        "the whole demo is in the log: {}",
        rows.len()
    );
    let mut strings = 0;
    for r in &rows {
        let seq: i64 = r.get("seq");
        let summary: String = r.get("summary");
        // Anywhere, even inside text or numbers: no run of 15 digits or more (NIK, NPWP, NIP).
        for field in [
            r.get::<String, _>("actor_label"),
            r.get::<String, _>("entity_id"),
            summary.clone(),
        ] {
            for run in digit_runs(&field) {
                assert!(digits_in(&run) < 15, "#{seq}: {run:?} in {field}");
            }
        }
        // Any text value that is a number of ten digits or more (a phone or account number).
        let mut stack = vec![serde_json::from_str::<serde_json::Value>(&summary).unwrap()];
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::String(s) => {
                    strings += 1;
                    for run in digit_runs(&s) {
                        assert!(digits_in(&run) < 10, "#{seq}: {run:?} in {summary}");
                    }
                }
                serde_json::Value::Array(a) => stack.extend(a),
                serde_json::Value::Object(o) => stack.extend(o.into_iter().map(|(_, v)| v)),
                _ => {}
            }
        }
        for label in [r.get::<String, _>("actor_label"), r.get("entity_id")] {
            for run in digit_runs(&label) {
                assert!(digits_in(&run) < 10, "#{seq}: {run:?}");
            }
        }
    }
    assert!(strings > 1000);
    // What was masked is still recognisable by its ends.
    assert!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE actor_label = '1507••••••••0003'")
            .await
            == 1
    );
}

/// Rewrites the chain from `from` onwards as someone with write access to the database but
/// without the instance key would: every hash recomputed with `hash`, links and head included.
async fn rewrite_chain(db: &Db, from: i64, hash: impl Fn(&karya::domain::audit::Entry) -> String) {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT seq, at, actor_id, actor_label, action, entity, entity_id, summary, ip, prev_hash, hash \
         FROM audit_log ORDER BY seq",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let mut prev = String::new();
    for r in rows {
        let mut e = karya::domain::audit::Entry {
            seq: r.get("seq"),
            at: r.get("at"),
            actor_id: r.get("actor_id"),
            actor_label: r.get("actor_label"),
            action: r.get("action"),
            entity: r.get("entity"),
            entity_id: r.get("entity_id"),
            summary: r.get("summary"),
            ip: r.get("ip"),
            prev_hash: r.get("prev_hash"),
            hash: r.get("hash"),
        };
        if e.seq >= from {
            e.prev_hash = prev.clone();
            e.hash = hash(&e);
            sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3")
                .bind(&e.prev_hash)
                .bind(&e.hash)
                .bind(e.seq)
                .execute(db.pool())
                .await
                .unwrap();
        }
        prev = e.hash;
    }
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(db.pool())
        .await
        .unwrap();
}

async fn audit_chain_resists_a_rewrite_without_the_key(app: TestApp) {
    use karya::domain::audit::{ChainKey, legacy_hash, sealed_hash};
    // The head to record off the machine: SEQ:HASH of a sealed entry.
    let out = karya_cli(&app, &["audit", "head"]);
    assert!(out.status.success());
    let recorded = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let (seq, hash) = recorded.split_once(':').expect("SEQ:HASH");
    assert_eq!(
        seq.parse::<i64>().unwrap(),
        app.scalar("SELECT MAX(seq) FROM audit_log").await
    );
    assert!(hash.starts_with("k1:"), "{recorded}");
    app.signed_in("admin").await;
    let out = karya_cli(&app, &["audit", "verify", "--head", &recorded]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("masih ada dan cocok"), "{text}");
    let out = karya_cli(&app, &["audit", "verify", "--head", "bukan-kepala"]);
    assert_eq!(out.status.code(), Some(2));

    // An entry changed and the whole chain recomputed, with a guessed key or with the old plain
    // hashes: both are caught without any recorded head.
    unprotect_audit(&app.db).await;
    sqlx::query("UPDATE audit_log SET summary = '{\"role\":\"admin\"}' WHERE seq = 3")
        .execute(app.db.pool())
        .await
        .unwrap();
    let guessed = ChainKey::derive(&[0; 32]);
    rewrite_chain(&app.db, 3, |e| sealed_hash(&guessed, e)).await;
    let out = karya_cli(&app, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("entri #3 telah diubah"));
    rewrite_chain(&app.db, 3, legacy_hash).await;
    let out = karya_cli(&app, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("entri #3 tidak bersegel"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // The whole log in the old, unkeyed form (a database from before this version) still
    // verifies, and entries written from now on are sealed onto it ...
    rewrite_chain(&app.db, 1, legacy_hash).await;
    app.signed_in("opd").await;
    let out = karya_cli(&app, &["audit", "verify"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("ditulis sebelum jejak bersegel"), "{text}");
    assert!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE hash LIKE 'k1:%'")
            .await
            >= 1
    );
    // ... which is why a head recorded off the machine is kept: it catches that rewrite.
    let out = karya_cli(&app, &["audit", "verify", "--head", &recorded]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("kepala yang dicatat"));
}

async fn audit_log_is_append_only(app: TestApp) {
    assert!(
        sqlx::query("UPDATE audit_log SET summary = 'x' WHERE seq = 1")
            .execute(app.db.pool())
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM audit_log WHERE seq = 1")
            .execute(app.db.pool())
            .await
            .is_err()
    );
    // Deleting (with the guard removed) is detected and named.
    unprotect_audit(&app.db).await;
    if app.backend == Backend::Postgres {
        sqlx::query("ALTER TABLE audit_log DISABLE TRIGGER ALL")
            .execute(app.db.pool())
            .await
            .ok();
    }
    sqlx::query("DELETE FROM audit_log WHERE seq = 2")
        .execute(app.db.pool())
        .await
        .unwrap();
    let out = karya_cli(&app, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("entri #3 tidak tersambung ke entri #1"));
}

async fn cli_check_backup_and_user_add(app: TestApp) {
    let out = karya_cli(&app, &["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("basis data: terhubung"));

    // user add: password from stdin, never argv.
    let mut child = karya_command(
        &app,
        &[
            "user",
            "add",
            "--username",
            "kepala.dinas",
            "--name",
            "Kepala Dinas",
            "--role",
            "admin",
        ],
    )
    .stdin(std::process::Stdio::piped())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"muara-sabak-2026\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.visitor()
        .login("kepala.dinas", "muara-sabak-2026")
        .await
        .assert_redirect_to("/dasbor");

    let backup = app.settings.data_dir.join("cadangan.db");
    let out = karya_cli(&app, &["backup", &backup.display().to_string()]);
    match app.backend {
        Backend::Sqlite => {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            // The copy holds everyone's personal data: its owner's alone.
            assert_eq!(mode(&backup), 0o600);
            // The copy is a complete database with the same users.
            let copy = Db::connect(
                &format!("sqlite://{}", backup.display()),
                Backend::Sqlite,
                karya::db::Options {
                    max_connections: 1,
                    synchronous: karya::db::Synchronous::Full,
                    chain_key: app.db.chain_key().clone(),
                },
            )
            .await
            .unwrap();
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
                .fetch_one(copy.pool())
                .await
                .unwrap();
            assert_eq!(n, app.scalar("SELECT COUNT(*) FROM users").await);
        }
        Backend::Postgres => {
            assert_eq!(out.status.code(), Some(2));
            assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
        }
    }

    // An unknown database scheme is a configuration error, not a new empty database.
    let out = Command::new(env!("CARGO_BIN_EXE_karya"))
        .args(["--database-url", "mysql://x/y", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tidak dikenal"));
}

async fn internal_errors_get_a_page_not_a_blank_500(app: TestApp) {
    // A schema the code does not expect (here: a table renamed behind its back).
    sqlx::query("ALTER TABLE trades RENAME TO trades_lama")
        .execute(app.db.pool())
        .await
        .unwrap();
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.contains("Terjadi kesalahan"));
    assert!(!page.contains("trades"), "no internals leak to the user");
}

/// SIGTERM: the server stops accepting, finishes what it has, and exits cleanly.
#[tokio::test]
async fn sigterm_shuts_down_gracefully() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_karya"))
        .args([
            "--data-dir",
            &dir.path().display().to_string(),
            "serve",
            "--bind",
            "127.0.0.1:0",
        ])
        .env_remove("KARYA_DATABASE_URL")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut addr = None;
    let mut log = String::new();
    while let Ok(Some(line)) = lines.next_line().await {
        log.push_str(&line);
        if let Some(rest) = line.strip_prefix("Karya berjalan di ") {
            addr = Some(rest.trim().to_owned());
            break;
        }
    }
    let addr = addr.unwrap_or_else(|| panic!("server did not start: {log}"));
    // A request in flight when the signal arrives (its body still uploading) gets its answer.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let login_form =
        crate::helpers::read(client().get(format!("{addr}/masuk")).send().await.unwrap()).await;
    let token = login_form.input_value("_csrf").expect("csrf field");
    let cookie = login_form
        .headers
        .get("set-cookie")
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned())
        .expect("csrf cookie");
    let body = format!("_csrf={token}&username=tidak.ada&password=salah-sandi");
    let host = addr.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "POST /masuk HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nCookie: {cookie}\r\n\r\n",
        body.len()
    );
    let (first, second) = body.split_at(body.len() / 2);
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first.as_bytes()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let status = Command::new("kill")
        .args(["-TERM", &child.id().unwrap().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    stream.write_all(second.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(Ok(n)) =
        tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buf)).await
    {
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buf[..n]);
        if String::from_utf8_lossy(&response).contains("</html>") {
            break;
        }
    }
    let text = String::from_utf8_lossy(&response);
    assert!(
        text.starts_with("HTTP/1.1 401"),
        "in-flight request answered: {}",
        &text[..text.len().min(200)]
    );
    drop(stream);
    let exit = tokio::time::timeout(std::time::Duration::from_secs(15), child.wait())
        .await
        .expect("exits")
        .unwrap();
    assert!(exit.success(), "{exit:?}");
    let mut rest = String::new();
    while let Ok(Some(line)) = lines.next_line().await {
        rest.push_str(&line);
    }
    assert!(rest.contains("shutdown signal received"), "{rest}");
}

async fn audit_chain_holds_under_concurrent_writers(app: TestApp) {
    let before = app.scalar("SELECT COUNT(*) FROM audit_log").await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let v = app.visitor();
        tasks.push(tokio::spawn(async move {
            let user = ["admin", "opd", "bendahara", "pembeli"][i % 4];
            let password = if i % 3 == 0 {
                "salah-sandi-ini"
            } else {
                crate::helpers::DEMO_PASSWORD
            };
            v.login(user, password).await.status
        }));
    }
    // Each attempt writes one entry: signed in, refused, or held back by the throttle (which
    // counts attempts still being checked, so simultaneous ones may be held back).
    for t in tasks {
        let status = t.await.unwrap();
        assert!(
            [
                StatusCode::SEE_OTHER,
                StatusCode::UNAUTHORIZED,
                StatusCode::TOO_MANY_REQUESTS
            ]
            .contains(&status),
            "{status}"
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log").await,
        before + 24
    );
    let verdict = karya::db::audit::verify(&app.db, None).await.unwrap();
    assert_eq!(verdict.map(|v| v.entries), Ok(before + 24));
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// The data folder, the database and its journal are their owner's alone, also when an older
/// version left them readable by every local user.
#[cfg(unix)]
#[tokio::test]
async fn data_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data-karya");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(data.join("catatan.txt"), "lama").unwrap();
    std::fs::set_permissions(
        data.join("catatan.txt"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let app = crate::helpers::spawn_with(Backend::Sqlite, |s| {
        s.data_dir = data.clone();
        s.database_url = String::new();
        s.demo = false;
    })
    .await
    .expect("app");
    app.visitor().get("/masuk").await;
    assert_eq!(mode(&data), 0o700);
    for file in ["karya.db", "karya.db-wal", "karya.db-shm", "catatan.txt"] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
    assert_eq!(mode(&data.join("secrets")), 0o700);
}

/// A commit acknowledged to the user is on disk before the answer (power cuts are common):
/// SQLite syncs its WAL on every commit unless the operator chose otherwise.
#[tokio::test]
async fn sqlite_syncs_every_commit_unless_told_otherwise() {
    async fn synchronous(app: &TestApp) -> i64 {
        // Every pooled connection got the setting: ask several at once.
        let mut seen = Vec::new();
        let mut held = Vec::new();
        for _ in 0..3 {
            let mut conn = app.db.pool().acquire().await.unwrap();
            seen.push(
                sqlx::query_scalar::<_, i64>("PRAGMA synchronous")
                    .fetch_one(&mut *conn)
                    .await
                    .unwrap(),
            );
            held.push(conn);
        }
        assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
        seen[0]
    }
    let app = crate::helpers::spawn(Backend::Sqlite).await.expect("app");
    assert_eq!(synchronous(&app).await, 2, "FULL");
    let app = crate::helpers::spawn_with(Backend::Sqlite, |s| {
        s.sqlite_synchronous = karya::config::Synchronous::Normal;
    })
    .await
    .expect("app");
    assert_eq!(synchronous(&app).await, 1, "NORMAL");
}

/// Behind HTTPS (a public URL with https), every cookie is Secure.
#[tokio::test]
async fn cookies_are_secure_behind_https() {
    let app = crate::helpers::spawn_with(Backend::Sqlite, |s| {
        s.public_url = "https://karya.tanjabtimkab.go.id".into();
    })
    .await
    .expect("app");
    let r = client()
        .get(format!("{}/masuk", app.base))
        .send()
        .await
        .unwrap();
    let csrf = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csrf.contains("Secure"), "{csrf}");
    let v = app.visitor();
    let token = v.csrf().await;
    let r = v
        .client
        .post(format!("{}/masuk", app.base))
        .form(&[
            ("_csrf", token.as_str()),
            ("username", "admin"),
            ("password", crate::helpers::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let session = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        session.starts_with("karya_sesi=")
            && session.contains("Secure")
            && session.contains("HttpOnly"),
        "{session}"
    );
}
