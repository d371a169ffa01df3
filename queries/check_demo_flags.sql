-- check_demo_flags: a row is flagged demo exactly when its source is the demo generator, and every
-- article figure carries the sentence it was read from.
-- Returns one row per problem, and one row with problem NULL whose n_compared counts the
-- observations checked.
-- params:
WITH compared AS (
    SELECT o.unit_code, o.indicator_code, o.period_end, o.is_demo, o.quote_vi, s.source_kind
    FROM core_observation o JOIN core_source s USING (source_id)
),
problems AS (
    SELECT 'observation ' || unit_code || ' ' || indicator_code || ' ' || period_end || ': is_demo='
           || is_demo || ' but source kind ' || source_kind AS problem
    FROM compared WHERE is_demo <> (source_kind = 'demo')
    UNION ALL
    SELECT 'article figure ' || unit_code || ' ' || indicator_code || ' ' || period_end || ' has no quote'
    FROM compared WHERE source_kind = 'article' AND coalesce(trim(quote_vi), '') = ''
),
final AS (
    SELECT problem, NULL::BIGINT AS n_compared FROM problems
    UNION ALL SELECT NULL, count(*) FROM compared
)
SELECT problem, n_compared FROM final ORDER BY problem NULLS FIRST
