"""From a Document to EvaluationRecords: pick the extractor for the report's shape, then flag.

Narrative reports (the reference reports' sections) and 自评表 forms have their own extractors;
both fill the same EvaluationRecord, and report-level inflation flags are added last.
"""
from __future__ import annotations

from pathlib import Path

from dashboard.ingest.document import Document
from dashboard.ingest.errors import ExtractionError
from dashboard.ingest.extract import form, narrative
from dashboard.ingest.extract.chrome import without_chrome
from dashboard.ingest.extract.sanity import value_warnings
from dashboard.ingest.record import EvaluationRecord

__all__ = ["ExtractionError", "extract_document", "extract_file"]


def extract_document(doc: Document) -> list[EvaluationRecord]:
    """Every evaluated project in the document, with report-level flags."""
    doc = without_chrome(doc)
    records: list[EvaluationRecord] | None = None
    if form.looks_like_form(doc):
        records = form.extract_forms(doc)
        if len(records) == 1 and not records[0].problems:
            # A narrative report with its 自评表 attached: the form carries the figures, the
            # narrative its problems section.
            records[0].problems = narrative.problems_of(doc)
    if not records:
        records = [narrative.extract_narrative(doc)]
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
    if not any(r.project_name or r.self_score is not None or r.budget_wan is not None for r in records):
        raise ExtractionError("未识别到任何评价内容（无项目名称、金额或得分）")
    return records
