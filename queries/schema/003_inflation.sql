-- Inflation tables, (re)written by dashboard.inflation.corpus_flags.refresh(con) after every load or
-- correction with `create or replace table`; created empty here so read queries work on a new warehouse.
-- Safe to re-run.

-- One row per evaluation: the score its evidence supports, the gap (claimed − supported, ≥ 0),
-- the risk score 0–100, how many distinct flag codes it carries, the worst severity and the
-- re-scoring's explanation.
create table if not exists report_risk (
    evaluation_id   varchar,
    supported_score double,
    score_gap       double,
    risk_score      double,
    n_flags         bigint,
    max_severity    varchar,
    supported_explanation varchar   -- how the supported score was reached, in Chinese
);

-- One row per canonical department and fiscal year: claimed vs supported scores and the
-- inflation index (mean_gap − peer_median_gap + flagged_share_points × flagged_share).
create table if not exists unit_inflation (
    department      varchar,
    year            bigint,
    n_reports       bigint,
    mean_claimed    double,
    mean_supported  double,
    mean_gap        double,
    peer_median_gap double,
    inflation_index double,
    flagged_share   double
);
