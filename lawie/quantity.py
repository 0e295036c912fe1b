"""Quantity normalizer: a COUNT span's text → value, unit, qualifier, change.

Table-driven in the manner of Duckling / Recognizers-Text: the tables below are
the grammar; ``cn2an`` reads the numerals (Arabic, Chinese, mixed, 万/亿).

    >>> parse_quantity("1.8万余人次")
    Quantity(value=18000, unit='人次', qualifier='more_than', change=False, direction=None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

# Qualifier words before the number, longest first.
PREFIX_QUALIFIERS: dict[str, str] = {
    "不少于": "at_least",
    "不低于": "at_least",
    "不超过": "at_most",
    "不高于": "at_most",
    "超过": "over",
    "大约": "about",
    "将近": "nearly",
    "接近": "nearly",
    "超": "over",
    "逾": "over",
    "近": "nearly",
    "约": "about",
}
# Qualifier words between number and unit (余, 多) or after the unit.
INNER_QUALIFIERS: dict[str, str] = {"余": "more_than", "多": "more_than"}
SUFFIX_QUALIFIERS: dict[str, str] = {"以上": "more_than", "余": "more_than", "多": "more_than", "左右": "about"}

# Units and classifiers a COUNT may end in. A unit is one of these, optionally
# preceded by 个 (个工作日) and followed by 次 (场次, 件次, 轮次).
UNITS: tuple[str, ...] = (
    "%", "‰", "个百分点", "百分点", "倍", "成",
    "元", "美元", "欧元",
    "件", "人", "名", "家", "户", "个", "项", "条", "份", "次", "场", "起", "宗", "台", "期",
    "轮", "批", "处", "所", "支", "类", "篇", "部", "本", "册", "套", "张", "块", "幅", "座",
    "间", "栋", "辆", "艘", "架", "只", "头", "株", "棵", "位", "组", "队", "届", "门", "节",
    "堂", "课", "讲", "度", "大", "村", "校", "镇", "乡", "县", "市", "省", "区", "国", "类别",
    "亩", "公顷", "公里", "千米", "米", "平方米", "平方公里", "立方米", "吨", "千克", "公斤", "斤",
    "千瓦", "千瓦时", "瓦", "兆瓦", "吉瓦", "度电", "标准箱", "标箱", "亿千瓦时",
    "天", "日", "小时", "分钟", "秒", "周", "个月", "月", "学时", "课时", "工作日", "个工作日",
    "岁", "字", "篇次", "人次", "件次", "场次", "户次", "家次", "批次", "轮次", "期次", "个次",
)
_UNIT_RE = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))

_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CHINESE = r"[零〇一二两三四五六七八九十百千]+"
_MAGNITUDE = r"(?:万亿|千万|百万|十万|万|亿|千)"
NUMBER = rf"(?:{_ARABIC}{_MAGNITUDE}?|{_CHINESE}{_MAGNITUDE}?)"

_PREFIX_RE = "|".join(sorted(PREFIX_QUALIFIERS, key=len, reverse=True))
_QUANTITY = re.compile(
    rf"^(?P<prefix>{_PREFIX_RE})?(?P<number>{NUMBER})(?P<inner>余|多)?"
    rf"(?P<unit>(?:{_UNIT_RE})(?:[(（]次[)）])?)?(?P<suffix>以上|左右|余|多)?$"
)
# Chinese-numeral "counts" that are articles, not quantities: 一批, 一站式, 一些.
_ARTICLE_UNITS = {"批", "些", "站", "体", "起", "度", "大"}

# --- change cues -------------------------------------------------------------
_UP = "增长|增加|上升|提高|提升|增幅|上涨|多出|扩大|翻"
_DOWN = "下降|减少|降低|下滑|压减|精简|缩短|压缩|减轻|降幅|回落|削减|缩减"
_COMPARATIVE = re.compile(r"同比|环比|比上年|比去年|较上年|较去年|比20\d\d年|较20\d\d年|比上一年|较上一年|年均")
_CHANGE_VERB = re.compile(rf"(?P<up>{_UP})|(?P<down>{_DOWN})")
_RELATIVE_UNITS = {"%", "‰", "个百分点", "百分点", "倍", "成"}
_TO_LEVEL = re.compile(r"(?:至|到|为)$")
_MONEY_CONTEXT = re.compile(r"损失|金额|资金|经费|费用|收入|投资|投入|罚款|罚没|补贴|补助|奖励|税|款|资产|营收|产值")
_CLAUSE_BREAK = re.compile(r"[，,。；;！？!?：:\n]")


@dataclass(frozen=True)
class Quantity:
    """What a COUNT says: ``value`` in ``unit``, how exact, and whether it is a change."""

    value: float
    unit: str
    qualifier: str | None = None
    change: bool = False
    direction: str | None = None


def parse_quantity(text: str, context_before: str = "") -> Quantity | None:
    """Read a COUNT span; ``None`` when it is not a quantity (ranks, names, years, outline numbers).

    ``context_before`` is the text in front of the span (its clause is enough); it
    decides ``change``: 同比增长400% is a change, 增加到15项 is a level.
    """
    m = _QUANTITY.match(text.strip())
    if not m or _looks_like_article(m) or _is_tier(m):
        return None
    unit = re.sub(r"[(（)）]", "", m.group("unit") or "")
    if not unit and not re.search(_MAGNITUDE, m.group("number")):
        return None  # a bare number (12348, 2.0) names or numbers something; it counts nothing
    value = read_number(m.group("number"))
    if value is None:
        return None
    if not unit and _MONEY_CONTEXT.search(_CLAUSE_BREAK.split(context_before)[-1]):
        unit = "元"  # 挽回经济损失107万: an amount of money with its 元 left unwritten
    qualifier = _qualifier(m)
    change, direction = detect_change(context_before, unit)
    return Quantity(value, unit, qualifier, change, direction)


def read_number(number: str) -> float | None:
    """Arabic, Chinese or mixed numerals with 万/亿 applied; ``None`` if unreadable."""
    try:
        value = cn2an.cn2an(number.replace(",", ""), "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return int(value) if float(value).is_integer() else float(value)


def detect_change(context_before: str, unit: str) -> tuple[bool, str | None]:
    """A change is a change verb in the count's clause, with a baseline (同比, 比上年…)
    or a relative unit (%, 倍), and not a move *to* a level (增加到15项, 降低至38%)."""
    clause = _CLAUSE_BREAK.split(context_before)[-1].rstrip()
    if _TO_LEVEL.search(clause) or clause.endswith("由"):
        return False, None
    verbs = list(_CHANGE_VERB.finditer(clause))
    if not verbs:
        return False, None
    if not (_COMPARATIVE.search(clause) or unit in _RELATIVE_UNITS):
        return False, None
    return True, "up" if verbs[-1].group("up") else "down"


def _qualifier(m: re.Match[str]) -> str | None:
    for word, table in ((m.group("prefix"), PREFIX_QUALIFIERS), (m.group("inner"), INNER_QUALIFIERS)):
        if word:
            return table[word]
    return SUFFIX_QUALIFIERS.get(m.group("suffix") or "")


def _looks_like_article(m: re.Match[str]) -> bool:
    """一 + a few classifiers is an article (一批骨头案), not the number one."""
    return m.group("number") == "一" and (m.group("unit") or "") in _ARTICLE_UNITS


def _is_tier(m: re.Match[str]) -> bool:
    return (m.group("unit") or "") == "级"
