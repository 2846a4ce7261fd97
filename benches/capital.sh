#!/usr/bin/env bash
# benches/capital.sh — the capital pages under load, on the demo district's capital (8 programs,
# 27 applications in every state, Siti's disbursed KUR with its repayment reports).
#
# Usage:
#   benches/capital.sh                                   # builds target/release/karya first
#   CARGO_TARGET_DIR=/elsewhere benches/capital.sh       # a release build kept elsewhere
#
# What it does:
#   1. builds the release binary (`cargo build --release --bin karya`);
#   2. starts `karya serve --demo` on an empty SQLite folder and times the start;
#   3. signs in as `alumni` (Siti), `admin` and `mitra` (Bank Jambi) with curl;
#   4. wrk -t2 -c16 -d${DURATION} --latency on
#        a. /permodalan as Siti: every open program with her eligibility rule by rule (her
#           track record computed once, then each program's rules);
#        b. /akun/permodalan/{id} as Siti: her disbursed KUR, the frozen dossier rendered with its
#           chart and table, repayments and the outcome windows;
#        c. /admin/permodalan as admin: counts, median days per stage, outcomes of every
#           disbursement;
#        d. /mitra/pengajuan/{id} as mitra: a consented referral; every view is an audit entry,
#           so this is also the audit chain's write path under load;
#        e. /akun/permodalan/{id}/dosier.pdf as Siti: the dossier printed;
#   5. prints requests/s, p50 and p99 for each, the bytes of (e), and the server's RSS.
#
# Environment: PORT (default 18096), DURATION (default 10s), KEEP=1 keeps the work folder.
# wrk and the server share the machine; on a small machine the figures are a floor.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${PORT:-18096}"
DURATION="${DURATION:-10s}"
BASE="http://127.0.0.1:${PORT}"

for tool in cargo curl wrk sqlite3 bc; do
    command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install -y wrk sqlite3 bc)" >&2; exit 2; }
done

WORK="$(mktemp -d /tmp/karya-capital.XXXXXX)"
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    [ "${KEEP:-0}" = 1 ] && echo "kept: $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

echo "== 1. release build"
(cd "$ROOT" && cargo build --release --bin karya 2>&1 | tail -1)
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/karya"

echo "== 2. start with the demo district"
start=$(date +%s.%N)
env -u KARYA_DATABASE_URL "$BIN" --data-dir "$WORK/data" serve --demo --bind "127.0.0.1:${PORT}" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
until curl -fs "$BASE/healthz" >/dev/null 2>&1; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
    sleep 0.05
done
end=$(date +%s.%N)
printf "start-up to first 200 (seeding included): %.2f s\n" "$(echo "$end - $start" | bc)"
echo "RSS after start: $(( $(awk '/VmRSS/{print $2}' /proc/$SERVER_PID/status) / 1024 )) MiB"

echo "== 3. sign in"
# A session cookie header for a demo account.
session() {
    local jar="$WORK/cookies-$1" csrf
    csrf=$(curl -s -c "$jar" "$BASE/masuk" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
    curl -s -b "$jar" -c "$jar" -o /dev/null -X POST "$BASE/masuk" \
        --data-urlencode "_csrf=$csrf" --data-urlencode "username=$1" --data-urlencode "password=karya-demo"
    # curl writes HttpOnly cookies with a `#HttpOnly_` prefix; they are the session's.
    awk '(!/^#/ || /^#HttpOnly_/) && NF >= 7 {printf "%s=%s; ", $6, $7}' "$jar"
}
SITI=$(session alumni)
ADMIN=$(session admin)
MITRA=$(session mitra)
DB="$WORK/data/karya.db"
OWN=$(sqlite3 "$DB" "SELECT a.id FROM capital_applications a JOIN users u ON u.alumnus_id = a.alumnus_id WHERE u.username = 'alumni' AND a.state = 'disbursed' ORDER BY a.id LIMIT 1")
REFERRAL=$(sqlite3 "$DB" "SELECT a.id FROM capital_applications a JOIN capital_programs p ON p.id = a.program_id JOIN capital_consents c ON c.application_id = a.id AND c.revoked_at IS NULL WHERE a.state = 'referred' AND p.partner_id = (SELECT partner_id FROM users WHERE username = 'mitra') ORDER BY a.id LIMIT 1")
for check in "$SITI|/akun/permodalan/$OWN" "$MITRA|/mitra/pengajuan/$REFERRAL" "$ADMIN|/admin/permodalan"; do
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: ${check%%|*}" "$BASE${check#*|}")
    [ "$status" = 200 ] || { echo "${check#*|} answers $status" >&2; exit 1; }
done
echo "Siti's disbursed application #$OWN; Bank Jambi's consented referral #$REFERRAL"

echo "== 4. load"
run() {
    local name="$1" path="$2" cookie="$3" out rps p50 p99 non2xx
    out=$(wrk -t2 -c16 -d"$DURATION" --latency -H "Cookie: $cookie" "$BASE$path")
    rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
    p50=$(echo "$out" | awk '$1=="50%"{print $2}')
    p99=$(echo "$out" | awk '$1=="99%"{print $2}')
    non2xx=$(echo "$out" | awk '/Non-2xx/{print $5}')
    printf "%-44s %10s req/s  p50 %-9s p99 %-9s %s\n" "$name" "$rps" "$p50" "$p99" "${non2xx:+non-2xx: $non2xx}"
}
run "programs with eligibility /permodalan" "/permodalan" "$SITI"
run "her application /akun/permodalan/$OWN" "/akun/permodalan/$OWN" "$SITI"
run "agency overview /admin/permodalan" "/admin/permodalan" "$ADMIN"
run "partner view (audited) /mitra/pengajuan/$REFERRAL" "/mitra/pengajuan/$REFERRAL" "$MITRA"
run "dossier PDF" "/akun/permodalan/$OWN/dosier.pdf" "$SITI"

echo "== 5. bytes and memory"
printf "%-32s %9s B\n" "dossier PDF" "$(curl -s -H "Cookie: $SITI" "$BASE/akun/permodalan/$OWN/dosier.pdf" | wc -c)"
echo "audit entries written by the partner views: $(sqlite3 "$DB" "SELECT COUNT(*) FROM audit_log WHERE action = 'capital.dossier_viewed'")"
echo "RSS after the load: $(( $(awk '/VmRSS/{print $2}' /proc/$SERVER_PID/status) / 1024 )) MiB"
