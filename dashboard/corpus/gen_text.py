"""Render a ReportSpec as a Document in one of the report layouts, with varied wording.

Phrasing choices come from random.Random(spec.text_seed), so two units sharing a seed (a copied
narrative) get the same text around their own names and figures.
"""
from __future__ import annotations

import random

from dashboard.corpus.gen_model import ReportSpec
from dashboard.ingest.document import Block, Paragraph, Table

CN_DIGITS = "○一二三四五六七八九"
PEOPLE = ("张伟", "李娜", "王磊", "刘洋", "陈静", "杨帆", "赵敏", "黄强", "周婷", "吴斌", "徐丽", "孙涛")
TITLES = ("局长", "副局长", "科长", "副主任", "主任科员", "会计师", "高级会计师", "工程师")


def num(v: float | None) -> str:
    """A score or amount as reports print it: 10, 8.62, 95.4."""
    if v is None:
        return ""
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def money(spec: ReportSpec, wan: float, rng: random.Random) -> str:
    """An amount with its unit, in 万元 or (for some reports) 元."""
    if spec.yuan:
        yuan = round(wan * 10000)
        if rng.random() < 0.4:
            return f"{yuan:,}.00元"
        return f"{yuan}元"
    return f"{num(wan)}万元"


def rate_text(spec: ReportSpec) -> str:
    return f"{spec.stated_rate:.{spec.rate_decimals}f}%"


def cn_year(year: int) -> str:
    return "".join(CN_DIGITS[int(d)] for d in str(year))


def cn_date(year: int, month: int, day: int) -> str:
    tens = {1: "十", 2: "二十", 3: "三十"}
    d = (tens.get(day // 10, "") + (CN_DIGITS[day % 10] if day % 10 else "")) if day >= 10 else CN_DIGITS[day]
    m = ("十" + (CN_DIGITS[month % 10] if month % 10 else "")) if month >= 10 else CN_DIGITS[month]
    return f"{cn_year(year)}年{m}月{d}日"


class Builder:
    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def p(self, text: str) -> None:
        self.blocks.append(Paragraph(text))

    def table(self, rows: list[list[str]]) -> None:
        width = max(len(r) for r in rows)
        self.blocks.append(Table([list(r) + [""] * (width - len(r)) for r in rows]))


# ---- shared narrative pieces -------------------------------------------------------------

def _dept_in_title(spec: ReportSpec, rng: random.Random) -> bool:
    return rng.random() < 0.75


def _title(spec: ReportSpec, rng: random.Random, with_dept: bool) -> str:
    d = spec.department if with_dept else ""
    y, name = spec.year, spec.project_name
    if spec.kind == "department_self":
        return rng.choice((f"{d}{y}年度部门整体支出绩效自评报告", f"{d}{y}年部门整体支出绩效自评报告"))
    if spec.kind == "external":
        return f"{d}{y}年度{name}项目财政重点绩效评价报告"
    options = [f"{d}{y}年{name}项目支出绩效评价报告", f"{d}{y}年度{name}项目绩效自评报告",
               f"{d}{y}年度{name}项目支出绩效自评报告"]
    if with_dept:
        options.append(f"关于{d}{y}年{name}项目支出绩效自评的报告")
    return rng.choice(options)


def _budget_sentences(spec: ReportSpec, rng: random.Random, year_for_money: int) -> list[str]:
    """The sentences that state budget, spending, receipts and the execution rate."""
    name, y = spec.project_name, year_for_money
    b, s = money(spec, spec.budget, rng), money(spec, spec.spent, rng)
    has_rate = spec.stated_rate is not None
    r = rate_text(spec) if has_rate else ""
    if spec.kind == "department_self":
        lead = f"{y}年度部门全年预算数{b}" if spec.initial_budget is None else f"{y}年度部门年初预算数{money(spec, spec.initial_budget, rng)}，全年预算数{b}"
        out = [lead + f"，全年执行数{s}" + (f"，预算执行率{r}。" if has_rate else "。")]
    else:
        adjusted = spec.initial_budget is not None
        init = money(spec, spec.initial_budget, rng) if adjusted else ""
        v = rng.randrange(5)
        if adjusted:
            head = rng.choice((f"{y}年{name}年初预算{init}，年中调整后全年预算{b}",
                               f"本项目{y}年度年初预算数{init}，调整后预算数{b}"))
        elif v == 0:
            head = f"{name}{y}年全年预算{b}"
        elif v == 1:
            head = f"{y}年县财政下达{name}预算资金{b}"
        elif v == 2:
            head = f"本项目{y}年度全年预算数为{b}"
        elif v == 3:
            head = f"{y}年{name}项目预算金额为{b}"
        else:
            head = f"{y}年共安排{name}资金{b}"
        spent = rng.choice((f"实际支出{s}", f"截至{y}年12月31日实际支出{s}", f"全年执行数{s}", f"已支付{s}", f"实际使用资金{s}"))
        tail = ""
        if has_rate:
            tail = rng.choice((f"，预算执行率{r}", f"，预算执行率达到{r}", f"，完成预算的{r}", f"，执行率为{r}"))
        out = [f"{head}，{spent}{tail}。"]
    if spec.received is not None:
        out.append(rng.choice((f"项目资金实际到位{money(spec, spec.received, rng)}。",
                               f"实际到位资金{money(spec, spec.received, rng)}，资金及时拨付到位。")))
    return out


def _score_sentence(spec: ReportSpec, rng: random.Random) -> str:
    score, gw, name = num(spec.self_score), spec.grade_word, spec.project_name
    if spec.kind == "external":
        return rng.choice((f"经评价，{name}项目综合得分{score}分，绩效评价等级为“{gw}”。",
                           f"评价组按照评价指标体系逐项打分，该项目综合评分为{score}分，评价等级为{gw}。"))
    if spec.kind == "department_self":
        return rng.choice((f"经自评，本部门{spec.year}年度整体支出绩效自评得分{score}分，自评等级为“{gw}”。",
                           f"部门整体支出绩效自评综合得分为{score}分，等级为{gw}。"))
    return rng.choice((
        f"本次{name}项目绩效自评为{score}分，评定等级为“{gw}”。",
        f"根据项目支出绩效指标要求，我单位分析评价自评分为{score}分，自评等级为{gw}。",
        f"经综合评定，{name}项目绩效自评得分{score}分，等级为“{gw}”。",
        f"项目自评得分{score}分，绩效评价结果为{gw}。",
        f"综合评分{score}分，评价等级：{gw}。",
    ))


# Sentence pools per section; a report draws two or three of each, in its own order, so two
# units' narratives share sentences (as real ones do) without being near copies.
GENERIC = {
    "background": (
        "为认真贯彻落实上级关于全面实施预算绩效管理的决策部署，保障{name}工作顺利开展，设立本项目。",
        "本项目是我单位履行职能的经常性项目，主要用于保障{name}相关工作正常运转。",
        "根据县委、县政府工作安排，结合本单位年度重点工作，申请设立{name}。",
        "为提升公共服务水平、回应群众关切，经单位集体研究并报县财政审核，安排{name}。",
        "{name}是落实行业主管部门年度任务的重要抓手，对保障民生和推动事业发展具有重要作用。",
        "该项目已连续多年列入部门预算，资金主要用于日常运行保障和专项业务开展。",
        "近年来相关业务量持续增长，原有保障水平难以满足工作需要，因此安排本项目资金。",
        "项目依据国家和省市相关政策文件设立，立项程序完整，符合单位职责定位。",
    ),
    "goal": (
        "项目总体目标为按期保质完成年度各项工作任务，提高资金使用效益。",
        "通过项目实施，保障相关业务平稳运行，确保年度绩效目标全面完成，群众获得感进一步增强。",
        "年度目标为完成计划任务，项目验收合格率不低于95%，资金支付及时、使用规范。",
        "按照年初设定的绩效目标，确保项目产出数量、质量、时效和成本均达到预期。",
        "服务对象满意度力争达到90%以上，社会效益逐步显现。",
        "建立健全长效管理机制，推动相关工作规范化、制度化、常态化。",
        "确保资金安全高效使用，杜绝截留、挤占和挪用现象。",
        "以问题为导向补齐工作短板，进一步提升行业治理能力。",
    ),
    "organisation": (
        "成立了以单位主要负责人为组长，分管领导为副组长，各业务科室负责人为成员的项目领导小组。",
        "项目由业务科室具体实施，财务室负责资金审核与支付，办公室负责资料归档。",
        "在资金管理方面严格按专项资金管理及使用要求，做到专款专用。",
        "项目实行负责人制度，重大事项经领导班子集体研究决定。",
        "资金支付严格履行审批程序，依据审核无误的原始单据按合同约定支付。",
        "项目实施过程中定期召开推进会，及时研究解决实施中遇到的困难。",
        "纪检监督贯穿项目实施全过程，对关键环节开展专项检查。",
        "涉及政府采购的事项均按规定程序实施，采购结果依法公开。",
    ),
    "principles": (
        "绩效评价遵循科学规范、公正公开、分级分类、绩效相关的原则。",
        "本次评价严格执行规定的程序，按照科学可行的要求开展，评价结果依法公开并接受监督。",
        "评价工作按照财政部《项目支出绩效评价管理办法》要求开展。",
        "评价坚持问题导向和结果导向，注重评价结果运用。",
        "评价采用定量与定性分析相结合的方法，客观反映项目实施成效。",
        "评价依据包括预算批复文件、项目实施方案、资金支付凭证和验收资料等。",
        "评价范围为项目当年度的全部资金及其产出和效果。",
    ),
    "method": (
        "主要采用比较法、因素分析法和公众评判法，对照年初绩效目标逐项核实完成情况。",
        "在分析自评资料的基础上，采用数据采集、问卷调查和实地调研等方法进行评价。",
        "评价小组查阅相关文件资料和财务凭证，对收集的资料进行定量定性分析。",
        "通过随机问卷、电话回访和现场走访了解服务对象满意程度。",
        "对关键指标采取抽样复核的方式，确保数据真实可靠。",
        "结合历史数据和同类项目情况，对项目绩效进行横向和纵向比较。",
    ),
    "process": (
        "评价工作分为前期准备、组织实施和分析评价三个阶段。",
        "一是成立自评工作小组；二是收集整理项目资料；三是对照指标体系逐项打分；四是撰写自评报告。",
        "准备阶段确定评价对象并制定方案；实施阶段开展资料审核和现场核查；报告阶段出具评价报告。",
        "自评工作小组按照分工对项目资料进行审核，对存疑数据进行了核实。",
        "评价结束后，及时将评价结果报送财政部门并建立绩效评价档案。",
        "针对评价中发现的问题，工作小组与业务科室进行了充分沟通。",
    ),
    "analysis_decision": (
        "项目立项依据充分，符合单位职能和年度工作重点。",
        "绩效目标设定基本合理，与预算资金量相匹配。",
        "项目申报程序规范，事前经过必要的论证和集体决策。",
        "部分绩效指标细化程度不够，可衡量性有待提高。",
        "预算编制与实际需求基本相符，资金分配依据较为充分。",
    ),
    "analysis_process": (
        "项目实施过程中各项制度执行有效，资金使用符合国家财经法规和财务管理制度规定。",
        "未发现截留、挪用、虚列支出等情况，会计核算规范。",
        "资金拨付有完整的审批程序和手续，支出凭证齐全。",
        "项目管理制度健全，各相关方职责明确，过程资料归档较为完整。",
        "个别环节资金支付进度偏慢，年底支出相对集中。",
    ),
    "analysis_output": (
        "项目产出基本达到预期，各项任务按计划推进。",
        "产出质量符合相关标准要求，验收工作按规定组织。",
        "各项工作在年度内完成，未出现明显拖延。",
        "成本控制在预算范围内，未发生超支情况。",
        "部分任务受客观因素影响进度稍有滞后，已在年内完成。",
    ),
    "analysis_effect": (
        "项目实施后社会效益逐步显现，服务对象对项目实施效果总体满意。",
        "相关公共服务能力明显增强，群众办事更加便捷。",
        "项目形成了一定的长效机制，为后续工作奠定了基础。",
        "经济效益难以直接量化，但间接降低了运行成本。",
        "通过问卷调查，服务对象满意度保持在较高水平。",
    ),
    "experience": (
        "加强组织领导，压实工作责任，做到事前有目标、事中有监控、事后有评价。",
        "严格执行财务管理核算制度，资金使用规范，相关资料齐全。",
        "注重部门协同，强化过程管理，及时跟踪项目进度。",
        "坚持以人民为中心，把群众满意度作为检验工作成效的重要标准。",
        "加强业务培训，提升工作人员政策水平和业务能力。",
        "建立项目台账，实行清单化管理和销号制度。",
    ),
    "suggestion": (
        "进一步细化预算编制，加快资金支付进度，提高预算执行的均衡性。",
        "完善绩效指标体系，增强指标的可衡量性，强化绩效评价结果应用。",
        "建议财政部门加强业务培训和指导，提升预算绩效管理工作水平。",
        "健全项目管理制度，制定用款计划，对项目绩效实施实时监控。",
        "加强绩效运行监控，对偏离目标的情况及时纠偏。",
        "强化评价结果与预算安排挂钩，提高财政资金使用效益。",
    ),
}


def _g(rng: random.Random, key: str, spec: ReportSpec) -> str:
    """Sentences of one section; drawn from the report's text seed and the section alone, so a
    copied narrative stays a copy whatever its figures did to the other draws."""
    pool = GENERIC[key]
    own = random.Random(spec.text_seed * 101 + list(GENERIC).index(key))
    picked = own.sample(pool, own.randint(2, 3) if len(pool) > 3 else 1)
    return "".join(picked).format(name=spec.project_name)


def _problem_lines(spec: ReportSpec, rng: random.Random) -> list[str]:
    if not spec.problems:
        return ["无。"]
    style = rng.randrange(3)
    out = []
    for i, problem in enumerate(spec.problems, 1):
        prefix = (f"{i}.", f"（{'一二三四五'[i - 1]}）", f"{i}、")[style]
        out.append(prefix + problem)
    return out


# ---- score tables -----------------------------------------------------------------------

def _annot(name: str, weight: float, rng_choice: int) -> str:
    if rng_choice == 0:
        return name
    if rng_choice == 1:
        return f"{name}({num(weight)})"
    return f"{name}（{num(weight)}分）"


def table_a(spec: ReportSpec, rng: random.Random) -> list[list[str]]:
    """The reference reports' 打分表: levels, explanation, rule, weight, score, deduction, reason."""
    a1, a2, a3 = rng.randrange(3), rng.randrange(3), rng.randrange(2) * 2
    header = ["一级\n指标" if rng.random() < 0.5 else "一级指标", "二级\n指标" if rng.random() < 0.5 else "二级指标",
              "三级指标", "指标解释", "评价标准", "指标分值", "评价得分", "扣分情况", "扣分原因"]
    rows = [header]
    group1 = {}
    group2 = {}
    for r in spec.rows:
        group1[r.level1] = group1.get(r.level1, 0) + r.weight
        group2[(r.level1, r.level2)] = group2.get((r.level1, r.level2), 0) + r.weight
    seen1, seen2 = set(), set()
    for r in spec.rows:
        l1 = "" if r.level1 in seen1 else _annot(r.level1, group1[r.level1], a1)
        l2 = "" if (r.level1, r.level2) in seen2 else _annot(r.level2, group2[(r.level1, r.level2)], a2)
        seen1.add(r.level1)
        seen2.add((r.level1, r.level2))
        ded = r.written_deduction if r.written_deduction is not None else round(r.weight - r.score, 2)
        rows.append([l1, l2, _annot(r.level3, r.weight, a3), r.explain, r.rule or "", num(r.weight), num(r.score),
                     num(ded) if ded else "", (r.reason or "") if ded else ""])
    rows.append(["合计", "", "", "", "", "100", num(spec.self_score), num(round(100 - spec.self_score, 2)), ""])
    return rows


def table_b(spec: ReportSpec, rng: random.Random) -> list[list[str]]:
    rows = [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "扣分原因"]]
    seen1, seen2 = set(), set()
    for r in spec.rows:
        l1 = "" if r.level1 in seen1 else r.level1
        l2 = "" if (r.level1, r.level2) in seen2 else r.level2
        seen1.add(r.level1)
        seen2.add((r.level1, r.level2))
        rows.append([l1, l2, r.level3, r.target or "", r.actual or "", num(r.weight), num(r.score),
                     (r.reason or "") if r.score < r.weight else ""])
    rows.append(["合计", "", "", "", "", "100", num(spec.self_score), ""])
    return rows


def table_003(spec: ReportSpec) -> list[list[str]]:
    """003's 评价指标评分 table: level names each beside their weight, then the score."""
    rows = [["一级指标", "分值", "二级指标", "分值", "三级指标", "分值", "得分"]]
    g1, g2 = {}, {}
    for r in spec.rows:
        g1[r.level1] = g1.get(r.level1, 0) + r.weight
        g2[(r.level1, r.level2)] = g2.get((r.level1, r.level2), 0) + r.weight
    seen1, seen2 = set(), set()
    for r in spec.rows:
        c1 = ["", ""] if r.level1 in seen1 else [r.level1, num(g1[r.level1])]
        c2 = ["", ""] if (r.level1, r.level2) in seen2 else [r.level2, num(g2[(r.level1, r.level2)])]
        seen1.add(r.level1)
        seen2.add((r.level1, r.level2))
        rows.append(c1 + c2 + [r.level3, num(r.weight), num(r.score)])
    rows.append(["总分", "100", "", "100", "", "100", num(spec.self_score)])
    return rows


def _table_title(spec: ReportSpec, rng: random.Random) -> str:
    year = spec.other_year if spec.other_year and spec.framework else spec.year
    d = spec.department if rng.random() < 0.6 else ""
    return rng.choice((f"{d}{year}年{spec.project_name}项目支出绩效评价指标体系及打分表",
                       f"{year}年度{spec.project_name}项目绩效评价评分表"))


def _score_table(b: Builder, spec: ReportSpec, rng: random.Random) -> None:
    b.p(_table_title(spec, rng))
    b.table(table_a(spec, rng) if spec.framework == "A" else table_b(spec, rng))


# ---- layouts ----------------------------------------------------------------------------

def narrative(spec: ReportSpec, *, with_table: bool) -> list[Block]:
    rng = random.Random(spec.text_seed)

    def own(k: int) -> random.Random:
        # Each piece draws from its own stream, so a copied narrative (same text seed) keeps its
        # wording even where the two reports' figures differ.
        return random.Random(spec.text_seed * 101 + 50 + k)

    b = Builder()
    in_title = _dept_in_title(spec, rng)
    b.p(_title(spec, own(1), in_title))
    if not in_title:
        b.p(f"{rng.choice(('实施单位', '项目实施单位', '填报单位'))}：{spec.department}")
    money_year = spec.other_year if (spec.other_year and not (with_table and spec.framework)) else spec.year
    b.p(rng.choice(("一、项目基本情况", "一、基本情况")))
    b.p("（一）项目概况")
    b.p("1.立项背景及目的")
    b.p(_g(rng, "background", spec))
    b.p("2.项目实施及资金使用情况")
    for sentence in _budget_sentences(spec, own(2), money_year):
        b.p(sentence)
    b.p("（二）项目绩效目标")
    b.p(_g(rng, "goal", spec))
    b.p("（三）项目组织管理情况")
    b.p(_g(rng, "organisation", spec))
    b.p("二、绩效评价工作开展情况")
    b.p("（一）绩效评价原则和方法")
    b.p(_g(rng, "principles", spec))
    b.p(_g(rng, "method", spec))
    b.p("（二）绩效评价工作过程")
    b.p(_g(rng, "process", spec))
    b.p(rng.choice(("三、综合评价情况及评价结论", "三、评价结论")))
    b.p(_score_sentence(spec, own(3)))
    b.p(rng.choice(("四、绩效评价指标分析", "四、绩效指标完成情况分析")))
    b.p("（一）项目决策情况")
    b.p(_g(rng, "analysis_decision", spec))
    b.p("（二）项目过程情况")
    b.p(_g(rng, "analysis_process", spec))
    if spec.alt_amount:
        which = spec.alt_amount["which"]
        alt = money(spec, spec.alt_amount["value"], own(4))
        b.p(f"{spec.project_name}项目总支出{alt}。" if which == "spent" else f"{spec.project_name}项目预算金额为{alt}。")
    elif spec.stated_rate is not None and own(5).random() < 0.5:
        b.p(f"预算执行率为{rate_text(spec)}。")
    b.p("（三）项目产出情况")
    b.p(_g(rng, "analysis_output", spec))
    b.p("（四）项目效益情况")
    b.p(_g(rng, "analysis_effect", spec))
    b.p("五、主要经验及做法")
    b.p(_g(rng, "experience", spec))
    b.p(rng.choice(("六、存在的问题及原因分析", "六、存在问题及原因分析", "六、存在的问题")))
    for line in _problem_lines(spec, own(6)):
        b.p(line)
    b.p("七、有关建议")
    b.p(_g(rng, "suggestion", spec))
    b.p("八、其他需要说明的问题")
    b.p("无。")
    if with_table and spec.framework:
        b.p("附件1")
        _score_table(b, spec, own(7))
    sign = own(8)
    if sign.random() < 0.5:
        b.p(spec.department)
        b.p(f"{spec.year + 1}年{sign.randint(2, 5)}月{sign.randint(1, 28)}日")
    return b.blocks


def basic_info(spec: ReportSpec) -> list[Block]:
    """003's shape: 基本信息表, 指标评分, 评价人员 with their scores, then the narrative."""
    rng = random.Random(spec.text_seed)
    b = Builder()
    # A report whose money sentence names another year must state its own year up front.
    b.p(f"{spec.year}年度项目绩效目标表" if rng.random() < 0.5 or spec.other_year else "项目绩效目标表")
    b.p(f"项目名称：{spec.project_name}")
    b.p("项目基本信息表")
    unit_label = "万元"
    rows = [
        ["一、项目基本情况", "", "", "", "", ""],
        ["项目实施单位", spec.department, "", "主管部门", spec.supervising or "", ""],
        ["项目负责人", rng.choice(PEOPLE), "联系电话", f"0871-{rng.randint(8000000, 8999999)}", "", ""],
        ["项目类型", "经常性项目 (√)", "", "一次性项目 ()", "", ""],
        [f"计划投资额 ({unit_label})", num(spec.budget), f"实际到位资金({unit_label})", num(spec.received),
         f"实际使用情况 ({unit_label})", num(spec.spent)],
        ["其中：中央财政", "", "其中：中央财政", "", "", ""],
        ["省财政", "", "省财政", "", "", ""],
        ["市县财政", num(spec.budget), "市县财政", num(spec.received), "", ""],
        ["其他", "", "其他", "", "", ""],
    ]
    b.table(rows)
    b.p("二、绩效评价指标评分(参考)")
    b.table(table_003(spec))
    b.p(f"评价等次：{spec.grade_word}")
    b.p("三、评价人员")
    ev = [["姓名", "职务/职称", "单位", "项目评分", "签字"]]
    for score in spec.evaluators:
        ev.append([rng.choice(PEOPLE), rng.choice(TITLES), spec.department, num(score), ""])
    ev.append(["合计", "", "", f"平均分 {num(spec.stated_avg)}", ""])
    b.table(ev)
    b.p("评价工作组组长 (签字并单位盖章)")
    b.p(f"{spec.year + 1}年{rng.randint(2, 5)}月{rng.randint(1, 28)}日")
    b.p("财政支出项目绩效评价报告")
    b.p("一、项目概况")
    b.p(_g(rng, "background", spec))
    b.p("二、项目资金使用及管理情况")
    money_year = spec.other_year or spec.year
    for sentence in _budget_sentences(spec, rng, money_year):
        b.p(sentence)
    if spec.alt_amount:
        alt = money(spec, spec.alt_amount["value"], rng)
        b.p(f"项目实际支出{alt}。" if spec.alt_amount["which"] == "spent" else f"项目预算安排{alt}。")
    b.p("三、项目组织实施情况")
    b.p(_g(rng, "organisation", spec))
    b.p("四、项目绩效情况")
    b.p(_g(rng, "analysis_output", spec))
    b.p("五、综合评价情况及评价结论")
    b.p(_score_sentence(spec, rng))
    b.p("六、主要经验及做法、存在的问题和建议")
    b.p("（一）存在的问题")
    for line in _problem_lines(spec, rng):
        b.p(line)
    b.p("（二）有关建议")
    b.p(_g(rng, "suggestion", spec))
    b.p("七、其他需要说明的问题")
    b.p("暂无。")
    return b.blocks


def short(spec: ReportSpec) -> list[Block]:
    """The short variant: 一、自评结论 / 二、佐证材料."""
    rng = random.Random(spec.text_seed)
    b = Builder()
    b.p(_title(spec, rng, True))
    b.p("一、自评结论")
    money_year = spec.other_year or spec.year
    for sentence in _budget_sentences(spec, rng, money_year):
        b.p(sentence)
    b.p(_score_sentence(spec, rng))
    if spec.alt_amount:
        alt = money(spec, spec.alt_amount["value"], rng)
        b.p(f"全年共支出{alt}。" if spec.alt_amount["which"] == "spent" else f"全年预算{alt}。")
    b.p("存在的问题：")
    for line in _problem_lines(spec, rng):
        b.p(line)
    if spec.framework:
        b.p("自评指标得分情况如下：")
        b.table(table_b(spec, rng))
    b.p("二、佐证材料")
    b.p("1.项目预算批复文件；2.资金支付凭证；3.项目验收资料；4.绩效自评表。")
    return b.blocks


def department(spec: ReportSpec) -> list[Block]:
    rng = random.Random(spec.text_seed)
    b = Builder()
    b.p(_title(spec, rng, True))
    b.p("一、部门基本情况")
    b.p(f"（一）部门职能。{spec.department}负责本行业领域的政策执行、业务管理和公共服务等工作。")
    b.p(f"（二）机构人员情况。内设机构{rng.randint(4, 12)}个，编制人数{rng.randint(12, 160)}人。")
    b.p("二、部门预算收支情况")
    for sentence in _budget_sentences(spec, rng, spec.other_year or spec.year):
        b.p(sentence)
    if spec.alt_amount:
        alt = money(spec, spec.alt_amount["value"], rng)
        b.p(f"全年支出合计{alt}。" if spec.alt_amount["which"] == "spent" else f"全年预算合计{alt}。")
    b.p("三、部门整体支出绩效自评结论")
    b.p(_score_sentence(spec, rng))
    if spec.framework:
        b.p("四、绩效指标完成情况")
        b.p("部门整体支出绩效自评指标得分情况见下表。")
        b.table(table_b(spec, rng))
    b.p("五、存在的问题")
    for line in _problem_lines(spec, rng):
        b.p(line)
    b.p("六、改进措施")
    b.p(_g(rng, "suggestion", spec))
    return b.blocks


def external(spec: ReportSpec) -> list[Block]:
    rng = random.Random(spec.text_seed)
    b = Builder()
    b.p(_title(spec, rng, True))
    b.p("委托单位：富民县财政局")
    b.p(f"评价机构：{spec.firm}")
    b.p(f"报告编号：{spec.report_number}")
    b.p(cn_date(spec.year + 1, rng.randint(6, 11), rng.randint(1, 28)))
    b.p("一、项目基本情况")
    b.p(f"项目实施单位：{spec.department}")
    for sentence in _budget_sentences(spec, rng, spec.year):
        b.p(sentence)
    b.p("二、评价工作开展情况")
    b.p(f"受富民县财政局委托，{spec.firm}成立评价组，对该项目开展第三方绩效评价。")
    b.p(_g(rng, "method", spec))
    b.p("三、评价结论")
    b.p(_score_sentence(spec, rng))
    b.p("四、绩效评价指标分析")
    b.p(_g(rng, "analysis_process", spec))
    b.p("附表：绩效评价指标评分表")
    b.table(table_a(spec, rng))
    b.p("五、存在的问题")
    for line in _problem_lines(spec, rng):
        b.p(line)
    b.p("六、评价建议")
    b.p(_g(rng, "suggestion", spec))
    return b.blocks
