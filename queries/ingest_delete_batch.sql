-- ingest_delete_batch: remove one batch's observations (rollback). Targets: ingest_delete_batch_targets.
-- params: batch_id
DELETE FROM core_observation WHERE batch_id = $batch_id
