-- child_recent_series: monthly values of every core indicator for the units of one level inside one
-- province (legacy districts, or 2025 communes) between two month ends (inclusive), for the Overview of a
-- province: its cards' "what changed" sentences, its units table and trends. Each month's figure as
-- out_observation picks it; display_name tells same-named units apart (label only, never a key).
-- params: version, level, province, start_date, end_date
WITH units AS (
    SELECT unit_code, display_name AS short_name
    FROM core_unit
    WHERE boundary_version = $version AND unit_level = $level AND province_code = $province
      AND coalesce(is_reporting, true)
),
obs AS (
    SELECT o.unit_code, o.boundary_version, o.unit_level, o.indicator_code, o.period_end, o.value, o.is_demo,
           o.source_id
    FROM out_observation o
    JOIN core_indicator i ON i.indicator_code = o.indicator_code
    WHERE o.boundary_version = $version AND o.unit_level = $level AND o.province_code = $province
      AND o.period_end BETWEEN CAST($start_date AS DATE) AND CAST($end_date AS DATE)
      AND i.is_core
),
final AS (
    SELECT obs.*, units.short_name FROM obs JOIN units USING (unit_code)
)
SELECT * FROM final ORDER BY indicator_code, unit_code, period_end
