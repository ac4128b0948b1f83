-- flags_list: the filtered flags with their message and quoted evidence, worst first.
-- Grain: one row per flag of an evaluation.
-- Parameters (shared filters, each null for all, then):
--   $departments   list of canonical department names (department_canonical), or null for all
--   $year_from     first fiscal year included, or null
--   $year_to       last fiscal year included, or null
--   $year_unknown  true: only reports whose fiscal year is not known (年度不详), or null
--   $region        county or city (county), or null
--   $grade         优 | 良 | 中 | 差, or null
--   $kinds         list of kinds (project_self, department_self, external), or null for all
--   $code          one flag code (e.g. EXECUTION_RULE_VIOLATION), or null for all
--   $evaluation_id one report's evaluation_id, or null for all
--   $limit_rows    how many rows, or null for all
select
    evaluation_id,
    department_canonical as department,
    project_name,
    year,
    code,
    severity,
    scope,
    message,
    evidence
from flag_facts
where ($departments is null or list_contains($departments, coalesce(department_canonical, '')))
  and ($year_from is null or year >= $year_from)
  and ($year_to is null or year <= $year_to)
  and (not coalesce($year_unknown, false) or year is null)
  and ($region is null or county = $region)
  and ($grade is null or grade = $grade)
  and ($kinds is null or list_contains($kinds, kind))
  and ($code is null or code = $code)
  and ($evaluation_id is null or evaluation_id = $evaluation_id)
order by
    case severity when 'high' then 0 when 'medium' then 1 else 2 end,
    year desc nulls last,
    department_canonical,
    evaluation_id,
    code
limit coalesce($limit_rows, 9223372036854775807)
