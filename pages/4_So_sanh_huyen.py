"""So sánh huyện / Compare districts: inside one province, the legacy districts (until June 2025) or
the communes of the 34 provinces (from July 2025): ranking bars against the province line, a sortable
table with sparklines, a scatter of two indicators, small multiples of the monthly trend."""
from __future__ import annotations

import polars as pl
import streamlit as st

from cnscd import data, districtdata, fmt, state, ui, unit_ui
from cnscd.charts import districts
from cnscd.export import ChartMeta
from cnscd.text import CHILDREN_KEYS, pick, t, word

# --- set-up -------------------------------------------------------------------------------------
lang = ui.lang()
ui.warehouse_or_stop(lang)
st.title(t("districts_title", lang))

# --- controls: period first (it decides the boundary version), then province and indicators -----
period = ui.period_select(lang)
version = data.version_at(period)
c1, c2, c3 = st.columns(3)
prov = data.provinces(version).sort("short_name")
prov_names = dict(zip(prov["unit_code"], prov["short_name"]))
# URL `unit` = `2025:82` / `legacy:87`; a unit of the other version or an old link's bare code is carried across
unit = unit_ui.unit_select(lang, version, prov_names, t("province", lang), default="01", container=c1)
province = unit.code
ind_code = ui.indicator_select(lang, container=c2)
ind2_code = ui.indicator_select(lang, name="ind2", container=c3, label=t("indicator_y", lang),
                                default="members" if ind_code != "members" else "teams_total")
ind, ind2 = data.indicator(ind_code), data.indicator(ind2_code)

# --- data ---------------------------------------------------------------------------------------
where = dict(period_end=period, version=version, province=province)
rank = data.view(districtdata.ranking, indicator=ind_code, higher_is_better=bool(ind["higher_is_better"]), **where)
trend = data.view(districtdata.series, indicator=ind_code, **where)
ref = districtdata.province_reference(data.query, indicator=ind_code, aggregation=ind["aggregation"],
                                      child_values=rank["value"].to_list(), **where)
pair = data.view(districtdata.pair, x=ind_code, y=ind2_code, **where)

# --- words every chart carries ------------------------------------------------------------------
name_of = lambda row: pick(row, "name", lang)  # noqa: E731
unit_of = lambda row: pick(row, "unit_of_measure", lang)  # noqa: E731
children = word(CHILDREN_KEYS, version, lang)
place = unit_ui.place(lang, unit, prov_names[province])
sources = ", ".join(rank["source_title"].drop_nulls().unique().sort().to_list()) or "–"
is_demo = bool(rank["is_demo"].fill_null(False).any())
common = dict(period=fmt.month(period, lang), boundary_version=data.version_label(version, lang),
              source=sources, is_demo=is_demo, lang=lang, filters={t("province", lang): place})
dec = fmt.decimals_for(unit_of(ind), rank["value"].drop_nulls().to_list())
st.caption(f"{place} · {children} · {common['period']} · {common['boundary_version']}")
unit_ui.lineage_block(lang, unit)
ui.demo_caption(is_demo, lang)

# --- ranking bars with the province line --------------------------------------------------------
m_rank = ChartMeta(title_vi=t("ranking_title", "vi", children=word(CHILDREN_KEYS, version, "vi"), ind=ind["name_vi"]),
                   title_en=t("ranking_title", "en", children=word(CHILDREN_KEYS, version, "en"), ind=ind["name_en"]),
                   unit=unit_of(ind), data=rank.drop("n_ranked", "has_report"),
                   name=f"rank_{ind_code}_{version}_{province}",
                   column_labels=districtdata.column_labels(rank, lang), **common)
ref_label = t("province_value" if ind["aggregation"] == "ratio" else "province_avg", lang)
nbars = state.select("nbars", t("bars_shown", lang), [20, 40, 0], 40, kind="segmented",
                     format_func=lambda n: t("bars_all", lang) if n == 0 else t("bars_ends", lang, n=n // 2))
ui.chart(lambda chrome=True: districts.ranking_bars(rank, m_rank, reference=ref, reference_label=ref_label,
                                                    decimals=dec, no_report_label=t("no_report", lang),
                                                    limit=nbars or None, chrome=chrome), m_rank, key="d_rank")

# --- sortable table with sparklines -------------------------------------------------------------
st.subheader(t("table_title", lang))
tab = districtdata.table(rank, trend)
labels = districtdata.column_labels(tab, lang)
ui.table(tab, lang, labels=labels, decimals={"value": dec, "target_value": dec, "pct_target": 1}, key="d_table",
         column_config={labels["trend"]: st.column_config.LineChartColumn(labels["trend"], width="medium")})

# --- scatter of two indicators ------------------------------------------------------------------
x_t, y_t = f"{name_of(ind)} ({unit_of(ind)})", f"{name_of(ind2)} ({unit_of(ind2)})"
m_sc = ChartMeta(title_vi=t("scatter_title", "vi", x=ind["name_vi"], y=ind2["name_vi"]),
                 title_en=t("scatter_title", "en", x=ind["name_en"], y=ind2["name_en"]),
                 unit=f"{unit_of(ind)} · {unit_of(ind2)}", data=pair, name=f"scatter_{ind_code}_{ind2_code}",
                 column_labels=districtdata.column_labels(pair, lang, x=x_t, y=y_t), **common)
dec2 = fmt.decimals_for(unit_of(ind2), pair["y"].to_list())
ui.chart(lambda chrome=True: districts.scatter(pair, m_sc, x_title=x_t, y_title=y_t, x_decimals=dec,
                                               y_decimals=dec2, chrome=chrome), m_sc, key="d_scatter")

# --- small multiples ----------------------------------------------------------------------------
n = state.select("nmult", t("multiples_n", lang), [4, 8, 12, 16, 24], 12, kind="segmented")
order = districtdata.top_units(rank, n)
m_sm = ChartMeta(title_vi=t("multiples_title", "vi", ind=ind["name_vi"]),
                 title_en=t("multiples_title", "en", ind=ind["name_en"]), unit=unit_of(ind),
                 data=trend.filter(pl.col("unit_code").is_in(order)), name=f"multiples_{ind_code}_{version}_{province}",
                 column_labels=districtdata.column_labels(trend, lang),
                 **(common | {"period": f"{fmt.month(districtdata.months_back(period, 11), lang)} – {common['period']}"}))
ui.chart(lambda chrome=True: districts.small_multiples(trend, m_sm, order=order, decimals=dec, chrome=chrome),
         m_sm, key="d_multiples")

# --- the whole view as slides / PDF report --------------------------------------------------------
ui.view_downloads("districts_view", [
    (lambda chrome=True: districts.ranking_bars(rank, m_rank, reference=ref, reference_label=ref_label, decimals=dec,
                                                no_report_label=t("no_report", lang), limit=nbars or None,
                                                chrome=chrome), m_rank),
    (lambda chrome=True: districts.scatter(pair, m_sc, x_title=x_t, y_title=y_t, x_decimals=dec, y_decimals=dec2,
                                           chrome=chrome), m_sc),
    (lambda chrome=True: districts.small_multiples(trend, m_sm, order=order, decimals=dec, chrome=chrome), m_sm),
], t("page_compare_districts", lang), {t("indicator", lang): name_of(ind), t("period", lang): common["period"]}, lang)
