-- points_lost_by_level1: points lost on each first-level group of the indicator taxonomy
-- (产出/效益/满意度/预算执行/决策/过程/管理/其他; 效果 and 效益指标 are one group, 满意度 under 效果 counts as
-- 满意度): total, how often, and the share of the reports scoring it that lost points on it.
-- Read from the rollup table the derive step keeps (queries/schema/004_rollups.sql).
-- Grain: one row per level1_group.
-- Parameters (shared filters, each null for all):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
with cells as (
    select *
    from level1_rollup
    where ($departments is null or list_contains($departments, coalesce(department_canonical, '')))
      and ($year_from is null or year >= $year_from)
      and ($year_to is null or year <= $year_to)
      and (not coalesce($year_unknown, false) or year is null)
      and ($region is null or county = $region)
      and ($grade is null or grade = $grade)
      and ($kinds is null or list_contains($kinds, kind))
      and (getvariable('scope_units') is null
           or list_contains(getvariable('scope_units'), coalesce(department_canonical, '')))  -- read scope (002_staging.sql)
)
select
    level1_group,
    sum(n_reports_scored)::bigint as n_reports_scored,
    sum(n_reports_deducted)::bigint as n_reports_deducted,
    sum(n_deductions)::bigint as n_deductions,
    sum(points_lost) as points_lost_total,
    sum(weight) as weight_total,
    sum(n_reports_deducted) / sum(n_reports_scored) as share_reports_deducted
from cells
group by level1_group
order by points_lost_total desc, level1_group
