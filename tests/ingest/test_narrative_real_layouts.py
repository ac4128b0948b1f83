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
    # Read on Simplified text, kept as printed (as the form reader keeps its values): one script per record.
    assert record.project_name == "遠山縣東嶺水庫加固工程"
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


# --- rules added from the layout twins e_01..e_08 and the multi-project twins (issue 13) ---------

def _records(*lines: str):
    doc = Document(source="invented.txt", format="txt", blocks=[Paragraph(line) for line in lines])
    return extract_document(doc)


def test_one_record_per_numbered_project_of_a_unit_report():
    records = _records(
        "2022年度项目支出绩效自评总报告",
        "一、本部门项目绩效目标情况(一)远山县文物保护中心2022年度共有2个项目1、石桥修缮项目:预算18.5万元,"
        "2022年全年实际支付18.5万元,使用率100%。具体内容为桥面修补。2、2022年文物巡查专项资金项目:预算6万元,"
        "2022年全年实际支付4.8万元,使用率80%。具体内容为巡查。")
    assert [r.project_name for r in records] == ["石桥修缮项目", "2022年文物巡查专项资金项目"]
    assert [(r.budget_wan, r.spent_wan, r.stated_execution_rate) for r in records] == [(18.5, 18.5, 100.0), (6.0, 4.8, 80.0)]
    assert {r.department for r in records} == {"远山县文物保护中心"}
    assert {r.year for r in records} == {2022}


def test_project_items_with_fund_document_numbers_and_masked_amounts():
    records = _records(
        "根据通知要求,远山旗青草苏木人民政府组织开展了本部门转移支付绩效自评,涉及2023年度项目2个:",
        "项目一:远财农〔2023〕88号青草嘎查集体经济项目,项目全年预算数*元,执行数*元,完成预算的100%。",
        "项目二:远财预〔2023〕12号2023年边民补助,项目全年预算数64.*元,执行数64.*元,完成预算的100%。")
    assert [r.project_name for r in records] == ["青草嘎查集体经济项目", "2023年边民补助"]
    assert all(r.stated_execution_rate == 100 and r.execution_rate is None and r.budget_wan is None for r in records)
    assert {r.department for r in records} == {"远山旗青草苏木人民政府"}


def test_a_numbered_list_that_is_not_projects_stays_one_record():
    records = _records("远山县水利局2022年小型水库维修项目绩效自评报告", BODY,
                       "1、完成水库维修3座。2、项目资金预算数20万元,实际支出20万元。")
    assert len(records) == 1 and records[0].project_name == "小型水库维修"


@pytest.mark.parametrize("lines, field, value", [
    # 万 without 元 closes an amount; 3.8万人 is not one.
    (("乡村振兴项目绩效自评报告", BODY, "20xx年安排资金8826.5万。受益3.8万人。资金支付8410.2万元,支付率95.28%。"),
     "budget_wan", 8826.5),
    (("乡村振兴项目绩效自评报告", BODY, "20xx年安排资金8826.5万。受益3.8万人。资金支付8410.2万元,支付率95.28%。"),
     "stated_execution_rate", 95.28),
    # A template's placeholders are not values.
    (("镇财政所涉农整合资金项目绩效自评报告", BODY, "镇 xxxx 年涉农整合资金预算金额为 xxxx.xx 万元。"), "budget_wan", None),
    (("镇财政所涉农整合资金项目绩效自评报告", BODY, "镇 xxxx 年涉农整合资金预算金额为 xxxx.xx 万元。"), "project_name", "涉农整合资金"),
    # Arrived in full: the amount before 已全部到位, or the budget its sentence states.
    (("远山县2022年衔接资金项目绩效自评报告", BODY, "2022年衔接资金共下达86万元。86万元已全部到位。"), "received_wan", 86),
    (("远山县2022年衔接资金项目绩效自评报告", BODY, "安排资金120万元,其中中央80万元、县级40万元,资金已全部到位。"),
     "received_wan", 120),
    # 年初 budget next to the adjusted one.
    (("远山州交易中心2024年度项目支出绩效单位自评报告", BODY,
      "年初批复预算6个项目736万元(含1个年初结转结余项目42万元),调整预算后项目预算652.18万元,实际到位资金418.37万元。"),
     "initial_budget_wan", 736),
    (("远山州交易中心2024年度项目支出绩效单位自评报告", BODY,
      "年初批复预算6个项目736万元(含1个年初结转结余项目42万元),调整预算后项目预算652.18万元,实际到位资金418.37万元。"),
     "project_name", None),
    (("远山州交易中心2024年度项目支出绩效单位自评报告", BODY, "调整预算后项目预算652.18万元。"), "region", "远山州"),
    # Money spent under a budget word is not the budget; an amount used in full was spent.
    (("远山县2022年乡村道路项目绩效自评报告", BODY, "下达建设资金48万元,全部用于村道硬化。"), "spent_wan", 48),
    (("部门整体支出绩效评价报告", BODY, "2、支出:655.9万元。其中:人员经费支出362.41万元,公用经费支出64.27万元。"),
     "budget_wan", None),
])
def test_narrative_amount_rules(lines, field, value):
    assert getattr(_record(*lines), field) == value


@pytest.mark.parametrize("lines, field, value", [
    # The project named in the body when the page title is generic or names only the fund programme.
    (("工程项目绩效评价报告", "现将我市20xx年度乡村文化广场建设工程项目自评报告如下:", BODY, "下达资金120万元。"),
     "project_name", "乡村文化广场建设工程"),
    (("现将2022年远山县交通运输局财政衔接推进乡村振兴资金项目绩效自评总结报告如下:", BODY,
      "我县2022年农村公路通村道路建设项目计划投资1846万元。"), "project_name", "农村公路通村道路建设项目"),
    (("远山区排水管网工程(二期)旨在提高污水收集率。", "该项目2022年已拨付资金5亿元。"), "project_name", "远山区排水管网工程(二期)"),
    # Units: brackets after the unit, a seal note on the label, a masked value, a development zone.
    (("远山市远山区应急管理局(中央自然灾害救灾资金)转移支付 2022年度绩效自评报告", BODY, "预算数60万元,全年执行数60万元。"),
     "department", "远山市远山区应急管理局"),
    (("远山市远山区应急管理局(中央自然灾害救灾资金)转移支付 2022年度绩效自评报告", BODY, "预算数60万元,全年执行数60万元。"),
     "project_name", "中央自然灾害救灾资金"),
    (("项目支出绩效自评报告", "预算部门单位(公章):远山县水务局", BODY, "下达资金10万元。"), "department", "远山县水务局"),
    (("远山市财政支出项目绩效自评报告(仓储用房)", "主管部门:点击登录查看", BODY, "预算数10万元。"),
     "supervising_department", None),
    (("远山市财政支出项目绩效自评报告(道路提升)", BODY, "主管部门为远山高新区管委会(行政主管部门)  项目业主为某公司。"),
     "region", None),
])
def test_narrative_name_rules(lines, field, value):
    assert getattr(_record(*lines), field) == value


def test_page_chrome_lines_are_dropped():
    from dashboard.ingest.extract.chrome import is_chrome

    for line in ("- 索引号: abc/2025-00013", "- 发布机构: 远山州数据中心", "[ 索引号 ] 1150/2021-00188 [ 发文字号 ]",
                 "您当前的位置: 首页>政务公开>预算/决算", "| 无障碍 | 登录 | 注册 网站支持IPv6", "政府信息公开指南",
                 "远山区人民政府 www.yuanshan.example.gov.cn", "- 12.64 KB", "- 2021-04-15 发布", "欢迎来到远山县政协网站!"):
        assert is_chrome(line), line
    for line in ("远山县水务局2022年度项目绩效自评报告", "一、基本情况", "- 完成巡查12次。"):
        assert not is_chrome(line), line


def test_a_department_form_run_together_on_a_sharing_site():
    record = _record(
        "1、部门整体绩效自评表主管部门远山区融媒体中心财政处室自评总分(分)95.4部门联系人何某联系电话部门预算执行情况"
        "年初预算数全年预算数全年执行数执行率(%)执行率权重执行率得分(分)O82%108.2当年绩效目标年初绩效目标全年目标"
        "实际完成情况无保障中心运转,做好全区宣传报道工作并完成年度任务,各项指标均已完成,达到预期效果。",
        "2、造了良好舆论环境。指标名称计量单位指标性质年初指标值")
    assert record.supervising_department == "远山区融媒体中心" and record.region == "远山区"
    assert (record.self_score, record.stated_execution_rate) == (95.4, 82.0)
    assert (record.execution_weight, record.execution_score) == (10.0, 8.2)


def test_a_basic_information_block_one_cell_per_line():
    record = _record("外事接待服务项目绩效自评表", "一、项目基本情况", "项目实施单位", "省外事办公室礼宾接待处",
                     "计划投资额", "(万元)", "480", "实际到位资金", "(万元)", "352.6", "实际使用情况(万元)", "349.18")
    assert record.project_name == "外事接待服务项目"
    assert (record.budget_wan, record.received_wan, record.spent_wan, record.execution_rate) == (480, 352.6, 349.18, 72.75)


def test_sharing_site_chunk_numbers_are_not_text():
    record = _record(
        "1、财政支出项目绩效评价报告 项目名称: 远山县渔业资源监测项目 项目单位: 远山县海洋与渔业局 主管部门: 远山县农业农村局 "
        "评价时间: 2014年3月2日至2014年4月18日 项目类型经常性项目计划投资额(万元)96实际到位资",
        "2、金(万元)96实际使用情况(万元)93.5其中:中央财政省财政96省财政9693.5市县财政其他二、绩效目标完成情况说明,"
        "本项目按计划完成了全年监测任务并按季度报送监测简报,年度监测报告已经按期完成并上报主管部门。")
    assert record.project_name == "远山县渔业资源监测项目"
    assert (record.budget_wan, record.received_wan, record.spent_wan) == (96, 96, 93.5)
