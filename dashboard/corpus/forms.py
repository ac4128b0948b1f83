"""自评表 forms rendered from values, in every provincial family and file shape the extractor reads.

`render_form(values)` gives a form's title and grid rows; `forms_document(forms)` a Document;
`write_forms(forms, shape, path)` a file: docx, pdf, xlsx (stacked on one sheet or one per sheet),
and the web-page text shapes (cells: one cell per line, pipe: `| a | b |` rows, flat: one line,
nosep: one line with the cells run together).

A form's values (amounts in the form's own unit, `unit` "万元" or "元"):
  family: anhui | xianjie | sichuan | yunnan2080 | transfer | department
  year, project_code (optional), project_name, supervising_department, department,
  department_code (optional, printed as `219-` before the unit), unit,
  initial_budget, budget, spent, rate_text ("100%", "100.00%", "0.87"), execution_weight,
  execution_score, goal, goal_done, indicators: list of dicts (level1, level2, level3, target,
  actual, weight, score, reason; sichuan adds nature and measure), group_weights {level1: points},
  self_score, grade, conclusion, problems, title_prefix (a publishing line above the title).
Web-text options (first form of a page): text_variant ("bar" for cells, "rows" for flat) and
page_chrome ({"seed", "style", "inline", "file_name_line"}: the page's site chrome).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from dashboard.ingest.document import Document, Paragraph, Table

FAMILIES = ("anhui", "xianjie", "sichuan", "yunnan2080", "transfer", "department")
TEXT_SHAPES = ("cells", "pipe", "flat", "cells_bar", "rows", "nosep")
SHAPES = ("docx", "pdf", "xlsx", "xlsx_sheets") + TEXT_SHAPES

_TITLES = {
    "anhui": "项目支出绩效自评表",
    "xianjie": "绩效目标自评表",
    "sichuan": "部门预算项目支出绩效自评表",
    "yunnan2080": "项目支出绩效自评表",
    "transfer": "转移支付项目绩效自评表",
    "department": "部门整体支出绩效自评表",
}


def _num(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}"


def _amount(v: dict, name: str) -> str:
    """An amount as the form prints it; `thousands` forms write 2,350,000.00."""
    value = v.get(name)
    if value is None:
        return ""
    if v.get("thousands"):
        return f"{value:,.2f}"
    return _num(value)


def _pad(rows: list[list[str]], width: int) -> list[list[str]]:
    return [(r + [""] * width)[:width] for r in rows]


def _level1_cell(v: dict, ind: dict) -> str:
    weight = (v.get("group_weights") or {}).get(ind["level1"])
    return f"{ind['level1']}({weight:g}分)" if weight is not None else ind["level1"]


def _indicator_cells(v: dict, header: list[str], roles: list[str]) -> list[list[str]]:
    rows = [header]
    last1 = last2 = None
    for ind in v["indicators"]:
        if ind.get("placeholder"):
            rows.append(["", "", ind["placeholder"]] + [""] * (len(roles) - 3))
            continue
        cells = []
        for role in roles:
            if role == "level1":
                cells.append(_level1_cell(v, ind) if ind["level1"] != last1 else "")
            elif role == "level2":
                cells.append(ind["level2"] if (ind["level1"], ind["level2"]) != last2 else "")
            else:
                cells.append(_num(ind.get(role)))
        last1, last2 = ind["level1"], (ind["level1"], ind["level2"])
        rows.append(cells)
    return rows


def _unit_label(v: dict) -> str:
    return f"({v.get('unit') or '万元'})"


def _name_cell(v: dict) -> str:
    code = v.get("project_code")
    return f"{code}-{v['project_name']}" if code else v["project_name"]


def _dept_cell(v: dict) -> str:
    code = v.get("department_code")
    return f"{code}-{v['department']}" if code else v["department"]


def render_form(v: dict) -> tuple[str, list[list[str]]]:
    """(title line, grid rows) of one form in its family's layout."""
    family = v["family"]
    title = f"{_TITLES[family]}({v['year']}年度)" if v.get("year") else _TITLES[family]
    render = {
        "anhui": _render_anhui, "xianjie": _render_xianjie, "sichuan": _render_sichuan,
        "yunnan2080": _render_yunnan2080, "transfer": _render_transfer, "department": _render_department,
    }[family]
    return title, render(v)


def _tail(v: dict, total: list[str]) -> list[list[str]]:
    rows = [total]
    if v.get("conclusion") is not None:
        rows.append(["评价结论", v["conclusion"]])
    if v.get("problems") is not None:
        rows.append(["存在问题", v["problems"]])
    return rows


def _render_anhui(v: dict) -> list[list[str]]:
    w = 8
    rows = [
        ["项目名称", _name_cell(v)],
        ["主管部门", v["supervising_department"], "", "", "实施单位", _dept_cell(v)],
        [f"项目资金{_unit_label(v)}", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", _amount(v, "initial_budget"), _amount(v, "budget"), _amount(v, "spent"),
         _num(v.get("execution_weight")), v.get("rate_text") or "", _num(v.get("execution_score"))],
        ["", "其中：当年财政拨款", _amount(v, "initial_budget"), _amount(v, "budget"), _amount(v, "spent"), "—",
         v.get("rate_text") or "", "—"],
        ["", "上年结转资金", "", "", "", "—", "", "—"],
        ["", "其他资金", "", "", "", "—", "", "—"],
        ["年度总体目标", "预期目标", "", "", "实际完成情况"],
        ["", v.get("goal", ""), "", "", v.get("goal_done", "")],
    ]
    rows += _indicator_cells(
        v, ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["level1", "level2", "level3", "target", "actual", "weight", "score", "reason"])
    rows += _tail(v, ["总分", "", "", "", "", "100", _num(v.get("self_score")), v.get("grade") or ""])
    return _pad(rows, w)


def _render_xianjie(v: dict) -> list[list[str]]:
    w = 8
    rows = [
        ["项目名称", _name_cell(v)],
        ["主管部门", v["supervising_department"], "", "", "资金使用单位", _dept_cell(v)],
        [f"资金情况{_unit_label(v)}", "", "", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"],
        ["", "年度资金总额", "", _amount(v, "budget"), _amount(v, "spent"), _num(v.get("execution_weight")),
         v.get("rate_text") or "", _num(v.get("execution_score"))],
        ["", "其中：本年财政拨款", "", _amount(v, "budget"), _amount(v, "spent"), "—", v.get("rate_text") or "", "—"],
        ["", "其他资金", "", "", "", "—", "", "—"],
        ["年度总体目标", "年初设定目标", "", "", "年度总体目标完成情况综述"],
        ["", v.get("goal", ""), "", "", v.get("goal_done", "")],
    ]
    rows += _indicator_cells(
        v, ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分", "未完成原因及拟采取的改进措施"],
        ["level1", "level2", "level3", "weight", "target", "actual", "score", "reason"])
    rows += _tail(v, ["总分", "", "", "100", "", "", _num(v.get("self_score")), v.get("grade") or ""])
    return _pad(rows, w)


def _render_sichuan(v: dict) -> list[list[str]]:
    w = 10
    rows = [
        ["报表编号", v.get("report_code", "510000_0013zp")],
        ["项目名称", _name_cell(v)],
        ["主管部门", v["supervising_department"], "", "", "", "实施单位", _dept_cell(v)],
        [f"预算执行情况({_num(v.get('execution_weight'))}分)", "", "年初预算", "调整后预算数", "预算执行数",
         "预算执行率", "权重", "得分", "原因"],
        ["", "总额", _amount(v, "initial_budget"), _amount(v, "budget"), _amount(v, "spent"),
         v.get("rate_text") or "", _num(v.get("execution_weight")), _num(v.get("execution_score")), ""],
        ["", "财政资金", _amount(v, "initial_budget"), _amount(v, "budget"), _amount(v, "spent"),
         v.get("rate_text") or "", "", "", ""],
        ["", "财政专户管理资金", "", "", "", "", "", "", ""],
        ["", "单位资金", "", "", "", "", "", "", ""],
        ["", "其他资金", "", "", "", "", "", "", ""],
        ["年度目标完成情况", "预期目标", "", "", "", "实际完成目标"],
        ["", v.get("goal", ""), "", "", "", v.get("goal_done", "")],
        [f"绩效指标({100 - (v.get('execution_weight') or 10):g}分)"],
    ]
    rows += _indicator_cells(
        v, ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", "未完成原因分析"],
        ["level1", "level2", "level3", "nature", "target", "measure", "actual", "weight", "score", "reason"])
    rows += _tail(v, ["合计", "", "", "", "", "", "", "100", _num(v.get("self_score")), ""])
    return _pad(rows, w)


def _render_yunnan2080(v: dict) -> list[list[str]]:
    w = 7
    ew = _num(v.get("execution_weight"))
    rows = [
        ["项目名称", _name_cell(v)],
        ["主管部门", v["supervising_department"], "", "项目实施单位", _dept_cell(v)],
        [f"预算执行情况{_unit_label(v)}({ew}分)", "", "预算数(A)", "执行数(B)", "执行率(B/A)", f"得分({ew}分*执行率)"],
        ["", "", _amount(v, "budget"), _amount(v, "spent"), v.get("rate_text") or "", _num(v.get("execution_score"))],
        [f"年度绩效目标({100 - float(ew or 20):g}分)"],
    ]
    rows += _indicator_cells(
        v, ["一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分", "偏差原因"],
        ["level1", "level2", "level3", "target", "actual", "score", "reason"])
    rows += _tail(v, ["总分", "", "", "", "", _num(v.get("self_score")), v.get("grade") or ""])
    return _pad(rows, w)


def _render_transfer(v: dict) -> list[list[str]]:
    w = 7
    rows = [
        ["转移支付(项目)名称", _name_cell(v)],
        ["中央主管部门", v.get("central_department", ""), "", "地方主管部门", v["supervising_department"]],
        ["资金使用单位", _dept_cell(v)],
        [f"资金投入情况{_unit_label(v)}", "", "全年预算数(A)", "全年执行数(B)", "预算执行率(B/A)"],
        ["", "年度资金总额", _amount(v, "budget"), _amount(v, "spent"), v.get("rate_text") or ""],
        ["资金管理情况", "分配科学性", "情况说明", v.get("allocation_note", "按因素法分配"), "存在问题", "无"],
        ["", "下达及时性", "情况说明", "按规定时限下达", "存在问题", "无"],
        ["年度总体目标", v.get("goal", ""), "", "", v.get("goal_done", "")],
    ]
    rows += _indicator_cells(
        v, ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "权重", "得分"],
        ["level1", "level2", "level3", "target", "actual", "weight", "score"])
    rows += _tail(v, ["合计", "", "", "", "", "100%", _num(v.get("self_score"))])
    return _pad(rows, w)


def _render_department(v: dict) -> list[list[str]]:
    w = 8
    rows = [
        ["一级预算单位名称", _dept_cell(v), "", "", "主管部门", v.get("supervising_department") or ""],
        ["自评总分(分)", _num(v.get("self_score")), "", "", "自评等级", v.get("grade") or ""],
        [f"部门预算资金{_unit_label(v)}", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", _amount(v, "initial_budget"), _amount(v, "budget"), _amount(v, "spent"),
         _num(v.get("execution_weight")), v.get("rate_text") or "", _num(v.get("execution_score"))],
        ["", "按收入性质分", "", "", "", "按支出性质分"],
        ["", "一般公共预算", _amount(v, "budget"), "", "", "基本支出", _num(v.get("basic_spent"))],
        ["", "其他资金", "", "", "", "项目支出", _num(v.get("project_spent"))],
        ["年度总体目标", "预期目标", "", "", "实际完成情况"],
        ["", v.get("goal", ""), "", "", v.get("goal_done", "")],
    ]
    rows += _indicator_cells(
        v, ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["level1", "level2", "level3", "target", "actual", "weight", "score", "reason"])
    rows += _tail(v, ["总分", "", "", "", "", "100", _num(v.get("self_score")), v.get("grade") or ""])
    return _pad(rows, w)


def forms_document(forms: list[dict], source: str = "forms") -> Document:
    """Title paragraphs and one Table per form, as a Word or PDF reader would give them."""
    doc = Document(source=source, format="docx")
    for v in forms:
        title, rows = render_form(v)
        if v.get("title_prefix"):
            doc.blocks.append(Paragraph(v["title_prefix"]))
        doc.blocks.append(Paragraph(title))
        doc.blocks.append(Table(rows=rows, origin=title))
    return doc


# --- text shapes ---------------------------------------------------------------------------------

def _text_lines(forms: list[dict], shape: str) -> list[str]:
    """The page's lines; `text_variant` on the first form picks a variant of its shape ("bar": cells
    ending ' |' with '|' for an empty cell; "rows": flat with one line per row), `page_chrome` wraps
    the page in an invented site's chrome (see dashboard.corpus.gen_noise.page_chrome)."""
    lines: list[str] = []
    variant = forms[0].get("text_variant") if forms else None
    if shape == "cells" and variant == "bar":
        shape = "cells_bar"
    elif shape == "flat" and variant == "rows":
        shape = "rows"
    for v in forms:
        title, rows = render_form(v)
        if v.get("title_prefix"):
            lines.append(v["title_prefix"])
        lines.append(title)
        if shape == "cells":
            lines += [c for r in rows for c in r if c.strip()]
        elif shape == "pipe":
            lines += ["| " + " | ".join(r) + " |" for r in rows]
        elif shape == "flat":
            lines.append(" ".join(c for r in rows for c in r if c.strip()))
        elif shape == "nosep":
            lines[-1] += run_together([c for r in rows for c in r if c.strip() and c.strip() != "—"])
        elif shape == "cells_bar":  # a web table saved as text: one cell per line ending ' |', empty cells '|'
            lines += [f"{c} |" if c.strip() else "|" for r in rows for c in r]
        elif shape == "rows":  # each row's filled cells joined by spaces
            lines += [" ".join(c.replace("\n", "") for c in r if c.strip()) for r in rows if any(c.strip() for c in r)]
        lines.append("")
    if forms and forms[0].get("page_chrome"):
        lines = _with_chrome(lines, forms[0], shape)
    return lines


def _with_chrome(lines: list[str], v: dict, shape: str) -> list[str]:
    import random

    from dashboard.corpus.gen_noise import inline_chrome, page_chrome, page_marks

    page = v["page_chrome"]
    rng = random.Random(page["seed"])
    year = v.get("year") or 2023
    if shape in ("flat", "nosep") and page.get("inline"):
        return [inline_chrome(rng, publisher=v["department"], year=year) + lines[0]] + lines[1:]
    before, after = page_chrome(rng, title=render_form(v)[0], publisher=v["department"], year=year,
                                style=page.get("style"), file_name_line=page.get("file_name_line", False))
    if shape == "pipe":  # a long table printed over pages: page numbers between its rows
        lines = page_marks(lines, rng, between_rows=True)
    return before + lines + after


_NUMERIC_END = re.compile(r"[\d%.．]$")
_NUMERIC_START = re.compile(r"^[\d.．]")


def run_together(cells: list[str]) -> str:
    """Cells with no separator at all, as some web pages print a table (项目名称XX主管部门YY…);
    only where two numbers meet is a space kept (`年度资金总额48 52.5 47.25 10 90.00% 9`): a page
    that drops that boundary too (`363610100.00%10`) cannot be read back by anyone."""
    out = ""
    for cell in cells:
        cell = cell.replace("\n", "")
        if out and _NUMERIC_END.search(out) and _NUMERIC_START.match(cell):
            out += " "
        out += cell
    return out


def write_forms(forms: list[dict], shape: str, path: str | Path) -> Path:
    """Write the forms to one file in the given shape (see SHAPES)."""
    path = Path(path)
    if shape in TEXT_SHAPES:
        path.write_text("\n".join(_text_lines(forms, shape)) + "\n", encoding="utf-8")
    elif shape == "docx":
        _write_docx(forms, path)
    elif shape == "pdf":
        _write_pdf(forms, path)
    elif shape in ("xlsx", "xlsx_sheets"):
        _write_xlsx(forms, path, one_sheet=(shape == "xlsx"))
    else:
        raise ValueError(f"unknown shape {shape}")
    return path


def _write_docx(forms: list[dict], path: Path) -> None:
    # The shared writers make real Word tables with merged cells and stable bytes.
    from dashboard.corpus.writers import write_docx

    write_docx(forms_document(forms, source=str(path)), path)


def _write_pdf(forms: list[dict], path: Path) -> None:
    from dashboard.corpus.writers import write_pdf

    write_pdf(forms_document(forms, source=str(path)), path)


def _write_xlsx(forms: list[dict], path: Path, one_sheet: bool) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    book.set_properties({"created": dt.datetime(2024, 1, 1)})
    formats: dict[int, object] = {}

    def percent(decimals: int):
        # A percent cell shows the decimals the form wrote (0.5% stays 0.5%, 90.50% stays 90.50%).
        if decimals not in formats:
            formats[decimals] = book.add_format({"num_format": "0" + ("." + "0" * decimals if decimals else "") + "%"})
        return formats[decimals]
    sheet = book.add_worksheet("自评表") if one_sheet else None
    r0 = 0
    for k, v in enumerate(forms):
        if not one_sheet:
            sheet = book.add_worksheet(f"项目{k + 1}")
            r0 = 0
        title, rows = render_form(v)
        width = max(len(r) for r in rows)
        sheet.merge_range(r0, 0, r0, width - 1, title)
        for i, row in enumerate(rows, start=r0 + 1):
            for j, text in enumerate(row):
                _write_xlsx_cell(sheet, i, j, text, percent)
            # The header's name cell spans the row, as on printed forms.
            if row[0] in ("项目名称", "转移支付(项目)名称") and width > 2:
                sheet.merge_range(i, 1, i, width - 1, row[1])
        r0 += len(rows) + 3
    book.close()


def _write_xlsx_cell(sheet, i: int, j: int, text: str, percent) -> None:
    if not text:
        return
    if re.fullmatch(r"\d+(\.\d+)?", text) and not (len(text) > 1 and text.startswith("0") and "." not in text):
        sheet.write_number(i, j, float(text))
    elif m := re.fullmatch(r"(\d+(?:\.(\d+))?)%", text):
        sheet.write_number(i, j, float(m.group(1)) / 100, percent(len(m.group(2) or "")))
    else:
        sheet.write_string(i, j, text)


# --- what a careful reader extracts from a rendered form (ground truth for tests and the corpus) ---

def _rate_percent(text: str | None) -> float | None:
    if not text:
        return None
    value = float(text.rstrip("%"))
    return round(value * 100, 6) if not text.endswith("%") and value <= 1.5 else value


def expected_record(v: dict) -> dict:
    """The contract values `extract --json` must give for this form (amounts in 万元)."""
    family = v["family"]
    factor = 1 / 10000 if v.get("unit") == "元" else 1

    def wan(x):
        return None if x is None else round(x * factor, 6)

    has_initial = family in ("anhui", "sichuan", "department")
    has_points = family != "transfer"
    budget, spent = wan(v.get("budget")), wan(v.get("spent"))
    # Families without a grade cell (sichuan, transfer) state it in 评价结论, if anywhere.
    grade = v.get("grade")
    indicators = []
    for ind in v["indicators"]:
        if ind.get("placeholder"):
            continue
        target, actual = ind.get("target"), ind.get("actual")
        if family == "sichuan":
            measure = ind.get("measure") or ""
            target = (ind.get("nature") or "") + _num(target) + measure
            actual = _num(actual) + measure
        weight = None if family == "yunnan2080" else ind.get("weight")
        if isinstance(weight, str):  # transfer forms write weights as percents of 100 points
            weight = float(weight.rstrip("%"))
        score = ind.get("score")
        indicators.append({
            "level1": ind["level1"], "level2": ind["level2"], "level3": ind["level3"],
            "weight": weight, "score": score,
            "deduction": round(weight - score, 4) if weight is not None and score is not None else None,
            "reason": ind.get("reason") or None if family != "transfer" else None,
            "rule": None, "target": _num(target) or None, "actual": _num(actual) or None,
        })
    return {
        "project_name": None if family == "department" else v["project_name"],
        "department": v["department"],
        "supervising_department": v.get("supervising_department") or None,
        "kind": "department_self" if family == "department" else "project_self",
        "year": v.get("year"),
        "initial_budget_wan": wan(v.get("initial_budget")) if has_initial else None,
        "budget_wan": budget,
        "spent_wan": spent,
        "stated_execution_rate": _rate_percent(v.get("rate_text")),
        "execution_rate": round(spent / budget * 100, 2) if budget and spent is not None else None,
        "self_score": v.get("self_score"),
        "grade": grade,
        "execution_weight": v.get("execution_weight") if has_points else None,
        "execution_score": v.get("execution_score") if has_points else None,
        "indicators": indicators,
        "problems": list(v.get("problem_items") or []),
    }
