-- check_crosswalk_weights: every legacy province, district and commune maps to 2025 units with
-- weights summing to 1.
-- Returns one row per problem, and one row with problem NULL whose n_compared counts the legacy
-- units checked.
-- params:
WITH sums AS (
    SELECT from_version, from_code, unit_level, sum(weight) AS w FROM core_crosswalk GROUP BY ALL
),
compared AS (
    SELECT u.unit_level, u.unit_code, s.w
    FROM core_unit u
    LEFT JOIN sums s ON s.from_version = u.boundary_version AND s.from_code = u.unit_code
    WHERE u.boundary_version = 'legacy' AND u.unit_level <> 'nation'
),
problems AS (
    SELECT 'legacy ' || unit_level || ' ' || unit_code || ' has no crosswalk row' AS problem
    FROM compared WHERE w IS NULL
    UNION ALL
    SELECT from_version || ' ' || from_code || ': crosswalk weights sum to ' || round(w, 6)
    FROM sums WHERE abs(w - 1) > 1e-9
),
final AS (
    SELECT problem, NULL::BIGINT AS n_compared FROM problems
    UNION ALL SELECT NULL, count(*) FROM compared
)
SELECT problem, n_compared FROM final ORDER BY problem NULLS FIRST
