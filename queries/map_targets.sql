-- map_targets: the target in force at every month end (out_target_in_force) of one indicator for the units
-- of one level of one boundary version, every province at once: map_values' target columns for any month,
-- kept per warehouse snapshot (cnscd.views.mapdata.values; the Overview of a province: overview.children).
-- params: version, level, indicator
WITH final AS (
    SELECT t.unit_code, t.period_end, t.target_value, t.target_period_end, t.is_demo
    FROM out_target_in_force t
    WHERE t.boundary_version = $version AND t.unit_level = $level AND t.indicator_code = $indicator
)
SELECT * FROM final ORDER BY period_end, unit_code
