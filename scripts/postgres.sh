#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers for the test suite and prints its URL (for
# ENCAISSE_TEST_POSTGRES): installs it from Debian where it is missing, starts the cluster
# where it is stopped, and drops the databases an earlier test run left behind (encaisse_test,
# whose schemas are the suite's per-test databases, and encaisse_test_*). Idempotent; quiet
# when all is in place. `--clean` only drops them.
#
# TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432) names the server to use.
set -euo pipefail
url=${TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}
say() { echo "postgres: $*" >&2; }
sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"

answers() { psql "$url/postgres" -tAc 'SELECT 1' >/dev/null 2>&1; }

drop_leftovers() {
  # The suite's database (one schema per test) and any encaisse_test_* (journeys).
  psql "$url/postgres" -tAc "SELECT datname FROM pg_database WHERE datname = 'encaisse_test' OR datname LIKE 'encaisse\_test\_%'" |
    while read -r db; do
      [[ -n $db ]] && psql "$url/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
    done
}

if [[ ${1:-} == --clean ]]; then
  answers && drop_leftovers
  exit 0
fi

if ! answers; then
  if ! command -v pg_ctlcluster >/dev/null; then
    say "installing PostgreSQL from Debian"
    $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq postgresql >/dev/null
  fi
  version=$(ls /etc/postgresql | sort -V | tail -1)
  say "starting the PostgreSQL $version cluster"
  $sudo_cmd pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do answers && break; sleep 1; done
  if ! answers && [[ $url == postgres://postgres@127.0.0.1:5432 ]]; then
    # A fresh Debian cluster asks for a password over TCP: give the postgres role one.
    say "setting a password for the postgres role (fresh cluster)"
    $sudo_cmd su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
    url=postgres://postgres:postgres@127.0.0.1:5432
  fi
  answers || { say "PostgreSQL does not answer at $url"; exit 1; }
fi
drop_leftovers
echo "$url"
