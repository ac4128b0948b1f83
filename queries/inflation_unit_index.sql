-- inflation_unit_index: the unit inflation index — how far each unit's claimed scores sit above what
-- its evidence supports, compared with the median unit of the same year; highest index first.
-- Grain: one row per canonical department and fiscal year.
-- Parameters:
--   $departments  list of canonical department names, or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
select
    department,
    year,
    n_reports,
    mean_claimed,
    mean_supported,
    mean_gap,
    peer_median_gap,
    inflation_index,
    flagged_share
from unit_inflation
where ($departments is null or list_contains($departments, coalesce(department, '')))
  and ($year_from is null or year >= $year_from)
  and ($year_to is null or year <= $year_to)
  and (not coalesce($year_unknown, false) or year is null)
  and (getvariable('scope_units') is null
       or list_contains(getvariable('scope_units'), coalesce(department, '')))  -- read scope (002_staging.sql)
order by inflation_index desc, year desc, department
