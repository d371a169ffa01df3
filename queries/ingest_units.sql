-- ingest_units: every unit of every boundary version, for matching the names and codes in a report.
-- params:
WITH final AS (
    SELECT boundary_version, unit_code, unit_level, unit_name, short_name, unit_type, parent_code, province_code
    FROM core_unit
)
SELECT * FROM final ORDER BY boundary_version, unit_code
