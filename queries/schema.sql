-- schema: the warehouse's tables. Executed once by data/build.py on a fresh file.
-- Layers (../shared/STYLE.md): core_* cleaned and keyed; out_* ready for charts (views).
-- A boundary version is data: a later reform is new rows in core_boundary_version,
-- core_unit and core_crosswalk, not new code.

CREATE TABLE core_boundary_version (
    boundary_version TEXT PRIMARY KEY,          -- 'legacy', '2025'
    valid_from_date  DATE,                      -- NULL = since ever
    valid_to_date    DATE,                      -- NULL = still in force
    label_vi         TEXT NOT NULL,
    label_en         TEXT NOT NULL,
    levels           TEXT NOT NULL,             -- comma list of levels this version has
    source_id        TEXT NOT NULL
);

CREATE TABLE core_source (
    source_id        TEXT PRIMARY KEY,
    source_kind      TEXT NOT NULL,             -- article | reference | package | demo | import
    title            TEXT NOT NULL,             -- in Vietnamese, or the source's own language (an article's title)
    title_en         TEXT,                      -- in English; NULL: the same title in both languages
    publisher        TEXT,
    url              TEXT,
    published_date   DATE,
    licence          TEXT,
    note             TEXT
);

CREATE TABLE core_unit (
    boundary_version TEXT NOT NULL REFERENCES core_boundary_version(boundary_version),
    unit_code        TEXT NOT NULL,             -- GSO code: 'VN', 2-digit province, 3-digit district, 5-digit commune
    unit_level       TEXT NOT NULL CHECK (unit_level IN ('nation','province','district','commune')),
    unit_name        TEXT NOT NULL,             -- official name with type: 'Huyện Thanh Liêm'
    short_name       TEXT NOT NULL,             -- 'Thanh Liêm'
    display_name     TEXT NOT NULL,             -- shown label, unique inside its province and level:
                                                -- 'TP. Cao Lãnh' / 'H. Cao Lãnh' (data/unit_labels.py)
    display_name_full TEXT NOT NULL,            -- unique in the version: 'Huyện Cao Lãnh, Đồng Tháp'
    unit_type        TEXT,                      -- 'Huyện', 'Tỉnh', 'Xã', 'Đặc khu', ...
    slug             TEXT NOT NULL,             -- ASCII: 'thanh-liem'
    parent_code      TEXT,                      -- NULL for the nation
    province_code    TEXT,                      -- the province it lies in (itself for a province)
    centre_lat       DOUBLE,
    centre_lon       DOUBLE,
    area_km2         DOUBLE,
    is_reporting     BOOLEAN,                   -- false: nobody lives there (Hoàng Sa): no population, no figures,
                                                -- "no data" on the map; NULL counts as true
    source_id        TEXT NOT NULL,
    PRIMARY KEY (boundary_version, unit_code)
);

-- legacy -> 2025 (or any from -> to). Weights of one from_code sum to 1.
CREATE TABLE core_crosswalk (
    from_version     TEXT NOT NULL,
    from_code        TEXT NOT NULL,
    to_version       TEXT NOT NULL,
    to_code          TEXT NOT NULL,
    unit_level       TEXT NOT NULL,             -- level of from_code
    weight           DOUBLE NOT NULL CHECK (weight > 0 AND weight <= 1),
    method           TEXT NOT NULL,             -- 'whole' | 'area_share' | ...
    source_id        TEXT NOT NULL,
    PRIMARY KEY (from_version, from_code, to_version, to_code)
);

CREATE TABLE core_indicator (
    indicator_code   TEXT PRIMARY KEY,
    name_vi          TEXT NOT NULL,
    name_en          TEXT NOT NULL,
    phrase_vi        TEXT,                      -- the name inside a sentence ("số Tổ CNSCĐ"); NULL: the name
    phrase_en        TEXT,                      -- ("teams", for "Teams, total"); NULL: the name
    description_vi   TEXT NOT NULL,
    description_en   TEXT NOT NULL,
    unit_of_measure  TEXT NOT NULL,             -- 'tổ', 'người', 'lượt', 'hồ sơ', 'cửa hàng', '%', ...
    unit_of_measure_en TEXT NOT NULL,
    category         TEXT NOT NULL CHECK (category IN ('team_coverage','adoption','digital_government','digital_economy','digital_society')),
    higher_is_better BOOLEAN NOT NULL,
    lowest_level     TEXT NOT NULL,
    aggregation      TEXT NOT NULL CHECK (aggregation IN ('sum','ratio','none')),
    numerator_code   TEXT,                      -- for aggregation = 'ratio'
    denominator_code TEXT,
    temporal         TEXT NOT NULL CHECK (temporal IN ('cumulative','stock','flow','rate')),
    is_core          BOOLEAN NOT NULL,          -- in the demo series and the pages' default lists
    sort_order       INTEGER NOT NULL
);

CREATE TABLE core_observation (
    unit_code        TEXT NOT NULL,
    boundary_version TEXT NOT NULL,
    indicator_code   TEXT NOT NULL REFERENCES core_indicator(indicator_code),
    period_start     DATE NOT NULL,
    period_end       DATE NOT NULL,
    granularity      TEXT NOT NULL CHECK (granularity IN ('month','quarter','year','date','span')),
    value            DOUBLE NOT NULL,
    source_id        TEXT NOT NULL REFERENCES core_source(source_id),
    quote_vi         TEXT,                      -- for a seed figure: the sentence it was read from
    is_demo          BOOLEAN NOT NULL,
    batch_id         TEXT,                      -- import batch that wrote it (NULL for built rows)
    -- as the source words the number: 'approx' (gần, khoảng, nearly), 'more_than' (hơn, trên, over,
    -- tối thiểu), 'less_than' (dưới); NULL = stated exactly (and for demo rows)
    value_qualifier  TEXT CHECK (value_qualifier IN ('approx', 'more_than', 'less_than')),
    stated_pct_of_target DOUBLE,                -- a '% of target' the source itself states (141,6 %), as stated
    CHECK (period_end >= period_start),
    PRIMARY KEY (unit_code, boundary_version, indicator_code, period_start, period_end, source_id)
);

CREATE TABLE core_target (
    unit_code        TEXT NOT NULL,
    boundary_version TEXT NOT NULL,
    indicator_code   TEXT NOT NULL REFERENCES core_indicator(indicator_code),
    period_start     DATE NOT NULL,
    period_end       DATE NOT NULL,
    target_value     DOUBLE NOT NULL,
    source_id        TEXT NOT NULL REFERENCES core_source(source_id),
    quote_vi         TEXT,
    is_demo          BOOLEAN NOT NULL,
    batch_id         TEXT,
    value_qualifier  TEXT CHECK (value_qualifier IN ('approx', 'more_than', 'less_than')),
    -- TRUE: not stated by the source but back-calculated (from a value and a stated % of target);
    -- NULL (demo, imports) reads as FALSE
    target_is_derived BOOLEAN,
    PRIMARY KEY (unit_code, boundary_version, indicator_code, period_start, period_end, source_id)
);

CREATE TABLE core_population (
    unit_code        TEXT NOT NULL,
    boundary_version TEXT NOT NULL,
    year             INTEGER NOT NULL,
    population       DOUBLE NOT NULL CHECK (population > 0),
    is_estimate      BOOLEAN NOT NULL,
    method           TEXT NOT NULL,             -- 'census' | 'sum_of_legacy' | 'allocated_by_area' ...
    source_id        TEXT NOT NULL,
    PRIMARY KEY (unit_code, boundary_version, year)
);

-- Import batches (issue 6) and the files provenance of the build.
CREATE TABLE core_batch (
    batch_id         TEXT PRIMARY KEY,
    loaded_at        TIMESTAMP NOT NULL,
    loaded_by        TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    file_sha256      TEXT NOT NULL,
    rows_observation INTEGER NOT NULL,
    rows_target      INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('active','rolled_back')),
    rolled_back_at   TIMESTAMP,
    rolled_back_by   TEXT
);

CREATE TABLE core_build_info (
    key              TEXT PRIMARY KEY,
    value            TEXT NOT NULL
);

-- How far a real figure moves the demo figures above it (queries/rollup_fill.sql, read by out_observation):
-- derived from core_observation and core_unit, remade inside every write transaction (an import, a
-- rollback: cnscd/ingest/batches.py) and at build. Empty while no real figure differs from the demo one it
-- replaced.
CREATE TABLE derived_rollup (
    unit_code        TEXT NOT NULL,
    boundary_version TEXT NOT NULL,
    indicator_code   TEXT NOT NULL,
    period_end       DATE NOT NULL,
    delta            DOUBLE NOT NULL,
    PRIMARY KEY (unit_code, boundary_version, indicator_code, period_end)
);

-- ---- out_*: the one place each reading rule lives (docs/design.md "The numbers on the pages"). Every
-- page, map, export and check that needs "the figure of a month", "the target in force" or "the
-- population of a year" reads these views; no query repeats the rule.

-- A month's figure of a unit: its monthly row, else a point figure (an article's number) dated on the
-- month's last day; a real figure before a demo one, a monthly row before a point, then by source.
-- One row per (unit, version, indicator, month end). unit_level is in the window's partition (it depends
-- on the unit alone) so a filter on it reaches the scan before the ranking.
-- A demo figure of an additive indicator is moved by `derived_rollup`: the demo parent is the sum of its
-- demo children, and when a child's real figure (an import) replaces its demo one, every demo figure
-- above it moves by the difference, up to the first unit above with a real figure of its own.
CREATE VIEW out_observation AS
WITH candidates AS (
    SELECT o.unit_code, o.boundary_version, u.unit_level, u.province_code, o.indicator_code,
           o.period_start, o.period_end, o.granularity, o.value, o.source_id, o.quote_vi, o.is_demo,
           o.batch_id, o.value_qualifier, o.stated_pct_of_target
    FROM core_observation o
    JOIN core_unit u ON u.boundary_version = o.boundary_version AND u.unit_code = o.unit_code
    WHERE o.granularity = 'month'
       OR (o.granularity = 'date' AND o.period_start = o.period_end AND o.period_end = last_day(o.period_end))
)
, picked AS (
    SELECT * FROM candidates
    QUALIFY row_number() OVER (PARTITION BY unit_code, boundary_version, unit_level, province_code, indicator_code, period_end
                               ORDER BY is_demo, granularity = 'month' DESC, source_id) = 1
)
SELECT p.* REPLACE (p.value + coalesce(r.delta, 0) AS value)
FROM picked p
LEFT JOIN derived_rollup r ON r.unit_code = p.unit_code AND r.boundary_version = p.boundary_version
 AND r.indicator_code = p.indicator_code AND r.period_end = p.period_end AND p.is_demo;

-- One target per (unit, version, indicator, period): a real target before a demo one for the same period.
CREATE VIEW out_target AS
SELECT t.*
FROM core_target t
QUALIFY row_number() OVER (PARTITION BY t.unit_code, t.boundary_version, t.indicator_code, t.period_start, t.period_end
                           ORDER BY t.is_demo, t.source_id) = 1;

-- The target in force at each month end: among the targets whose period contains the month end, a real
-- one before a demo one, then the earliest-ending (the one the unit is working towards), then the
-- shortest, then by source. One row per (unit, version, indicator, month end), with the target's own
-- period (target_period_start / target_period_end).
CREATE VIEW out_target_in_force AS
WITH bounds AS (
    SELECT min(period_start) AS lo, max(period_end) AS hi FROM core_target
),
months AS (
    SELECT CAST(last_day(d) AS DATE) AS month_end
    FROM bounds, LATERAL (SELECT unnest(generate_series(CAST(date_trunc('month', lo) AS DATE), hi, INTERVAL 1 MONTH)) AS d)
),
covered AS (
    SELECT t.unit_code, t.boundary_version, u.unit_level, u.province_code, t.indicator_code,
           m.month_end AS period_end, t.target_value, t.period_start AS target_period_start,
           t.period_end AS target_period_end, t.is_demo, t.source_id, t.quote_vi, t.value_qualifier,
           coalesce(t.target_is_derived, false) AS target_is_derived
    FROM core_target t
    JOIN core_unit u ON u.boundary_version = t.boundary_version AND u.unit_code = t.unit_code
    JOIN months m ON m.month_end BETWEEN t.period_start AND t.period_end
)
SELECT * FROM covered
QUALIFY row_number() OVER (PARTITION BY unit_code, boundary_version, unit_level, province_code, indicator_code, period_end
                           ORDER BY is_demo, target_period_end, target_period_end - target_period_start, source_id) = 1;

-- The population used for a year: the figure of the nearest year (the later one on a tie). Each row
-- says for which years it is used: from_year .. to_year (0 and 9999 at the ends), so a reader joins
-- `year(period_end) BETWEEN from_year AND to_year` and gets exactly one row.
CREATE VIEW out_population AS
WITH neighbours AS (
    SELECT p.*, lag(p.year) OVER w AS prev_year, lead(p.year) OVER w AS next_year
    FROM core_population p
    WINDOW w AS (PARTITION BY p.unit_code, p.boundary_version ORDER BY p.year)
)
SELECT unit_code, boundary_version, year, population, is_estimate, method, source_id,
       CASE WHEN prev_year IS NULL THEN 0 ELSE CAST(ceil((prev_year + year) / 2.0) AS INTEGER) END AS from_year,
       CASE WHEN next_year IS NULL THEN 9999 ELSE CAST(ceil((year + next_year) / 2.0) AS INTEGER) - 1 END AS to_year
FROM neighbours;

-- The units of one level of one version, optionally inside one province, with what every map-shaped
-- query shows of them (map_values, dti_values): one definition of "the units on a map".
CREATE MACRO level_units(version, level, province) AS TABLE
    SELECT unit_code, unit_name, short_name, display_name, display_name_full, province_code,
           coalesce(is_reporting, true) AS is_reporting
    FROM core_unit
    WHERE boundary_version = version AND unit_level = level
      AND (province IS NULL OR province_code = province);
