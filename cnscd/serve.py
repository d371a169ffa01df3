"""Start the app: `python -m cnscd.serve [streamlit run options]` (what scripts/setup.sh runs).

Why not plain `streamlit run app.py`: Streamlit 1.67 treats a `pages/` folder beside the entry
script as the old multipage mode until the first `st.navigation` call of the process, so the very
first session after a start that opens a shared deep link (e.g. /muc-tieu?...) would get a
"Page not found" notice. This launcher declares st.navigation mode before any session exists,
then hands over to Streamlit's own command line, in the same process.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False  # app.py drives the pages with st.navigation
    args = list(sys.argv[1:] if argv is None else argv)
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), "--browser.gatherUsageStats", "false", *args]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
