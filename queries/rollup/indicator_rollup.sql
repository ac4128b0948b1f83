-- indicator_rollup (written by dashboard.metrics.rollups.refresh): points lost per indicator and
-- filter cell, from indicator_facts; an indicator is kept under its one group (indicator_group).
-- Grain: one row per department, year, county, grade, kind and indicator (normalised 三级指标).
-- Parameters: none.
with per_report as (
    select
        department_canonical, year, county, grade, kind, indicator_group as level1_group, indicator, evaluation_id,
        count(*) filter (where points_lost > 0) as n_deductions,
        sum(points_lost) as points_lost,
        sum(weight) as weight
    from indicator_facts
    group by all
)
select
    department_canonical, year, county, grade, kind, level1_group, indicator,
    count(*) as n_reports_scored,
    count(*) filter (where n_deductions > 0) as n_reports_deducted,
    sum(n_deductions)::bigint as n_deductions,
    sum(points_lost) as points_lost,
    sum(weight) as weight
from per_report
group by all
