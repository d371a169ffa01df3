-- ingest_delete_replaced: delete the stored non-demo rows a batch replaces; their keys are in the
-- temporary table tmp_ingest_replace (kind, unit_code, boundary_version, indicator_code, period_start, period_end).
-- params:
DELETE FROM core_observation o
WHERE NOT o.is_demo AND EXISTS (
    SELECT 1 FROM tmp_ingest_replace k
    WHERE k.kind = 'observation' AND k.unit_code = o.unit_code AND k.boundary_version = o.boundary_version
      AND k.indicator_code = o.indicator_code AND k.period_start = o.period_start AND k.period_end = o.period_end)
