-- threshold_bunching: reports just at or above each grade threshold (60, 80, 90) against those just
-- below it, e.g. [90, 92) against [88, 90) with a 2-point window. Many more just above hints at
-- scores nudged over the line.
-- Grain: one row per year and threshold.
-- Parameters (shared filters, each null for all, then the window):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
--   $window_points  width of each side of the threshold in points, or null for 2
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
),
thresholds as (
    select unnest([60, 80, 90]) as threshold
),
years as (
    select distinct year from facts where self_score is not null
)
select
    y.year,
    t.threshold,
    count(f.self_score) filter (where f.self_score >= t.threshold - coalesce($window_points, 2)
                                  and f.self_score < t.threshold) as n_just_below,
    count(f.self_score) filter (where f.self_score >= t.threshold
                                  and f.self_score < t.threshold + coalesce($window_points, 2)) as n_at_or_above,
    (count(f.self_score) filter (where f.self_score >= t.threshold
                                       and f.self_score < t.threshold + coalesce($window_points, 2)))
        / nullif(count(f.self_score) filter (where f.self_score >= t.threshold - coalesce($window_points, 2)
                                               and f.self_score < t.threshold), 0)
    as ratio_above_to_below
from years as y
cross join thresholds as t
left join facts as f on f.year is not distinct from y.year
group by y.year, t.threshold
order by y.year, t.threshold
