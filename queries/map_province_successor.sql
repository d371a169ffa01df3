-- map_province_successor: the province of another boundary version a view moves to when its period
-- crosses the 1 July 2025 reform (core_crosswalk, province level), in both directions. Forward (the
-- crosswalk's direction, legacy -> 2025): the province it went into, largest weight first. Backward
-- (2025 -> legacy): the predecessor with the same short name when there is one (Đồng Tháp 82 ->
-- Đồng Tháp 87, not Tiền Giang 82), else the most populous (core_population, its latest year: the
-- province crosswalk gives every whole legacy province weight 1, so weights cannot tell predecessors
-- apart), then the lowest code. Empty when the code has no mapping.
-- params: from_version, code, to_version
WITH here AS (
    SELECT short_name FROM core_unit WHERE boundary_version = $from_version AND unit_code = $code
),
forward AS (
    SELECT to_code AS unit_code, weight, 0 AS same_name, 0.0 AS population
    FROM core_crosswalk
    WHERE from_version = $from_version AND from_code = $code AND to_version = $to_version
      AND unit_level = 'province'
),
pop AS (
    SELECT unit_code, arg_max(population, year) AS population
    FROM core_population WHERE boundary_version = $to_version
    GROUP BY unit_code
),
backward AS (
    SELECT c.from_code AS unit_code, c.weight,
           CASE WHEN u.short_name = (SELECT short_name FROM here) THEN 1 ELSE 0 END AS same_name,
           coalesce(p.population, 0.0) AS population
    FROM core_crosswalk c
    JOIN core_unit u ON u.boundary_version = c.from_version AND u.unit_code = c.from_code
    LEFT JOIN pop p ON p.unit_code = c.from_code
    WHERE c.from_version = $to_version AND c.to_code = $code AND c.to_version = $from_version
      AND c.unit_level = 'province'
),
final AS (
    SELECT unit_code, weight FROM (SELECT * FROM forward UNION ALL SELECT * FROM backward)
    ORDER BY same_name DESC, population DESC, weight DESC, unit_code
    LIMIT 1
)
SELECT * FROM final
