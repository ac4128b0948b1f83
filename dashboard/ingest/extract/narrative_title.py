"""Who and what a narrative report is about: title, project name, unit, region and year."""
from __future__ import annotations

import re
from collections import Counter

from pathlib import Path

from dashboard.ingest.document import Document, Table
from dashboard.ingest.extract import fields
from dashboard.ingest.extract.narrative_amounts import sentence_around
from dashboard.ingest.normalize import normalize_text
from dashboard.ingest.record import EvaluationRecord

_UNIT_SUFFIX = r"(?:局|编办|办公室|委员会|中心|医院|学校|中学|小学|幼儿园|站|所|院|馆|队|政府|委|办|部|社|会|处|厅|室)"
_TITLE_SUFFIX = re.compile(
    r"(?:项目)?(?:支出)?(?:整体支出)?(?:绩效)?(?:目标)?(?:单位)?(?:自评|自我评价|评价|评估)(?:总结)?(?:报告|情况报告|结果报告)?$"
)

_REPORT_END = r"(?:评价|自评|评估)(?:的)?(?:总结)?(?:报告|情况报告|结果报告)"
# "…自评报告(春节慰问经费项目)": the project named in brackets after the report's name.
_TRAILING_PROJECT = re.compile(r"[(（]([^()（）]{2,60})[)）]$")
# A file name kept as the title ("…自评报告.pdf"), an attachment number ("附件3:"), a fund label
# before the name ("(直达资金)").
_FILE_SUFFIX = re.compile(r"\s*\.(?:pdf|docx?|wps|xlsx?)$", re.I)
_ATTACHMENT = re.compile(r"^附件\s*\d*\s*[:：]?\s*")
_FUND_LABEL = re.compile(r"^[(（](?:直达资金|中央直达资金|特殊转移支付)[)）]")
# Region words a title may start with before the unit or the project ("四川省石川县").
_REGION_PREFIX = r"(?:[\u4e00-\u9fff]{2,5}?(?:省|自治区|市|自治州|州|盟|县|区|旗))"
# "现将2024年XX项目绩效目标自评报告如下": the report names itself in its first paragraph.
_SELF_NAMED = re.compile(r"现将(.{4,80}?" + r"(?:评价|自评|评估)(?:总结)?报告)如下")
_LEADING_TITLE = re.compile(r"^(.{6,70}?" + _REPORT_END + r")(?=[\u4e00-\u9fff])")


def _clean_title(line: str) -> str:
    line = _FILE_SUFFIX.sub("", line.strip())
    line = _ATTACHMENT.sub("", line)
    line = re.sub(r"^\d{1,2}、(?=\D)", "", line)  # a sharing site's page-chunk number ("1、财政支出…报告")
    line = _FUND_LABEL.sub("", line)
    # "桐 安 新 区 2018 年 度": letters spaced out by the page.
    return re.sub(r"(?<=[\u4e00-\u9fff\d])\s+(?=[\u4e00-\u9fff\d])", "", line).strip()


def _title(paragraphs: list[str]) -> str | None:
    for p in paragraphs[:15]:
        if len(p) >= 120:
            continue
        p = _clean_title(p)
        core = _TRAILING_PROJECT.sub("", p).strip()
        if re.search(_REPORT_END + r"$", core) and not re.fullmatch(r"(?:项目)?(?:支出)?(?:绩效)?" + _REPORT_END, core):
            # "关于XX局2018年XX项目支出绩效自评的报告" reads as "XX局2018年XX项目支出绩效自评报告".
            return re.sub(r"的((?:情况)?报告)([(（].*)?$", r"\1\2", p)
    for p in paragraphs[:3]:
        # A page flattened to one line starts with the title ("附件3四川省…绩效自评报告为加强…").
        m = _LEADING_TITLE.match(_clean_title(p[:200]))
        if m and len(p) >= 120:
            return m.group(1)
    for p in paragraphs[:6]:
        m = _SELF_NAMED.search(p)
        if m:
            return _clean_title(m.group(1))
    return None


def _parse_title(title: str) -> tuple[str | None, int | None, str | None]:
    """(department, year, project name) from a title like '富民县财政局2024年XX经费项目支出绩效评价报告'.

    Also '关于XX项目的绩效自评报告' (the project is what the report is about),
    'XX委员会2022年度项目绩效自评报告(春节慰问经费项目)' (the project in brackets at the end),
    '2022年度XX县XX街道XX项目资金绩效评价报告' (year first, then the unit) and
    'XX工程项目2020年度绩效自评报告' (the project before the year).
    """
    bracketed = _TRAILING_PROJECT.search(title)
    core = title[: bracketed.start()].strip() if bracketed else title
    about = re.match(r"^关于(.+?)的?(?:项目)?(?:支出)?(?:绩效)?(?:自评|评价|评估)", core)
    if about and "的" in core:
        core = about.group(1) + "的"
    else:
        core = re.sub(r"^关于", "", core)
    m = re.match(r"^(.*?)(\d{4})\s*年度?(.*)$", core)
    department, year, rest = None, None, core
    if m:
        department = m.group(1).strip() or None
        year = int(m.group(2))
        rest = m.group(3)
    if department is None:
        unit_first = re.match(r"^(" + _REGION_PREFIX + r"+[\u4e00-\u9fff]{0,12}?(?:街道|镇|乡|苏木|"
                              + _UNIT_SUFFIX[3:-1] + r"))(?!(?!部门)" + _UNIT_SUFFIX + r")(.*)$", rest)
        if unit_first and re.match(r"^(?:部门)?整体", unit_first.group(2)) or unit_first and m and \
                len(_TITLE_SUFFIX.sub("", unit_first.group(2))) >= 4:
            department, rest = unit_first.group(1), unit_first.group(2)
    if rest.endswith("的"):
        name = rest[:-1].strip(" ：:")  # "关于XX项目的…": the name as written, 项目 included
    else:
        name = _TITLE_SUFFIX.sub("", rest).strip(" ：:")
        if 0 < len(name) <= 4 and rest.startswith(name + "项目"):
            name += "项目"  # "衔接资金项目": a short fund name keeps its word 项目
    # "我市20xx年度XX项目": the writer's own place and a placeholder year are not part of the name.
    name = re.sub(r"^我(?:市|县|区|旗|州|镇|乡|局|单位)(?:\d{2}[\dxX]{2}\s*年度?)?", "", name or "") or None
    if name and not department:
        # "镇财政所XX资金项目…报告": a unit without its place name stands before the project.
        bare_unit = re.match(r"^[县市区镇乡][\u4e00-\u9fff]{1,6}?(?:财政所|所|站|局|办|中心)(?=[\u4e00-\u9fff]{4})", name)
        if bare_unit:
            name = name[bare_unit.end():]
    if re.fullmatch(r"(?:" + _REGION_PREFIX + r")*(?:本级)?(?:转移支付)?(?:财政)?(?:支出)?(?:工程)?(?:项目)?(?:资金)?"
                    r"(?:部门)?(?:整体)?(?:支出)?(?:绩效目标)?", name or ""):
        name = None  # a generic title: 财政支出项目绩效评价报告, 项目资金绩效自评报告
    if bracketed and not name:
        name = bracketed.group(1).strip()
    inner = re.match(r"^(.+?" + _UNIT_SUFFIX + r")[(（]([^()（）]{2,60})[)）](?:转移支付|专项资金|资金)?$", department or "")
    if inner:
        # "XX应急管理局(中央自然灾害救灾资金)转移支付 2022年度绩效自评报告": unit, then its project in brackets.
        department, name = inner.group(1), name or inner.group(2).strip()
    if department and not re.search(r"(?:" + _UNIT_SUFFIX + r"|街道|镇|乡|苏木)$", department):
        # "XX工程项目2020年度绩效自评报告": what stands before the year is the project.
        if name is None and re.search(r"(?:项目|工程|资金|经费|补助)$", department):
            name = department
        department = None
    return department, year, name or None


_UNIT_LINE = re.compile(r"^(?:[\u4e00-\u9fff]{2,30}?" + _UNIT_SUFFIX + r")(?:[(（]盖章[)）])?$")


def _unit_below_title(paragraphs: list[str], title: str | None) -> str | None:
    """A line right under the title that is only a unit's name ("石川县交通运输局")."""
    if title is None:
        return None
    try:
        at = paragraphs.index(title)
    except ValueError:
        return None
    for line in paragraphs[at + 1: at + 3]:
        line = re.sub(r"^(?:填报单位|编制单位|报送单位|评价单位)[:：]\s*", "", line.strip())
        if _UNIT_LINE.match(line) and "报告" not in line:
            return re.sub(r"[(（]盖章[)）]$", "", line)
    return None


_UNIT_LABELS = (r"(?:项目实施单位|实施单位|部门[(（]单位[)）]名称|单位名称|填报单位|预算部门单位|预算单位|评价单位|项目单位)"
                r"(?:[(（](?:公章|盖章)[)）])?")
# The next label on the same line ends a value: "项目实施单位:X 组织单位: Y".
_NEXT_LABEL = re.compile(r"\s+[\u4e00-\u9fff()（）]{2,10}\s*$")
_UNIT_NAME = r"(?:[\u4e00-\u9fff]{2,24}?(?:" + _UNIT_SUFFIX[3:-1] + r"|街道|镇|乡|苏木))"
# "现将2021年临溪市交通运输局整体支出…": the unit named in the sentence that introduces the report.
_UNIT_IN_INTRO = re.compile(r"现将\s*\d{4}\s*年度?\s*(" + _REGION_PREFIX + r"[\u4e00-\u9fff]{1,16}?"
                            + _UNIT_SUFFIX + r")(?=[\u4e00-\u9fff])(?!" + _UNIT_SUFFIX + r")")


def _unit_value(raw: str) -> str:
    """The unit after its label, without a next label on the same line; a unit printed with a space
    after its county (`富民县 自然资源局`) is one name, not a county and a label."""
    tail = _NEXT_LABEL.search(raw)
    if tail is None:
        return raw
    head, rest = raw[:tail.start()].strip(), tail.group(0).strip()
    if re.search(r"[县市区州旗]$", head) and re.search(_UNIT_SUFFIX + r"$", rest):
        return head + rest
    return head


def _department_from_text(text: str, tables: list[Table]) -> str | None:
    for table in tables:
        for row in table.rows:
            for i, cell in enumerate(row):
                if re.sub(r"\s+", "", cell) in ("项目实施单位", "实施单位", "项目单位", "单位名称", "预算单位"):
                    for value in row[i + 1:i + 3]:
                        if value.strip():
                            return value.strip()
    m = re.search(r"^\s*" + _UNIT_LABELS + r"(?:[:：]\s*|\s+)([^\n，。,；:：]{2,40})", text, re.M) or \
        re.search(_UNIT_LABELS + r"[:：]\s*([^\n，。,；:：]{2,40})", text) or \
        re.search(_UNIT_LABELS + r"\s+(" + _UNIT_NAME + r")(?=主管部门|评价类型|\s|$)", text)
    if m:
        value = _unit_value(m.group(1).strip())
        if value and not re.search(r"[□√R]$|^[(（]", value):
            return value
    # "预算单位桐安高新区管委会(行政主管部门)的XX工程": the unit named after its label in a sentence.
    m = re.search(r"(?:预算单位|项目实施单位|项目单位)(?:为)?([\u4e00-\u9fff]{2,20}?" + _UNIT_SUFFIX
                  + r"(?:[(（][\u4e00-\u9fff]{2,10}[)）])?)(?=的|[,，。；])", text)
    if m and not _masked(m.group(1)):
        return m.group(1)
    m = re.search(r"(?:由|以)((?:[\u4e00-\u9fff]{0,6}[县市区])?[\u4e00-\u9fff]{1,10}?" + _UNIT_SUFFIX + r")(?=主任|局长|按照|负责|牵头|组织|为)", text)
    if m:
        return m.group(1)
    m = _UNIT_IN_INTRO.search(text[:3000])
    if m:
        return m.group(1)
    # "…文件要求,青禾旗XX苏木人民政府组织开展了…", "(一)临溪市XX管理处2022年度共有5个项目": a unit with
    # its place name as the subject of the sentence that says what was evaluated.
    m = _UNIT_AS_SUBJECT.search(text[:3000])
    return m.group(1) if m else None


_UNIT_AS_SUBJECT = re.compile(r"(?<![\u4e00-\u9fff])(" + _REGION_PREFIX + r"[\u4e00-\u9fff]{1,16}?" + _UNIT_SUFFIX
                              + r")(?=组织开展|组织对|\d{4}年度?共有|共有\d+个项目)")


def _signature(paragraphs: list[str]) -> str | None:
    """The unit signing the report: a line that is only a unit's name among the last lines, above a date."""
    tail = paragraphs[-4:]
    for i, line in enumerate(tail):
        line = re.sub(r"[(（]盖章[)）]$", "", line.strip())
        if _UNIT_LINE.match(line) or re.fullmatch(_REGION_PREFIX + r"[\u4e00-\u9fff]{1,16}?(?:街道|镇|乡|苏木)"
                                                 r"(?:人民政府|办事处)?", line):
            following = tail[i + 1:]
            if following and re.match(r"^\d{4}\s*年\s*\d{1,2}\s*月", following[0]):
                return line
    return None


_PUBLISHER = re.compile(r"^\s*(?:发布机构|发文机关|发布单位)\s*[:：|]\s*\|?\s*(" + _UNIT_NAME + r")(?=\s|\||$)")


# "欢迎来到桐安县政协网站!": a unit's own site names the unit in its banner.
_SITE_BANNER = re.compile(r"^\s*欢迎(?:来到|访问|光临)(" + _REGION_PREFIX + r"[\u4e00-\u9fff]{2,16}?)(?:门户网站|官方网站|网站|官网)")


def publisher(lines: list[str], tables: list[Table] | None = None) -> str | None:
    """The unit a government page names as its publisher (发布机构), from the page as read."""
    for line in lines[:40]:
        m = _PUBLISHER.match(normalize_text(line))
        if m:
            return m.group(1)
    for line in lines[:5]:
        m = _SITE_BANNER.match(normalize_text(line))
        if m and not re.search(r"人民政府$", m.group(1)):
            return m.group(1)
    for table in tables or []:
        for row in table.rows[:10]:
            for i, cell in enumerate(row):
                if re.sub(r"[\s:：]", "", cell) in ("发布机构", "发文机关", "发布单位"):
                    value = next((v.strip() for v in row[i + 1:i + 2] if v.strip()), "")
                    if re.fullmatch(_UNIT_NAME, value):
                        return value
    return None


def original_lines(doc: Document) -> list[str]:
    """The document's paragraphs before page chrome was removed, read again from its file."""
    path = Path(doc.source) if doc.source else None
    if path is None or not path.is_file():
        return []
    from dashboard.ingest.readers import read_document

    try:
        return read_document(path).paragraphs[:40]
    except Exception:  # a file that reads once reads twice; any failure only loses this hint
        return []


def identify(record: EvaluationRecord, paragraphs: list[str], text: str, tables: list[Table],
             lines: list[str] | None = None) -> str | None:
    """Fill project name, units, region and year; return the report's title (None if it has none)."""
    title = _title(paragraphs)
    title_department, title_year, title_name = _parse_title(title) if title else (None, None, None)
    if title and title_name is None:
        # A generic page title ("工程项目绩效评价报告"): the report names itself in its first paragraphs.
        for p in paragraphs[:8]:
            m = _SELF_NAMED.search(p)
            if m:
                named_department, named_year, title_name = _parse_title(_clean_title(m.group(1)))
                title_department = title_department or named_department
                title_year = title_year or named_year
                break
    m = re.search(r"项目名称(?:[:：]\s*|\s+)([^\n。；|]{2,80})", text)
    label_name = None
    if m:
        label_name = re.split(r"(?:项目)?(?:主管部门|实施单位|项目单位|填报人|评价类型)[:：]?", m.group(1))[0].strip()
    if title_name and label_name and _squeeze(title_name) != _squeeze(label_name) \
            and _squeeze(title_name).endswith(_squeeze(label_name)):
        title_name = label_name  # "枫桥街道小区综合整新" in the title, "项目名称: 小区综合整新" on the cover
    record.project_name = _squeeze(title_name or label_name)
    if record.project_name is None and m is None:
        record.warnings.append("未找到项目名称")
    signature = _signature([line for line in (lines or paragraphs) if line.strip()])
    if title_department and signature and signature.startswith(title_department):
        title_department = signature  # "XX镇" in the title, "XX镇人民政府" signing the report
    record.department = _squeeze(title_department or _department_from_text(text, tables)
                                 or _unit_below_title(paragraphs, title) or signature)
    m = re.search(r"主管部门(?:[:：]\s*|\s+|为)([^\s，。,；|]{2,40})", text)
    supervising = m.group(1) if m else _table_label_value(tables, ("主管部门",))
    if m is None:
        # A form run together: "主管部门桐安区融媒体中心财政处室自评总分(分)95.4".
        run = re.search(r"主管部门(" + _REGION_PREFIX + r"[\u4e00-\u9fff]{1,16}?" + _UNIT_SUFFIX
                        + r")(?=财政处室|自评|部门联系人|联系人|实施单位)", text)
        supervising = run.group(1) if run else supervising
    if m and m.group(0).endswith("为" + m.group(1)):
        # "主管部门为X" in a sentence: the unit's name, not the words after it.
        named = re.match(r"[\u4e00-\u9fff]{1,20}" + _UNIT_SUFFIX + r"(?:[(（][\u4e00-\u9fff]{2,10}[)）])?"
                         r"(?=[^\u4e00-\u9fff]|项目|的|$)", supervising)
        supervising = named.group(0) if named else supervising
    if supervising:
        supervising = re.split(r"(?:填报人|联系人|联系电话|填报日期|评价类型|评价方式|项目单位|实施单位)", supervising)[0] or None
    record.supervising_department = None if _masked(supervising) else supervising
    if _masked(record.department):
        record.department = None
    record.region = fields.region_of(record.department, record.supervising_department)
    record.year = title_year or _year_from_text(text, _year_mentions(None, None, paragraphs))
    record.facts["title_year"] = title_year
    return title


def _masked(value: str | None) -> bool:
    """A value a bid-aggregator page hides from visitors ("点击登录查看", "****")."""
    return bool(value) and bool(re.search(r"点击登录|登录后查看|请登录|^\*+$|\*{3,}", value))


def year_mentions(title: str | None, record: EvaluationRecord, paragraphs: list[str], text: str) -> list[dict]:
    """Years the report names for itself: the title's, table titles', a stated 'X年度，我单位…'."""
    title_year = record.facts.pop("title_year", None)
    mentions = _year_mentions(title, title_year, paragraphs)
    stated = _STATED_YEAR.search(text)
    if stated:
        mentions.append({"year": int(stated.group(1)), "quote": sentence_around(text, stated.start(), stated.end())})
    return mentions


_STATED_YEAR = re.compile(r"(\d{4})年度[，,]?(?:我单位|我局|本单位|我办|我中心|我院)")


def _year_from_text(text: str, table_titles: list[dict]) -> int | None:
    """The fiscal year when the title has none: a stated one, a table title's, else the most named."""
    m = _STATED_YEAR.search(text)
    if m:
        return int(m.group(1))
    if table_titles:
        return table_titles[0]["year"]
    years = [int(y) for y in re.findall(r"(?<!\d)(20[0-4]\d|19[89]\d)年(?!\d{1,2}月)", text)]
    if not years:
        return None
    return Counter(years).most_common(1)[0][0]


def _squeeze(name: str | None) -> str | None:
    """Spaces a converter put between Chinese characters of a name ("富民县 教育体育局") removed."""
    if name is None:
        return None
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", name).strip() or None


def _table_label_value(tables: list[Table], labels: tuple[str, ...]) -> str | None:
    for table in tables:
        for row in table.rows:
            for i, cell in enumerate(row):
                if re.sub(r"\s+", "", cell) in labels:
                    for value in row[i + 1:i + 3]:
                        if value.strip():
                            return value.strip()
    return None



def _year_mentions(title: str | None, title_year: int | None, paragraphs: list[str]) -> list[dict]:
    mentions = []
    if title_year:
        mentions.append({"year": title_year, "quote": title})
    for p in paragraphs:
        if p == title or len(p) > 120:
            continue
        if re.search(r"(?:指标体系|打分表|评分表|自评表|评价表|目标表)", p):
            m = re.search(r"(\d{4})年度?", p)
            if m:
                mentions.append({"year": int(m.group(1)), "quote": p})
    return mentions

