#!/usr/bin/env bash
# benches/hostile_imports.sh — wall time and peak memory of `karya import alumni --dry-run` on
# each hostile file of issue 12 ("Hostile files"): every one must be answered within 5 s with an
# Indonesian message, peak RSS below idle + 256 MB, and never abort the process.
#
# Usage:
#   benches/hostile_imports.sh
#   BEFORE=/path/to/older/karya benches/hostile_imports.sh    # also measure an older binary
#
# What it does, in order:
#   1. builds the release binary: cargo build --release --bin karya, in
#      CARGO_TARGET_DIR=${TARGET:-/tmp/karya-bench-target} (incremental; not cleaned first);
#   2. writes the hostile files with the generator in src/import/hostile.rs:
#        KARYA_HOSTILE_DIR=<work>/files cargo test --lib \
#          import::hostile::tests::write_hostile_files -- --ignored --exact
#      (a lying shared-string count, a 1 GiB inline string, a 1 GiB shared string, a zip bomb
#      of 1.3 GB, the same bomb with headers declaring 1 KB, XML nested a million deep,
#      2,100,000 rows, one 19 MB CSV line, invalid UTF-8, 200,000 rows of junk; each under
#      20 MB on disk, made without ever holding the inflated text; the debug test build is
#      enough for that);
#   3. for each file, runs with /usr/bin/time -v, under `timeout ${TIMEOUT:-60}` and a virtual
#      memory cap of ${CAP_GB:-8} GB (ulimit -v) so an older binary cannot take the machine down:
#        karya --data-dir <work>/data import alumni FILE --dry-run
#      and prints the exit status, wall time, maximum resident set size and the first line the
#      command wrote to stderr (the message; "galat: …");
#   4. the same with $BEFORE when set (e.g. main's binary built in another target folder).
# Idle RSS for comparison: the same command on a 1-row CSV (first line of the table).
#
# Environment:
#   TARGET     cargo target folder                 (default /tmp/karya-bench-target)
#   BEFORE     an older karya binary to compare    (default: none)
#   TIMEOUT    seconds per run                     (default 60)
#   CAP_GB     virtual memory cap per run, in GB   (default 8)
#   KEEP=1     keep the work folder
#
# Notes:
#   - Exit status 124 is the timeout; 134 (SIGABRT) an allocation failure such as calamine's
#     reservation for a lying count; 2 the reader's refusal (the expected answer).
#   - On a 2-core machine anything else running inflates the times.

set -euo pipefail

case "${1:-}" in
    -h|--help) sed -n '2,39p' "$0"; exit 0 ;;
    "") ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${TARGET:-/tmp/karya-bench-target}"
BIN="$CARGO_TARGET_DIR/release/karya"
TIMEOUT="${TIMEOUT:-60}"
CAP_KB=$(( ${CAP_GB:-8} * 1024 * 1024 ))

[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is required: apt-get install time" >&2; exit 2; }

WORK="$(mktemp -d /tmp/karya-hostile.XXXXXX)"
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
for v in $(env | grep -o '^KARYA_[A-Z_]*' || true); do unset "$v"; done

echo "== building $BIN"
(cd "$ROOT" && cargo build --release --bin karya)
echo "== writing the hostile files to $WORK/files"
(cd "$ROOT" && KARYA_HOSTILE_DIR="$WORK/files" cargo test --lib \
    import::hostile::tests::write_hostile_files -- --ignored --exact >/dev/null)
printf 'Nama;NIK\nSiti;1507014305990002\n' > "$WORK/files/0_idle.csv"
ls -l "$WORK/files"

measure() { # binary label
    local bin="$1" label="$2"
    echo
    echo "== $label: $bin"
    printf '%-26s %9s %6s %10s  %s\n' file size exit seconds "max RSS / message"
    for f in "$WORK/files"/*; do
        local data="$WORK/data-$label"
        mkdir -p "$data"
        local status=0
        ( ulimit -v "$CAP_KB"; cd "$WORK" && timeout "$TIMEOUT" /usr/bin/time -v \
            "$bin" --data-dir "$data" import alumni "$f" --dry-run \
            >"$WORK/out" 2>"$WORK/err" ) || status=$?
        local wall rss msg
        wall=$(grep -m1 'Elapsed (wall clock)' "$WORK/err" | awk '{print $NF}' || true)
        rss=$(grep -m1 'Maximum resident set size' "$WORK/err" | awk '{print $NF}' || true)
        msg=$(grep -v -m1 $'^\t' "$WORK/err" | cut -c1-110 || true)
        printf '%-26s %9s %6s %10s  %s kB  %s\n' "$(basename "$f")" "$(stat -c %s "$f")" \
            "$status" "${wall:-?}" "${rss:-?}" "$msg"
    done
}

measure "$BIN" after
if [ -n "${BEFORE:-}" ]; then
    measure "$BEFORE" before
fi
