-- check_unit_counts: the two boundary versions have the published numbers of units
-- (63 provinces / 696 districts / >10,000 communes; 34 provinces / 3,321 communes, no districts).
-- Returns one row per problem, and one row with problem NULL whose n_compared counts the units counted.
-- params:
WITH expected(boundary_version, unit_level, lo, hi) AS (
    VALUES ('legacy', 'nation', 1, 1), ('legacy', 'province', 63, 63), ('legacy', 'district', 690, 720),
           ('legacy', 'commune', 10000, 11200), ('2025', 'nation', 1, 1), ('2025', 'province', 34, 34),
           ('2025', 'district', 0, 0), ('2025', 'commune', 3321, 3321)
),
counts AS (
    SELECT e.boundary_version, e.unit_level, e.lo, e.hi, count(u.unit_code) AS n
    FROM expected e
    LEFT JOIN core_unit u ON u.boundary_version = e.boundary_version AND u.unit_level = e.unit_level
    GROUP BY ALL
),
problems AS (
    SELECT boundary_version || ' ' || unit_level || ': ' || n || ' units, expected ' || lo || '–' || hi AS problem
    FROM counts WHERE n NOT BETWEEN lo AND hi
),
final AS (
    SELECT problem, NULL::BIGINT AS n_compared FROM problems
    UNION ALL SELECT NULL, sum(n)::BIGINT FROM counts
)
SELECT problem, n_compared FROM final ORDER BY problem NULLS FIRST
