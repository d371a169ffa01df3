-- build_row_counts: rows in every core_* table (the build's summary and the benchmarks' sanity check).
-- takes no parameters
WITH counts AS (
    SELECT 'core_boundary_version' AS table_name, count(*) AS n_rows FROM core_boundary_version
    UNION ALL SELECT 'core_source', count(*) FROM core_source
    UNION ALL SELECT 'core_unit', count(*) FROM core_unit
    UNION ALL SELECT 'core_crosswalk', count(*) FROM core_crosswalk
    UNION ALL SELECT 'core_indicator', count(*) FROM core_indicator
    UNION ALL SELECT 'core_population', count(*) FROM core_population
    UNION ALL SELECT 'core_observation', count(*) FROM core_observation
    UNION ALL SELECT 'core_target', count(*) FROM core_target
    UNION ALL SELECT 'core_batch', count(*) FROM core_batch
    UNION ALL SELECT 'core_build_info', count(*) FROM core_build_info
),
final AS (SELECT * FROM counts)
SELECT * FROM final
