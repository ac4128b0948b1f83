"""A narrative report with its 自评表 attached: figures from the form, problems from the narrative."""
from __future__ import annotations

from pathlib import Path

from dashboard.ingest.extract import extract_file

FORM = Path(__file__).resolve().parents[1] / "fixtures" / "forms" / "health_pipe.txt"
NARRATIVE = """富民县疾病预防控制中心2022年基本公共卫生服务项目支出绩效自评报告
一、基本情况
本项目为经常性项目。
二、存在的问题
1.项目资金支付进度滞后，年底集中支付。
2.绩效指标设置不够细化。
三、有关建议
加快支付进度。
附件：项目支出绩效自评表
"""


def test_the_narrative_problems_join_the_attached_form(tmp_path):
    form = "\n".join(line for line in FORM.read_text(encoding="utf-8").splitlines() if "存在问题" not in line)
    path = tmp_path / "report_with_form.txt"
    path.write_text(NARRATIVE + form, encoding="utf-8")
    [record] = extract_file(path)
    assert record.project_name == "基本公共卫生服务项目"
    assert record.self_score == 96
    assert record.problems == ["项目资金支付进度滞后，年底集中支付。", "绩效指标设置不够细化。"]
