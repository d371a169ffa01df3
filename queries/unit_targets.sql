-- unit_targets: every target of the nation and the provinces (all indicators, both boundary versions).
-- One per period (out_target: real before demo). The target in force at a month is targets_in_force's.
-- takes no parameters
WITH t AS (
    SELECT t.unit_code, t.boundary_version, t.indicator_code, t.period_start, t.period_end, t.target_value,
           t.is_demo, t.source_id, t.quote_vi
    FROM out_target t
    JOIN core_unit u ON u.boundary_version = t.boundary_version AND u.unit_code = t.unit_code
    WHERE u.unit_level IN ('nation', 'province')
),
final AS (SELECT * FROM t)
SELECT * FROM final ORDER BY indicator_code, unit_code, period_end
