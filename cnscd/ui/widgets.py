"""Page building blocks shared by every page: URL-bound pickers, the chart block with its download
menu, number-formatted tables and demo labels. Pages stay thin by calling these."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Sequence

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from cnscd import collate, fmt, months
from cnscd.store import role
from cnscd.ui import cache, state
from cnscd.charts import phone
from cnscd.charts.meta import ChartMeta
from cnscd.charts.sparkline import card_html
from cnscd.text import column, t

DEFAULT_INDICATOR = "teams_total"


def lang() -> str:
    return state.lang()


def indicator_select(lang: str, *, default: str = DEFAULT_INDICATOR, core_only: bool = True,
                     name: str = "ind", container: Any = None, label: str | None = None,
                     codes: Sequence[str] | None = None) -> str:
    cat = cache.indicators()
    if core_only:
        cat = cat.filter(pl.col("is_core"))
    if codes is not None:
        cat = cat.filter(pl.col("indicator_code").is_in(list(codes)))
    names = dict(zip(cat["indicator_code"], cat[column("name", lang)]))
    return state.select(name, label or t("indicator", lang), list(names), default,
                        format_func=lambda c: names.get(c, c), container=container)


def period_select(lang: str, *, name: str = "period", default: dt.date | None = None,
                  versions: Sequence[str] | None = None, container: Any = None,
                  label: str | None = None, kind: str = "select_slider") -> dt.date | None:
    """A month picker over the months with data (URL value 'YYYY-MM'); returns the month's end date."""
    p = cache.periods()
    if versions is not None:
        p = p.filter(pl.col("boundary_version").is_in(list(versions)))
    ends = p["period_end"].unique().sort().to_list()
    if not ends:
        return None
    keys = [months.key(d) for d in ends]
    default_key = months.key(default) if default else keys[-1]
    chosen = state.select(name, label or t("period", lang), keys, default_key,
                          format_func=lambda k: fmt.month(months.from_key(k), lang), kind=kind, container=container)
    return months.from_key(chosen)


def choice(name: str, label: str, options: dict[str, str], default: str, *, kind: str = "segmented",
           container: Any = None) -> str:
    """A choice among fixed options {value: shown text}, bound to the URL."""
    return state.select(name, label, list(options), default, format_func=lambda v: options.get(v, v),
                        kind=kind, container=container)


def province_select(lang: str, version: str, default: Sequence[str], *, name: str = "units",
                    container: Any = None, max_selections: int | None = 8) -> list[str]:
    """Provinces of `version` bound to URL `name` as `2025:82,2025:01` (cnscd.unitref; an old link's bare
    codes and provinces of another version are carried across); returns their codes."""
    from cnscd.ui import unit_picker
    from cnscd.unitref import UnitRef

    prov = collate.sort(cache.provinces(version), "short_name")
    names = {UnitRef(version, c): n for c, n in zip(prov["unit_code"], prov["short_name"])}
    unit_picker.resolve_list(name, version, set(names))
    chosen = state.multiselect(name, t("provinces", lang), list(names), [UnitRef(version, c) for c in default],
                               container=container, max_selections=max_selections,
                               format_func=lambda r: names.get(UnitRef.of(r, version), str(r)))
    return [r.code for r in chosen]


# the columns of a chart's frame that exports name, and their headers
EXPORT_COLUMN_KEYS = {"boundary_version": "col_boundary_version", "period_end": "col_period_end", "value": "col_value",
                      "is_demo": "col_is_demo", "target_value": "target", "pct": "measure_pct_target",
                      "n_units": "col_n_units", "unit_code": "col_unit_code", "unit": "col_unit_of_measure"}


def export_labels(frame: pl.DataFrame, lang: str, **extra: str) -> dict[str, str]:
    """Column headers for a chart's CSV/XLSX export, for the columns the frame has."""
    common = {"label": t("unit_col", lang), "rank": t("rank", lang)} | {
        c: t(key, lang) for c, key in EXPORT_COLUMN_KEYS.items()}
    return {c: name for c, name in (common | extra).items() if c in frame.columns}


def chart(fig: go.Figure, meta: ChartMeta, key: str) -> go.Figure:
    """Draw the finished `fig` and the download menu under it: its PNG/SVG/PDF are this same figure,
    restyled for print on click (cnscd.export.restyle)."""
    from cnscd.ui.downloads import download_menu

    from cnscd.ui import layout

    # theme=None: the figure's own Noto Sans, colours and separators, the same as in exports
    shown = phone.for_phone(fig) if layout.is_phone() else fig
    encode_once(shown)
    st.plotly_chart(shown, key=key, theme=None, config={"displaylogo": False})
    download_menu(key, fig, meta)
    return fig


# ---- a figure is turned into its JSON once, not on every rerun ------------------------------------------
# st.plotly_chart copies the whole figure (`fig.to_dict()`) and JSON-encodes it on every call: for a
# figure shared by all sessions (cache.figure) that is the same text every time. `encode_once` keeps
# (figure dict, JSON) per figure object for as long as the figure lives, and the two Plotly functions
# st.plotly_chart calls answer from it for those figures (every other figure goes the usual way).
class _Spec(dict):
    """The figure's dict (shared, read-only) with its JSON text."""
    json: str


_SPECS: dict[int, tuple[Any, _Spec]] = {}      # id(figure) -> (weak reference to it, its spec)


def encode_once(fig: go.Figure) -> _Spec:
    import weakref

    entry = _SPECS.get(id(fig))
    if entry is not None and entry[0]() is fig:
        return entry[1]
    spec = _Spec(_as_dict(fig))
    spec.json = _ORIGINAL_TO_JSON(spec, validate=False)
    key = id(fig)
    _SPECS[key] = (weakref.ref(fig, lambda _ref: _SPECS.pop(key, None)), spec)
    return spec


def _as_dict(fig: go.Figure) -> dict:
    """`fig.to_dict()` without its deep copy: plotly copies the whole figure (a map's inline outlines
    included) only so that its base64 step may replace arrays in place. Here the containers are new and
    the arrays become the same typed-array specs; leaves and the keys plotly skips (`geojson`, `range`, …)
    are shared, read-only. Equal to `to_dict()` (tests/test_figure_fast.py)."""
    from _plotly_utils.basevalidators import is_homogeneous_array
    from _plotly_utils.utils import is_skipped_key, to_typed_array_spec

    def conv(obj):
        if isinstance(obj, dict):
            return {k: v if is_skipped_key(k) else to_typed_array_spec(v) if is_homogeneous_array(v) else conv(v)
                    for k, v in obj.items()}
        if isinstance(obj, list):
            return [conv(v) for v in obj]
        if isinstance(obj, tuple):
            return tuple(conv(v) for v in obj)
        return obj

    out = {"data": conv(fig._data), "layout": conv(fig._layout)}
    if fig._frame_objs:
        out["frames"] = conv([frame._props for frame in fig._frame_objs])
    return out


def _install_plotly_memo() -> None:
    import plotly.io
    import plotly.tools

    global _ORIGINAL_TO_JSON
    if getattr(plotly.io.to_json, "_cnscd_memo", False):
        return
    _ORIGINAL_TO_JSON = plotly.io.to_json
    to_figure = plotly.tools.return_figure_from_figure_or_data

    def return_figure_from_figure_or_data(figure_or_data, validate_figure):
        entry = _SPECS.get(id(figure_or_data))
        if entry is not None and entry[0]() is figure_or_data:
            return entry[1]
        return to_figure(figure_or_data, validate_figure)

    def to_json(fig, *args, **kwargs):
        if isinstance(fig, _Spec) and not args and set(kwargs) <= {"validate"}:
            return fig.json
        return _ORIGINAL_TO_JSON(fig, *args, **kwargs)
    to_json._cnscd_memo = True
    plotly.tools.return_figure_from_figure_or_data = return_figure_from_figure_or_data
    plotly.io.to_json = to_json


_ORIGINAL_TO_JSON: Callable[..., str]
_install_plotly_memo()


def view_downloads(key: str, charts: list[tuple[go.Figure, ChartMeta]], title: str,
                   filters: dict[str, str], lang: str, *, cover: str = "") -> None:
    """Slide deck (PPTX) and PDF report of all charts of a view (the figures the page shows),
    rendered only on click. `title` names the page and the place; `cover` is the line under it on the
    cover (place · period · boundary version, `cover_line`)."""
    from cnscd.ui.downloads import view_buttons

    view_buttons(key, lambda: list(charts), title, filters, lang, cover=cover)


def cover_line(place: str, period: str, boundary_version: str, lang: str) -> str:
    """'Đồng Tháp · 06/2026 · Địa giới: 34 tỉnh (từ 1/7/2025)': what a view's slide and PDF cover say
    under its title."""
    return " · ".join(p for p in (place, period, t("boundary_word", lang, label=boundary_version)
                                  if boundary_version else "") if p)


def chart_meta(frame: pl.DataFrame, title: Callable[[str], str], lang: str, **fields) -> ChartMeta:
    """ChartMeta.of with the warehouse's source titles: the words of a chart drawn from `frame`."""
    return ChartMeta.of(frame, title=title, lang=lang, source_titles=cache.source_titles(lang), **fields)


def table(frame: pl.DataFrame, lang: str, *, labels: dict[str, str] | None = None,
          decimals: dict[str, int] | None = None, dates: tuple[str, ...] = (), key: str | None = None,
          column_config: dict | None = None, height: int | str = "auto") -> None:
    """A table that keeps numbers numeric (sortable) but shows them 1.234,5 / 30/06/2025.

    The formatted table (pandas Styler, its display values) is made once per table content and shared
    by every session (`_styled`): formatting it was the largest part of a warm rerun."""
    labels = labels or {}
    shown = frame.rename({c: labels[c] for c in frame.columns if c in labels})
    dec = {labels.get(c, c): v for c, v in (decimals or {}).items()}
    dts = tuple(labels.get(c, c) for c in dates)
    content, decs = _content_key(shown), tuple(sorted(dec.items()))
    styler = cache.front("styled", (content, lang, decs, dts), lambda: _styled(content, lang, decs, dts, _frame=shown))
    st.dataframe(styler, hide_index=True,
                 key=key, column_config=column_config, height=height, placeholder="–")


def _content_key(frame: pl.DataFrame) -> str:
    """A digest of the whole frame, names, types and every row (Streamlit's own hash of a frame samples
    big ones, so two tables could share a key)."""
    import hashlib

    rows = frame.hash_rows(seed=0).to_list() if frame.height and frame.width else []
    return hashlib.sha1(repr((list(frame.schema.items()), frame.height, rows)).encode()).hexdigest()


_STYLER_PROTO = "_cnscd_styler_proto"    # attribute of a cached Styler: its marshalled ArrowData.styler


@st.cache_resource(show_spinner=False, max_entries=512)
def _styled(content: str, lang: str, decimals: tuple, dates: tuple, *, _frame: pl.DataFrame):
    """The Styler of `_frame` (keyed by `content`, its digest) marshalled once and shared: the
    ArrowData.styler Streamlit's marshall_styler would make of fmt.table_styler, built without rendering a
    Styler (`styler_proto`), is stored on it and copied on every rerun (`_install_styler_memo`). Never
    mutated after this; st.dataframe only reads it."""
    # the Styler st.dataframe gets carries the data (numbers stay numbers: sortable) and its uuid; its text
    # is `styler_proto`'s, equal to marshall_styler of fmt.table_styler (whose 10+ `format` calls, ~1.5 ms
    # each, are skipped here)
    styler = _frame.to_pandas().style
    setattr(styler, _STYLER_PROTO, styler_proto(styler, lang, dict(decimals), dates).SerializeToString())
    _keep_arrow(styler.data)
    return styler


def styler_proto(styler, lang: str, decimals: dict[str, int], dates: tuple[str, ...]):
    """The ArrowData.styler that Streamlit's marshall_styler makes of `fmt.table_styler(styler.data, lang,
    decimals, dates)` with `styler`'s uuid (no caption or CSS, table_styler sets none; the text of every
    cell), the cell texts from fmt.table_display instead of the Styler's HTML render: ~5-30 ms for a table
    of 170 rows instead of 100-250 ms. tests/test_table_display.py checks it byte for byte."""
    import pandas as pd
    from streamlit import dataframe_util
    from streamlit.elements.lib import pandas_styler_utils
    from streamlit.proto.ArrowData_pb2 import ArrowData

    proto = ArrowData()
    data = styler.data
    if data.size > int(pd.options.styler.render.max_elements) or styler.caption is not None or styler.table_styles:
        pandas_styler_utils.marshall_styler(proto, fmt.table_styler(data, lang, decimals, dates).set_uuid(styler.uuid),
                                            "unused")      # what only Streamlit knows
        return proto.styler
    proto.styler.uuid = str(styler.uuid)
    # marshall_styler writes every cell's text into `data.astype(str)`; the same frame, built from the texts
    if len(data) == 0 or data.shape[1] == 0:
        shown = data.astype(str)
    else:
        shown = pd.concat([pd.Series(texts, index=data.index, dtype=str)
                           for texts in fmt.table_display(data, lang, decimals, dates)], axis=1)
        shown.columns = data.columns
    proto.styler.display_values = dataframe_util.convert_pandas_df_to_arrow_bytes(shown)
    return proto.styler


def _install_styler_memo() -> None:
    """st.dataframe marshals a Styler with `streamlit.elements.arrow.marshall_styler`; for a Styler from
    `_styled` copy its stored result instead (any other Styler goes the usual way). If a Streamlit
    upgrade moves the function, tables are still right, only formatted on every rerun again."""
    from streamlit.elements import arrow

    original = getattr(arrow, "marshall_styler", None)
    if original is None or getattr(original, "_cnscd_memo", False):
        return

    def marshall_styler(proto, styler, default_uuid):
        stored = getattr(styler, _STYLER_PROTO, None)
        if stored is None:
            return original(proto, styler, default_uuid)
        proto.styler.ParseFromString(stored)
    marshall_styler._cnscd_memo = True
    arrow.marshall_styler = marshall_styler


_install_styler_memo()


# ---- a shared table's data is turned into Arrow bytes once, not on every rerun --------------------------
# st.dataframe serialises the Styler's frame (`dataframe_util.convert_pandas_df_to_arrow_bytes`, ~1-5 ms)
# on every call; for the frames of `_styled` (shared, never changed) that is the same bytes every time.
_ARROW: dict[int, tuple[Any, bytes]] = {}      # id(frame) -> (weak reference to it, its Arrow bytes)


def _keep_arrow(frame) -> None:
    import weakref

    data = _ORIGINAL_TO_ARROW(frame)
    key = id(frame)
    _ARROW[key] = (weakref.ref(frame, lambda _ref: _ARROW.pop(key, None)), data)


def _install_arrow_memo() -> None:
    """Answer `convert_pandas_df_to_arrow_bytes` from `_ARROW` for the frames kept there (any other frame
    goes the usual way; a Streamlit that moves the function only serialises on every rerun again)."""
    from streamlit import dataframe_util

    global _ORIGINAL_TO_ARROW
    original = dataframe_util.convert_pandas_df_to_arrow_bytes
    if getattr(original, "_cnscd_memo", False):
        _ORIGINAL_TO_ARROW = original._cnscd_original
        return
    _ORIGINAL_TO_ARROW = original

    def convert_pandas_df_to_arrow_bytes(df, *args, **kwargs):
        entry = _ARROW.get(id(df))
        if entry is not None and entry[0]() is df and not args and not kwargs:
            return entry[1]
        return original(df, *args, **kwargs)
    convert_pandas_df_to_arrow_bytes._cnscd_memo = True
    convert_pandas_df_to_arrow_bytes._cnscd_original = original
    dataframe_util.convert_pandas_df_to_arrow_bytes = convert_pandas_df_to_arrow_bytes


_ORIGINAL_TO_ARROW: Callable[..., bytes]
_install_arrow_memo()


def card_tone(delta: str | None, higher_is_better: bool) -> str:
    """The colour st.metric gives a card's change (delta_color "normal", or "inverse" where lower is
    better): a change that starts with "-" is down, any other is up, none (or "0") is grey."""
    text = (delta or "").strip()
    if not text or text == "0":
        return "none"
    return "good" if (not text.startswith("-")) == higher_is_better else "bad"


def card_sparkline(card: dict) -> None:
    """A card's 12-month sparkline under its st.metric (issue 11 §5: st.metric's chart_data is a Vega
    chart the browser loads and runs before the page's first chart): the same place, size and colours,
    a month's value on hover, as an SVG picture in the card's HTML (`charts.sparkline.card_html`)."""
    html = card_html(card["spark"], card["spark_labels"], card_tone(card["delta"], card["higher_is_better"]))
    if html:
        st.html(html)


def demo_caption(is_demo: bool, lang: str) -> None:
    if is_demo:
        st.caption(f":red[**{t('demo_tag', lang).upper()}**] · {t('demo_footer', lang)}")


def warehouse_or_stop(lang: str) -> None:
    """Stop the page with a bilingual message when there is no warehouse to read."""
    from cnscd.store.warehouse import WarehouseError

    try:
        cache.connection()
    except WarehouseError as exc:
        st.error(str(exc))
        st.stop()


def editor_elsewhere(url_path: str):
    """A page that stands in for an editor-only page on a viewer: a shared link says where to go
    (the same page on the editor, when CNSCD_EDITOR_URL is set)."""
    def page() -> None:
        lg = lang()
        url = role.editor_url()
        target = f"{url.rstrip('/')}/{url_path}" if url else ""
        st.title(t("role_elsewhere_title", lg))
        st.info(t("role_elsewhere", lg, url=target or t("role_elsewhere_unknown", lg)))
        if target:
            st.link_button(target, target)
    page.__name__ = f"editor_elsewhere_{url_path.replace('-', '_')}"
    return page


def snapshot_note(reader, lang: str) -> None:
    """In the sidebar of a snapshot-following viewer: the snapshot's age, and a warning when stale."""
    if getattr(reader, "follower", None) is None:
        return
    caption, warning = role.snapshot_lines(reader.follower.status(), lang)
    if caption:
        st.sidebar.caption(caption)
    if warning:
        st.sidebar.warning(warning, icon=":material/history:")
