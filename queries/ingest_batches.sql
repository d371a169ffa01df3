-- ingest_batches: the import batches, newest first, with the provinces their rows touch.
-- params:
WITH rows AS (
    SELECT batch_id, unit_code, boundary_version FROM core_observation WHERE batch_id IS NOT NULL
    UNION ALL
    SELECT batch_id, unit_code, boundary_version FROM core_target WHERE batch_id IS NOT NULL
),
provinces AS (
    SELECT r.batch_id, string_agg(DISTINCT coalesce(u.province_code, 'VN'), ',' ORDER BY coalesce(u.province_code, 'VN')) AS province_codes
    FROM rows r JOIN core_unit u USING (unit_code, boundary_version)
    GROUP BY r.batch_id
),
final AS (
    SELECT b.batch_id, b.loaded_at, b.loaded_by, b.file_name, b.file_sha256, b.rows_observation, b.rows_target,
           b.status, b.rolled_back_at, b.rolled_back_by, p.province_codes
    FROM core_batch b LEFT JOIN provinces p USING (batch_id)
)
SELECT * FROM final ORDER BY loaded_at DESC, batch_id DESC
