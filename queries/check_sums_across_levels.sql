-- check_sums_across_levels: for summable indicators, the demo value of a parent equals the sum of its
-- children's, in every month where every child reported (districts/communes → provinces → nation).
-- Returns one row per problem, and one row with problem NULL whose n_compared counts the
-- (parent, indicator, month) sums compared.
-- params:
WITH demo AS (
    SELECT o.unit_code, o.boundary_version, o.indicator_code, o.period_end, o.value, u.parent_code
    FROM core_observation o
    JOIN core_unit u USING (unit_code, boundary_version)
    JOIN core_indicator i USING (indicator_code)
    WHERE o.is_demo AND i.aggregation = 'sum' AND u.unit_level <> 'nation'
),
-- children where nobody lives (is_reporting false: Hoàng Sa) never report and are not counted
child_counts AS (
    SELECT boundary_version, parent_code, count(*) AS n_children FROM core_unit
    WHERE parent_code IS NOT NULL AND coalesce(is_reporting, true) GROUP BY ALL
),
children AS (
    SELECT boundary_version, parent_code, indicator_code, period_end, sum(value) AS child_sum, count(*) AS n_reported
    FROM demo GROUP BY ALL
),
-- only parents whose every child reported (the demo's lowest level or an aggregate of it)
compared AS (
    SELECT c.*, p.value AS parent_value, cc.n_children
    FROM children c
    JOIN core_observation p ON p.unit_code = c.parent_code AND p.boundary_version = c.boundary_version
         AND p.indicator_code = c.indicator_code AND p.period_end = c.period_end AND p.is_demo
    JOIN child_counts cc ON cc.boundary_version = c.boundary_version AND cc.parent_code = c.parent_code
    WHERE c.n_reported = cc.n_children
),
problems AS (
    SELECT boundary_version || ' ' || parent_code || ' ' || indicator_code || ' ' || period_end
           || ': parent ' || parent_value || ' ≠ sum of children ' || child_sum AS problem
    FROM compared
    WHERE abs(parent_value - child_sum) > 0.5
),
final AS (
    SELECT problem, NULL::BIGINT AS n_compared FROM problems
    UNION ALL SELECT NULL, count(*) FROM compared
)
SELECT problem, n_compared FROM final ORDER BY problem NULLS FIRST
