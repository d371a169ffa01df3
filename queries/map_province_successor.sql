-- map_province_successor: the province of another boundary version that holds the largest share
-- of a province (through core_crosswalk), so a drilled-in view survives a period change across the
-- 1 July 2025 reform. Empty when the code has no mapping.
-- params: from_version, code, to_version
WITH links AS (
    SELECT to_code, weight
    FROM core_crosswalk
    WHERE from_version = $from_version AND from_code = $code AND to_version = $to_version
      AND unit_level = 'province'
    UNION ALL
    -- the reverse direction: the legacy province that gave the new one its largest part
    SELECT from_code AS to_code, weight
    FROM core_crosswalk
    WHERE from_version = $to_version AND to_code = $code AND to_version = $from_version
      AND unit_level = 'province'
),
final AS (
    SELECT to_code AS unit_code, weight FROM links ORDER BY weight DESC, (to_code = $code) DESC, to_code LIMIT 1
)
SELECT * FROM final
