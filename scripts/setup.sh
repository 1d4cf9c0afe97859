#!/usr/bin/env bash
# Installs what building and testing Encaisse needs, idempotently and quietly when all is
# present: the wasm target, the wasm-bindgen CLI matching Cargo.lock, Chromium (Debian),
# the end-to-end npm packages. Nothing is downloaded from GitHub.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup: $*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# cargo-leptos uses whatever wasm-bindgen is on PATH without checking its version, and so does
# scripts/build.sh: it must be exactly the version of the wasm-bindgen crate in Cargo.lock.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [[ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]]; then
  say "installing wasm-bindgen-cli $wb_version (a few minutes, once per machine)"
  cargo install --quiet wasm-bindgen-cli --version "$wb_version" --force
fi

# cargo-leptos (watch mode, `make dev`) costs ~25 min to compile, so only when asked for.
if [[ "${WITH_CARGO_LEPTOS:-0}" == "1" ]] && ! command -v cargo-leptos >/dev/null; then
  say "installing cargo-leptos 0.3.10 (about 25 minutes, once per machine)"
  cargo install --locked --features no_downloads cargo-leptos --version 0.3.10
fi

if ! command -v chromium >/dev/null; then
  say "installing Chromium from Debian"
  sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi

if [[ ! -d end2end/node_modules/@playwright/test ]] || [[ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]]; then
  say "installing the end-to-end test packages"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi
