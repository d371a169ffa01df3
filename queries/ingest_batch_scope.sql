-- ingest_batch_scope: the (boundary version, province) pairs an import batch's rows lie in,
-- to check an editor may roll it back.
-- params: batch_id
WITH rows AS (
    SELECT unit_code, boundary_version FROM core_observation WHERE batch_id = $batch_id
    UNION ALL
    SELECT unit_code, boundary_version FROM core_target WHERE batch_id = $batch_id
),
final AS (
    SELECT DISTINCT r.boundary_version, coalesce(u.province_code, '*') AS province_code
    FROM rows r JOIN core_unit u USING (unit_code, boundary_version)
)
SELECT * FROM final ORDER BY boundary_version, province_code
