-- ingest_replace_keys_create: the temporary table of the keys a batch replaces (filled by
-- queries.insert, read by ingest_replaced_rows / ingest_delete_replaced*, dropped by ingest_replace_keys_drop).
-- takes no parameters
CREATE OR REPLACE TEMP TABLE tmp_ingest_replace (
    kind             TEXT,                      -- 'observation' | 'target'
    unit_code        TEXT,
    boundary_version TEXT,
    indicator_code   TEXT,
    period_start     DATE,
    period_end       DATE
)
