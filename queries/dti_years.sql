-- dti_years: the years in which a yearly index indicator (the DTI) was published, per boundary
-- version, with how many units have a value, how many units the version has at that level, and the
-- sources (titles and the latest publication date known), for map captions and the targets page.
-- params: indicator
WITH obs AS (
    SELECT o.boundary_version, year(o.period_end) AS year, o.unit_code, o.source_id, u.unit_level
    FROM core_observation o
    JOIN core_unit u USING (unit_code, boundary_version)
    WHERE o.indicator_code = $indicator AND o.granularity = 'year' AND NOT o.is_demo
),
level_size AS (
    SELECT boundary_version, unit_level, count(*) AS n_units FROM core_unit GROUP BY ALL
),
final AS (
    SELECT o.boundary_version, o.year, o.unit_level, count(DISTINCT o.unit_code) AS n_published,
           any_value(l.n_units) AS n_units,
           string_agg(DISTINCT s.title, '; ' ORDER BY s.title) AS source_titles,
           max(s.published_date) AS published_date
    FROM obs o
    JOIN core_source s USING (source_id)
    JOIN level_size l USING (boundary_version, unit_level)
    GROUP BY o.boundary_version, o.year, o.unit_level
)
SELECT * FROM final ORDER BY year, boundary_version, unit_level
