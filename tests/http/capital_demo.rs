//! The demo district's capital (src/demo/capital.rs) as stored rows, and the SIKP hand-off on the
//! command line (`karya export sikp FILE [--partner ID]`) over the demo's consented and
//! non-consented KUR candidates, on both backends.

use std::collections::BTreeSet;

use sqlx::Row;

use crate::both;
use crate::helpers::TestApp;

async fn i64s(app: &TestApp, sql: &str, bind: Option<i64>) -> Vec<i64> {
    let q = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
    let q = match bind {
        Some(b) => q.bind(b),
        None => q,
    };
    q.fetch_all(app.db.pool())
        .await
        .expect(sql)
        .iter()
        .map(|r| r.try_get::<i64, _>(0).expect("i64"))
        .collect()
}

/// A count with one text parameter.
async fn count_on(app: &TestApp, sql: &str, text: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(text)
        .fetch_one(app.db.pool())
        .await
        .expect(sql)
        .try_get(0)
        .expect("i64")
}

async fn partner_of(app: &TestApp, username: &str) -> i64 {
    sqlx::query("SELECT partner_id FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

/// Applications of `partner`'s programs referred to it with the applicant's live consent.
const WAITING_WITH_CONSENT: &str = "SELECT COUNT(*) FROM capital_applications a \
    JOIN capital_programs p ON p.id = a.program_id \
    WHERE p.partner_id = $1 AND a.state = 'referred' AND EXISTS \
    (SELECT 1 FROM capital_consents c WHERE c.application_id = a.id AND c.revoked_at IS NULL)";

async fn demo_capital_has_every_state_and_the_promised_queues(app: TestApp) {
    // Every state of the pipeline appears.
    let states: BTreeSet<String> = sqlx::query("SELECT DISTINCT state FROM capital_applications")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String, _>(0).unwrap())
        .collect();
    for state in karya::domain::capital::application::State::ALL {
        assert!(
            states.contains(state.as_str()),
            "no demo application is {}: {states:?}",
            state.as_str()
        );
    }
    let total = app
        .scalar("SELECT COUNT(*) FROM capital_applications")
        .await;
    assert!((20..=35).contains(&total), "about 25 applications: {total}");
    assert!(app.scalar("SELECT COUNT(*) FROM capital_programs").await >= 6);
    // Referred both with and without consent, and a consent revoked.
    assert!(
        app.scalar(
            "SELECT COUNT(*) FROM capital_applications a WHERE a.state = 'referred' AND NOT EXISTS \
             (SELECT 1 FROM capital_consents c WHERE c.application_id = a.id AND c.revoked_at IS NULL)"
        )
        .await
            >= 1
    );
    assert!(
        app.scalar("SELECT COUNT(*) FROM capital_consents WHERE revoked_at IS NOT NULL")
            .await
            >= 1
    );
    // One program closed on the demo day, the others open.
    let today = karya::domain::dates::to_iso(karya::domain::dates::today_wib());
    let closed = count_on(
        &app,
        "SELECT COUNT(*) FROM capital_programs WHERE closes_on < $1",
        &today,
    )
    .await;
    assert_eq!(closed, 1, "one closed program");
    let open = count_on(
        &app,
        "SELECT COUNT(*) FROM capital_programs WHERE opens_on <= $1 AND closes_on >= $1",
        &today,
    )
    .await;
    assert!(open >= 6, "open programs: {open}");

    // Siti: a disbursed KUR with at least three repayment reports, all on track.
    let siti_loans = i64s(
        &app,
        "SELECT a.id FROM capital_applications a JOIN users u ON u.alumnus_id = a.alumnus_id \
         JOIN capital_programs p ON p.id = a.program_id \
         WHERE u.username = 'alumni' AND a.state = 'disbursed' AND p.kur = 1",
        None,
    )
    .await;
    assert_eq!(siti_loans.len(), 1, "Siti has one disbursed KUR");
    let reports = i64s(
        &app,
        "SELECT COUNT(*) FROM capital_repayments WHERE application_id = $1 AND status = 'on_track'",
        Some(siti_loans[0]),
    )
    .await;
    assert!(reports[0] >= 3, "Siti's repayments: {}", reports[0]);

    // mitra (Bank Jambi) waits on exactly two consented referrals; mitra.baznas has its own.
    let bank = partner_of(&app, "mitra").await;
    assert_eq!(i64s(&app, WAITING_WITH_CONSENT, Some(bank)).await, [2]);
    let baznas = partner_of(&app, "mitra.baznas").await;
    assert!(i64s(&app, WAITING_WITH_CONSENT, Some(baznas)).await[0] >= 1);
    let baznas_decided = i64s(
        &app,
        "SELECT COUNT(*) FROM capital_applications a JOIN capital_programs p ON p.id = a.program_id \
         WHERE p.partner_id = $1 AND a.decided_at IS NOT NULL",
        Some(baznas),
    )
    .await;
    assert!(baznas_decided[0] >= 1);

    // The steps are in the audit log, and happened over months, not at seeding time.
    for action in [
        "capital.program_created",
        "capital.application_started",
        "capital.document_uploaded",
        "capital.application_submitted",
        "capital.review_started",
        "capital.returned",
        "capital.rejected",
        "capital.recommended",
        "capital.referred",
        "capital.consent_granted",
        "capital.consent_revoked",
        "capital.approved",
        "capital.declined",
        "capital.disbursed",
        "capital.repayment_reported",
        "capital.withdrawn",
        "capital.expired",
    ] {
        let n = count_on(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = $1",
            action,
        )
        .await;
        assert!(n >= 1, "no audit entry {action}");
    }
    let now = karya::db::now();
    let oldest = app
        .scalar("SELECT MIN(at) FROM capital_application_events")
        .await;
    assert!(oldest < now - 150 * 86_400, "steps months ago");
    assert!(
        app.scalar("SELECT MAX(at) FROM capital_application_events")
            .await
            <= now
    );

    // Signed in, Siti sees a second program whose rules she meets.
    let siti = app.signed_in("alumni").await;
    let page = siti.get("/permodalan").await;
    assert!(page.status.is_success());
    assert!(page.contains("Anda memenuhi semua"), "{}", page.body);
}

/// The cells of an exported SIKP file: the header and the rows.
fn read_sikp(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>, bool) {
    let bytes = std::fs::read(path).unwrap();
    if path.extension().is_some_and(|e| e == "csv") {
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "CSV starts with a BOM");
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let header = reader.headers().unwrap().iter().map(String::from).collect();
        let rows = reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        return (header, rows, true);
    }
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let mut all_text = true;
    let mut rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    calamine::Data::String(s) => s.clone(),
                    calamine::Data::Empty => String::new(),
                    other => {
                        all_text = false;
                        other.to_string()
                    }
                })
                .collect()
        })
        .collect();
    let header = rows.remove(0);
    (header, rows, all_text)
}

fn export_sikp(app: &TestApp, file: &std::path::Path, extra: &[&str]) -> (Option<i32>, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_karya"))
        .args([
            "--database-url",
            &app.settings.database_url,
            "--data-dir",
            &app.settings.data_dir.display().to_string(),
        ])
        .args(["export", "sikp"])
        .arg(file)
        .args(extra)
        .env_remove("KARYA_DATABASE_URL")
        .output()
        .expect("karya runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let last = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned();
    assert!(
        out.status.code() != Some(0) || last.starts_with("baris="),
        "last line is baris=N: {text}"
    );
    (out.status.code(), text)
}

/// The NIK hashes (as the register keeps them) of the expected candidates: KUR, referred or
/// approved, with live consent to the program's partner (`partner`: only that one).
async fn expected(app: &TestApp, partner: Option<i64>) -> Vec<String> {
    let sql = "SELECT al.nik_hmac FROM capital_applications a \
        JOIN capital_programs p ON p.id = a.program_id JOIN alumni al ON al.id = a.alumnus_id \
        WHERE p.kur = 1 AND a.state IN ('referred', 'approved') AND ($1 = 0 OR p.partner_id = $1) \
        AND EXISTS (SELECT 1 FROM capital_consents c WHERE c.application_id = a.id \
        AND c.revoked_at IS NULL AND c.partner_id = p.partner_id)";
    let mut out = sqlx::query(sql)
        .bind(partner.unwrap_or(0))
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String, _>(0).unwrap())
        .collect::<Vec<_>>();
    out.sort();
    out
}

async fn sikp_export_on_the_command_line_holds_exactly_the_consented_kur_candidates(app: TestApp) {
    let secrets = karya::secrets::Secrets::load_or_create(&app.settings.data_dir).unwrap();
    let key = &secrets.data_key;
    let hashed = |niks: &[String]| -> Vec<String> {
        let mut h: Vec<String> = niks
            .iter()
            .map(|n| karya::secrets::personal::keyed_hash(key, n))
            .collect();
        h.sort();
        h
    };
    // The demo holds candidates the export must leave out: KUR referrals without consent, and
    // consented referrals of programs that are not KUR.
    assert!(
        app.scalar(
            "SELECT COUNT(*) FROM capital_applications a JOIN capital_programs p ON p.id = a.program_id \
             WHERE p.kur = 1 AND a.state = 'referred' AND NOT EXISTS (SELECT 1 FROM capital_consents c \
             WHERE c.application_id = a.id AND c.revoked_at IS NULL)"
        )
        .await
            >= 1
    );
    assert!(
        app.scalar(
            "SELECT COUNT(*) FROM capital_applications a JOIN capital_programs p ON p.id = a.program_id \
             WHERE p.kur = 0 AND a.state = 'referred' AND EXISTS (SELECT 1 FROM capital_consents c \
             WHERE c.application_id = a.id AND c.revoked_at IS NULL)"
        )
        .await
            >= 1
    );
    let all = expected(&app, None).await;
    assert!(all.len() >= 2, "the demo has consented KUR candidates");
    let dir = tempfile::tempdir().unwrap();
    let defaults: Vec<&str> = karya::domain::capital::sikp::DEFAULT
        .iter()
        .map(|(h, _)| *h)
        .collect();

    for name in ["sikp.xlsx", "sikp.csv"] {
        let file = dir.path().join(name);
        let (code, text) = export_sikp(&app, &file, &[]);
        assert_eq!(code, Some(0), "{text}");
        let (header, rows, all_text) = read_sikp(&file);
        assert!(all_text, "{name}: every cell is text");
        assert_eq!(header, defaults, "{name}: the default layout");
        assert!(
            text.trim_end().ends_with(&format!("baris={}", rows.len())),
            "{text}"
        );
        let niks: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
        for nik in &niks {
            assert!(
                nik.len() == 16 && nik.chars().all(|c| c.is_ascii_digit()),
                "{name}: full NIK as text: {nik}"
            );
        }
        assert_eq!(
            hashed(&niks),
            all,
            "{name}: exactly the consented KUR candidates"
        );
        let phone = header.iter().position(|h| h == "NO_HP").unwrap();
        for r in &rows {
            assert!(r[phone].is_empty() || r[phone].starts_with("62"), "{r:?}");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{name}: owner-only");
        }
    }

    // One bank's candidates only.
    let bank = partner_of(&app, "mitra").await;
    let file = dir.path().join("bank-jambi.xlsx");
    let (code, text) = export_sikp(&app, &file, &["--partner", &bank.to_string()]);
    assert_eq!(code, Some(0), "{text}");
    let (_, rows, _) = read_sikp(&file);
    let mine = expected(&app, Some(bank)).await;
    assert!(!mine.is_empty() && mine.len() < all.len());
    let niks: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(hashed(&niks), mine);

    // The export is audited as a full-NIK export by the CLI.
    assert!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'capital.sikp_export_full_nik' \
             AND actor_label = 'cli'"
        )
        .await
            >= 3
    );

    // She revokes her consent: she is no longer a candidate.
    let referred = i64s(
        &app,
        "SELECT a.id FROM capital_applications a JOIN capital_programs p ON p.id = a.program_id \
         WHERE p.kur = 1 AND a.state = 'referred' AND p.partner_id = $1 AND EXISTS \
         (SELECT 1 FROM capital_consents c WHERE c.application_id = a.id AND c.revoked_at IS NULL) \
         ORDER BY a.id",
        Some(bank),
    )
    .await;
    let id = referred[0];
    let user: i64 = i64s(
        &app,
        "SELECT user_id FROM capital_applications WHERE id = $1",
        Some(id),
    )
    .await[0];
    let alumnus = i64s(
        &app,
        "SELECT alumnus_id FROM capital_applications WHERE id = $1",
        Some(id),
    )
    .await[0];
    let actor = karya::domain::policy::Actor {
        user_id: user,
        role: karya::domain::policy::Role::Alumni,
        office_id: None,
        alumnus_id: Some(alumnus),
        partner_id: None,
    };
    let reach = karya::db::orders::Reach::from_settings(&app.settings);
    let capital = karya::app::capital::Capital {
        db: &app.db,
        key,
        reach: &reach,
    };
    let opened = capital.open(&actor, id).await.unwrap();
    let who = karya::db::audit::Who {
        id: Some(user),
        label: "test",
        ip: "test",
    };
    capital
        .revoke_consent(&opened, &who, karya::db::now())
        .await
        .unwrap();
    let after = expected(&app, None).await;
    assert_eq!(after.len(), all.len() - 1);
    let file = dir.path().join("setelah-dicabut.csv");
    let (code, text) = export_sikp(&app, &file, &[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.trim_end().ends_with(&format!("baris={}", after.len())));
    let (_, rows, _) = read_sikp(&file);
    let niks: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(hashed(&niks), after);

    // A file name without .xlsx or .csv is refused in Indonesian, and nothing is written.
    let file = dir.path().join("sikp.txt");
    let (code, text) = export_sikp(&app, &file, &[]);
    assert_eq!(code, Some(2));
    assert!(text.contains(".xlsx atau .csv"), "{text}");
    assert!(!file.exists());
    // An unknown partner too.
    let (code, text) = export_sikp(&app, &dir.path().join("x.csv"), &["--partner", "999999"]);
    assert_eq!(code, Some(2));
    assert!(text.contains("tidak ada"), "{text}");
}

both!(
    demo_capital_has_every_state_and_the_promised_queues,
    sikp_export_on_the_command_line_holds_exactly_the_consented_kur_candidates
);
