#!/usr/bin/env bash
# One command for a newcomer: virtual environment, pinned requirements, the demo warehouse,
# then the app on http://localhost:8501. Safe to run again (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements.txt
. scripts/system-packages.sh
install_system_packages || echo "(chart export needs them; the app runs without)" >&2
.venv/bin/python -m data build
if [ "${NO_START:-0}" = "1" ]; then exit 0; fi
exec .venv/bin/python -m cnscd.serve --server.port "${PORT:-8501}" --server.headless true
