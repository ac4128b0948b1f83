"""Narrative report layouts seen in real published reports, in invented sentences.

Each case is a few paragraphs; the extracted field must equal the value a careful reader takes.
"""
from __future__ import annotations

import pytest

from dashboard.ingest.document import Document, Paragraph
from dashboard.ingest.extract import extract_document

BODY = "一、绩效目标分解下达情况"


def _record(*lines: str):
    doc = Document(source="invented.txt", format="txt", blocks=[Paragraph(line) for line in lines])
    [record] = extract_document(doc)
    return record


@pytest.mark.parametrize("title, field, value", [
    ("(直达资金)远山县新建梧桐路工程项目2021年度绩效自评报告", "project_name", "远山县新建梧桐路工程项目"),
    ("远山县住房和城乡建设局 2022年度项目资金绩效自评报告", "department", "远山县住房和城乡建设局"),
    ("远山县住房和城乡建设局 2022年度项目资金绩效自评报告", "project_name", None),
    ("2023年度远山县梅岭街道乡村振兴项目资金绩效评价报告", "department", "远山县梅岭街道"),
    ("2023年度远山县梅岭街道乡村振兴项目资金绩效评价报告", "project_name", "乡村振兴项目资金"),
    ("附件3河西省远山县2022年中央林业改革发展专项转移支付绩效自评报告", "project_name", "中央林业改革发展专项转移支付"),
    ("远山市财政支出项目绩效自评报告(北湖园区配套管网工程)", "project_name", "北湖园区配套管网工程"),
    ("远山县水利局2022年衔接资金项目绩效自评报告", "project_name", "衔接资金项目"),
    ("远山县水利局2022年小型水库维修项目支出绩效自评报告.pdf", "project_name", "小型水库维修"),
    ("远 山 县 2019 年 度 梅岭街道 老旧小区改造项目 绩效自评报告", "year", 2019),
])
def test_title_forms(title, field, value):
    record = _record(title, BODY, "项目资金预算数20万元,实际支出20万元。")
    assert getattr(record, field) == value


def test_pinyin_glosses_and_traditional_text():
    record = _record("附件3", "項(xiàng)目支出績(jì)效自評(píng)報(bào)告",
                     "項(xiàng)目名稱(chēng):遠山縣東嶺水庫(kù)加固工程",
                     "本年度預(yù)算數(shù)300萬元,執(zhí)行數(shù)270萬元,預(yù)算執(zhí)行率90%。")
    assert record.project_name == "远山县东岭水库加固工程"
    assert record.budget_wan == 300 and record.spent_wan == 270


@pytest.mark.parametrize("lines, value", [
    (("远山县2022年小型水库维修项目绩效自评报告", "项目实施单位:远山县水利局 组织单位: 远山县财政局"), "远山县水利局"),
    (("部门整体支出绩效自评报告", "部门(单位)名称:  远山县城市管理中心"), "远山县城市管理中心"),
    (("按照要求,现将2022年远山县交通运输局整体支出绩效自评情况报告如下:",), "远山县交通运输局"),
    (("按照要求,现将2024年远山县梅岭镇茶园道路项目绩效目标自评报告如下:", BODY,
      "安排项目资金30万元。", "远山县梅岭镇人民政府", "2025年1月6日"), "远山县梅岭镇人民政府"),
])
def test_department_sources(lines, value):
    assert _record(*lines).department == value


def test_project_named_in_the_introduction():
    record = _record("按照要求,现将2024年远山县梅岭镇茶园道路项目绩效目标自评报告如下:", BODY, "安排项目资金30万元。")
    assert record.year == 2024
    assert record.project_name == "茶园道路项目"


def test_department_wide_report_has_no_project_name():
    record = _record("远山县审计局2022年度部门整体支出绩效自评报告", "全年预算数500万元,全年执行数480万元。")
    assert record.kind == "department_self"
    assert record.project_name is None
    assert record.department == "远山县审计局"
