-- check_value_ranges: no negative value; rates (unit of measure '%') within 0–100; targets positive.
-- Returns one row per problem, and one row with problem NULL whose n_compared counts the
-- observations and targets checked.
-- params:
WITH obs AS (
    SELECT o.*, i.unit_of_measure FROM core_observation o JOIN core_indicator i USING (indicator_code)
),
problems AS (
    SELECT 'observation ' || unit_code || ' ' || indicator_code || ' ' || period_end || ' = ' || value
           || CASE WHEN value < 0 THEN ' is negative' ELSE ' is outside 0–100 %' END AS problem
    FROM obs WHERE value < 0 OR (unit_of_measure = '%' AND value > 100)
    UNION ALL
    SELECT 'target ' || unit_code || ' ' || indicator_code || ' ' || period_end || ' = ' || target_value || ' is not positive'
    FROM core_target WHERE target_value <= 0
),
final AS (
    SELECT problem, NULL::BIGINT AS n_compared FROM problems
    UNION ALL SELECT NULL, (SELECT count(*) FROM obs) + (SELECT count(*) FROM core_target)
)
SELECT problem, n_compared FROM final ORDER BY problem NULLS FIRST
