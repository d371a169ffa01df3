-- dti_values: one row per unit of a level (optionally inside one province) with its published value of
-- a yearly index indicator (the DTI, aggregation 'none') for one year, in the columns of map_values.
-- A unit without a published value comes back with value NULL ("chưa công bố"): never interpolated
-- from other years, never carried across the reform, never summed from or to another level.
-- params: version, level, province, indicator, year
WITH units AS (
    SELECT * FROM level_units($version, $level, CAST($province AS VARCHAR))   -- queries/schema.sql
),
obs AS (
    SELECT o.unit_code, o.value, o.source_id, o.is_demo, o.quote_vi
    FROM core_observation o
    WHERE o.boundary_version = $version AND o.indicator_code = $indicator AND o.granularity = 'year'
      AND year(o.period_end) = $year AND NOT o.is_demo
      AND o.unit_code IN (SELECT unit_code FROM units)
    QUALIFY row_number() OVER (PARTITION BY o.unit_code ORDER BY o.source_id) = 1
),
final AS (
    SELECT u.unit_code, u.unit_name, u.short_name, u.display_name, u.display_name_full, u.province_code,
           u.is_reporting,
           obs.value, obs.source_id, s.title AS source_title, coalesce(s.title_en, s.title) AS source_title_en, obs.is_demo, obs.quote_vi,
           CAST(NULL AS DOUBLE) AS target_value, CAST(NULL AS DATE) AS target_period_end,
           CAST(NULL AS DOUBLE) AS population, CAST(NULL AS INTEGER) AS population_year,
           CAST(NULL AS BOOLEAN) AS population_is_estimate
    FROM units u
    LEFT JOIN obs USING (unit_code)
    LEFT JOIN core_source s ON s.source_id = obs.source_id
)
SELECT * FROM final ORDER BY unit_code
