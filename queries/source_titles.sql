-- source_titles: every source's title and its English title (the title when it has none), as map_values
-- names the source of a figure; joined in memory by cnscd.views.mapdata.values.
-- takes no parameters
WITH final AS (
    SELECT s.source_id, s.title AS source_title, coalesce(s.title_en, s.title) AS source_title_en
    FROM core_source s
)
SELECT * FROM final ORDER BY source_id
