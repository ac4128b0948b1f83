"""Narrative evaluation reports (项目支出绩效评价报告 / 自评报告) into an EvaluationRecord.

Values come from the report's own sentences and tables; every amount, rate, score and year is
also kept as a quoted mention in record.facts so inflation flags can cite the report.
"""
from __future__ import annotations

import re

from dashboard.ingest.document import Document, Table
from dashboard.ingest.extract import external, fields, narrative_amounts, narrative_project, narrative_title
from dashboard.ingest.normalize import normalize_text, to_simplified
from dashboard.ingest.record import EvaluationRecord

# Characters that only appear in Traditional text: convert only when one is present (conversion is slow).
_TRADITIONAL_HINTS = set(
    "預算執評價報單項資內與結論績據權額實際們這關於會體為無區縣機構設門務員際劃撥達總產務開發過數應當"
    "況總還經濟計標劃區縣時間進護對從將條給級並後問題導務環農業區鎮鄉隊醫"
)
# A pinyin gloss a web page put after a character: "項(xiàng)目", "下達(dá)".
_PINYIN_GLOSS = re.compile(r"(?<=[\u3400-\u9fff])\(([a-zA-Z\u00c0-\u024f\u1e00-\u1eff]{1,7})\)")
_TERMINAL = "。；;！!？?：:"
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|[①-⑳]|"
    r"第[一二三四五六七八九十]+|附件|附表)"
)
_TOP_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、](?!\d))")
EXTERNAL_HINTS = re.compile(r"会计师事务所|第三方(?:机构|评价)|受.{0,20}委托|绩评(?:字)?第?\d+号|财政重点评价|重点绩效评价"
                            r"|委托单位\s*[:：]|评价机构\s*[:：]\s*[\u4e00-\u9fff]{2,30}(?:事务所|公司|发展中心|研究院|研究中心)")


def _simplify(text: str) -> str:
    text = _PINYIN_GLOSS.sub(lambda m: "" if _is_pinyin(m.group(1)) else m.group(0), text)
    return to_simplified(text) if any(ch in _TRADITIONAL_HINTS for ch in text) else text


def _is_pinyin(word: str) -> bool:
    """A lower-case syllable with a tone mark (xiàng, bào) or a plain one after a character."""
    return word.islower() and (any(ord(ch) > 127 for ch in word) or len(word) <= 6)


def logical_paragraphs(paragraphs: list[str]) -> list[str]:
    """Paragraph lines with lines wrapped mid-sentence joined back together."""
    out: list[str] = []
    for line in paragraphs:
        line = line.strip()
        if not line:
            continue
        if out and _continues(out[-1], line):
            out[-1] += line
        else:
            out.append(line)
    return out


def _continues(previous: str, line: str) -> bool:
    if previous[-1] in _TERMINAL or _HEADING.match(line):
        return False
    # A wrapped line is a long line cut short; a heading or title is short and stands alone.
    if len(previous) < 18 or previous.endswith(("报告", "表")):
        return False
    if len(previous) < 30 and re.match(r"^[\u4e00-\u9fff()（）\s]{2,14}[:：]", previous):
        return False  # a "项目名称：…" label line
    return not _HEADING.match(previous) or len(previous) >= 30


_CN_TOP = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_DIGIT_TOP = re.compile(r"^\d+、(?!\d)")
_ITEM = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|[①-⑳])\s*")
_PROBLEMS_HEADING = r"存在(?:的)?(?:主要)?问题|主要问题"
_AFTER_PROBLEMS = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]?\s*)?(?:原因分析|原因|改进措施|改进|有关建议|建议|整改措施|整改|下一步|主要经验)"
)


def problems_of(doc: Document) -> list[str]:
    """The problems section of any document's narrative paragraphs."""
    return _problems(logical_paragraphs([_simplify(normalize_text(p)) for p in doc.paragraphs]))


# A report flattened to one line keeps its headings after a space or a full stop: split there.
_RUN_IN_HEADING = re.compile(r"(?<=[\s。；;])\s*(?=(?:[一二三四五六七八九十]{1,2}、|[(（][一二三四五六七八九十]{1,2}[)）]))")


def _unflatten(paragraphs: list[str]) -> list[str]:
    out: list[str] = []
    for p in paragraphs:
        if len(p) > 300 and re.search(_PROBLEMS_HEADING, p):
            out.extend(part.strip() for part in _RUN_IN_HEADING.split(p) if part.strip())
        else:
            out.append(p)
    return out


def _problems(paragraphs: list[str]) -> list[str]:
    """Problem statements under the problems heading (存在的问题), without causes or suggestions."""
    paragraphs = _unflatten(paragraphs)
    for i, p in enumerate(paragraphs):
        if len(p) < 40 and re.search(_PROBLEMS_HEADING, p) and (_HEADING.match(p) or len(p) < 20):
            start = i
            break
    else:
        return []
    heading = paragraphs[start]
    # The section ends at the next heading of the same rank as its own ("六、" ends at "七、";
    # "5、" at "6、"; an unnumbered "存在的问题：" at the first paragraph that is not an item).
    if _CN_TOP.match(heading):
        ends = _CN_TOP
    elif _DIGIT_TOP.match(heading):
        ends = _DIGIT_TOP
    else:
        ends = None
    problems: list[str] = []
    for p in paragraphs[start + 1:]:
        if (ends or _CN_TOP).match(p):
            break
        if len(p) < 30 and _AFTER_PROBLEMS.match(p):
            break
        if re.match(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])?\s*(?:" + _PROBLEMS_HEADING + r")[:：]?\s*$", p):
            continue  # "（一）存在问题": the sub-heading of this part
        is_item = bool(_ITEM.match(p))
        if ends is None and not is_item and problems:
            break
        text = _ITEM.sub("", p).strip()
        if not text or text.rstrip("。.") in ("无", "暂无", "没有"):
            continue
        if len(text) <= 16 and text[-1] not in _TERMINAL:
            continue  # a sub-heading such as "预算管理层面"
        if ends is None and not is_item and text.endswith(("：", ":")):
            break  # "自评指标得分情况如下：" after an unnumbered problems list
        # "1.名单更新不及时。2.拨付进度偏慢。": numbered items run together in one paragraph.
        for part in _INLINE_ITEM.split(text):
            part = _ITEM.sub("", part).strip()
            if part:
                problems.append(part)
    return problems


_INLINE_ITEM = re.compile(r"(?<=[。；;])\s*(?=(?:\d{1,2}[、.．]|[（(][一二三四五六七八九十\d]{1,2}[)）]|[①-⑳])\D)")


def _as_printed(record: EvaluationRecord, doc: Document) -> None:
    """Names and problems in the script the report is printed in: a Traditional page keeps its
    Traditional names (read on Simplified text, then taken back from the same place in the original)."""
    originals, simplified = [], []
    for p in doc.paragraphs:
        text = normalize_text(p)
        text = _PINYIN_GLOSS.sub(lambda m: "" if _is_pinyin(m.group(1)) else m.group(0), text)
        if not any(ch in _TRADITIONAL_HINTS for ch in text):
            continue
        converted = to_simplified(text)
        if len(converted) == len(text) and converted != text:
            originals.append(text)
            simplified.append(converted)
    if not originals:
        return
    original, converted = "\n".join(originals), "\n".join(simplified)

    def printed(value: str | None) -> str | None:
        if not value:
            return value
        at = converted.find(value)
        return original[at:at + len(value)] if at >= 0 else value

    for key in ("project_name", "department", "supervising_department", "region"):
        setattr(record, key, printed(getattr(record, key)))
    record.problems = [printed(p) for p in record.problems]


def detect_kind(title: str | None, text: str) -> str:
    head = (title or "") + "\n" + "\n".join(text.split("\n", 5)[:5])
    if re.search(r"部门整体支出绩效|整体支出绩效(?:自评|评价)|部门整体绩效", head):
        return "department_self"
    if EXTERNAL_HINTS.search(text[:6000]):
        return "external"
    return "project_self"


_CHUNK = re.compile(r"^(\d{1,2})、")


def _without_chunk_markers(lines: list[str]) -> list[str]:
    """A document-sharing site cuts a file into chunks numbered "1、" "2、" "3、" at line starts, often
    mid-word ("实际到位资" / "3、金(万元)"): the numbers go and each chunk joins the one before."""
    numbered = [(i, int(m.group(1))) for i, line in enumerate(lines) if (m := _CHUNK.match(line))]
    long_chunks = [i for i, _ in numbered if len(lines[i]) >= 80]
    if len(numbered) < 2 or [n for _, n in numbered] != list(range(1, len(numbered) + 1)) \
            or len(long_chunks) < len(numbered) - 1:
        return lines
    out: list[str] = []
    starts = {i for i, _ in numbered}
    for i, line in enumerate(lines):
        if i in starts:
            line = _CHUNK.sub("", line)
            if out and i != numbered[0][0] and out[-1] and out[-1][-1] not in _TERMINAL:
                out[-1] += line
                continue
        out.append(line)
    return out


def extract_narrative(doc: Document) -> EvaluationRecord:
    lines = _without_chunk_markers([_simplify(normalize_text(p)).strip() for p in doc.paragraphs])
    paragraphs = logical_paragraphs(lines)
    tables = [Table(rows=[[_simplify(normalize_text(c)) for c in row] for row in t.rows], origin=t.origin)
              for t in doc.tables if t.rows]
    text = "\n".join(paragraphs)
    record = EvaluationRecord(source=doc.source, warnings=list(doc.warnings))
    record.text = text + ("\n" + "\n".join("\t".join(r) for t in tables for r in t.rows) if tables else "")

    title = narrative_title.identify(record, paragraphs, text, tables, lines)
    record.kind = detect_kind(title, text)
    if record.project_name is None and title is None and record.kind == "project_self":
        # A form's title without a 项目名称 cell: "外事接待服务项目绩效自评表".
        record.project_name = narrative_project.project_from_form_title(lines)
    if record.kind != "department_self" and (
            record.project_name is None or narrative_project.FUND_PROGRAMME.match(record.project_name)):
        # No project in the title, or only the fund programme it belongs to: the body may name it.
        record.project_name = narrative_project.project_from_body(paragraphs) or record.project_name

    narrative_amounts.read_values(record, text, tables, lines)
    record.problems = _problems(paragraphs)
    if record.problems:
        record.facts["problems_quote"] = record.problems[0]
    record.facts["year_mentions"] = (narrative_title.year_mentions(title, record, paragraphs, text)
                                     + narrative_amounts.money_years(record))

    if record.kind == "external":
        external.enrich_external(doc, record)
    elif record.kind == "department_self":
        external.enrich_department(doc, record)
    if record.department is None:
        # A government page names its publisher in a metadata line that chrome removal dropped.
        record.department = narrative_title.publisher(narrative_title.original_lines(doc), tables)
    if record.region is None:
        record.region = fields.region_of(record.department, record.supervising_department)

    _as_printed(record, doc)
    for key, label in (("budget_wan", "预算数"), ("spent_wan", "实际支出"), ("self_score", "自评得分"), ("year", "评价年度")):
        if getattr(record, key) is None:
            record.warnings.append(f"未找到{label}")
    return record
