-- child_targets_in_force: the target in force at every month end for the units of one level inside one
-- province (legacy districts, or 2025 communes), as out_target_in_force picks it; the Overview of a
-- province joins it on (unit, version, month end) as it joins targets_in_force for the provinces.
-- params: version, level, province
WITH final AS (
    SELECT unit_code, boundary_version, indicator_code, period_end, target_value, target_period_start,
           target_period_end, is_demo, source_id, target_is_derived
    FROM out_target_in_force
    WHERE boundary_version = $version AND unit_level = $level AND province_code = $province
)
SELECT * FROM final ORDER BY indicator_code, unit_code, period_end
