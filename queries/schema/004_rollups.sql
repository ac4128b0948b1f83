-- Points lost pre-aggregated at the grain of the shared filters, so the 扣分原因 page aggregates
-- thousands of rows instead of every indicator row (2 million at province scale).
-- Written by dashboard.metrics.rollups.refresh(con) after every load or correction, from
-- indicator_facts (corrections and canonical names applied). Each report belongs to exactly one
-- (department, year, county, grade, kind) cell, so report counts add up across cells.
create table if not exists indicator_rollup (
    department_canonical varchar,
    year                 integer,
    county               varchar,
    grade                varchar,
    kind                 varchar,
    level1               varchar,
    level3               varchar,
    n_reports_scored     bigint,   -- reports with a row of this indicator
    n_reports_deducted   bigint,   -- of those, reports that lost points on it
    n_deductions         bigint,   -- rows that lost points
    points_lost          double,
    weight               double
);

create table if not exists level1_rollup (
    department_canonical varchar,
    year                 integer,
    county               varchar,
    grade                varchar,
    kind                 varchar,
    level1               varchar,  -- level1_group: 产出指标 and 产出 are one group
    n_reports_scored     bigint,
    n_reports_deducted   bigint,
    n_deductions         bigint,
    points_lost          double,
    weight               double
);
