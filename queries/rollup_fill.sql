-- rollup_fill: derived_rollup, how far a real figure moves the demo figures above it (read by out_observation).
-- params:
-- A demo parent of an additive indicator (aggregation 'sum') is the sum of its demo children. When a unit's
-- real figure of a month (an import; an article's figure) replaces its demo monthly figure, the difference
-- moves each demo figure above it, up to (not including) the first unit above with a real figure of its
-- own for that month, which already counts it. Rates: queries/rollup_rates.sql, run after this one.
INSERT INTO derived_rollup
WITH real AS (
    SELECT unit_code, boundary_version, indicator_code, period_end, value, granularity, source_id
    FROM core_observation
    WHERE NOT is_demo
      AND (granularity = 'month' OR (granularity = 'date' AND period_start = period_end AND period_end = last_day(period_end)))
),
real_keys AS (SELECT DISTINCT unit_code, boundary_version, indicator_code, period_end FROM real),
replaced AS (
    SELECT r.unit_code, r.boundary_version, r.indicator_code, r.period_end, r.value - d.value AS delta
    FROM (SELECT * FROM real
          QUALIFY row_number() OVER (PARTITION BY unit_code, boundary_version, indicator_code, period_end
                                     ORDER BY granularity = 'month' DESC, source_id) = 1) r
    JOIN core_indicator i ON i.indicator_code = r.indicator_code AND i.aggregation = 'sum'
    JOIN core_observation d ON d.unit_code = r.unit_code AND d.boundary_version = r.boundary_version
     AND d.indicator_code = r.indicator_code AND d.period_end = r.period_end AND d.is_demo AND d.granularity = 'month'
    QUALIFY row_number() OVER (PARTITION BY r.unit_code, r.boundary_version, r.indicator_code, r.period_end
                               ORDER BY d.source_id) = 1
)
SELECT x.code AS unit_code, r.boundary_version, r.indicator_code, r.period_end, sum(r.delta) AS delta
FROM replaced r
JOIN core_unit u ON u.boundary_version = r.boundary_version AND u.unit_code = r.unit_code
LEFT JOIN core_unit a1 ON a1.boundary_version = u.boundary_version AND a1.unit_code = u.parent_code
LEFT JOIN core_unit a2 ON a2.boundary_version = u.boundary_version AND a2.unit_code = a1.parent_code
LEFT JOIN core_unit a3 ON a3.boundary_version = u.boundary_version AND a3.unit_code = a2.parent_code
LEFT JOIN real_keys k1 ON k1.boundary_version = r.boundary_version AND k1.unit_code = a1.unit_code
 AND k1.indicator_code = r.indicator_code AND k1.period_end = r.period_end
LEFT JOIN real_keys k2 ON k2.boundary_version = r.boundary_version AND k2.unit_code = a2.unit_code
 AND k2.indicator_code = r.indicator_code AND k2.period_end = r.period_end
LEFT JOIN real_keys k3 ON k3.boundary_version = r.boundary_version AND k3.unit_code = a3.unit_code
 AND k3.indicator_code = r.indicator_code AND k3.period_end = r.period_end
CROSS JOIN LATERAL (VALUES (a1.unit_code, k1.unit_code IS NULL),
                           (a2.unit_code, k1.unit_code IS NULL AND k2.unit_code IS NULL),
                           (a3.unit_code, k1.unit_code IS NULL AND k2.unit_code IS NULL AND k3.unit_code IS NULL))
    AS x(code, open)
WHERE r.delta <> 0 AND x.code IS NOT NULL AND x.open
GROUP BY ALL;
