"""What the import page needs, without Streamlit (its texts are in cnscd/text/imports.py): tables shaped for display,
and the calls it makes, so pages/6_Nhap_lieu.py stays widgets only and this part is testable."""
from __future__ import annotations

from typing import Any

import polars as pl

from cnscd.text import column, t
from cnscd.ingest.plan import Plan, conflict_key
from cnscd.ingest.problems import frame as problems_frame

def problem_table(plan: Plan, lang: str) -> pl.DataFrame:
    """The report shown on the page: one message column in the chosen language (the CSV has both)."""
    f = problems_frame(plan.problems)
    labels = {"severity": t("import_col_severity", lang), "sheet": t("import_col_sheet", lang),
              "row": t("import_col_row", lang), "column": t("import_col_column", lang),
              "value": t("value", lang), column("message", lang): t("import_col_problem", lang)}
    return f.select(list(labels)).rename(labels)


def conflict_table(plan: Plan, lang: str, replace_all: bool) -> pl.DataFrame:
    c = plan.conflicts
    return pl.DataFrame({
        "key": [conflict_key(r) for r in c.iter_rows(named=True)],
        "row": c["row"], "unit_code": c["unit_code"], "indicator_code": c["indicator_code"],
        "period_end": c["period_end"], "old_value": c["old_value"], "old_source_id": c["old_source_id"],
        "new_value": c["new_value"], t("import_replace_col", lang): [replace_all] * c.height,
    }, schema_overrides={"row": pl.Int64})


def decisions(edited: Any, lang: str) -> tuple[list[str], list[str]]:
    """Keys to replace and to skip, from the conflicts table as st.data_editor returns it."""
    edited = edited if isinstance(edited, pl.DataFrame) else pl.DataFrame(edited)
    col = t("import_replace_col", lang)
    rep = edited.filter(pl.col(col))["key"].to_list()
    return rep, edited.filter(~pl.col(col))["key"].to_list()


def batch_labels(batches: pl.DataFrame) -> dict[str, str]:
    active = batches.filter(pl.col("status") == "active")
    return {r["batch_id"]: f"{r['batch_id']} · {r['file_name']} · {r['loaded_by']} · {r['rows_observation']}"
            for r in active.iter_rows(named=True)}
