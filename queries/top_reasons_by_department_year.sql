-- top_reasons_by_department_year: the reasons each department gives most often in each year
-- (normalised text), with their category, reports, points lost and one example as written.
-- Grain: one row per department_canonical, year and normalised reason, the top $limit_rows of each.
-- Parameters (shared filters, each null for all, then):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
--   $include_scored_problems  true to keep problems of reports with a score table (null: false)
--   $limit_rows   how many reasons per department and year, or null for 5
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
      and (source = 'deduction' or not has_score_table or coalesce($include_scored_problems, false))
),
-- One row per report first, keyed by a 64-bit hash of its id (cheaper than distinct strings).
per_report as (
    select
        department_canonical,
        year,
        reason_normalised,
        hash(evaluation_id) as report_hash,
        min(category) as category,
        count(*) as n,
        sum(points_lost) as points_lost,
        min(reason_text) as example_quote
    from mentions
    group by department_canonical, year, reason_normalised, report_hash
),
grouped as (
    select
        department_canonical,
        year,
        reason_normalised,
        min(category) as category,
        sum(n)::bigint as n_mentions,
        count(*) as n_reports,
        coalesce(sum(points_lost), 0) as points_lost,
        min(example_quote) as example_quote
    from per_report
    group by department_canonical, year, reason_normalised
),
ranked as (
    select
        *,
        row_number() over (
            partition by department_canonical, year
            order by n_mentions desc, points_lost desc, reason_normalised
        ) as rank
    from grouped
)
select *
from ranked
where rank <= coalesce($limit_rows, 5)
order by department_canonical nulls last, year, rank
