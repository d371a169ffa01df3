"""Sources & method: the boundary layer files with their provenance sidecars and how many of their
outlines are approximate. Reads only the small `is_approximate` column of each layer (no geometry)."""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from cnscd.text import column, in_lang, pick, t

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
    levels = pl.col("levels").str.split(",").list.eval(
        pl.element().replace({code: t(key, lang) for code, key in LEVEL_KEYS.items()})).list.join(", ")
    return in_lang(versions, "source_title", lang).select(pl.col(column("label", lang)).alias("label"),
                                                          "valid_from_date", "valid_to_date", levels,
                                                          "source_title", "source_url")


def merger_text(crosswalk: pl.DataFrame, limit: int = 40) -> str:
    """'63 → 34 · Tiền Giang → Đồng Tháp, ...': the province-level crosswalk in one line."""
    if crosswalk.height == 0:
        return ""
    moved = crosswalk.filter(pl.col("from_name") != pl.col("to_name")).head(limit)
    pairs = ", ".join(f"{r['from_name']} → {r['to_name']}" for r in moved.iter_rows(named=True))
    return f"{crosswalk['from_code'].n_unique()} → {crosswalk['to_code'].n_unique()} · {pairs}"


# codes the sources page shows as words: code -> text key
RECORD_KEYS = {"observation": "record_observation", "target": "record_target"}
SOURCE_KIND_KEYS = {"article": "kind_article", "reference": "kind_reference", "demo": "kind_demo",
                    "estimate": "kind_estimate", "package": "kind_package", "import": "kind_import"}
AGGREGATION_KEYS = {"sum": "agg_sum", "ratio": "agg_ratio", "none": "agg_none"}
TEMPORAL_KEYS = {"cumulative": "temporal_cumulative", "stock": "temporal_stock", "flow": "temporal_flow",
                 "rate": "temporal_rate"}
LEVEL_KEYS = {"nation": "nation", "province": "level_province", "district": "level_district",
              "commune": "level_commune", "village": "level_village"}


def _words(col: str, keys: dict[str, str], lang: str) -> pl.Expr:
    """A code column as words; an unknown code stays as it is (never dropped)."""
    return pl.col(col).replace({code: t(key, lang) for code, key in keys.items()})


def source_table(sources: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The source list with its kind in words and its title in `lang`."""
    return in_lang(sources, "title", lang).with_columns(_words("source_kind", SOURCE_KIND_KEYS, lang))


def indicator_table(catalogue: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Indicator definitions in `lang`: name, definition, unit, how it is aggregated and what kind of figure
    it is in words, numerator and denominator by name."""
    names = dict(zip(catalogue["indicator_code"], catalogue[column("name", lang)]))
    return catalogue.select(
        "indicator_code", pl.col(column("name", lang)).alias("name"),
        pl.col(column("description", lang)).alias("description"),
        pl.col(column("unit_of_measure", lang)).alias("unit"),
        _words("aggregation", AGGREGATION_KEYS, lang), pl.col("numerator_code").replace(names).alias("numerator"),
        pl.col("denominator_code").replace(names).alias("denominator"), _words("temporal", TEMPORAL_KEYS, lang),
        "is_core")


def article_figures(query, lang: str = "vi") -> pl.DataFrame:
    """Every figure and target read from an article, the number as the article words it ("hơn 74.422"
    via fmt.qualified), a back-calculated target marked "(suy ra / derived)", the % of target the article
    states, the sentence and the source."""
    from cnscd import fmt

    f = in_lang(query("article_figures"), "source_title", lang)
    texts = []
    for r in f.iter_rows(named=True):
        uom = pick(r, "unit_of_measure", lang) or ""
        is_pct = "%" in (r["unit_of_measure"] or "")
        text = fmt.qualified(r["value"], r["value_qualifier"], lang, fmt.decimals_of(r["value"]), is_pct)
        text = text if is_pct else f"{text} {uom}"
        if r["target_is_derived"]:
            text += f" ({t('derived', lang)})"
        texts.append(text)
    return f.with_columns(value_text=pl.Series(texts, dtype=pl.String),
                          record_text=pl.col("record").replace_strict({k: t(v, lang) for k, v in RECORD_KEYS.items()}),
                          indicator_name=pl.col(column("name", lang)))
