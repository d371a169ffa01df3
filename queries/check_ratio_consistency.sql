-- check_ratio_consistency: a ratio indicator equals 100 × numerator / denominator for the same unit
-- and period, wherever both components are stored (never a mean of percentages).
-- Returns one row per problem, and one row with problem NULL whose n_compared counts the ratio
-- values compared with their parts.
-- params:
WITH ratio AS (
    SELECT o.unit_code, o.boundary_version, o.period_end, o.source_id, o.indicator_code, o.value,
           i.numerator_code, i.denominator_code
    FROM core_observation o JOIN core_indicator i USING (indicator_code)
    WHERE i.aggregation = 'ratio' AND i.numerator_code IS NOT NULL
),
compared AS (
    SELECT r.*, n.value AS num, d.value AS den
    FROM ratio r
    JOIN core_observation n ON n.unit_code = r.unit_code AND n.boundary_version = r.boundary_version
         AND n.period_end = r.period_end AND n.source_id = r.source_id AND n.indicator_code = r.numerator_code
    JOIN core_observation d ON d.unit_code = r.unit_code AND d.boundary_version = r.boundary_version
         AND d.period_end = r.period_end AND d.source_id = r.source_id AND d.indicator_code = r.denominator_code
    WHERE d.value > 0
),
problems AS (
    SELECT unit_code || ' ' || indicator_code || ' ' || period_end || ': ' || value || ' ≠ 100×'
           || num || '/' || den AS problem
    FROM compared WHERE abs(value - 100 * num / den) > 0.05
),
final AS (
    SELECT problem, NULL::BIGINT AS n_compared FROM problems
    UNION ALL SELECT NULL, count(*) FROM compared
)
SELECT problem, n_compared FROM final ORDER BY problem NULLS FIRST
