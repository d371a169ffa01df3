-- check_crosswalk_continuity: re-aggregating the legacy demo series of June 2025 through the province
-- crosswalk lands within 15 % of the 2025 provinces' July 2025 values (a series can be compared
-- across the reform); summable indicators only.
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
    SELECT unit_code, indicator_code, value AS july_value FROM core_observation
    WHERE is_demo AND boundary_version = '2025' AND period_end = DATE '2025-07-31'
),
final AS (
    SELECT '2025 province ' || l.unit_code || ' ' || l.indicator_code || ': June 2025 (legacy, re-aggregated) '
           || round(l.june_value) || ' vs July 2025 ' || n.july_value AS problem
    FROM legacy l JOIN new n USING (unit_code, indicator_code)
    WHERE l.june_value > 0 AND abs(n.july_value - l.june_value) / l.june_value > 0.15
)
SELECT problem FROM final ORDER BY problem
