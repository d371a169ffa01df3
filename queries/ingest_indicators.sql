-- ingest_indicators: the indicator catalogue as the importer needs it (names to match headers,
-- unit of measure and aggregation to check values, ratio parts to check rates, is_core for templates).
-- params:
WITH final AS (
    SELECT indicator_code, name_vi, name_en, unit_of_measure, aggregation, numerator_code, denominator_code, is_core,
           lowest_level, sort_order
    FROM core_indicator
)
SELECT * FROM final ORDER BY sort_order, indicator_code
