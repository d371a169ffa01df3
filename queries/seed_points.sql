-- seed_points: figures read from articles (not demo) for one indicator at nation and province level,
-- with the sentence they were read from, how it words the number (value_qualifier: 'hơn 74.422' is
-- more_than) and the source's title and link, to mark on time series.
-- params: indicator
WITH final AS (
    SELECT o.unit_code, u.short_name, u.unit_level, o.boundary_version, o.period_start, o.period_end,
           o.granularity, o.value, o.value_qualifier, o.source_id, o.quote_vi, s.title AS source_title, coalesce(s.title_en, s.title) AS source_title_en, s.url AS source_url,
           s.source_kind
    FROM core_observation o
    JOIN core_unit u ON u.boundary_version = o.boundary_version AND u.unit_code = o.unit_code
    JOIN core_source s ON s.source_id = o.source_id
    WHERE o.indicator_code = $indicator
      AND NOT o.is_demo
      AND u.unit_level IN ('nation', 'province')
)
SELECT * FROM final ORDER BY unit_code, period_end
