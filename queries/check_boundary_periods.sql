-- check_boundary_periods: an observation or target lies inside the validity of its boundary version
-- (legacy until 30/6/2025, 2025 from 1/7/2025). A target may be set under one version for a date
-- beyond it (Đồng Tháp's 2030 rank goal): for targets only the start must lie inside.
-- A figure its source published under a later version for an earlier period (DTI 2024, scored for
-- the 34 provinces and published 21/10/2025) may start before that version: its publication date
-- lies inside the version.
-- params:
WITH rows AS (
    SELECT 'observation' AS kind, o.unit_code, o.boundary_version, o.indicator_code, o.period_start, o.period_end,
           s.published_date
    FROM core_observation o LEFT JOIN core_source s USING (source_id)
    UNION ALL
    SELECT 'target', unit_code, boundary_version, indicator_code, period_start, period_end, NULL FROM core_target
),
final AS (
    SELECT r.kind || ' ' || r.unit_code || ' ' || r.indicator_code || ' ' || r.period_start || '..' || r.period_end
           || ' is outside boundary version ' || r.boundary_version AS problem
    FROM rows r JOIN core_boundary_version b USING (boundary_version)
    WHERE (b.valid_from_date IS NOT NULL AND r.period_start < b.valid_from_date
           AND NOT coalesce(r.published_date >= b.valid_from_date, false))
       OR (b.valid_to_date IS NOT NULL AND r.kind = 'observation' AND r.period_end > b.valid_to_date)
       OR (b.valid_to_date IS NOT NULL AND r.period_start > b.valid_to_date)
)
SELECT problem FROM final ORDER BY problem
