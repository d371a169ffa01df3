-- check_demo_flags: a row is flagged demo exactly when its source is the demo generator, and every
-- article figure carries the sentence it was read from.
-- params:
WITH rows AS (
    SELECT o.unit_code, o.indicator_code, o.period_end, o.is_demo, o.quote_vi, s.source_kind
    FROM core_observation o JOIN core_source s USING (source_id)
),
final AS (
    SELECT 'observation ' || unit_code || ' ' || indicator_code || ' ' || period_end || ': is_demo='
           || is_demo || ' but source kind ' || source_kind AS problem
    FROM rows WHERE is_demo <> (source_kind = 'demo')
    UNION ALL
    SELECT 'article figure ' || unit_code || ' ' || indicator_code || ' ' || period_end || ' has no quote'
    FROM rows WHERE source_kind = 'article' AND coalesce(trim(quote_vi), '') = ''
)
SELECT problem FROM final ORDER BY problem
