"""`python scripts/pins_met.py requirements-dev.txt`: exit 0 when every `name==version` pin of the file (and of
the files it includes with `-r`) is installed at exactly that version, 1 otherwise, naming the first one that
is not. Read from the installed distributions' metadata: nothing is installed, no index is asked
(scripts/test.sh runs pip only when this fails)."""
from __future__ import annotations

import re
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)\s*(?:#.*)?$")


def unmet(path: Path) -> str | None:
    """The first pin of `path` not installed as pinned (`name==version (installed: …)`), else None."""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-r "):
            miss = unmet(path.parent / line[3:].strip())
            if miss:
                return miss
            continue
        m = PIN.match(line)
        if not m:                       # anything but an exact pin: let pip decide
            return f"{line} (not an exact pin)"
        name, want = m.groups()
        try:
            have = version(name)
        except PackageNotFoundError:
            return f"{name}=={want} (not installed)"
        if have != want:
            return f"{name}=={want} (installed: {have})"
    return None


if __name__ == "__main__":
    miss = unmet(Path(sys.argv[1]))
    if miss:
        print(f"requirements: {miss}", file=sys.stderr)
    sys.exit(1 if miss else 0)
