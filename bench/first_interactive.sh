#!/usr/bin/env bash
# First page interactive on its own (without the 10,000-customer data set of `make bench`):
# release build (scripts/build.sh --release), then scripts/e2e.sh on a fresh database and free
# ports runs end2end/perf/ (Playwright, Debian's Chromium): /login and, after a sign-up,
# /customers, each loaded PERF_RUNS (7) times in a fresh browser context; prints the median
# time from navigation start until the page is hydrated and what the wasm weighs on the wire.
#   bench/first_interactive.sh          (BENCH_NO_BUILD=1: use the last release build)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${BENCH_NO_BUILD:-}" = 1 ] || scripts/build.sh --release
out=$(mktemp)
trap 'rm -f "$out"' EXIT
port=$(python3 bench/helpers.py free-port)
sandbox_port=$(python3 bench/helpers.py free-port)
while [ "$sandbox_port" = "$port" ]; do sandbox_port=$(python3 bench/helpers.py free-port); done
ENCAISSE_PROFILE=release E2E_PORT=$port E2E_SANDBOX_PORT=$sandbox_port PERF_OUT=$out \
  scripts/e2e.sh --config perf.config.ts
wasm=target/site/pkg/encaisse.wasm
echo
echo "wasm client: $(stat -c %s "$wasm") bytes after wasm-opt, $(gzip -9 -c "$wasm" | wc -c) bytes gzip -9"
python3 bench/helpers.py perf-rows "$out" | while IFS=$'\x1f' read -r metric value _; do echo "$metric: $value"; done
