-- check_boundary_periods: an observation or target lies inside the validity of its boundary version
-- (legacy until 30/6/2025, 2025 from 1/7/2025). A target may be set under one version for a date
-- beyond it (Đồng Tháp's 2030 rank goal): for targets only the start must lie inside.
-- A figure its source published under a later version for an earlier period (DTI 2024, scored for
-- the 34 provinces and published 21/10/2025) may start before that version: its publication date
-- lies inside the version.
-- Returns one row per problem, and one row with problem NULL whose n_compared counts the rows checked.
-- params:
WITH rows AS (
    SELECT 'observation' AS kind, o.unit_code, o.boundary_version, o.indicator_code, o.period_start, o.period_end,
           s.published_date
    FROM core_observation o LEFT JOIN core_source s USING (source_id)
    UNION ALL
    SELECT 'target', unit_code, boundary_version, indicator_code, period_start, period_end, NULL FROM core_target
),
compared AS (
    SELECT r.*, b.valid_from_date, b.valid_to_date FROM rows r JOIN core_boundary_version b USING (boundary_version)
),
problems AS (
    SELECT kind || ' ' || unit_code || ' ' || indicator_code || ' ' || period_start || '..' || period_end
           || ' is outside boundary version ' || boundary_version AS problem
    FROM compared
    WHERE (valid_from_date IS NOT NULL AND period_start < valid_from_date
           AND NOT coalesce(published_date >= valid_from_date, false))
       OR (valid_to_date IS NOT NULL AND kind = 'observation' AND period_end > valid_to_date)
       OR (valid_to_date IS NOT NULL AND period_start > valid_to_date)
    UNION ALL
    SELECT DISTINCT kind || ' rows name unknown boundary version ' || boundary_version
    FROM rows ANTI JOIN core_boundary_version USING (boundary_version)
),
final AS (
    SELECT problem, NULL::BIGINT AS n_compared FROM problems
    UNION ALL SELECT NULL, count(*) FROM compared
)
SELECT problem, n_compared FROM final ORDER BY problem NULLS FIRST
