#!/usr/bin/env bash
# One command for a newcomer: virtual environment, pinned requirements, the demo warehouse,
# then the app on http://localhost:8501. Safe to run again (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements.txt
# Chart export (PNG/SVG/PDF) renders in Debian's chromium with a font that has Vietnamese glyphs.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -d /usr/share/fonts/truetype/noto ] || need+=(fonts-noto-core)
# Several replicas behind a balancer (python -m cnscd.cluster up, docs/scaling.md) use Debian's HAProxy.
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
if [ ${#need[@]} -gt 0 ]; then
  # As root apt-get runs directly; otherwise through sudo, if sudo works without a prompt.
  SUDO=()
  can=1
  if [ "$(id -u)" != 0 ]; then
    SUDO=(sudo -n)
    sudo -n true 2>/dev/null || can=0
  fi
  if [ "$can" = 1 ]; then
    "${SUDO[@]}" apt-get update -qq && "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "Cần cài / please install: apt-get install ${need[*]} (chart export needs them; the app runs without)" >&2
  fi
fi
.venv/bin/python -m data build
if [ "${NO_START:-0}" = "1" ]; then exit 0; fi
exec .venv/bin/python -m cnscd.serve --server.port "${PORT:-8501}" --server.headless true
