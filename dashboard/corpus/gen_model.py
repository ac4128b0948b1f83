"""The demo corpus as data: one ReportSpec per evaluated project, with true figures and planted flags.

Everything is drawn from one random.Random in a fixed order; the renderers turn specs into files.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from dashboard.corpus import gen_tables as T
from dashboard.corpus.gen_units import COUNTY, FIRMS, FIRST_YEAR, ONE_OFF_PROJECTS, UNITS, Unit
from dashboard.corpus.truth import grade_band, report_flag_codes, rule_max_score

# Planting rates per report (each report gets at most one planted report-level flag).
PLANT_RATES = (
    ("SCORE_SUM_MISMATCH", 0.04),
    ("GRADE_BAND_MISMATCH", 0.03),
    ("EXECUTION_RULE_VIOLATION", 0.05),
    ("RATE_MISMATCH", 0.04),
    ("AMOUNT_INCONSISTENT", 0.03),
    ("PROBLEMS_WITHOUT_DEDUCTION", 0.03),
    ("YEAR_INCONSISTENT", 0.03),
    ("REASON_CONTRADICTS_RULE", 0.06),
    ("PEER_OUTLIER", 0.025),
)
EVALUATOR_MISMATCH_RATE = 0.3
# Unit habits (by short name): systematic inflation, always 100, narrative copied from a partner.
INFLATORS = ("县交通运输局", "县住房和城乡建设局")
ALWAYS_100 = ("县统计局", "散旦镇人民政府")
COPY_PAIRS = (("县司法局", "县审计局"), ("款庄镇人民政府", "东村镇人民政府"))

GRADE_WORDS = {"优": ("优", "优秀"), "良": ("良", "良好"), "中": ("中", "中等", "合格"), "差": ("差", "不合格")}
LAYOUT_WEIGHTS = (
    ("narrative_only", 0.11), ("narrative_table", 0.31), ("basic_info", 0.10), ("short", 0.08), ("form", 0.40),
)
FORM_FAMILIES = (("F1", 0.4), ("F2", 0.25), ("F3", 0.15), ("F4", 0.2))  # F4: 四川, drawn by dashboard.corpus.forms
NARRATIVE_LAYOUTS = ("narrative_only", "narrative_table", "basic_info", "short", "department", "external")


@dataclass
class ReportSpec:
    key: str
    unit: Unit
    year: int
    project_name: str
    kind: str
    layout: str
    framework: str | None
    department: str  # as written (may hold a stray space)
    region: str | None
    supervising: str | None
    budget: float
    spent: float
    initial_budget: float | None = None
    received: float | None = None
    stated_rate: float | None = None
    rate_decimals: int = 2
    self_score: float | None = None
    grade: str | None = None  # as stated (优 良 中 差)
    grade_word: str | None = None  # as written (优秀, 良好 ...)
    execution_weight: float | None = None
    execution_score: float | None = None
    weights_printed: bool = True
    rows: list[T.Row] = field(default_factory=list)
    evaluators: list[float] = field(default_factory=list)
    stated_avg: float | None = None
    problems: list[str] = field(default_factory=list)
    planted: list[str] = field(default_factory=list)
    alt_amount: dict | None = None  # {"which": "spent"|"budget", "value": float}
    other_year: int | None = None
    contradiction: bool = False
    firm: str | None = None
    report_number: str | None = None
    text_seed: int = 0
    yuan: bool = False
    habit: str | None = None
    copy_group: str | None = None
    form_renderer: str = "own"  # own (gen_forms) or forms (dashboard.corpus.forms, more shapes)
    # Filled by the generator: where the record lands.
    file: str = ""
    index: int = 0

    @property
    def execution_rate(self) -> float | None:
        if self.budget and self.budget > 0:
            return round(self.spent / self.budget * 100, 2)
        return None

    def facts(self) -> dict:
        """The facts the flag definitions read, as the report states them."""
        facts: dict = {"stated_rate_decimals": self.rate_decimals}
        if self.alt_amount:
            which = self.alt_amount["which"]
            true_value = self.spent if which == "spent" else self.budget
            facts[f"{which}_mentions"] = [{"value_wan": true_value}, {"value_wan": self.alt_amount["value"]}]
        years = [self.year] + ([self.other_year] if self.other_year else [])
        facts["year_mentions"] = [{"year": y} for y in years]
        if self.evaluators:
            facts["stated_evaluator_average"] = self.stated_avg
        facts["reason_contradicts_rule"] = self.contradiction
        return facts

    def truth(self) -> dict:
        """The contract values a careful reader extracts from this report."""
        indicators = []
        # Layouts whose table has no reason column (003's 评分表, the 20/80 form) print no reasons.
        reasons_printed = self.layout != "basic_info" and not (self.framework == "F3" and self.form_renderer == "own")
        rules_printed = self.framework == "A" and self.layout != "basic_info"
        for r in self.rows:
            weight = r.weight if self.weights_printed else None
            if r.written_deduction is not None:
                deduction = r.written_deduction
            elif weight is not None and r.score is not None:
                deduction = round(weight - r.score, 2)
            else:
                deduction = None
            indicators.append({
                "level1": r.level1, "level2": r.level2, "level3": r.level3, "weight": weight,
                "score": r.score, "deduction": deduction,
                "reason": r.reason if reasons_printed and _printed_deduction(r) > 1e-9 else None,
                "rule": r.rule if rules_printed else None,
                "target": r.target, "actual": r.actual,
            })
        region = self.region
        return {
            # A department-wide evaluation has no project: the contract's project_name is null.
            "project_name": None if self.kind == "department_self" else self.project_name,
            "department": "".join(self.department.split()),
            "supervising_department": self.supervising,
            "region": region,
            "kind": self.kind,
            "year": self.year,
            "budget_wan": self.budget,
            "initial_budget_wan": self.initial_budget,
            "received_wan": self.received,
            "spent_wan": self.spent,
            "stated_execution_rate": self.stated_rate,
            "execution_rate": self.execution_rate,
            "self_score": self.self_score,
            "grade": self.grade,
            "execution_weight": self.execution_weight,
            "execution_score": self.execution_score,
            "indicators": indicators,
            "evaluator_scores": list(self.evaluators),
            "problems": list(self.problems),
            "firm": self.firm,
            "report_number": self.report_number,
        }

    def report_flags(self) -> list[str]:
        return report_flag_codes(self.truth(), self.facts())


def _printed_deduction(r: T.Row) -> float:
    if r.written_deduction is not None:
        return r.written_deduction
    return (r.weight or 0) - (r.score or 0)


def _weighted(rng: random.Random, options) -> str:
    x = rng.random() * sum(w for _, w in options)
    for name, w in options:
        x -= w
        if x < 0:
            return name
    return options[-1][0]


def _money(rng: random.Random, median: float) -> float:
    value = math.exp(rng.gauss(math.log(median), 1.25))
    value = min(max(value, 2.0), 9000.0)
    if rng.random() < 0.35:
        return float(round(value)) if value >= 5 else round(value, 1)
    return round(value, 2)


def _rate(rng: random.Random) -> float:
    u = rng.random()
    if u < 0.10:
        return rng.uniform(45, 80)
    if u < 0.28:
        return 100.0
    return min(100.0, rng.triangular(80, 100, 97.5))


def _set_spent(spec: ReportSpec, rate: float) -> None:
    spec.spent = spec.budget if rate >= 100 else round(spec.budget * rate / 100, 2)
    if spec.spent >= spec.budget and rate < 100:
        spec.spent = round(spec.budget - 0.01, 2)


def _framework_rows(spec: ReportSpec, rng: random.Random) -> list[T.Row]:
    rate = spec.execution_rate or 0
    if spec.framework == "A":
        return [T.Row(l1, l2, l3, float(w), explain=ex, rule=rule) for l1, l2, l3, w, ex, rule in T.FRAMEWORK_A]
    n = rng.randint(3, 20)
    m = rng.choice((200, 500, 1000, 3000, 12000))
    values = {"n": n, "m": m, "m2": int(m * rng.uniform(1.0, 1.2)), "sat": rng.randint(92, 99), "rate": _pct(rate)}
    if spec.framework == "D":
        template = T.FRAMEWORK_D
    elif spec.framework == "B":
        template = T.FRAMEWORK_B + (T.EXECUTION_ROW_B,)
    else:  # forms: execution is in the funds block, indicators carry 90 (80 in the 20-point family)
        template = T.FRAMEWORK_B
    rows = []
    for l1, l2, l3, w, target, actual in template:
        weight = float(w)
        if spec.framework == "F3":
            weight = round(w * 80 / 90, 1) if l3 != "服务对象满意度" else 8.0
        rows.append(T.Row(l1, l2, l3, weight, target=target.format(**values), actual=actual.format(**values)))
    if spec.framework == "F3":  # keep 80 points in total after rounding
        rows[0].weight = round(rows[0].weight + 80 - sum(r.weight for r in rows), 1)
    if spec.framework in ("F1", "F2", "F3", "B", "D"):
        return rows
    return rows


def _pct(rate: float) -> str:
    return f"{rate:.2f}".rstrip("0").rstrip(".")


def _deduct(rows: list[T.Row], amount: float, rng: random.Random, *, with_reasons: bool) -> None:
    """Take `amount` points off non-execution rows, in chunks, each row keeping a reason."""
    amount = round(amount, 1)
    candidates = [r for r in rows if not r.is_execution and (r.weight or 0) >= 1]
    guard = 0
    while amount > 0.05 and guard < 200:
        guard += 1
        row = rng.choice(candidates)
        room = round(row.score - row.weight * 0.3, 1)
        if room <= 0:
            continue
        chunk = min(amount, room, rng.choice((0.5, 1.0, 1.0, 1.5, 2.0, 2.5, 3.0)))
        chunk = round(chunk, 1)
        if chunk <= 0:
            continue
        row.score = round(row.score - chunk, 1)
        amount = round(amount - chunk, 1)
        if with_reasons and row.reason is None:
            row.reason = T.reason_for(row.level3, rng)


def _satisfaction_reason(row: T.Row, rng: random.Random, contradict: bool) -> None:
    """A satisfaction deduction whose reason states the surveyed share (for REASON_CONTRADICTS_RULE)."""
    if contradict:
        pct = rng.randint(91, 98)
        row.score = round(row.weight - rng.choice((0.3, 0.6, 0.9)), 1)
        row.reason = rng.choice((f"采取社会调查的方式，社会公众满意度大于{pct}%", f"满意度调查结果为{pct}%", f"服务对象满意度达到{pct}%"))
    else:
        pct = rng.randint(84, 89)
        row.score = round(row.weight - round((90 - pct) * 0.3, 1), 1)
        row.reason = rng.choice((f"满意度调查结果为{pct}%，未达到90%", f"社会公众满意度为{pct}%", f"服务对象满意度仅{pct}%"))


def _score_table(spec: ReportSpec, rng: random.Random, *, extra: float, exec_full: bool, all_full: bool,
                 contradict: bool = False) -> None:
    rate = spec.execution_rate or 0
    spec.rows = _framework_rows(spec, rng)
    for row in spec.rows:
        row.score = row.weight
    if all_full:
        return
    for row in spec.rows:
        if row.is_execution and not exec_full and rate < 95:
            row.score = 0.0 if rate < 60 else round(row.weight * rate / 100, 1)
            if row.score == row.weight:
                row.score = round(row.weight - 0.1, 1)
            row.reason = rng.choice(("预算执行率未达到95%", "资金支付进度滞后", f"预算执行率为{_pct(rate)}%"))
    satisfaction = [r for r in spec.rows if r.level3 == "服务对象满意度" and r.rule]
    if satisfaction and (contradict or rng.random() < 0.25):
        before = satisfaction[0].score
        _satisfaction_reason(satisfaction[0], rng, contradict)
        extra = max(0.0, extra - (before - satisfaction[0].score))
    _deduct(spec.rows, extra, rng, with_reasons=True)


def _table_total(spec: ReportSpec) -> float:
    total = sum(r.score for r in spec.rows)
    if spec.execution_score is not None:
        total += spec.execution_score
    return round(total, 2)


def _needed_extra(spec: ReportSpec, rng: random.Random, habit: str | None) -> float:
    """Deductions beyond the execution row that a truthful unit takes, given its execution."""
    rate = spec.execution_rate or 0
    base = rng.gammavariate(2.0, 1.6)
    if rate < 95:
        base += (95 - rate) * rng.uniform(0.25, 0.45)
    if habit == "inflator":
        base *= 0.4
    # The rule: total <= 100 - 10 * (1 - rate); execution rows of narrative tables weigh less than 10.
    if spec.framework in ("A", "B", "D") or spec.framework is None:
        exec_rows = [r for r in spec.rows if r.is_execution] if spec.rows else []
        exec_ded = sum(r.weight - (r.weight * rate / 100) for r in exec_rows) if rate < 95 else 0
        need = 10 * (1 - min(rate, 100) / 100) - exec_ded + 0.3
        base = max(base, need)
    return round(max(base, 0.5), 1)


def make_spec(key: str, unit: Unit, year: int, project: str, kind: str, layout: str, rng: random.Random,
              budget_median: float, *, habit: str | None = None, force_plant: str | None = None,
              text_seed: int | None = None) -> ReportSpec:
    prefixed = rng.random() < 0.55 or kind == "external"
    department = unit.written(prefixed)
    if prefixed and rng.random() < 0.08 and department.startswith(COUNTY):
        department = COUNTY + " " + department[len(COUNTY):]  # a converter's stray space
    supervising = None
    if layout in ("form", "basic_info"):
        # The form's 主管部门 cell: the parent department, or the unit itself when it is one.
        supervising = _supervisor_written(unit, prefixed) if unit.supervising else "".join(department.split())
    spec = ReportSpec(
        key=key, unit=unit, year=year, project_name=project, kind=kind, layout=layout, framework=None,
        department=department, region=COUNTY if prefixed else None, supervising=supervising,
        budget=_money(rng, budget_median), spent=0.0, text_seed=text_seed if text_seed is not None else rng.randrange(1 << 30),
        habit=habit,
    )
    if layout == "form":
        spec.framework = _weighted(rng, FORM_FAMILIES)
        spec.execution_weight = 20.0 if spec.framework == "F3" else 10.0
        spec.weights_printed = spec.framework != "F3"
    elif layout in ("narrative_table", "external"):
        # A copied narrative (shared text seed) copies its score table's framework too.
        spec.framework = "A" if rng.random() < 0.7 or kind == "external" or text_seed is not None else "B"
    elif layout == "basic_info":
        spec.framework = "A"
    elif layout == "short":
        spec.framework = "B" if rng.random() < 0.5 else None
    elif layout == "department":
        spec.framework = "D" if rng.random() < 0.75 else None
    rate = _rate(rng)
    _set_spent(spec, rate)
    if (layout == "form" and spec.framework in ("F1", "F4")) or (layout not in ("basic_info", "form") and rng.random() < 0.3):
        spec.initial_budget = spec.budget if rng.random() < 0.5 else round(spec.budget / rng.uniform(0.85, 1.25), 2)
        if layout != "form" and spec.initial_budget == spec.budget:
            spec.initial_budget = round(spec.budget * 0.9, 2)
    if layout == "basic_info" or (layout in NARRATIVE_LAYOUTS and rng.random() < 0.3):
        spec.received = spec.budget if rng.random() < 0.8 else round(max(spec.spent, spec.budget * rng.uniform(0.9, 0.99)), 2)
    spec.yuan = layout != "form" and rng.random() < 0.12 or (layout == "form" and rng.random() < 0.2)
    if spec.framework == "F4":
        spec.yuan = False  # the 四川 form's funds block names no unit, so it is always in 万元

    # Which flag to plant (at most one), by the layout's eligibility.
    plant = force_plant
    if plant is None and habit is None:
        x = rng.random()
        for code, p in PLANT_RATES:
            if x < p:
                plant = code
                break
            x -= p
    plant = _eligible(spec, plant)

    if plant == "PROBLEMS_WITHOUT_DEDUCTION":
        spec.spent = spec.budget
    if plant == "PEER_OUTLIER":
        # Low execution (above the 60% floor where the execution row scores nothing), yet a score
        # just under what the rule allows: far above same-year peers that execute as little.
        _set_spent(spec, rng.uniform(60.5, 68))
    if plant == "EXECUTION_RULE_VIOLATION" and (spec.execution_rate or 0) >= 94:
        _set_spent(spec, rng.uniform(70, 93))
    if habit == "always100" and (spec.execution_rate or 0) >= 100 and rng.random() < 0.7:
        _set_spent(spec, rng.uniform(75, 99))
    rate = spec.execution_rate or 0

    # Problems: most reports list one to three.
    if rng.random() < 0.85 or plant == "PROBLEMS_WITHOUT_DEDUCTION" or habit == "always100":
        themes = rng.sample(range(len(T.PROBLEM_THEMES)), rng.randint(1, 3))
        spec.problems = [rng.choice(T.PROBLEM_THEMES[t]) for t in sorted(themes)]

    all_full = habit == "always100" or plant == "PROBLEMS_WITHOUT_DEDUCTION"
    exec_full = (habit == "inflator" and rng.random() < 0.6) or plant == "EXECUTION_RULE_VIOLATION"
    if layout == "form":
        w = spec.execution_weight
        spec.execution_score = w if (all_full or exec_full or rate >= 100) else round(w * rate / 100, 2)
    if spec.framework:
        extra = _needed_extra(spec, rng, habit) if not all_full else 0.0
        if plant == "PEER_OUTLIER":
            extra = round(max(0.3, 10 * (1 - rate / 100) - (2 * (1 - rate / 100) if spec.framework == "A" else 0)) + rng.uniform(0.3, 1.0), 1)
            if spec.framework in ("B", "D"):
                extra = round(rng.uniform(0.3, 1.0), 1)
            if layout == "form":
                extra = round(rng.uniform(0.3, 1.5), 1)
        if plant == "GRADE_BAND_MISMATCH":
            desired = rng.uniform(83, 89.4)
            extra = max(extra, 0)
            _score_table(spec, rng, extra=0, exec_full=exec_full, all_full=False)
            current = _table_total(spec)
            extra = round(max(0.5, current - desired), 1)
            for r in spec.rows:
                if not r.is_execution:
                    r.score, r.reason = r.weight, None
        _score_table(spec, rng, extra=extra, exec_full=exec_full, all_full=all_full,
                     contradict=plant == "REASON_CONTRADICTS_RULE")
        spec.contradiction = plant == "REASON_CONTRADICTS_RULE"
        spec.self_score = _table_total(spec)
    else:
        # No table: the claimed score alone.
        if all_full:
            spec.self_score = 100.0
        elif plant == "EXECUTION_RULE_VIOLATION":
            spec.self_score = round(min(100.0, rule_max_score(rate, None) + rng.uniform(1, 4)), 1)
        elif plant == "PEER_OUTLIER":
            spec.self_score = round(rule_max_score(rate, None) - rng.uniform(0.3, 1.2), 1)
        elif plant == "GRADE_BAND_MISMATCH":
            spec.self_score = round(rng.uniform(82, 89.4), 1)
        else:
            spec.self_score = round(min(rule_max_score(rate, None) - 0.3, 100 - _needed_extra(spec, rng, habit)), 1)
        if rng.random() < 0.6 and not all_full and plant != "EXECUTION_RULE_VIOLATION":
            spec.self_score = float(math.floor(spec.self_score))  # whole points; never rounds up to 100
    if plant == "SCORE_SUM_MISMATCH":
        deducted = [r for r in spec.rows if r.score < r.weight and not r.is_execution]
        if layout in ("narrative_table",) and spec.framework == "A" and deducted and rng.random() < 0.5:
            row = rng.choice(deducted)
            row.written_deduction = round(row.weight - row.score + rng.choice((1.0, -0.5, 0.5, 2.0)), 1)
            if row.written_deduction <= 0:
                row.written_deduction = round(row.weight - row.score + 1.0, 1)
        else:
            spec.self_score = round(min(100.0, spec.self_score + rng.choice((1.0, 2.0, 3.0, 0.5, 1.5))), 2)
            if spec.self_score == _table_total(spec):
                spec.self_score = round(spec.self_score - 2.0, 2)

    spec.grade = grade_band(spec.self_score)
    if plant == "GRADE_BAND_MISMATCH":
        spec.grade = {"良": "优", "中": "良", "差": "中", "优": "良"}[spec.grade]
    spec.grade_word = rng.choice(GRADE_WORDS[spec.grade])
    if spec.framework == "F4":  # the 四川 form prints no grade
        spec.grade = spec.grade_word = None

    # The stated execution rate: forms always print one; narratives often.
    if layout == "form" or rng.random() < 0.7 or plant == "RATE_MISMATCH":
        d = rng.choice((2, 2, 2, 1, 0)) if layout != "form" else rng.choice((2, 2, 0))
        exact = spec.spent / spec.budget * 100
        stated = round(exact, d)
        if abs(exact - stated) > 0.5 * 10 ** -d + 1e-9:  # float rounding at the half
            stated = round(exact + 10 ** -(d + 3), d)
        spec.rate_decimals = d
        spec.stated_rate = float(stated)
        if plant == "RATE_MISMATCH":
            if rng.random() < 0.3 and exact < 99:
                spec.stated_rate, spec.rate_decimals = 100.0, 0
            else:
                spec.stated_rate = round(stated + rng.choice((-1, 1)) * rng.choice((0.9, 1.5, 2.3, 4.1, 10 ** -d * 7)), d)
                if abs(exact - spec.stated_rate) <= 0.5 * 10 ** -d + 1e-9:
                    spec.stated_rate = round(stated + 3, d)
            spec.stated_rate = float(spec.stated_rate)

    if plant == "AMOUNT_INCONSISTENT":
        which = "spent" if rng.random() < 0.6 else "budget"
        base = spec.spent if which == "spent" else spec.budget
        alt = round(base + rng.choice((-1, 1)) * rng.choice((0.47, 1.2, 10.0, 0.09, 3.5)), 2)
        if alt <= 0:
            alt = round(base + 1.2, 2)
        spec.alt_amount = {"which": which, "value": alt}
    if plant == "YEAR_INCONSISTENT":
        spec.other_year = spec.year - 1 if rng.random() < 0.7 else spec.year + 1

    if layout == "basic_info":
        _evaluators(spec, rng, mismatch=rng.random() < EVALUATOR_MISMATCH_RATE)
    if plant:
        spec.planted.append(plant)
    return spec


def _supervisor_written(unit: Unit, prefixed: bool) -> str:
    sup = unit.supervising or unit.short
    if prefixed and sup.startswith("县"):
        return COUNTY + sup[1:]
    return sup


def _eligible(spec: ReportSpec, plant: str | None) -> str | None:
    if plant is None:
        return None
    has_table = spec.framework is not None
    if plant == "SCORE_SUM_MISMATCH" and not has_table:
        return None
    if plant == "REASON_CONTRADICTS_RULE" and (spec.framework != "A" or spec.layout == "basic_info"):
        return None  # needs a printed rule and reason (003's 评分表 has neither)
    if plant in ("AMOUNT_INCONSISTENT", "YEAR_INCONSISTENT") and spec.layout == "form":
        return None
    if plant == "GRADE_BAND_MISMATCH" and spec.framework == "F4":
        return None
    return plant


def _evaluators(spec: ReportSpec, rng: random.Random, *, mismatch: bool) -> None:
    score = spec.self_score
    n = rng.choice((3, 3, 5))
    offsets = [rng.randint(-4, 4) for _ in range(n - 1)]
    offsets.append(-sum(offsets))
    scores = [round(score + o, 2) for o in offsets]
    if max(scores) > 100:
        scores = [score] * n
    if mismatch:
        i = rng.randrange(n)
        scores[i] = min(100.0, round(scores[i] + rng.choice((3, 4, 6, 8)), 2))
        if abs(sum(scores) / n - score) <= 0.05:
            scores[i] = round(scores[i] - 6, 2)
        spec.planted.append("EVALUATOR_AVERAGE_MISMATCH")
    spec.evaluators = scores
    spec.stated_avg = score


def external_spec(self_spec: ReportSpec, key: str, rng: random.Random, seq: int) -> ReportSpec:
    """A third-party evaluation of a project that also has its own self-evaluation that year."""
    firm, short = FIRMS[seq % len(FIRMS)]
    spec = ReportSpec(
        key=key, unit=self_spec.unit, year=self_spec.year, project_name=self_spec.project_name,
        kind="external", layout="external", framework="A",
        department=self_spec.unit.written(True), region=COUNTY, supervising=None,
        budget=self_spec.budget, spent=self_spec.spent, text_seed=rng.randrange(1 << 30),
    )
    rate = spec.execution_rate or 0
    extra = _needed_extra(spec, rng, None) + rng.uniform(3, 10)
    _score_table(spec, rng, extra=round(extra, 1), exec_full=False, all_full=False)
    spec.self_score = _table_total(spec)
    desired = self_spec.self_score - rng.uniform(3, 10)  # the independent score sits below the unit's own
    if spec.self_score > desired:
        _deduct(spec.rows, spec.self_score - desired, rng, with_reasons=True)
        spec.self_score = _table_total(spec)
    spec.grade = grade_band(spec.self_score)
    spec.grade_word = rng.choice(GRADE_WORDS[spec.grade])
    spec.stated_rate, spec.rate_decimals = round(spec.spent / spec.budget * 100, 2), 2
    if abs(spec.spent / spec.budget * 100 - spec.stated_rate) > 0.005 + 1e-9:
        spec.stated_rate = round(spec.spent / spec.budget * 100 + 1e-5, 2)
    themes = rng.sample(range(len(T.PROBLEM_THEMES)), rng.randint(2, 3))
    spec.problems = [rng.choice(T.PROBLEM_THEMES[t]) for t in sorted(themes)]
    spec.firm = firm
    spec.report_number = f"{short}〔{spec.year + 1}〕绩评第{seq + 11}号"
    _ = rate
    return spec


def build_specs(seed: int, n_units: int | None, n_years: int | None) -> list[ReportSpec]:
    """Every record of the corpus, in generation order."""
    rng = random.Random(seed)
    units = list(UNITS)
    if n_units is not None and n_units < len(units):
        units = units[:n_units]
    years = list(range(FIRST_YEAR, FIRST_YEAR + (n_years or 7)))
    # A project's typical budget is fixed across years, so a recurring project has a history.
    medians = {(u.short, p): 40 * u.scale * math.exp(rng.gauss(0, 0.9)) for u in units for p in u.projects}
    copiers = {a: b for a, b in COPY_PAIRS}
    specs: list[ReportSpec] = []
    ext_seq = 0
    for year in years:
        copy_seeds: dict[str, int] = {}
        copy_problems: dict[str, list[str]] = {}
        for unit in units:
            habit = "inflator" if unit.short in INFLATORS else "always100" if unit.short in ALWAYS_100 else None
            projects = [p for p in unit.projects if rng.random() < 0.9]
            n_oneoff = max(0, 5 - len(projects) + rng.randint(-1, 1))
            projects += rng.sample(ONE_OFF_PROJECTS, min(n_oneoff, len(ONE_OFF_PROJECTS)))
            for i, project in enumerate(projects):
                key = f"{year}-{unit.short}-{i:02d}"
                layout = _weighted(rng, LAYOUT_WEIGHTS)
                text_seed = None
                copy_group = None
                partner = copiers.get(unit.short)
                is_source = unit.short in copiers.values()
                if i == 0 and (partner or is_source):
                    layout = "narrative_table"
                    group = partner or unit.short
                    copy_group = f"{year}-{group}"
                    text_seed = copy_seeds.setdefault(copy_group, rng.randrange(1 << 30))
                median = medians.get((unit.short, project), 30 * unit.scale)
                spec = make_spec(key, unit, year, project, "project_self", layout, rng, median,
                                 habit=habit, text_seed=text_seed)
                spec.copy_group = copy_group
                if copy_group and copy_problems.get(copy_group) and spec.problems:
                    spec.problems = list(copy_problems[copy_group])  # a copier keeps the problems too
                elif copy_group and spec.problems:
                    copy_problems[copy_group] = list(spec.problems)
                specs.append(spec)
                if (year >= FIRST_YEAR + 1 and habit is None and copy_group is None
                        and not spec.planted and rng.random() < 0.05):
                    specs.append(external_spec(spec, key + "-ext", rng, ext_seq))
                    ext_seq += 1
            if rng.random() < 0.25:
                total = sum(s.budget for s in specs if s.unit is unit and s.year == year and s.kind == "project_self")
                dept = make_spec(f"{year}-{unit.short}-dept", unit, year, "部门整体支出", "department_self",
                                 "department", rng, max(total, 50) * 2.2, habit=habit)
                specs.append(dept)
    return specs
