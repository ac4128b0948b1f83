-- page_score_bins_by_year: histogram of claimed self-scores for each fiscal year (100 gets a bin of
-- its own), for the 评分分布 page's histograms by year.
-- Grain: one row per year and score bin present, [bin_start, bin_end).
-- Parameters (shared filters, each null for all, then the bin width):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
--   $bin_width    width of a bin in points, or null for 5
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
    floor(self_score / coalesce($bin_width, 5)) * coalesce($bin_width, 5) as bin_start,
    floor(self_score / coalesce($bin_width, 5)) * coalesce($bin_width, 5) + coalesce($bin_width, 5) as bin_end,
    count(*) as n_reports
from facts
where self_score is not null
group by year, bin_start, bin_end
order by year nulls last, bin_start
