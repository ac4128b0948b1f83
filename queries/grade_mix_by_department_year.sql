-- grade_mix_by_department_year: how many reports of each department and year claim each grade
-- (null grade: not stated), and the share of the department's reports that year.
-- Grain: one row per department_canonical, year and grade present.
-- Parameters (shared filters, each null for all):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
with facts as (
    select *
    from evaluation_facts
    where ($departments is null or list_contains($departments, coalesce(department_canonical, '')))
      and ($year_from is null or year >= $year_from)
      and ($year_to is null or year <= $year_to)
      and (not coalesce($year_unknown, false) or year is null)
      and ($region is null or county = $region)
      and ($grade is null or grade = $grade)
      and ($kinds is null or list_contains($kinds, kind))
)
select
    department_canonical,
    year,
    grade,
    count(*) as n_reports,
    count(*) / sum(count(*)) over (partition by department_canonical, year) as share
from facts
group by department_canonical, year, grade
order by department_canonical, year, list_position(['优', '良', '中', '差'], grade) nulls last
