-- check_value_ranges: no negative value; rates (unit of measure '%') within 0–100; targets positive.
-- params:
WITH obs AS (
    SELECT o.*, i.unit_of_measure FROM core_observation o JOIN core_indicator i USING (indicator_code)
),
final AS (
    SELECT 'observation ' || unit_code || ' ' || indicator_code || ' ' || period_end || ' = ' || value
           || CASE WHEN value < 0 THEN ' is negative' ELSE ' is outside 0–100 %' END AS problem
    FROM obs WHERE value < 0 OR (unit_of_measure = '%' AND value > 100)
    UNION ALL
    SELECT 'target ' || unit_code || ' ' || indicator_code || ' ' || period_end || ' = ' || target_value || ' is not positive'
    FROM core_target WHERE target_value <= 0
)
SELECT problem FROM final ORDER BY problem
