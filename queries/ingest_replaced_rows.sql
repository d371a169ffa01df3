-- ingest_replaced_rows: the full stored rows a batch is about to replace (kept with the batch so a
-- rollback can restore them), with how the source worded each number and whether a target was derived.
-- Keys in the temporary table tmp_ingest_replace.
-- params:
WITH obs AS (
    SELECT 'observation' AS kind, o.unit_code, o.boundary_version, o.indicator_code, o.period_start, o.period_end,
           o.granularity, o.value, o.source_id, o.quote_vi, o.is_demo, o.batch_id, o.value_qualifier,
           o.stated_pct_of_target, CAST(NULL AS BOOLEAN) AS target_is_derived
    FROM core_observation o JOIN tmp_ingest_replace k
      ON k.kind = 'observation' AND k.unit_code = o.unit_code AND k.boundary_version = o.boundary_version
     AND k.indicator_code = o.indicator_code AND k.period_start = o.period_start AND k.period_end = o.period_end
    WHERE NOT o.is_demo
),
tgt AS (
    SELECT 'target', t.unit_code, t.boundary_version, t.indicator_code, t.period_start, t.period_end,
           NULL, t.target_value, t.source_id, t.quote_vi, t.is_demo, t.batch_id, t.value_qualifier,
           NULL, t.target_is_derived
    FROM core_target t JOIN tmp_ingest_replace k
      ON k.kind = 'target' AND k.unit_code = t.unit_code AND k.boundary_version = t.boundary_version
     AND k.indicator_code = t.indicator_code AND k.period_start = t.period_start AND k.period_end = t.period_end
    WHERE NOT t.is_demo
),
final AS (SELECT * FROM obs UNION ALL SELECT * FROM tgt)
SELECT * FROM final
