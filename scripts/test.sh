#!/usr/bin/env bash
# One command for the whole test suite: test requirements, Debian's chromium and a font with
# Vietnamese glyphs when missing, the demo warehouse, then pytest (unit, AppTest, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
# pip only when a pin is not met (a new venv, a changed requirements file): a run with everything in
# place skips its ~10 s of index look-ups. The check reads the installed versions, it installs nothing.
if ! .venv/bin/python scripts/pins_met.py requirements-dev.txt; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements-dev.txt
fi
. scripts/system-packages.sh
install_system_packages --test
# The one variable naming chromium (export engine, browser tests, benchmark). None: the suite fails here.
export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium || true)}"
if [ ! -x "$CHROMIUM_PATH" ]; then
  echo "no chromium: install Debian's 'chromium' or set CHROMIUM_PATH (now '${CHROMIUM_PATH}')" >&2
  exit 1
fi
# The demo warehouse: built when missing or older than its inputs (its input fingerprint, data/fingerprint.py,
# the same test tests/conftest.py makes); a current one is kept (a build is ~10-15 s).
if ! .venv/bin/python scripts/warehouse_current.py; then
  .venv/bin/python -m data build
fi
set +e
# Two workers (pytest-xdist), one per core; a test file stays on one worker (its module fixtures once).
.venv/bin/python -m pytest -q -p no:cacheprovider -n "${CNSCD_TEST_WORKERS:-2}" --dist loadfile "$@"
code=$?
set -e
# pytest exit code 5 means "no tests collected": that is a failure for this project.
if [ $code -eq 5 ]; then echo "no tests were collected" >&2; exit 1; fi
exit $code
