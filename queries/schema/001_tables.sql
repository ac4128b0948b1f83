-- Warehouse tables. Only the loader (dashboard/ingest/load.py) writes them.
-- One row per file ever offered to the loader, keyed by content hash: a file whose hash is
-- loaded is skipped, a failed file is kept with its error so the 数据管理 page can show it.
create table if not exists reports (
    content_hash   varchar primary key,
    file_path      varchar not null,
    file_name      varchar not null,
    format         varchar not null,
    size_bytes     bigint,
    ingested_at    timestamp not null,
    status         varchar not null,      -- loaded | failed
    error          varchar,               -- the reason, naming the file, when failed
    warnings       varchar[],
    n_records      integer not null default 0
);

-- One row per evaluated project in a file (a workbook of forms yields several).
create table if not exists evaluations (
    evaluation_id          varchar primary key,   -- content_hash || ':' || record_index
    content_hash           varchar not null,
    record_index           integer not null,
    source                 varchar not null,
    project_name           varchar,
    department             varchar,
    supervising_department varchar,
    region                 varchar,
    kind                   varchar not null,      -- project_self | department_self | external
    year                   integer,
    budget_wan             double,
    initial_budget_wan     double,
    received_wan           double,
    spent_wan              double,
    stated_execution_rate  double,
    execution_rate         double,
    self_score             double,
    grade                  varchar,
    execution_weight       double,
    execution_score        double,
    firm                   varchar,
    report_number          varchar,
    conclusion             varchar,
    full_text              varchar,
    facts_json             varchar,               -- the extractor's quoted mentions (JSON), for re-flagging
    warnings               varchar[],
    loaded_at              timestamp not null
);

create table if not exists indicator_scores (
    evaluation_id varchar not null,
    row_index     integer not null,
    level1        varchar,
    level2        varchar,
    level3        varchar,
    weight        double,
    score         double,
    deduction     double,
    reason        varchar,
    rule          varchar,
    target        varchar,
    actual        varchar,
    primary key (evaluation_id, row_index)
);

create table if not exists problems (
    evaluation_id varchar not null,
    problem_index integer not null,
    problem_text  varchar not null,
    primary key (evaluation_id, problem_index)
);

create table if not exists evaluator_scores (
    evaluation_id   varchar not null,
    evaluator_index integer not null,
    score           double not null,
    primary key (evaluation_id, evaluator_index)
);

-- Report-level flags (scope 'report', written with the report) and corpus-level flags
-- (scope 'corpus', recomputed over the whole warehouse after every load or correction).
create table if not exists flags (
    evaluation_id varchar not null,
    code          varchar not null,
    severity      varchar not null,   -- high | medium | low
    message       varchar not null,
    evidence      varchar,
    scope         varchar not null    -- report | corpus
);

-- Corrections made on the 数据管理 page. Keyed by content hash and record index, so they
-- survive re-ingestion of the same file; the latest correction of a field wins.
create table if not exists corrections (
    content_hash  varchar not null,
    record_index  integer not null,
    field         varchar not null,   -- department | year | budget_wan | spent_wan | ...
    old_value     varchar,
    new_value     varchar,
    corrected_by  varchar not null,
    corrected_at  timestamp not null
);
