-- Loader: one evaluated project of a loaded file, with the contract's scalar keys.
-- Grain: one row per (content hash, record index). Parameters: one per column below.
insert into evaluations (
    evaluation_id, content_hash, record_index, source, project_name, department, supervising_department,
    region, kind, year, budget_wan, initial_budget_wan, received_wan, spent_wan, stated_execution_rate,
    execution_rate, self_score, grade, execution_weight, execution_score, firm, report_number, conclusion,
    full_text, facts_json, warnings, loaded_at, fingerprint
)
values (
    $evaluation_id, $content_hash, $record_index, $source, $project_name, $department, $supervising_department,
    $region, $kind, $year, $budget_wan, $initial_budget_wan, $received_wan, $spent_wan, $stated_execution_rate,
    $execution_rate, $self_score, $grade, $execution_weight, $execution_score, $firm, $report_number, $conclusion,
    $full_text, $facts_json, $warnings, $loaded_at, $fingerprint
)
