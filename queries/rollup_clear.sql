-- rollup_clear: empty derived_rollup before queries/rollup_fill.sql remakes it whole.
-- params:
DELETE FROM derived_rollup;
