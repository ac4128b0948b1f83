-- page_top_reasons_in_category: the reasons given most often within one category of the reason
-- taxonomy (normalised text), with reports, points lost and one example as written.
-- Grain: one row per category and normalised reason, most mentioned first.
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
    category,
    reason_normalised,
    count(*) as n_mentions,
    count(distinct evaluation_id) as n_reports,
    coalesce(sum(points_lost), 0) as points_lost,
    min(reason_text) as example_quote
from mentions
group by category, reason_normalised
order by n_mentions desc, points_lost desc, category, reason_normalised
limit coalesce($limit_rows, 9223372036854775807)
