"""Group METRIC and INITIATIVE span texts under one key per measure, for pivot tables.

The same measure is written many ways across reports: 行政复议案件, 行政复议申请, 复议案件;
行政诉讼案件, 行政应诉案件, 应诉案件; 出庭率, 出庭应诉率, 行政机关负责人出庭应诉率. A pivot
over extracted records needs one key for each such group, and must never merge two measures
(复议 with 应诉, a rate with a count, a subset such as 婚姻家庭纠纷 with its total 矛盾纠纷).

The design follows Duckling / Recognizers-Text: a little code and a table written as data.

1. ``normalize`` makes spelling differences vanish: width, stray pinyin and traditional
   characters (``lawie.clean.to_simplified``), whitespace, quotes and 《》, full-width brackets,
   generic leading words (各类, 累计, 全年, 依法…) and a trailing 数/数量/总量 after a counted noun
   (案件数 → 案件). Growth words stay: 新增 tells a flow from a stock (GUIDELINE rule 32).
2. ``lawie/metric_keys.tsv`` lists ``regex<TAB>key`` rows, searched in order on the normalized
   text; the first match wins and its key (a ``re`` template, so ``\\1`` may copy a group) is
   returned. Patterns are anchored on purpose: a modifier that names a subset keeps its own key.
3. A row applies only when text and key agree on being a rate (…率, 比例, 比重, 占比), so a rate
   never shares a key with a count, whatever a pattern says.
4. Otherwise the normalized text is its own key: unknown measures still group by spelling.

>>> metric_key("行政复议申请"), metric_key("复议案件"), metric_key("行政应诉案件")
('行政复议案件', '行政复议案件', '行政应诉案件')
>>> metric_key("负责人出庭率"), metric_key("各类矛盾纠纷"), metric_key("婚姻家庭纠纷")
('行政机关负责人出庭应诉率', '矛盾纠纷', '婚姻家庭纠纷')
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

from lawie.clean import to_simplified

__all__ = ["metric_key", "normalize"]

_QUOTES = re.compile(r"[\s“”‘’\"'《》〈〉「」『』【】]+")
_BRACKETS = str.maketrans("（）［］", "()[]")
# Scope and aggregation words that say how much or where, never what is counted.
_LEADING = re.compile(r"^(?:各类|各项|各种|各级|累计|共计|总计|全年|依法|有关|相关|所有)")
# 数/数量/总数/总量 after a noun that is itself the thing counted (案件数, 信访总量, 市场主体总量);
# not after a classifier (死亡人数, 事故起数, 检查次数 keep their 数).
_TRAILING = re.compile(r"(?<=[件项请纷访体议见报案动象求诉])(?:总数|数量|总量|数)$")
_RATE = re.compile(r"(?:率|比例|比重|占比)$")


def normalize(text: str) -> str:
    """The spelling-free form of a span text: the fallback key and what the table matches."""
    norm = _QUOTES.sub("", to_simplified(text)).translate(_BRACKETS)
    while (m := _LEADING.match(norm)) and len(norm) - m.end() >= 2:
        norm = norm[m.end() :]
    if (m := _TRAILING.search(norm)) and m.start() >= 2:
        norm = norm[: m.start()]
    return norm


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[re.Pattern[str], str], ...]:
    rows = []
    source = files("lawie").joinpath("metric_keys.tsv").read_text(encoding="utf-8")
    for line in source.splitlines():
        if line.strip() and not line.startswith("#"):
            pattern, key = line.split("\t")[:2]
            rows.append((re.compile(pattern), key))
    return tuple(rows)


@lru_cache(maxsize=8192)
def metric_key(text: str) -> str:
    """The grouping key of a METRIC or INITIATIVE span text.

    Never empty for non-empty input: text that normalizes to nothing (blanks, bare quotes)
    is its own key, unchanged.
    """
    norm = normalize(text)
    if not norm:
        return text
    is_rate = bool(_RATE.search(norm))
    for pattern, key in _table():
        if bool(_RATE.search(key)) == is_rate and (m := pattern.search(norm)):
            return m.expand(key)
    return norm
