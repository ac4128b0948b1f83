-- Points lost pre-aggregated at the grain of the shared filters, so the 扣分原因 page aggregates
-- thousands of rows instead of every indicator row (2 million at province scale).
-- Written by dashboard.metrics.rollups.refresh(con) after every load or correction, from
-- indicator_facts (corrections, canonical names and the indicator taxonomy applied). Each report belongs
-- to exactly one (department, year, county, grade, kind) cell, so report counts add up across cells.
create table if not exists indicator_rollup (
    department_canonical varchar,
    year                 integer,
    county               varchar,
    grade                varchar,
    kind                 varchar,
    level1_group         varchar,  -- the indicator's one group (indicator_facts.indicator_group)
    indicator            varchar,  -- the normalised 三级指标
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
    level1_group         varchar,  -- the row's group in the indicator taxonomy: 效果 and 效益指标 are one
    n_reports_scored     bigint,
    n_reports_deducted   bigint,
    n_deductions         bigint,
    points_lost          double,
    weight               double
);

-- Warehouses made before the indicator taxonomy keyed these by the headings as written (level1,
-- level3); the derive step refills every row right after the schema, so the old columns just go.
alter table indicator_rollup drop column if exists level1;
alter table indicator_rollup drop column if exists level3;
alter table indicator_rollup add column if not exists level1_group varchar;
alter table indicator_rollup add column if not exists indicator varchar;
alter table level1_rollup drop column if exists level1;
alter table level1_rollup add column if not exists level1_group varchar;
