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
WRK_KEEP=$ROOT/bench/ # a failing load run's wrk output is kept here
. "$ROOT/bench/lib.sh"

# ---- tools --------------------------------------------------------------------------------
need_tools

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
  stop_processes
  if [ "${BENCH_KEEP:-}" = 1 ]; then echo "bench: work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$code"
}
trap cleanup EXIT
trap 'echo "bench: stopped (time budget or signal)" >&2; exit 124' TERM INT
start_watchdog

pick_ports
DB=$WORK/encaisse.db
server_env "sqlite://$DB"
say "starting twikey-sandbox on $SANDBOX and Encaisse on $BASE (fresh data dir $WORK)"
start_processes
signup_and_configure

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

prepare_requests
warm_up

# ---- wasm client: size, and first page interactive in Chromium (before the load runs) ------
WASM=target/site/pkg/encaisse.wasm
if [ -f "$WASM" ] && [ -d end2end/node_modules/@playwright/test ]; then
  WASM_GZ=$(gzip -9 -c "$WASM" | wc -c)
  row "wasm client, after wasm-opt -Oz: raw / gzip -9" "$(($(stat -c %s "$WASM") / 1024)) KB / $((WASM_GZ / 1024)) KB" "gzip < 300 KB" "$(lt "$WASM_GZ" 307200)" ""
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

measure_load

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

# ---- one invoice document: a 20-line PDF and its e-invoice (benches/invoice_pdf.rs) --------
say "invoice PDF (20 lines) and e-invoice"
cargo bench --quiet --no-default-features --features ssr --bench invoice_pdf | tee -a "$RESULTS"

# ---- PostgreSQL beside SQLite: bench/postgres.sh (BENCH_POSTGRES=0 skips it) ---------------
if [ "${BENCH_POSTGRES:-1}" != 0 ]; then
  BENCH_NO_BUILD=1 BENCH_BIN_DIR="$BIN" bench/postgres.sh || echo "bench: the PostgreSQL part failed (SQLite results above are kept)" >&2
fi
