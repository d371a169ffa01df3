-- rollup_rates: derived_rollup rows for the demo rates whose parts a real figure moved (run after rollup_fill).
-- params:
-- A rate is 100 × numerator / denominator of the same unit and month. When a real figure (an import, an
-- article) replaces a part's demo figure, or moves a demo part above it (rollup_fill), the demo rate stored
-- beside those parts no longer is their ratio (Đồng Tháp importing its villages left the nation's coverage
-- at 90,6 % while the nation's villages read 89,7 %). Its row here moves it to the ratio of the parts as
-- out_observation reads them; only the few unit-months with a real or moved part are computed, so the view
-- stays a join with this small table.
INSERT INTO derived_rollup
WITH parts AS (
    SELECT indicator_code, numerator_code, denominator_code,
           CASE WHEN unit_of_measure = '%' THEN 100.0 ELSE 1.0 END AS scale
    FROM core_indicator WHERE aggregation = 'ratio' AND numerator_code IS NOT NULL AND denominator_code IS NOT NULL
),
part_codes AS (
    SELECT numerator_code AS code FROM parts UNION SELECT denominator_code FROM parts
),
touched AS (
    SELECT DISTINCT unit_code, boundary_version, period_end
    FROM derived_rollup WHERE indicator_code IN (SELECT code FROM part_codes)
    UNION
    SELECT DISTINCT unit_code, boundary_version, period_end
    FROM core_observation WHERE NOT is_demo AND indicator_code IN (SELECT code FROM part_codes)
),
seen AS (
    SELECT o.unit_code, o.boundary_version, o.indicator_code, o.period_end, o.value, o.is_demo
    FROM out_observation o
    SEMI JOIN touched t ON t.unit_code = o.unit_code AND t.boundary_version = o.boundary_version
     AND t.period_end = o.period_end
    WHERE o.indicator_code IN (SELECT code FROM part_codes UNION SELECT indicator_code FROM parts)
),
final AS (
    SELECT r.unit_code, r.boundary_version, r.indicator_code, r.period_end,
           k.scale * n.value / d.value - r.value AS delta
    FROM seen r
    JOIN parts k ON k.indicator_code = r.indicator_code
    JOIN seen n ON n.unit_code = r.unit_code AND n.boundary_version = r.boundary_version
     AND n.period_end = r.period_end AND n.indicator_code = k.numerator_code
    JOIN seen d ON d.unit_code = r.unit_code AND d.boundary_version = r.boundary_version
     AND d.period_end = r.period_end AND d.indicator_code = k.denominator_code
    WHERE r.is_demo AND d.value > 0
)
SELECT unit_code, boundary_version, indicator_code, period_end, delta FROM final WHERE abs(delta) > 1e-9;
