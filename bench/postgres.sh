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
BIN=${BENCH_BIN_DIR:-$ROOT/target/release}
RESULTS=$ROOT/bench/RESULTS.md
HELP=$ROOT/bench/helpers.py
DURATION=${BENCH_DURATION:-10}
ADMIN_URL=${BENCH_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
BUDGET_SECS=600 # after the build: 10 minutes at most
EMAIL=bench@encaisse.test
PASSWORD=bench-password-1
API_KEY=sandbox-api-key

say() { printf '\n== [PostgreSQL] %s\n' "$*" >&2; }
need() { command -v "$1" >/dev/null 2>&1; }

# ---- tools and the PostgreSQL server ------------------------------------------------------
need python3 || { echo "bench: python3 is needed" >&2; exit 1; }
need curl || { echo "bench: curl is needed" >&2; exit 1; }
need psql || { echo "bench: psql (PostgreSQL client) is needed" >&2; exit 1; }
if ! need wrk; then
  say "installing wrk (Debian package)"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
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
  cargo build --release --bins --no-default-features --features ssr
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
  for pid in $SERVER_PID $SANDBOX_PID; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $SERVER_PID $SANDBOX_PID; do
    wait "$pid" 2>/dev/null || true
  done
  [ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null || true
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
( sleep "$BUDGET_SECS" & s=$!; trap 'kill $s; exit 0' TERM; wait $s; kill -TERM $$ 2>/dev/null ) &
WATCHDOG_PID=$!
T0=$(date +%s)

PORT=$(python3 "$HELP" free-port)
SB_PORT=$(python3 "$HELP" free-port)
while [ "$SB_PORT" = "$PORT" ]; do SB_PORT=$(python3 "$HELP" free-port); done
BASE=http://127.0.0.1:$PORT
SANDBOX=http://127.0.0.1:$SB_PORT
DB_URL=$PG_BASE/$DBNAME
apsql -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null
DB_MADE=1 # from here on the database is dropped on exit (the server creates it)
export DATABASE_URL="$DB_URL" DATA_DIR="$WORK" PUBLIC_URL="$BASE" LISTEN_ADDR="127.0.0.1:$PORT" \
  LEPTOS_SITE_ROOT="$ROOT/target/site" TWIKEY_API_URL="$SANDBOX/creditor" LOG_LEVEL=info \
  SCHEDULER_INTERVAL_SECS=0 TWIKEY_SYNC_INTERVAL_SECS=3600 ENCAISSE_SEED_DEMO=false
ENCAISSE_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
export ENCAISSE_SECRET_KEY
unset SMTP_URL

wait_http() { # URL SECONDS: any HTTP answer
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)" != 000 ] && return 0
    sleep 0.1
  done
  echo "bench: $1 did not answer" >&2
  return 1
}

say "starting twikey-sandbox on $SANDBOX and Encaisse on $BASE (database $DBNAME, PostgreSQL $PG_VERSION)"
"$BIN/twikey-sandbox" --addr "127.0.0.1:$SB_PORT" --settle-after 3600 >"$WORK/sandbox.log" 2>&1 &
SANDBOX_PID=$!
"$BIN/encaisse" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_http "$SANDBOX/creditor" 30
wait_http "$BASE/healthz" 60 || { tail -20 "$WORK/server.log" >&2; exit 1; }

call() { # PATH FORM... (server function, JSON reply)
  local path=$1; shift
  local args=()
  for f in "$@"; do args+=(--data-urlencode "$f"); done
  curl -s -o "$WORK/reply" -w '%{http_code}' -H 'Accept: application/json' ${COOKIE:+-H "Cookie: $COOKIE"} "${args[@]}" "$BASE$path"
}

say "sign-up, log-in, Twikey configuration"
code=$(call /api/signup "company_name=Bench SRL" "name=Bench Owner" "email=$EMAIL" "password=$PASSWORD")
[ "$code" = 200 ] || { echo "bench: signup answered $code: $(cat "$WORK/reply")" >&2; exit 1; }
COOKIE=$(curl -s -D - -o /dev/null -H 'Accept: application/json' --data-urlencode "email=$EMAIL" \
  --data-urlencode "password=$PASSWORD" "$BASE/api/login" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(encaisse_session=[^;]*\).*/\1/p' | head -1)
[ -n "$COOKIE" ] || { echo "bench: login gave no session cookie" >&2; exit 1; }
code=$(call /api/connections/twikey enabled=true)
[ "$code" = 200 ] || { echo "bench: enabling Twikey answered $code" >&2; exit 1; }
code=$(call /api/twikey/save "api_key=$API_KEY" b2c_ct=1001 b2b_ct=1002)
[ "$code" = 200 ] || { echo "bench: Twikey configuration answered $code: $(cat "$WORK/reply")" >&2; exit 1; }

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
row() { printf '%s\x1f%s\x1f%s\n' "$1" "$2" "$3" >>"$ROWS"; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
lt() { python3 -c 'import sys; print("yes" if float(sys.argv[1]) < float(sys.argv[2]) else "no")' "$1" "$2"; }

check() { # URL EXPECTED_CODE [HEADER]
  local code
  code=$(curl -s -o "$WORK/check" -w '%{http_code}' -H "Cookie: $COOKIE" ${3:+-H "$3"} "$1")
  [ "$code" = "$2" ] || { echo "bench: $1 answered $code, expected $2" >&2; head -c 400 "$WORK/check" >&2; exit 1; }
}

SIG_TEST=$(python3 "$HELP" sign "type=event&msg=dummytest" "$API_KEY")
Q_EVENT="type=contract&mandateNumber=ENCB000001&event=Update&state=SIGNED"
SIG_EVENT=$(python3 "$HELP" sign "$Q_EVENT" "$API_KEY")
check "$BASE/customers" 200
[ "$(grep -o 'data-testid="customer-row"' "$WORK/check" | wc -l)" -ge 25 ] || { echo "bench: /customers shows no page of customers" >&2; exit 1; }
check "$BASE/invoices" 200
check "$BASE/invoices/$INVOICE_ID" 200
check "$BASE/pkg/encaisse.css" 200
check "$BASE/twikey/webhook/$PUBLIC_ID?type=event&msg=dummytest" 204 "X-Signature: $SIG_TEST"
check "$BASE/twikey/webhook/$PUBLIC_ID?$Q_EVENT" 204 "X-Signature: $SIG_EVENT"

wrk_run() { # NAME URL CONNECTIONS [HEADER...] -> "rps p50 p99 requests bad"
  local name=$1 url=$2 c=$3; shift 3
  local t=$((c < 2 ? 1 : 2)) hdr=()
  for h in "$@"; do hdr+=(-H "$h"); done
  wrk -t"$t" -c"$c" -d"${DURATION}s" --latency --timeout 30s "${hdr[@]}" "$url" >"$WORK/wrk-$name.txt" 2>&1
  python3 "$HELP" wrk "$WORK/wrk-$name.txt"
}
GZ="Accept-Encoding: gzip, deflate, br"
say "warm-up"
for u in /pkg/encaisse.css /customers /invoices "/invoices/$INVOICE_ID"; do
  wrk -t1 -c4 -d2s -H "Cookie: $COOKIE" -H "$GZ" "$BASE$u" >/dev/null 2>&1
done

drain() { # until a signed test webhook is answered within 50 ms (at most 60 s), as in run.sh
  local i t
  for ((i = 0; i < 600; i++)); do
    t=$(curl -s -o /dev/null -w '%{time_total}' -H "X-Signature: $SIG_TEST" \
      "$BASE/twikey/webhook/$PUBLIC_ID?type=event&msg=dummytest" || echo 9)
    [ "$(lt "$t" 0.05)" = yes ] && { [ "$i" -gt 0 ] && echo "  (server busy for $((i / 10)).$((i % 10)) s after the previous run)" >&2; return 0; }
    sleep 0.1
  done
  echo "  (server still busy after 60 s)" >&2
}

declare -A RPS P50 P99
measure() { # KEY LABEL URL C HEADERS...
  local key=$1 label=$2 url=$3 c=$4; shift 4
  drain
  say "$label, $c connection(s), ${DURATION} s"
  LOAD=$(load_avg)
  read -r rps p50 p99 n bad < <(wrk_run "$key-$c" "$url" "$c" "$@")
  echo "  $rps req/s, p50 $p50 ms, p99 $p99 ms, $n requests, $bad not 2xx/3xx or errors (load $LOAD)" >&2
  local note=""
  if [ "$n" = 0 ]; then
    rps=0 p50=nan p99=nan note=" (no request completed within the ${DURATION} s run)"
  fi
  if [ "$bad" != 0 ]; then
    note="$note ($bad of $n not 2xx/3xx or failed, see wrk output)"
    echo "bench: $bad bad answers or socket errors for $url" >&2
    cp "$WORK/wrk-$key-$c.txt" "$ROOT/bench/pg-wrk-$key-$c.txt" 2>/dev/null || true
  fi
  RPS[$key-$c]=$rps P50[$key-$c]=$p50 P99[$key-$c]=$p99
  row "$label, $c conn: throughput" "$(printf '%.0f' "$rps") req/s$note" "$LOAD"
  row "$label, $c conn: latency p50 / p99" "$p50 / $p99 ms" "$LOAD"
}
for c in 1 32; do
  measure static "static asset /pkg/encaisse.css" "$BASE/pkg/encaisse.css" "$c" "Cookie: $COOKIE" "$GZ"
  measure customers "SSR /customers" "$BASE/customers" "$c" "Cookie: $COOKIE" "$GZ"
  measure invoices "SSR /invoices" "$BASE/invoices" "$c" "Cookie: $COOKIE" "$GZ"
  measure invoice "SSR /invoices/{id}" "$BASE/invoices/$INVOICE_ID" "$c" "Cookie: $COOKIE" "$GZ"
done
measure hook_test "webhook (test event, no sync)" "$BASE/twikey/webhook/$PUBLIC_ID?type=event&msg=dummytest" 32 "X-Signature: $SIG_TEST"
measure hook_event "webhook (contract event, triggers sync)" "$BASE/twikey/webhook/$PUBLIC_ID?$Q_EVENT" 32 "X-Signature: $SIG_EVENT"

HWM_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
RSS_KB=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
HWM_MB=$((HWM_KB / 1024))
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
