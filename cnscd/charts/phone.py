"""A chart for a 390 px phone: a copy of the finished figure with its words and legend fitted to the
~366 px the chart gets there, made once per figure object; the exports (and every wider screen) keep the
figure as it is (issue 11 §4). Plain Plotly, no Streamlit: `widgets.chart` calls `for_phone` when
`layout.is_phone()`."""
from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

# A figure's title, subtitle and footer (source line, demo label) are wrapped on the server for the width
# the figure is made for (plotly's 700 px unless it says); on a 390 px phone the chart is ~366 px wide and
# they ran out of it, cut (issue 11 §4: the compare chart's long source line). The phone gets a copy with
# them wrapped to its width, made once per figure object; the exports keep the figure as it is.
PHONE_CHART_PX = 390 - 2 * 12        # the phone's width less the main block's 0.75 rem padding (layout.CSS)
_PHONE: dict[int, tuple[Any, go.Figure]] = {}


PHONE_AXIS_PX = 110   # what a y axis' numbers and title take on a phone chart (automargin), at most
PHONE_GRID_TICKS_PX = 32
PHONE_LABEL_PX = 140       # a bar's name on a phone: wrapped to two lines beyond this
PHONE_ROW_EXTRA_PX = 9     # and every row of the chart taller by this, so two lines fit (22 -> 31 px)


def _wrap_bar_labels(fig: go.Figure) -> None:
    """A ranking's unit names ("… 62 đơn vị khác trong 102 (đủ trong bảng)", "Phương Thịnh (chưa báo
    cáo)") took ~290 px of a 366 px phone chart, leaving the bars ~70: on a phone they wrap to two
    lines of at most PHONE_LABEL_PX and the rows grow to hold them."""
    from cnscd.charts import textfit

    ax = fig.layout.yaxis
    if not ax.ticktext or not any(getattr(tr, "orientation", None) == "h" for tr in fig.data):
        return
    size = ax.tickfont.size or fig.layout.font.size or 12
    wrapped = ["<br>".join(textfit.wrap(str(x), size, PHONE_LABEL_PX, most=2)) for x in ax.ticktext]
    if wrapped == [str(x) for x in ax.ticktext]:
        return
    fig.update_layout(yaxis_ticktext=wrapped, height=(fig.layout.height or 450) + PHONE_ROW_EXTRA_PX * len(wrapped))


def _axis_px(fig: go.Figure) -> int:
    """What the y axis' labels take left of the plot (plotly's automargin, where the footer starts): a bar
    chart's unit names ("Phương Thịnh (chưa báo cáo)", ~170 px) take more than numbers."""
    from cnscd.charts import textfit

    size = fig.layout.yaxis.tickfont.size or fig.layout.font.size or 12
    bars = [tr for tr in fig.data if getattr(tr, "orientation", None) == "h" and tr.y is not None]
    shown = fig.layout.yaxis.ticktext if bars and fig.layout.yaxis.ticktext else [v for tr in bars for v in tr.y]
    names = [line for v in shown for line in str(v).split("<br>")]
    longest = max((textfit.text_width(n, size) for n in names), default=0)
    title = round(1.3 * size) + 8 if fig.layout.yaxis.title.text else 0
    return max(PHONE_AXIS_PX, round(longest) + 12 + title)


def for_phone(fig: go.Figure) -> go.Figure:
    import weakref

    from cnscd.charts import base, textfit

    entry = _PHONE.get(id(fig))
    if entry is not None and entry[0]() is fig:
        return entry[1]
    phone = go.Figure(fig)
    line_px = round(base.FOOTER_SIZE * 1.3)           # plotly sets the lines of a text 1.3 em apart
    margin = phone.layout.margin
    # the footer starts at the plot's left edge, which plotly's automargin moves right of margin.l for the
    # y axis' tick labels and title ("100.000", "tổ": ~100 px on the compare chart): wrap for the wider one
    _wrap_bar_labels(phone)
    width = PHONE_CHART_PX - max(margin.l if margin.l is not None else 80, _axis_px(phone)) - 8
    # a grid of small plots (the district small multiples): ~75 px columns turn the date ticks upright,
    # ~30 px longer than the footer's 48 px under the plot leaves them
    ticks = PHONE_GRID_TICKS_PX if sum(1 for k in phone.layout if k.startswith("xaxis")) > 2 else 0
    grown = 0
    for ann in phone.layout.annotations:
        if ticks and ann.name in ("cnscd_footer", "cnscd_notes"):
            ann.yshift = (ann.yshift or 0) - ticks
    for ann in phone.layout.annotations:
        if ann.name not in ("cnscd_footer", "cnscd_notes") or not ann.text:
            continue
        old = ann.text.split("<br>")
        new = textfit.wrap(" ".join(old), base.FOOTER_SIZE, width)
        if ann.name == "cnscd_notes":
            ann.yshift -= grown                          # below the footer's new lines
        grown += (len(new) - len(old)) * line_px
        ann.text = "<br>".join(new)
    if grown or ticks:
        phone.update_layout(margin_b=(margin.b or 0) + grown + ticks)
    _legend_below(phone)
    _reference_inside(phone)
    title = phone.layout.title
    if title.text:
        size = 1.4 * (phone.layout.font.size or 12)    # plotly's title: 1.4 × the layout's font
        plain = title.text.removeprefix("<b>").removesuffix("</b>")
        lines = textfit.wrap(plain, size, (PHONE_CHART_PX - 16) * 0.92)   # bold: ~8 % wider than measured
        sub = textfit.wrap(title.subtitle.text, phone.layout.font.size or 12, PHONE_CHART_PX - 16) \
            if title.subtitle.text else []
        # plotly sets the subtitle under the title's last line: each further line of either lowers the plot
        extra = round(1.3 * size) * (len(lines) - 1) + round(1.3 * (phone.layout.font.size or 12)) * max(0, len(sub) - 1)
        phone.update_layout(title_text="<br>".join(f"<b>{x}</b>" for x in lines),
                            title_subtitle_text="<br>".join(sub), margin_t=(margin.t or 0) + 2 * extra)
    if phone.layout.height:
        # the plot keeps a readable height whatever the words and the legend took (the rank chart's plot
        # was ~40 px tall under its wrapped title)
        m = phone.layout.margin
        plot = phone.layout.height - (m.t or 0) - (m.b or 0)
        if plot < PHONE_MIN_PLOT_PX:
            phone.update_layout(height=phone.layout.height + PHONE_MIN_PLOT_PX - plot)
    key = id(fig)
    _PHONE[key] = (weakref.ref(fig, lambda _ref: _PHONE.pop(key, None)), phone)
    return phone


PHONE_MIN_PLOT_PX = 280      # a phone chart's plot area, at least
PHONE_TICKS_PX = 48          # under the plot: the x axis' tick labels (the footer's own yshift leaves them this)
PHONE_LEGEND_ROW_PX = 22     # one legend entry of a column (12 px font, tracegroupgap 2)


PHONE_REFERENCE_PX = 150   # a reference line's label on a phone ("Trung bình mỗi đơn vị có báo cáo: 29,6")


def _reference_inside(phone: go.Figure) -> None:
    """A ranking's reference-line label, centred on the line above the plot, ran past a phone chart's right
    edge: it is wrapped to PHONE_REFERENCE_PX and set beside the line, towards the plot's wider side."""
    from cnscd.charts import textfit

    xs = [v for tr in phone.data if getattr(tr, "orientation", None) == "h" and tr.x is not None
          for v in tr.x if v is not None]
    for ann in phone.layout.annotations:
        if ann.name != "reference" or not isinstance(ann.x, (int, float)) or not ann.text:
            continue
        size = (ann.font.size if ann.font and ann.font.size else None) or phone.layout.font.size or 12
        lines = textfit.wrap(ann.text, size, PHONE_REFERENCE_PX)
        side = "left" if ann.x <= max(xs, default=0) / 2 else "right"
        ann.update(text="<br>".join(lines), xanchor=side, align=side)
        if len(lines) > 1:
            phone.update_layout(margin_t=(phone.layout.margin.t or 0) + round(1.3 * size) * (len(lines) - 1))


def _legend_below(phone: go.Figure) -> None:
    """A legend at the right of the plot takes half a phone's width (the compare chart's plot was ~40 px
    wide): on a phone it goes under the plot, one entry a line, between the tick labels and the footer,
    and the figure grows by its height, so nothing overlaps and nothing scrolls."""
    lay = phone.layout
    if lay.showlegend is False or lay.legend.orientation == "h" or (lay.legend.x is not None and lay.legend.x < 1):
        return
    entries = sum(1 for tr in phone.data if tr.showlegend is not False and tr.name)
    if entries < 2 and lay.showlegend is not True:
        return                                          # plotly shows no legend for a single trace
    rows_px = entries * PHONE_LEGEND_ROW_PX + 8
    m = lay.margin
    height = lay.height or 450
    plot = max(PHONE_MIN_PLOT_PX, height - (m.t or 0) - (m.b or 0))
    bottom = (m.b or 0) + rows_px
    for ann in lay.annotations:
        if ann.name in ("cnscd_footer", "cnscd_notes"):
            ann.yshift = (ann.yshift or 0) - rows_px
    phone.update_layout(height=(m.t or 0) + plot + bottom, margin_b=bottom,
                        legend={"orientation": "v", "x": 0, "xanchor": "left", "y": -PHONE_TICKS_PX / plot,
                                "yanchor": "top"})
