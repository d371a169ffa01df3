-- build_info: key/value facts about the warehouse build (when, demo seed, packages).
-- takes no parameters
WITH final AS (SELECT key, value FROM core_build_info)
SELECT * FROM final ORDER BY key
