#!/usr/bin/env bash
# Checks that twikey-sandbox is good enough for Twikey's official Python SDK
# (twikey-api-python from PyPI): runs scripts/sdk_compat.py against a fresh sandbox.
#
# Usage: scripts/sdk_compat.sh
#   TWIKEY_SANDBOX_BIN=path  use another sandbox binary (default target/debug/twikey-sandbox,
#                            built when missing)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.tools/venv"
PY="$VENV/bin/python"
BIN="${TWIKEY_SANDBOX_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/twikey-sandbox}"

if [ ! -x "$PY" ]; then
  echo "creating virtualenv in .tools/venv"
  python3 -m venv "$VENV"
fi
if ! "$PY" -c "import twikey" 2>/dev/null; then
  echo "installing twikey-api-python"
  "$PY" -m pip install --quiet "twikey-api-python==0.2.3"
fi

if [ ! -x "$BIN" ]; then
  echo "building twikey-sandbox"
  cargo build --bins -p encaisse -p twikey-sandbox --no-default-features --features encaisse/ssr
fi

PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
LOG="$(mktemp)"
"$BIN" --addr "127.0.0.1:$PORT" --settle-after 3600 >"$LOG" 2>&1 &
SANDBOX_PID=$!
cleanup() {
  kill "$SANDBOX_PID" 2>/dev/null || true
  wait "$SANDBOX_PID" 2>/dev/null || true
  rm -f "$LOG"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  if "$PY" -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$PORT)))" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
    echo "twikey-sandbox exited early:" >&2
    cat "$LOG" >&2
    exit 1
  fi
  sleep 0.1
done

if "$PY" "$ROOT/scripts/sdk_compat.py" "http://127.0.0.1:$PORT"; then
  echo "SDK compatibility: OK"
else
  status=$?
  echo "SDK compatibility: FAILED (sandbox log follows)" >&2
  cat "$LOG" >&2
  exit "$status"
fi
