//! Real-browser tests: headless Chromium driven through chromedriver (WebDriver) with fantoccini,
//! against the app on SQLite. Each test starts its own chromedriver on a free port with a fresh
//! profile and kills it (and the browser it started) when done, even after a failed assertion.
//!
//! Without chromedriver and Chromium on `PATH` the tests show as ignored (cfg
//! `karya_test_browser`, set by build.rs), unless `KARYA_TEST_REQUIRE` names `browser`: then
//! they run and fail. `KARYA_SCREENSHOTS=<dir>` makes `screenshots` save PNGs
//! of the main pages at phone and desktop widths.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use karya::config::Backend;
use serde_json::json;

use crate::helpers::{self, DEMO_PASSWORD, TestApp};

mod capital;
mod gov_admin; // helper F: for gov_admin_screenshots (the lead adds this line)
mod market;
mod procurement;
mod reach;
mod tracer;
mod track_record;
mod treasurer;
mod width;

/// How long to wait for a page, an element or chromedriver itself.
const PATIENCE: Duration = Duration::from_secs(15);

/// A running chromedriver and the browser session it serves.
struct Browser {
    client: Client,
    _driver: Driver,
}

/// The chromedriver process (leader of its own process group, so the browser it starts can be
/// killed with it) and the throwaway browser profile.
struct Driver {
    child: Child,
    profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Kill the whole group this test started: chromedriver and the Chromium it launched.
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// chromedriver and a Chromium/Chrome binary, or why the browser tests cannot run.
fn tools() -> Result<(PathBuf, PathBuf), String> {
    let driver = on_path("chromedriver").ok_or("chromedriver not found on PATH")?;
    let chrome = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .find_map(|n| on_path(n))
    .ok_or("no chromium/chrome binary found on PATH")?;
    Ok((driver, chrome))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session. The tests calling this are ignored
    /// unless build.rs found the tools (cfg `karya_test_browser`), so missing tools here fail.
    async fn launch(javascript: bool) -> Browser {
        Browser::launch_with(javascript, &[]).await
    }

    /// Like `launch`, with extra Chromium command-line switches.
    async fn launch_with(javascript: bool, switches: &[&str]) -> Browser {
        let (driver_bin, chrome_bin) = tools().unwrap_or_else(|why| {
            panic!("browser test cannot run: {why} (install chromium and chromium-driver)")
        });
        let profile = tempfile::tempdir().expect("profile dir");
        let port = free_port();
        let log = std::fs::File::create(profile.path().join("chromedriver.log")).expect("log file");
        let child = {
            use std::os::unix::process::CommandExt;
            Command::new(&driver_bin)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("log file"))
                .stderr(log)
                .process_group(0)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver_bin.display()))
        };
        let driver = Driver { child, profile };
        let log_path = driver.profile.path().join("chromedriver.log");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < PATIENCE,
                "chromedriver did not listen on port {port}; log:\n{}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        let user_data = driver.profile.path().join("profile");
        let mut options = json!({
            "binary": chrome_bin,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                format!("--user-data-dir={}", user_data.display()),
            ],
        });
        options["args"]
            .as_array_mut()
            .expect("args")
            .extend(switches.iter().map(|s| json!(s)));
        if !javascript {
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let mut caps = fantoccini::wd::Capabilities::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), options);
        // fantoccini without its TLS features has no `native()`/`rustls()` shortcut; plain HTTP
        // to the local chromedriver only needs hyper-util's connector.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "cannot open a browser session: {e}; chromedriver log:\n{}",
                    std::fs::read_to_string(&log_path).unwrap_or_default()
                )
            });
        Browser {
            client,
            _driver: driver,
        }
    }

    /// Ends the session cleanly; dropping the browser afterwards kills chromedriver.
    async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    /// Opens a page; at phone width (under 600 px) it must fit the screen, no horizontal scroll.
    async fn open(&self, app: &TestApp, path: &str) {
        self.open_unmeasured(app, path).await;
        self.assert_fits(path).await;
    }

    async fn open_unmeasured(&self, app: &TestApp, path: &str) {
        self.client
            .goto(&format!("{}{path}", app.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    /// The document's width and the screen's when the page is wider than a phone's screen
    /// (`scrollWidth > innerWidth`); `None` when it fits or the window is not phone-sized.
    async fn overflow(&self) -> Option<(u64, u64)> {
        let script = "return [document.documentElement.scrollWidth, window.innerWidth];";
        let size = self.client.execute(script, vec![]).await.ok()?;
        let (wide, screen) = (size[0].as_u64()?, size[1].as_u64()?);
        (screen < 600 && wide > screen).then_some((wide, screen))
    }

    /// Fails when the page is wider than a phone-sized window.
    async fn assert_fits(&self, what: &str) {
        if let Some((wide, screen)) = self.overflow().await {
            panic!("{what} is {wide} px wide on a {screen} px screen (horizontal scroll)");
        }
    }

    async fn find(&self, locator: Locator<'_>) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(locator)
            .await
        {
            Ok(e) => e,
            Err(e) => panic!("{locator:?} not found ({e}) on {}", self.describe().await),
        }
    }

    /// Types into the field with this `name`, replacing what is there.
    async fn fill(&self, name: &str, value: &str) {
        let field = self.find(Locator::Css(&format!("[name=\"{name}\"]"))).await;
        field.clear().await.expect("clear field");
        field.send_keys(value).await.expect("type into field");
    }

    /// Clicks the button with exactly this visible text (inside `scope`, an XPath prefix).
    async fn press(&self, scope: &str, text: &str) {
        let xpath = format!("{scope}//button[normalize-space()='{text}']");
        self.find(Locator::XPath(&xpath))
            .await
            .click()
            .await
            .expect("click button");
    }

    /// Follows the link with exactly this visible text (inside `scope`, an XPath prefix).
    async fn follow(&self, scope: &str, text: &str) {
        let xpath = format!("{scope}//a[normalize-space()='{text}']");
        self.find(Locator::XPath(&xpath))
            .await
            .click()
            .await
            .expect("click link");
    }

    async fn body_text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Waits until the visible page text contains `text`.
    async fn expect_text(&self, text: &str) {
        let started = Instant::now();
        while !self.body_text().await.contains(text) {
            if started.elapsed() > PATIENCE {
                panic!("page never showed {text:?}; {}", self.describe().await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Where the browser is and what it shows, for failure messages.
    async fn describe(&self) -> String {
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        format!("page {url} with text:\n{}", self.body_text().await)
    }

    /// The page area's size in CSS pixels.
    async fn inner_size(&self) -> (u32, u32) {
        let script = "return [window.innerWidth, window.innerHeight];";
        let size = self
            .client
            .execute(script, vec![])
            .await
            .expect("viewport size");
        let px = |i: usize| size[i].as_u64().expect("pixels") as u32;
        (px(0), px(1))
    }

    /// Resizes the window so that the page area (without the window frame, which headless
    /// Chromium still reserves) is `w` × `h` CSS pixels.
    async fn viewport(&self, w: u32, h: u32) {
        self.client.set_window_size(w, h).await.expect("resize");
        let (iw, ih) = self.inner_size().await;
        if (iw, ih) != (w, h) {
            // Window = page area + frame, so ask for the target plus the frame just measured.
            let width = (2 * w).saturating_sub(iw).max(1);
            let height = (2 * h).saturating_sub(ih).max(1);
            self.client
                .set_window_size(width, height)
                .await
                .expect("resize");
        }
    }

    /// Whether page scripts run in this session, read from the DOM alone (no WebDriver script
    /// execution): a probe page whose inline script rewrites the text it shows.
    async fn page_scripts_run(&self) -> bool {
        let probe = "data:text/html,<p id=probe>scripts-off</p>\
                     <script>document.getElementById('probe').textContent='scripts-on'</script>";
        self.client.goto(probe).await.expect("open probe page");
        let text = self
            .find(Locator::Id("probe"))
            .await
            .text()
            .await
            .expect("probe text");
        match text.as_str() {
            "scripts-on" => true,
            "scripts-off" => false,
            other => panic!("unexpected probe text {other:?}"),
        }
    }

    /// Signs in through the login form as a demo account and waits for the dashboard.
    async fn log_in(&self, app: &TestApp, username: &str, display_name: &str) {
        self.open(app, "/masuk").await;
        self.fill("username", username).await;
        self.fill("password", DEMO_PASSWORD).await;
        self.press("//form[@action='/masuk']", "Masuk").await;
        self.expect_text(&format!("Selamat datang, {display_name}"))
            .await;
        assert_eq!(self.path().await, "/dasbor");
    }

    /// Signs out with the header's "Keluar" button.
    async fn log_out(&self) {
        self.press("//header//form[@action='/keluar']", "Keluar")
            .await;
        self.expect_text("Anda sudah keluar.").await;
        assert_eq!(self.path().await, "/masuk?pesan=keluar");
    }
}

async fn display_name(app: &TestApp, username: &str) -> String {
    use sqlx::Row;
    sqlx::query("SELECT display_name FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(app.db.pool())
        .await
        .expect("demo user")
        .try_get(0)
        .expect("display name")
}

async fn users_named(app: &TestApp, username: &str) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(app.db.pool())
        .await
        .expect("count users")
        .try_get(0)
        .expect("count")
}

fn unique_username() -> String {
    format!(
        "uji.pembeli.{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    )
}

/// The one-time link shown after creating a user.
async fn one_time_link(browser: &Browser) -> String {
    let field = browser.find(Locator::Id("link")).await;
    let link = field
        .prop("value")
        .await
        .expect("link value")
        .unwrap_or_default();
    assert!(link.contains("/sandi/atur/"), "one-time link {link:?}");
    link
}

/// Clicks into the one-time link field and reads which part of it is selected. (WebDriver's
/// `execute` runs even when page scripts are disabled, so it can observe what karya.js did.)
async fn focus_link(browser: &Browser) -> (usize, usize) {
    browser
        .find(Locator::Id("link"))
        .await
        .click()
        .await
        .expect("focus link field");
    let script =
        "var e = document.getElementById('link'); return [e.selectionStart, e.selectionEnd];";
    let range = browser
        .client
        .execute(script, vec![])
        .await
        .expect("read selection");
    let at = |i: usize| range[i].as_u64().expect("selection offset") as usize;
    (at(0), at(1))
}

/// Fills and submits the create-user form (the browser must be on it) for a buyer account.
async fn create_buyer(browser: &Browser, username: &str) {
    browser.fill("username", username).await;
    browser.fill("display_name", "Uji Pembeli Peramban").await;
    browser.fill("phone", "0812 3456 7890").await;
    let role = browser.find(Locator::Id("role")).await;
    role.select_by_value("pembeli").await.expect("choose role");
    browser
        .press("//form[@action='/admin/pengguna']", "Buat pengguna")
        .await;
    browser.expect_text("Pengguna dibuat").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(karya_test_browser),
    ignore = "chromedriver or chromium not on PATH"
)]
async fn admin_journey_with_javascript() {
    let browser = Browser::launch(true).await;
    assert!(
        browser.page_scripts_run().await,
        "this session should run page scripts"
    );
    let app = helpers::spawn(Backend::Sqlite).await.expect("sqlite app");
    let admin_name = display_name(&app, "admin").await;

    browser.log_in(&app, "admin", &admin_name).await;
    assert!(browser.body_text().await.contains("Selamat datang"));

    browser
        .follow("//nav[@aria-label='Menu utama']", "Pengguna")
        .await;
    browser.expect_text("Tambah pengguna").await;
    assert_eq!(browser.path().await, "/admin/pengguna");
    browser.follow("//main", "Tambah pengguna").await;
    browser.expect_text("Buat pengguna").await;
    assert_eq!(browser.path().await, "/admin/pengguna/baru");

    let username = unique_username();
    create_buyer(&browser, &username).await;
    let heading = browser
        .find(Locator::Css("main h1"))
        .await
        .text()
        .await
        .expect("heading");
    assert_eq!(heading, "Pengguna dibuat");
    assert!(browser.body_text().await.contains(&format!("@{username}")));
    let link = one_time_link(&browser).await;
    // karya.js selects the whole one-time link when its field gets focus.
    assert_eq!(
        focus_link(&browser).await,
        (0, link.chars().count()),
        "karya.js should select the link"
    );

    assert_eq!(
        users_named(&app, &username).await,
        1,
        "created user is stored"
    );

    browser.log_out().await;
    browser.close().await;
}

/// Sign in, create a user and sign out with page scripts switched off: every form must work
/// without karya.js.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(karya_test_browser),
    ignore = "chromedriver or chromium not on PATH"
)]
async fn login_works_without_javascript() {
    let browser = Browser::launch(false).await;
    // The same probe reports "scripts-on" in the JavaScript session above, so this proves the
    // preference really switched page scripts off.
    assert!(
        !browser.page_scripts_run().await,
        "page scripts should be disabled in this session"
    );
    let app = helpers::spawn(Backend::Sqlite).await.expect("sqlite app");
    let admin_name = display_name(&app, "admin").await;

    browser.log_in(&app, "admin", &admin_name).await;
    browser
        .follow("//nav[@aria-label='Menu utama']", "Pengguna")
        .await;
    browser.follow("//main", "Tambah pengguna").await;
    let username = unique_username();
    create_buyer(&browser, &username).await;
    assert_eq!(
        users_named(&app, &username).await,
        1,
        "created user is stored"
    );
    one_time_link(&browser).await;
    // karya.js did not run on the app's own pages either: focusing the link selects nothing.
    let (start, end) = focus_link(&browser).await;
    assert_eq!(
        start, end,
        "without JavaScript the link must not be auto-selected"
    );
    browser.log_out().await;

    // Wrong password: the form comes back with an error, still without scripts.
    browser.open(&app, "/masuk").await;
    browser.fill("username", "admin").await;
    browser.fill("password", "bukan-sandinya").await;
    browser.press("//form[@action='/masuk']", "Masuk").await;
    browser.find(Locator::Css("p.alert[role='alert']")).await;
    assert!(browser.path().await.starts_with("/masuk"));
    browser.close().await;
}

/// Screenshots for a visual review: only when `KARYA_SCREENSHOTS` names a directory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(all(karya_test_browser, karya_test_screenshots)),
    ignore = "needs KARYA_SCREENSHOTS and chromium"
)]
async fn screenshots() {
    let Some((dir, browser, app)) = screenshot_session().await else {
        return;
    };
    let pages = [
        ("beranda", "/"),
        ("masuk", "/masuk"),
        ("404", "/tidak-ada-halaman-ini"),
    ];
    shoot_pages(&browser, &app, &dir, &pages).await;

    // The login form after a wrong password.
    for (w, h) in SIZES {
        browser.viewport(w, h).await;
        browser.open(&app, "/masuk").await;
        browser.fill("username", "admin").await;
        browser.fill("password", "salah-sandi").await;
        browser.press("//form[@action='/masuk']", "Masuk").await;
        browser.find(Locator::Css("p.alert")).await;
        shoot(&browser, &dir, "masuk-salah", w, h).await;
    }

    let admin_name = display_name(&app, "admin").await;
    browser.viewport(1280, 900).await;
    browser.log_in(&app, "admin", &admin_name).await;
    shoot_pages(
        &browser,
        &app,
        &dir,
        &[
            ("dasbor-admin", "/dasbor"),
            ("pengguna", "/admin/pengguna"),
            ("pengguna-baru", "/admin/pengguna/baru"),
            ("audit", "/admin/audit"),
            ("impor", "/admin/impor"),
            ("impor-1", "/admin/impor/1"),
        ],
    )
    .await;

    // The form with validation errors, and the one-time link page.
    for (w, h) in SIZES {
        browser.viewport(w, h).await;
        browser.open(&app, "/admin/pengguna/baru").await;
        browser
            .press("//form[@action='/admin/pengguna']", "Buat pengguna")
            .await;
        browser.find(Locator::Css("p.err")).await;
        shoot(&browser, &dir, "pengguna-baru-galat", w, h).await;
        browser.open(&app, "/admin/pengguna/baru").await;
        create_buyer(&browser, &unique_username()).await;
        shoot(&browser, &dir, "pengguna-dibuat", w, h).await;
    }
    claim_screenshots(&browser, &app, &dir).await;
    market::market_screenshots(&browser, &app, &dir).await;
    procurement::procurement_screenshots(&browser, &app, &dir).await;
    browser.close().await;
    eprintln!("screenshots written to {}", dir.display());
}

/// The folder `KARYA_SCREENSHOTS` names (created), a browser for screenshots and the demo
/// district on SQLite; `None` when no folder is named.
async fn screenshot_session() -> Option<(PathBuf, Browser, TestApp)> {
    let dir = std::env::var_os("KARYA_SCREENSHOTS")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)?;
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    // Phones draw scrollbars over the page; without this the 360 px shots lose 15 px to one.
    let browser = Browser::launch_with(true, &["--hide-scrollbars"]).await;
    let app = helpers::spawn(Backend::Sqlite).await.expect("sqlite app");
    Some((dir, browser, app))
}

/// Phone and desktop window sizes.
const SIZES: [(u32, u32); 2] = [(360, 800), (1280, 900)];

async fn shoot_pages(browser: &Browser, app: &TestApp, dir: &Path, pages: &[(&str, &str)]) {
    for (name, path) in pages {
        for (w, h) in SIZES {
            browser.viewport(w, h).await;
            browser.open(app, path).await;
            shoot(browser, dir, name, w, h).await;
        }
    }
}

/// Saves what the window shows as `<name>-<width>.png`, and the whole page as
/// `<name>-<width>-full.png` when it is taller than the window.
async fn shoot(browser: &Browser, dir: &Path, name: &str, w: u32, h: u32) {
    assert_eq!(browser.inner_size().await, (w, h), "viewport for {name}");
    browser.assert_fits(name).await;
    let png = browser.client.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}-{w}.png")), png).expect("write screenshot");
    let height = browser
        .client
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .expect("page height")
        .as_u64()
        .unwrap_or(0) as u32;
    if height > h {
        browser.viewport(w, height.min(8000)).await;
        let png = browser.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("{name}-{w}-full.png")), png).expect("write screenshot");
        browser.viewport(w, h).await;
    }
}

/// The first alumnus no account has claimed: (id, full name).
async fn unclaimed_alumnus(app: &TestApp) -> (i64, String) {
    sqlx::query_as(
        "SELECT id, full_name FROM alumni \
         WHERE id NOT IN (SELECT alumnus_id FROM users WHERE alumnus_id IS NOT NULL) ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("an unclaimed alumnus")
}

/// An admin prints a claim code for one alumnus (confirming the dialog karya.js shows and
/// reading the code off the page), and signs out.
async fn print_claim_code(browser: &Browser, app: &TestApp, alumnus: i64) -> String {
    let admin_name = display_name(app, "admin").await;
    browser.log_in(app, "admin", &admin_name).await;
    browser.open(app, &format!("/admin/alumni/{alumnus}")).await;
    browser.press("//main", "Kode klaim").await;
    browser
        .client
        .accept_alert()
        .await
        .expect("confirm making a new code");
    let code = browser
        .find(Locator::Css(".slip-code"))
        .await
        .text()
        .await
        .expect("code text");
    assert_eq!(code.len(), 9, "a grouped code, got {code:?}");
    browser.log_out().await;
    code
}

/// Signs a new alumnus up through the form reached from the login page; lands on `/klaim`.
async fn sign_up_alumnus(browser: &Browser, app: &TestApp, name: &str, phone: &str) {
    browser.open(app, "/masuk").await;
    browser
        .follow("//main", "Daftar dengan nomor WhatsApp")
        .await;
    browser.expect_text("Daftar akun alumni").await;
    browser.fill("display_name", name).await;
    browser.fill("phone", phone).await;
    browser.fill("password", "sandi-alumni-rahasia").await;
    browser.fill("confirm", "sandi-alumni-rahasia").await;
    browser.press("//form[@action='/daftar']", "Daftar").await;
    browser.expect_text("Hubungkan data alumni").await;
    assert_eq!(browser.path().await, "/klaim");
}

/// The claim journey: the agency prints a code, a new visitor signs up with their WhatsApp
/// number, types the code, and sees their training history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(karya_test_browser),
    ignore = "chromedriver or chromium not on PATH"
)]
async fn alumnus_claims_a_record_with_a_printed_code() {
    let browser = Browser::launch(true).await;
    let app = helpers::spawn(Backend::Sqlite).await.expect("sqlite app");
    let (alumnus, full_name) = unclaimed_alumnus(&app).await;
    let code = print_claim_code(&browser, &app, alumnus).await;

    sign_up_alumnus(&browser, &app, &full_name, "0812 7000 1234").await;
    // Typed as people do on a phone: lower case, no dash.
    browser
        .fill("code", &code.to_lowercase().replace('-', ""))
        .await;
    browser
        .press("//form[@action='/klaim']", "Hubungkan dengan kode")
        .await;
    browser.expect_text("Riwayat pelatihan").await;
    assert_eq!(browser.path().await, "/dasbor");
    let program: String = sqlx::query_scalar(
        "SELECT p.name FROM participations pa JOIN batches b ON b.id = pa.batch_id \
         JOIN programs p ON p.id = b.program_id WHERE pa.alumnus_id = $1 ORDER BY b.year LIMIT 1",
    )
    .bind(alumnus)
    .fetch_one(app.db.pool())
    .await
    .expect("a training");
    let table = browser
        .find(Locator::Css("main table"))
        .await
        .text()
        .await
        .expect("history table");
    assert!(table.contains(&program), "{program} in {table}");
    let linked: Option<i64> =
        sqlx::query_scalar("SELECT alumnus_id FROM users WHERE username = '6281270001234'")
            .fetch_one(app.db.pool())
            .await
            .expect("the new account");
    assert_eq!(linked, Some(alumnus));
    browser.log_out().await;
    browser.close().await;
}

/// The claim pages: the batch code sheet (admin), sign-up, claim and own contact details.
async fn claim_screenshots(browser: &Browser, app: &TestApp, dir: &Path) {
    let (alumnus, _) = unclaimed_alumnus(app).await;
    let batch: i64 = sqlx::query_scalar(
        "SELECT batch_id FROM participations WHERE alumnus_id = $1 ORDER BY batch_id LIMIT 1",
    )
    .bind(alumnus)
    .fetch_one(app.db.pool())
    .await
    .expect("a batch");
    let sheet = format!("/admin/angkatan/{batch}/kode-klaim");
    shoot_pages(
        browser,
        app,
        dir,
        &[
            ("alumni-rekam", &format!("/admin/alumni/{alumnus}")),
            ("kode-klaim-angkatan", &sheet),
        ],
    )
    .await;
    for (w, h) in SIZES {
        browser.viewport(w, h).await;
        browser.open(app, &sheet).await;
        browser
            .press("//main", "Buat kode dan tampilkan lembar cetak")
            .await;
        browser.client.accept_alert().await.expect("confirm");
        browser.find(Locator::Css(".slip-code")).await;
        shoot(browser, dir, "kode-klaim-lembar", w, h).await;
    }
    browser.log_out().await;

    for (i, (w, h)) in SIZES.into_iter().enumerate() {
        browser.viewport(w, h).await;
        browser.open(app, "/daftar").await;
        shoot(browser, dir, "daftar", w, h).await;
        browser.press("//form[@action='/daftar']", "Daftar").await;
        browser.find(Locator::Css("p.err")).await;
        shoot(browser, dir, "daftar-galat", w, h).await;
        sign_up_alumnus(
            browser,
            app,
            "Alumni Uji Tampilan",
            &format!("08127000990{i}"),
        )
        .await;
        shoot(browser, dir, "klaim", w, h).await;
        browser.fill("code", "AAAA-BBBB").await;
        browser
            .press("//form[@action='/klaim']", "Hubungkan dengan kode")
            .await;
        browser.find(Locator::Css("p.alert")).await;
        shoot(browser, dir, "klaim-gagal", w, h).await;
        browser.log_out().await;
    }

    // A claimed account: the contact form, and the form with errors.
    let (id, nik_enc, born): (i64, String, String) = sqlx::query_as(
        "SELECT id, nik_enc, birth_date FROM alumni WHERE nik_enc IS NOT NULL \
         AND id NOT IN (SELECT alumnus_id FROM users WHERE alumnus_id IS NOT NULL) ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("an unclaimed alumnus");
    let secrets = karya::secrets::Secrets::load_or_create(&app.settings.data_dir).expect("secrets");
    let nik = karya::secrets::personal::open(&secrets.data_key, &nik_enc).expect("NIK");
    let _ = id;
    browser.viewport(1280, 900).await;
    sign_up_alumnus(browser, app, "Alumni Profil", "081270009910").await;
    let mut parts = born.split('-');
    let (y, m, d) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    browser.fill("nik", &nik).await;
    browser.fill("day", d.trim_start_matches('0')).await;
    browser
        .find(Locator::Id("month"))
        .await
        .select_by_value(m.trim_start_matches('0'))
        .await
        .expect("month");
    browser.fill("year", y).await;
    browser
        .press("//form[@action='/klaim']", "Hubungkan dengan NIK")
        .await;
    browser.expect_text("Riwayat pelatihan").await;
    shoot_pages(
        browser,
        app,
        dir,
        &[("dasbor-alumni", "/dasbor"), ("profil", "/akun/profil")],
    )
    .await;
    for (w, h) in SIZES {
        browser.viewport(w, h).await;
        browser.open(app, "/akun/profil").await;
        browser.fill("phone", "0741-21234").await;
        browser
            .press("//form[@action='/akun/profil']", "Simpan")
            .await;
        browser.find(Locator::Css("p.err")).await;
        shoot(browser, dir, "profil-galat", w, h).await;
    }
}

/// A register file as staff keep it, with one unreadable birth date and a phone column whose
/// header Karya does not know ("Kontak").
fn register_with_one_bad_row(dir: &Path) -> PathBuf {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Alumni").expect("sheet name");
    sheet
        .write_string(0, 0, "DAFTAR ALUMNI BLK TANJABTIM TAHUN 2024")
        .expect("title");
    let header = [
        "No",
        "Nama",
        "NIK",
        "L/P",
        "Tgl Lahir",
        "Kontak",
        "Kecamatan",
        "Kejuruan",
        "Tahun",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).expect("header");
    }
    let rows = [
        [
            "1",
            "Melati Kusuma",
            "1507016704990001",
            "P",
            "27-04-1999",
            "0812 6600 1001",
            "Geragai",
            "Tata Boga",
            "2024",
        ],
        [
            "2",
            "Sinta Dewi",
            "1507015106000002",
            "P",
            "31-02-2000",
            "0812 6600 1002",
            "Sadu",
            "Tata Boga",
            "2024",
        ],
        [
            "3",
            "Agus Setiawan",
            "1507010304980003",
            "L",
            "03-04-1998",
            "0812 6600 1003",
            "Berbak",
            "Instalasi Listrik",
            "2024",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet
                .write_string(3 + r as u32, c as u16, *v)
                .expect("cell");
        }
    }
    let path = dir.join("alumni-2024.xlsx");
    book.save(&path).expect("write workbook");
    path
}

/// The import journey: upload a file with one bad row, see that row's error in the
/// preview, fix a column mapping, confirm, then find an imported alumna by name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(karya_test_browser),
    ignore = "chromedriver or chromium not on PATH"
)]
async fn admin_imports_a_register_file() {
    let browser = Browser::launch(true).await;
    let app = helpers::spawn(Backend::Sqlite).await.expect("sqlite app");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = register_with_one_bad_row(dir.path());
    let name = display_name(&app, "admin").await;
    browser.log_in(&app, "admin", &name).await;
    browser.follow("//nav", "Impor").await;
    browser.expect_text("Impor data alumni").await;
    browser
        .find(Locator::Css("input[name=berkas]"))
        .await
        .send_keys(&file.display().to_string())
        .await
        .expect("choose the file");
    browser.press("//main", "Unggah dan baca").await;
    browser.expect_text("Ditolak (1)").await;
    browser.expect_text("31 Februari 2000").await;
    if let Some(shots) = std::env::var_os("KARYA_SCREENSHOTS") {
        let shots = PathBuf::from(shots);
        std::fs::create_dir_all(&shots).expect("screenshot folder");
        for (w, h) in SIZES {
            browser.viewport(w, h).await;
            shoot(&browser, &shots, "impor-pratinjau", w, h).await;
        }
    }

    // Column F ("Kontak") was not recognised: read it as the WhatsApp number.
    let column = browser
        .find(Locator::Css("select[aria-label='Kolom F dibaca sebagai']"))
        .await;
    fantoccini::elements::Element::select_by_value(&column, "hp")
        .await
        .expect("map column F");
    browser.press("//main", "Perbarui pratinjau").await;
    browser.expect_text("Ditolak (1)").await;
    let mapped = browser
        .find(Locator::Css(
            "select[aria-label='Kolom F dibaca sebagai'] option[selected]",
        ))
        .await
        .attr("value")
        .await
        .expect("selected option");
    assert_eq!(mapped.as_deref(), Some("hp"));

    browser.press("//main", "Terapkan impor").await;
    browser.expect_text("Impor sudah diterapkan").await;
    browser.follow("//main", "Lihat register alumni").await;
    browser.fill("q", "melati").await;
    browser.press("//main", "Terapkan").await;
    browser.expect_text("Melati Kusuma").await;
    let phone: Option<String> =
        sqlx::query_scalar("SELECT phone FROM alumni WHERE full_name = 'Melati Kusuma'")
            .fetch_one(app.db.pool())
            .await
            .expect("imported");
    assert_eq!(
        phone.as_deref(),
        Some("+6281266001001"),
        "the corrected mapping was used"
    );
    let rejected: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM alumni WHERE full_name = 'Sinta Dewi'")
            .fetch_one(app.db.pool())
            .await
            .expect("count");
    assert_eq!(rejected, 0);
    browser.log_out().await;
    browser.close().await;
}
