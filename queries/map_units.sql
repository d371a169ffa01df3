-- map_units: the units of one level of one boundary version, every province, with map_values' unit columns
-- (level_units), for cnscd.views.mapdata.values to put a month's map together in memory.
-- params: version, level
WITH final AS (
    SELECT * FROM level_units($version, $level, NULL)   -- queries/schema.sql
)
SELECT * FROM final ORDER BY unit_code
