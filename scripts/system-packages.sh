# Sourced by scripts/setup.sh and scripts/test.sh: Debian packages the project needs beyond Python.
# install_system_packages [--test] installs what is missing; as root apt-get runs directly, otherwise
# through sudo (no prompt unless a person runs it at a terminal). When neither works it says what to install and returns 1.
install_system_packages() {
  local need=()
  # Chart export (PNG/SVG/PDF) renders in Debian's chromium with a font that has Vietnamese glyphs.
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  [ -d /usr/share/fonts/truetype/noto ] || need+=(fonts-noto-core)
  # Several replicas behind a balancer (python -m cnscd.cluster up, docs/scaling.md) use Debian's HAProxy.
  command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
  # The tests read exported PDFs back as pictures.
  if [ "${1:-}" = "--test" ]; then command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils); fi
  [ ${#need[@]} -gt 0 ] || return 0
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    sudo=(sudo -n)
    if sudo -n true 2>/dev/null; then :
    elif [ -t 0 ] && command -v sudo >/dev/null 2>&1; then sudo=(sudo)   # a person at a terminal: sudo may ask
    else
      echo "Cần cài / please install (as root): apt-get install ${need[*]}" >&2
      return 1
    fi
  fi
  # `env` inside sudo: sudo drops the caller's environment, DEBIAN_FRONTEND included
  "${sudo[@]}" apt-get update -qq &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}
