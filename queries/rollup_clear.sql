-- Before queries/rollup_fill.sql: derived_rollup is remade whole.
DELETE FROM derived_rollup;
