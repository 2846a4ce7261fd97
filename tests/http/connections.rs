//! Connections: slow clients cannot exhaust the server (the connection cap answers 503, the
//! header-read timeout closes stalled clients), idle kept-alive connections are closed, and a
//! body that cannot be read is told apart from one that is too large. Raw TCP throughout, so
//! that what the server does to the socket is what is seen.

use std::time::Duration;

use karya::config::Backend;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, sleep, timeout};

use crate::helpers::{TestApp, spawn_with};

/// Generous bound for anything the server should do "now", on a loaded 2-core machine.
const PROMPTLY: Duration = Duration::from_secs(15);

fn addr(app: &TestApp) -> String {
    app.base.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection. Panics if it has not within `within`; a reset
/// also counts as closed (returned as what was read before it).
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => panic!(
                "the server did not close the connection within {within:?}; read so far: {:?}",
                String::from_utf8_lossy(&out)
            ),
            Ok(Ok(0)) | Ok(Err(_)) => return out,
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
        }
    }
}

/// One request on a new connection (`Connection: close`): the whole answer as text. Panics when
/// the connection is refused or no answer comes: a slow client must never cause either.
async fn fresh_request(addr: &str, path: &str) -> String {
    let mut stream = timeout(PROMPTLY, TcpStream::connect(addr))
        .await
        .expect("connect does not hang")
        .expect("connection accepted, not refused");
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .expect("request sent");
    String::from_utf8_lossy(&read_until_closed(&mut stream, PROMPTLY).await).into_owned()
}

/// Reads one response on a kept-alive connection: head and `Content-Length` body.
async fn read_response(stream: &mut TcpStream) -> (String, String) {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .expect("content-length");
            if data.len() >= end + 4 + length {
                let body = String::from_utf8_lossy(&data[end + 4..end + 4 + length]).into_owned();
                return (head, body);
            }
        }
        let n = timeout(PROMPTLY, stream.read(&mut buf))
            .await
            .expect("response in time")
            .expect("read");
        assert!(
            n > 0,
            "closed mid-response: {:?}",
            String::from_utf8_lossy(&data)
        );
        data.extend_from_slice(&buf[..n]);
    }
}

fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let head = response.split("\r\n\r\n").next()?;
    head.lines().skip(1).find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// More slow clients than the cap: a new request still gets an HTTP answer (503, Retry-After)
/// while they stall; after the header-read timeout every one of them has been closed and
/// `/healthz` answers 200 again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_get_503_past_the_cap_and_are_closed_after_the_header_timeout() {
    const CAP: usize = 20;
    const SLOW: usize = 30;
    let app = spawn_with(Backend::Sqlite, |s| {
        s.max_connections = CAP;
        s.header_read_timeout_secs = 3;
    })
    .await
    .expect("app");
    let addr = addr(&app);
    assert!(
        fresh_request(&addr, "/healthz")
            .await
            .starts_with("HTTP/1.1 200")
    );

    // Each sends part of a request line and headers, then nothing more.
    let mut slow = Vec::new();
    for i in 0..SLOW {
        let mut stream = TcpStream::connect(&addr).await.expect("connect");
        stream
            .write_all(format!("GET /?lambat={i} HTTP/1.1\r\nHost: {addr}\r\nUser-Ag").as_bytes())
            .await
            .expect("partial request");
        slow.push(stream);
    }

    // (a) The server takes connections in order, so once it has reached this one all the slow
    // ones are in and the cap is full: the answer is a 503, never a refused or silent socket.
    // (A 200 could only come if the slow ones were already timed out: then try again.)
    let deadline = Instant::now() + PROMPTLY;
    let busy = loop {
        let answer = fresh_request(&addr, "/healthz").await;
        if answer.starts_with("HTTP/1.1 503") {
            break answer;
        }
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(Instant::now() < deadline, "no 503 while the cap is full");
        sleep(Duration::from_millis(50)).await;
    };
    assert!(
        header(&busy, "retry-after").is_some_and(|v| v.parse::<u64>().is_ok()),
        "{busy}"
    );
    assert_eq!(header(&busy, "connection"), Some("close"), "{busy}");
    assert!(
        busy.contains("Silakan coba lagi"),
        "an Indonesian answer: {busy}"
    );

    // (b) Every slow client is closed by the server: the first CAP after the header timeout
    // without an answer, the ones past the cap with the same 503.
    let (mut timed_out, mut refused) = (0, 0);
    for stream in &mut slow {
        let answer = read_until_closed(stream, PROMPTLY).await;
        let answer = String::from_utf8_lossy(&answer);
        if answer.is_empty() {
            timed_out += 1;
        } else {
            assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
            refused += 1;
        }
    }
    assert_eq!((timed_out, refused), (CAP, SLOW - CAP));

    // Their slots are free again.
    let deadline = Instant::now() + PROMPTLY;
    loop {
        let answer = fresh_request(&addr, "/healthz").await;
        if answer.starts_with("HTTP/1.1 200") {
            assert!(answer.ends_with("ok"), "{answer}");
            break;
        }
        assert!(Instant::now() < deadline, "still refused: {answer}");
        sleep(Duration::from_millis(50)).await;
    }
}

/// A kept-alive connection may wait between requests longer than the header-read timeout, and
/// is closed once it has been idle for `keep_alive_idle_secs`; a request started on it and left
/// unfinished is closed after the header-read timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_keep_alive_connections_are_closed_after_the_idle_timeout() {
    const IDLE: u64 = 6;
    let app = spawn_with(Backend::Sqlite, |s| {
        s.header_read_timeout_secs = 1;
        s.keep_alive_idle_secs = IDLE;
    })
    .await
    .expect("app");
    let addr = addr(&app);
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n");

    let mut stream = TcpStream::connect(&addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.unwrap();
    let (head, body) = read_response(&mut stream).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(body, "ok");
    // Idle for twice the header timeout: still open, and the next request is answered on it.
    sleep(Duration::from_secs(2)).await;
    stream.write_all(request.as_bytes()).await.unwrap();
    let (head, _) = read_response(&mut stream).await;
    assert!(head.starts_with("HTTP/1.1 200"), "kept alive: {head}");
    let idle_since = Instant::now();
    let rest = read_until_closed(&mut stream, Duration::from_secs(IDLE) + PROMPTLY).await;
    let waited = idle_since.elapsed();
    assert!(rest.is_empty(), "{:?}", String::from_utf8_lossy(&rest));
    assert!(
        waited >= Duration::from_secs(IDLE) - Duration::from_millis(500),
        "closed after {waited:?}, before the idle timeout of {IDLE} s"
    );

    // A second request begun on a kept-alive connection and stalled: the header timeout applies.
    let mut stream = TcpStream::connect(&addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.unwrap();
    read_response(&mut stream).await;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHo")
        .await
        .unwrap();
    let stalled_since = Instant::now();
    let rest = read_until_closed(&mut stream, Duration::from_secs(IDLE) + PROMPTLY).await;
    let waited = stalled_since.elapsed();
    assert!(rest.is_empty(), "{:?}", String::from_utf8_lossy(&rest));
    assert!(
        waited < Duration::from_secs(IDLE) - Duration::from_millis(1500),
        "a stalled request head is closed by the 1 s header timeout, not the idle one: {waited:?}"
    );
}

/// Sends `head` and then `body` on a new connection while reading the answer (the server may
/// answer before the body ends); returns the answer.
async fn post_raw(addr: &str, head: String, body: Vec<u8>) -> String {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let writer = tokio::spawn(async move {
        let _ = wr.write_all(head.as_bytes()).await;
        let _ = wr.write_all(&body).await;
    });
    let mut response = Vec::new();
    let _ = timeout(PROMPTLY, rd.read_to_end(&mut response))
        .await
        .expect("an answer in time");
    writer.abort();
    String::from_utf8_lossy(&response).into_owned()
}

/// A chunked form body with a chunk-size line that is not hexadecimal is a bad request (400),
/// not a body too large; a well-formed chunked body over the limit is still 413.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_chunked_body_is_400_and_oversized_is_413() {
    let app = spawn_with(Backend::Sqlite, |_| {}).await.expect("app");
    let addr = addr(&app);
    let (cookie, token) = crate::helpers::login_form(&app).await;
    let head = format!(
        "POST /masuk HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Transfer-Encoding: chunked\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    );

    let form = format!("_csrf={token}&username=admin&password=x");
    let malformed = format!("zz\r\n{form}\r\n0\r\n\r\n").into_bytes();
    let answer = post_raw(&addr, head.clone(), malformed).await;
    assert!(
        answer.starts_with("HTTP/1.1 400"),
        "{}",
        &answer[..answer.len().min(300)]
    );
    assert!(
        answer.contains("Permintaan tidak valid"),
        "an Indonesian page"
    );

    // Twice the form limit, in well-formed 64 KiB chunks.
    let mut oversized = Vec::new();
    let chunk = vec![b'x'; 64 * 1024];
    let first = format!("_csrf={token}&username=");
    oversized.extend_from_slice(format!("{:x}\r\n{first}\r\n", first.len()).as_bytes());
    for _ in 0..(2 * app.settings.body_limit_bytes / chunk.len()) {
        oversized.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        oversized.extend_from_slice(&chunk);
        oversized.extend_from_slice(b"\r\n");
    }
    oversized.extend_from_slice(b"0\r\n\r\n");
    let answer = post_raw(&addr, head, oversized).await;
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "{}",
        &answer[..answer.len().min(300)]
    );
    assert!(answer.contains("Data terlalu besar"), "an Indonesian page");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM login_failures").await, 0);
}

/// `karya serve` raises its soft open-file limit to the hard limit, logs both, and when even the
/// hard limit cannot hold `max_connections` it serves fewer, so that a full server still
/// answers 503 instead of failing to accept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_raises_the_open_file_limit_and_fits_the_cap_to_it() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let dir = tempfile::tempdir().unwrap();
    // Hard limit 300, soft 200: with room kept for the database, files and refusals
    // (64 + 8 + 128), 100 connections fit, far fewer than the default 1024.
    let mut child = tokio::process::Command::new("bash")
        .args([
            "-c",
            "ulimit -n 300 && ulimit -S -n 200 && exec \"$0\" \"$@\"",
            env!("CARGO_BIN_EXE_karya"),
            "--data-dir",
            &dir.path().display().to_string(),
            "serve",
            "--bind",
            "127.0.0.1:0",
        ])
        .env_remove("KARYA_DATABASE_URL")
        .env_remove("KARYA_MAX_CONNECTIONS")
        .env("KARYA_LOG", "info")
        .kill_on_drop(true)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = String::new();
    let mut addr = None;
    while let Ok(Ok(Some(line))) = timeout(PROMPTLY, lines.next_line()).await {
        log.push_str(&line);
        log.push('\n');
        if let Some(rest) = line.strip_prefix("Karya berjalan di ") {
            addr = Some(rest.trim().trim_start_matches("http://").to_owned());
            break;
        }
    }
    let addr = addr.unwrap_or_else(|| panic!("server did not start: {log}"));
    let limit_line = log
        .lines()
        .find(|l| l.contains("open-file limit"))
        .unwrap_or_else(|| panic!("the limits are logged: {log}"));
    assert!(
        limit_line.contains("before=200") && limit_line.contains("after=300"),
        "{limit_line}"
    );
    assert!(log.contains("serving at most 100 connections"), "{log}");

    // 100 clients that stall fill it; the next connection is answered 503.
    let mut slow = Vec::new();
    for _ in 0..100 {
        let mut stream = TcpStream::connect(&addr).await.expect("connect");
        stream.write_all(b"GET / HTTP/1.1\r\nHo").await.unwrap();
        slow.push(stream);
    }
    let deadline = Instant::now() + PROMPTLY;
    loop {
        let answer = fresh_request(&addr, "/healthz").await;
        if answer.starts_with("HTTP/1.1 503") {
            break;
        }
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(
            Instant::now() < deadline,
            "no 503 with 100 connections open"
        );
        sleep(Duration::from_millis(50)).await;
    }
    drop(slow);
    let _ = child.start_kill();
}
