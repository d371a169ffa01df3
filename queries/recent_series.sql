-- recent_series: monthly values of every core indicator for the nation and the provinces between two
-- month ends (inclusive), for the Overview's cards, changes and sparklines; each month's figure as
-- out_observation picks it.
-- params: start_date, end_date
WITH obs AS (
    SELECT o.unit_code, o.boundary_version, o.indicator_code, o.period_end, o.value, o.is_demo, o.source_id
    FROM out_observation o
    JOIN core_indicator i ON i.indicator_code = o.indicator_code
    WHERE o.period_end BETWEEN CAST($start_date AS DATE) AND CAST($end_date AS DATE)
      AND i.is_core
      AND o.unit_level IN ('nation', 'province')
),
final AS (SELECT * FROM obs)
SELECT * FROM final ORDER BY indicator_code, unit_code, period_end
