"""Quantity normalizer: a COUNT span's text → value, unit, qualifier, change.

Table-driven in the manner of Duckling / Recognizers-Text: the tables below are
the grammar; ``cn2an`` reads the numerals (Arabic, Chinese, mixed, 万/亿).

    >>> parse_quantity("1.8万余人次")
    Quantity(value=18000, unit='人次', qualifier='more_than', change=False, direction=None)
"""

from __future__ import annotations

import math
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

# Units and classifiers a COUNT may end in. Any of them may take a trailing 次
# (场次, 亩次, 艘次), a bracketed second unit (台（套）, 场(次)) or a per-unit (元/人, 吨/年).
# fmt: off
UNITS: tuple[str, ...] = (
    "%", "‰", "个百分点", "百分点", "倍", "成",
    "元", "美元", "欧元", "分",
    "件", "人", "名", "家", "户", "个", "个批次", "项", "条", "份", "次", "场", "起", "宗", "台", "期",
    "轮", "批", "处", "所", "支", "类", "大类", "篇", "部", "本", "册", "套", "张", "块", "幅", "座",
    "间", "栋", "辆", "艘", "架", "只", "头", "株", "棵", "位", "组", "队", "门", "节", "种", "款",
    "颗", "列", "单", "堂", "课", "讲", "度", "大", "方面", "村", "校", "镇", "乡", "县", "市", "省", "区", "国",
    "亩", "公顷", "公里", "千米", "米", "平方米", "平方公里", "立方米", "方", "吨", "吨标准煤", "千克",
    "公斤", "斤", "千瓦", "千瓦时", "瓦", "兆瓦", "吉瓦", "度电", "标准箱", "标箱", "重量箱", "大卡", "P",
    "年", "天", "日", "小时", "分钟", "秒", "周", "个月", "月", "学时", "课时", "工作日", "个工作日", "岁", "字",
)
# fmt: on
_UNIT_RE = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
UNIT = rf"(?:{_UNIT_RE})次?(?:[(（](?:{_UNIT_RE})[)）])?(?:/(?:{_UNIT_RE}))?"

_DIGIT = "零〇一二两三四五六七八九十百千万亿"
# A run of numerals: Arabic with thousands commas and decimals, Chinese, or mixed
# (1.8万, 1万6千, 3万多亿: 余/多 inside a run only when more numerals follow).
_NUMERAL = rf"(?:[{_DIGIT}](?<![千百](?=[瓦米克]|分点)))"  # not the 千 of 千瓦, 千米, 千克
NUMBER = rf"(?:\d|{_NUMERAL})(?:\d|\.(?=\d)|,(?=\d{{3}})|{_NUMERAL}|[余多](?=[\d{_DIGIT}]))*"
_MAGNITUDES = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}

_PREFIX_RE = "|".join(sorted(PREFIX_QUALIFIERS, key=len, reverse=True))
_QUANTITY = re.compile(
    rf"^(?P<prefix>{_PREFIX_RE})?(?P<number>{NUMBER})(?P<inner>余|多)?"
    rf"(?P<unit>{UNIT})?(?P<suffix>以上|左右|余|多)?$"
)
# Chinese-numeral "counts" that are articles or ordinals, not quantities: 一批, 一类, 二轮.
_ARTICLE_UNITS = {"批", "些", "站", "体", "起", "度", "大", "类", "流", "级"}
# Context that shows a numeral is part of a name or an ordinal: 党的二十大, 第四批, 三中全会.
_NOT_AFTER_CONTEXT = re.compile(r"^(?:中全会|次全会|全会|届|次会议|号线|五规划|五”)")
_NOT_BEFORE_CONTEXT = re.compile(r"(?:党的|党的第|第|十)$")

# --- change cues -------------------------------------------------------------
# Verbs of a level changing: the count right after them is the difference (增加110万套).
_INTRANSITIVE_UP = (
    "同比增长|同比增加|同比上升|同比提高|增长|上升|上涨|涨幅|增幅|增量|净增|多出|增加(?!值)|提高|提升|扩大"
)
_INTRANSITIVE_DOWN = "同比下降|同比减少|下降|回落|下滑|降幅|低于|减少|降低|缩短|下调"
# Verbs that act on an object: 精简申报材料40% is a change, 压减办事环节435个 is an amount done.
_TRANSITIVE = "压减|精简|压缩|削减|缩减|减轻|降低|减少|提高|提升|增加(?!值)|扩大|缩短|高于|低于"
_UP_VERBS = set(_INTRANSITIVE_UP.replace("(?!值)", "").split("|")) | {"增加", "提高", "提升", "扩大", "高于"}
_COMPARATIVE = re.compile(r"同比|环比|比上年|比去年|较上年|较去年|比20\d\d年|较20\d\d年|比上一年|较上一年|年均|平均")
_CHANGE_RIGHT_BEFORE = re.compile(
    rf"(?P<verb>{_INTRANSITIVE_UP}|{_INTRANSITIVE_DOWN})(?:了|约|近|超|超过|逾|达|分别|再|均|共|累计|\d[^，,。；;]{{0,6}}[和、])*$"
)
_TRANSITIVE_VERB = re.compile(rf"(?:{_TRANSITIVE})(?P<object>[^，,。；;、的]{{0,8}})$")
_CHANGE_AFTER = re.compile(rf"^的?(?:幅度|比例)?(?P<verb>{_TRANSITIVE}|{_INTRANSITIVE_DOWN}|{_INTRANSITIVE_UP})")
_RELATIVE_UNITS = {"%", "‰", "个百分点", "百分点", "倍", "成"}
_TO_LEVEL = re.compile(
    rf"(?:{_INTRANSITIVE_UP}|{_INTRANSITIVE_DOWN}|{_TRANSITIVE})(?:至|到|为)[^，,。；;、]{{0,12}}$|(?:至|到)$"
)
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


def parse_quantity(text: str, context_before: str = "", context_after: str = "") -> Quantity | None:
    """Read a COUNT span; ``None`` when it is not a quantity (ranks, names, years, outline numbers).

    The context around the span (its clause is enough) decides what the span alone
    cannot: 同比增长400% is a change, 增加到15项 a level, 党的二十大 no count at all.
    """
    m = _QUANTITY.match(text.strip())
    if not m or _not_a_count(m, context_before, context_after):
        return None
    unit = re.sub(r"[(（)）]", "", m.group("unit") or "")
    number = m.group("number")
    if not unit and not re.search("[万亿]", number):
        return None  # a bare number (12348, 2.0) names or numbers something; it counts nothing
    value = read_number(number)
    if value is None or (unit in ("年", "年度") and 1900 <= value <= 2100):
        return None
    if not unit and _MONEY_CONTEXT.search(_CLAUSE_BREAK.split(context_before)[-1]):
        unit = "元"  # 挽回经济损失107万: an amount of money with its 元 left unwritten
    if unit.startswith(("万元", "亿元")):
        unit = unit[1:]
    change, direction = detect_change(context_before, unit, context_after)
    return Quantity(value, unit, _qualifier(m), change, direction)


def read_number(number: str) -> float | None:
    """Arabic, Chinese or mixed numerals with 万/亿 applied; ``None`` if unreadable or
    beyond the range of a float (a run of hundreds of digits counts nothing).

    cn2an reads the numeral; a trailing chain of magnitudes it refuses (1.62万亿,
    千亿, 万) is applied here.
    """
    try:
        return _read_number(number)
    except OverflowError:
        return None


_PLAIN_NUMBER = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,10})?")


def _read_number(number: str) -> float | None:
    number = re.sub("[余多,]", "", number)
    if _PLAIN_NUMBER.fullmatch(number):  # most counts: no need for cn2an's slower checks
        return _tidy(float(number))
    try:
        return _tidy(cn2an.cn2an(number, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        pass
    base, chain = re.match(r"^(.*?)([十百千万亿]*)$", number).groups()
    if not chain:
        return None
    scale = 1
    for ch in chain:
        scale *= _MAGNITUDES[ch]
    if not base:
        return _tidy(scale)
    try:
        return _tidy(float(cn2an.cn2an(base, "smart")) * scale)
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def _tidy(value: float) -> float:
    value = round(float(value), 10)  # OverflowError for an int beyond the float range
    if not math.isfinite(value):
        raise OverflowError(f"{value} is no count")
    return int(value) if value.is_integer() else value


def detect_change(context_before: str, unit: str, context_after: str = "") -> tuple[bool, str | None]:
    """Is the count a difference against a baseline, and which way?

    - a level verb right before it: 增加110万套, 同比增长400%, 较上年下降12件;
    - an action verb on an object, with a relative unit or a baseline: 精简申报材料40%以上;
    - never a move *to* a level: 增加到15项, 由40%降低至38%.
    """
    clause = _CLAUSE_BREAK.split(context_before)[-1].rstrip()
    if clause.endswith(("由", "从")) or _TO_LEVEL.search(clause):
        return False, None
    if m := _CHANGE_RIGHT_BEFORE.search(clause):
        return True, _direction(m.group("verb"))
    relative = unit in _RELATIVE_UNITS or bool(_COMPARATIVE.search(clause))
    if relative and (m := _TRANSITIVE_VERB.search(clause)):
        return True, _direction(m.group(0)[: len(m.group(0)) - len(m.group("object"))])
    if relative and (m := _CHANGE_AFTER.match(context_after)):
        return True, _direction(m.group("verb"))
    return False, None


def _direction(verb: str) -> str:
    return "up" if verb in _UP_VERBS or verb.startswith(("同比增", "同比上", "同比提")) else "down"


def _not_a_count(m: re.Match[str], before: str, after: str) -> bool:
    number, unit = m.group("number"), m.group("unit") or ""
    if number in ("一", "二") and unit in _ARTICLE_UNITS | {"轮", "类", "届"} and not m.group("prefix"):
        return True  # 一批, 一类 are articles; 二轮 (not 两轮) is an ordinal
    if unit == "级":
        return True  # tiers (三级联动) describe a structure
    return bool(_NOT_BEFORE_CONTEXT.search(before) or _NOT_AFTER_CONTEXT.match(after))


def _qualifier(m: re.Match[str]) -> str | None:
    if not m.group("prefix") and re.search("[余多]", m.group("number")):
        return "more_than"  # 1000余万元, 3万多亿元
    for word, table in ((m.group("prefix"), PREFIX_QUALIFIERS), (m.group("inner"), INNER_QUALIFIERS)):
        if word:
            return table[word]
    return SUFFIX_QUALIFIERS.get(m.group("suffix") or "")
