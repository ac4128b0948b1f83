"""The dashboard on real, imperfect data: a warehouse built by the real loader from the layout twins of
real published reports (tests/fixtures/real_layouts) plus three planted copies of one twin's first form
(its amounts in 元 written under a 万元 header, a 1000% execution rate, and no project, unit or year).

No page shows None/nan, no headline includes a 待核实 value by default, every chart says what it
stands on, the 待核实 list holds every planted value with the report's words, and the nameless report
is its own group (单位不详, 年度不详) that the filters can select."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.ingest.load import ingest_paths
from dashboard.ui import data, data_inflation  # noqa: F401 - registers the 数据管理 accessors
from dashboard.ui.filters import UNKNOWN_UNIT, Filters
from dashboard.ui.navigation import PAGES
from tests.conftest import signed_in

pytestmark = pytest.mark.xdist_group("imperfect_data")

APP = settings.ROOT / "dashboard" / "app.py"
TWINS = Path(__file__).parents[1] / "fixtures" / "real_layouts"
BASE = TWINS / "a_02_form_pipe.txt"  # several 部门预算项目支出绩效自评表 forms as pipe rows
EVERY = Filters(kinds=())
MISSING = re.compile(r"(?<![A-Za-z])(None|nan|NaN|null|NaT)(?![A-Za-z])")


def _first_form() -> str:
    text = BASE.read_text(encoding="utf-8")
    return text[:text.index("部门预算项目支出绩效自评表", 10)]


def _with_money(text: str, budget: str, spent: str, rate: str) -> str:
    for row in ("总额", "其中:财政资金"):
        old = f"{row} | 0.00 | 18.60 | 18.60 | 100.00%"
        assert old in text, "the twin's funds rows changed: update the planting"
        text = text.replace(old, f"{row} | 0.00 | {budget} | {spent} | {rate}")
    return text


def _planted(folder: Path) -> list[Path]:
    form = _first_form()
    yuan = folder / "planted_yuan.txt"  # 18.6 万元 written as 186000 under the form's 万元 header
    yuan.write_text(_with_money(form, "186000.00", "186000.00", "100.00%")
                    .replace("司法所规范化建设补助项目", "司法所办公设备购置项目"), encoding="utf-8")
    rate = folder / "planted_rate.txt"  # spends ten times its budget
    rate.write_text(_with_money(form, "18.60", "186.00", "1000.00%")
                    .replace("司法所规范化建设补助项目", "司法所调解室改造项目"), encoding="utf-8")
    nameless = folder / "planted_nameless.txt"  # no project, unit or year anywhere
    text = (form.replace("51092324T000010190422-2023年全县司法所规范化建设补助项目", "")
            .replace("(2023年度)", "").replace("2023年对6个", "对6个"))
    nameless.write_text("\n".join(line for line in text.split("\n") if not line.startswith("主管部门")),
                        encoding="utf-8")
    return [yuan, rate, nameless]


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("imperfect")
    twins = sorted(TWINS.glob("*.txt"))
    plain, planted = root / "plain" / "warehouse.duckdb", root / "planted" / "warehouse.duckdb"
    (root / "in").mkdir()
    plain_summary = ingest_paths([str(p) for p in twins], db_path=plain, progress=False, echo=False)
    summary = ingest_paths([str(p) for p in [*twins, *_planted(root / "in")]], db_path=planted, progress=False,
                           echo=False)
    assert summary.loaded == plain_summary.loaded + 3, summary.lines()
    return plain, planted


def _head(db: Path, filters: Filters = EVERY) -> dict:
    return data._BY_NAME["headline_figures"](filters, db)


def test_the_list_holds_every_planted_value_with_its_quote(warehouses):
    _plain, db = warehouses
    listed = data._BY_NAME["doubtful_values"](EVERY, db)
    planted = listed.filter(listed["file_name"].str.contains("planted_"))
    by_field = {(r["field"], r["value"]): r for r in planted.iter_rows(named=True)}
    assert by_field[("budget_wan", 186000)]["suggested"] == pytest.approx(18.6)
    assert by_field[("spent_wan", 186000)]["suggested"] == pytest.approx(18.6)
    assert by_field[("execution_rate", 1000)]["reason"].startswith("执行率 1000.00%")
    assert ("spent_wan", 186) in by_field, "spending ten times the budget"
    for row in by_field.values():
        assert row["quote"] and re.sub(r"[,.]", "", str(int(row["value"]))) in row["quote"].replace(",", ""), row


def test_no_headline_includes_a_doubtful_value_by_default(warehouses):
    plain, db = warehouses
    for filters in (Filters(), EVERY):
        clean, planted = _head(plain, filters), _head(db, filters)
        # Of the three planted reports only the nameless one (18.6 万元 spent in full) counts.
        assert planted["budget_wan"] == pytest.approx(clean["budget_wan"] + 18.6)
        assert planted["spent_wan"] == pytest.approx(clean["spent_wan"] + 18.6)
        assert planted["n_doubtful_left_out"] == clean["n_doubtful_left_out"] + 2
        assert planted["n_with_amounts"] == clean["n_with_amounts"] + 1, "only the nameless report adds money"
    trend = data._BY_NAME["trend_by_year"](Filters(), db)
    assert trend["execution_rate_weighted"].max() < 150
    units = data._BY_NAME["unit_summary"](Filters(), db)
    assert units["execution_rate_weighted"].drop_nulls().max() < 150
    brought_in = _head(db, Filters(include_doubtful=True))
    assert brought_in["budget_wan"] == pytest.approx(_head(plain, Filters(include_doubtful=True))["budget_wan"]
                                                     + 186000 + 18.6 + 18.6)


def test_unknown_unit_and_year_are_groups_of_their_own(warehouses):
    _plain, db = warehouses
    options, _n = _options(db)
    assert UNKNOWN_UNIT in options.departments and options.has_unknown_year
    nameless = _head(db, Filters(departments=(UNKNOWN_UNIT,), kinds=()))
    unknown_year = _head(db, Filters(year_unknown=True, kinds=()))
    assert nameless["n_evaluations"] >= 1 and unknown_year["n_evaluations"] >= 1
    assert nameless["budget_wan"] == pytest.approx(18.6) or nameless["n_evaluations"] > 1
    trend = data._BY_NAME["trend_by_year"](EVERY, db)
    assert trend["n_evaluations"].sum() == _head(db)["n_evaluations"], "no report is merged away"
    assert trend.filter(trend["year"].is_null())["n_evaluations"].sum() == unknown_year["n_evaluations"]
    units = data._BY_NAME["unit_summary"](EVERY, db)
    assert units["n_evaluations"].sum() == _head(db)["n_evaluations"]


def _options(db: Path):
    from dashboard.warehouse import warehouse_version

    return data._options.__wrapped__(warehouse_version(db), str(db))


def _texts(at: AppTest) -> list[str]:
    out = []
    for kind in ("markdown", "caption", "text", "title", "header", "subheader", "info", "warning", "success"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [f"{m.label} {m.value}" for m in at.metric]
    for frame in (d.value for d in at.dataframe):
        out += [str(v) for column in frame.columns for v in frame[column].tolist()]
        out += [str(c) for c in frame.columns]
    return out


def test_every_page_shows_no_missing_words_and_says_what_each_chart_stands_on(warehouses, monkeypatch):
    _plain, db = warehouses
    monkeypatch.setenv("PERF_WAREHOUSE_PATH", str(db))
    for query in ({}, {"kind": "all"}):
        for spec in PAGES:
            at = signed_in(AppTest.from_file(str(APP), default_timeout=90))
            at.query_params.update(query)
            at.run()
            at.switch_page(os.path.relpath(spec.path, APP.parent)).run()
            assert not at.exception, (spec.title, [e.value for e in at.exception])
            shown = _texts(at)
            bad = [t for t in shown if MISSING.search(t)]
            assert not bad, (spec.title, bad[:5])
            charts = at.get("plotly_chart")
            coverage = [c.value for c in at.caption if str(c.value).startswith("基于 ")]
            if spec.title != "项目档案":  # one project's own years: its chart is that report's history
                assert len(coverage) >= len(charts), (spec.title, len(charts), coverage)
