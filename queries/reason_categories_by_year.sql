-- reason_categories_by_year: each category of the reason taxonomy in each year: how often it is
-- mentioned, by how many reports, the points lost with it, its share of the year's mentions and
-- the three texts most often given for it (ties by text).
-- Grain: one row per category and year present.
-- Parameters (shared filters, each null for all, then):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
--   $include_scored_problems  true to keep problems of reports with a score table (null: false)
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
texts as (
    select category, year, reason_text, count(*) as n
    from mentions
    group by category, year, reason_text
),
quotes as (
    select category, year, list(reason_text order by n desc, reason_text)[1:3] as example_quotes
    from texts
    group by category, year
),
-- One row per report first, keyed by a 64-bit hash of its id (cheaper than distinct strings).
per_report as (
    select category, year, hash(evaluation_id) as report_hash, count(*) as n, sum(points_lost) as points_lost
    from mentions
    group by category, year, report_hash
),
counts as (
    select
        category,
        year,
        sum(n)::bigint as n_mentions,
        count(*) as n_reports,
        coalesce(sum(points_lost), 0) as points_lost
    from per_report
    group by category, year
)
select
    c.category,
    c.year,
    c.n_mentions,
    c.n_reports,
    c.points_lost,
    c.n_mentions / sum(c.n_mentions) over (partition by c.year) as share_of_year,
    q.example_quotes
from counts as c
join quotes as q on q.category = c.category and q.year is not distinct from c.year
order by c.year nulls last, c.n_mentions desc, c.category
