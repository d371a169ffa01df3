-- bench_empty_units: empty the observations and units of a small test warehouse, so the import
-- benchmark can load the package's full unit list into it (bench/bench_import.py).
-- takes no parameters
DELETE FROM core_observation;
DELETE FROM core_unit;
