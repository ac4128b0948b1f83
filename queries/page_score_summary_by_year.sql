-- page_score_summary_by_year: claimed self-scores of each fiscal year (null: not stated): count, mean, quartiles and
-- extremes, for box plots on the 评分分布 page.
-- Grain: one row per year.
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
    year,
    count(*) as n_scored,
    round(avg(self_score), 2) as self_score_mean,
    quantile_cont(self_score, 0.25) as self_score_p25,
    median(self_score) as self_score_median,
    quantile_cont(self_score, 0.75) as self_score_p75,
    min(self_score) as self_score_min,
    max(self_score) as self_score_max
from facts
where self_score is not null
group by year
order by year nulls last
