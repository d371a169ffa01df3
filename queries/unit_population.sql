-- unit_population: population of the nation and the provinces by year and boundary version
-- (for per-1,000-residents measures), with whether it is an estimate and the years it is used for
-- (from_year .. to_year: out_population's nearest-year rule).
-- takes no parameters
WITH final AS (
    SELECT p.unit_code, p.boundary_version, p.year, p.population, p.is_estimate, p.method, p.source_id,
           p.from_year, p.to_year
    FROM out_population p
    JOIN core_unit u ON u.boundary_version = p.boundary_version AND u.unit_code = p.unit_code
    WHERE u.unit_level IN ('nation', 'province')
)
SELECT * FROM final ORDER BY boundary_version, unit_code, year
