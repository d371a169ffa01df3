#!/bin/sh
# Container start for both roles (deploy/Dockerfile). The editor builds its warehouse on first start
# (on its volume), publishes it as the first snapshot, and serves under /editor/; a viewer serves
# the snapshot the pointer names. STREAMLIT_SERVER_COOKIE_SECRET must be the same in every container.
set -eu
if [ "${CNSCD_ROLE:-viewer}" = "editor" ]; then
  [ -f "${CNSCD_WAREHOUSE:?set CNSCD_WAREHOUSE for the editor}" ] || python -m data build
  [ -z "${CNSCD_SNAPSHOT_DIR:-}" ] || python -m cnscd.store.snapshot publish
  CNSCD_BASE_PATH="${CNSCD_BASE_PATH:-/editor}"
fi
set -- --server.port 8501 --server.address 0.0.0.0 --server.headless true --server.fileWatcherType none "$@"
[ -z "${CNSCD_BASE_PATH:-}" ] || set -- "$@" --server.baseUrlPath "${CNSCD_BASE_PATH#/}"
exec python -m cnscd.serve "$@"
