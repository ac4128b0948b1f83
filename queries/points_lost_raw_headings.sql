-- points_lost_raw_headings: how reports wrote one indicator: each 一级/二级/三级指标 heading as written,
-- the group the indicator taxonomy filed it in, how many reports scored it and the points lost on it.
-- Grain: one row per indicator and headings as written (level1_raw, level2_raw, level3_raw), most
-- points lost first.
-- Parameters (shared filters, each null for all, then):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
--   $indicator    one normalised indicator (points_lost_by_indicator.indicator), or null for all
with scored as (
    select *
    from indicator_facts
    where ($departments is null or list_contains($departments, coalesce(department_canonical, '')))
      and ($year_from is null or year >= $year_from)
      and ($year_to is null or year <= $year_to)
      and (not coalesce($year_unknown, false) or year is null)
      and ($region is null or county = $region)
      and ($grade is null or grade = $grade)
      and ($kinds is null or list_contains($kinds, kind))
      and ($indicator is null or indicator = $indicator)
)
select
    indicator,
    level1 as level1_raw,
    level2 as level2_raw,
    level3 as level3_raw,
    level1_group,
    level2_group,
    count(distinct evaluation_id) as n_reports_scored,
    count(distinct evaluation_id) filter (where points_lost > 0) as n_reports_deducted,
    count(*) filter (where points_lost > 0) as n_deductions,
    coalesce(sum(points_lost), 0) as points_lost_total
from scored
group by indicator, level1, level2, level3, level1_group, level2_group
order by points_lost_total desc, n_reports_scored desc, indicator, level1_raw, level2_raw, level3_raw
