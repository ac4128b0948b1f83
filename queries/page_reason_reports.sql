-- page_reason_reports: the reports behind one reason category, for drilling from a category to its
-- reports on the 扣分原因 page (problems of reports with a score table left out, as in the counts).
-- Grain: one row per evaluation, summed over its mentions in the category; most points lost first.
-- Parameters (shared filters, each null for all, then):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
--   $category     one category of the reason taxonomy, or null for all
--   $limit_rows   how many rows, or null for all
with mentions as (
    select *
    from reason_facts
    where ($departments is null or list_contains($departments, coalesce(department_canonical, '')))
      and ($year_from is null or year >= $year_from)
      and ($year_to is null or year <= $year_to)
      and (not coalesce($year_unknown, false) or year is null)
      and ($region is null or county = $region)
      and ($grade is null or grade = $grade)
      and ($kinds is null or list_contains($kinds, kind))
      and (source = 'deduction' or not has_score_table)
      and ($category is null or category = $category)
)
select
    evaluation_id,
    project_key,
    project_name,
    department_canonical,
    year,
    count(*) as n_mentions,
    coalesce(sum(points_lost), 0) as points_lost,
    string_agg(distinct reason_normalised, '；' order by reason_normalised) as reasons
from mentions
group by evaluation_id, project_key, project_name, department_canonical, year
order by points_lost desc, n_mentions desc, year desc nulls last, department_canonical, project_name, evaluation_id
limit coalesce($limit_rows, 9223372036854775807)
