-- recent_series: monthly values of every core indicator for the nation and the provinces between two
-- month ends (inclusive), for the Overview's cards, changes and sparklines. Real rows win over demo.
-- params: start_date, end_date
WITH obs AS (
    SELECT o.unit_code, o.boundary_version, o.indicator_code, o.period_end, o.value, o.is_demo, o.source_id
    FROM core_observation o
    JOIN core_indicator i ON i.indicator_code = o.indicator_code
    JOIN core_unit u ON u.boundary_version = o.boundary_version AND u.unit_code = o.unit_code
    WHERE o.granularity = 'month'
      AND o.period_end BETWEEN CAST($start_date AS DATE) AND CAST($end_date AS DATE)
      AND i.is_core
      AND u.unit_level IN ('nation', 'province')
    QUALIFY row_number() OVER (PARTITION BY o.unit_code, o.boundary_version, o.indicator_code, o.period_end
                               ORDER BY o.is_demo, o.source_id) = 1
),
final AS (SELECT * FROM obs)
SELECT * FROM final ORDER BY indicator_code, unit_code, period_end
