-- package_units_2025: every row of the vietnamadminunits package's 2025 (34-province) unit table.
-- Runs on the package's SQLite file (queries.run_dbapi), not on the warehouse.
-- takes no parameters
WITH final AS (SELECT * FROM admin_units)
SELECT * FROM final
