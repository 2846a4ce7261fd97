#!/usr/bin/env bash
# benches/catalog.sh — catalog search under load, with a generated catalog of 10,000 businesses
# and 100,000 listings, against the same page served as a static file by nginx.
#
# Usage:
#   benches/catalog.sh                      # SQLite
#   PG_URL=postgres://postgres@127.0.0.1:5432/catalog benches/catalog.sh   # PostgreSQL (the
#                                             database is dropped and created again)
#
# What it does:
#   1. builds the release binary (`cargo build --release --bin karya`);
#   2. generates the catalog with the test-gated generator in src/search/generate.rs:
#        KARYA_MEASURE_CATALOG_URL=<db url> cargo test --release --lib search::generate
#      (7 trades, 10 listings per business with titles from a vocabulary per trade, spread
#      over the 11 kecamatan, a real JPEG thumbnail per listing, reviews for a third);
#   3. starts `karya serve` on that database (no demo seeding) and waits for /healthz;
#   4. bytes: /katalog?q=kue as HTML (uncompressed and gzip), and the thumbnails that page
#      references (all 20, and the first 5 a 360 px phone shows before scrolling; the rest are
#      loading="lazy");
#   5. wrk -t2 -c64 -d${DURATION} --latency on
#        a. /katalog?q=kue
#        b. /katalog?q=servis+ac&kecamatan=15.07.02&hanya=1   (kecamatan-filtered)
#        c. /api/v1/listings?q=kue
#        d. the page of (a) saved to a file and served by nginx (temporary config, port+1)
#   6. prints requests/s, p50 and p99 for each, and the ratio to nginx.
#
# Environment: PORT (default 18090), DURATION (default 20s), KEEP=1 keeps the work folder.
# wrk, nginx and the server share the machine; on a small machine the figures are a floor.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${PORT:-18090}"
NGINX_PORT=$((PORT + 1))
DURATION="${DURATION:-20s}"
BASE="http://127.0.0.1:${PORT}"

for tool in cargo curl wrk nginx; do
    command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install -y wrk nginx)" >&2; exit 2; }
done

WORK="$(mktemp -d /tmp/karya-catalog.XXXXXX)"
chmod 755 "$WORK"   # nginx workers run as an unprivileged user
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    [ -f "$WORK/nginx.pid" ] && kill -QUIT "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
    [ "${KEEP:-0}" = 1 ] && echo "kept: $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

echo "== 1. release build"
(cd "$ROOT" && cargo build --release --bin karya 2>&1 | tail -1)
BIN="$ROOT/target/release/karya"

if [ -n "${PG_URL:-}" ]; then
    DB_URL="$PG_URL"
    admin="${PG_URL%/*}/postgres"
    name="${PG_URL##*/}"
    psql "$admin" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
    LABEL=postgres
else
    DB_URL="sqlite://$WORK/karya.db?mode=rwc"
    LABEL=sqlite
fi

echo "== 2. generating the catalog ($LABEL)"
(cd "$ROOT" && KARYA_MEASURE_CATALOG_URL="$DB_URL" cargo test --release --lib search::generate -- --nocapture 2>&1 | grep -E '^measure:|test result')

echo "== 3. server"
mkdir -p "$WORK/data"
(cd "$WORK" && exec env -u KARYA_DEMO -u KARYA_BIND RUST_LOG=warn "$BIN" --data-dir "$WORK/data" --database-url "$DB_URL" serve --bind "127.0.0.1:$PORT") >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
start=$(date +%s.%N)
for _ in $(seq 1 600); do
    curl -fs -o /dev/null "$BASE/healthz" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log"; exit 1; }
    sleep 0.1
done
printf '   ready after %.1f s (index loaded at start-up); RSS %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$(grep VmRSS /proc/$SERVER_PID/status | awk '{print $2 " " $3}')"

echo "== 4. bytes for /katalog?q=kue"
curl -fs "$BASE/katalog?q=kue" -o "$WORK/kue.html"
html=$(stat -c %s "$WORK/kue.html")
gz=$(curl -fs -H 'Accept-Encoding: gzip' "$BASE/katalog?q=kue" | wc -c)
thumbs=0; first5=0; n=0
for src in $(grep -o '/foto/[0-9]*/kecil.jpg' "$WORK/kue.html"); do
    size=$(curl -fs "$BASE$src" | wc -c || echo 0)
    thumbs=$((thumbs + size)); n=$((n + 1))
    [ "$n" -le 5 ] && first5=$((first5 + size))
done
echo "   HTML ${html} B (gzip ${gz} B); ${n} thumbnails ${thumbs} B; HTML + first 5 thumbnails $((html + first5)) B (gzip HTML + 5: $((gz + first5)) B); HTML + all ${n}: $((html + thumbs)) B"

echo "== 5. load"
mkdir -p "$WORK/www/katalog"
cp "$WORK/kue.html" "$WORK/www/katalog/kue.html"
chmod -R a+rX "$WORK/www"
cat >"$WORK/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WORK/www;
        location / { default_type text/html; }
    }
}
EOF
nginx -c "$WORK/nginx.conf"
sleep 0.3

declare -A RPS P50 P99
run() {
    local label="$1" url="$2"
    local out
    out="$(wrk -t2 -c64 -d"$DURATION" --latency "$url")"
    echo "$out" > "$WORK/wrk-$label.txt"
    RPS[$label]="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
    P50[$label]="$(awk '$1 == "50%" {print $2}' <<<"$out")"
    P99[$label]="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    local errors
    errors="$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)"
    printf '   %-10s %10s req/s  p50 %8s  p99 %8s  %s\n' "$label" "${RPS[$label]}" "${P50[$label]}" "${P99[$label]}" "$errors"
}
run kue "$BASE/katalog?q=kue"
run kecamatan "$BASE/katalog?q=servis+ac&kecamatan=15.07.02&hanya=1"
run api "$BASE/api/v1/listings?q=kue"
run nginx "http://127.0.0.1:$NGINX_PORT/katalog/kue.html"

echo "== 6. summary ($LABEL, $(nproc) cores, wrk -t2 -c64 -d$DURATION)"
for l in kue kecamatan api nginx; do
    ratio=$(echo "scale=3; ${RPS[$l]} / ${RPS[nginx]}" | bc)
    printf '   %-10s %10s req/s  p50 %8s  p99 %8s  (%.1f%% of nginx)\n' "$l" "${RPS[$l]}" "${P50[$l]}" "${P99[$l]}" "$(echo "$ratio * 100" | bc)"
done
printf '   server RSS after load: %s\n' "$(grep VmRSS /proc/$SERVER_PID/status | awk '{print $2 " " $3}')"
