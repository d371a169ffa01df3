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
    title            TEXT NOT NULL,
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
