"""Results tables: one table listing many evaluated projects, one record per project row.

All tables here are invented; the layouts are those of published county pages (pipe rows, one cell
per line with lost empty cells, trailing ' |' cells, total rows, amounts in 元).
"""
from __future__ import annotations

from pathlib import Path

from dashboard.ingest.extract import extract_file
from dashboard.ingest.extract.chrome import without_chrome
from dashboard.ingest.extract.results_table import COLUMN_LABELS, column_role, looks_like_results_table
from dashboard.ingest.readers import read_document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _write(tmp_path: Path, text: str, name: str = "table.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


PIPE = """\
根据有关文件要求，现将评价情况公示如下：
青松县交通运输局2023年度项目资金绩效评价情况表
序号 | 主管部门 | 项目单位 | 项目名称 | 发行金额(亿元) | 评价得分 | 评价结果 | 备注 |
1 | 青松县交通运输局 | 青松县公路养护中心 | 乡道安保工程 | 0.8 | 88 | 良好 | 项目单位自评 |
2 | 青松县交通运输局 | 白桦建设有限公司 | 客运站改建工程 | 1.1 | 93.5 | 优秀 | 主管部门委托第三方评价 |
总计 | | | | 1.9 | | | |
"""


def test_pipe_table_gives_one_record_per_row_without_the_total(tmp_path):
    records = extract_file(_write(tmp_path, PIPE))
    assert [r.project_name for r in records] == ["乡道安保工程", "客运站改建工程"]
    first, second = records
    assert first.department == "青松县公路养护中心"
    assert first.supervising_department == "青松县交通运输局"
    assert first.region == "青松县"
    assert second.region == "青松县"  # from the 主管部门 when the unit names no place
    assert (first.self_score, first.grade, first.kind, first.year) == (88, "良", "project_self", 2023)
    assert (second.self_score, second.grade, second.kind) == (93.5, "优", "external")
    # A bond's issue amount is not a budget.
    assert first.budget_wan is None and second.budget_wan is None
    assert first.text.split("\t")[:4] == ["1", "青松县交通运输局", "青松县公路养护中心", "乡道安保工程"]
    assert first.facts["source_row"] == 1 and second.facts["source_row"] == 2
    assert any(w.startswith("来自评价结果汇总表第2行") and "无指标表" in w for w in second.warnings)
    assert first.indicators == []


CELLS = """\
青松县白桦镇人民政府2021年度项目资金绩效评价情况表

序号

主管部门

项目单位

项目名称

资金规模(万元)

评价得分

评价结果

备注

1

青松县白桦镇人民政府

青松县白桦镇农业服务中心

白桦镇灌溉渠修缮项目

120.5

91

项目单位自评

2

青松县白桦镇人民政府

青松县白桦镇文化站

白桦镇文化广场 提升工程

86

82

良

重点评价
"""


def test_cell_per_line_table_places_cells_past_a_missing_grade(tmp_path):
    records = extract_file(_write(tmp_path, CELLS))
    assert [r.project_name for r in records] == ["白桦镇灌溉渠修缮项目", "白桦镇文化广场提升工程"]
    first, second = records
    # Row 1 has no grade cell: its 备注 must not be read as a grade, and its score stays.
    assert (first.self_score, first.grade, first.kind) == (91, None, "project_self")
    assert (second.self_score, second.grade, second.kind) == (82, "良", "external")
    assert (first.budget_wan, second.budget_wan) == (120.5, 86)
    assert first.department == "青松县白桦镇农业服务中心"
    assert first.region == "青松县" and first.year == 2021


TRAILING_BARS = """\
今年我局委托第三方机构对下列项目开展了重点绩效评价，结果如下：
序号 |
评价政策或项目资金名称 |
主管部门 (业主单位) |
代建 (实施)单位 |
资金规模(元) |
评分情况 |
评级情况 |
1 |
红枫区2022年度 社区养老补助资金 |
区民政局 |
红枫区养老服务中心 |
2500000 |
78 |
中 |
2 |
红枫区背街小巷整治项目 |
区城管局 |
区城管局 |
380000 |
65 |
不合格 |
"""


def test_trailing_bar_cells_yuan_amounts_and_a_table_said_to_be_third_party(tmp_path):
    records = extract_file(_write(tmp_path, TRAILING_BARS))
    assert [r.project_name for r in records] == ["红枫区2022年度社区养老补助资金", "红枫区背街小巷整治项目"]
    first, second = records
    assert (first.budget_wan, second.budget_wan) == (250, 38)
    assert (first.grade, second.grade) == ("中", "差")
    assert first.kind == second.kind == "external"
    assert first.department == "红枫区养老服务中心" and first.supervising_department == "区民政局"
    assert first.region == "红枫区" and second.region is None  # a bare 区X局 names no place


GRADE_ONLY = """\
青松县2022年度部门整体支出绩效评价结果
项目名称 | 实施单位 | 评价等级
青松县农机购置补贴 | 青松县农业农村局 | 优秀
青松县乡村道路养护 | 青松县交通运输局 | 合格
合计 | | 
"""


def test_grade_only_table(tmp_path):
    records = extract_file(_write(tmp_path, GRADE_ONLY))
    assert [(r.project_name, r.grade, r.self_score) for r in records] == [
        ("青松县农机购置补贴", "优", None), ("青松县乡村道路养护", "中", None)]
    assert all(r.year == 2022 and r.region == "青松县" and r.supervising_department is None for r in records)


NO_UNIT_COLUMNS = """\
2024年新增地方政府专项债券项目绩效评价情况
信息来源:区水务局
我单位对新增专项债券项目开展了绩效自评，结果如下：
2024年新增地方政府专项债券项目绩效评价表

项目名称

债券性质

债券规模

自评分数

自评等级

青松区南岸排涝泵站工程

其他项目收益专项债券

0.6

94

青松区北渠清淤工程

其他项目收益专项债券

0.25

89

总计

0.85
"""


def test_a_table_without_unit_columns_belongs_to_the_publishing_unit(tmp_path):
    records = extract_file(_write(tmp_path, NO_UNIT_COLUMNS))
    assert [r.project_name for r in records] == ["青松区南岸排涝泵站工程", "青松区北渠清淤工程"]
    assert [r.self_score for r in records] == [94, 89]
    assert all(r.department == "区水务局" and r.region is None and r.year == 2024 for r in records)
    assert all(r.grade is None and r.budget_wan is None and r.kind == "project_self" for r in records)


def test_column_vocabulary_is_one_table_of_roles():
    assert {"project_name", "supervising_department", "department", "score", "grade", "budget"} <= set(COLUMN_LABELS)
    assert column_role("代建 (实施)单位") == "department"
    assert column_role("主管部门（业主单位）") == "supervising_department"
    assert column_role("截至2023年底已发债券规模") == "bond"
    assert column_role("资金规模(万元)") == "budget"
    assert column_role("绩效目标") is None


def _doc(path: Path):
    return without_chrome(read_document(path))


def test_a_self_evaluation_form_is_not_a_results_table():
    path = FIXTURES / "forms" / "health_pipe.txt"
    assert not looks_like_results_table(_doc(path))
    assert not any("评价结果汇总表" in w for r in extract_file(path) for w in r.warnings)


def test_a_narrative_report_is_not_a_results_table():
    path = FIXTURES / "seeds" / "000_b602d48fbaccf327.txt"
    assert not looks_like_results_table(_doc(path))
    assert not any("评价结果汇总表" in w for r in extract_file(path) for w in r.warnings)


def test_a_results_table_row_is_not_flagged_for_lacking_its_own_score_table(tmp_path):
    from dashboard.ingest.extract import extract_file

    path = tmp_path / "results.txt"
    path.write_text("临溪县2023年度项目绩效自评结果汇总表\n"
                    "| 序号 | 主管部门 | 项目单位 | 项目名称 | 自评得分 | 自评等级 |\n"
                    "| 1 | 临溪县教育局 | 临溪县第二中学 | 校舍维修 | 96 | 优 |\n", encoding="utf-8")
    record = extract_file(path, use_manifest=False)[0]
    assert record.self_score == 96 and record.project_name == "校舍维修"
    assert "NO_SCORE_TABLE" not in {f.code for f in record.flags}
