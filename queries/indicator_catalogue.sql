-- indicator_catalogue: every indicator with names, units, aggregation rule, in display order.
-- takes no parameters
WITH final AS (
    SELECT indicator_code, name_vi, name_en, phrase_vi, phrase_en, description_vi, description_en,
           unit_of_measure, unit_of_measure_en, category, higher_is_better, lowest_level,
           aggregation, numerator_code, denominator_code, temporal, is_core, sort_order
    FROM core_indicator
)
SELECT * FROM final ORDER BY sort_order, indicator_code
