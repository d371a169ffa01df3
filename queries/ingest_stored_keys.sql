-- ingest_stored_keys: the keys and source of every stored observation (kind 'observation') or target
-- (kind 'target'), so a rollback restores a replaced row only where it is not back already.
-- params: kind
WITH obs AS (
    SELECT unit_code, boundary_version, indicator_code, period_start, period_end, source_id
    FROM core_observation WHERE $kind = 'observation'
),
tgt AS (
    SELECT unit_code, boundary_version, indicator_code, period_start, period_end, source_id
    FROM core_target WHERE $kind = 'target'
),
final AS (SELECT * FROM obs UNION ALL SELECT * FROM tgt)
SELECT * FROM final
