# What bench/run.sh (SQLite) and bench/postgres.sh (PostgreSQL) share: the tools, the two
# processes on free ports, sign-up and Twikey set-up, the page checks and the wrk load runs.
# Sourced by both after they set ROOT, BIN, HELP, WORK, DURATION, BUDGET_SECS, EMAIL, PASSWORD,
# API_KEY and WRK_KEEP (where a failing run's wrk output is kept), and define say() and
# row() (METRIC VALUE TARGET MET LOAD).

need() { command -v "$1" >/dev/null 2>&1; }

need_tools() {
  need python3 || { echo "bench: python3 is needed" >&2; exit 1; }
  need curl || { echo "bench: curl is needed" >&2; exit 1; }
  if ! need wrk; then
    say "installing wrk (Debian package)"
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  fi
}

# Stops the script (TERM to $$) after BUDGET_SECS; starts the wall clock T0.
start_watchdog() {
  ( sleep "$BUDGET_SECS" & s=$!; trap 'kill $s; exit 0' TERM; wait $s; kill -TERM $$ 2>/dev/null ) &
  WATCHDOG_PID=$!
  T0=$(date +%s)
}

stop_processes() {
  local pid
  for pid in $SERVER_PID $SANDBOX_PID; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $SERVER_PID $SANDBOX_PID; do
    wait "$pid" 2>/dev/null || true
  done
  [ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null || true
}

# Sets PORT, SB_PORT, BASE and SANDBOX: two distinct free ports of 127.0.0.1.
pick_ports() {
  PORT=$(python3 "$HELP" free-port)
  SB_PORT=$(python3 "$HELP" free-port)
  while [ "$SB_PORT" = "$PORT" ]; do SB_PORT=$(python3 "$HELP" free-port); done
  BASE=http://127.0.0.1:$PORT
  SANDBOX=http://127.0.0.1:$SB_PORT
}

# The server's configuration on DATABASE_URL $1 (no scheduler, no periodic sync, no e-mail).
server_env() {
  export DATABASE_URL="$1" DATA_DIR="$WORK" PUBLIC_URL="$BASE" LISTEN_ADDR="127.0.0.1:$PORT" \
    LEPTOS_SITE_ROOT="$ROOT/target/site" TWIKEY_API_URL="$SANDBOX/creditor" LOG_LEVEL=info \
    SCHEDULER_INTERVAL_SECS=0 TWIKEY_SYNC_INTERVAL_SECS=3600 ENCAISSE_SEED_DEMO=false
  ENCAISSE_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
  export ENCAISSE_SECRET_KEY
  unset SMTP_URL
}

wait_http() { # URL SECONDS: any HTTP answer
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)" != 000 ] && return 0
    sleep 0.1
  done
  echo "bench: $1 did not answer" >&2
  return 1
}

start_processes() {
  "$BIN/twikey-sandbox" --addr "127.0.0.1:$SB_PORT" --settle-after 3600 >"$WORK/sandbox.log" 2>&1 &
  SANDBOX_PID=$!
  "$BIN/encaisse" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  wait_http "$SANDBOX/creditor" 30
  wait_http "$BASE/healthz" 60 || { tail -20 "$WORK/server.log" >&2; exit 1; }
}

call() { # PATH FORM... (server function, JSON reply)
  local path=$1; shift
  local args=()
  for f in "$@"; do args+=(--data-urlencode "$f"); done
  curl -s -o "$WORK/reply" -w '%{http_code}' -H 'Accept: application/json' ${COOKIE:+-H "Cookie: $COOKIE"} "${args[@]}" "$BASE$path"
}

# Signs up the bench company, logs in (COOKIE) and connects Twikey to the sandbox.
signup_and_configure() {
  local code
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
}

load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
ge() { python3 -c 'import sys; print("yes" if float(sys.argv[1]) >= float(sys.argv[2]) else "no")' "$1" "$2"; }
lt() { python3 -c 'import sys; print("yes" if float(sys.argv[1]) < float(sys.argv[2]) else "no")' "$1" "$2"; }

check() { # URL EXPECTED_CODE [HEADER]
  local code
  code=$(curl -s -o "$WORK/check" -w '%{http_code}' -H "Cookie: $COOKIE" ${3:+-H "$3"} "$1")
  [ "$code" = "$2" ] || { echo "bench: $1 answered $code, expected $2" >&2; head -c 400 "$WORK/check" >&2; exit 1; }
}

# Signs the two callbacks (SIG_TEST, Q_EVENT, SIG_EVENT) and checks that every measured URL
# answers as it should before anything is timed (needs PUBLIC_ID and INVOICE_ID).
prepare_requests() {
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
}

# wrk NAME URL CONNECTIONS [HEADER...] -> "rps p50 p99 requests bad"
wrk_run() {
  local name=$1 url=$2 c=$3; shift 3
  local t=$((c < 2 ? 1 : 2)) hdr=()
  for h in "$@"; do hdr+=(-H "$h"); done
  wrk -t"$t" -c"$c" -d"${DURATION}s" --latency --timeout 30s "${hdr[@]}" "$url" >"$WORK/wrk-$name.txt" 2>&1
  python3 "$HELP" wrk "$WORK/wrk-$name.txt"
}

GZ="Accept-Encoding: gzip, deflate, br"
warm_up() {
  local u
  say "warm-up"
  for u in /pkg/encaisse.css /customers /invoices "/invoices/$INVOICE_ID"; do
    wrk -t1 -c4 -d2s -H "Cookie: $COOKIE" -H "$GZ" "$BASE$u" >/dev/null 2>&1
  done
}

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
    cp "$WORK/wrk-$key-$c.txt" "${WRK_KEEP}wrk-$key-$c.txt" 2>/dev/null || true
  fi
  RPS[$key-$c]=$rps P50[$key-$c]=$p50 P99[$key-$c]=$p99
  row "$label, $c conn: throughput" "$(printf '%.0f' "$rps") req/s$note" "" "" "$LOAD"
  row "$label, $c conn: latency p50 / p99" "$p50 / $p99 ms" "" "" "$LOAD"
}

# The load runs: three pages and the static asset at 1 and 32 connections, then the two
# signed callbacks at 32; then the server's peak memory (HWM_MB, RSS_KB).
measure_load() {
  local c
  for c in 1 32; do
    measure static "static asset /pkg/encaisse.css" "$BASE/pkg/encaisse.css" "$c" "Cookie: $COOKIE" "$GZ"
    measure customers "SSR /customers" "$BASE/customers" "$c" "Cookie: $COOKIE" "$GZ"
    measure invoices "SSR /invoices" "$BASE/invoices" "$c" "Cookie: $COOKIE" "$GZ"
    measure invoice "SSR /invoices/{id}" "$BASE/invoices/$INVOICE_ID" "$c" "Cookie: $COOKIE" "$GZ"
  done
  measure hook_test "webhook (test event, no sync)" "$BASE/twikey/webhook/$PUBLIC_ID?type=event&msg=dummytest" 32 "X-Signature: $SIG_TEST"
  measure hook_event "webhook (contract event, triggers sync)" "$BASE/twikey/webhook/$PUBLIC_ID?$Q_EVENT" 32 "X-Signature: $SIG_EVENT"
  local hwm_kb
  hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
  RSS_KB=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
  HWM_MB=$((hwm_kb / 1024))
}
