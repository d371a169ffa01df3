-- province_crosswalk: which older-version province went into which province of today's version, with
-- weights (used to re-aggregate targets, to list a 2025 province's predecessors, and on Sources).
-- takes no parameters
WITH today_version AS (
    SELECT boundary_version FROM core_boundary_version WHERE valid_to_date IS NULL
),
final AS (
    SELECT c.from_version, c.from_code, f.short_name AS from_name, c.to_version, c.to_code,
           t.short_name AS to_name, c.weight, c.method, c.source_id
    FROM core_crosswalk c
    JOIN today_version v ON v.boundary_version = c.to_version
    JOIN core_unit f ON f.boundary_version = c.from_version AND f.unit_code = c.from_code
    JOIN core_unit t ON t.boundary_version = c.to_version AND t.unit_code = c.to_code
    WHERE c.unit_level = 'province'
)
SELECT * FROM final ORDER BY to_code, from_code
