#!/usr/bin/env bash
# Runs the Playwright journeys against a freshly built Encaisse on a fresh database.
# Expects scripts/build.sh to have run. Screenshots land in end2end/screenshots/.
# ENCAISSE_PROFILE=release uses the `scripts/build.sh --release` binaries (default: debug);
# ENCAISSE_BIN and LEPTOS_SITE_ROOT may point at another build (default: the cargo target dir,
# CARGO_TARGET_DIR or target/, and target/site); E2E_DATABASE_URL at another database (default:
# a fresh SQLite file; a postgres:// URL naming a database that does not exist yet runs the
# journeys on PostgreSQL). Arguments go to `npx playwright test`.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${E2E_PORT:-3005}
sandbox_port=${E2E_SANDBOX_PORT:-3105}
bin=$(realpath "${ENCAISSE_BIN:-${CARGO_TARGET_DIR:-target}/${ENCAISSE_PROFILE:-debug}/encaisse}")
site_root=$(realpath "${LEPTOS_SITE_ROOT:-target/site}")
work=$(mktemp -d)
log="$work/encaisse.log"
cleanup() {
  set +e  # a server stopped by our own SIGTERM must not change the result
  for pid in ${server_pid:-} ${sandbox_pid:-}; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  mkdir -p end2end/test-results && cp "$log" end2end/test-results/encaisse.log 2>/dev/null
  cp "$work/sandbox.log" end2end/test-results/twikey-sandbox.log 2>/dev/null
  if [[ "${status:-0}" -ne 0 ]]; then echo "--- server log ---"; tail -n 50 "$log"; echo "--- sandbox log ---"; tail -n 20 "$work/sandbox.log"; fi
  rm -rf "$work"
}
trap 'status=$?; cleanup; exit $status' EXIT

"$(dirname "$bin")/twikey-sandbox" --addr "127.0.0.1:$sandbox_port" --settle-after 2 >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!

db_url=${E2E_DATABASE_URL:-sqlite://$work/e2e.db}
DATA_DIR="$work" DATABASE_URL="$db_url" PUBLIC_URL="http://127.0.0.1:$port" \
  LISTEN_ADDR="127.0.0.1:$port" LOG_LEVEL="${LOG_LEVEL:-warn}" LEPTOS_SITE_ROOT="$site_root" \
  TWIKEY_API_URL="http://127.0.0.1:$sandbox_port/creditor" TWIKEY_SYNC_INTERVAL_SECS=5 \
  SCHEDULER_INTERVAL_SECS=0 \
  "$bin" >"$log" 2>&1 &
server_pid=$!

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "encaisse did not start"; exit 1; }
  sleep 0.2
done

mkdir -p end2end/screenshots
# The tests may run `encaisse run-scheduler --as-of …` against the same database. The server's own
# scheduler is off (SCHEDULER_INTERVAL_SECS=0): journeys run it when their story says so.
(cd end2end && BASE_URL="http://127.0.0.1:$port" SANDBOX_URL="http://127.0.0.1:$sandbox_port" E2E_ENCAISSE_BIN="$bin" \
  TWIKEY_API_URL="http://127.0.0.1:$sandbox_port/creditor" PUBLIC_URL="http://127.0.0.1:$port" \
  E2E_DATABASE_URL="$db_url" E2E_DATA_DIR="$work" npx playwright test "$@")
