-- unit_targets: every target of the nation and the provinces (all indicators, both boundary versions).
-- Where a real and a demo target exist for the same unit, indicator and period, the real one wins.
-- takes no parameters
WITH t AS (
    SELECT t.unit_code, t.boundary_version, t.indicator_code, t.period_start, t.period_end, t.target_value,
           t.is_demo, t.source_id, t.quote_vi
    FROM core_target t
    JOIN core_unit u ON u.boundary_version = t.boundary_version AND u.unit_code = t.unit_code
    WHERE u.unit_level IN ('nation', 'province')
    QUALIFY row_number() OVER (PARTITION BY t.unit_code, t.boundary_version, t.indicator_code,
                                            t.period_start, t.period_end
                               ORDER BY t.is_demo, t.source_id) = 1
),
final AS (SELECT * FROM t)
SELECT * FROM final ORDER BY indicator_code, unit_code, period_end
