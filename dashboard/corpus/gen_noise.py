"""What converters and web pages do to report text, applied to generated Documents.

Full-width digits, spaces inside numbers and before units, `[bookmark: _GoBack]` artifacts,
lines wrapped mid-sentence, the plain-text serialisation of tables (cell per line, tab rows, pipes),
and the page chrome of the site a report was saved from (breadcrumbs, 索引号 blocks, view counters,
sharing-site notices, page numbers), drawn from several invented site styles.
"""
from __future__ import annotations

import random
import re

from dashboard.ingest.document import Document, Paragraph, Table

_FULL = str.maketrans("0123456789%", "０１２３４５６７８９％")
_NUMBER_UNIT = re.compile(r"(\d)(万元|元|年|%|分)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?%?")


def fullwidth_numbers(text: str, rng: random.Random, share: float = 0.35) -> str:
    return _NUMBER.sub(lambda m: m.group(0).translate(_FULL) if rng.random() < share else m.group(0), text)


def spaced_numbers(text: str, rng: random.Random, share: float = 0.5) -> str:
    """'921.47万元' -> '921.47 万元', '2019年' -> '2019 年', as PDF converters leave them."""
    return _NUMBER_UNIT.sub(lambda m: f"{m.group(1)} {m.group(2)}" if rng.random() < share else m.group(0), text)


def add_noise(doc: Document, rng: random.Random, *, fullwidth: bool, spaced: bool, bookmarks: bool) -> None:
    """Noise on paragraph text (and a bookmark in a table cell now and then), in place."""
    paragraphs = [b for b in doc.blocks if isinstance(b, Paragraph)]
    for para in paragraphs[1:]:  # the title is left alone: converters rarely touch it
        if fullwidth:
            para.text = fullwidth_numbers(para.text, rng)
        if spaced:
            para.text = spaced_numbers(para.text, rng)
    if bookmarks and len(paragraphs) > 3:
        for para in rng.sample(paragraphs[1:], min(2, len(paragraphs) - 1)):
            para.text = "[bookmark: _GoBack]" + para.text
        tables = doc.tables
        if tables and rng.random() < 0.3:
            table = rng.choice(tables)
            row = rng.choice(table.rows[1:] or table.rows)
            col = rng.randrange(len(row))
            if row[col]:
                row[col] = "[bookmark: _GoBack]" + row[col]


def _wrap(text: str, rng: random.Random) -> str:
    """Break a long line mid-sentence, never next to a digit, a point, a percent sign or a unit."""
    if len(text) < 45:
        return text
    out, start = [], 0
    while len(text) - start > 45:
        cut = start + rng.randint(30, 40)
        while cut < len(text) - 1 and not _safe_cut(text, cut):
            cut += 1
        if cut >= len(text) - 1:
            break
        out.append(text[start:cut])
        start = cut
    out.append(text[start:])
    return "\n".join(out)


_UNSAFE = set("0123456789.%０１２３４５６７８９％万元年月日分号〔〕（）()：:")


def _safe_cut(text: str, i: int) -> bool:
    window = text[max(0, i - 3): i + 3]
    return not any(ch in _UNSAFE for ch in window)


def to_text(doc: Document, rng: random.Random, *, table_style: str, wrap: bool) -> str:
    """The Document as a converted .txt file would hold it."""
    lines: list[str] = []
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            text = block.text
            if wrap and i > 0 and not text.startswith(("一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、")):
                text = _wrap(text, rng)
            lines.append(text)
            if table_style == "cell":
                lines.append("")
            continue
        lines.extend(_table_lines(block, table_style))
    if rng.random() < CHROME_SHARE:  # a report saved from a web page keeps the page around it
        lines = chrome_text(lines, rng)
    return "\n".join(lines) + "\n"


def _table_lines(table: Table, style: str) -> list[str]:
    lines: list[str] = []
    if style == "cell":
        lines.append("")
        for row in table.rows:
            for cell in row:
                lines.append("\t" + cell)  # continuation lines of a multi-line cell carry no tab
            lines.append("")
        return lines
    if style == "pipe":
        lines.append("")
        for k, row in enumerate(table.rows):
            lines.append("| " + " | ".join(cell.replace("\n", "") for cell in row) + " |")
            if k == 0:
                lines.append("|" + "---|" * len(row))
        lines.append("")
        return lines
    for row in table.rows:
        lines.append("\t".join(cell.replace("\n", "") for cell in row))
    return lines


# ---- page chrome: what a government site or a document-sharing site wraps around a report ----------
# Every line below is invented wording in the style of the sites listed in
# tests/fixtures/real_layouts/SOURCES.md; none is copied from a page.

CHROME_SHARE = 0.3  # of web-text reports (txt files) and web-text forms (cells, pipe, flat)
CHROME_STYLES = ("portal", "openinfo", "bracketed", "share", "media")

_NAV = ("首页 政务公开 政务服务 互动交流 走进{county}", "首页 信息公开 办事服务 政民互动 数据发布",
        "首页 机构概况 新闻动态 政务公开 专题专栏")
_CRUMBS = ("首页 > 信息公开 > 财政预决算 > 绩效评价", "当前位置：首页 >> 政府信息公开 >> 法定主动公开内容 >> 预决算",
           "您当前位置：首页 > 部门信息公开 > 财政资金 > 绩效自评", "首页 » 政务公开 » 财政信息 » 预算绩效管理",
           "您的位置：首页 > 通知公告")
_ADS = ("VIP会员限时特惠，海量文档免费下载", "【推荐】开通会员即可免费下载全站文档", "下载文档 | 上传文档 | 文档贡献者中心")


def _county(publisher: str) -> str:
    m = re.match(r"^([\u4e00-\u9fff]{1,3}[县区市])", publisher)
    return m.group(1) if m else "本县"


def _date(rng: random.Random, year: int) -> str:
    return f"{year + 1}-{rng.randint(3, 9):02d}-{rng.randint(1, 28):02d}"


def page_chrome(rng: random.Random, *, title: str, publisher: str, year: int,
                style: str | None = None, file_name_line: bool = False) -> tuple[list[str], list[str]]:
    """(lines before the report, lines after it) in one invented site style.

    `file_name_line`: a sharing site's page starts with the document's file name ('XX报告.docx');
    off for narrative reports, whose title reader takes that line into the project name.
    """
    style = style or rng.choice(CHROME_STYLES)
    county = _county(publisher)
    date = _date(rng, year)
    index_no = f"1153{rng.randint(10 ** 9, 10 ** 10 - 1)}/{year + 1}-{rng.randint(1, 999):05d}"
    before: list[str] = []
    after: list[str] = []
    if style == "portal":
        before += [rng.choice(_NAV).format(county=county), rng.choice(_CRUMBS)]
        if rng.random() < 0.5:
            before.append(title)  # the page heading, printed again above the article
        before.append(rng.choice((f"发布时间：{date} 来源：{publisher} 浏览次数：",
                                  f"浏览次数：{rng.randint(20, 900)} 来源：{publisher} 时间：{date}",
                                  f"发布时间：{date}  作者：  来源：本站  【字体：大 中 小】")))
        if rng.random() < 0.5:
            before.append("【字体：大 中 小】 【打印本页】 【关闭窗口】")
        after += ["【打印本页】【关闭窗口】", "扫一扫在手机打开当前页"]
    elif style == "openinfo":
        before += [rng.choice(_CRUMBS[1:3]), f"索引号：{index_no}", f"发布机构：{publisher}",
                   f"发布日期：{date}", "文号：无", "主题分类：财政"]
        if rng.random() < 0.5:
            before.insert(2, "公开方式：主动公开")
        after += ["上一篇：关于调整部分办事指南的公告", "下一篇：政府信息公开工作年度报表", "网站标识码：5301240000"]
    elif style == "bracketed":
        before += [rng.choice(_CRUMBS), f"[ 索引号 ] {index_no}", f"[ 发布机构 ] {publisher}",
                   f"[ 发布日期 ] {date}", "[ 文号 ] "]
        after += ["扫一扫在手机打开当前页", "相关链接：财政预决算公开专栏"]
    elif style == "share":
        if rng.random() < 0.6:
            before.append(rng.choice(_ADS))  # a stray advertising line above everything
        if file_name_line:
            before.append(f"{title}.docx")
        before += [f"《{title}.docx》由会员分享，可在线阅读，更多相关文档请在本站搜索。",
                   f"- {rng.randint(12, 380)}.{rng.randint(10, 99)} KB", f"- {date} 发布",
                   "本文档由用户上传，本站不保证内容的准确性与完整性，版权归属内容提供方。"]
        after += ["- 1、本文档共若干页，下载前请先预览。", "- 2、本站不保证文档内容完整，如有侵权请联系网站客服。"]
    else:  # media: a news-site article header
        before += [rng.choice(_CRUMBS), f"来源：{publisher}  编辑：{rng.choice(('陈', '林', '吴', '何'))}某",
                   f"发布时间：{date}", "分享到："]
        after += ["版权所有：本站  技术支持：信息中心", "网站标识码：5301240000"]
    return before, after


def inline_chrome(rng: random.Random, *, publisher: str, year: int) -> str:
    """A page header flattened into the first line of a one-line page (breadcrumb, then the counters)."""
    crumb = rng.choice(("首页 > 信息公开 > 财政预决算 > 绩效评价", "首页 >> 政务公开 >> 财政信息",
                        "当前位置：首页 » 部门预决算 » 绩效自评"))
    head = f"浏览次数: {rng.randint(20, 900)} 来源: {publisher} 时间: {_date(rng, year)}"
    if rng.random() < 0.6:
        head += " 文字大小:[ 大 中 小 ] 背景色:"
    return f"{crumb} {head} "


def page_marks(lines: list[str], rng: random.Random, *, share: float = 0.5, between_rows: bool = False) -> list[str]:
    """Page-number lines a printed page leaves between paragraphs ('- 2 -', '第2页 共3页').

    Only between two lines of running text, or with `between_rows` between two rows of a pipe
    table; never between the cells of a one-cell-per-line table (the reader loses the row there).
    """
    if rng.random() >= share:
        return lines
    if between_rows:
        spots = [i for i in range(4, len(lines) - 2) if lines[i - 1].startswith("|") and lines[i].startswith("|")]
    else:
        spots = [i for i in range(4, len(lines) - 2) if _plain(lines[i - 1]) and _plain(lines[i])]
    if not spots:
        return lines
    pages = min(rng.randint(2, 4), len(spots) + 1)
    chosen = sorted(rng.sample(spots, pages - 1))
    dash = rng.random() < 0.5
    out = list(lines)
    for k, at in reversed(list(enumerate(chosen, start=1))):
        out.insert(at, f"- {k} -" if dash else f"第{k}页 共{pages}页")
    return out


_LIST_ITEM = re.compile(r"^\s*(?:\[bookmark:[^\]]*\])?\s*(?:[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|[一二三四五六七八九十]+、)")


def _plain(line: str) -> bool:
    """Running text a page break may fall next to: not a table line, not an item of a numbered list.

    (The reader ends a 存在问题 list at a page-number line, so marks never split a list.)
    """
    return (bool(line.strip()) and "\t" not in line and not line.lstrip().startswith("|")
            and not _LIST_ITEM.match(line))


_UNIT_IN_TEXT = re.compile(r"(?<![\u4e00-\u9fff])(?:关于)?([\u4e00-\u9fff]{1,3}县[\u4e00-\u9fff]{1,12}?(?:局|委员会|中心|办公室|人民政府))")
_YEAR_IN_TEXT = re.compile(r"(20[12]\d)\s*年")


def chrome_text(lines: list[str], rng: random.Random) -> list[str]:
    """A converted report's lines inside one invented page: chrome before and after, page numbers inside."""
    body = [line for line in lines if line.strip()]
    title = body[0].strip() if body else ""
    head = "\n".join(body[:12])
    unit = _UNIT_IN_TEXT.search(head)
    year = _YEAR_IN_TEXT.search(head)
    before, after = page_chrome(rng, title=title, publisher=unit.group(1) if unit else "本站",
                                year=int(year.group(1)) if year else 2023)
    return before + page_marks(lines, rng) + after
