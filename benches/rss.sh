#!/usr/bin/env bash
# benches/rss.sh — resident memory of Karya idle, right after a burst of requests, and after
# a rest, on SQLite with the demo district.
#
# Usage:
#   benches/rss.sh [--no-build]
#
# What it does, in order:
#   1. builds the release binary (`cargo build --release --bin karya`) in
#      CARGO_TARGET_DIR=${TARGET:-/tmp/karya-bench-target}, unless --no-build is given (then the
#      binary already there is used; BIN=path overrides it altogether);
#   2. starts `karya serve --demo --data-dir <fresh temp dir> --bind 127.0.0.1:<port>` and waits
#      for the first 200 from /healthz (demo seeding included);
#   3. lets it rest SETTLE seconds and records VmRSS from /proc/PID/status: "idle";
#   4. load: REQUESTS GET requests, CONCURRENCY at a time, with `curl --parallel` (one curl
#      process; it reuses connections), spread round-robin over /healthz, /, /katalog, two
#      catalog searches, and the first listing and store pages of the demo (every path is checked
#      for a 200 first; one that does not answer 200 stops the script);
#   5. records VmRSS right after the last answer: "after load" (and VmHWM, the peak);
#   6. waits REST seconds and records VmRSS again: "after rest";
#   7. prints the three numbers, with the answers' status counts and the load's duration.
#
# Environment:
#   TARGET       target folder for the build            (default /tmp/karya-bench-target)
#   BIN          binary to run instead of $TARGET/release/karya
#   PORT         port the server listens on              (default 18092; must be free)
#   REQUESTS     number of requests in the load          (default 6000)
#   CONCURRENCY  requests in flight at once              (default 50)
#   SETTLE       seconds of rest before "idle"           (default 5)
#   REST         seconds of rest before "after rest"     (default 30)
#   KEEP=1       keep the temporary data folder and the server log
#
# Notes:
#   - Runs the server from a temporary working folder with the caller's KARYA_* database, key,
#     bind, demo and log variables removed, so no karya.toml or environment changes the result.
#   - curl and the server share the machine; the load's duration is not a throughput figure
#     (use measure.sh or catalog.sh for those), only the memory numbers are the point here.
#   - RSS after a burst usually stays above idle: the allocator keeps freed memory for reuse.
#     What matters is that "after rest" does not keep growing from one burst to the next.

set -euo pipefail

BUILD=1
for arg in "$@"; do
    case "$arg" in
        --no-build) BUILD=0 ;;
        -h|--help) sed -n '2,40p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
    esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${TARGET:-/tmp/karya-bench-target}"
BIN="${BIN:-$TARGET/release/karya}"
PORT="${PORT:-18092}"
REQUESTS="${REQUESTS:-6000}"
CONCURRENCY="${CONCURRENCY:-50}"
SETTLE="${SETTLE:-5}"
REST="${REST:-30}"
BASE="http://127.0.0.1:${PORT}"

command -v curl >/dev/null || { echo "curl is required" >&2; exit 2; }
curl --help all 2>/dev/null | grep -q -- '--parallel-max' \
    || { echo "curl with --parallel (7.66 or later) is required" >&2; exit 2; }

if curl -s -o /dev/null --max-time 1 "${BASE}/"; then
    echo "port ${PORT} is already in use; set PORT=..." >&2
    exit 2
fi

if [ "$BUILD" = 1 ]; then
    echo "== release build into $TARGET"
    ( cd "$ROOT" && CARGO_TARGET_DIR="$TARGET" cargo build --release --bin karya )
fi
[ -x "$BIN" ] || { echo "no binary at $BIN (build it, or set BIN=...)" >&2; exit 1; }

WORK="$(mktemp -d /tmp/karya-rss.XXXXXX)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status"; }
mib() { awk -v kb="$1" 'BEGIN { printf "%.1f MiB", kb / 1024 }'; }
now_ns() { date +%s%N; }

echo "== Karya RSS, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit:  $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || echo ' (with uncommitted changes)')"
echo "binary:  $BIN"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM; load average $(cut -d' ' -f1-3 /proc/loadavg)"

mkdir -p "$WORK/cwd"
( cd "$WORK/cwd" && exec env -u KARYA_DATABASE_URL -u KARYA_SESSION_KEY -u KARYA_DATA_KEY \
    -u KARYA_DEMO -u KARYA_BIND -u KARYA_DATA_DIR -u KARYA_LOG -u KARYA_LOG_FORMAT \
    "$BIN" serve --demo --data-dir "$WORK/data" --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 ) &
SERVER_PID=$!
t0=$(now_ns)
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$BASE/healthz" || true)" = 200 ]; do
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited; log:" >&2; cat "$WORK/server.log" >&2; exit 1; }
    [ $(( ($(now_ns) - t0) / 1000000000 )) -lt 300 ] || { echo "no 200 from /healthz after 300 s" >&2; exit 1; }
    sleep 0.05
done
echo "server up (pid $SERVER_PID) after $(( ($(now_ns) - t0) / 1000000 )) ms"

PATHS=(/healthz / /katalog "/katalog?q=kue" "/katalog?q=servis" /katalog/1 /katalog/2 /toko/1)
for path in "${PATHS[@]}"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path")
    [ "$code" = 200 ] || { echo "$path answered $code, not 200" >&2; exit 1; }
done

sleep "$SETTLE"
IDLE=$(rss_kb)
echo "== idle (after ${SETTLE} s): $(mib "$IDLE")"

# One curl config with a url/output pair per request.
CONFIG="$WORK/load.curl"
: >"$CONFIG"
for ((i = 0; i < REQUESTS; i++)); do
    printf 'url = "%s%s"\noutput = "/dev/null"\n' "$BASE" "${PATHS[i % ${#PATHS[@]}]}" >>"$CONFIG"
done
echo "== load: $REQUESTS requests, $CONCURRENCY at a time, over ${PATHS[*]}"
t0=$(now_ns)
curl -s --parallel --parallel-max "$CONCURRENCY" --config "$CONFIG" -w '%{http_code}\n' \
    >"$WORK/codes.txt" 2>"$WORK/curl.err" || true
LOAD_MS=$(( ($(now_ns) - t0) / 1000000 ))
AFTER=$(rss_kb)
PEAK=$(hwm_kb)
CODES=$(sort "$WORK/codes.txt" | uniq -c | awk '{printf "%s%s×%s", sep, $2, $1; sep=", "}')
echo "answers: $CODES in ${LOAD_MS} ms"
echo "== after load: $(mib "$AFTER") (peak VmHWM $(mib "$PEAK"))"

sleep "$REST"
RESTED=$(rss_kb)
echo "== after ${REST} s rest: $(mib "$RESTED")"

echo
echo "== Results (SQLite, demo district, $(nproc) cores)"
printf '%-36s %s\n' "measure" "VmRSS"
printf '%-36s %s\n' "------------------------------------" "--------------------"
printf '%-36s %s\n' "idle (${SETTLE} s after start-up)" "$(mib "$IDLE")"
printf '%-36s %s\n' "right after ${REQUESTS} requests (c=${CONCURRENCY})" "$(mib "$AFTER") (peak $(mib "$PEAK"))"
printf '%-36s %s\n' "after ${REST} s rest" "$(mib "$RESTED")"
printf '%-36s %s\n' "answers" "$CODES"
