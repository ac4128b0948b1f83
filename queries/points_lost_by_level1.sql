-- points_lost_by_level1: points lost on each first-level indicator (决策/过程/产出/效益...; 产出指标 and
-- 产出 are one group): total,
-- how often, and the share of the reports scoring it that lost points on it.
-- Grain: one row per level1.
-- Parameters (shared filters, each null for all):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kind         project_self | department_self | external, or null
with rows_in_scope as (
    select evaluation_id, level1_group as level1, level3, weight, points_lost
    from indicator_facts
    where ($departments is null or list_contains($departments, department_canonical))
      and ($year_from is null or year >= $year_from)
      and ($year_to is null or year <= $year_to)
      and ($region is null or county = $region)
      and ($grade is null or grade = $grade)
      and ($kind is null or kind = $kind)
),
-- One row per report first, keyed by a 64-bit hash of its id: distinct counts of strings over
-- millions of rows are what makes this slow (a collision among a million ids: about 1 in 10^7).
per_report as (
    select
        level1,
        hash(evaluation_id) as report_hash,
        count(*) filter (where points_lost > 0) as n_deductions,
        sum(points_lost) as points_lost,
        sum(weight) as weight
    from rows_in_scope
    group by level1, report_hash
)
select
    level1,
    count(*) as n_reports_scored,
    count(*) filter (where n_deductions > 0) as n_reports_deducted,
    sum(n_deductions)::bigint as n_deductions,
    sum(points_lost) as points_lost_total,
    sum(weight) as weight_total,
    count(*) filter (where n_deductions > 0) / count(*) as share_reports_deducted
from per_report
group by level1
order by points_lost_total desc, level1
