-- child_units: every unit of one level inside one province (legacy districts, or 2025 communes) that is
-- expected to report, for the Overview's table of a province: each is listed, with its figures or as
-- "chưa báo cáo". Places where nobody lives (is_reporting false: Hoàng Sa) are left out, as in the
-- district ranking. display_name tells same-named units apart (label only, never a key).
-- params: version, level, province
WITH final AS (
    SELECT unit_code, display_name AS short_name
    FROM level_units($version, $level, CAST($province AS VARCHAR))   -- queries/schema.sql
    WHERE is_reporting
)
SELECT * FROM final ORDER BY unit_code
