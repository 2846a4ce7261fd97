#!/usr/bin/env bash
# benches/outcomes.sh — the outcomes dashboard and the year's report at national scale:
# 100,000 alumni and 1,000,000 orders (`karya generate scale`) on top of the demo district,
# on SQLite and on PostgreSQL.
#
# Usage:
#   benches/outcomes.sh                                  # builds target/release/karya first
#   CARGO_TARGET_DIR=/elsewhere benches/outcomes.sh      # a release build kept elsewhere
#   BACKENDS=sqlite benches/outcomes.sh                  # one backend only
#   ALUMNI=10000 ORDERS=100000 benches/outcomes.sh       # smaller
#
# What it does, per backend:
#   1. starts `karya serve --demo` on an empty database once (the register, the demo's tracer
#      answers), stops it, and times `karya generate scale` (batches, alumni, businesses,
#      orders through legal transitions, payments, reviews, tracer answers);
#   2. starts `karya serve` on that database and signs in as `kepala` (the agency head);
#   3. requests /admin/hasil (the whole district, this year) and the same filtered by a trade
#      and by gender REPEAT times each, sequentially, and prints the median and the worst
#      (time to the last byte, as curl sees it);
#   4. times `karya report outcomes --year YEAR --out FILE` for .pdf and .xlsx and prints sizes.
#
# Environment: PORT (default 18097), REPEAT (default 15), YEAR (default 2026),
# PG_URL (default postgres://postgres@127.0.0.1:5432/karya_outcomes_bench, dropped and made
# afresh), KEEP=1 keeps the work folder.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${PORT:-18097}"
REPEAT="${REPEAT:-15}"
YEAR="${YEAR:-2026}"
ALUMNI="${ALUMNI:-100000}"
ORDERS="${ORDERS:-1000000}"
BACKENDS="${BACKENDS:-sqlite postgres}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/karya_outcomes_bench}"
BASE="http://127.0.0.1:${PORT}"

for tool in cargo curl psql sort awk; do
    command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 2; }
done

WORK="$(mktemp -d /tmp/karya-outcomes.XXXXXX)"
SERVER_PID=""
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}
cleanup() {
    stop_server
    [ "${KEEP:-0}" = 1 ] && echo "kept: $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

echo "== release build"
(cd "$ROOT" && cargo build --release --bin karya 2>&1 | tail -1)
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/karya"

start_server() { # args: data dir, db url, extra flags
    env -u KARYA_DATABASE_URL "$BIN" --data-dir "$1" --database-url "$2" serve --bind "127.0.0.1:${PORT}" ${3:-} >"$1.log" 2>&1 &
    SERVER_PID=$!
    until curl -fs "$BASE/healthz" >/dev/null 2>&1; do
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$1.log"; exit 1; }
        sleep 0.1
    done
}

session() {
    local jar="$WORK/cookies-$1" csrf
    rm -f "$jar"
    csrf=$(curl -s -c "$jar" "$BASE/masuk" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
    curl -s -b "$jar" -c "$jar" -o /dev/null -X POST "$BASE/masuk" \
        --data-urlencode "_csrf=$csrf" --data-urlencode "username=$1" --data-urlencode "password=karya-demo"
    awk '(!/^#/ || /^#HttpOnly_/) && NF >= 7 {printf "%s=%s; ", $6, $7}' "$jar"
}

measure() { # args: label, path, cookie
    local times status
    status=$(curl -s -o "$WORK/page.html" -w '%{http_code}' -H "Cookie: $3" "$BASE$2")
    [ "$status" = 200 ] || { echo "$2 answers $status" >&2; exit 1; }
    times=$(for _ in $(seq 1 "$REPEAT"); do
        curl -s -o /dev/null -w '%{time_total}\n' -H "Cookie: $3" "$BASE$2"
    done | sort -n)
    printf "%-52s median %4.0f ms  worst %4.0f ms  (%s B)\n" "$1" \
        "$(echo "$times" | awk -v n="$REPEAT" 'NR == int((n + 1) / 2) {print $1 * 1000}')" \
        "$(echo "$times" | tail -1 | awk '{print $1 * 1000}')" \
        "$(wc -c <"$WORK/page.html")"
}

for backend in $BACKENDS; do
    echo "== $backend"
    data="$WORK/$backend"
    if [ "$backend" = postgres ]; then
        db_name="${PG_URL##*/}"
        admin_url="${PG_URL%/*}/postgres"
        psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db_name" -c "CREATE DATABASE $db_name" >/dev/null
        url="$PG_URL"
    else
        url="sqlite://$data/karya.db?mode=rwc"
    fi
    start_server "$data" "$url" --demo
    stop_server
    echo "-- generate ($ALUMNI alumni, $ORDERS orders)"
    /usr/bin/time -f "generate: %e s, max RSS %M KiB" \
        env -u KARYA_DATABASE_URL "$BIN" --data-dir "$data" --database-url "$url" \
        generate scale --alumni "$ALUMNI" --orders "$ORDERS" 2>&1 | grep -v "slow statement"
    start_server "$data" "$url"
    HEAD=$(session kepala)
    measure "/admin/hasil (district, $YEAR)" "/admin/hasil?tahun=$YEAR" "$HEAD"
    measure "/admin/hasil (all years)" "/admin/hasil" "$HEAD"
    measure "/admin/hasil (women only)" "/admin/hasil?tahun=$YEAR&gender=P" "$HEAD"
    echo "RSS of the server: $(( $(awk '/VmRSS/{print $2}' /proc/$SERVER_PID/status) / 1024 )) MiB"
    stop_server
    for ext in pdf xlsx; do
        /usr/bin/time -f "report .$ext: %e s, max RSS %M KiB" \
            env -u KARYA_DATABASE_URL "$BIN" --data-dir "$data" --database-url "$url" \
            report outcomes --year "$YEAR" --out "$WORK/report-$backend.$ext" >/dev/null
        echo "report .$ext: $(wc -c <"$WORK/report-$backend.$ext") B"
    done
done
