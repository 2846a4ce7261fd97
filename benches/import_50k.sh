#!/usr/bin/env bash
# benches/import_50k.sh — wall time and peak memory of `karya import alumni` on a generated
# 50,000-row alumni workbook (issue 3, "Measure and report": target under 15 s end to end).
#
# Usage:
#   benches/import_50k.sh
#   PG_URL=postgres://postgres@127.0.0.1:5432/test benches/import_50k.sh   # also on PostgreSQL
#
# What it does, in order:
#   1. builds the release binary: cargo build --release --bin karya, in
#      CARGO_TARGET_DIR=${TARGET:-/tmp/karya-bench-target} (incremental; not cleaned first);
#   2. generates the workbook with the KARYA_MEASURE-gated generator in src/import/measure.rs:
#        KARYA_MEASURE=1 KARYA_MEASURE_OUT=<work>/alumni-50k.xlsx \
#          cargo test --release --lib import::measure
#      (10 sheets 2017–2026 of 5,000 rows; title rows, four header variants, NIKs as text, the
#      demo register's trades, Tanjabtim kecamatan and desa as staff type them, ~1% bad rows);
#   3. seeds a fresh data folder with the demo district: starts
#        karya --data-dir <work>/data serve --demo --bind 127.0.0.1:0
#      until /healthz answers, then stops it (SIGTERM);
#   4. measures each with /usr/bin/time -v (wall clock, maximum resident set size):
#        a. karya --data-dir D import alumni FILE --dry-run
#        b. karya --data-dir D import alumni FILE                    (the real import)
#        c. karya --data-dir D import alumni FILE                    (again: everything "tetap")
#        d. karya --data-dir D import alumni FILE --dry-run --report R.xlsx   (report cost)
#      printing the summary line (dibuat=… diperbarui=… tetap=… ditolak=… peringatan=…) of each;
#   5. when PG_URL is set: the same 3–4 on PostgreSQL, in a fresh schema karya_bench_<random>
#      created with psql and passed as
#        --database-url "$PG_URL?options=-c%20search_path%3Dkarya_bench_<random>"
#      and dropped afterwards.
# A table of the results is printed at the end. `karya import alumni` exits 1 when any row was
# rejected; the generated file has rejected rows by design, so exit status 1 is expected for a–c.
#
# Environment:
#   TARGET     cargo target folder            (default /tmp/karya-bench-target)
#   ROWS       data rows to generate          (default 50000)
#   PG_URL     PostgreSQL URL; unset = SQLite only (needs psql)
#   KEEP=1     keep the work folder (workbook, data folders, logs, report)
#
# Notes:
#   - Runs from a temporary working folder with the caller's KARYA_* variables removed, so no
#     karya.toml or environment setting changes what is measured.
#   - Installs GNU time with apt-get when /usr/bin/time is missing (needs root or sudo).
#   - On a 2-core machine anything else running inflates the numbers; the load average is
#     printed before each step.

set -euo pipefail

case "${1:-}" in
    -h|--help) sed -n '2,44p' "$0"; exit 0 ;;
    "") ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${TARGET:-/tmp/karya-bench-target}"
ROWS="${ROWS:-50000}"
BIN="$CARGO_TARGET_DIR/release/karya"

command -v cargo >/dev/null || { echo "cargo is required" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is required" >&2; exit 2; }
if [ ! -x /usr/bin/time ]; then
    echo "== installing GNU time"
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get install -y time >/dev/null || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y time >/dev/null; }
fi
if [ -n "${PG_URL:-}" ]; then
    command -v psql >/dev/null || { echo "PG_URL is set but psql is missing" >&2; exit 2; }
fi

WORK="$(mktemp -d /tmp/karya-import-bench.XXXXXX)"
SERVER_PID=""
SCHEMA=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ -n "$SCHEMA" ]; then
        psql "$PG_URL" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then
        echo "kept: $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

# The caller's configuration must not leak into the measurement.
while IFS='=' read -r name _; do
    case "$name" in KARYA_*) unset "$name" ;; esac
done < <(env)

load() { echo "   (load average: $(cut -d' ' -f1-3 /proc/loadavg))"; }

echo "== 1. release build ($CARGO_TARGET_DIR)"
load
(cd "$ROOT" && cargo build --release --bin karya 2>&1 | tail -1)

echo "== 2. generating $ROWS rows"
load
FILE="$WORK/alumni-50k.xlsx"
(cd "$ROOT" && KARYA_MEASURE=1 KARYA_MEASURE_OUT="$FILE" KARYA_MEASURE_ROWS="$ROWS" \
    cargo test --release --lib import::measure -- --nocapture 2>&1 | grep -E '^measure:|test result') 
[ -s "$FILE" ] || { echo "the generator wrote nothing" >&2; exit 1; }
echo "   $(du -h "$FILE" | cut -f1) $FILE"

RESULTS=()

# seed DATA_DIR [--database-url URL]: start the server with --demo on port 0 until /healthz
# answers, then stop it.
seed() {
    local data="$1"; shift
    local log="$WORK/serve-$(basename "$data").log"
    mkdir -p "$data"
    (cd "$WORK" && exec "$BIN" --data-dir "$data" "$@" serve --demo --bind 127.0.0.1:0) 2>"$log" >/dev/null &
    SERVER_PID=$!
    local addr=""
    for _ in $(seq 1 1200); do
        addr="$(sed -n 's/^Karya berjalan di \(http:\/\/[^ ]*\).*/\1/p' "$log" | head -1)"
        if [ -n "$addr" ] && curl -fs -o /dev/null "$addr/healthz"; then
            break
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited:"; cat "$log"; exit 1; }
        sleep 0.1
        addr=""
    done
    [ -n "$addr" ] || { echo "server did not answer within 120 s"; cat "$log"; exit 1; }
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    echo "   seeded with the demo district ($addr/healthz answered)"
}

# measure LABEL DATA_DIR [karya args...]: one timed run.
measure() {
    local label="$1" data="$2"; shift 2
    local out="$WORK/$label.out" timing="$WORK/$label.time" rc=0
    load
    (cd "$WORK" && /usr/bin/time -v -o "$timing" "$BIN" --data-dir "$data" "$@") >"$out" 2>&1 || rc=$?
    local wall rss summary
    wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$timing")"
    rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$timing")"
    summary="$(tail -1 "$out")"
    printf '   %-22s wall %s  peak RSS %s MiB  exit %s\n   %-22s %s\n' \
        "$label" "$wall" "$((rss / 1024))" "$rc" "" "$summary"
    RESULTS+=("$(printf '%-22s | %9s | %8s MiB | %4s | %s' "$label" "$wall" "$((rss / 1024))" "$rc" "$summary")")
}

run_all() {
    local backend="$1" data="$2"; shift 2
    echo "== 3. [$backend] seeding a fresh data folder"
    seed "$data" "$@"
    echo "== 4. [$backend] importing"
    measure "$backend-a-dry-run" "$data" "$@" import alumni "$FILE" --dry-run
    measure "$backend-b-import" "$data" "$@" import alumni "$FILE"
    measure "$backend-c-again" "$data" "$@" import alumni "$FILE"
    measure "$backend-d-dry-run+report" "$data" "$@" import alumni "$FILE" --dry-run --report "$WORK/report-$backend.xlsx"
}

run_all sqlite "$WORK/data-sqlite"

if [ -n "${PG_URL:-}" ]; then
    SCHEMA="karya_bench_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
    psql "$PG_URL" -qc "CREATE SCHEMA $SCHEMA" >/dev/null
    case "$PG_URL" in *\?*) SEP='&' ;; *) SEP='?' ;; esac
    run_all postgres "$WORK/data-postgres" --database-url "${PG_URL}${SEP}options=-c%20search_path%3D${SCHEMA}"
fi

echo
echo "== results ($ROWS rows, $(nproc) cores)"
printf '%-22s | %9s | %12s | %4s | %s\n' "run" "wall" "peak RSS" "exit" "summary (last line of output)"
for r in "${RESULTS[@]}"; do echo "$r"; done
