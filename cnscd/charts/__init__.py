"""Pure chart functions: a Polars frame (and a ChartMeta) in, a plotly Figure out. No Streamlit here,
so tests read traces and titles directly and exports reuse the same functions."""
from cnscd.charts.bump import rank_chart
from cnscd.charts.progress import progress_bars
from cnscd.charts.series import time_series
from cnscd.charts.sparkline import headline, sparkline

__all__ = ["headline", "sparkline", "time_series", "rank_chart", "progress_bars"]
