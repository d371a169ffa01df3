-- month_periods: the months that have monthly observations, with the boundary version in force
-- and whether any of that month's figures are demo / real.
-- takes no parameters
WITH months AS (
    SELECT period_end, boundary_version, bool_or(is_demo) AS has_demo, bool_or(NOT is_demo) AS has_real
    FROM core_observation
    WHERE granularity = 'month'
    GROUP BY period_end, boundary_version
),
final AS (
    SELECT m.period_end, m.boundary_version, m.has_demo, m.has_real
    FROM months m
    JOIN core_boundary_version v USING (boundary_version)
    WHERE m.period_end >= coalesce(v.valid_from_date, DATE '1900-01-01')
      AND m.period_end <= coalesce(v.valid_to_date, DATE '9999-12-31')
)
SELECT * FROM final ORDER BY period_end
