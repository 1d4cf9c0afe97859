# Encaisse — the two commands are `make run` and `make test` (see README.md).
.PHONY: setup build build-release run run-release test test-rust test-e2e test-e2e-postgres test-e2e-release dev clean

setup:
	@scripts/setup.sh

build: setup
	@scripts/build.sh

build-release: setup
	@scripts/build.sh --release

## Serve http://localhost:3000 on data/encaisse.db (created, migrated and seeded on first start),
## with twikey-sandbox on :3100.
run: build
	@scripts/run.sh

## The same on the optimised build (release server, wasm-release client after wasm-opt).
run-release: build-release
	@ENCAISSE_PROFILE=release scripts/run.sh

## Every test: Rust unit + integration tests (on SQLite and on PostgreSQL), then the Playwright
## journeys in headless Chromium.
test: build test-rust test-e2e test-e2e-postgres

## The Rust suite runs twice: on SQLite, then on PostgreSQL (a fresh schema per test on the
## server scripts/postgres.sh starts, or installs, and prints).
test-rust:
	cargo test --workspace --no-default-features --features encaisse/ssr
	url=$$(scripts/postgres.sh) && ENCAISSE_TEST_POSTGRES=$$url cargo test --no-default-features --features ssr
	scripts/postgres.sh --clean
	scripts/sdk_compat.sh

test-e2e:
	@scripts/e2e.sh

## The same journeys on PostgreSQL (a fresh database, dropped by the next scripts/postgres.sh).
test-e2e-postgres:
	url=$$(scripts/postgres.sh) && E2E_DATABASE_URL=$$url/encaisse_test_e2e_$$$$ scripts/e2e.sh

## The Playwright journeys against the optimised build (what `make bench` measures).
test-e2e-release: build-release
	@ENCAISSE_PROFILE=release scripts/e2e.sh

## Watch mode with live reload (installs cargo-leptos on first use, ~25 min).
dev:
	@WITH_CARGO_LEPTOS=1 scripts/setup.sh
	cargo leptos watch

clean:
	cargo clean

## Load and scale benchmarks of a release build on 127.0.0.1 (about 4 min after the build),
## with the wasm client's size and first page interactive in Chromium; results in bench/RESULTS.md.
.PHONY: bench bench-web
bench: setup
	@bench/run.sh

## First page interactive (/login, /customers) of a release build on an empty database.
bench-web: setup
	@bench/first_interactive.sh
