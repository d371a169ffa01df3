-- check_orphan_codes: every observation, target, population row and crosswalk end names a unit
-- that exists in core_unit for its boundary version.
-- Returns one row per problem, and one row with problem NULL whose n_compared counts the
-- references checked.
-- params:
WITH refs AS (
    SELECT 'core_observation' AS tbl, unit_code, boundary_version FROM core_observation
    UNION ALL SELECT 'core_target', unit_code, boundary_version FROM core_target
    UNION ALL SELECT 'core_population', unit_code, boundary_version FROM core_population
    UNION ALL SELECT 'core_crosswalk(from)', from_code, from_version FROM core_crosswalk
    UNION ALL SELECT 'core_crosswalk(to)', to_code, to_version FROM core_crosswalk
    UNION ALL SELECT 'core_unit(parent)', parent_code, boundary_version FROM core_unit WHERE parent_code IS NOT NULL
),
problems AS (
    SELECT DISTINCT r.tbl || ': unknown unit ' || r.unit_code || ' in version ' || r.boundary_version AS problem
    FROM refs r
    ANTI JOIN core_unit u ON u.unit_code = r.unit_code AND u.boundary_version = r.boundary_version
),
final AS (
    SELECT problem, NULL::BIGINT AS n_compared FROM problems
    UNION ALL SELECT NULL, count(*) FROM refs
)
SELECT problem, n_compared FROM final ORDER BY problem NULLS FIRST
