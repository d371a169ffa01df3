-- export_observations: every observation with its unit, indicator, target and % of target, for
-- `python -m data export`. Empty lists / NULL dates mean "no filter".
-- The target matched is the one of the same unit and indicator whose period contains the
-- observation's end (the narrowest, preferring the same source). value_qualifier says how the source
-- words the number (approx / more_than / less_than, NULL = exact); stated_pct_of_target is the % the
-- source itself prints, beside the computed pct_of_target; target_is_derived marks a target the source
-- does not state (back-calculated from a stated %).
-- params: unit_codes, indicator_codes, period_from, period_to
WITH obs AS (
    SELECT o.* FROM core_observation o
    WHERE (len($unit_codes) = 0 OR list_contains($unit_codes, o.unit_code))
      AND (len($indicator_codes) = 0 OR list_contains($indicator_codes, o.indicator_code))
      AND ($period_from IS NULL OR o.period_end >= $period_from)
      AND ($period_to IS NULL OR o.period_start <= $period_to)
),
matched AS (
    SELECT o.unit_code, o.boundary_version, o.indicator_code, o.period_start, o.period_end, o.source_id,
           t.target_value, coalesce(t.target_is_derived, false) AS target_is_derived,
           row_number() OVER (PARTITION BY o.unit_code, o.boundary_version, o.indicator_code, o.period_start,
                                           o.period_end, o.source_id
                              ORDER BY (t.source_id = o.source_id) DESC, t.period_end - t.period_start) AS rn
    FROM obs o
    JOIN core_target t ON t.unit_code = o.unit_code AND t.boundary_version = o.boundary_version
         AND t.indicator_code = o.indicator_code AND o.period_end BETWEEN t.period_start AND t.period_end
),
final AS (
    SELECT o.unit_code, u.unit_name, u.unit_level, o.boundary_version, o.indicator_code, i.name_vi AS indicator_name_vi,
           o.period_start, o.period_end, o.value, o.value_qualifier, i.unit_of_measure, m.target_value,
           m.target_is_derived, round(100 * o.value / nullif(m.target_value, 0), 1) AS pct_of_target,
           o.stated_pct_of_target, o.source_id, o.is_demo
    FROM obs o
    JOIN core_unit u USING (unit_code, boundary_version)
    JOIN core_indicator i USING (indicator_code)
    LEFT JOIN matched m ON m.rn = 1 AND m.unit_code = o.unit_code AND m.boundary_version = o.boundary_version
         AND m.indicator_code = o.indicator_code AND m.period_start = o.period_start
         AND m.period_end = o.period_end AND m.source_id = o.source_id
)
SELECT * FROM final
ORDER BY boundary_version DESC, indicator_code, unit_code, period_end, source_id
