-- check_unit_counts: the two boundary versions have the published numbers of units
-- (63 provinces / 696 districts / >10,000 communes; 34 provinces / 3,321 communes, no districts).
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
final AS (
    SELECT boundary_version || ' ' || unit_level || ': ' || n || ' units, expected ' || lo || '–' || hi AS problem
    FROM counts WHERE n NOT BETWEEN lo AND hi
)
SELECT problem FROM final
