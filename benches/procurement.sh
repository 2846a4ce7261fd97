#!/usr/bin/env bash
# benches/procurement.sh — the government channel under load, on the demo district's year of
# office activity (172 requests, 639 documents, 185 published purchases).
#
# Usage:
#   benches/procurement.sh
#
# What it does:
#   1. builds the release binary (`cargo build --release --bin karya`);
#   2. starts `karya serve --demo` on an empty SQLite folder and times the start (the demo seed
#      walks every request through the workflow and renders every document);
#   3. signs in as `opd` (Sekretariat Daerah) with curl, keeping the session cookie;
#   4. wrk -t2 -c16 -d${DURATION} --latency on
#        a. /pengadaan/{id} of the office's open request: the rotation's proposals (the
#           candidates query, eligibility and ranking on every load), as `opd`;
#        b. /pengadaan/data: the public page of completed purchases;
#        c. /api/v1/procurement.json: the OCDS package of every completed purchase;
#        d. /pengadaan/dokumen/{id}: a stored Surat Pesanan PDF, as `opd`;
#   5. prints requests/s, p50 and p99 for each, the bytes of (b)–(d), and the server's RSS.
#
# Environment: PORT (default 18095), DURATION (default 10s), KEEP=1 keeps the work folder.
# wrk and the server share the machine; on a small machine the figures are a floor.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${PORT:-18095}"
DURATION="${DURATION:-10s}"
BASE="http://127.0.0.1:${PORT}"

for tool in cargo curl wrk sqlite3; do
    command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install -y wrk sqlite3)" >&2; exit 2; }
done

WORK="$(mktemp -d /tmp/karya-procurement.XXXXXX)"
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    [ "${KEEP:-0}" = 1 ] && echo "kept: $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

echo "== 1. release build"
(cd "$ROOT" && cargo build --release --bin karya 2>&1 | tail -1)
BIN="$ROOT/target/release/karya"

echo "== 2. start with the demo district"
start=$(date +%s.%N)
"$BIN" --data-dir "$WORK/data" serve --demo --bind "127.0.0.1:${PORT}" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
until curl -fs "$BASE/healthz" >/dev/null 2>&1; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
    sleep 0.05
done
end=$(date +%s.%N)
printf "start-up to first 200 (seeding included): %.2f s\n" "$(echo "$end - $start" | bc)"
grep -o 'office activity[^"]*' "$WORK/server.log" | head -1 || true
echo "RSS after start: $(( $(awk '/VmRSS/{print $2}' /proc/$SERVER_PID/status) / 1024 )) MiB"

echo "== 3. sign in as opd"
JAR="$WORK/cookies"
csrf=$(curl -s -c "$JAR" "$BASE/masuk" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -s -b "$JAR" -c "$JAR" -o /dev/null -X POST "$BASE/masuk" \
    --data-urlencode "_csrf=$csrf" --data-urlencode "username=opd" --data-urlencode "password=karya-demo"
# curl writes HttpOnly cookies with a `#HttpOnly_` prefix; they are the session's.
COOKIE=$(awk '(!/^#/ || /^#HttpOnly_/) && NF >= 7 {printf "%s=%s; ", $6, $7}' "$JAR")
DB="$WORK/data/karya.db"
OPEN=$(sqlite3 "$DB" "SELECT MAX(id) FROM office_requests WHERE state = 'open' AND office_id = (SELECT office_id FROM users WHERE username = 'opd')")
SP=$(sqlite3 "$DB" "SELECT MAX(d.id) FROM office_documents d JOIN office_requests q ON q.id = d.request_id WHERE d.kind = 'sp' AND q.office_id = (SELECT office_id FROM users WHERE username = 'opd')")
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE/pengadaan/$OPEN")
echo "open request #$OPEN answers $status as opd; Surat Pesanan document #$SP"
[ "$status" = 200 ] || { echo "signing in as opd failed" >&2; exit 1; }

echo "== 4. load"
run() {
    local name="$1" path="$2" auth="${3:-}"
    local out
    if [ -n "$auth" ]; then
        out=$(wrk -t2 -c16 -d"$DURATION" --latency -H "Cookie: $COOKIE" "$BASE$path")
    else
        out=$(wrk -t2 -c16 -d"$DURATION" --latency "$BASE$path")
    fi
    local rps p50 p99 non2xx
    rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
    p50=$(echo "$out" | awk '$1=="50%"{print $2}')
    p99=$(echo "$out" | awk '$1=="99%"{print $2}')
    non2xx=$(echo "$out" | awk '/Non-2xx/{print $5}')
    printf "%-40s %10s req/s  p50 %-9s p99 %-9s %s\n" "$name" "$rps" "$p50" "$p99" "${non2xx:+non-2xx: $non2xx}"
}
run "proposals /pengadaan/$OPEN (opd)" "/pengadaan/$OPEN" auth
run "open data page /pengadaan/data" "/pengadaan/data"
run "OCDS /api/v1/procurement.json" "/api/v1/procurement.json"
run "Surat Pesanan PDF (opd)" "/pengadaan/dokumen/$SP" auth

echo "== 5. bytes and memory"
for p in /pengadaan/data /api/v1/procurement.json; do
    printf "%-32s %9s B (gzip %s B)\n" "$p" \
        "$(curl -s "$BASE$p" | wc -c)" "$(curl -s -H 'Accept-Encoding: gzip' "$BASE$p" | wc -c)"
done
printf "%-32s %9s B\n" "Surat Pesanan PDF" "$(curl -s -H "Cookie: $COOKIE" "$BASE/pengadaan/dokumen/$SP" | wc -c)"
echo "RSS after the load: $(( $(awk '/VmRSS/{print $2}' /proc/$SERVER_PID/status) / 1024 )) MiB"
