#!/usr/bin/env bash
# Validates UBL invoices and credit notes against the official Peppol BIS Billing 3.0 rules
# (CEN EN 16931 + Peppol, the XSLT files and validate.py in the shared rules folder).
#
# Usage: scripts/peppol.sh FILE.xml...   validate; prints each failed rule and 'N passed, M failed'
#        scripts/peppol.sh               only install Saxon-HE (saxonche) in .tools/peppol
#
# Exit 0 when every document passes, 1 when one fails a fatal rule, 2 when the rules or Python
# cannot be found. Saxon-HE comes from PyPI (saxonche), installed once in .tools/peppol.
#   PEPPOL_RULES_DIR=dir   where validate.py and the rules are (default ../shared/peppol beside
#                          the checkout)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SAXONCHE_VERSION="13.1.1"
VENV="$ROOT/.tools/peppol"
PY="$VENV/bin/python"
RULES_DIR="${PEPPOL_RULES_DIR:-$ROOT/../shared/peppol}"
VALIDATE="$RULES_DIR/validate.py"

installed_version() {
  "$PY" -c 'import importlib.metadata as m; print(m.version("saxonche"))' 2>/dev/null || true
}

# Several tests may call this at once on a fresh machine: one installs, the others wait for it.
mkdir -p "$ROOT/.tools"
exec 9>"$ROOT/.tools/peppol.lock"
flock 9
if [[ ! -x "$PY" ]]; then
  echo "peppol: creating the virtualenv .tools/peppol" >&2
  python3 -m venv "$VENV"
fi
if [[ "$(installed_version)" != "$SAXONCHE_VERSION" ]]; then
  echo "peppol: installing saxonche==$SAXONCHE_VERSION (Saxon-HE, once per machine)" >&2
  "$PY" -m pip install --quiet --disable-pip-version-check "saxonche==$SAXONCHE_VERSION" >&2
fi
flock -u 9

if [[ $# -eq 0 ]]; then
  echo "peppol: saxonche $SAXONCHE_VERSION ready in .tools/peppol" >&2
  exit 0
fi

if [[ ! -f "$VALIDATE" ]]; then
  echo "peppol: validate.py not found in $RULES_DIR (the Peppol rules folder; set PEPPOL_RULES_DIR)" >&2
  exit 2
fi

exec "$PY" "$VALIDATE" "$@"
