-- ingest_mark_rolled_back: record who rolled a batch back and when.
-- params: batch_id, at, by
UPDATE core_batch SET status = 'rolled_back', rolled_back_at = $at, rolled_back_by = $by WHERE batch_id = $batch_id
