-- check_crosswalk_weights: every legacy province, district and commune maps to 2025 units with
-- weights summing to 1.
-- params:
WITH sums AS (
    SELECT from_version, from_code, unit_level, sum(weight) AS w FROM core_crosswalk GROUP BY ALL
),
unmapped AS (
    SELECT u.boundary_version || ' ' || u.unit_level || ' ' || u.unit_code || ' has no crosswalk row' AS problem
    FROM core_unit u
    ANTI JOIN core_crosswalk c ON c.from_version = u.boundary_version AND c.from_code = u.unit_code
    WHERE u.boundary_version = 'legacy' AND u.unit_level <> 'nation'
),
bad_sum AS (
    SELECT from_version || ' ' || from_code || ': crosswalk weights sum to ' || round(w, 6) AS problem
    FROM sums WHERE abs(w - 1) > 1e-9
),
final AS (SELECT problem FROM unmapped UNION ALL SELECT problem FROM bad_sum)
SELECT problem FROM final ORDER BY problem
