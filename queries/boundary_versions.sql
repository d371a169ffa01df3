-- boundary_versions: the boundary versions with validity dates, labels and source.
-- takes no parameters
WITH final AS (
    SELECT v.boundary_version, v.valid_from_date, v.valid_to_date, v.label_vi, v.label_en,
           v.levels, v.source_id, s.title AS source_title, coalesce(s.title_en, s.title) AS source_title_en, s.url AS source_url
    FROM core_boundary_version v
    LEFT JOIN core_source s USING (source_id)
)
SELECT * FROM final ORDER BY valid_from_date NULLS FIRST
