-- page_deduction_coverage: how many of the filtered reports the 扣分原因 charts stand on: those with
-- indicator rows (points lost) and those stating a deduction reason or a problem.
-- Grain: one row.
-- Parameters (shared filters, each null for all):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
with reports as (
    select evaluation_id
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
    count(*) as n_reports,
    count(*) filter (where r.evaluation_id in (select evaluation_id from indicator_scores)) as n_with_indicators,
    count(*) filter (where r.evaluation_id in (select evaluation_id from reason_facts)) as n_with_reasons
from reports as r
