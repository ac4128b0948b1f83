"""Narrative evaluation reports (项目支出绩效评价报告 / 自评报告) into an EvaluationRecord.

Values come from the report's own sentences and tables; every amount, rate, score and year is
also kept as a quoted mention in record.facts so inflation flags can cite the report.
"""
from __future__ import annotations

import re
from collections import Counter

from dashboard.ingest.document import Document, Table
from dashboard.ingest.extract import fields, vocabulary
from dashboard.ingest.normalize import normalize_text, parse_number, to_simplified, to_wan
from dashboard.ingest.record import EvaluationRecord

# Characters that only appear in Traditional text: convert only when one is present (conversion is slow).
_TRADITIONAL_HINTS = set("預算執評價報單項資內與結論績據權額據實際們這關於會體為無")
_TERMINAL = "。；;！!？?：:"
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|[①-⑳]|"
    r"第[一二三四五六七八九十]+|附件|附表)"
)
_TOP_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、](?!\d))")
_UNIT_SUFFIX = r"(?:局|编办|办公室|委员会|中心|医院|学校|中学|小学|幼儿园|站|所|院|馆|队|政府|委|办|部|社|会|处|厅|室)"
_AMOUNT = r"(\d[\d,]*(?:\.\d+)?)\s*(亿元|万元|元)"
_TITLE_SUFFIX = re.compile(
    r"(?:项目)?(?:支出)?(?:整体支出)?(?:绩效)?(?:自评|自我评价|评价|评估)(?:报告|情况报告|结果报告)?$"
)

# Phrases before an amount, a rate or a score, in priority order: data/vocabulary.toml [narrative].
BUDGET_PATTERNS = vocabulary.phrases("narrative", "budget")
SPENT_PATTERNS = vocabulary.phrases("narrative", "spent")
RECEIVED_PATTERNS = vocabulary.phrases("narrative", "received")
RATE_PATTERNS = vocabulary.phrases("narrative", "rate")
SCORE_PATTERNS = vocabulary.phrases("narrative", "score")
GRADE_PATTERNS = (
    r"(?:评定等级|自评等级|评价等级|评价等次|等级|等次|自评结果|评价结果|评定为|评为|评价情况)(?:为|是|:|：)?\s*[“\"「]?("
    + fields.GRADE_PATTERN + r")(?![^”\"」]{0,2}[的率])",
)
EXTERNAL_HINTS = re.compile(r"会计师事务所|第三方(?:机构|评价)|受.{0,20}委托|绩评(?:字)?第?\d+号|财政重点评价|重点绩效评价")


def _simplify(text: str) -> str:
    return to_simplified(text) if any(ch in _TRADITIONAL_HINTS for ch in text) else text


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
    if len(previous) < 30 and re.match(r"^[\u4e00-\u9fff]{2,8}[:：]", previous):
        return False  # a "项目名称：…" label line
    return not _HEADING.match(previous) or len(previous) >= 30


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(p, 0, start) for p in "。；;\n")
    right_candidates = [i for i in (text.find(p, end) for p in "。；;\n") if i != -1]
    right = min(right_candidates) if right_candidates else len(text)
    sentence = text[left + 1:right + 1].strip()
    return sentence if len(sentence) <= 160 else text[max(start - 50, 0):min(end + 50, len(text))].strip()


# Words just before a keyword that make the amount a different one: a part, a remainder, or
# (for budgets) money paid out ("实际拨付项目经费8.62万元" is spending, not the budget).
_NOT_THE_AMOUNT = r"其中|剩余|结余|节约|单价|采购$"
_NOT_A_BUDGET = _NOT_THE_AMOUNT + r"|拨付|支出|支付|使用|到位|执行"


def _mentions(text: str, patterns: tuple[str, ...], exclude_before: str = _NOT_THE_AMOUNT) -> list[dict]:
    """Amount mentions for each keyword pattern, in priority order, then position order."""
    found: list[dict] = []
    seen: set[int] = set()
    for priority, keyword in enumerate(patterns):
        # Up to 40 characters (no digits, no sentence break) between keyword and amount:
        # "年初预算机构编制网络管理...经费10万元".
        for m in re.finditer(keyword + r"[^\d。；;\n，,]{0,40}?" + _AMOUNT, text):
            if m.start(1) in seen:
                continue
            before = text[max(0, m.start() - 6):m.start()]
            if re.search(exclude_before, before):
                continue
            seen.add(m.start(1))
            value = to_wan(parse_number(m.group(1)), m.group(2))
            found.append({"value_wan": value, "quote": _sentence_around(text, m.start(), m.end()),
                          "priority": priority, "pos": m.start()})
    found.sort(key=lambda d: (d["priority"], d["pos"]))
    return found


_AMOUNT_CELL = re.compile(r"^\s*-?[\d,]+(?:\.\d+)?\s*(?:万元|元)?\s*$")


def _table_amount(tables: list[Table], labels: tuple[str, ...]) -> tuple[float | None, str | None]:
    """An amount beside a label cell in a basic-information table ("计划投资额 (万元) | 21.76")."""
    for table in tables:
        for row in table.rows:
            for i, cell in enumerate(row):
                flat = re.sub(r"\s+", "", cell)
                # A label is short ("实际到位资金(万元)"), not a rule sentence that starts the same way.
                if len(flat) > 16 or not any(flat.startswith(label) for label in labels):
                    continue
                for value_cell in row[i + 1:i + 3]:
                    value = parse_number(value_cell) if _AMOUNT_CELL.match(value_cell) else None
                    if value is not None:
                        unit = "元" if re.search(r"[(（]元[)）]", flat) else "万元"
                        return to_wan(value, unit), f"{flat}：{value_cell.strip()}"
    return None, None


def _first(patterns: tuple[str, ...], text: str) -> re.Match | None:
    for pattern in patterns:
        m = re.search(pattern, text)
        if m:
            return m
    return None


_REPORT_END = r"(?:评价|自评|评估)(?:的)?(?:报告|情况报告|结果报告)"
# "…自评报告(春节慰问经费项目)": the project named in brackets after the report's name.
_TRAILING_PROJECT = re.compile(r"[(（]([^()（）]{2,60})[)）]$")


def _title(paragraphs: list[str]) -> str | None:
    for p in paragraphs[:15]:
        if len(p) >= 120:
            continue
        core = _TRAILING_PROJECT.sub("", p).strip()
        if re.search(_REPORT_END + r"$", core):
            # "关于XX局2018年XX项目支出绩效自评的报告" reads as "XX局2018年XX项目支出绩效自评报告".
            return re.sub(r"的((?:情况)?报告)([(（].*)?$", r"\1\2", p)
    return None


def _parse_title(title: str) -> tuple[str | None, int | None, str | None]:
    """(department, year, project name) from a title like '富民县财政局2024年XX经费项目支出绩效评价报告'.

    Also '关于XX项目的绩效自评报告' (the project is what the report is about) and
    'XX委员会2022年度项目绩效自评报告(春节慰问经费项目)' (the project in brackets at the end).
    """
    bracketed = _TRAILING_PROJECT.search(title)
    core = title[: bracketed.start()].strip() if bracketed else title
    about = re.match(r"^关于(.+?)的?(?:项目)?(?:支出)?(?:绩效)?(?:自评|评价|评估)", core)
    if about and "的" in core:
        core = about.group(1) + "的"
    else:
        core = re.sub(r"^关于", "", core)
    m = re.match(r"^(.*?)(\d{4})\s*年度?(.*)$", core)
    department, year, rest = None, None, core
    if m:
        department = m.group(1).strip() or None
        year = int(m.group(2))
        rest = m.group(3)
    if rest.endswith("的"):
        name = rest[:-1].strip(" ：:")  # "关于XX项目的…": the name as written, 项目 included
    else:
        name = _TITLE_SUFFIX.sub("", rest).strip(" ：:")
    if re.fullmatch(r"(?:财政)?(?:支出)?(?:项目)?", name or ""):
        name = None  # a generic title: 财政支出项目绩效评价报告
    if bracketed and not name:
        name = bracketed.group(1).strip()
    if department and not re.search(_UNIT_SUFFIX + r"$", department):
        department = None
    return department, year, name or None


_UNIT_LINE = re.compile(r"^(?:[\u4e00-\u9fff]{2,30}?" + _UNIT_SUFFIX + r")(?:[(（]盖章[)）])?$")


def _unit_below_title(paragraphs: list[str], title: str | None) -> str | None:
    """A line right under the title that is only a unit's name ("石川县交通运输局")."""
    if title is None:
        return None
    try:
        at = paragraphs.index(title)
    except ValueError:
        return None
    for line in paragraphs[at + 1: at + 3]:
        line = re.sub(r"^(?:填报单位|编制单位|报送单位|评价单位)[:：]\s*", "", line.strip())
        if _UNIT_LINE.match(line) and "报告" not in line:
            return re.sub(r"[(（]盖章[)）]$", "", line)
    return None


def _department_from_text(text: str, tables: list[Table]) -> str | None:
    for table in tables:
        for row in table.rows:
            for i, cell in enumerate(row):
                if re.sub(r"\s+", "", cell) in ("项目实施单位", "实施单位", "项目单位", "单位名称", "预算单位"):
                    for value in row[i + 1:i + 3]:
                        if value.strip():
                            return value.strip()
    m = re.search(r"(?:项目实施单位|实施单位|单位名称|填报单位|预算单位|评价单位)[:：]\s*([^\n，。,；:：]{2,40})", text)
    if m:
        return m.group(1).strip()
    m = re.search(r"(?:由|以)((?:[\u4e00-\u9fff]{0,6}[县市区])?[\u4e00-\u9fff]{1,10}?" + _UNIT_SUFFIX + r")(?=主任|局长|按照|负责|牵头|组织|为)", text)
    return m.group(1) if m else None


def _region(*names: str | None) -> str | None:
    for name in names:
        if not name:
            continue
        m = re.match(r"^(?:中共)?([\u4e00-\u9fff]{2,4}?(?:自治县|县|市|区|旗))(?=[\u4e00-\u9fff])", name)
        if m and not m.group(1).startswith(("县", "市", "区")):
            return m.group(1)
    return None


_STATED_YEAR = re.compile(r"(\d{4})年度[，,]?(?:我单位|我局|本单位|我办|我中心|我院)")


def _year_from_text(text: str, table_titles: list[dict]) -> int | None:
    """The fiscal year when the title has none: a stated one, a table title's, else the most named."""
    m = _STATED_YEAR.search(text)
    if m:
        return int(m.group(1))
    if table_titles:
        return table_titles[0]["year"]
    years = [int(y) for y in re.findall(r"(?<!\d)(20[0-4]\d|19[89]\d)年(?!\d{1,2}月)", text)]
    if not years:
        return None
    return Counter(years).most_common(1)[0][0]


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


def _problems(paragraphs: list[str]) -> list[str]:
    """Problem statements under the problems heading (存在的问题), without causes or suggestions."""
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


def _evaluators(tables: list[Table], record: EvaluationRecord) -> None:
    for table in tables:
        header = [re.sub(r"\s+", "", c) for c in table.rows[0]]
        if not any("姓名" in h for h in header):
            continue
        col = fields.header_index(table.rows[0], "项目评分", "评分", "得分", "打分")
        if col is None:
            continue
        for row in table.rows[1:]:
            name = re.sub(r"\s+", "", row[0]) if row else ""
            if name in ("合计", "平均", "平均分") or "平均" in "".join(row):
                m = re.search(r"平均分?[:：]?\s*(\d+(?:\.\d+)?)", "".join(row))
                if m:
                    record.stated_evaluator_average = float(m.group(1))
                    record.facts["evaluator_quote"] = "；".join(c for c in row if c.strip())
                continue
            score = parse_number(row[col]) if col < len(row) else None
            if name and score is not None:
                record.evaluator_scores.append(score)


def detect_kind(title: str | None, text: str) -> str:
    head = (title or "") + "\n" + "\n".join(text.split("\n", 5)[:5])
    if re.search(r"部门整体支出绩效|整体支出绩效(?:自评|评价)|部门整体绩效", head):
        return "department_self"
    if EXTERNAL_HINTS.search(text[:6000]):
        return "external"
    return "project_self"


def extract_narrative(doc: Document) -> EvaluationRecord:
    paragraphs = logical_paragraphs([_simplify(normalize_text(p)) for p in doc.paragraphs])
    tables = [Table(rows=[[_simplify(normalize_text(c)) for c in row] for row in t.rows], origin=t.origin)
              for t in doc.tables if t.rows]
    text = "\n".join(paragraphs)
    record = EvaluationRecord(source=doc.source, warnings=list(doc.warnings))
    record.text = text + ("\n" + "\n".join("\t".join(r) for t in tables for r in t.rows) if tables else "")

    title = _title(paragraphs)
    title_department, title_year, title_name = _parse_title(title) if title else (None, None, None)
    m = re.search(r"项目名称[:：]\s*([^\n。；]{2,80})", text)
    record.project_name = _squeeze(title_name or (m.group(1).strip() if m else None))
    if record.project_name is None and m is None:
        record.warnings.append("未找到项目名称")
    record.department = _squeeze(title_department or _department_from_text(text, tables)
                                 or _unit_below_title(paragraphs, title))
    m = re.search(r"主管部门[:：]\s*([^\s，。,；]{2,40})", text)
    record.supervising_department = m.group(1) if m else _table_label_value(tables, ("主管部门",))
    record.region = _region(record.department, record.supervising_department)
    table_titles = _year_mentions(None, None, paragraphs)
    record.year = title_year or _year_from_text(text, table_titles)
    record.kind = detect_kind(title, text)

    _amounts(record, text, tables)
    _rate(record, text)
    _score_and_grade(record, text, tables)
    _evaluators(tables, record)
    record.problems = _problems(paragraphs)
    if record.problems:
        record.facts["problems_quote"] = record.problems[0]
    record.facts["year_mentions"] = _year_mentions(title, title_year, paragraphs) + _money_years(record)
    stated = _STATED_YEAR.search(text)
    if stated:
        record.facts["year_mentions"].append(
            {"year": int(stated.group(1)), "quote": _sentence_around(text, stated.start(), stated.end())})

    try:
        from dashboard.ingest.extract import external
    except ImportError:
        external = None
    if external is not None and record.kind == "external" and hasattr(external, "enrich_external"):
        external.enrich_external(doc, record)
    if external is not None and record.kind == "department_self" and hasattr(external, "enrich_department"):
        external.enrich_department(doc, record)  # added by the forms engineer (issue 3)

    for key, label in (("budget_wan", "预算数"), ("spent_wan", "实际支出"), ("self_score", "自评得分"), ("year", "评价年度")):
        if getattr(record, key) is None:
            record.warnings.append(f"未找到{label}")
    return record


def _squeeze(name: str | None) -> str | None:
    """Spaces a converter put between Chinese characters of a name ("富民县 教育体育局") removed."""
    if name is None:
        return None
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", name).strip() or None


def _table_label_value(tables: list[Table], labels: tuple[str, ...]) -> str | None:
    for table in tables:
        for row in table.rows:
            for i, cell in enumerate(row):
                if re.sub(r"\s+", "", cell) in labels:
                    for value in row[i + 1:i + 3]:
                        if value.strip():
                            return value.strip()
    return None


def _amounts(record: EvaluationRecord, text: str, tables: list[Table]) -> None:
    budget = _mentions(text, BUDGET_PATTERNS, _NOT_A_BUDGET)
    spent = _mentions(text, SPENT_PATTERNS)
    received = _mentions(text, RECEIVED_PATTERNS)
    table_budget, budget_quote = _table_amount(tables, ("全年预算数", "调整后预算", "计划投资额", "预算数", "年初预算数"))
    table_spent, spent_quote = _table_amount(tables, ("全年执行数", "实际使用情况", "实际支出", "执行数"))
    table_received, _ = _table_amount(tables, ("实际到位资金", "到位资金"))
    if table_budget is not None:
        budget.insert(0, {"value_wan": table_budget, "quote": budget_quote, "priority": -1, "pos": -1})
    if table_spent is not None:
        spent.insert(0, {"value_wan": table_spent, "quote": spent_quote, "priority": -1, "pos": -1})
    record.budget_wan = budget[0]["value_wan"] if budget else None
    record.spent_wan = spent[0]["value_wan"] if spent else None
    if table_budget is None and table_spent is None:
        # The first sentence that states budget and spending together ("全年预算数X，执行数Y，完成预算的
        # Z%") is the statement of record, even when the report states an amount again differently.
        paired = _paired_statement(budget, spent)
        if paired:
            record.budget_wan, record.spent_wan = paired
    record.received_wan = table_received if table_received is not None else (received[0]["value_wan"] if received else None)
    m = re.search(r"年初预算(?:数)?(?:为|是|:|：)?\s*" + _AMOUNT, text)
    if m and re.search(r"全年预算|调整后预算", text):
        record.initial_budget_wan = to_wan(parse_number(m.group(1)), m.group(2))
    # Amount mentions whose value is far from the chosen one are usually a different amount
    # (a sub-item, a unit price); keep those within a factor of 2.5 as mentions of the same amount.
    record.facts["budget_mentions"] = _same_amount(budget, record.budget_wan)
    record.facts["spent_mentions"] = _same_amount(spent, record.spent_wan)
    record.compute_execution_rate()


def _paired_statement(budget: list[dict], spent: list[dict]) -> tuple[float, float] | None:
    """Budget and spending from the first sentence that states both (its strongest keyword of each)."""
    spent_quotes = {m["quote"] for m in spent if m["value_wan"] is not None}
    for b in sorted(budget, key=lambda m: m["pos"]):
        if b["quote"] in spent_quotes and b["value_wan"] is not None:
            best_b = min((m for m in budget if m["quote"] == b["quote"] and m["value_wan"] is not None),
                         key=lambda m: (m["priority"], m["pos"]))
            best_s = min((m for m in spent if m["quote"] == b["quote"] and m["value_wan"] is not None),
                         key=lambda m: (m["priority"], m["pos"]))
            return best_b["value_wan"], best_s["value_wan"]
    return None


def _same_amount(mentions: list[dict], chosen: float | None) -> list[dict]:
    if chosen is None:
        return []
    return [{"value_wan": m["value_wan"], "quote": m["quote"]} for m in mentions
            if m["value_wan"] is not None and chosen / 2.5 <= m["value_wan"] <= chosen * 2.5]


def _rate(record: EvaluationRecord, text: str) -> None:
    m = _first(RATE_PATTERNS, text)
    if not m:
        return
    raw = m.group(1)
    record.stated_execution_rate = float(raw)
    record.facts["stated_rate_decimals"] = len(raw.split(".")[1]) if "." in raw else 0
    record.facts["stated_rate_quote"] = _sentence_around(text, m.start(), m.end())


def _score_and_grade(record: EvaluationRecord, text: str, tables: list[Table]) -> None:
    total = None
    for table in tables:
        if fields.is_score_table(table):
            indicators, table_total = fields.indicators_from_table(table)
            if indicators:
                record.indicators = indicators
                total = table_total
                break
    m = _first(SCORE_PATTERNS, text)
    if m:
        record.self_score = float(m.group(1))
        record.facts["score_quote"] = _sentence_around(text, m.start(), m.end())
    elif total is not None:
        record.self_score = total
        record.facts["score_quote"] = f"评分表合计得分 {total:g}"
    if total is not None:
        record.facts["table_total"] = total
    g = _first(GRADE_PATTERNS, text)
    if g:
        record.grade = fields.normalize_grade(g.group(1))
        record.facts["grade_quote"] = _sentence_around(text, g.start(), g.end())


def _money_years(record: EvaluationRecord) -> list[dict]:
    """Fiscal years named in the sentences that state the budget or the spending ("2019年共安排…")."""
    mentions, seen = [], set()
    for m in record.facts.get("budget_mentions", []) + record.facts.get("spent_mentions", []):
        quote = m["quote"]
        for y in re.finditer(r"(?<!\d)(20[0-4]\d|19[89]\d)年度?(?!\d{1,2}月)", quote):
            if quote not in seen:
                seen.add(quote)
                mentions.append({"year": int(y.group(1)), "quote": quote})
    return mentions


def _year_mentions(title: str | None, title_year: int | None, paragraphs: list[str]) -> list[dict]:
    mentions = []
    if title_year:
        mentions.append({"year": title_year, "quote": title})
    for p in paragraphs:
        if p == title or len(p) > 120:
            continue
        if re.search(r"(?:指标体系|打分表|评分表|自评表|评价表|目标表)", p):
            m = re.search(r"(\d{4})年度?", p)
            if m:
                mentions.append({"year": int(m.group(1)), "quote": p})
    return mentions
