"""Sources & method: the boundary layer files with their provenance sidecars and how many of their
outlines are approximate. Reads only the small `is_approximate` column of each layer (no geometry)."""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl

GEO_LAYERS = Path(__file__).resolve().parents[2] / "geo" / "layers"


def boundary_files(directory: Path | None = None) -> pl.DataFrame:
    """One row per committed layer: file, title, source, licence, date, units, approximate units."""
    directory = directory or GEO_LAYERS
    rows = []
    for path in sorted(directory.glob("*.parquet")):
        meta_path = path.with_name(path.name + ".meta.json")
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        n = approx = None
        try:
            flags = pl.read_parquet(path, columns=["is_approximate"])["is_approximate"]
            n, approx = flags.len(), int(flags.fill_null(True).sum())
        except Exception:  # noqa: BLE001 - a layer without the column is listed, not counted
            pass
        rows.append({"file": path.name, "title": meta.get("title"), "source": meta.get("source"),
                     "licence": meta.get("licence"), "date": meta.get("date"),
                     "url": meta.get("url_or_package"), "units": n, "approximate_units": approx,
                     "description": meta.get("description")})
    schema = {"file": pl.String, "title": pl.String, "source": pl.String, "licence": pl.String, "date": pl.String,
              "url": pl.String, "units": pl.Int64, "approximate_units": pl.Int64, "description": pl.String}
    return pl.DataFrame(rows, schema=schema)


def boundary_table(versions: pl.DataFrame, lang: str) -> pl.DataFrame:
    return versions.select(pl.col("label_en" if lang == "en" else "label_vi").alias("label"), "valid_from_date",
                           "valid_to_date", "levels", "source_title", "source_url")


def merger_text(crosswalk: pl.DataFrame, limit: int = 40) -> str:
    """'63 → 34 · Tiền Giang → Đồng Tháp, ...': the province-level crosswalk in one line."""
    if crosswalk.height == 0:
        return ""
    moved = crosswalk.filter(pl.col("from_name") != pl.col("to_name")).head(limit)
    pairs = ", ".join(f"{r['from_name']} → {r['to_name']}" for r in moved.iter_rows(named=True))
    return f"{crosswalk['from_code'].n_unique()} → {crosswalk['to_code'].n_unique()} · {pairs}"


RECORD = {"observation": ("kết quả", "result"), "target": ("mục tiêu", "target")}
DERIVED = ("suy ra", "derived")


def article_figures(query, lang: str = "vi") -> pl.DataFrame:
    """Every figure and target read from an article, the number as the article words it ("hơn 74.422"
    via fmt.qualified), a back-calculated target marked "(suy ra / derived)", the % of target the article
    states, the sentence and the source."""
    from cnscd import fmt

    f = query("article_figures")
    en = lang == "en"
    texts = []
    for r in f.iter_rows(named=True):
        uom = r["unit_of_measure_en" if en else "unit_of_measure"] or ""
        is_pct = "%" in (r["unit_of_measure"] or "")
        text = fmt.qualified(r["value"], r["value_qualifier"], lang, fmt.decimals_of(r["value"]), is_pct)
        text = text if is_pct else f"{text} {uom}"
        if r["target_is_derived"]:
            text += f" ({DERIVED[en]})"
        texts.append(text)
    return f.with_columns(value_text=pl.Series(texts, dtype=pl.String),
                          record_text=pl.col("record").replace_strict({k: v[en] for k, v in RECORD.items()}),
                          indicator_name=pl.col("name_en" if en else "name_vi"))
