-- execution_rate_bands: how many reports fall in each execution-rate band, by year.
-- Bands: <50, 50-60, 60-70, 70-80, 80-90, 90-95, 95-100, ≥100 (lower bound included).
-- Grain: one row per year and band present (band_order sorts the bands).
-- Parameters (shared filters, each null for all):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
--   $include_doubtful  true to count amounts marked 待核实 (doubtful_values); null or false leaves them out
--   $basis        budget basis: adjusted (全年预算数, default) or initial (年初预算数), or null
with facts as (
    -- the budget basis: 全年（调整后）预算数 by default, 年初预算数 when $basis = 'initial'
    select * replace (
        case when $basis = 'initial' then initial_budget_wan else budget_wan end as budget_wan,
        case when coalesce($basis, 'adjusted') <> 'initial' then execution_rate
             when initial_budget_wan > 0 and spent_wan is not null
             then round(spent_wan / initial_budget_wan * 100, 2) end as execution_rate
    )
    from evaluation_facts
    where ($departments is null or list_contains($departments, coalesce(department_canonical, '')))
      and ($year_from is null or year >= $year_from)
      and ($year_to is null or year <= $year_to)
      and (not coalesce($year_unknown, false) or year is null)
      and ($region is null or county = $region)
      and ($grade is null or grade = $grade)
      and ($kinds is null or list_contains($kinds, kind))
      and (coalesce($include_doubtful, false) or not amounts_doubtful)
),
banded as (
    select
        year,
        case
            when execution_rate < 50 then 1
            when execution_rate < 60 then 2
            when execution_rate < 70 then 3
            when execution_rate < 80 then 4
            when execution_rate < 90 then 5
            when execution_rate < 95 then 6
            when execution_rate < 100 then 7
            else 8
        end as band_order,
        budget_wan
    from facts
    where execution_rate is not null
)
select
    year,
    band_order,
    ['<50%', '50–60%', '60–70%', '70–80%', '80–90%', '90–95%', '95–100%', '≥100%'][band_order] as band,
    count(*) as n_reports,
    count(*) / sum(count(*)) over (partition by year) as share_of_year,
    sum(budget_wan) as budget_wan
from banded
group by year, band_order
order by year, band_order
