-- unit_dti_series: the published yearly values of one index indicator (the DTI) for a province and its
-- counterparts across the 1 July 2025 reform (a legacy province's 2025 successor, a 2025 province's
-- legacy predecessors), one row per unit and year. A year without a row was not published.
-- params: unit_code, boundary_version, indicator
WITH related AS (
    SELECT CAST($unit_code AS VARCHAR) AS unit_code, CAST($boundary_version AS VARCHAR) AS boundary_version
    UNION
    SELECT to_code, to_version FROM core_crosswalk
    WHERE unit_level = 'province' AND from_code = $unit_code AND from_version = $boundary_version
    UNION
    SELECT from_code, from_version FROM core_crosswalk
    WHERE unit_level = 'province' AND to_code = $unit_code AND to_version = $boundary_version
),
final AS (
    SELECT o.unit_code, o.boundary_version, u.short_name, u.unit_name, year(o.period_end) AS year, o.value,
           o.source_id, s.title AS source_title, coalesce(s.title_en, s.title) AS source_title_en, s.url AS source_url
    FROM core_observation o
    JOIN related r USING (unit_code, boundary_version)
    JOIN core_unit u USING (unit_code, boundary_version)
    JOIN core_source s ON s.source_id = o.source_id
    WHERE o.indicator_code = $indicator AND o.granularity = 'year' AND NOT o.is_demo
)
SELECT * FROM final ORDER BY year, boundary_version, unit_code
