-- map_values: one row per unit of a level (optionally inside one province) with its value of an
-- indicator at a month end, the target in force, the population and the source. Units with no
-- figure come back with value NULL (the map greys them as "chưa báo cáo"); is_reporting false marks
-- a unit where nobody lives (Hoàng Sa), never expected to report ("không có số liệu"). Labels:
-- display_name is unique inside a province ('TP. Cao Lãnh' / 'H. Cao Lãnh'), display_name_full in
-- the whole version.
-- The figure, the target in force and the population follow the one rule each of the out_* views
-- (queries/schema.sql; docs/design.md "The numbers on the pages").
-- params: version, level, province, indicator, period_end
WITH units AS (
    SELECT * FROM level_units($version, $level, CAST($province AS VARCHAR))   -- queries/schema.sql
),
obs AS (
    SELECT o.unit_code, o.value, o.source_id, o.is_demo, o.quote_vi
    FROM out_observation o
    WHERE o.boundary_version = $version AND o.unit_level = $level AND o.indicator_code = $indicator
      AND o.period_end = CAST($period_end AS DATE)
      AND o.unit_code IN (SELECT unit_code FROM units)
),
tgt AS (
    SELECT t.unit_code, t.target_value, t.target_period_end
    FROM out_target_in_force t
    WHERE t.boundary_version = $version AND t.unit_level = $level AND t.indicator_code = $indicator
      AND t.period_end = CAST($period_end AS DATE)
      AND t.unit_code IN (SELECT unit_code FROM units)
),
pop AS (
    SELECT p.unit_code, p.population, p.year AS population_year, p.is_estimate AS population_is_estimate
    FROM out_population p
    WHERE p.boundary_version = $version AND p.unit_code IN (SELECT unit_code FROM units)
      AND year(CAST($period_end AS DATE)) BETWEEN p.from_year AND p.to_year
),
final AS (
    SELECT u.unit_code, u.unit_name, u.short_name, u.display_name, u.display_name_full, u.province_code,
           u.is_reporting,
           obs.value, obs.source_id, s.title AS source_title, coalesce(s.title_en, s.title) AS source_title_en, obs.is_demo, obs.quote_vi,
           tgt.target_value, tgt.target_period_end,
           pop.population, pop.population_year, pop.population_is_estimate
    FROM units u
    LEFT JOIN obs USING (unit_code)
    LEFT JOIN tgt USING (unit_code)
    LEFT JOIN pop USING (unit_code)
    LEFT JOIN core_source s ON s.source_id = obs.source_id
)
SELECT * FROM final ORDER BY unit_code
