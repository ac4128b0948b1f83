"""Render 自评表 forms (FORMS.md families) for the demo corpus: one Table per form.

F1: 安徽/云南 项目支出绩效自评表 (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分; target before weight).
F2: 绩效目标自评表 (全年预算数(A) | 全年执行数(B) | 分值 | 执行率(B/A) | 得分; weight before target).
F3: 云南 20/80 variant (预算数 | 执行数 | 执行率 | 得分(20分*执行率); no per-row weight column).
"""
from __future__ import annotations

import random

from dashboard.corpus import gen_noise
from dashboard.corpus.gen_model import ReportSpec
from dashboard.corpus.gen_text import Builder, num
from dashboard.ingest.document import Block

GOALS = (
    ("按期完成年度工作任务，保障项目顺利实施，服务对象满意度达到90%以上。", "年度工作任务已按期完成，项目运行平稳，服务对象满意度较高。"),
    ("保障业务正常运转，提升公共服务质量和效率。", "各项业务运转正常，服务质量和效率进一步提升。"),
    ("完成计划任务，资金使用规范，项目验收合格。", "计划任务基本完成，资金使用规范，项目已通过验收。"),
)


def _amount(spec: ReportSpec, wan: float | None) -> str:
    if wan is None:
        return ""
    if spec.yuan:
        return f"{round(wan * 10000):,}.00" if spec.key[-1] in "02468" else f"{round(wan * 10000)}.00"
    return num(wan) if spec.key[-1] not in "13" else f"{wan:.2f}"


def _rate(spec: ReportSpec) -> str:
    return f"{spec.stated_rate:.{spec.rate_decimals}f}%"


def _title(spec: ReportSpec, rng: random.Random, b: Builder) -> None:
    if spec.framework == "F2":
        b.p(rng.choice((f"{spec.year}年度绩效目标自评表", f"绩效目标自评表（{spec.year}年度）")))
    elif rng.random() < 0.5:
        b.p("项目支出绩效自评表")
        b.p(f"（{spec.year}年度）")
    else:
        b.p(f"{spec.year}年度项目支出绩效自评表")


def render_form(spec: ReportSpec) -> list[Block]:
    rng = random.Random(spec.text_seed)
    b = Builder()
    _title(spec, rng, b)
    unit_label = "元" if spec.yuan else "万元"
    code = f"53012{spec.year}R{rng.randint(10 ** 9, 10 ** 10 - 1)}-" if rng.random() < 0.35 else ""
    rows: list[list[str]] = [
        ["项目名称", code + spec.project_name, "", "", "", "", "", "", ""],
        ["主管部门", spec.supervising or "", "", "", "实施单位", spec.department, "", "", ""],
    ]
    if spec.framework == "F1":
        rows += [
            [f"项目资金（{unit_label}）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""],
            ["", "年度资金总额", _amount(spec, spec.initial_budget), _amount(spec, spec.budget), _amount(spec, spec.spent),
             num(spec.execution_weight), _rate(spec), num(spec.execution_score), ""],
            ["", "其中：当年财政拨款", _amount(spec, spec.initial_budget), _amount(spec, spec.budget), _amount(spec, spec.spent), "—", "—", "—", ""],
            ["", "上年结转资金", "", "", "", "—", "—", "—", ""],
            ["", "其他资金", "", "", "", "—", "—", "—", ""],
        ]
    elif spec.framework == "F2":
        rows += [
            [f"资金情况（{unit_label}）", "", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分", "", ""],
            ["", "年度资金总额", _amount(spec, spec.budget), _amount(spec, spec.spent), num(spec.execution_weight),
             _rate(spec), num(spec.execution_score), "", ""],
            ["", "其中：本年财政拨款", _amount(spec, spec.budget), _amount(spec, spec.spent), "", "", "", "", ""],
            ["", "其他资金", "", "", "", "", "", "", ""],
        ]
    else:
        rows += [
            [f"预算执行情况（{unit_label}）（20分）", "预算数（A）", "执行数（B）", "执行率（B/A）", "得分（20分*执行率）", "", "", "", ""],
            ["", _amount(spec, spec.budget), _amount(spec, spec.spent), _rate(spec), num(spec.execution_score), "", "", "", ""],
        ]
    goal, done = rng.choice(GOALS)
    rows += [["年度总体目标", "预期目标", "", "", "实际完成情况", "", "", "", ""], ["", goal, "", "", done, "", "", "", ""]]
    group = {}
    for r in spec.rows:
        group[r.level1] = group.get(r.level1, 0) + r.weight
    seen = set()
    if spec.framework == "F1":
        rows.append(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
    elif spec.framework == "F2":
        rows.append(["绩效指标", "一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分", "未完成原因及拟采取的改进措施"])
    else:
        rows.append(["年度绩效目标（80分）", "一级指标", "二级指标", "三级指标", "年初目标值（A）", "实际完成值（B）", "得分", "", ""])
    seen2 = set()
    for r in spec.rows:
        l1 = ""
        if r.level1 not in seen:
            l1 = r.level1 if spec.framework == "F1" and rng.random() < 0.5 else f"{r.level1}（{num(group[r.level1])}分）"
        l2 = "" if (r.level1, r.level2) in seen2 else r.level2
        seen.add(r.level1)
        seen2.add((r.level1, r.level2))
        reason = (r.reason or "") if r.score < r.weight else ""
        if spec.framework == "F1":
            rows.append(["", l1, l2, r.level3, r.target or "", r.actual or "", num(r.weight), num(r.score), reason])
        elif spec.framework == "F2":
            rows.append(["", l1, l2, r.level3, num(r.weight), r.target or "", r.actual or "", num(r.score), reason])
        else:
            rows.append(["", l1, l2, r.level3, r.target or "", r.actual or "", num(r.score), "", ""])
    if spec.framework == "F3":
        rows.append(["总分", "", "", "", "", "100", num(spec.self_score), "", ""])
    else:
        rows.append(["总分", "", "", "", "", "", "100", num(spec.self_score), spec.grade_word])
    conclusion = f"该项目自评得分{num(spec.self_score)}分，等级为{spec.grade_word}。"
    rows.append(["评价结论", conclusion, "", "", "", "", "", "", ""])
    problems = "；".join(f"{i}.{p.rstrip('。')}" for i, p in enumerate(spec.problems, 1)) + "。" if spec.problems else "无"
    rows.append(["存在问题", problems, "", "", "", "", "", "", ""])
    b.table(rows)
    return b.blocks


# ---- forms through the forms engineer's renderer (dashboard.corpus.forms): more families and shapes ----

# Web-text forms: a share printed in a variant of their shape (cells ending ' |', flat one line per
# row) and, like web-text reports, a share inside a site's page chrome.
TEXT_VARIANT_SHARE = 0.4
FILE_NAME_LINE_SHARE = 0.3  # a sharing site's page that starts with the document's file name
FAMILY_OF = {"F1": "anhui", "F2": "xianjie", "F3": "yunnan2080", "F4": "sichuan"}
SHAPE_EXT = {"xlsx": "xlsx", "xlsx_sheets": "xlsx", "cells": "txt", "pipe": "txt", "flat": "txt", "docx": "docx", "pdf": "pdf"}


def form_values(spec: ReportSpec) -> dict:
    """A spec as the values dict of dashboard.corpus.forms.render_form."""
    rng = random.Random(spec.text_seed + 7)
    factor = 10000 if spec.yuan else 1

    def amount(wan: float | None) -> float | None:
        return None if wan is None else round(wan * factor, 2)

    goal, done = rng.choice(GOALS)
    groups: dict[str, float] = {}
    for r in spec.rows:
        groups[r.level1] = round(groups.get(r.level1, 0) + r.weight, 1)
    indicators = [{"level1": r.level1, "level2": r.level2, "level3": r.level3, "target": r.target or "",
                   "actual": r.actual or "", "weight": r.weight, "score": r.score,
                   "reason": (r.reason or "") if r.score < r.weight else "", "nature": "", "measure": ""}
                  for r in spec.rows]
    grade_text = f"，等级为{spec.grade_word}" if spec.grade_word else ""
    values = {
        "family": FAMILY_OF[spec.framework], "year": spec.year,
        "project_code": f"53012{spec.year}R{rng.randint(10 ** 9, 10 ** 10 - 1)}" if rng.random() < 0.35 else None,
        "project_name": spec.project_name, "supervising_department": spec.supervising or "",
        # Flat web pages join cells with spaces, so a stray space inside the unit name would split it.
        "department": "".join(spec.department.split()), "unit": "元" if spec.yuan else "万元", "thousands": spec.yuan and rng.random() < 0.5,
        "initial_budget": amount(spec.initial_budget), "budget": amount(spec.budget), "spent": amount(spec.spent),
        "rate_text": _rate(spec), "execution_weight": spec.execution_weight, "execution_score": spec.execution_score,
        "goal": goal, "goal_done": done, "indicators": indicators, "group_weights": groups,
        "self_score": spec.self_score, "grade": spec.grade_word,
        "conclusion": f"该项目自评得分{num(spec.self_score)}分{grade_text}。",
        "problems": "；".join(f"{i}.{p.rstrip('。')}" for i, p in enumerate(spec.problems, 1)) + "。" if spec.problems else "无",
    }
    # Drawn after every figure and phrase above, so adding them changed no form's content.
    values["text_variant"] = rng.choice(("bar", "rows")) if rng.random() < TEXT_VARIANT_SHARE else None
    values["page_chrome"] = None
    if rng.random() < gen_noise.CHROME_SHARE:
        values["page_chrome"] = {"seed": rng.randrange(2 ** 31), "style": rng.choice(gen_noise.CHROME_STYLES),
                                 "inline": rng.random() < 0.5, "file_name_line": rng.random() < FILE_NAME_LINE_SHARE}
    return values
