-- unit_list: nation and provinces of every boundary version (names for labels and pickers).
-- takes no parameters
WITH final AS (
    SELECT boundary_version, unit_code, unit_level, unit_name, short_name, display_name, unit_type, slug,
           parent_code, province_code
    FROM core_unit
    WHERE unit_level IN ('nation', 'province')
)
SELECT * FROM final ORDER BY boundary_version, unit_level, unit_code
