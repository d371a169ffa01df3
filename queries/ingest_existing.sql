-- ingest_existing: stored non-demo observations and targets that an import could conflict with
-- (same units and indicators, periods overlapping the file's span). Demo rows never conflict.
-- params: unit_codes, indicator_codes, period_from, period_to
WITH units AS (SELECT unnest($unit_codes) AS unit_code),
indicators AS (SELECT unnest($indicator_codes) AS indicator_code),
obs AS (
    SELECT 'observation' AS kind, unit_code, boundary_version, indicator_code, period_start, period_end,
           value, source_id, batch_id
    FROM core_observation
    WHERE NOT is_demo AND period_end >= $period_from AND period_start <= $period_to
      AND unit_code IN (SELECT unit_code FROM units) AND indicator_code IN (SELECT indicator_code FROM indicators)
),
tgt AS (
    SELECT 'target' AS kind, unit_code, boundary_version, indicator_code, period_start, period_end,
           target_value AS value, source_id, batch_id
    FROM core_target
    WHERE NOT is_demo AND period_end >= $period_from AND period_start <= $period_to
      AND unit_code IN (SELECT unit_code FROM units) AND indicator_code IN (SELECT indicator_code FROM indicators)
),
final AS (SELECT * FROM obs UNION ALL SELECT * FROM tgt)
SELECT * FROM final
