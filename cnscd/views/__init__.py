"""Frames assembled for the pages: pure Polars over `query(name, **params)` (cached by cnscd.ui.cache.view
in the app, direct in tests and benchmarks). No Streamlit here."""
