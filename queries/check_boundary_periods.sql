-- check_boundary_periods: an observation or target lies inside the validity of its boundary version
-- (legacy until 30/6/2025, 2025 from 1/7/2025). A target may be set under one version for a date
-- beyond it (Đồng Tháp's 2030 rank goal): for targets only the start must lie inside.
-- params:
WITH rows AS (
    SELECT 'observation' AS kind, unit_code, boundary_version, indicator_code, period_start, period_end FROM core_observation
    UNION ALL
    SELECT 'target', unit_code, boundary_version, indicator_code, period_start, period_end FROM core_target
),
final AS (
    SELECT r.kind || ' ' || r.unit_code || ' ' || r.indicator_code || ' ' || r.period_start || '..' || r.period_end
           || ' is outside boundary version ' || r.boundary_version AS problem
    FROM rows r JOIN core_boundary_version b USING (boundary_version)
    WHERE (b.valid_from_date IS NOT NULL AND r.period_start < b.valid_from_date)
       OR (b.valid_to_date IS NOT NULL AND r.kind = 'observation' AND r.period_end > b.valid_to_date)
       OR (b.valid_to_date IS NOT NULL AND r.period_start > b.valid_to_date)
)
SELECT problem FROM final ORDER BY problem
