-- district_series: monthly values of one indicator for every unit of a level inside one province
-- (legacy districts, or 2025 communes) between two month ends; feeds sparklines and small multiples.
-- Each month's figure as out_observation picks it. display_name tells same-named units
-- apart ('TP. Cao Lãnh' / 'H. Cao Lãnh'); group and key by unit_code, never by it.
-- params: version, level, province, indicator, start_date, end_date
WITH units AS (
    SELECT unit_code, display_name
    FROM core_unit
    WHERE boundary_version = $version AND unit_level = $level AND province_code = $province
),
obs AS (
    SELECT o.unit_code, o.period_end, o.value, o.is_demo
    FROM out_observation o
    WHERE o.boundary_version = $version AND o.unit_level = $level AND o.province_code = $province
      AND o.indicator_code = $indicator
      AND o.period_end BETWEEN CAST($start_date AS DATE) AND CAST($end_date AS DATE)
),
final AS (
    SELECT obs.unit_code, units.display_name, obs.period_end, obs.value, obs.is_demo
    FROM obs JOIN units USING (unit_code)
)
SELECT * FROM final ORDER BY unit_code, period_end
