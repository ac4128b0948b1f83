-- score_summary_by_department_year: claimed self-scores of each department in each year: count,
-- mean, median, quartiles and extremes.
-- Grain: one row per department_canonical and year.
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
    count(*) as n_scored,
    avg(self_score) as self_score_mean,
    median(self_score) as self_score_median,
    quantile_cont(self_score, 0.25) as self_score_p25,
    quantile_cont(self_score, 0.75) as self_score_p75,
    min(self_score) as self_score_min,
    max(self_score) as self_score_max
from facts
where self_score is not null
group by department_canonical, year
order by department_canonical, year
