#!/usr/bin/env bash
# The PostgreSQL part of the benchmarks (bench/run.sh calls it at its end; BENCH_POSTGRES=0 there
# skips it). Also runs on its own: bench/postgres.sh
#
# Creates a fresh database encaisse_bench_<pid> on a local PostgreSQL (dropped on exit), starts
# twikey-sandbox and the release server on it (the server runs the migrations), signs up and
# configures Twikey like run.sh, seeds the same data with bench/seed_pg.py (bench/seed.py's rows,
# written with COPY), then measures with wrk exactly like run.sh: the static asset, /customers,
# /invoices and /invoices/{id} at 1 and 32 connections, the signed Twikey callback (test event and
# contract event) at 32, and the server's peak RSS. Writes a "PostgreSQL beside SQLite" section
# at the end of bench/RESULTS.md, the SQLite figures taken from the table run.sh wrote above it.
# Everything it starts is stopped on exit; after the build a watchdog stops it at 10 minutes.
#
# Knobs (environment): BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres; a role
# that may create databases, host 127.0.0.1 only), BENCH_DURATION (s per load run, 10),
# BENCH_KEEP=1 keeps the work directory and the database, BENCH_NO_BUILD=1 skips cargo
# (BENCH_BIN_DIR: other binaries), BENCH_PG_EXTRA_SQL: SQL run on the database after seeding, to
# try an index or a setting before writing a migration (noted in the results).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${BENCH_BIN_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}/release}
RESULTS=$ROOT/bench/RESULTS.md
HELP=$ROOT/bench/helpers.py
DURATION=${BENCH_DURATION:-10}
ADMIN_URL=${BENCH_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
BUDGET_SECS=600 # after the build: 10 minutes at most
EMAIL=bench@encaisse.test
PASSWORD=bench-password-1
API_KEY=sandbox-api-key

say() { printf '\n== [PostgreSQL] %s\n' "$*" >&2; }
WRK_KEEP=$ROOT/bench/pg- # a failing load run's wrk output is kept here
. "$ROOT/bench/lib.sh"

# ---- tools and the PostgreSQL server ------------------------------------------------------
need_tools
need psql || { echo "bench: psql (PostgreSQL client) is needed" >&2; exit 1; }
# Only a local server: the URL's host must be 127.0.0.1.
read -r PG_HOST PG_BASE < <(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1])
print(p.hostname, p._replace(path="").geturl())' "$ADMIN_URL")
[ "$PG_HOST" = 127.0.0.1 ] || { echo "bench: BENCH_PG_ADMIN_URL must be on 127.0.0.1" >&2; exit 1; }
apsql() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$ADMIN_URL" "$@"; }
PG_VERSION=$(apsql -c 'SHOW server_version' 2>/dev/null) || {
  echo "bench: no PostgreSQL at $ADMIN_URL (start it: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start)" >&2
  exit 1
}

# ---- build --------------------------------------------------------------------------------
if [ "${BENCH_NO_BUILD:-}" != 1 ]; then
  say "release build of the server and twikey-sandbox (no wasm client needed)"
  cargo build --release --bins -p encaisse -p twikey-sandbox --no-default-features --features encaisse/ssr
fi
[ -x "$BIN/encaisse" ] && [ -x "$BIN/twikey-sandbox" ] || { echo "bench: release binaries missing" >&2; exit 1; }
if [ ! -f target/site/pkg/encaisse.css ]; then
  mkdir -p target/site/pkg && cp style/main.css target/site/pkg/encaisse.css
fi

# ---- processes and cleanup ----------------------------------------------------------------
WORK=$(mktemp -d /tmp/encaisse-bench-pg.XXXXXX)
DBNAME=encaisse_bench_$$
SERVER_PID="" SANDBOX_PID="" WATCHDOG_PID="" DB_MADE=""
cleanup() {
  local code=$?
  stop_processes
  if [ "${BENCH_KEEP:-}" = 1 ]; then
    echo "bench: work directory kept: $WORK; database kept: $DBNAME" >&2
  else
    rm -rf "$WORK"
    [ -n "$DB_MADE" ] && apsql -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'echo "bench: PostgreSQL part stopped (time budget or signal)" >&2; exit 124' TERM INT
start_watchdog

pick_ports
DB_URL=$PG_BASE/$DBNAME
apsql -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null
DB_MADE=1 # from here on the database is dropped on exit (the server creates it)
server_env "$DB_URL"
say "starting twikey-sandbox on $SANDBOX and Encaisse on $BASE (database $DBNAME, PostgreSQL $PG_VERSION)"
start_processes
signup_and_configure

sql() { psql -X -q -v ON_ERROR_STOP=1 -At -F '|' -d "$DB_URL" -c "$1"; }
COMPANY=$(sql "SELECT company_id FROM users WHERE email = '$EMAIL'")
PUBLIC_ID=$(sql "SELECT public_id FROM companies WHERE id = $COMPANY")

SUB_START=$(date -u -d "$(date -u +%Y-%m-01) +1 month" +%F)
say "seeding (bench/seed.py's data, written with COPY)"
SEED_LINE=$(timeout 300 python3 "$ROOT/bench/seed_pg.py" "$DB_URL" "$EMAIL" --subscription-start "$SUB_START")
echo "$SEED_LINE" >&2
EXTRA_NOTE=""
if [ -n "${BENCH_PG_EXTRA_SQL:-}" ]; then # a trial on the seeded database (an index, a setting)
  say "extra SQL: $BENCH_PG_EXTRA_SQL"
  sql "$BENCH_PG_EXTRA_SQL" >/dev/null
  EXTRA_NOTE="
Trial: after seeding, this SQL ran on the database: \`$BENCH_PG_EXTRA_SQL\`."
fi
DB_MB=$(sql "SELECT pg_database_size(current_database()) / 1048576")
INVOICE_ID=$(sql "SELECT i.id FROM invoices i WHERE i.company_id = $COMPANY AND i.status = 'paid'
  AND (SELECT COUNT(*) FROM invoice_lines l WHERE l.invoice_id = i.id) = 3 ORDER BY i.id DESC LIMIT 1")
PG_SETTINGS=$(sql "SELECT string_agg(name || ' ' || current_setting(name), ', ' ORDER BY name) FROM pg_settings
  WHERE name IN ('shared_buffers', 'synchronous_commit', 'max_connections', 'work_mem', 'jit')")
DB_COLLATE=$(sql "SELECT datcollate FROM pg_database WHERE datname = current_database()")

# ---- measurements (as in run.sh) ----------------------------------------------------------
ROWS=$WORK/rows # metric, value, load; separated by US
: >"$ROWS"
row() { printf '%s\x1f%s\x1f%s\n' "$1" "$2" "${5:-}" >>"$ROWS"; } # METRIC VALUE TARGET MET LOAD (targets: below)

prepare_requests
warm_up
measure_load

# PostgreSQL's own processes (its cache is in shared_buffers, not in the server's RSS):
BACKENDS=$(sql "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'encaisse'")

ratio=$(python3 -c "s, c = ${RPS[static-32]}, ${RPS[customers-32]}; print(f'{100 * c / s:.0f}' if s else 'nan')")
row "customer list / static throughput, 32 conn" "$ratio %" ""
row "customer list p99, 32 conn" "${P99[customers-32]} ms" ""
row "webhooks accepted (test event), 32 conn" "$(printf '%.0f' "${RPS[hook_test-32]}")/s, p99 ${P99[hook_test-32]} ms" ""
row "webhooks accepted (contract event + background sync), 32 conn" "$(printf '%.0f' "${RPS[hook_event-32]}")/s, p99 ${P99[hook_event-32]} ms" ""
row "server peak RSS (VmHWM) after all load runs" "$HWM_MB MB (VmRSS $((RSS_KB / 1024)) MB)" ""

# ---- results: a section after run.sh's table in bench/RESULTS.md --------------------------
WRK_VERSION=$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2 || true) # (wrk --version exits 1)
MEM_MB=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
CPU=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
HEADER="\`bench/postgres.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'):
$(nproc) CPU(s) ($CPU), $MEM_MB MB memory, PostgreSQL $PG_VERSION on 127.0.0.1 of the same machine
($PG_SETTINGS; collation $DB_COLLATE), the server's pool 16 connections (SQLite: 8).
Load tool: $WRK_VERSION, ${DURATION} s per run, requests as in the SQLite run.
Data: $SEED_LINE (bench/seed.py's rows, then VACUUM ANALYZE); database $DB_MB MB.
The PostgreSQL processes run on the same 2 cores as the server and wrk; the peak RSS is the
server's alone ($BACKENDS PostgreSQL connections of the server open at the end, with their own memory).$EXTRA_NOTE"
touch "$RESULTS"
python3 - "$RESULTS" "$ROWS" "$HEADER" "$(($(date +%s) - T0))" <<'PY'
import re, sys
path, rows_path, header, wall = sys.argv[1:5]
MARK = "## PostgreSQL beside SQLite"
text = open(path).read()
text = text.split("\n" + MARK)[0].rstrip("\n") if MARK in text else text.rstrip("\n")
# SQLite figures: run.sh's table above (first column metric, second value)
sqlite = {}
for line in text.splitlines():
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if line.startswith("| ") and len(cells) >= 2 and cells[0] not in ("metric", "---"):
        sqlite[cells[0]] = cells[1]
made = re.search(r"`make bench` on ([^,]+), commit (\w+)", text)
src = f"`make bench` on {made.group(1)}, commit {made.group(2)}" if made else "no SQLite run in this file"
TARGETS = {  # the targets of run.sh's table
    "customer list / static throughput, 32 conn": ("≥ 25 %", lambda v: v >= 25),
    "customer list p99, 32 conn": ("< 50 ms", lambda v: v < 50),
    "webhooks accepted (test event), 32 conn": ("≥ 5,000/s, p99 < 10 ms", None),
    "webhooks accepted (contract event + background sync), 32 conn": ("≥ 5,000/s, p99 < 10 ms", None),
    "server peak RSS (VmHWM) after all load runs": ("< 150 MB", lambda v: v < 150),
}
def num(s):
    m = re.match(r"\s*([\d.]+)", s or "")
    return float(m.group(1)) if m else None
out = [text, "", MARK, "", header, "", "SQLite column: the table above (" + src + ").", "",
       "| metric | SQLite | PostgreSQL | PostgreSQL / SQLite | target | met on PostgreSQL? | load before (PostgreSQL) |",
       "| --- | --- | --- | --- | --- | --- | --- |"]
for line in open(rows_path).read().splitlines():
    metric, value, load = line.split("\x1f")
    s = sqlite.get(metric, "–")
    rel = "–"
    if metric.endswith("throughput") or metric.startswith("webhooks accepted"):
        a, b = num(s), num(value)
        if a and b is not None:
            rel = f"{100 * b / a:.0f} %"
    target, met = TARGETS.get(metric, ("–", None)), "–"
    if metric in TARGETS:
        v = num(value)
        if metric.startswith("webhooks accepted"):
            p99 = re.search(r"p99 ([\d.]+)", value)
            met = "yes" if v is not None and v >= 5000 and p99 and float(p99.group(1)) < 10 else "no"
        elif v is not None:
            met = "yes" if target[1](v) else "no"
    out.append(f"| {metric} | {s} | {value} | {rel} | {target[0]} | {met} | {load} |")
out += ["", f"PostgreSQL bench wall time after the build: {wall} s.", ""]
open(path, "w").write("\n".join(out))
PY
say "results (section \"PostgreSQL beside SQLite\" of bench/RESULTS.md)"
sed -n '/^## PostgreSQL beside SQLite/,$p' "$RESULTS"
