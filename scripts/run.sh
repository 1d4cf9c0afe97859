#!/usr/bin/env bash
# `make run`: twikey-sandbox on :3100 (state kept in data/sandbox.json) and Encaisse on :3000,
# connected to it, on data/encaisse.db. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p data
# ENCAISSE_PROFILE=release runs the `make build-release` binaries (default: debug).
bin_dir=${CARGO_TARGET_DIR:-target}/${ENCAISSE_PROFILE:-debug}

sandbox_addr=${SANDBOX_ADDR:-127.0.0.1:3100}
"$bin_dir/twikey-sandbox" --addr "$sandbox_addr" --state data/sandbox.json --settle-after "${SANDBOX_SETTLE_AFTER:-5}" &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null; wait $sandbox_pid 2>/dev/null || true' EXIT
echo "twikey-sandbox on http://$sandbox_addr (API key sandbox-api-key; Settings → API: http://$sandbox_addr/settings/api)"

export TWIKEY_API_URL=${TWIKEY_API_URL:-http://$sandbox_addr/creditor}
export ENCAISSE_SEED_DEMO=${ENCAISSE_SEED_DEMO:-true}
"$bin_dir/encaisse"
