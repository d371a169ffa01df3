-- map_population: every population figure of one boundary version with the years it is used for
-- (out_population: from_year..to_year, the nearest year), as map_values joins it to a month; kept in
-- memory by cnscd.views.mapdata.values.
-- params: version
WITH final AS (
    SELECT p.unit_code, p.population, p.year AS population_year, p.is_estimate AS population_is_estimate,
           p.from_year, p.to_year
    FROM out_population p
    WHERE p.boundary_version = $version
)
SELECT * FROM final ORDER BY unit_code, from_year
