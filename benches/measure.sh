#!/usr/bin/env bash
# benches/measure.sh — build time, binary size, start-up time, memory and throughput of Karya
# on SQLite, measured the same way every time.
#
# Usage:
#   benches/measure.sh [--no-clean]
#
# What it measures, in order:
#   a. clean release build time (`cargo build --release --bin karya`) in a separate target folder,
#      CARGO_TARGET_DIR=${TARGET:-/tmp/karya-bench-target}; the folder is deleted first unless
#      --no-clean is given (then the number is an incremental build, and is labelled so);
#   b. size of the release binary;
#   c. start-up time: from the exec of
#        karya serve --demo --data-dir <fresh temp dir> --bind 127.0.0.1:<port>
#      to the first HTTP 200 from /healthz (polled with curl every 10 ms), twice:
#        1. on an empty data folder (includes migrations, regions and seeding the demo district),
#        2. a second start on the data folder the first start left behind;
#   d. idle resident memory (VmRSS from /proc/PID/status) one second after each start;
#   e. home page throughput: wrk -t2 -c32 -d15s http://127.0.0.1:PORT/ and VmRSS afterwards;
#   f. /healthz throughput the same way, and VmRSS afterwards.
# A table of the results is printed at the end.
#
# Environment:
#   TARGET     target folder for the build        (default /tmp/karya-bench-target)
#   PORT       port the server listens on          (default 18088; must be free)
#   DURATION   wrk duration                        (default 15s)
#   KEEP=1     keep the temporary data folder and server logs
#
# Notes:
#   - Runs the server from a temporary working folder with KARYA_DATABASE_URL, KARYA_SESSION_KEY,
#     KARYA_DATA_KEY, KARYA_DEMO and KARYA_BIND unset, so no karya.toml or environment setting of
#     the caller changes what is measured. Logging is at the default level (info).
#   - wrk and the server share the machine; on a 2-core machine wrk's own threads take CPU from
#     the server, so the figures are a floor, not a ceiling.
#   - Start-up resolution is about 10-20 ms (poll interval plus the cost of starting curl).
#   - Installs wrk with apt-get when it is missing (needs root or sudo).

set -euo pipefail

CLEAN=1
for arg in "$@"; do
    case "$arg" in
        --no-clean) CLEAN=0 ;;
        -h|--help) sed -n '2,36p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
    esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${TARGET:-/tmp/karya-bench-target}"
PORT="${PORT:-18088}"
DURATION="${DURATION:-15s}"
BASE="http://127.0.0.1:${PORT}"

for tool in cargo curl; do
    command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 2; }
done

if ! command -v wrk >/dev/null; then
    echo "== installing wrk"
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get install -y wrk >/dev/null || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y wrk >/dev/null; }
fi

if curl -s -o /dev/null --max-time 1 "${BASE}/" ; then
    echo "port ${PORT} is already in use; set PORT=..." >&2
    exit 2
fi

WORK="$(mktemp -d /tmp/karya-bench.XXXXXX)"
SERVER_PID=""

cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then
        echo "kept: $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
mib() { awk -v kb="$1" 'BEGIN { printf "%.1f MiB", kb / 1024 }'; }

echo "== Karya measurements, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit:  $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || echo ' (with uncommitted changes)')"
echo "rustc:   $(rustc --version)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
echo "wrk:     $(wrk -v 2>&1 | head -n1)"
echo "load average before build: $(loadavg)"

# ---- (a) build -----------------------------------------------------------------------------
if [ "$CLEAN" = 1 ]; then
    echo "== (a) clean release build into $TARGET (removed first)"
    rm -rf "$TARGET"
    BUILD_KIND="clean"
else
    echo "== (a) release build into $TARGET (--no-clean: incremental)"
    BUILD_KIND="incremental"
fi
t0=$(now_ns)
( cd "$ROOT" && CARGO_TARGET_DIR="$TARGET" cargo build --release --bin karya )
BUILD_S=$(awk -v ns="$(( $(now_ns) - t0 ))" 'BEGIN { printf "%.0f", ns / 1e9 }')
echo "build: ${BUILD_S} s (${BUILD_KIND}); load average after build: $(loadavg)"

BIN="$TARGET/release/karya"
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }

# ---- (b) binary size -----------------------------------------------------------------------
SIZE_B=$(stat -c %s "$BIN")
SIZE_MIB=$(awk -v b="$SIZE_B" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "== (b) binary: $BIN, $SIZE_B bytes ($SIZE_MIB MiB)"

# ---- (c, d) start-up and idle memory -------------------------------------------------------
DATA="$WORK/data"
mkdir -p "$WORK/cwd"

# Starts the server on $DATA, sets SERVER_PID and STARTUP_MS; logs to $WORK/server-$1.log.
start_server() {
    local label="$1" t0 code=""
    local log="$WORK/server-$label.log"
    t0=$(now_ns)
    ( cd "$WORK/cwd" && exec env -u KARYA_DATABASE_URL -u KARYA_SESSION_KEY -u KARYA_DATA_KEY \
        -u KARYA_DEMO -u KARYA_BIND -u KARYA_DATA_DIR -u KARYA_LOG -u KARYA_LOG_FORMAT \
        "$BIN" serve --demo --data-dir "$DATA" --bind "127.0.0.1:$PORT" >"$log" 2>&1 ) &
    SERVER_PID=$!
    while :; do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$BASE/healthz" || true)
        [ "$code" = 200 ] && break
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "server exited during start-up; log:" >&2
            cat "$log" >&2
            exit 1
        fi
        if [ $(( ($(now_ns) - t0) / 1000000000 )) -ge 300 ]; then
            echo "no 200 from /healthz after 300 s; log:" >&2
            cat "$log" >&2
            exit 1
        fi
        sleep 0.01
    done
    STARTUP_MS=$(ms_since "$t0")
}

stop_server() {
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

echo "== (c) start-up, empty data folder (migrations + regions + demo seed); load average: $(loadavg)"
start_server first
FIRST_MS=$STARTUP_MS
sleep 1
FIRST_RSS=$(rss_kb "$SERVER_PID")
# The log may carry ANSI colour codes; strip them before looking for the seeding time.
SEED_MS=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/server-first.log" | grep -o 'elapsed_ms=[0-9]*' | head -n1 | cut -d= -f2 || true)
echo "first start: ${FIRST_MS} ms to first 200 on /healthz (demo seeding itself: ${SEED_MS:-?} ms, from the log)"
echo "== (d) idle RSS after first start: $(mib "$FIRST_RSS")"
stop_server
DATA_SIZE=$(du -sh "$DATA" | cut -f1)
echo "data folder after seeding: $DATA_SIZE ($(ls "$DATA" | tr '\n' ' '))"

echo "== (c) start-up, existing data folder; load average: $(loadavg)"
start_server second
SECOND_MS=$STARTUP_MS
sleep 1
IDLE_RSS=$(rss_kb "$SERVER_PID")
echo "second start: ${SECOND_MS} ms to first 200 on /healthz"
echo "== (d) idle RSS after second start: $(mib "$IDLE_RSS")"

# ---- (e, f) throughput ---------------------------------------------------------------------
# Runs wrk against $1; sets RPS, LAT, ERRS; prints wrk's own output.
load() {
    local url="$1" out
    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' "$url")
    [ "$status" = 200 ] || { echo "$url answered $status, not 200" >&2; exit 1; }
    out=$(wrk -t2 -c32 -d"$DURATION" "$url")
    echo "$out"
    RPS=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
    LAT=$(awk '$1 == "Latency" {print $2; exit}' <<<"$out")
    ERRS=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
    ERRS=${ERRS:-0}
    if grep -q 'Socket errors' <<<"$out"; then ERRS="$ERRS; $(grep 'Socket errors' <<<"$out" | sed 's/^ *//')"; fi
}

echo "== (e) home page: wrk -t2 -c32 -d$DURATION $BASE/ ; load average: $(loadavg)"
load "$BASE/"
HOME_RPS=$RPS; HOME_LAT=$LAT; HOME_ERRS=$ERRS
HOME_RSS=$(rss_kb "$SERVER_PID")
echo "RSS after home page load: $(mib "$HOME_RSS")"

echo "== (f) /healthz: wrk -t2 -c32 -d$DURATION $BASE/healthz ; load average: $(loadavg)"
load "$BASE/healthz"
HEALTH_RPS=$RPS; HEALTH_LAT=$LAT; HEALTH_ERRS=$ERRS
HEALTH_RSS=$(rss_kb "$SERVER_PID")
PEAK_RSS=$(hwm_kb "$SERVER_PID")
echo "RSS after /healthz load: $(mib "$HEALTH_RSS") (peak VmHWM $(mib "$PEAK_RSS"))"
stop_server

# ---- table ---------------------------------------------------------------------------------
echo
echo "== Results (SQLite, $(nproc) cores; load average now $(loadavg))"
printf '%-44s %s\n' "measure" "value"
printf '%-44s %s\n' "--------------------------------------------" "------------------------------"
printf '%-44s %s\n' "release build ($BUILD_KIND)" "${BUILD_S} s"
printf '%-44s %s\n' "binary size (stripped)" "${SIZE_MIB} MiB (${SIZE_B} bytes)"
printf '%-44s %s\n' "start-up, empty data folder (with demo seed)" "${FIRST_MS} ms (seeding ${SEED_MS:-?} ms of it)"
printf '%-44s %s\n' "start-up, existing data folder" "${SECOND_MS} ms"
printf '%-44s %s\n' "idle RSS after first start" "$(mib "$FIRST_RSS")"
printf '%-44s %s\n' "idle RSS after second start" "$(mib "$IDLE_RSS")"
printf '%-44s %s\n' "home page /, req/s (wrk -t2 -c32 -d$DURATION)" "${HOME_RPS} (avg latency ${HOME_LAT}, errors ${HOME_ERRS})"
printf '%-44s %s\n' "RSS after home page load" "$(mib "$HOME_RSS")"
printf '%-44s %s\n' "/healthz, req/s (wrk -t2 -c32 -d$DURATION)" "${HEALTH_RPS} (avg latency ${HEALTH_LAT}, errors ${HEALTH_ERRS})"
printf '%-44s %s\n' "RSS after /healthz load" "$(mib "$HEALTH_RSS") (peak $(mib "$PEAK_RSS"))"
printf '%-44s %s\n' "data folder after demo seed" "$DATA_SIZE"
