"""Nguồn & phương pháp / Sources and method: every source with link and quote, indicator definitions,
boundary versions and layer provenance (which outlines are approximate), the method and the demo notice."""
from __future__ import annotations

import streamlit as st

from cnscd.ui import cache, widgets
from cnscd.text import t
from cnscd.views.sources import (article_figures, boundary_files, boundary_table, indicator_table, merger_text,
                                 source_table)

# ---- set-up ---------------------------------------------------------------------------------------
lang = widgets.lang()
widgets.warehouse_or_stop(lang)
st.title(t("page_sources", lang))
st.warning(t("demo_banner", lang), icon=":material/science:")
link = st.column_config.LinkColumn(t("col_link", lang))

# ---- sources --------------------------------------------------------------------------------------------
st.subheader(t("sources_title", lang))
widgets.table(source_table(cache.sources(), lang).select("title", "source_kind", "publisher", "published_date", "url",
                                                  "n_observations", "n_targets", "example_quote_vi", "licence", "note"),
         lang, key="sources_table", dates=("published_date",), column_config={t("col_link", lang): link},
         labels={"title": t("source", lang), "source_kind": t("col_kind", lang), "publisher": t("col_publisher", lang),
                 "published_date": t("col_date", lang), "url": t("col_link", lang),
                 "n_observations": t("col_figures", lang), "n_targets": t("target", lang),
                 "example_quote_vi": t("quote", lang), "licence": t("col_licence", lang), "note": t("col_note", lang)})

# ---- every article figure as the article words it ----------------------------------------------------------
st.subheader(t("article_figures_title", lang))
st.caption(t("article_figures_note", lang))
widgets.table(cache.view(article_figures, lang=lang).select(
    "short_name", "indicator_name", "record_text", "period_end", "value_text", "stated_pct_of_target", "quote_vi",
    "source_title", "source_url"), lang, key="article_figures_table", dates=("period_end",),
    decimals={"stated_pct_of_target": 1}, column_config={t("col_link", lang): link},
    labels={"short_name": t("unit_col", lang), "indicator_name": t("indicator", lang),
            "record_text": t("col_kind", lang), "period_end": t("period", lang), "value_text": t("value", lang),
            "stated_pct_of_target": t("achieved_stated", lang), "quote_vi": t("quote", lang),
            "source_title": t("source", lang), "source_url": t("col_link", lang)})

# ---- indicators ------------------------------------------------------------------------------------------
st.subheader(t("indicators_title", lang))
widgets.table(indicator_table(cache.indicators(), lang), lang, key="indicators_table",
         labels={"indicator_code": t("col_code", lang), "name": t("indicator", lang),
                 "description": t("col_definition", lang), "unit": t("unit_col", lang),
                 "aggregation": t("col_aggregation", lang), "numerator": t("col_numerator", lang),
                 "denominator": t("col_denominator", lang), "temporal": t("col_temporal", lang),
                 "is_core": t("col_is_core", lang)})

# ---- boundaries --------------------------------------------------------------------------------------------
st.subheader(t("boundaries_title", lang))
widgets.table(boundary_table(cache.boundary_versions(), lang), lang, key="boundary_table",
         dates=("valid_from_date", "valid_to_date"), column_config={t("col_link", lang): link},
         labels={"label": t("boundary_mode", lang), "valid_from_date": t("col_valid_from", lang),
                 "valid_to_date": t("col_valid_to", lang), "levels": t("level", lang),
                 "source_title": t("source", lang), "source_url": t("col_link", lang)})
layers = boundary_files()
st.markdown(f"**{t('approx_outlines', lang)}**")
if layers.height:
    widgets.table(layers.select("title", "units", "approximate_units", "source", "licence", "date", "file"), lang,
             key="layers_table",
             labels={"title": t("col_layer", lang), "units": t("col_units_n", lang),
                     "approximate_units": t("approx_outlines", lang), "source": t("source", lang),
                     "licence": t("col_licence", lang), "date": t("col_date", lang), "file": t("col_file", lang)})
else:
    st.info(t("no_geo", lang))
st.caption(merger_text(cache.query("province_crosswalk")))

# ---- method -------------------------------------------------------------------------------------------------
st.subheader(t("method_title", lang))
st.markdown(t("method_text", lang))
info = cache.build_info()
st.caption(t("build_info", lang, built=info.get("built_at", "–"), seed=info.get("demo_seed", "–")))
