"""Every seed figure is in data/seed_figures.csv, at the right unit, date and value, with its quote.

The EXPECTED list below was typed from the articles independently of the CSV: (record, unit_code,
indicator_code, period_end, value, the number as the article writes it). The loader's checks are
exercised on broken copies, and the rows are inserted into the real schema to prove the keys hold.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import sqlite3
from importlib import resources
from pathlib import Path

import polars as pl
import pytest

from data import seeds
from tests import tiny_warehouse

O, T = "observation", "target"
EXPECTED = [
    # 000 Đồng Tháp, two years of the pilot (undated; 30/6/2024 inferred)
    (O, "87", "teams_village", "2024-06-30", 506, "506"), (O, "87", "teams_commune", "2024-06-30", 19, "19 Tổ"),
    (O, "87", "provincial_app_installs", "2024-06-30", 6800, "6.800"),
    (O, "87", "ewallet_installs", "2024-06-30", 4292, "4.292"), (O, "87", "shops_epayment", "2024-06-30", 739, "739"),
    (O, "87", "people_guided_dvc", "2024-06-30", 21438, "21.438"),
    (O, "87", "payment_dossiers_online", "2024-06-30", 4659, "4.659"),
    (O, "87", "vneid_activations", "2024-06-30", 46189, "46.189"),
    (O, "87", "other_app_installs", "2024-06-30", 10303, "10.303"),
    (O, "87", "members_honoured", "2023-10-10", 1, "01 cá nhân"),
    # 001 Đồng Tháp, pilot start (undated; July 2022 inferred)
    (O, "87", "districts_with_team", "2022-07-31", 9, "9/12"), (O, "87", "districts_total", "2022-07-31", 12, "9/12"),
    (O, "87", "members", "2022-07-31", 60, "hơn 60"),
    # 002 national summary (report of 15/6/2023) and Bình Phước
    (O, "VN", "provinces_with_teams", "2023-06-15", 63, "63/63"), (O, "VN", "teams_total", "2023-06-15", 74422, "74.422"),
    (O, "VN", "members", "2023-06-15", 348362, "348.362"),
    (O, "VN", "provinces_teams_all_communes", "2023-06-15", 52, "52/63"),
    (O, "VN", "members_trained", "2022-09-30", 255545, "255.545"),
    (O, "VN", "provinces_training_held", "2022-09-30", 59, "59/63"),
    (O, "70", "teams_total", "2023-06-16", 956, "956"), (O, "70", "members", "2023-06-16", 5400, "5.400"),
    (O, "70", "zalo_channel_members", "2023-06-16", 116, "116"),
    (O, "70", "people_trained_campaign", "2022-08-31", 163410, "163.410"),
    (O, "70", "enterprises_ecommerce", "2022-08-31", 220, "220"), (O, "70", "products_ecommerce", "2022-08-31", 466, "466"),
    (O, "70", "businesses_einvoice", "2022-08-31", 8000, "8.000"),
    # 003 Đồng Tháp digital transformation, published 07/04/2023
    (O, "87", "districts_with_dx_plan", "2023-04-07", 12, "12/12"),
    (O, "87", "admin_procedures_online_full_pct", "2023-04-07", 100, "100%"),
    (O, "87", "documents_electronic_pct", "2023-04-07", 100, "100%"),
    (O, "87", "agencies_open_data_pct", "2023-04-07", 30, "30%"),
    (O, "87", "officials_trained_digital_pct", "2023-04-07", 79.2, "79,2%"),
    (O, "87", "smes_ecommerce_pct", "2023-04-07", 57, "57%"), (O, "87", "online_shopping_pct", "2023-04-07", 56.67, "56,67%"),
    (O, "87", "ocop_products_ecommerce_pct", "2023-04-07", 100, "100%"), (O, "87", "farmers_iot_pct", "2023-04-07", 10, "10%"),
    (O, "87", "labour_productivity_growth_pct", "2022-12-31", 13.77, "13,77%"),
    (O, "87", "households_broadband_pct", "2023-04-07", 79.5, "79,5%"),
    (O, "87", "smartphone_subscribers_pct", "2023-04-07", 75.3, "75,3%"),
    (O, "87", "epayment_account_pct", "2023-04-07", 55, "55%"), (O, "87", "digital_skills_pct", "2023-04-07", 50, "50%"),
    (O, "87", "digital_identity_pct", "2023-04-07", 100, "100%"), (O, "87", "schools_digital_pct", "2023-04-07", 80, "80%"),
    (O, "87", "ehealth_records_pct", "2023-04-07", 80, "80%"), (O, "87", "clinics_telehealth_pct", "2023-04-07", 81.5, "81,5%"),
    (O, "87", "dx_training_classes", "2023-04-07", 4, "4 lớp"),
    (T, "87", "dti_rank", "2025-12-31", 25, "top 25"), (T, "87", "dti_rank", "2030-12-31", 20, "top 20"),
    # 004 Hà Nam: Xã Thanh Tâm (13492) and Huyện Thanh Liêm (351), undated (mid-2024 inferred)
    (O, "13492", "members", "2022-07-31", 32, "32 thành viên"), (O, "13492", "villages_with_team", "2024-06-30", 5, "5/5"),
    (O, "13492", "villages_total", "2024-06-30", 5, "5/5"),
    (O, "13492", "admin_procedures_onegate_pct", "2024-06-30", 100, "100%"),
    (O, "13492", "documents_electronic_pct", "2024-06-30", 100, "100%"),
    (O, "13492", "dossiers_online", "2023-12-31", 1028, "1.028"),
    (O, "13492", "dossiers_online_pct", "2023-12-31", 100, "100%"),
    (O, "351", "communes_with_team", "2024-06-30", 16, "16/16"), (O, "351", "communes_total", "2024-06-30", 16, "16/16"),
    (O, "351", "villages_with_team", "2024-06-30", 101, "101"), (O, "351", "members", "2024-06-30", 600, "600"),
    (O, "351", "digital_identity_pct", "2024-06-30", 91, "91%"), (O, "351", "digital_skills_pct", "2024-06-30", 60.3, "60,3%"),
    (O, "351", "bank_account_adult_pct", "2024-06-30", 80, "80%"), (O, "351", "smes_dx_programme_pct", "2024-06-30", 100, "100%"),
    (O, "351", "communes_digital_address_pct", "2024-06-30", 100, "100%"),
    (O, "351", "digital_addresses", "2024-06-30", 40000, "40.000"),
    (O, "351", "mobile_coverage_3g4g_pct", "2024-06-30", 93, "93%"),
    (O, "351", "dossiers_online_pct", "2024-06-30", 97.6, "97,6%"),
    (O, "351", "payment_dossiers_online_pct", "2024-06-30", 64, "64%"),
    (O, "351", "digital_signatures_personal", "2024-06-30", 500, "500"),
    (T, "351", "working_age_trained_pct", "2024-12-31", 100, "100%"), (T, "351", "adult_smartphone_pct", "2024-12-31", 100, "100%"),
    (T, "351", "households_broadband_pct", "2024-12-31", 100, "100%"),
    # published counts (../shared/reference/cnscd_published_counts.csv)
    (O, "VN", "teams_total", "2022-04-04", 2300, "2.300"),
    (O, "30", "teams_village", "2022-05-17", 1340, "1.340"), (O, "30", "members", "2022-05-17", 6891, "6.891"),
    (O, "30", "communes_with_team", "2022-05-17", 235, "235/235"),
    (O, "19", "teams_total", "2022-05-31", 2256, "2.256"), (O, "19", "members", "2022-05-31", 17000, "17.000"),
    (O, "VN", "teams_total", "2022-06-14", 27218, "27.218"), (O, "VN", "members", "2022-06-14", 130487, "130.487"),
    (O, "VN", "provinces_with_teams", "2022-06-14", 34, "34/63"),
    (O, "20", "teams_total", "2022-06-15", 1680, "1.680"), (O, "20", "members", "2022-06-15", 7770, "7.770"),
    (O, "VN", "teams_total", "2022-08-23", 42469, "42.469"), (O, "VN", "members", "2022-08-23", 208000, "208 nghìn"),
    (O, "VN", "provinces_with_teams", "2022-08-23", 49, "49/63"),
    (O, "48", "teams_total", "2022-09-30", 2500, "2,500"), (O, "48", "members", "2022-09-30", 13000, "13,000"),
    (O, "VN", "teams_total", "2024-09-30", 93524, "93.524"),
    (O, "38", "teams_total", "2024-10-31", 4351, "4.351"), (O, "38", "members", "2024-10-31", 15995, "15.995"),
    (O, "38", "villages_with_team_pct", "2024-10-31", 100, "100%"),
    (O, "38", "teams_total", "2025-05-08", 4351, "4.351"), (O, "38", "members", "2025-05-08", 14000, "14.000"),
]
# How the article words the qualified numbers, typed from the sentences: (unit, indicator, period_end) ->
# (value_qualifier, the words as written). Every observation or target not listed is stated exactly.
QUALIFIED = {
    ("87", "members", "2022-07-31"): ("more_than", "hơn 60"),
    ("VN", "teams_total", "2023-06-15"): ("more_than", "hơn 74.422"),
    ("70", "members", "2023-06-16"): ("more_than", "hơn 5.400"),
    ("70", "enterprises_ecommerce", "2022-08-31"): ("more_than", "hơn 220"),
    ("70", "businesses_einvoice", "2022-08-31"): ("more_than", "hơn 8.000"),
    ("87", "labour_productivity_growth_pct", "2022-12-31"): ("more_than", "tối thiểu/năm 13,77%"),
    ("87", "digital_skills_pct", "2023-04-07"): ("more_than", "trên 50%"),
    ("87", "schools_digital_pct", "2023-04-07"): ("more_than", "trên 80%"),
    ("351", "members", "2024-06-30"): ("approx", "gần 600"),
    ("351", "digital_skills_pct", "2024-06-30"): ("approx", "khoảng 60,3%"),
    ("351", "bank_account_adult_pct", "2024-06-30"): ("more_than", "trên 80%"),
    ("351", "digital_addresses", "2024-06-30"): ("approx", "gần 40.000"),
    ("351", "digital_signatures_personal", "2024-06-30"): ("approx", "gần 500"),
    ("VN", "teams_total", "2022-04-04"): ("approx", "gần 2.300"),
    ("19", "members", "2022-05-31"): ("approx", "gần 17.000"),
    ("20", "teams_total", "2022-06-15"): ("more_than", "hơn 1.680"),
    ("20", "members", "2022-06-15"): ("more_than", "trên 7.770"),
    ("VN", "members", "2022-08-23"): ("more_than", "hơn 208 nghìn"),
    ("48", "teams_total", "2022-09-30"): ("approx", "nearly 2,500"),
    ("38", "members", "2025-05-08"): ("more_than", "trên 14.000"),
}
# (unit, indicator, value, stated % as written) — Đồng Tháp's three targets the teams exceeded.
STATED = [("87", "provincial_app_installs", 6800, "141,6"), ("87", "ewallet_installs", 4292, "143,1"),
          ("87", "shops_epayment", 739, "154")]
SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(scope="module")
def figures() -> pl.DataFrame:
    return seeds.load_seed_figures()


def _row(figures, record, unit, code, end):
    hit = figures.filter((pl.col("record") == record) & (pl.col("unit_code") == unit)
                         & (pl.col("indicator_code") == code) & (pl.col("period_end") == dt.date.fromisoformat(end)))
    assert hit.height == 1, f"{record} {unit} {code} {end}: expected one row, found {hit.height}"
    return hit.row(0, named=True)


@pytest.mark.parametrize("record,unit,code,end,value,written", EXPECTED, ids=lambda x: str(x))
def test_seed_figure_present(figures, record, unit, code, end, value, written):
    row = _row(figures, record, unit, code, end)
    assert row["value"] == pytest.approx(value)
    assert written in row["quote_vi"], f"quote for {code} lacks {written!r}: {row['quote_vi']}"
    assert row["boundary_version"] == "legacy"


def test_derived_and_reference_rows(figures):
    total = _row(figures, O, "87", "teams_total", "2024-06-30")
    assert total["value"] == 506 + 19 and "Derived" in total["note"]
    villages = _row(figures, O, "VN", "villages_total", "2020-12-31")
    assert villages["value"] == 98455 and villages["source_id"] == "moha_villages_2020"


def test_every_csv_row_is_expected(figures):
    """No figure slips in untyped: the CSV holds the expected rows plus the derived/denominator ones."""
    expected = {(r, u, c, dt.date.fromisoformat(e)) for r, u, c, e, _, _ in EXPECTED}
    extra = set(figures.select("record", "unit_code", "indicator_code", "period_end").rows()) - expected
    # derived total, denominators stated as "x/63"-style, and the targets inferred from a stated %
    allowed = {"teams_total", "villages_total", "provinces_total", "districts_total", "communes_total",
               "provincial_app_installs", "ewallet_installs", "shops_epayment"}
    assert {c for _, _, c, _ in extra} <= allowed, extra


def _precision(written: str) -> int:
    return len(written.split(",")[1]) if "," in written else 0


@pytest.mark.parametrize("unit,code,value,written", STATED)
def test_stated_pct_of_target_reproduced(figures, unit, code, value, written):
    obs = figures.filter((pl.col("record") == O) & (pl.col("unit_code") == unit) & (pl.col("indicator_code") == code))
    assert obs.height == 1 and obs["value"][0] == value
    obs = obs.row(0, named=True)
    assert obs["stated_pct_of_target"] == pytest.approx(float(written.replace(",", ".")))
    assert f"{written}%" in obs["quote_vi"]
    tgt = _row(figures, T, unit, code, obs["period_end"].isoformat())
    assert tgt["source_id"] == obs["source_id"] and "inferred" in tgt["note"]
    pct, n = 100 * value / tgt["value"], _precision(written)
    # The inferred target reproduces the stated figure with ordinary rounding (as 143,1 % shows the
    # article rounds), so the app's own pct_of_target shows what the article printed.
    assert round(pct, n) == obs["stated_pct_of_target"], pct


@pytest.mark.parametrize("key", sorted(QUALIFIED), ids=str)
def test_qualified_figure_keeps_its_qualifier(figures, key):
    qualifier, written = QUALIFIED[key]
    row = _row(figures, O, *key)
    assert row["value_qualifier"] == qualifier, f"{key}: {row['quote_vi']}"
    assert written in row["quote_vi"] and row["is_approximate"]


def test_unqualified_figures_have_no_qualifier(figures):
    """Every row not typed above is stated exactly: 13,000 Đà Nẵng members ('nearly' qualifies the
    2,500 groups), 348.362 members beside 'hơn 74.422' teams, the 'top 25' goal, the derived targets."""
    typed = {(u, c, dt.date.fromisoformat(e)) for u, c, e in QUALIFIED}
    rest = figures.filter(~pl.struct("unit_code", "indicator_code", "period_end").map_elements(
        lambda r: (r["unit_code"], r["indicator_code"], r["period_end"]) in typed, return_dtype=pl.Boolean)
        | (pl.col("record") == T))
    assert rest.height == figures.height - len(QUALIFIED)
    assert rest.filter(pl.col("value_qualifier").is_not_null()).select("figure_id", "value_qualifier").rows() == []
    assert not rest["is_approximate"].any()


def test_bad_qualifier_is_rejected(figures):
    with pytest.raises(seeds.SeedDataError, match="value_qualifier 'about'.*approx, more_than, less_than"):
        seeds.check_seed_figures(_broken(figures, value_qualifier="about"), seeds.load_indicators(), seeds.load_sources())


def test_derived_targets_are_marked(figures):
    """The three targets back-calculated from a stated % (note 'Target inferred ...') and no other."""
    derived = figures.filter(pl.col("target_is_derived"))
    assert sorted(derived["indicator_code"]) == sorted(c for _, c, _, _ in STATED)
    assert set(derived["record"]) == {T} and set(derived["value"]) == {4802, 3000, 480}
    assert not figures.filter(pl.col("record") == O)["target_is_derived"].any()


def test_every_stated_pct_has_a_target(figures):
    stated = figures.filter(pl.col("stated_pct_of_target").is_not_null())
    assert stated.height == len(STATED)


def test_unit_codes_exist_in_package_db(figures):
    db = resources.files("vietnamadminunits") / "data" / "dataset.db"
    con = sqlite3.connect(str(db))
    known = {"nation": {"VN"}}
    for level, col in (("province", "provinceCode"), ("district", "districtCode"), ("commune", "wardCode")):
        known[level] = {c for (c,) in con.execute(f"SELECT DISTINCT {col} FROM admin_units_legacy")}
    con.close()
    for fid, code, level in figures.select("figure_id", "unit_code", "unit_level").rows():
        assert code in known[level], f"{fid}: {code} is not a legacy {level} in vietnamadminunits"
    assert {"VN", "87", "70", "351", "13492"} <= set(figures["unit_code"])


def test_sources_and_indicators_known(figures):
    assert set(figures["source_id"]) <= set(seeds.load_sources()["source_id"])
    assert set(figures["indicator_code"]) <= set(seeds.load_indicators()["indicator_code"])


def test_legacy_observations_predate_reform(figures):
    obs = figures.filter(pl.col("record") == O)
    assert obs["period_end"].max() <= dt.date(2025, 6, 30)


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="seed articles live outside the repository")
def test_quotes_are_verbatim():
    sources = seeds.load_sources().filter(pl.col("source_kind") == "article")
    texts = {}
    for sid, note in sources.select("source_id", "note").rows():
        m = re.search(r"\b(\d{3}_[0-9a-f]{16}\.txt)", note or "")
        if m:
            texts[sid] = re.sub(r"\s+", " ", (SEEDS_DIR / m.group(1)).read_text(encoding="utf-8"))
    assert len(texts) == 5
    for fid, sid, quote in seeds.load_seed_figures().select("figure_id", "source_id", "quote_vi").rows():
        if sid in texts:
            assert re.sub(r"\s+", " ", quote) in texts[sid], f"{fid}: quote not verbatim"


def _broken(figures, **changes):
    first = figures.head(1).with_columns(**{k: pl.lit(v) for k, v in changes.items()})
    return pl.concat([figures.slice(1), first.cast(figures.schema)])


@pytest.mark.parametrize("changes,message", [
    ({"indicator_code": "no_such_code"}, "unknown indicator_code"),
    ({"source_id": "no_such_source"}, "unknown source_id"),
    ({"figure_id": "dt2y_teams_commune"}, "duplicate figure_id"),
    ({"indicator_code": "digital_identity_pct", "value": 120.0}, "rate outside 0..100"),
    ({"value": -5.0}, "negative count"),
])
def test_checks_reject_bad_rows(figures, changes, message):
    with pytest.raises(seeds.SeedDataError, match=message) as err:
        seeds.check_seed_figures(_broken(figures, **changes), seeds.load_indicators(), seeds.load_sources())
    text = str(err.value)
    assert "seed_figures.csv" in text and "Dữ liệu không hợp lệ" in text


def test_indicator_catalogue_rules():
    ind = seeds.load_indicators()
    assert set(seeds.CORE_CODES) == set(ind.filter("is_core")["indicator_code"])
    rates = ind.filter(pl.col("unit_of_measure") == "%")
    assert rates.filter(pl.col("aggregation") == "sum").is_empty()
    ratio = ind.filter(pl.col("aggregation") == "ratio")
    assert set(ratio["indicator_code"]) >= {"villages_with_team_pct", "dossiers_online_pct"}
    bad = ind.with_columns(aggregation=pl.when(pl.col("indicator_code") == "members").then(pl.lit("ratio"))
                           .otherwise("aggregation"))
    with pytest.raises(seeds.SeedDataError, match="numerator_code"):
        seeds.check_indicators(bad)


def test_population_provinces():
    pop = seeds.load_population_provinces()
    assert pop.height == 63 and pop["gso_code"][0] == "01"
    assert pop["population_2019"].sum() == 96_208_984
    ref = pl.read_csv(Path(seeds.DATA_DIR) / "population_provinces.csv", infer_schema_length=0)
    assert ref["gso_code"].str.len_chars().min() == 2


def test_rows_fit_the_warehouse_schema(figures):
    """Keys and types hold in the real schema (primary keys, CHECKs, foreign keys to indicators)."""
    obs = figures.filter(pl.col("record") == O).with_columns(is_demo=pl.lit(False), batch_id=pl.lit(None, pl.String))
    tgt = figures.filter(pl.col("record") == T).rename({"value": "target_value"}).with_columns(
        is_demo=pl.lit(False), batch_id=pl.lit(None, pl.String))
    con = tiny_warehouse.connect(core_indicator=seeds.load_indicators(), core_source=seeds.load_sources(),
                                 core_observation=obs, core_target=tgt)
    n_obs, n_tgt = (con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("core_observation", "core_target"))
    assert (n_obs, n_tgt) == (figures.filter(pl.col("record") == O).height, figures.filter(pl.col("record") == T).height)
    con.close()
