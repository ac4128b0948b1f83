-- filter_options: the values the shared filters can take, as present in the warehouse.
-- Grain: one row (each list column sorted; has_unknown_* true when some report states no unit / year).
-- Parameters: none.
select
    list(distinct department_canonical order by department_canonical)
        filter (where department_canonical is not null) as departments,
    list(distinct year order by year) filter (where year is not null) as years,
    list(distinct county order by county) filter (where county is not null) as regions,
    list(distinct grade order by grade) filter (where grade is not null) as grades,
    list(distinct kind order by kind) filter (where kind is not null) as kinds,
    coalesce(bool_or(department_canonical is null), false) as has_unknown_unit,
    coalesce(bool_or(year is null), false) as has_unknown_year
from evaluation_facts
