#!/usr/bin/env bash
# Builds the wasm client, the site assets and the server binaries.
#   scripts/build.sh            debug build (what `make run` and `make test` use)
#   scripts/build.sh --release  optimised build: client in the `wasm-release` profile, then
#                               `wasm-opt -Oz` (npm binaryen, installed into .tools/npm on first
#                               use); server in `release`. `make build-release`, `make bench`.
#   ENCAISSE_RELEASE=1 scripts/build.sh   same as --release.
# This is the pipeline cargo-leptos runs, spelled out, so a fresh machine need not compile
# cargo-leptos first. Both halves see the LEPTOS_* variables and the `--cfg erase_components`
# rustflag of .cargo/config.toml, so they agree on asset names and on the rendered markup.
# Honours CARGO_TARGET_DIR; the site always goes to target/site (LEPTOS_SITE_ROOT).
set -euo pipefail
cd "$(dirname "$0")/.."

profile=debug
cargo_profile=()
wasm_profile=()
if [[ "${1:-}" == "--release" || "${ENCAISSE_RELEASE:-0}" == "1" ]]; then
  profile=release
  cargo_profile=(--release)
  wasm_profile=(--profile wasm-release)
fi
target_dir=${CARGO_TARGET_DIR:-target}
wasm_dir=$target_dir/wasm32-unknown-unknown/$([[ $profile == release ]] && echo wasm-release || echo debug)

# npm's binaryen; Debian's older wasm-opt breaks hydration.
wasm_opt=.tools/npm/node_modules/.bin/wasm-opt
if [[ $profile == release && ! -x $wasm_opt ]]; then
  echo "==> installing binaryen 132 (wasm-opt) from npm into .tools/npm"
  npm install --silent --no-audit --no-fund --prefix .tools/npm binaryen@132 >/dev/null
fi

echo "==> client (wasm, $profile)"
cargo build --lib --target wasm32-unknown-unknown --no-default-features --features hydrate "${wasm_profile[@]}"
rm -rf target/site/pkg
mkdir -p target/site/pkg
wasm-bindgen --target web --out-dir target/site/pkg --out-name encaisse "$wasm_dir/encaisse.wasm"
mv target/site/pkg/encaisse_bg.wasm target/site/pkg/encaisse.wasm
if [[ $profile == release ]]; then
  "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int target/site/pkg/encaisse.wasm -o target/site/pkg/encaisse.wasm
fi
cp style/main.css target/site/pkg/encaisse.css
cp -r public/. target/site/
if [[ $profile == release ]]; then
  # Served as they are to browsers that accept them (leptos_axum's file handler looks for
  # `.br` and `.gz` beside each file): compressed once at the highest levels, not per request.
  for f in target/site/pkg/encaisse.wasm target/site/pkg/encaisse.js target/site/pkg/encaisse.css; do
    gzip -9 -k -f "$f"
    node -e '
      const fs = require("fs"), zlib = require("zlib"), f = process.argv[1];
      const params = { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: fs.statSync(f).size };
      fs.writeFileSync(f + ".br", zlib.brotliCompressSync(fs.readFileSync(f), { params }));' "$f"
  done
  echo "==> client: $(stat -c %s target/site/pkg/encaisse.wasm.br) bytes brotli, $(stat -c %s target/site/pkg/encaisse.wasm.gz) bytes gzip -9"
fi

echo "==> server ($profile)"
# the app and the stand-in Twikey server, in one invocation (one feature resolution)
cargo build --bins -p encaisse -p twikey-sandbox --no-default-features --features encaisse/ssr "${cargo_profile[@]}"
