-- article_figures: every figure and target read from an article (not demo, not
-- imported), with how the source words the number (value_qualifier), the % of target it states, whether
-- a target is back-calculated (target_is_derived), the unit, indicator, sentence and source, for the
-- Sources & method page.
-- takes no parameters
WITH obs AS (
    SELECT 'observation' AS record, o.unit_code, o.boundary_version, o.indicator_code, o.period_start,
           o.period_end, o.granularity, o.value, o.value_qualifier, o.stated_pct_of_target,
           CAST(NULL AS BOOLEAN) AS target_is_derived, o.source_id, o.quote_vi
    FROM core_observation o
    WHERE NOT o.is_demo AND o.batch_id IS NULL
),
tgt AS (
    SELECT 'target', t.unit_code, t.boundary_version, t.indicator_code, t.period_start, t.period_end,
           NULL, t.target_value, t.value_qualifier, NULL, coalesce(t.target_is_derived, false), t.source_id,
           t.quote_vi
    FROM core_target t
    WHERE NOT t.is_demo AND t.batch_id IS NULL
),
final AS (
    SELECT f.*, u.short_name, u.unit_level, i.name_vi, i.name_en, i.unit_of_measure, i.unit_of_measure_en,
           s.title AS source_title, coalesce(s.title_en, s.title) AS source_title_en, s.url AS source_url, s.source_kind
    FROM (SELECT * FROM obs UNION ALL SELECT * FROM tgt) f
    JOIN core_unit u ON u.boundary_version = f.boundary_version AND u.unit_code = f.unit_code
    JOIN core_indicator i ON i.indicator_code = f.indicator_code
    JOIN core_source s ON s.source_id = f.source_id
    WHERE s.source_kind = 'article'
)
SELECT * FROM final ORDER BY source_id, record, unit_code, indicator_code, period_end
