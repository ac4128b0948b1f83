"""Report-level inflation flags: what one report's own numbers and words contradict.

`flag_record(record)` is pure and never raises: a value the report does not give means the flag
cannot be checked, not that it fires. Each flag says what is wrong in Chinese and quotes the report.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from dashboard import settings
from dashboard.inflation.quotes import fmt, quote_around, quote_number, sentence_with
from dashboard.inflation.row_rules import parse_rule, stated_percent
from dashboard.inflation.rulebook import Rulebook, load_rulebook
from dashboard.ingest.record import EvaluationRecord, Flag

REPORT_CODES = (
    "SCORE_SUM_MISMATCH",
    "GRADE_BAND_MISMATCH",
    "EXECUTION_RULE_VIOLATION",
    "RATE_MISMATCH",
    "AMOUNT_INCONSISTENT",
    "PROBLEMS_WITHOUT_DEDUCTION",
    "EVALUATOR_AVERAGE_MISMATCH",
    "YEAR_INCONSISTENT",
    "NO_SCORE_TABLE",
    "REASON_CONTRADICTS_RULE",
)
CODE_NAMES = {
    "SCORE_SUM_MISMATCH": "指标得分与总分不符",
    "GRADE_BAND_MISMATCH": "评价等级与得分不符",
    "EXECUTION_RULE_VIOLATION": "得分违反预算执行计分规则",
    "RATE_MISMATCH": "执行率与金额不符",
    "AMOUNT_INCONSISTENT": "金额前后不一致",
    "PROBLEMS_WITHOUT_DEDUCTION": "列出问题却未扣分",
    "EVALUATOR_AVERAGE_MISMATCH": "评价人员平均分有误",
    "YEAR_INCONSISTENT": "年度前后不一致",
    "NO_SCORE_TABLE": "高分无评分表支撑",
    "REASON_CONTRADICTS_RULE": "扣分理由与评分标准矛盾",
    "PEER_OUTLIER": "得分远高于同类项目",
    "BOILERPLATE": "报告内容与其他单位雷同",
}
_EXECUTION_ROW = re.compile(r"执行率")


def flag_record(record: EvaluationRecord, rulebook: Rulebook | None = None) -> list[Flag]:
    """Every report-level flag the record's evidence raises, one per code, in catalogue order."""
    try:
        rulebook = rulebook or _default_rulebook()
    except Exception:  # an unreadable rulebook must not stop extraction: fall back to the defaults
        rulebook = Rulebook()
    flags: list[Flag] = []
    for check in _CHECKS:
        try:
            flag = check(record, rulebook)
        except Exception:  # a malformed value means this flag cannot be checked
            flag = None
        if flag is not None:
            flags.append(flag)
    return flags


_RULEBOOK: dict[tuple[str, int], Rulebook] = {}


def _default_rulebook() -> Rulebook:
    """The configured rulebook, read again when its file changes (a county edits it while the app runs)."""
    path = Path(settings.get("rulebook_path"))
    key = (str(path), path.stat().st_mtime_ns if path.exists() else 0)
    if key not in _RULEBOOK:
        _RULEBOOK.clear()
        _RULEBOOK[key] = load_rulebook(path)
    return _RULEBOOK[key]


def _score_quote(record: EvaluationRecord) -> str:
    quote = record.facts.get("score_quote")
    if quote:
        return quote
    if record.self_score is None:
        return ""
    return quote_number(record.text, record.self_score, ("自评", "总分", "得分", "评分", "合计"), unit="分")


def _rate_quote(record: EvaluationRecord) -> str:
    quote = record.facts.get("stated_rate_quote")
    if quote:
        return quote
    if record.stated_execution_rate is not None:
        found = quote_number(record.text, record.stated_execution_rate, ("执行率", "完成", "执行"), unit="%")
        if found:
            return found
    return sentence_with(record.text, r"执行率|实际支出|支出了|执行数")


def _execution_rate(record: EvaluationRecord) -> float | None:
    if record.execution_rate is not None:
        return record.execution_rate
    if record.budget_wan and record.spent_wan is not None and record.budget_wan > 0:
        return round(record.spent_wan / record.budget_wan * 100, 2)
    return None


def _amounts_evidence(record: EvaluationRecord, rate: float) -> str:
    if record.budget_wan is not None and record.spent_wan is not None:
        return f"预算{fmt(record.budget_wan)}万元，实际支出{fmt(record.spent_wan)}万元，执行率{rate:.2f}%"
    return f"执行率{fmt(rate)}%"


def _points(difference: float) -> float:
    """A difference of written figures without float noise (96.14 - 95.14 is 1, not 1.0000000000000142),
    so a gap of exactly a severity threshold is never above it."""
    return round(difference, 6)


def _quoted(*quotes: str) -> list[str]:
    return [f"「{q}」" for q in quotes if q]


def _join_evidence(quotes: list[str], numbers: str) -> str:
    parts = [q for q in quotes if q and q != "「」"]
    if numbers:
        parts.append(numbers)
    return "；".join(dict.fromkeys(parts))


# ---- the checks, one per code ---------------------------------------------------------------


def score_sum_mismatch(record: EvaluationRecord, rulebook: Rulebook) -> Flag | None:
    tol = rulebook.tolerance
    rows = record.indicators
    problems: list[str] = []
    severity = "medium"
    if rows and record.self_score is not None and all(r.score is not None for r in rows):
        total = round(sum(r.score for r in rows), 4)
        claimed = record.self_score
        off_rows = abs(total - claimed) > tol
        with_exec = None if record.execution_score is None else round(total + record.execution_score, 4)
        if off_rows and (with_exec is None or abs(with_exec - claimed) > tol):
            best = total if with_exec is None or abs(total - claimed) <= abs(with_exec - claimed) else with_exec
            if with_exec is None:
                problems.append(f"各指标得分合计{fmt(total)}分，但自评总分为{fmt(claimed)}分，"
                                f"相差{fmt(round(claimed - total, 2))}分")
            else:
                problems.append(f"各指标得分合计{fmt(total)}分（加预算执行得分为{fmt(with_exec)}分），"
                                f"但自评总分为{fmt(claimed)}分")
            if _points(claimed - best) > rulebook.severity["sum_high_points"]:
                severity = "high"
    # A "deduction" above the row's weight cannot be one (it is a misread figure, e.g. a rate from
    # the reason column), so only deductions within 0..weight are compared.
    bad_rows = [r for r in rows
                if r.deduction is not None and r.weight is not None and r.score is not None
                and -tol <= r.deduction <= r.weight + tol and abs(r.deduction - (r.weight - r.score)) > tol]
    for row in bad_rows[:3]:
        problems.append(f"“{row.level3 or row.level2 or row.level1}”分值{fmt(row.weight)}分、得分{fmt(row.score)}分，"
                        f"但写明扣分{fmt(row.deduction)}分")
    if not problems:
        return None
    quotes = _quoted(_score_quote(record))
    rows_text = "指标得分：" + "、".join(
        f"{r.level3 or r.level2 or r.level1}{fmt(r.score)}" for r in rows[:30] if r.score is not None)
    return Flag("SCORE_SUM_MISMATCH", severity, "；".join(problems) + "。", _join_evidence(quotes, rows_text))


def grade_band_mismatch(record: EvaluationRecord, rulebook: Rulebook) -> Flag | None:
    if record.grade is None or record.self_score is None:
        return None
    band = rulebook.grade_for(record.self_score)
    if record.grade == band:
        return None
    order = [g for g, _ in rulebook.grade_bands]
    if record.grade not in order:
        return None
    severity = "high" if order.index(record.grade) < order.index(band) else "medium"
    lower = dict(rulebook.grade_bands)[band]
    message = (f"自评{fmt(record.self_score)}分，按等级标准（{band}≥{fmt(lower)}分）应评为“{band}”，"
               f"报告却评定为“{record.grade}”。")
    grade_quote = sentence_with(record.text, r"等级|等次|评价结论|评定为|评为")
    return Flag("GRADE_BAND_MISMATCH", severity, message,
                _join_evidence(_quoted(_score_quote(record), grade_quote), ""))


def execution_rule_violation(record: EvaluationRecord, rulebook: Rulebook) -> Flag | None:
    rate = _execution_rate(record)
    if rate is None:
        return None
    tol = rulebook.tolerance
    full_rate = rulebook.full_marks_rate
    problems: list[str] = []
    excess = 0.0
    for row in record.indicators:
        name = row.level3 or row.level2 or ""
        if not _EXECUTION_ROW.search(name) or row.weight is None or row.score is None:
            continue
        if row.weight > 0 and abs(row.score - row.weight) <= tol and rate < full_rate:
            problems.append(f"“{name}”指标得满分{fmt(row.weight)}分，但预算执行率仅{fmt(rate)}%"
                            f"（满分须达到{fmt(full_rate)}%）")
            excess = max(excess, row.weight * (1 - min(rate, 100) / 100))
            break
    if (record.execution_score is not None and record.execution_weight and record.execution_weight > 0
            and record.execution_score >= record.execution_weight - tol and rate < full_rate):
        problems.append(f"资金执行情况得满分{fmt(record.execution_weight)}分，但预算执行率仅{fmt(rate)}%"
                        f"（按执行率计应得{fmt(round(record.execution_weight * min(rate, 100) / 100, 2))}分）")
        excess = max(excess, record.execution_weight * (1 - min(rate, 100) / 100))
    claimed = record.self_score
    is_100 = False
    if claimed is not None:
        weight = record.execution_weight or rulebook.execution_weight
        # Compared unrounded: 97.297 is what the rule allows at 72.97%, though the message shows 97.3.
        allowed = 100 - weight * (1 - min(rate, 100) / 100)
        if _points(claimed - allowed) > tol:
            problems.insert(0, f"自评{'满分' if claimed >= 100 - tol else ''}{fmt(claimed)}分，但预算执行率仅"
                               f"{fmt(rate)}%，按执行率计分（预算执行{fmt(weight)}分×执行率）最多{fmt(round(allowed, 2))}分")
            excess = max(excess, claimed - allowed)
        elif abs(claimed - 100) <= 1e-9 and rate < 100:
            problems.insert(0, f"自评满分100分，但预算执行率为{fmt(rate)}%，未全部执行不应得满分")
        is_100 = abs(claimed - 100) <= 1e-9 and rate < 100
        cap = rulebook.cap_for(rate)
        if cap is not None and claimed > cap + tol:
            problems.append(f"按省级封顶规则，执行率{fmt(rate)}%的项目最高{fmt(cap)}分，自评{fmt(claimed)}分超出上限")
            excess = max(excess, claimed - cap)
    if not problems:
        return None
    severity = "high" if is_100 or _points(excess) > rulebook.severity["execution_high_points"] else "medium"
    return Flag("EXECUTION_RULE_VIOLATION", severity, "；".join(problems) + "。",
                _join_evidence(_quoted(_score_quote(record), _rate_quote(record)), _amounts_evidence(record, rate)))


def _decimals_of(record: EvaluationRecord) -> int:
    decimals = record.facts.get("stated_rate_decimals")
    if isinstance(decimals, int) and 0 <= decimals <= 6:
        return decimals
    quote = record.facts.get("stated_rate_quote") or ""
    s = record.stated_execution_rate
    for written in re.findall(r"(\d+(?:\.(\d+))?)\s*%", quote):
        if s is not None and abs(float(written[0]) - s) < 1e-9:
            return len(written[1])
    if s is not None and record.text:
        whole = fmt(s)
        pattern = r"(?<![\d.])" + re.escape(whole) + (r"(0*)" if "." in whole else r"(\.0+)?") + r"\s*%"
        match = re.search(pattern, record.text)
        if match:
            extra = match.group(1) or ""
            return (len(whole.split(".")[1]) if "." in whole else 0) + len(extra.lstrip("."))
    return 2


def rate_mismatch(record: EvaluationRecord, rulebook: Rulebook) -> Flag | None:
    stated = record.stated_execution_rate
    if stated is None or not record.budget_wan or record.budget_wan <= 0 or record.spent_wan is None:
        return None
    decimals = _decimals_of(record)
    actual = record.spent_wan / record.budget_wan * 100
    if abs(actual - stated) <= 0.5 * 10 ** -decimals + 1e-9:
        return None
    if _points(stated - actual) >= rulebook.severity["rate_high_points"]:
        severity = "high"
    elif stated > actual:
        severity = "medium"
    else:
        severity = "low"
    message = (f"报告写明预算执行率{fmt(stated)}%，但按实际支出{fmt(record.spent_wan)}万元÷预算"
               f"{fmt(record.budget_wan)}万元计算应为{actual:.2f}%，"
               f"{'多报' if stated > actual else '少报'}{abs(stated - actual):.2f}个百分点。")
    return Flag("RATE_MISMATCH", severity, message,
                _join_evidence(_quoted(_rate_quote(record)), _amounts_evidence(record, actual)))


def amount_inconsistent(record: EvaluationRecord, rulebook: Rulebook) -> Flag | None:
    problems: list[str] = []
    quotes: list[str] = []
    # Other amounts the report states (年初预算, 到位资金) are not a second value of the budget.
    others = [v for v in (record.initial_budget_wan, record.received_wan)
              if v is not None and (record.budget_wan is None or abs(v - record.budget_wan) > 0.005)]
    for key, label in (("budget_mentions", "预算金额"), ("spent_mentions", "实际支出金额")):
        mentions = [m for m in record.facts.get(key) or [] if m and m.get("value_wan") is not None]
        if key == "budget_mentions":
            mentions = [m for m in mentions if all(abs(float(m["value_wan"]) - v) > 0.005 for v in others)
                        and not _receipt_only(m.get("quote") or "")]
        values: list[float] = []
        for mention in mentions:
            value = float(mention["value_wan"])
            if all(abs(value - v) > 0.005 for v in values):
                values.append(value)
        if len(values) > 1:
            problems.append(f"{label}前后不一致：" + "、".join(f"{fmt(v)}万元" for v in values))
            shown: list[float] = []
            for mention in mentions:
                value = float(mention["value_wan"])
                if all(abs(value - v) > 0.005 for v in shown) and mention.get("quote"):
                    shown.append(value)
                    quotes.append(f"「{mention['quote']}」")
    if not problems:
        return None
    return Flag("AMOUNT_INCONSISTENT", "medium", "报告中" + "；".join(problems) + "，同一金额在不同位置写法不同。",
                _join_evidence(quotes, ""))


def _receipt_only(quote: str) -> bool:
    """A sentence about funds received (到位) that never says 预算 states another amount than the budget."""
    return "到位" in quote and "预算" not in quote


def problems_without_deduction(record: EvaluationRecord, rulebook: Rulebook) -> Flag | None:
    problems = [p for p in record.problems if p and p.strip()]
    if not problems or record.self_score is None and not record.indicators:
        return None
    tol = rulebook.tolerance
    claims_100 = record.self_score is not None and abs(record.self_score - 100) <= 1e-9
    rows = record.indicators
    zero_deduction = False
    if rows and all(r.weight is not None and r.score is not None for r in rows):
        zero_deduction = abs(sum(r.weight - r.score for r in rows)) <= tol
    if not (claims_100 or zero_deduction):
        return None
    first = problems[0].strip()
    shown = first if len(first) <= 60 else first[:60] + "…"
    if claims_100:
        message = f"报告列出{len(problems)}条存在的问题（如“{shown}”），却自评满分100分，未因问题扣分。"
    else:
        message = f"报告列出{len(problems)}条存在的问题（如“{shown}”），但评分表各项均未扣分。"
    quote = record.facts.get("problems_quote") or quote_around(record.text, first[:30]) or first
    return Flag("PROBLEMS_WITHOUT_DEDUCTION", "medium", message,
                _join_evidence(_quoted(quote, _score_quote(record)), ""))


def _stated_decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def evaluator_average_mismatch(record: EvaluationRecord, rulebook: Rulebook) -> Flag | None:
    scores = [s for s in record.evaluator_scores if s is not None]
    stated = record.stated_evaluator_average if record.stated_evaluator_average is not None else record.self_score
    if not scores or stated is None:
        return None
    mean = sum(scores) / len(scores)
    tolerance = max(rulebook.tolerance, 0.5 * 10 ** -_stated_decimals(stated))
    if abs(mean - stated) <= tolerance + 1e-9:
        return None
    severity = "high" if _points(stated - mean) > rulebook.severity["evaluator_high_points"] else "medium"
    message = (f"{len(scores)}位评价人员打分为" + "、".join(fmt(s) for s in scores)
               + f"，平均应为{mean:.2f}分，报告却写为{fmt(stated)}分，"
               f"{'高出' if stated > mean else '低了'}{abs(stated - mean):.2f}分。")
    quote = record.facts.get("evaluator_quote") or sentence_with(record.text, r"平均分|平均") or _score_quote(record)
    return Flag("EVALUATOR_AVERAGE_MISMATCH", severity, message,
                _join_evidence(_quoted(quote), "评价人员得分：" + "、".join(fmt(s) for s in scores)))


_YEAR = re.compile(r"(20\d\d)\s*年")
_TABLE_TITLE = re.compile(r"打分表|评分表|指标体系|自评表|评价表")


_BUDGET_YEAR = re.compile(r"(20\d\d)\s*年(?!\s*\d{1,2}\s*月)")


def _year_mentions(record: EvaluationRecord) -> list[dict]:
    """Fiscal years the report names for the project: the extractor's year mentions (else the title's and
    the score-table titles'), plus the year its budget or spending sentence names (not a date)."""
    if "year_mentions" in record.facts:
        mentions = [m for m in record.facts.get("year_mentions") or [] if m and m.get("year") is not None]
    else:
        mentions = _text_year_mentions(record)
    if not mentions and record.year is not None:
        # The extractor found the year without quoting it (e.g. a 绩效目标表 title): quote where it is written.
        quote = sentence_with(record.text, rf"{record.year}\s*年(?!\s*\d{{1,2}}\s*月)")
        if quote:
            mentions.append({"year": record.year, "quote": quote})
    for key in ("budget_mentions", "spent_mentions"):
        for mention in record.facts.get(key) or []:
            match = _BUDGET_YEAR.search((mention or {}).get("quote") or "")
            if match:
                mentions.append({"year": int(match.group(1)), "quote": mention["quote"]})
    return mentions


def _text_year_mentions(record: EvaluationRecord) -> list[dict]:
    mentions: list[dict] = []
    lines = [line.strip() for line in record.text.splitlines() if line.strip()]
    title = next((line for line in lines[:8] if re.search(r"报告|评价表|自评表", line) and len(line) < 120), None)
    candidates = ([title] if title else []) + [
        line for line in lines if _TABLE_TITLE.search(line) and len(line) < 80 and _YEAR.search(line)]
    for line in candidates:
        match = _YEAR.search(line)
        if match:
            mentions.append({"year": int(match.group(1)), "quote": line})
    return mentions


def year_inconsistent(record: EvaluationRecord, rulebook: Rulebook) -> Flag | None:
    mentions = _year_mentions(record)
    years = sorted({int(m["year"]) for m in mentions})
    if len(years) < 2:
        return None
    quotes: list[str] = []
    for year in years:
        quote = next((m.get("quote") for m in mentions if int(m["year"]) == year and m.get("quote")), None)
        if quote:
            quotes.append(f"「{quote}」")
    message = "报告对同一项目写了不同的年度：" + "、".join(f"{y}年" for y in years) + "，无法确定评价的是哪一年度。"
    return Flag("YEAR_INCONSISTENT", "low", message, _join_evidence(quotes, ""))


def no_score_table(record: EvaluationRecord, rulebook: Rulebook) -> Flag | None:
    if record.self_score is None or record.self_score < 90 or record.indicators:
        return None
    if record.facts.get("results_table"):
        return None  # a row of a results summary: the report behind it has its table elsewhere
    severity = "medium" if record.self_score >= 95 else "low"
    message = f"自评{fmt(record.self_score)}分（优），但报告没有附指标评分表，高分缺少逐项打分依据。"
    return Flag("NO_SCORE_TABLE", severity, message, _join_evidence(_quoted(_score_quote(record)), ""))


def reason_contradicts_rule(record: EvaluationRecord, rulebook: Rulebook) -> Flag | None:
    tol = rulebook.tolerance
    for row in record.indicators:
        deduction = row.deduction
        if deduction is None and row.weight is not None and row.score is not None:
            deduction = row.weight - row.score
        if deduction is None or deduction <= tol:
            continue
        rule = parse_rule(row.rule)
        if rule is None or rule.full_at is None:
            continue
        for text in (row.reason, row.actual):
            stated = stated_percent(text)
            if stated is None or stated.upper_bound or not rule.earns_full_marks(stated.value):
                continue
            name = row.level3 or row.level2 or row.level1 or "该指标"
            message = (f"“{name}”扣了{fmt(deduction)}分，扣分理由却写明“{stated.quote}”，"
                       f"按该指标自身评分标准（{'大于' if rule.full_strict else '达到'}{fmt(rule.full_at)}%"
                       f"得满分）应得满分{fmt(row.weight) if row.weight is not None else ''}分。")
            rule_quote = quote_around(record.text, _rule_anchor(row.rule)) or row.rule
            reason_quote = quote_around(record.text, stated.quote[-20:]) or stated.quote
            return Flag("REASON_CONTRADICTS_RULE", "low", message,
                        _join_evidence(_quoted(reason_quote, rule_quote),
                                       f"指标分值{fmt(row.weight)}分，得分{fmt(row.score)}分"))
    return None


def _rule_anchor(rule: str | None) -> str:
    if not rule:
        return ""
    match = re.search(r"[^。；;\n]*满分", rule)
    return (match.group(0) if match else rule)[-30:]


_CHECKS: tuple[Callable[[EvaluationRecord, Rulebook], Flag | None], ...] = (
    score_sum_mismatch,
    grade_band_mismatch,
    execution_rule_violation,
    rate_mismatch,
    amount_inconsistent,
    problems_without_deduction,
    evaluator_average_mismatch,
    year_inconsistent,
    no_score_table,
    reason_contradicts_rule,
)
