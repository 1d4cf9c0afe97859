#!/usr/bin/env bash
# `make bench`: load and scale benchmarks of a release build on 127.0.0.1, results in
# bench/RESULTS.md (see the "Benchmarks" section of README.md).
#
# Seeds a fresh database (10,000 customers, 100,000 invoices, 10,000 mandates, 10,000 due
# subscriptions), starts twikey-sandbox and the server on free ports, then measures the wasm
# client (size, and first page interactive in Chromium: end2end/perf/), SSR pages, a static
# asset, the Twikey callback, peak RSS, a mandate-feed and a transaction-feed sync, and the scheduler.
# Everything it starts is stopped on exit; after the build it is bounded by a watchdog.
#
# Knobs (environment): BENCH_DURATION (s per load run, 10), BENCH_SYNC_MANDATES (10000),
# BENCH_SYNC_CREATE_SECS (max seconds to create them in the sandbox, 240), BENCH_KEEP=1 keeps
# the work directory, BENCH_NO_BUILD=1 skips cargo (BENCH_BIN_DIR: other binaries, for trying the script).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${BENCH_BIN_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}/release}
RESULTS=$ROOT/bench/RESULTS.md
HELP=$ROOT/bench/helpers.py
DURATION=${BENCH_DURATION:-10}
SYNC_N=${BENCH_SYNC_MANDATES:-10000}
SYNC_CREATE_SECS=${BENCH_SYNC_CREATE_SECS:-240}
BUDGET_SECS=840 # after the build: 14 minutes at most
EMAIL=bench@encaisse.test
PASSWORD=bench-password-1
API_KEY=sandbox-api-key

say() { printf '\n== %s\n' "$*" >&2; }
need() { command -v "$1" >/dev/null 2>&1; }

# ---- tools --------------------------------------------------------------------------------
need python3 || { echo "bench: python3 is needed" >&2; exit 1; }
need curl || { echo "bench: curl is needed" >&2; exit 1; }
if ! need wrk; then
  say "installing wrk (Debian package)"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

# ---- build --------------------------------------------------------------------------------
if [ "${BENCH_NO_BUILD:-}" != 1 ]; then
  say "release build: wasm client (wasm-release profile, wasm-opt -Oz), server and twikey-sandbox"
  scripts/build.sh --release
fi
[ -x "$BIN/encaisse" ] && [ -x "$BIN/twikey-sandbox" ] || { echo "bench: release binaries missing" >&2; exit 1; }
# Pages link /pkg/encaisse.css: the static-asset ceiling needs it in the site root.
if [ ! -f target/site/pkg/encaisse.css ]; then
  mkdir -p target/site/pkg && cp style/main.css target/site/pkg/encaisse.css
fi

# ---- processes and cleanup ----------------------------------------------------------------
WORK=$(mktemp -d /tmp/encaisse-bench.XXXXXX)
SERVER_PID="" SANDBOX_PID="" WATCHDOG_PID=""
cleanup() {
  local code=$?
  for pid in $SERVER_PID $SANDBOX_PID; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $SERVER_PID $SANDBOX_PID; do
    wait "$pid" 2>/dev/null || true
  done
  [ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null || true
  if [ "${BENCH_KEEP:-}" = 1 ]; then echo "bench: work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$code"
}
trap cleanup EXIT
trap 'echo "bench: stopped (time budget or signal)" >&2; exit 124' TERM INT
( sleep "$BUDGET_SECS" & s=$!; trap 'kill $s; exit 0' TERM; wait $s; kill -TERM $$ 2>/dev/null ) &
WATCHDOG_PID=$!
T0=$(date +%s)

PORT=$(python3 "$HELP" free-port)
SB_PORT=$(python3 "$HELP" free-port)
while [ "$SB_PORT" = "$PORT" ]; do SB_PORT=$(python3 "$HELP" free-port); done
BASE=http://127.0.0.1:$PORT
SANDBOX=http://127.0.0.1:$SB_PORT
DB=$WORK/encaisse.db
export DATABASE_URL="sqlite://$DB" DATA_DIR="$WORK" PUBLIC_URL="$BASE" LISTEN_ADDR="127.0.0.1:$PORT" \
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

say "starting twikey-sandbox on $SANDBOX and Encaisse on $BASE (fresh data dir $WORK)"
"$BIN/twikey-sandbox" --addr "127.0.0.1:$SB_PORT" --settle-after 3600 >"$WORK/sandbox.log" 2>&1 &
SANDBOX_PID=$!
"$BIN/encaisse" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_http "$SANDBOX/creditor" 30
wait_http "$BASE/healthz" 60

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

sql() { python3 -c 'import sqlite3,sys; c=sqlite3.connect("file:"+sys.argv[1]+"?mode=ro",uri=True,timeout=30); print("\n".join("|".join(map(str,r)) for r in c.execute(sys.argv[2])))' "$DB" "$1"; }
COMPANY=$(sql "SELECT company_id FROM users WHERE email = '$EMAIL'")
PUBLIC_ID=$(sql "SELECT public_id FROM companies WHERE id = $COMPANY")

SUB_START=$(date -u -d "$(date -u +%Y-%m-01) +1 month" +%F)
say "seeding (SQL, big transactions)"
SEED_LINE=$(timeout 300 python3 "$ROOT/bench/seed.py" "$DB" "$EMAIL" --subscription-start "$SUB_START")
echo "$SEED_LINE" >&2
DB_MB=$(du -m "$DB" | cut -f1)
INVOICE_ID=$(sql "SELECT i.id FROM invoices i WHERE i.company_id = $COMPANY AND i.status = 'paid'
  AND (SELECT COUNT(*) FROM invoice_lines l WHERE l.invoice_id = i.id) = 3 ORDER BY i.id DESC LIMIT 1")

# ---- measurements -------------------------------------------------------------------------
ROWS=$WORK/rows # metric, value, target, met, load; separated by US (empty fields survive read)
: >"$ROWS"
row() { printf '%s\x1f%s\x1f%s\x1f%s\x1f%s\n' "$1" "$2" "$3" "$4" "$5" >>"$ROWS"; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
ge() { python3 -c 'import sys; print("yes" if float(sys.argv[1]) >= float(sys.argv[2]) else "no")' "$1" "$2"; }
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

# wrk NAME URL CONNECTIONS [HEADER...] -> "rps p50 p99 requests bad"
wrk_run() {
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

# ---- wasm client: size, and first page interactive in Chromium (before the load runs) ------
WASM=target/site/pkg/encaisse.wasm
if [ -f "$WASM" ] && [ -d end2end/node_modules/@playwright/test ]; then
  WASM_GZ=$(gzip -9 -c "$WASM" | wc -c)
  row "wasm client, after wasm-opt -Oz: raw / gzip -9" "$(($(stat -c %s "$WASM") / 1024)) KB / $((WASM_GZ / 1024)) KB" "gzip < 400 KB" "$(lt "$WASM_GZ" 409600)" ""
  say "first page interactive: /login and /customers in Chromium, fresh context per load"
  LOAD=$(load_avg)
  if (cd end2end && BASE_URL="$BASE" PERF_EMAIL="$EMAIL" PERF_PASSWORD="$PASSWORD" PERF_OUT="$WORK/perf.jsonl" \
      timeout 300 npx playwright test --config perf.config.ts) >"$WORK/perf.log" 2>&1; then
    python3 "$HELP" perf-rows "$WORK/perf.jsonl" "$LOAD" >>"$ROWS"
  else
    tail -n 30 "$WORK/perf.log" >&2
    row "first page interactive" "measurement failed (see end2end/test-results/perf)" "–" "no" "$LOAD"
  fi
else
  row "first page interactive" "not measured: no built client in target/site or no end2end/node_modules (make setup)" "" "" ""
fi

# Requests of a run that were still queued when wrk stopped must not weigh on the next run:
# wait (at most 60 s) until a signed test webhook, which reads and writes the database, is
# answered within 50 ms.
drain() {
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
  if [ "$n" = 0 ]; then # nothing completed within the run: no latency to report
    rps=0 p50=nan p99=nan note=" (no request completed within the ${DURATION} s run)"
  fi
  if [ "$bad" != 0 ]; then # recorded, not fatal: a slow page is a result
    note="$note ($bad of $n not 2xx/3xx or failed, see wrk output)"
    echo "bench: $bad bad answers or socket errors for $url" >&2
    cp "$WORK/wrk-$key-$c.txt" "$ROOT/bench/" 2>/dev/null || true
  fi
  RPS[$key-$c]=$rps P50[$key-$c]=$p50 P99[$key-$c]=$p99
  row "$label, $c conn: throughput" "$(printf '%.0f' "$rps") req/s$note" "" "" "$LOAD"
  row "$label, $c conn: latency p50 / p99" "$p50 / $p99 ms" "" "" "$LOAD"
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

# ---- sync of the mandate feed ------------------------------------------------------------
sleep 1 # let the syncs triggered by the last webhooks finish
say "creating up to $SYNC_N signed mandates in twikey-sandbox (at most $SYNC_CREATE_SECS s)"
read -r MADE MADE_SECS < <(timeout $((SYNC_CREATE_SECS + 60)) python3 "$HELP" mandates "$SANDBOX" "$DB" "$COMPANY" "$SYNC_N" "$SYNC_CREATE_SECS")
echo "  $MADE mandates in $MADE_SECS s" >&2
LOAD_SYNC=$(load_avg)
say "sync of $MADE mandate-feed events (one signed webhook, then wait)"
read -r SYNC_APPLY SYNC_END SYNC_APPLIED SYNC_ERR < <(timeout 300 python3 "$HELP" sync-wait mandates \
  "$BASE/twikey/webhook/$PUBLIC_ID" "$API_KEY" "$DB" "$COMPANY" "$MADE" 240 || true)
echo "  applied $SYNC_APPLIED in $SYNC_APPLY s, sync ended after $SYNC_END s ($SYNC_ERR)" >&2

# ---- sync of the transaction feed ---------------------------------------------------------
say "creating up to $SYNC_N collections (database rows + sandbox transactions on the signed mandates), then settling"
read -r TX_MADE TX_MADE_SECS < <(timeout $((SYNC_CREATE_SECS + 120)) python3 "$HELP" transactions "$SANDBOX" "$DB" "$COMPANY" "$SYNC_N" "$SYNC_CREATE_SECS")
echo "  $TX_MADE transactions in $TX_MADE_SECS s" >&2
LOAD_TXSYNC=$(load_avg)
say "sync of $TX_MADE transaction-feed events (one signed webhook, then wait)"
read -r TX_APPLY TX_END TX_APPLIED TX_ERR < <(timeout 300 python3 "$HELP" sync-wait transactions \
  "$BASE/twikey/webhook/$PUBLIC_ID" "$API_KEY" "$DB" "$COMPANY" "$TX_MADE" 240 || true)
echo "  applied $TX_APPLIED in $TX_APPLY s, sync ended after $TX_END s ($TX_ERR)" >&2

# ---- scheduler ----------------------------------------------------------------------------
say "stopping the server; scheduler as of $SUB_START on 10,000 due subscriptions"
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
LOAD_SCHED=$(load_avg)
S0=$(date +%s.%N)
# (the log goes to stdout too: keep only the summary line)
SCHED_OUT=$(timeout 300 "$BIN/encaisse" run-scheduler --as-of "$SUB_START" 2>&1 | tee "$WORK/scheduler.log" | grep '^Scheduler as of' || echo failed)
S1=$(date +%s.%N)
SCHED_OUT2=$(timeout 300 "$BIN/encaisse" run-scheduler --as-of "$SUB_START" 2>&1 | tee -a "$WORK/scheduler.log" | grep '^Scheduler as of' || echo failed)
SCHED_SECS=$(python3 -c "print(f'{$S1 - $S0:.1f}')")
echo "  $SCHED_OUT ($SCHED_SECS s); again: $SCHED_OUT2" >&2
SCHED_CREATED=$(sed -n 's/.*: \([0-9]*\) invoice(s) created.*/\1/p' <<<"$SCHED_OUT")
SCHED_AGAIN=$(sed -n 's/.*: \([0-9]*\) invoice(s) created.*/\1/p' <<<"$SCHED_OUT2")
DUPES=$(sql "SELECT COUNT(*) FROM (SELECT subscription_id, period_start FROM invoices WHERE subscription_id IS NOT NULL
  GROUP BY subscription_id, period_start HAVING COUNT(*) > 1)")
SUB_INVOICES=$(sql "SELECT COUNT(*) FROM invoices WHERE subscription_id IS NOT NULL")
NUMBER_DUPES=$(sql "SELECT COUNT(*) FROM (SELECT number FROM invoices WHERE company_id = $COMPANY AND number IS NOT NULL
  GROUP BY number HAVING COUNT(*) > 1)")

# ---- results ------------------------------------------------------------------------------
ratio=$(python3 -c "s, c = ${RPS[static-32]}, ${RPS[customers-32]}; print(f'{100 * c / s:.0f}' if s else 'nan')")
{
  row "customer list / static throughput, 32 conn" "$ratio %" "≥ 25 %" "$(ge "$ratio" 25)" ""
  row "customer list p99, 32 conn" "${P99[customers-32]} ms" "< 50 ms" "$(lt "${P99[customers-32]}" 50)" ""
  for k in hook_test hook_event; do
    label=$([ $k = hook_test ] && echo "webhooks accepted (test event)" || echo "webhooks accepted (contract event + background sync)")
    row "$label, 32 conn" "$(printf '%.0f' "${RPS[$k-32]}")/s, p99 ${P99[$k-32]} ms" "≥ 5,000/s, p99 < 10 ms" \
      "$( [ "$(ge "${RPS[$k-32]}" 5000)" = yes ] && [ "$(lt "${P99[$k-32]}" 10)" = yes ] && echo yes || echo no)" ""
  done
  row "server peak RSS (VmHWM) after all load runs" "$HWM_MB MB (VmRSS $((RSS_KB / 1024)) MB)" "< 150 MB" "$(lt "$HWM_MB" 150)" ""
  if [ "$SYNC_END" != nan ] && [ "${MADE:-0}" -gt 0 ]; then
    per10k=$(python3 -c "print(f'{$SYNC_END * 10000 / $MADE:.1f}')")
    row "sync of $MADE mandate-feed events (webhook → feed read, applied, recorded)" "$SYNC_END s (all applied after $SYNC_APPLY s) → $per10k s per 10,000" "< 10 s per 10,000" "$(lt "$per10k" 10)" "$LOAD_SYNC"
  else
    row "sync of ${MADE:-0} mandate-feed events" "did not finish: $SYNC_ERR" "< 10 s per 10,000" "no" "$LOAD_SYNC"
  fi
  if [ "${TX_END:-nan}" != nan ] && [ "${TX_MADE:-0}" -gt 0 ]; then
    per10k=$(python3 -c "print(f'{$TX_END * 10000 / $TX_MADE:.1f}')")
    row "sync of $TX_MADE transaction-feed events (webhook → feed read, collections paid or failed, payments, recorded)" "$TX_END s (all applied after $TX_APPLY s) → $per10k s per 10,000" "< 10 s per 10,000" "$(lt "$per10k" 10)" "$LOAD_TXSYNC"
  else
    row "sync of ${TX_MADE:-0} transaction-feed events" "did not finish: ${TX_ERR:-not run}" "< 10 s per 10,000" "no" "${LOAD_TXSYNC:-}"
  fi
  row "scheduler, 10,000 due subscriptions (run-scheduler, server stopped)" "${SCHED_CREATED:-?} invoices in $SCHED_SECS s" "< 60 s" "$(lt "$SCHED_SECS" 60)" "$LOAD_SCHED"
  ok=$([ "${SCHED_AGAIN:-x}" = 0 ] && [ "$DUPES" = 0 ] && [ "$NUMBER_DUPES" = 0 ] && [ "$SUB_INVOICES" = "${SCHED_CREATED:-x}" ] && echo yes || echo no)
  row "scheduler exactly once: 2nd run created / duplicate periods / duplicate numbers" "$SCHED_AGAIN / $DUPES / $NUMBER_DUPES ($SUB_INVOICES subscription invoices)" "0 / 0 / 0" "$ok" ""
}

MEM_MB=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
CPU=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
{
  echo "# Benchmark results"
  echo
  echo "\`make bench\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'):"
  echo "$(nproc) CPU(s) ($CPU), $MEM_MB MB memory. Load tool: $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo "on the same machine, ${DURATION} s per run, HTML/CSS requested with \`Accept-Encoding: gzip\` and the session"
  echo "cookie. Data: $SEED_LINE; database $DB_MB MB."
  echo "Other builds may have been running on this machine during the run: the load average (1, 5, 15 min)"
  echo "taken just before each measurement is in the last column."
  echo
  echo "| metric | value | target | met? | load before |"
  echo "| --- | --- | --- | --- | --- |"
  while IFS=$'\x1f' read -r m v t ok l; do
    echo "| $m | $v | ${t:-–} | ${ok:-–} | ${l:-} |"
  done <"$ROWS"
  echo
  echo "Bench wall time after the build: $(($(date +%s) - T0)) s."
} >"$RESULTS"
say "results (also in bench/RESULTS.md)"
cat "$RESULTS"

# ---- PostgreSQL beside SQLite: bench/postgres.sh (BENCH_POSTGRES=0 skips it) ---------------
if [ "${BENCH_POSTGRES:-1}" != 0 ]; then
  BENCH_NO_BUILD=1 BENCH_BIN_DIR="$BIN" bench/postgres.sh || echo "bench: the PostgreSQL part failed (SQLite results above are kept)" >&2
fi
