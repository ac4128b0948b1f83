-- page_doubtful_values: the 待核实 work list of 数据管理: each value the sanity rules (data/sanity.toml)
-- find implausible, with the report's words around it and a suggested reading.
-- Grain: one row per evaluation and doubtful field.
-- Parameters (shared filters, each null for all):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
select
    d.evaluation_id,
    f.content_hash,
    f.record_index,
    f.project_name,
    f.department_canonical,
    f.year,
    d.field,
    d.value,
    d.reason,
    d.suggested,
    d.quote,
    f.source as file_name
from doubtful_values as d
join evaluation_facts as f on f.evaluation_id = d.evaluation_id
where ($departments is null or list_contains($departments, coalesce(f.department_canonical, '')))
  and ($year_from is null or f.year >= $year_from or d.field = 'year')
  and ($year_to is null or f.year <= $year_to or d.field = 'year')
  and (not coalesce($year_unknown, false) or f.year is null or d.field = 'year')
  and ($region is null or f.county = $region)
  and ($grade is null or f.grade = $grade)
  and ($kinds is null or list_contains($kinds, f.kind))
order by f.department_canonical nulls first, f.year, d.evaluation_id, d.field
