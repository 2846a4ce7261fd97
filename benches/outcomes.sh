#!/usr/bin/env bash
# benches/outcomes.sh — the outcomes dashboard and report at district scale: 100,000 alumni,
# about 110,000 participations, 30,000 businesses, 1,000,000 orders (600,000 confirmed
# payments), 188,000 tracer invitations with 103,000 answers.
#
# Usage:
#   benches/outcomes.sh                       # SQLite in a temporary folder
#   BACKEND=postgres PG=postgres://postgres@127.0.0.1:5432 benches/outcomes.sh
#   ALUMNI=10000 ORDERS=100000 benches/outcomes.sh      # a smaller district
#
# What it does (the test-gated generator and measurement in src/db/outcomes_scale.rs):
#   1. builds the library tests in release (`cargo test --release --lib --no-run`);
#   2. generates the district with bulk multi-row INSERTs, a transaction per 1,000 rows
#      (`KARYA_MEASURE_OUTCOMES_URL`, `KARYA_MEASURE_ALUMNI`, `KARYA_MEASURE_ORDERS`); on a
#      database that already holds alumni it skips generation and only measures;
#   3. times `app::outcomes::build` with a breakdown by trade plus the page's tables and charts
#      (what `/admin/hasil` renders), median of 5, with no filter and for the year 2025;
#   4. times the year's report as PDF and as XLSX (`app::outcomes::report_pdf`, `report_xlsx`);
#   5. writes the two big queries with "all" bound to $WORK/groups.sql and $WORK/waves.sql,
#      to time them alone in sqlite3 or psql.
# Targets (issue 14): dashboard < 300 ms on SQLite and PostgreSQL; the year's report < 5 s.
#
# Environment: BACKEND (sqlite|postgres), PG (server URL without a database), ALUMNI, ORDERS,
# KEEP=1 keeps the work folder (and the PostgreSQL database karya_outcomes_bench).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BACKEND="${BACKEND:-sqlite}"
WORK="$(mktemp -d /tmp/karya-outcomes.XXXXXX)"
cleanup() {
    if [ "${KEEP:-0}" = 1 ]; then
        echo "kept: $WORK"
    else
        rm -rf "$WORK"
        if [ "$BACKEND" = postgres ]; then
            psql "${PG}/postgres" -qc "DROP DATABASE IF EXISTS karya_outcomes_bench" || true
        fi
    fi
}
trap cleanup EXIT

case "$BACKEND" in
    sqlite) URL="sqlite://$WORK/karya.db?mode=rwc" ;;
    postgres)
        : "${PG:?set PG=postgres://user@host:port}"
        psql "${PG}/postgres" -qc "DROP DATABASE IF EXISTS karya_outcomes_bench"
        psql "${PG}/postgres" -qc "CREATE DATABASE karya_outcomes_bench"
        URL="${PG}/karya_outcomes_bench"
        ;;
    *) echo "BACKEND is sqlite or postgres" >&2; exit 2 ;;
esac

echo "== 1. release build of the library tests"
(cd "$ROOT" && cargo test --release --lib --no-run 2>&1 | tail -1)

echo "== 2–5. generate ($BACKEND) and measure"
(cd "$ROOT" && \
    KARYA_MEASURE_OUTCOMES_URL="$URL" \
    KARYA_MEASURE_ALUMNI="${ALUMNI:-100000}" \
    KARYA_MEASURE_ORDERS="${ORDERS:-1000000}" \
    KARYA_MEASURE_PRINT_SQL="$WORK" \
    cargo test --release --lib db::outcomes_scale -- --nocapture 2>&1 | grep -E '^measure:|test result|panicked')
