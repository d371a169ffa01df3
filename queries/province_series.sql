-- province_series: monthly series of one indicator for the nation and every province.
-- mode 'reported': each month in the boundary version it was reported in (legacy up to June 2025,
--   then the 34 provinces), so the series breaks at 1 July 2025.
-- mode 'today': months reported under an older version are re-aggregated to today's provinces through
--   core_crosswalk (province level), where every predecessor has a figure: counts are summed with the crosswalk weights; ratio indicators are
--   recomputed from the summed numerator and denominator (never an average of percentages).
-- A month's figure is out_observation's (real before demo, a point figure on the month's last day
-- where no monthly row is stored).
-- params: indicator, mode
WITH today_version AS (
    SELECT boundary_version FROM core_boundary_version WHERE valid_to_date IS NULL
),
ind AS (
    SELECT indicator_code, aggregation, numerator_code, denominator_code,
           CASE WHEN unit_of_measure = '%' THEN 100.0 ELSE 1.0 END AS ratio_scale
    FROM core_indicator WHERE indicator_code = $indicator
),
needed AS (
    SELECT indicator_code AS code FROM ind
    UNION SELECT numerator_code FROM ind WHERE aggregation = 'ratio'
    UNION SELECT denominator_code FROM ind WHERE aggregation = 'ratio'
),
obs AS (
    SELECT o.unit_code, o.boundary_version, o.indicator_code, o.period_end, o.value, o.is_demo, o.source_id
    FROM out_observation o
    WHERE o.indicator_code IN (SELECT code FROM needed)
      AND o.unit_level IN ('nation', 'province')
),
reported AS (
    SELECT unit_code, boundary_version, period_end, value, is_demo, source_id, false AS is_reaggregated
    FROM obs WHERE indicator_code = $indicator
),
old_to_today AS (
    SELECT c.from_version, c.from_code, c.to_code, c.weight
    FROM core_crosswalk c JOIN today_version t ON c.to_version = t.boundary_version
    WHERE c.unit_level = 'province'
    UNION ALL
    SELECT v.boundary_version, 'VN', 'VN', 1.0
    FROM core_boundary_version v WHERE v.boundary_version NOT IN (SELECT boundary_version FROM today_version)
),
-- a month of today's province only where every province it was formed from has a figure (as its targets:
-- compare.crosswalk_targets); a sum of some of them is not the province's (before, 2025 Đồng Tháp's districts
-- in 7/2022 read 12, legacy Đồng Tháp's alone)
old_need AS (
    SELECT to_code, count(*) AS n_from FROM old_to_today GROUP BY to_code
),
old_parts AS (
    SELECT p.* EXCLUDE (n_parts)
    FROM (SELECT m.to_code AS unit_code, o.indicator_code, o.period_end,
                 sum(o.value * m.weight) AS value, bool_or(o.is_demo) AS is_demo,
                 string_agg(DISTINCT o.source_id, ',' ORDER BY o.source_id) AS source_id, count(*) AS n_parts
          FROM obs o
          JOIN old_to_today m ON m.from_version = o.boundary_version AND m.from_code = o.unit_code
          GROUP BY m.to_code, o.indicator_code, o.period_end) p
    JOIN old_need n ON n.to_code = p.unit_code
    WHERE p.n_parts = n.n_from
),
old_sum AS (
    SELECT p.unit_code, p.period_end, p.value, p.is_demo, p.source_id
    FROM old_parts p JOIN ind i ON p.indicator_code = i.indicator_code
    WHERE i.aggregation = 'sum'
),
old_ratio AS (
    SELECT n.unit_code, n.period_end, i.ratio_scale * n.value / nullif(d.value, 0) AS value,
           n.is_demo OR d.is_demo AS is_demo, n.source_id
    FROM ind i
    JOIN old_parts n ON n.indicator_code = i.numerator_code
    JOIN old_parts d ON d.indicator_code = i.denominator_code
                    AND d.unit_code = n.unit_code AND d.period_end = n.period_end
    WHERE i.aggregation = 'ratio'
),
combined AS (
    SELECT * FROM reported
    WHERE $mode = 'reported' OR boundary_version IN (SELECT boundary_version FROM today_version)
    UNION ALL
    SELECT unit_code, (SELECT boundary_version FROM today_version), period_end, value, is_demo, source_id, true
    FROM (SELECT * FROM old_sum UNION ALL SELECT * FROM old_ratio)
    WHERE $mode = 'today'
),
final AS (
    SELECT c.unit_code, u.unit_level, u.short_name, c.boundary_version, c.period_end, c.value,
           c.is_demo, c.source_id, c.is_reaggregated
    FROM combined c
    JOIN core_unit u ON u.boundary_version = c.boundary_version AND u.unit_code = c.unit_code
    WHERE c.value IS NOT NULL
)
SELECT * FROM final ORDER BY unit_code, period_end
