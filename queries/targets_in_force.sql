-- targets_in_force: the target in force at every month end for the nation and the provinces (all
-- indicators, both boundary versions), as out_target_in_force picks it (real before demo, then the
-- earliest-ending, then the shortest period). Pages join it on (unit, version, month end).
-- takes no parameters
WITH final AS (
    SELECT unit_code, boundary_version, indicator_code, period_end, target_value, target_period_start,
           target_period_end, is_demo, source_id, target_is_derived
    FROM out_target_in_force
    WHERE unit_level IN ('nation', 'province')
)
SELECT * FROM final ORDER BY indicator_code, unit_code, boundary_version, period_end
