-- ingest_province_successors: legacy province -> the 2025 province(s) it became, to extend an
-- editor's province scope (given as legacy codes) to the 2025 boundaries.
-- params:
WITH final AS (
    SELECT DISTINCT from_code, to_code
    FROM core_crosswalk
    WHERE from_version = 'legacy' AND to_version = '2025' AND unit_level = 'province'
)
SELECT * FROM final ORDER BY from_code, to_code
