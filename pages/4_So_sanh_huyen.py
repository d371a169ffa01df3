"""So sánh huyện / Compare districts: inside one province, the legacy districts (until June 2025) or
the communes of the 34 provinces (from July 2025): ranking bars against the province line, a sortable
table with sparklines, a scatter of two indicators, small multiples of the monthly trend."""
from __future__ import annotations

import streamlit as st

from cnscd import collate, fmt, months
from cnscd.ui import cache, state, unit_picker, widgets
from cnscd.views import districtdata
from cnscd.charts import districts
from cnscd.text import CHILDREN_KEYS, pick, t, word

# --- set-up -------------------------------------------------------------------------------------
lang = widgets.lang()
widgets.warehouse_or_stop(lang)
st.title(t("districts_title", lang))

# --- controls: period first (it decides the boundary version), then province and indicators -----
period = widgets.period_select(lang)
version = cache.version_at(period)
c1, c2, c3 = st.columns(3)
prov = collate.sort(cache.provinces(version), "short_name")
prov_names = dict(zip(prov["unit_code"], prov["short_name"]))
# URL `unit` = `2025:82` / `legacy:87`; a unit of the other version or an old link's bare code is carried across
unit = unit_picker.unit_select(lang, version, prov_names, t("province", lang), default="01", container=c1)
province = unit.code
ind_code = widgets.indicator_select(lang, container=c2)
ind2_code = widgets.indicator_select(lang, name="ind2", container=c3, label=t("indicator_y", lang),
                                default="members" if ind_code != "members" else "teams_total")
ind, ind2 = cache.indicator(ind_code), cache.indicator(ind2_code)

# --- data ---------------------------------------------------------------------------------------
where = dict(period_end=period, version=version, province=province)
rank = cache.view(districtdata.ranking, indicator=ind_code, higher_is_better=bool(ind["higher_is_better"]), **where)
trend = cache.view(districtdata.series, indicator=ind_code, **where)
ref = districtdata.province_reference(cache.query, indicator=ind_code, aggregation=ind["aggregation"],
                                      child_values=rank["value"].to_list(), **where)
pair = cache.view(districtdata.pair, x=ind_code, y=ind2_code, **where)

# --- words every chart carries ------------------------------------------------------------------
name_of = lambda row: pick(row, "name", lang)  # noqa: E731
unit_of = lambda row: pick(row, "unit_of_measure", lang)  # noqa: E731
children = word(CHILDREN_KEYS, version, lang)
place = unit_picker.place(lang, unit, prov_names[province])
# every chart of the view names the sources and demo flag of the ranking (the one frame of all units)
common = dict(period=fmt.month(period, lang), boundary_version=cache.version_label(version, lang),
              filters={t("province", lang): place})
place_in = {lg: unit_picker.place(lg, unit, prov_names[province]) for lg in ("vi", "en")}  # every title names it
# counts whole, rates one decimal (cnscd.fmt), on the bars, axes, table and exports alike
dec = fmt.decimals_of_measure(ind, "abs", rank["value"].drop_nulls().to_list())
m_rank = widgets.chart_meta(rank, lambda lg: t("ranking_title", lg, children=word(CHILDREN_KEYS, version, lg),
                                            place=place_in[lg], ind=pick(ind, "name", lg)), lang, data=rank.drop("n_ranked", "has_report"), unit=unit_of(ind),
                       name=f"rank_{ind_code}_{version}_{province}",
                       column_labels=districtdata.column_labels(rank, lang),
                       decimals={"value": dec, "target_value": dec, "pct_target": 1, "rank": 0}, **common)
st.caption(f"{place} · {children} · {common['period']} · {common['boundary_version']}")
unit_picker.lineage_block(lang, unit)
widgets.demo_caption(m_rank.is_demo, lang)
# each chart built once per view and snapshot (cache.figure), shown and exported as is
view = dict(indicator=ind_code, ind2=ind2_code, period=period, version=version, province=province, lang=lang)

# --- ranking bars with the province line --------------------------------------------------------
ref_label = t("province_value" if ind["aggregation"] == "ratio" else "province_avg", lang)
nbars = state.select("nbars", t("bars_shown", lang), [20, 40, 0], 40, kind="segmented",
                     format_func=lambda n: t("bars_all", lang) if n == 0 else t("bars_ends", lang, n=n // 2))
f_rank = cache.figure("d_rank", lambda: districts.ranking_bars(
    rank, m_rank, reference=ref, reference_label=ref_label, decimals=dec, no_report_label=t("no_report", lang),
    limit=nbars or None), m_rank, nbars=nbars, **view)
widgets.chart(f_rank, m_rank, key="d_rank")

# --- sortable table with sparklines -------------------------------------------------------------
st.subheader(t("table_title", lang))
tab = districtdata.table(rank, trend)
labels = districtdata.column_labels(tab, lang)
widgets.table(tab, lang, labels=labels, decimals={"value": dec, "target_value": dec, "pct_target": 1}, key="d_table",
         column_config={labels["trend"]: st.column_config.LineChartColumn(labels["trend"], width="medium")})

# --- scatter of two indicators ------------------------------------------------------------------
x_t, y_t = f"{name_of(ind)} ({unit_of(ind)})", f"{name_of(ind2)} ({unit_of(ind2)})"
dec2 = fmt.decimals_of_measure(ind2, "abs", pair["y"].drop_nulls().to_list())
m_sc = widgets.chart_meta(rank, lambda lg: t("scatter_title", lg, x=pick(ind, "name", lg), y=pick(ind2, "name", lg),
                                                place=place_in[lg]), lang,
                     data=pair, unit=f"{unit_of(ind)} · {unit_of(ind2)}", name=f"scatter_{ind_code}_{ind2_code}",
                     column_labels=districtdata.column_labels(pair, lang, x=x_t, y=y_t),
                     decimals={"x": dec, "y": dec2}, **common)
f_sc = cache.figure("d_scatter", lambda: districts.scatter(pair, m_sc, x_title=x_t, y_title=y_t, x_decimals=dec,
                                                          y_decimals=dec2), m_sc, **view)
widgets.chart(f_sc, m_sc, key="d_scatter")

# --- small multiples ----------------------------------------------------------------------------
n = state.select("nmult", t("multiples_n", lang), [4, 8, 12, 16, 24], 12, kind="segmented")
order = districtdata.top_units(rank, n)
m_sm = widgets.chart_meta(rank, lambda lg: t("multiples_title", lg, ind=pick(ind, "name", lg), place=place_in[lg]), lang,
                     data=districtdata.series_of(trend, order), unit=unit_of(ind),
                     name=f"multiples_{ind_code}_{version}_{province}",
                     column_labels=districtdata.column_labels(trend, lang), decimals={"value": dec},
                     **(common | {"period": f"{fmt.month(months.back(period, 11), lang)} – {common['period']}"}))
f_sm = cache.figure("d_multiples", lambda: districts.small_multiples(trend, m_sm, order=order, decimals=dec), m_sm,
                   order=order, **view)
widgets.chart(f_sm, m_sm, key="d_multiples")

# --- the whole view as slides / PDF report --------------------------------------------------------
widgets.view_downloads("districts_view", [(f_rank, m_rank), (f_sc, m_sc), (f_sm, m_sm)],
                       t("view_title", lang, page=t("page_compare_districts", lang), place=place),
                       {t("province", lang): place, t("indicator", lang): name_of(ind), t("period", lang): common["period"]},
                       lang, cover=widgets.cover_line(place, common["period"], common["boundary_version"], lang))
