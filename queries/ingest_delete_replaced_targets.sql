-- ingest_delete_replaced_targets: as ingest_delete_replaced, for core_target.
-- params:
DELETE FROM core_target t
WHERE NOT t.is_demo AND EXISTS (
    SELECT 1 FROM tmp_ingest_replace k
    WHERE k.kind = 'target' AND k.unit_code = t.unit_code AND k.boundary_version = t.boundary_version
      AND k.indicator_code = t.indicator_code AND k.period_start = t.period_start AND k.period_end = t.period_end)
