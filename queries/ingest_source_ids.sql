-- ingest_source_ids: every source_id the warehouse knows (a rollback restores only replaced rows
-- whose source still exists).
-- takes no parameters
WITH final AS (
    SELECT source_id FROM core_source
)
SELECT * FROM final ORDER BY source_id
