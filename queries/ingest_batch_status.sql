-- ingest_batch_status: the status of one batch in the warehouse ('active' | 'rolled_back'); no row
-- when the warehouse does not know it. Read inside the rollback's write transaction.
-- params: batch_id
WITH final AS (
    SELECT status FROM core_batch WHERE batch_id = $batch_id
)
SELECT * FROM final
