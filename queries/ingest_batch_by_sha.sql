-- ingest_batch_by_sha: an active batch that already imported a file with this content hash.
-- params: sha256
WITH final AS (
    SELECT batch_id, file_name, loaded_at FROM core_batch WHERE file_sha256 = $sha256 AND status = 'active'
)
SELECT * FROM final ORDER BY loaded_at
