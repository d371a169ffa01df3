-- ingest_replace_keys_drop: drop the temporary table of replaced keys once the batch has used it.
-- takes no parameters
DROP TABLE tmp_ingest_replace
