-- page_project_indicators: the indicator score table of reports (一级/二级/三级指标, 分值, 得分, points
-- lost, reason, rule, target, actual), in table order, for one evaluation or the filtered set.
-- Grain: one row per evaluation and indicator row.
-- Parameters (shared filters, each null for all, then):
--   $departments    list of canonical department names (department_canonical), or null for all
--   $year_from      first fiscal year included, or null
--   $year_to        last fiscal year included, or null
--   $year_unknown   true: only reports whose fiscal year is not known (年度不详), or null
--   $region         county or city (county), or null
--   $grade          优 | 良 | 中 | 差, or null
--   $kinds         list of kinds (project_self, department_self, external), or null for all
--   $evaluation_id  one report's evaluation_id, or null for all
select
    evaluation_id,
    row_index,
    department_canonical,
    year,
    level1,
    level2,
    level3,
    weight,
    score,
    points_lost,
    reason,
    rule,
    target,
    actual
from indicator_facts
where ($departments is null or list_contains($departments, coalesce(department_canonical, '')))
  and ($year_from is null or year >= $year_from)
  and ($year_to is null or year <= $year_to)
  and (not coalesce($year_unknown, false) or year is null)
  and ($region is null or county = $region)
  and ($grade is null or grade = $grade)
  and ($kinds is null or list_contains($kinds, kind))
  and ($evaluation_id is null or evaluation_id = $evaluation_id)
order by evaluation_id, row_index
