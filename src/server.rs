//! Serving HTTP/1.1 connections: the accept loop with a cap on open connections, the
//! header-read and idle keep-alive timeouts, and graceful shutdown. `startup` builds the router
//! and hands it here; this module knows nothing of pages.
//!
//! A connection is always in one of three phases, and each has its own clock:
//! - `Head`: waiting for a request's line and headers, from the connection's opening or from the
//!   first byte of a later request; closed after `header_read_timeout_secs`;
//! - `Busy`: a request is being answered; `request_timeout_secs` (a router layer) bounds it;
//! - `Idle`: between requests on a kept-alive connection; closed after `keep_alive_idle_secs`.
//!
//! hyper's own `header_read_timeout` is not used: it starts as soon as hyper waits for a request
//! head, so on a kept-alive connection it counts the idle time between requests too, and would
//! close every idle connection after the (short) header timeout.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore, watch};
use tokio::time::Instant;
use tower::ServiceExt;

use crate::config::Settings;

/// Connections over the cap that are answered 503 at the same time (each holds a descriptor). Past this many, the answer
/// is written at once without waiting for the request, and the connection closed.
const REFUSERS: usize = 64;
/// How long a refused connection may take to send its request head, and then to close.
const REFUSAL_READ: Duration = Duration::from_secs(1);
/// The most time one refusal takes, start to end.
const REFUSAL_TIME: Duration = Duration::from_secs(3);
/// `Retry-After` of the 503 answer, in seconds.
const RETRY_AFTER_SECS: u64 = 5;
/// How often, at most, the log says that connections are being refused.
const REFUSAL_LOG_EVERY: Duration = Duration::from_secs(10);
/// File descriptors the process needs besides client connections: the database pool, SQLite's
/// files, the listener, logs, uploads being read.
const OTHER_FILES: u64 = 128;

/// What the accept loop enforces, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    pub header_read: Duration,
    pub keep_alive_idle: Duration,
    /// The longest wait at shutdown for open connections to finish their requests.
    pub drain: Duration,
}

impl Limits {
    pub fn from_settings(s: &Settings) -> Limits {
        Limits {
            max_connections: s.max_connections,
            header_read: Duration::from_secs(s.header_read_timeout_secs),
            keep_alive_idle: Duration::from_secs(s.keep_alive_idle_secs),
            drain: Duration::from_secs(s.request_timeout_secs.saturating_add(5)),
        }
    }
}

/// Raises the soft limit on open files to the hard limit (every connection takes a file
/// descriptor) and logs both; when even the hard limit cannot hold `max_connections` beside the
/// process's other files, lowers `max_connections` to what fits and says so, so that a full
/// server answers 503 rather than failing to accept.
#[cfg(unix)]
pub fn raise_open_file_limit(settings: &mut Settings) {
    let before = rlimit::getrlimit(rlimit::Resource::NOFILE);
    let (soft, hard, now) = match (before, rlimit::increase_nofile_limit(u64::MAX)) {
        (Ok((soft, hard)), Ok(now)) => (soft, hard, now),
        (_, Err(e)) | (Err(e), _) => {
            tracing::warn!(error = %e, "the open-file limit could not be read or raised");
            return;
        }
    };
    tracing::info!(before = soft, after = now, hard, "open-file limit");
    let reserve = (REFUSERS as u64)
        .saturating_add(u64::from(settings.db_max_connections))
        .saturating_add(OTHER_FILES);
    let fits = usize::try_from(now.saturating_sub(reserve).max(1)).unwrap_or(usize::MAX);
    if settings.max_connections > fits {
        tracing::warn!(
            limit = now,
            max_connections = settings.max_connections,
            serving = fits,
            "the open-file limit is too low for max_connections; serving at most {fits} \
             connections (raise the limit: LimitNOFILE= in a systemd unit, ulimit -n)"
        );
        settings.max_connections = fits;
    }
}

#[cfg(not(unix))]
pub fn raise_open_file_limit(_settings: &mut Settings) {}

/// Serves `router` on `listener` until `shutdown` resolves; then stops accepting, lets the
/// requests in flight finish (at most `limits.drain`), and returns.
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let refusers = Arc::new(Semaphore::new(REFUSERS));
    let busy: Arc<[u8]> = busy_response().into();
    let (stop, stopping) = watch::channel(false);
    let refused = Arc::new(AtomicU64::new(0));
    let reporter = tokio::spawn(report_refusals(refused.clone(), limits.max_connections));
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        match slots.clone().try_acquire_owned() {
            Ok(permit) => {
                tokio::spawn(connection(
                    stream,
                    peer,
                    router.clone(),
                    limits,
                    permit,
                    stopping.clone(),
                ));
            }
            Err(_) => {
                refuse(stream, &refusers, busy.clone());
                refused.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    drop(listener);
    reporter.abort();
    let open = limits.max_connections - slots.available_permits();
    tracing::info!(
        open,
        "no longer accepting connections; finishing the open ones"
    );
    let _ = stop.send(true);
    // Every slot back means every connection closed.
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(limits.drain, slots.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(
            open = limits.max_connections - slots.available_permits(),
            "shutdown wait over; connections still open are abandoned"
        );
    }
}

/// Says every `REFUSAL_LOG_EVERY` how many connections were answered 503 since the last time,
/// if any: one line, however many.
async fn report_refusals(refused: Arc<AtomicU64>, max_connections: usize) {
    let mut tick = tokio::time::interval(REFUSAL_LOG_EVERY);
    loop {
        tick.tick().await;
        let count = refused.swap(0, Ordering::Relaxed);
        if count > 0 {
            tracing::warn!(
                max_connections,
                refused = count,
                seconds = REFUSAL_LOG_EVERY.as_secs(),
                "connection limit reached: connections answered 503"
            );
        }
    }
}

/// An accept error: the peer gave up (nothing to do), or the process is out of file descriptors
/// or memory, when waiting a moment lets connections close.
async fn accept_error(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accept error");
    tokio::time::sleep(Duration::from_millis(250)).await;
}

/// One connection: HTTP/1.1 with keep-alive, its phase clocks, and the shutdown signal.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: axum::Router,
    limits: Limits,
    _slot: tokio::sync::OwnedSemaphorePermit,
    mut stopping: watch::Receiver<bool>,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched {
        inner: stream,
        activity: activity.clone(),
    });
    let service = {
        let activity = activity.clone();
        hyper::service::service_fn(move |mut req: Request<Incoming>| {
            activity.set(Phase::Busy);
            // What `into_make_service_with_connect_info` did: handlers read the peer from here.
            req.extensions_mut().insert(ConnectInfo(peer));
            let response = router.clone().oneshot(req);
            let done = Done(activity.clone());
            async move {
                let response = response.await?;
                Ok::<_, Infallible>(response.map(|body| Tracked { body, _done: done }))
            }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.keep_alive(true).header_read_timeout(None);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    let mut shutting_down = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
                break;
            }
            phase = activity.expired(limits) => {
                tracing::debug!(%peer, ?phase, "connection closed: its time ran out");
                break;
            }
            _ = stopping.changed(), if !shutting_down => {
                // Finishes the request in flight, if any, then closes.
                shutting_down = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Head,
    Busy,
    Idle,
}

/// A connection's phase and when it began; the clocks read it, the socket and the service
/// move it on.
struct Activity {
    state: Mutex<(Phase, Instant)>,
    changed: Notify,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            state: Mutex::new((Phase::Head, Instant::now())),
            changed: Notify::new(),
        }
    }

    fn get(&self) -> (Phase, Instant) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set(&self, phase: Phase) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = (phase, Instant::now());
        self.changed.notify_one();
    }

    /// Bytes arrived: on an idle connection, that is the start of the next request's head.
    fn bytes_arrived(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.0 == Phase::Idle {
            *state = (Phase::Head, Instant::now());
            drop(state);
            self.changed.notify_one();
        }
    }

    /// Resolves when the current phase has lasted longer than its limit, with that phase.
    async fn expired(&self, limits: Limits) -> Phase {
        loop {
            let changed = self.changed.notified();
            let (phase, since) = self.get();
            let limit = match phase {
                Phase::Head => limits.header_read,
                Phase::Idle => limits.keep_alive_idle,
                Phase::Busy => {
                    changed.await;
                    continue;
                }
            };
            tokio::select! {
                () = tokio::time::sleep_until(since + limit) => {
                    if self.get() == (phase, since) {
                        return phase;
                    }
                }
                () = changed => {}
            }
        }
    }
}

/// The socket, telling the connection's clocks when bytes arrive.
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(poll, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.bytes_arrived();
        }
        poll
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Marks the connection idle when dropped: hyper drops a response body once it has written it.
struct Done(Arc<Activity>);

impl Drop for Done {
    fn drop(&mut self) {
        self.0.set(Phase::Idle);
    }
}

/// A response body that marks its connection idle when it is done.
struct Tracked {
    body: Body,
    _done: Done,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The whole answer to a connection over the cap.
fn busy_response() -> Vec<u8> {
    let body = "Server sedang penuh. Silakan coba lagi beberapa saat lagi.\n";
    format!(
        "HTTP/1.1 503 Service Unavailable\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\n\
         Retry-After: {RETRY_AFTER_SECS}\r\n\
         Cache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\n\
         Connection: close\r\n\
         \r\n\
         {body}",
        body.len()
    )
    .into_bytes()
}

/// Answers a connection over the cap with 503 and closes it, never leaving it unaccepted.
fn refuse(stream: TcpStream, refusers: &Arc<Semaphore>, busy: Arc<[u8]>) {
    match refusers.clone().try_acquire_owned() {
        Ok(permit) => {
            tokio::spawn(async move {
                let _permit = permit;
                let _ = tokio::time::timeout(REFUSAL_TIME, answer_busy(stream, &busy)).await;
            });
        }
        Err(_) => {
            // Too many refusals at once: no waiting. Take what the client has already sent (so
            // that closing does not reset the connection under the answer), write the answer
            // (a fresh socket's buffer takes it all) and close. The socket is non-blocking.
            if let Ok(stream) = stream.into_std() {
                let mut buf = [0u8; 4096];
                for _ in 0..4 {
                    match io::Read::read(&mut &stream, &mut buf) {
                        Ok(n) if n > 0 => {}
                        _ => break,
                    }
                }
                let _ = io::Write::write(&mut &stream, &busy);
                let _ = stream.shutdown(std::net::Shutdown::Write);
            }
        }
    }
}

/// Reads the request head (what arrives within a second), answers 503, and waits briefly for
/// the client to close: the answer comes after the request, and closing with the request
/// unread would reset the connection and lose the answer.
async fn answer_busy(mut stream: TcpStream, busy: &[u8]) -> io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(REFUSAL_READ, async {
        while head.len() < 16 * 1024 {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
            if head.windows(4).any(|w| w == b"\r\n\r\n") {
                break;
            }
        }
        Ok::<_, io::Error>(())
    })
    .await;
    stream.write_all(busy).await?;
    stream.shutdown().await?;
    let _ = tokio::time::timeout(REFUSAL_READ, async {
        while stream.read(&mut buf).await? > 0 {}
        Ok::<_, io::Error>(())
    })
    .await;
    Ok(())
}
