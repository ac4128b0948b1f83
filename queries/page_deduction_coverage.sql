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
),
-- Base tables, not the reason_facts view: one pass over the indicator rows instead of the view's joins
-- (a reason counts where points were lost, as in reason_facts).
with_rows as (
    select evaluation_id,
           bool_or(coalesce(weight - score, deduction) > 0 and nullif(trim(reason), '') is not null) as has_reason
    from indicator_scores
    where evaluation_id in (select evaluation_id from reports)
    group by evaluation_id
),
with_problems as (
    select distinct evaluation_id
    from problems
    where nullif(trim(problem_text), '') is not null and evaluation_id in (select evaluation_id from reports)
)
select
    count(*) as n_reports,
    count(w.evaluation_id) as n_with_indicators,
    count(*) filter (where coalesce(w.has_reason, false) or p.evaluation_id is not null) as n_with_reasons
from reports as r
left join with_rows as w on w.evaluation_id = r.evaluation_id
left join with_problems as p on p.evaluation_id = r.evaluation_id
