"""Amounts, rates, scores and grades stated in a narrative report's sentences and tables.

The phrases before each value are data (data/vocabulary.toml [narrative]); every value found is
also kept as a quoted mention in record.facts so inflation flags can cite the report.
"""
from __future__ import annotations

import re

from dashboard.ingest.document import Table
from dashboard.ingest.extract import fields, vocabulary
from dashboard.ingest.normalize import parse_number, to_wan
from dashboard.ingest.record import EvaluationRecord

# "8826.5万。": 万 without 元 at a clause end is 万元 too (never "3.8万人").
_AMOUNT = r"(\d[\d,]*(?:\.\d+)?)\s*(亿元|万元|元|万(?=[。，,；;、)）\s]|$))"

# Phrases before an amount, a rate or a score, in priority order: data/vocabulary.toml [narrative].
BUDGET_PATTERNS = vocabulary.phrases("narrative", "budget")
SPENT_PATTERNS = vocabulary.phrases("narrative", "spent")
RECEIVED_PATTERNS = vocabulary.phrases("narrative", "received")
RATE_PATTERNS = vocabulary.phrases("narrative", "rate")
SCORE_PATTERNS = vocabulary.phrases("narrative", "score")
GRADE_PATTERNS = (
    r"(?<!质量)(?:评定等级|自评等级|评价等级|评价等次|等级|等次|自评结果|评价结果|评定为|评为|评价情况)(?:为|是|:|：)?\s*[“\"「]?("
    + fields.GRADE_PATTERN + r")(?![^”\"」]{0,2}[的率])",
)


def sentence_around(text: str, start: int, end: int) -> str:
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
            if exclude_before is _NOT_A_BUDGET and re.search(r"支出|执行数|拨付|(?<!转移)支付|使用", text[m.start():m.start(1)]):
                continue  # "公用经费支出64.27万元": money spent under a budget word, not a budget
            seen.add(m.start(1))
            value = to_wan(parse_number(m.group(1)), m.group(2))
            found.append({"value_wan": value, "quote": sentence_around(text, m.start(), m.end()),
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
    if record.budget_wan and record.spent_wan and record.spent_wan > 2 * record.budget_wan and table_budget is None:
        # Spending more than twice "the budget": that amount may be a sub-item ("委员活动经费28.6万元"),
        # not the budget; the next budget mention that fits the spending. When none fits, a department-
        # wide report (whose text lists many sub-items) states no budget; a project's own statement stays
        # as written, and the sanity rules mark the pair 待核实 rather than the reader hiding it.
        fitting = [b["value_wan"] for b in budget if b["value_wan"] and record.spent_wan <= 2 * b["value_wan"]]
        if fitting or record.kind == "department_self":
            record.budget_wan = fitting[0] if fitting else None
    if record.spent_wan is None:
        # "下达建设资金48万元,全部用于XX便道建设": an amount said to be used in full was spent.
        m = re.search(_AMOUNT + r"[,，]?\s*(?:已)?(?:全部|全额)(?:用于|投入使用|使用)", text)
        if m:
            record.spent_wan = to_wan(parse_number(m.group(1)), m.group(2))
    record.received_wan = table_received if table_received is not None else (received[0]["value_wan"] if received else None)
    if record.received_wan is None:
        record.received_wan = _received_in_full(text, budget, record.budget_wan)
    m = re.search(r"年初预算(?:数)?(?:为|是|:|：)?\s*" + _AMOUNT, text)
    if m and re.search(r"全年预算|调整后预算", text):
        record.initial_budget_wan = to_wan(parse_number(m.group(1)), m.group(2))
    else:
        # "年初批复预算6个项目736万元", "年初预算安排735万元", "年初安排我单位的部门预算资金额为6,412.38万元":
        # the amount a clause that starts with 年初 gives first (never 年初结转/结余, carried-over money).
        m = _INITIAL.search(text)
        if m is None and re.search(r"调整后预算|调整预算后", text):
            # "2021年部门预算收入2,364.58万元,全年调整后预算数2,917.06万元": the budget before adjustment.
            m = re.search(r"预算\s*收入\s*(?:为|是|:|：)?\s*" + _AMOUNT + r"[^。；;\n]{0,12}?(?:全年)?调整", text)
        if m:
            record.initial_budget_wan = to_wan(parse_number(m.group(1)), m.group(2))
    # Amount mentions whose value is far from the chosen one are usually a different amount
    # (a sub-item, a unit price); keep those within a factor of 2.5 as mentions of the same amount.
    record.facts["budget_mentions"] = _same_amount(budget, record.budget_wan)
    record.facts["spent_mentions"] = _same_amount(spent, record.spent_wan)
    record.compute_execution_rate()


_INITIAL = re.compile(r"年初(?!结转|结余|余额)(?:批复|安排|下达|设定)?[^\d。；;\n]{0,12}?(?:\d+个(?:项目)?[,，]?[^\d。；;\n]{0,10}?)?"
                      + _AMOUNT)
_IN_FULL = r"(?:已|均已|目前已)?(?:全部|全额|足额)到位"


def _received_in_full(text: str, budget: list[dict], budget_wan: float | None) -> float | None:
    """'86万元已全部到位': the amount said to have arrived in full; '…资金已全部到位' in the sentence
    that states the budget, or the one right after it: the budget arrived in full."""
    m = re.search(_AMOUNT + r"[^。；;\n\d,，、]{0,6}?" + _IN_FULL, text) or \
        re.search(r"到位情况(?:分析)?[。.:：]?[^。；;\n\d]{0,30}?" + _AMOUNT + r"[^。；;\n\d,，、]{0,8}?(?:已)?全部拨付", text)
    if m:
        return to_wan(parse_number(m.group(1)), m.group(2))
    if budget_wan is None:
        return None
    for mention in budget:
        if mention["value_wan"] != budget_wan or mention["pos"] < 0:
            continue
        end = text.find("。", mention["pos"])
        end = text.find("。", end + 1) if end != -1 else -1
        window = text[mention["pos"]: end if end != -1 else len(text)]
        if re.search(r"资金" + _IN_FULL, window):
            return budget_wan
    return None


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
    record.facts["stated_rate_quote"] = sentence_around(text, m.start(), m.end())


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
        record.facts["score_quote"] = sentence_around(text, m.start(), m.end())
    elif total is not None:
        record.self_score = total
        record.facts["score_quote"] = f"评分表合计得分 {total:g}"
    if total is not None:
        record.facts["table_total"] = total
    g = _first(GRADE_PATTERNS, text)
    if g:
        record.grade = fields.normalize_grade(g.group(1))
        record.facts["grade_quote"] = sentence_around(text, g.start(), g.end())


def money_years(record: EvaluationRecord) -> list[dict]:
    """Fiscal years named in the sentences that state the budget or the spending ("2019年共安排…")."""
    mentions, seen = [], set()
    for m in record.facts.get("budget_mentions", []) + record.facts.get("spent_mentions", []):
        quote = m["quote"]
        for y in re.finditer(r"(?<!\d)(20[0-4]\d|19[89]\d)年度?(?!\d{1,2}月)", quote):
            if quote not in seen:
                seen.add(quote)
                mentions.append({"year": int(y.group(1)), "quote": quote})
    return mentions



# A basic-information block printed one cell per line: label, "(万元)", amount (海南 项目基本信息).
_LINE_AMOUNTS = (("budget_wan", ("计划投资额", "计划投资")), ("received_wan", ("实际到位资金",)),
                 ("spent_wan", ("实际使用情况", "实际支出")))


def _line_amounts(record: EvaluationRecord, lines: list[str]) -> None:
    """Amounts from label lines followed by their value line, when the sentences gave none; or from
    a label that carries its unit run into its value ("计划投资额(万元)96实际到位资金(万元)96")."""
    if record.budget_wan is not None or record.spent_wan is not None:
        return
    joined = "".join(re.sub(r"\s+", "", line) for line in lines)
    for field, labels in _LINE_AMOUNTS:
        m = re.search("(?:" + "|".join(labels) + r")[(（](万元|元)[)）](\d[\d,]*(?:\.\d+)?)(?![\d.])", joined)
        if m:
            setattr(record, field, to_wan(parse_number(m.group(2)), m.group(1)))
    if record.budget_wan is not None or record.spent_wan is not None:
        record.compute_execution_rate()
        return
    for field, labels in _LINE_AMOUNTS:
        for i, line in enumerate(lines):
            flat = re.sub(r"\s+", "", line)
            if not any(re.fullmatch(re.escape(label) + r"(?:[(（](?:万元|元)[)）])?", flat) for label in labels):
                continue
            unit = "元" if re.search(r"[(（]元[)）]", flat) else "万元"
            for later in lines[i + 1:i + 3]:
                later = re.sub(r"\s+", "", later)
                if re.fullmatch(r"[(（](?:万元|元)[)）]", later):
                    unit = "元" if "元" == later[1:-1] else "万元"
                    continue
                if _AMOUNT_CELL.match(later):
                    setattr(record, field, to_wan(parse_number(later), unit))
                break
            if getattr(record, field) is not None:
                break
    record.compute_execution_rate()


# 部门整体绩效自评表 run together on a sharing site: "执行率(%)执行率权重执行率得分(分)O82%108.2" =
# rate 82% | weight 10 | score 8.2 (the amounts before it lost); "O" is an OCR'd 0.
_FUSED_DEPT_FUNDS = re.compile(r"执行率权重\s*执行率得分\s*(?:[(（]分[)）])?\s*[O0o]?(\d{1,3}(?:\.\d+)?)%(\d{2,6}(?:\.\d+)?)")


def _fused_dept_funds(record: EvaluationRecord, text: str) -> None:
    from dashboard.ingest.extract.form_stream import split_fused_total

    m = _FUSED_DEPT_FUNDS.search(text)
    if not m:
        return
    parts = split_fused_total(m.group(2))
    if record.stated_execution_rate is None:
        record.stated_execution_rate = float(m.group(1))
        record.facts["stated_rate_quote"] = m.group(0)
    if len(parts) == 2 and record.execution_weight is None:
        record.execution_weight, record.execution_score = float(parts[0]), float(parts[1])


def read_values(record: EvaluationRecord, text: str, tables: list[Table], lines: list[str] | None = None) -> None:
    """Amounts, execution rate, score, grade and evaluators' scores into the record."""
    _amounts(record, text, tables)
    _fused_dept_funds(record, text)
    if lines:
        _line_amounts(record, [line for line in lines if line.strip()])
    _rate(record, text)
    _score_and_grade(record, text, tables)
    _evaluators(tables, record)
