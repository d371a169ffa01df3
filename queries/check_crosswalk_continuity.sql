-- check_crosswalk_continuity: re-aggregating the legacy demo series of June 2025 through the province
-- crosswalk lands within 15 % of the 2025 provinces' July 2025 values (a series can be compared
-- across the reform); summable indicators only.
-- Returns one row per problem, and one row with problem NULL whose n_compared counts the
-- (2025 province, indicator) pairs compared.
-- params:
WITH legacy AS (
    SELECT c.to_code AS unit_code, o.indicator_code, sum(o.value * c.weight) AS june_value
    FROM core_observation o
    JOIN core_crosswalk c ON c.from_version = 'legacy' AND c.from_code = o.unit_code AND c.unit_level = 'province'
    JOIN core_indicator i USING (indicator_code)
    WHERE o.is_demo AND o.boundary_version = 'legacy' AND o.period_end = DATE '2025-06-30' AND i.aggregation = 'sum'
    GROUP BY ALL
),
new AS (
    SELECT o.unit_code, o.indicator_code, o.value AS july_value
    FROM core_observation o JOIN core_unit u USING (boundary_version, unit_code)
    WHERE o.is_demo AND o.boundary_version = '2025' AND o.period_end = DATE '2025-07-31' AND u.unit_level = 'province'
),
compared AS (
    SELECT * FROM legacy l JOIN new n USING (unit_code, indicator_code) WHERE l.june_value > 0
),
problems AS (
    SELECT '2025 province ' || unit_code || ' ' || indicator_code || ': June 2025 (legacy, re-aggregated) '
           || round(june_value) || ' vs July 2025 ' || july_value AS problem
    FROM compared
    WHERE abs(july_value - june_value) / june_value > 0.15
),
final AS (
    SELECT problem, NULL::BIGINT AS n_compared FROM problems
    UNION ALL SELECT NULL, count(*) FROM compared
)
SELECT problem, n_compared FROM final ORDER BY problem NULLS FIRST
