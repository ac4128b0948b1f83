"""The metric dictionary (data/metrics.toml): every figure a page shows is defined there, every
definition is computed by the headline query, the filter only narrows a population, and a broken
file is refused with its name and the entry."""
from __future__ import annotations

import re

import pytest

from dashboard import settings
from dashboard.metrics import dictionary
from dashboard.ui import data
from dashboard.ui.filters import Filters

PAGES_DIR = settings.ROOT / "pages"


def test_every_figure_a_page_shows_is_in_the_dictionary():
    shown = {m for page in PAGES_DIR.glob("*.py")
             for m in re.findall(r'figures\.show\([^,]+,\s*"([a-z_0-9]+)"', page.read_text(encoding="utf-8"))}
    assert len(shown) >= 12
    assert shown <= set(dictionary.dictionary().metrics), shown - set(dictionary.dictionary().metrics)


def test_the_headline_query_computes_every_headline_metric(seed_warehouse):
    head = data._BY_NAME["headline_figures"](Filters(), seed_warehouse)
    missing = {k for k in dictionary.dictionary().metrics if k not in head and k != "points_lost_total"}
    assert not missing


def test_the_filter_narrows_a_population_and_never_widens_it():
    assert dictionary.kinds_for("projects", ()) == ["project_self"]
    assert dictionary.kinds_for("projects", ("department_self", "external")) == []
    assert dictionary.kinds_for("self", ("project_self", "external")) == ["project_self"]
    assert dictionary.kinds_for("all", ("external",)) == ["external"]


def test_every_metric_has_a_chinese_label_help_and_population():
    for metric in dictionary.dictionary().metrics.values():
        assert re.search(r"[\u4e00-\u9fff]", metric.label) and metric.help and metric.numerator
        assert metric.population.label in metric.tooltip()


@pytest.mark.parametrize("text, reason", [
    ('[[metric]]\nkey = "x"\nlabel = "x"\npopulation = "nowhere"\n', "nowhere"),
    ('[populations.all]\nlabel = "全部"\nkinds = ["project_self"]\n[[metric]]\nkey = "x"\nlabel = "x"\n'
     'population = "all"\nbasis = "yearly"\n', "yearly"),
])
def test_a_broken_dictionary_names_the_file_and_the_entry(tmp_path, monkeypatch, text, reason):
    path = tmp_path / "metrics.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PERF_METRICS_PATH", str(path))
    with pytest.raises(dictionary.DictionaryError) as caught:
        dictionary.dictionary()
    assert str(path) in str(caught.value) and reason in str(caught.value)
