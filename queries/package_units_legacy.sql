-- package_units_legacy: every row of the vietnamadminunits package's legacy (63-province) unit table.
-- Runs on the package's SQLite file (queries.run_dbapi), not on the warehouse.
-- takes no parameters
WITH final AS (SELECT * FROM admin_units_legacy)
SELECT * FROM final
