-- ingest_delete_batch_targets: remove one batch's targets (rollback).
-- params: batch_id
DELETE FROM core_target WHERE batch_id = $batch_id
