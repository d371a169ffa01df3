-- source_list: every source with its kind, link, date and how many observations and targets cite it,
-- plus one example quote, for the Sources & method page.
-- takes no parameters
WITH obs AS (
    SELECT source_id, count(*) AS n_observations, any_value(quote_vi) FILTER (WHERE quote_vi IS NOT NULL) AS example_quote_vi
    FROM core_observation GROUP BY source_id
),
tgt AS (
    SELECT source_id, count(*) AS n_targets FROM core_target GROUP BY source_id
),
final AS (
    SELECT s.source_id, s.source_kind, s.title, coalesce(s.title_en, s.title) AS title_en, s.publisher, s.url, s.published_date, s.licence, s.note,
           coalesce(o.n_observations, 0) AS n_observations, coalesce(t.n_targets, 0) AS n_targets,
           o.example_quote_vi
    FROM core_source s
    LEFT JOIN obs o USING (source_id)
    LEFT JOIN tgt t USING (source_id)
)
SELECT * FROM final ORDER BY source_kind, published_date NULLS LAST, source_id
