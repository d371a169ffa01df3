"""The chart builders as they were on main at a06da3b (1 December 2026), before they built plain dicts:
every trace and layout edit through plotly's validated graph objects. Kept ONLY as the reference
tests/test_figure_fast.py compares today's figures with (bench/bench_figures.py times both); only the
imports of one another were changed (`cnscd.charts.X` -> `tests.figref.X`). Not used by the app.

A change to what a chart shows is made in cnscd/charts/ and here alike (the test says where they differ)."""
