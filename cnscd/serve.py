"""Start the app: `python -m cnscd.serve [streamlit run options]` (what scripts/setup.sh runs).

Why not plain `streamlit run app.py`: Streamlit 1.67 treats a `pages/` folder beside the entry
script as the old multipage mode until the first `st.navigation` call of the process, so the very
first session after a start that opens a shared deep link (e.g. /muc-tieu?...) would get a
"Page not found" notice. This launcher declares st.navigation mode before any session exists,
then hands over to Streamlit's own command line, in the same process. Streamlit 1.67 offers no public
way to do this (no config option; the check is `pages/` beside the entry script); the browser test
tests/browser/test_deep_link.py shows plain `streamlit run app.py` still gets the notice.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# Imported before any session exists. Polars (and Streamlit's dataframe code) reach pandas and pyarrow
# through sys.modules when another import has already started them, so the first reruns of several
# sessions at once on a fresh process could meet a half-initialised pandas ("partially initialized
# module 'pandas' has no attribute 'Series'"; tests/test_cluster.py found it).
PRELOAD = ("numpy", "pandas", "pyarrow", "polars", "duckdb", "plotly.graph_objects")


def _warm_in_background() -> None:
    """Every map layer prepared once per process while the server starts (cnscd.charts.maplayer.warm), and
    every grid shape of the small multiples (cnscd.charts.districts.warm_grids), so no viewer's rerun pays
    for them. A failure only means the first view that needs one makes it itself."""
    import threading

    def warm() -> None:
        try:
            from cnscd.charts import districts, maplayer

            maplayer.warm()
            districts.warm_grids()      # the small multiples' grid shapes (~2 s CPU once per process)
        except Exception as exc:  # noqa: BLE001 - never stop the server for a warm-up
            print(f"cnscd.serve: map layers not warmed ({exc})", file=sys.stderr)
    threading.Thread(target=warm, name="cnscd-warm-layers", daemon=True).start()


# One Polars thread per served process. A replica's script runs hold one GIL (about one core, however
# many sessions), and a rerun's Polars work is many small operations on frames of a few hundred to a few
# thousand rows: spread over a thread pool they cost 15-35 % more CPU (the pool's hand-offs), on cores
# the other replicas and the balancer need (docs/scaling.md "A cheaper opening"). Read by Polars once,
# when it is first imported, so set before PRELOAD; an explicit POLARS_MAX_THREADS wins.
POLARS_THREADS = "1"


def main(argv: list[str] | None = None) -> int:
    import importlib

    os.environ.setdefault("POLARS_MAX_THREADS", POLARS_THREADS)
    for name in PRELOAD:
        importlib.import_module(name)
    _warm_in_background()
    # each new warehouse snapshot's shared frames are read on a background thread (cnscd.ui.cache._warm_once)
    os.environ.setdefault("CNSCD_WARM_DATA", "1")
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False  # app.py drives the pages with st.navigation
    args = list(sys.argv[1:] if argv is None else argv)
    # A served app does not watch its source files (unless told to): the watcher walks every imported
    # module on each rerun, ~90 ms of CPU per rerun (docs/scaling.md). `streamlit run app.py` still watches.
    watch = [] if any(a.startswith("--server.fileWatcherType") for a in args) else ["--server.fileWatcherType", "none"]
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), "--browser.gatherUsageStats", "false", *watch, *args]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
