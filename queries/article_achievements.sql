-- article_achievements: figures from articles that have an article target for the same unit, indicator
-- and period; the achievement is computed here from the two stored numbers (value / target), so the
-- page never types a percentage in, and shown beside the % the article itself states
-- (stated_pct_of_target). A target back-calculated from that % is flagged target_is_derived. For an
-- indicator where lower is better (a rank) no % is computed (39/25 is not "156 %"): target_met says
-- whether value <= target. Both quotes are returned so a reader can check them.
-- takes no parameters
WITH obs AS (
    SELECT * FROM core_observation WHERE NOT is_demo AND source_id <> 'demo'
),
tgt AS (
    SELECT * FROM core_target WHERE NOT is_demo AND source_id <> 'demo'
),
matched AS (
    SELECT o.unit_code, o.boundary_version, o.indicator_code, o.period_end, o.value, o.value_qualifier,
           t.target_value, coalesce(t.target_is_derived, false) AS target_is_derived,
           CASE WHEN i.higher_is_better THEN 100.0 * o.value / nullif(t.target_value, 0) END AS achieved_pct,
           o.stated_pct_of_target,
           CASE WHEN i.higher_is_better THEN o.value >= t.target_value ELSE o.value <= t.target_value END AS target_met,
           o.source_id, o.quote_vi, t.quote_vi AS target_quote_vi
    FROM obs o
    JOIN core_indicator i ON i.indicator_code = o.indicator_code
    JOIN tgt t ON t.unit_code = o.unit_code AND t.boundary_version = o.boundary_version
              AND t.indicator_code = o.indicator_code
              AND o.period_end BETWEEN t.period_start AND t.period_end
    QUALIFY row_number() OVER (PARTITION BY o.unit_code, o.boundary_version, o.indicator_code, o.period_end,
                                            o.source_id
                               ORDER BY t.period_end, t.period_end - t.period_start, t.source_id) = 1
),
final AS (
    SELECT m.*, u.short_name, u.unit_name, s.title AS source_title, coalesce(s.title_en, s.title) AS source_title_en, s.url AS source_url,
           s.published_date
    FROM matched m
    JOIN core_unit u ON u.boundary_version = m.boundary_version AND u.unit_code = m.unit_code
    JOIN core_source s ON s.source_id = m.source_id
)
SELECT * FROM final ORDER BY unit_code, indicator_code, period_end
