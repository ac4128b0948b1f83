"""From a Document to EvaluationRecords: pick the extractor for the report's shape, then flag.

Narrative reports (the reference reports' sections) and 自评表 forms have their own extractors;
both fill the same EvaluationRecord, and report-level inflation flags are added last.
"""
from __future__ import annotations

from pathlib import Path

from dashboard.ingest.document import Document
from dashboard.ingest.errors import ExtractionError
from dashboard.ingest.extract import form, narrative, narrative_multi, results_table
from dashboard.ingest.extract.chrome import without_chrome
from dashboard.ingest.extract.sanity import value_warnings
from dashboard.ingest.record import EvaluationRecord

__all__ = ["ExtractionError", "extract_document", "extract_file"]


def extract_document(doc: Document) -> list[EvaluationRecord]:
    """Every evaluated project in the document, with report-level flags."""
    as_read, doc = doc, without_chrome(doc)
    records: list[EvaluationRecord] | None = None
    if form.looks_like_form(doc):
        records = form.extract_forms(doc)
        if len(records) == 1 and not records[0].problems:
            # A narrative report with its 自评表 attached: the form carries the figures, the
            # narrative its problems section.
            records[0].problems = narrative.problems_of(doc)
    elif results_table.looks_like_results_table(doc):
        # One table listing many evaluated projects with their scores or grades.
        records = results_table.extract_results_tables(doc, as_read)
    if not records:
        report = narrative.extract_narrative(doc)
        # A report on several projects, one numbered item each ("1、XX项目:预算…"), gives one record each.
        records = narrative_multi.split_projects(report) or [report]
    for record in records:
        _finish(record)
    return records


def _finish(record: EvaluationRecord) -> None:
    # Flags are asked for here, at the top of extraction, so readers and extractors stay below them.
    from dashboard.inflation.report_flags import flag_record

    record.warnings.extend(w for w in value_warnings(record) if w not in record.warnings)
    record.flags = flag_record(record)


def extract_file(path: str | Path, *, use_manifest: bool = True) -> list[EvaluationRecord]:
    """Read, extract and flag one file; a manifest.csv beside it overrides what it lists."""
    from dashboard.ingest.readers import read_document

    doc = read_document(path)
    records = extract_document(doc)
    if use_manifest:
        from dashboard.ingest.manifest import apply_manifest

        apply_manifest(Path(path), records)
    records = [r for r in records if _states_something(r)]
    if not records:
        raise ExtractionError("未识别到任何评价内容（无标题、单位、金额或得分）")
    for record in records:
        missing = [label for key, label in _PARTIAL_KEYS if getattr(record, key) in (None, [])]
        if missing and record.kind == "department_self":
            missing = [m for m in missing if m != "项目名称"]
        if missing:
            record.facts["missing"] = missing
            record.warnings.append("部分记录：报告未写明或未能读出" + "、".join(missing))
    return records


# What a partial record lacks, in the words of the 数据管理 page.
_PARTIAL_KEYS = (("project_name", "项目名称"), ("department", "单位"), ("year", "年度"), ("budget_wan", "预算数"),
                 ("spent_wan", "实际支出"), ("self_score", "自评得分"))


def _states_something(record: EvaluationRecord) -> bool:
    """A record is kept when it names a project or unit, or states an amount, a rate or a score."""
    if record.kind != "project_self" and record.year is not None:
        return True  # a department-wide or external report that names its year (its title said so)
    return any(getattr(record, key) not in (None, "") for key in (
        "project_name", "department", "supervising_department", "budget_wan", "spent_wan", "received_wan",
        "stated_execution_rate", "self_score"))
