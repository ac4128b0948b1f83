-- level1_rollup (written by dashboard.metrics.rollups.refresh): points lost per first-level group of
-- the indicator taxonomy and filter cell, from indicator_facts.
-- Grain: one row per department, year, county, grade, kind and level1_group.
-- Parameters: none.
with per_report as (
    select
        department_canonical, year, county, grade, kind, level1_group, evaluation_id,
        count(*) filter (where points_lost > 0) as n_deductions,
        sum(points_lost) as points_lost,
        sum(weight) as weight
    from indicator_facts
    group by all
)
select
    department_canonical, year, county, grade, kind, level1_group,
    count(*) as n_reports_scored,
    count(*) filter (where n_deductions > 0) as n_reports_deducted,
    sum(n_deductions)::bigint as n_deductions,
    sum(points_lost) as points_lost,
    sum(weight) as weight
from per_report
group by all
