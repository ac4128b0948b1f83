"""The shared sidebar filters: the Filters value, its URL form (st.query_params) and the widgets.

Filters reach pages through session state (`current()`); the URL mirrors them so a filtered view can
be shared and survives a reload. URL values are checked against what the warehouse holds: anything
unknown, malformed or oversized is ignored with a visible notice and never reaches a query.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

GRADES = ("优", "良", "中", "差")
KIND_LABELS = {
    "project_self": "项目支出自评",
    "department_self": "部门整体支出自评",
    "external": "财政重点评价/第三方评价",
}
# What the 评价类型 filter selects before anyone touches it: project self-evaluations only, so that
# money is never summed with the department-wide and external reports that cover it again.
DEFAULT_KINDS = ("project_self",)
# The URL value for "every kind" (an empty selection).
URL_ALL_KINDS = "all"
# URL parameter of each filter.
URL_DEPARTMENTS = "dept"
URL_YEAR_FROM = "year_from"
URL_YEAR_TO = "year_to"
URL_REGION = "region"
URL_GRADE = "grade"
URL_KIND = "kind"
URL_DOUBTFUL = "doubtful"
URL_YEAR_UNKNOWN = "year_unknown"
URL_KEYS = (URL_DEPARTMENTS, URL_YEAR_FROM, URL_YEAR_TO, URL_REGION, URL_GRADE, URL_KIND, URL_DOUBTFUL,
            URL_YEAR_UNKNOWN)
# Widget keys (tests find the widgets by these).
KEY_DEPARTMENTS = "filter_departments"
KEY_YEAR_FROM = "filter_year_from"
KEY_YEAR_TO = "filter_year_to"
KEY_REGION = "filter_region"
KEY_GRADE = "filter_grade"
KEY_KIND = "filter_kind"
KEY_DOUBTFUL = "filter_doubtful"
KEY_YEAR_UNKNOWN = "filter_year_unknown"
KEY_RESET = "filter_reset"
WIDGET_KEYS = (KEY_DEPARTMENTS, KEY_YEAR_FROM, KEY_YEAR_TO, KEY_REGION, KEY_GRADE, KEY_KIND, KEY_DOUBTFUL,
               KEY_YEAR_UNKNOWN)
STATE_FILTERS = "filters"
STATE_NOTICES = "filter_notices"
STATE_INITIALISED = "filters_initialised"
# No real unit name or year is this long; longer URL values are refused before any lookup.
MAX_URL_VALUE_CHARS = 200
MAX_URL_DEPARTMENTS = 200
# Reports whose unit or year the reader could not find are their own groups, never merged into another:
# the unit filter offers UNKNOWN_UNIT (bound to queries as ''), the year filter a 年度不详 switch.
UNKNOWN_UNIT = "单位不详"
UNKNOWN_YEAR = "年度不详"
_YEAR = re.compile(r"^\d{4}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
ALL_LABEL = "全部"


@dataclass(frozen=True)
class Filters:
    """The shared filters; empty departments and None mean 'all'."""

    departments: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    region: str | None = None
    grade: str | None = None
    kinds: tuple[str, ...] = DEFAULT_KINDS  # empty: every kind
    include_doubtful: bool = False  # count amounts marked 待核实 (money figures only; not a query filter)
    year_unknown: bool = False  # only the reports whose year is not known (year_from/year_to then unset)

    def params(self) -> dict:
        """The shared query parameters ($departments ... $kinds), bound by every read query."""
        return {
            "departments": [("" if d == UNKNOWN_UNIT else d) for d in self.departments] or None,
            "year_from": self.year_from,
            "year_to": self.year_to,
            "region": self.region,
            "grade": self.grade,
            "kinds": list(self.kinds) or None,
            "year_unknown": self.year_unknown,
        }

    def key(self) -> tuple:
        """A hashable, picklable form for cache keys."""
        return (self.departments, self.year_from, self.year_to, self.region, self.grade, self.kinds,
                self.include_doubtful, self.year_unknown)

    @classmethod
    def from_key(cls, key: tuple) -> Filters:
        departments, year_from, year_to, region, grade, kinds, include_doubtful, year_unknown = key
        return cls(tuple(departments), year_from, year_to, region, grade, tuple(kinds), include_doubtful,
                   year_unknown)

    def is_all(self) -> bool:
        """No filter changed from its default."""
        return self == Filters()

    def with_kinds(self, kinds: tuple[str, ...]) -> Filters:
        return Filters(self.departments, self.year_from, self.year_to, self.region, self.grade, tuple(kinds),
                       self.include_doubtful, self.year_unknown)

    def selected_kinds(self) -> tuple[str, ...]:
        """The kinds this filter lets through (every kind when the selection is empty)."""
        return self.kinds or tuple(KIND_LABELS)

    def url_params(self) -> dict[str, str | list[str]]:
        """The URL form: only the filters that are set."""
        out: dict[str, str | list[str]] = {}
        if self.departments:
            out[URL_DEPARTMENTS] = list(self.departments)
        if self.year_from is not None:
            out[URL_YEAR_FROM] = str(self.year_from)
        if self.year_to is not None:
            out[URL_YEAR_TO] = str(self.year_to)
        if self.region is not None:
            out[URL_REGION] = self.region
        if self.grade is not None:
            out[URL_GRADE] = self.grade
        if self.kinds != DEFAULT_KINDS:
            out[URL_KIND] = list(self.kinds) or [URL_ALL_KINDS]
        if self.include_doubtful:
            out[URL_DOUBTFUL] = "1"
        if self.year_unknown:
            out[URL_YEAR_UNKNOWN] = "1"
        return out

    def describe(self) -> str:
        """The scope in words, for captions (plain text: show with st.text or escaped)."""
        parts = []
        if self.departments:
            shown = "、".join(self.departments[:3]) + (f" 等{len(self.departments)}个单位" if len(self.departments) > 3 else "")
            parts.append(shown)
        if self.year_unknown:
            parts.append(UNKNOWN_YEAR)
        elif self.year_from is not None or self.year_to is not None:
            if self.year_from == self.year_to:
                parts.append(f"{self.year_from}年度")
            else:
                parts.append(f"{self.year_from or '最早'}—{self.year_to or '最近'}年度")
        if self.region:
            parts.append(self.region)
        if self.grade:
            parts.append(f"等级{self.grade}")
        parts.append("、".join(KIND_LABELS[k] for k in self.kinds) if self.kinds else "全部评价类型")
        return "，".join(parts) if parts else "全部报告"


@dataclass(frozen=True)
class FilterOptions:
    """The values the filters can take, as present in the warehouse."""

    departments: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    regions: tuple[str, ...] = ()
    grades: tuple[str, ...] = GRADES
    kinds: tuple[str, ...] = tuple(KIND_LABELS)
    has_unknown_year: bool = False  # some reports state no year: the 年度不详 switch is offered


@dataclass
class ParsedUrl:
    filters: Filters
    notices: list[str] = field(default_factory=list)


def _usable(name: str, values: Sequence[str], notices: list[str]) -> list[str]:
    """Values short and free of control characters (NUL included); the rest noticed and dropped."""
    kept = []
    refused = 0
    for value in values:
        if not isinstance(value, str) or len(value) > MAX_URL_VALUE_CHARS or _CONTROL.search(value):
            refused += 1
        else:
            kept.append(value.strip())
    if refused:
        notices.append(f"网址参数「{name}」有 {refused} 个值过长或含有不可见字符，已忽略。")
    return kept


def _single(name: str, values: Sequence[str], notices: list[str]) -> str | None:
    kept = _usable(name, values, notices)
    if len(kept) > 1:
        notices.append(f"网址参数「{name}」出现了 {len(kept)} 次，只使用第一个。")
    return kept[0] if kept else None


def _year(name: str, values: Sequence[str], years: tuple[int, ...], notices: list[str]) -> int | None:
    value = _single(name, values, notices)
    if value is None or value == "":
        return None
    if not _YEAR.match(value):
        notices.append(f"网址参数「{name}」不是四位数的年度，已忽略。")
        return None
    year = int(value)
    if year not in years:
        notices.append(f"网址参数「{name}」指定的 {year} 年度在仓库中没有报告，已忽略。")
        return None
    return year


def parse_url(raw: Mapping[str, Sequence[str]], options: FilterOptions) -> ParsedUrl:
    """Filters from URL parameters (each key to all its values), with a notice for each value ignored."""
    notices: list[str] = []
    departments: list[str] = []
    names = _usable(URL_DEPARTMENTS, list(raw.get(URL_DEPARTMENTS, ()))[:MAX_URL_DEPARTMENTS + 1], notices)
    if len(raw.get(URL_DEPARTMENTS, ())) > MAX_URL_DEPARTMENTS:
        notices.append(f"网址参数「{URL_DEPARTMENTS}」的单位过多，只使用前 {MAX_URL_DEPARTMENTS} 个。")
        names = names[:MAX_URL_DEPARTMENTS]
    known = set(options.departments)
    unknown = 0
    for name in names:
        if name in known:
            if name not in departments:
                departments.append(name)
        elif name:
            unknown += 1
    if unknown:
        notices.append(f"网址参数「{URL_DEPARTMENTS}」中有 {unknown} 个单位在仓库中不存在，已忽略。")

    year_from = _year(URL_YEAR_FROM, raw.get(URL_YEAR_FROM, ()), options.years, notices)
    year_to = _year(URL_YEAR_TO, raw.get(URL_YEAR_TO, ()), options.years, notices)
    if year_from is not None and year_to is not None and year_from > year_to:
        notices.append("网址参数中的起始年度晚于截止年度，已忽略截止年度。")
        year_to = None

    def choice(name: str, allowed: tuple[str, ...], what: str) -> str | None:
        value = _single(name, raw.get(name, ()), notices)
        if value is None or value == "":
            return None
        if value not in allowed:
            notices.append(f"网址参数「{name}」不是已知的{what}，已忽略。")
            return None
        return value

    region = choice(URL_REGION, options.regions, "地区")
    grade = choice(URL_GRADE, GRADES, "等级（优、良、中、差）")
    kinds = _kinds(raw.get(URL_KIND, ()), notices)
    doubtful = _single(URL_DOUBTFUL, raw.get(URL_DOUBTFUL, ()), notices) == "1"
    year_unknown = options.has_unknown_year and _single(URL_YEAR_UNKNOWN, raw.get(URL_YEAR_UNKNOWN, ()), notices) == "1"
    if year_unknown:
        year_from = year_to = None
    return ParsedUrl(Filters(tuple(departments), year_from, year_to, region, grade, kinds, doubtful, year_unknown),
                     notices)


def _kinds(values: Sequence[str], notices: list[str]) -> tuple[str, ...]:
    """The URL's kinds: absent is the default, `all` is every kind, unknown values are dropped."""
    kept = _usable(URL_KIND, list(values)[:len(KIND_LABELS) + 1], notices)
    if not kept or kept == [""]:
        return DEFAULT_KINDS
    if URL_ALL_KINDS in kept:
        return ()
    kinds = tuple(k for k in KIND_LABELS if k in kept)
    if len(kinds) < len(set(kept)):
        notices.append(f"网址参数「{URL_KIND}」含有未知的评价类型，已忽略。")
    return kinds or DEFAULT_KINDS


# ---------------------------------------------------------------------------------------------
# Streamlit side


def _query_params_dict() -> dict[str, list[str]]:
    import streamlit as st

    return {key: st.query_params.get_all(key) for key in URL_KEYS if key in st.query_params}


def _sanitise_state(options: FilterOptions) -> None:
    """Drop widget values the warehouse no longer offers (e.g. after a load replaced it)."""
    import streamlit as st

    state = st.session_state
    state[KEY_DEPARTMENTS] = [d for d in state.get(KEY_DEPARTMENTS, []) if d in options.departments]
    for key, allowed in ((KEY_YEAR_FROM, options.years), (KEY_YEAR_TO, options.years),
                         (KEY_REGION, options.regions), (KEY_GRADE, GRADES)):
        if state.get(key) not in allowed:
            state[key] = None
    state[KEY_KIND] = [k for k in state.get(KEY_KIND, DEFAULT_KINDS) if k in KIND_LABELS]
    state[KEY_YEAR_UNKNOWN] = bool(state.get(KEY_YEAR_UNKNOWN)) and options.has_unknown_year


def _set_state(filters: Filters) -> None:
    import streamlit as st

    st.session_state[KEY_DEPARTMENTS] = list(filters.departments)
    st.session_state[KEY_YEAR_FROM] = filters.year_from
    st.session_state[KEY_YEAR_TO] = filters.year_to
    st.session_state[KEY_REGION] = filters.region
    st.session_state[KEY_GRADE] = filters.grade
    st.session_state[KEY_KIND] = list(filters.kinds)
    st.session_state[KEY_DOUBTFUL] = filters.include_doubtful
    st.session_state[KEY_YEAR_UNKNOWN] = filters.year_unknown


def _on_change() -> None:
    import streamlit as st

    st.session_state[STATE_NOTICES] = []


def _on_reset() -> None:
    _set_state(Filters())
    _on_change()


def _write_url(filters: Filters) -> None:
    """Mirror the filters into the URL, leaving other parameters (evaluation, project) alone."""
    import streamlit as st

    wanted = filters.url_params()
    for key in URL_KEYS:
        if key in wanted:
            value = wanted[key]
            current = st.query_params.get_all(key)
            if current != (value if isinstance(value, list) else [value]):
                st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]


def sidebar(options: FilterOptions) -> Filters:
    """Render the shared filters in the sidebar; returns them and keeps them in session state and the URL."""
    import streamlit as st

    state = st.session_state
    if not state.get(STATE_INITIALISED):
        parsed = parse_url(_query_params_dict(), options)
        _set_state(parsed.filters)
        state[STATE_NOTICES] = parsed.notices
        state[STATE_INITIALISED] = True
    elif any(key not in state for key in WIDGET_KEYS) and isinstance(state.get(STATE_FILTERS), Filters):
        # st.switch_page drops the entrypoint's widget state; the plain copy of the filters survives.
        _set_state(state[STATE_FILTERS])
    _sanitise_state(options)

    def year_label(year: int | None) -> str:
        return ALL_LABEL if year is None else f"{year}年"

    def plain(value: str | None) -> str:
        return ALL_LABEL if value is None else value

    with st.sidebar:
        st.header("筛选")
        st.multiselect("单位", options.departments, key=KEY_DEPARTMENTS, placeholder="全部单位",
                       on_change=_on_change)
        year_unknown = bool(state.get(KEY_YEAR_UNKNOWN))
        left, right = st.columns(2)
        with left:
            st.selectbox("起始年度", (None, *options.years), key=KEY_YEAR_FROM, format_func=year_label, placeholder=ALL_LABEL,
                         on_change=_on_change, disabled=year_unknown)
        with right:
            st.selectbox("截止年度", (None, *options.years), key=KEY_YEAR_TO, format_func=year_label, placeholder=ALL_LABEL,
                         on_change=_on_change, disabled=year_unknown)
        if options.has_unknown_year:
            st.checkbox(f"只看{UNKNOWN_YEAR}的报告", key=KEY_YEAR_UNKNOWN, on_change=_on_change,
                        help="报告中没有写明年度、读取时也无法推定的，单独归为「年度不详」，不并入任何年度。")
        st.selectbox("地区", (None, *options.regions), key=KEY_REGION, format_func=plain, placeholder=ALL_LABEL,
                     on_change=_on_change)
        st.selectbox("自评等级", (None, *GRADES), key=KEY_GRADE, format_func=plain, placeholder=ALL_LABEL,
                     on_change=_on_change)
        st.multiselect("评价类型", tuple(KIND_LABELS), key=KEY_KIND, format_func=KIND_LABELS.get,
                       placeholder="全部类型", on_change=_on_change,
                       help="默认只看项目支出自评。金额与执行率按类型分别统计，部门整体支出评价和财政重点/第三方评价"
                            "覆盖的是同一笔资金，从不与项目相加。")
        st.toggle("计入待核实的金额", key=KEY_DOUBTFUL, on_change=_on_change,
                  help="金额或执行率不合常理（如疑为以元计的金额、超过150%的执行率）的报告标为待核实，默认不计入"
                       "合计、加权执行率和排名；打开后计入。待核实清单见「数据管理」。")
        st.button("清除筛选", key=KEY_RESET, on_click=_on_reset)
        year_from, year_to = (None, None) if year_unknown else (state[KEY_YEAR_FROM], state[KEY_YEAR_TO])
        if year_from is not None and year_to is not None and year_from > year_to:
            st.warning("起始年度晚于截止年度，已按两者互换处理。")
            year_from, year_to = year_to, year_from
        for notice in state.get(STATE_NOTICES, []):
            st.warning(notice)  # fixed texts: no URL value is echoed

    filters = Filters(tuple(state[KEY_DEPARTMENTS]), year_from, year_to, state[KEY_REGION],
                      state[KEY_GRADE], tuple(k for k in KIND_LABELS if k in state[KEY_KIND]),
                      bool(state.get(KEY_DOUBTFUL, False)), year_unknown)
    state[STATE_FILTERS] = filters
    _write_url(filters)
    return filters


def current() -> Filters:
    """The filters the sidebar set on this run (all reports when none)."""
    import streamlit as st

    value = st.session_state.get(STATE_FILTERS)
    return value if isinstance(value, Filters) else Filters()
