"""Everything Streamlit: widgets, URL state, the cached reads, the map panel, unit picker, login box and download menus. Pages import from here."""
