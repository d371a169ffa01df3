"""Frames assembled for the pages: pure Polars over `query(name, **params)` (cached by cnscd.data.view
in the app, direct in tests and benchmarks). No Streamlit here."""
