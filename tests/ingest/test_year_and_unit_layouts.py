"""Layout slips the demo corpus found, checked on a hand-written form (tests/fixtures/forms/
handwritten_civil_affairs_flat.txt, values written by hand): a year line split at a space into two
lines after blank lines, a 汇总 file whose second form prints no year, and a unit printed with a space
after its county."""
from __future__ import annotations

from pathlib import Path

from dashboard.ingest.extract import extract_file
from dashboard.ingest.extract.narrative_title import _unit_value

FORM = Path(__file__).parents[1] / "fixtures" / "forms" / "handwritten_civil_affairs_flat.txt"
YEAR_LINE = "（２０２２年度）"


def test_a_year_line_split_at_its_space_after_blank_lines(tmp_path):
    text = FORM.read_text(encoding="utf-8")
    assert YEAR_LINE in text
    path = tmp_path / "split_year.txt"
    path.write_text(text.replace(YEAR_LINE, "\n\n（2022\n年度）\n"), encoding="utf-8")
    [record] = extract_file(path, use_manifest=False)
    assert record.year == 2022 and record.project_name == "城乡低保对象救助资金"


def test_a_form_without_a_year_takes_the_year_its_file_shares(tmp_path):
    text = FORM.read_text(encoding="utf-8")
    second = (text.replace("附件1：项目支出绩效自评表.doc\n", "").replace("项目支出绩效自评表\n" + YEAR_LINE,
                                                                     "年度项目支出绩效自评表")
              .replace("城乡低保对象救助资金", "临时救助资金"))
    assert YEAR_LINE not in second
    path = tmp_path / "summary.txt"
    path.write_text(text + "\n\n" + second, encoding="utf-8")
    first, other = extract_file(path, use_manifest=False)
    assert (first.project_name, first.year) == ("城乡低保对象救助资金", 2022)
    assert (other.project_name, other.year) == ("临时救助资金", 2022)
    assert any("未写明年度" in w for w in other.warnings) and not any("未写明年度" in w for w in first.warnings)


def test_a_unit_printed_with_a_space_after_its_county_is_one_name():
    assert _unit_value("富民县 自然资源局") == "富民县自然资源局"
    assert _unit_value("石川县交通运输局 组织单位") == "石川县交通运输局", "a next label on the line still ends it"
    assert _unit_value("县民政局") == "县民政局"
