#!/usr/bin/env bash
# Builds the wasm client, the site assets and the server binaries.
#   scripts/build.sh            debug build
#   scripts/build.sh --release  optimised build (wasm-opt from npm binaryen when present)
# This is the pipeline cargo-leptos runs, spelled out, so a fresh machine need not compile
# cargo-leptos first. Both halves see the LEPTOS_* variables of .cargo/config.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=debug
cargo_profile=()
wasm_profile=()
if [[ "${1:-}" == "--release" ]]; then
  profile=release
  cargo_profile=(--release)
  wasm_profile=(--profile wasm-release)
fi
wasm_dir=target/wasm32-unknown-unknown/$([[ $profile == release ]] && echo wasm-release || echo debug)

echo "==> client (wasm, $profile)"
cargo build --lib --target wasm32-unknown-unknown --no-default-features --features hydrate "${wasm_profile[@]}"
rm -rf target/site/pkg
mkdir -p target/site/pkg
wasm-bindgen --target web --out-dir target/site/pkg --out-name encaisse "$wasm_dir/encaisse.wasm"
mv target/site/pkg/encaisse_bg.wasm target/site/pkg/encaisse.wasm
# npm's binaryen (scripts/wasm_size.sh installs it); Debian's older wasm-opt breaks hydration.
wasm_opt=.tools/npm/node_modules/.bin/wasm-opt
if [[ $profile == release && -x $wasm_opt ]]; then
  "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int target/site/pkg/encaisse.wasm -o target/site/pkg/encaisse.wasm
fi
cp style/main.css target/site/pkg/encaisse.css
cp -r public/. target/site/

echo "==> server ($profile)"
cargo build --bins --no-default-features --features ssr "${cargo_profile[@]}"
