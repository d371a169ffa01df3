-- map_observations: every figure of one indicator for the units of one level of one boundary version, at
-- every month end (as out_observation picks it), for every province at once: the part of map_values that
-- changes with the month. Read once per warehouse snapshot and kept (cnscd.views.mapdata.values), so a
-- new month or province of a map or a district ranking is a filter in memory, not a query.
-- params: version, level, indicator
WITH final AS (
    SELECT o.unit_code, o.period_end, o.value, o.source_id, o.is_demo, o.quote_vi
    FROM out_observation o
    WHERE o.boundary_version = $version AND o.unit_level = $level AND o.indicator_code = $indicator
)
SELECT * FROM final ORDER BY period_end, unit_code
