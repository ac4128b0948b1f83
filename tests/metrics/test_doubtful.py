"""待核实: on a warehouse built by the real loader from the reference reports plus two planted copies
(one with its amounts in 元 written as 万元, one spending ten times its budget), the planted values are
listed with the report's words, headline totals leave them out by default (and say how many), the
sidebar's toggle brings them in, and a correction settles them."""
from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.ingest.load import add_correction
from dashboard.metrics import doubtful
from dashboard.ui import data, data_inflation  # noqa: F401 - registers the 数据管理 accessors
from dashboard.ui.filters import Filters
from tests.conftest import _build

SEEDS = sorted((Path(__file__).parents[1] / "fixtures" / "seeds").glob("*.txt"))
FINANCE = next(p for p in SEEDS if p.name.startswith("001_"))  # budget 50 万元, spent 47.76 万元
EVERY = Filters(kinds=())


def _planted(folder: Path) -> list[Path]:
    text = FINANCE.read_text(encoding="utf-8")
    yuan = folder / "finance_in_yuan.txt"
    yuan.write_text(text.replace("平台经费项目资金50万元，支出了47.76万元", "平台经费项目资金500000万元，支出了477600万元")
                    .replace("预算为50万元", "预算为500000万元").replace("经费47.76万元", "经费477600万元")
                    .replace("经费50万元", "经费500000万元").replace("财政局", "财政局信息中心", 1), encoding="utf-8")
    tenfold = folder / "finance_tenfold.txt"
    tenfold.write_text(text.replace("支出了47.76万元", "支出了500万元").replace("经费47.76万元", "经费500万元")
                       .replace("财政局", "财政局票据中心", 1), encoding="utf-8")
    return [yuan, tenfold]


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory):
    root = tmp_path_factory.mktemp("doubtful")
    for folder in ("in", "plain", "planted"):
        (root / folder).mkdir()
    return _build(root / "plain", SEEDS), _build(root / "planted", [*SEEDS, *_planted(root / "in")])


def _head(db, filters=EVERY):
    return data._BY_NAME["headline_figures"](filters, db)


def test_every_planted_value_is_listed_with_its_quote(warehouses):
    _plain, db = warehouses
    listed = data._BY_NAME["doubtful_values"](EVERY, db)
    by_field = {(r["field"], r["value"]): r for r in listed.iter_rows(named=True)}
    assert by_field[("budget_wan", 500000)]["suggested"] == 50
    assert by_field[("spent_wan", 477600)]["suggested"] == 47.76
    assert "500000" in by_field[("budget_wan", 500000)]["quote"]
    assert "477600" in by_field[("spent_wan", 477600)]["quote"]
    assert by_field[("execution_rate", 1000)]["reason"].startswith("执行率 1000.00%")
    assert "500" in by_field[("spent_wan", 500)]["quote"]
    assert listed.height == 4, listed.select("field", "value").rows()


def test_headline_leaves_doubtful_amounts_out_and_says_how_many(warehouses):
    plain, db = warehouses
    clean, planted = _head(plain), _head(db)
    for figure in ("budget_wan", "spent_wan", "execution_rate_weighted", "n_with_amounts"):
        assert planted[figure] == pytest.approx(clean[figure]), figure
    assert planted["n_doubtful_left_out"] == 2 and clean["n_doubtful_left_out"] == 0
    assert planted["n_evaluations"] == clean["n_evaluations"] + 2, "the reports still count as reports"
    lowest = data._BY_NAME["lowest_executors"](EVERY, db)
    assert lowest["execution_rate"].max() < 150, "rankings leave the 1000% rate out"
    with_doubtful = _head(db, Filters(kinds=(), include_doubtful=True))
    assert with_doubtful["budget_wan"] == pytest.approx(clean["budget_wan"] + 500000 + 50)
    assert with_doubtful["n_doubtful_left_out"] == 0


def test_a_correction_settles_a_doubtful_value(warehouses, tmp_path):
    import shutil

    _plain, planted_db = warehouses
    db = tmp_path / "warehouse.duckdb"
    for path in planted_db.parent.iterdir():  # a private copy: the module's warehouse stays as built
        (shutil.copytree if path.is_dir() else shutil.copy2)(path, tmp_path / path.name)
    listed = data._BY_NAME["doubtful_values"](EVERY, db)
    row = next(r for r in listed.iter_rows(named=True) if r["field"] == "budget_wan")
    add_correction(db, row["content_hash"], row["record_index"], "budget_wan", str(row["suggested"]), "核实人甲")
    after = data._BY_NAME["doubtful_values"](EVERY, db)
    assert ("budget_wan", 500000) not in set(after.select("field", "value").rows())


def test_rules_are_data_and_a_broken_file_is_named(tmp_path, monkeypatch):
    assert doubtful.rules()["rate_max"] == 150
    bad = tmp_path / "sanity.toml"
    bad.write_text("[amounts]\nproject_amount_max_wan = 'many'\n", encoding="utf-8")
    monkeypatch.setenv("PERF_SANITY_PATH", str(bad))
    with pytest.raises(doubtful.SanityError, match="sanity.toml"):
        doubtful.rules()
