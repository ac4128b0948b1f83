-- flags_by_code: how many filtered reports carry each flag code, by severity.
-- Grain: one row per flag code and severity.
-- Parameters (shared filters, each null for all):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
select
    code,
    severity,
    scope,
    count(distinct evaluation_id) as n_reports
from flag_facts
where ($departments is null or list_contains($departments, coalesce(department_canonical, '')))
  and ($year_from is null or year >= $year_from)
  and ($year_to is null or year <= $year_to)
  and (not coalesce($year_unknown, false) or year is null)
  and ($region is null or county = $region)
  and ($grade is null or grade = $grade)
  and ($kinds is null or list_contains($kinds, kind))
group by code, severity, scope
order by n_reports desc, code, severity
