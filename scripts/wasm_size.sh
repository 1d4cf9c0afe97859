#!/usr/bin/env bash
# Measures the client bundle: release wasm, optimised with wasm-opt (npm `binaryen`, installed
# into .tools/npm on first use), then gzip -9. Prints the sizes; writes nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

wasm_opt=.tools/npm/node_modules/.bin/wasm-opt
if [[ ! -x $wasm_opt ]]; then
  echo "installing binaryen (wasm-opt) from npm into .tools/npm"
  npm install --silent --no-audit --no-fund --prefix .tools/npm binaryen@132 >/dev/null
fi

target_dir=${CARGO_TARGET_DIR:-target}
cargo build --lib --target wasm32-unknown-unknown --no-default-features --features hydrate --profile wasm-release
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
wasm-bindgen --target web --out-dir "$out" --out-name encaisse "$target_dir/wasm32-unknown-unknown/wasm-release/encaisse.wasm"
"$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$out/encaisse_bg.wasm" -o "$out/encaisse.opt.wasm"
size() { stat -c %s "$1"; }
raw=$(size "$out/encaisse_bg.wasm")
opt=$(size "$out/encaisse.opt.wasm")
gz=$(gzip -9 -c "$out/encaisse.opt.wasm" | wc -c)
js_gz=$(gzip -9 -c "$out/encaisse.js" | wc -c)
printf 'wasm (release, wasm-bindgen)  %8d bytes\n' "$raw"
printf 'wasm after wasm-opt -Oz       %8d bytes\n' "$opt"
printf 'wasm gzip -9                  %8d bytes (%d KB; target < 300 KB)\n' "$gz" $((gz / 1024))
printf 'JS glue gzip -9               %8d bytes\n' "$js_gz"
