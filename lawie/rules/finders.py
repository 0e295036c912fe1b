"""Span finders of the rule engine, one per label, over cleaned (simplified) text.

Each finder returns ``(start, end, label)`` triples; ``tag`` in ``lawie.rules``
resolves overlaps. Names in quotes or 《》 are found first: numbers and years
inside them are parts of names, not counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lawie.quantity import NUMBER, PREFIX_QUALIFIERS, UNIT, parse_quantity
from lawie.rules import gazetteer as gz
from lawie.spans import Ranges, after_last

Span = tuple[int, int, str]

_CJK = "\u4e00-\u9fff"
_OPEN_QUOTES = {"“": "”", "「": "」", '"': '"', "‘": "’"}


def _alternation(words: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# ---------------------------------------------------------------- names --------
def find_titles(text: str) -> Iterator[tuple[int, int]]:
    """《…》 with nesting (〈〉 and inner 《》); a title cut off by the text's end runs to it."""
    i = 0
    while (i := text.find("《", i)) >= 0:
        depth, j = 0, i
        while j < len(text):
            if text[j] in "《〈":
                depth += 1
            elif text[j] in "》〉":
                depth -= 1
                if depth == 0:
                    break
            elif text[j] == "\n":
                j -= 1
                break
            j += 1
        end = min(j + 1, len(text))
        yield i, end
        i = end


def find_quotes(text: str) -> Iterator[tuple[int, int]]:
    """Quoted stretches “…” (no line breaks, at most 40 characters)."""
    for m in re.finditer(r"“[^”\n]{1,40}”|「[^」\n]{1,40}」", text):
        yield m.start(), m.end()


def find_initiatives(text: str, quotes: list[tuple[int, int]], titles: list[tuple[int, int]]) -> list[Span]:
    spans: list[Span] = [(s, e, "INITIATIVE") for s, e in titles]
    heads = tuple(gz.INITIATIVE_HEADS)
    for s, e in quotes:
        inner = text[s + 1 : e - 1]
        if inner in gz.EMPHASIS_QUOTES or not re.search(f"[{_CJK}A-Za-z0-9]", inner):
            continue
        if len(inner) <= 2 and not text.startswith(heads, e):
            continue  # a short quoted word is a name only with a head noun: “八五”普法
        spans.append((s, e, "INITIATIVE"))
    for m in re.finditer(_alternation(gz.INITIATIVE_NAMES), text):
        spans.append((m.start(), m.end(), "INITIATIVE"))
    return spans


# ---------------------------------------------------------------- years --------
_YEAR = re.compile(
    r"(?<![\d.])(?:"
    r"(?:19|20)\d\d年\d{1,2}月(?:\d{1,2}日)?"
    r"|(?:19|20)\d\d[-—–~至到](?:19|20)\d\d年度?"
    r"|(?:19|20)\d\d-\d{1,2}-\d{1,2}"
    r"|(?:19|20)\d\d年度?"
    r")(?!\d)"
    r"|今年|去年|上年度|上年|本年度|本年|明年|前年|上一年度|上一年|次年"
)


def find_years(text: str) -> list[Span]:
    return [(m.start(), m.end(), "YEAR") for m in _YEAR.finditer(text) if not _relative_misread(text, m)]


def _relative_misread(text: str, m: re.Match[str]) -> bool:
    """上年 inside 以上年…/本年 inside 基本年… are not years."""
    word = m.group(0)
    return word[0] in "上本明前次去今" and m.start() > 0 and text[m.start() - 1] in "以基根成原日"


# ---------------------------------------------------------------- counts -------
_COUNT = re.compile(
    rf"(?<![\d.A-Za-z第])(?<!\d,)(?:{_alternation(tuple(PREFIX_QUALIFIERS))})?{NUMBER}(?:余|多)?"
    rf"{UNIT}(?:以上|左右|余|多)?"
    rf"|(?<![\d.A-Za-z第])(?<!\d,)\d+(?:\.\d+)?(?:万亿|亿|万)(?:余|多)?(?![\d{_CJK}%])"
)


# Spans the normalizer would read but that, in running text, are durations, articles,
# phases or parts of names: 五年来, 一个时期, 十分强烈, 三分之二, 二十国集团, 八项规定,
# 三次产业, 红十字, 零部件, 二期工程, 中亚五国.
_NOT_A_COUNT_HERE = re.compile(r"^一\D|^[零〇]|^十字|^[一二两三四五六七八九十]+(?:分|期|[国省市县区]|字|人)$|[年周]$")
_NAME_AFTER = re.compile(r"之|集团|规定|产业|周年|年来|年前")


def find_counts(text: str, masked: list[tuple[int, int]]) -> list[Span]:
    """Numbers with a unit that read as quantities, outside names; the normalizer's
    context rules (党的二十大, 三中全会, 增加到…) decide what is not a count."""
    spans, names = [], Ranges(masked)
    for m in _COUNT.finditer(text):
        start, end = m.start(), m.end()
        if names.covers(start, end):
            continue
        count_text = text[start:end]
        if count_text[0] in "百千万亿" and not re.match(r"^.[余多]", count_text):
            continue  # 万人, 千家万户: a bare magnitude needs 余/多 or a qualifier (近千个) to count
        if _NOT_A_COUNT_HERE.search(count_text) or _NAME_AFTER.match(text, end):
            continue
        if parse_quantity(count_text, text[max(0, start - 40) : start], text[end : end + 20]) is None:
            continue
        spans.append((start, end, "COUNT"))
    return spans


# ---------------------------------------------------------------- orgs ---------
_ORG_SUFFIX = re.compile(_alternation(gz.ORG_SUFFIXES))
_LEFT_STOP = re.compile(f"(?:{_alternation(gz.ORG_LEFT_STOPS + gz.ACTION_VERBS + gz.COUNT_FILLERS)})$")
_AREA = re.compile(rf"[{_CJK}]{{1,8}}?(?:{_alternation(gz.AREA_SUFFIXES)})")


def find_orgs(text: str, masked: list[tuple[int, int]]) -> list[Span]:
    """Suffix-anchored names (…局, …委员会), grown left to a function word or verb."""
    spans: list[Span] = []
    names = Ranges(masked)
    for m in _ORG_SUFFIX.finditer(text):
        suffix, end = m.group(0), m.end()
        if text[end : end + 1] in gz.SUFFIX_CONTINUATIONS.get(suffix, ()):
            continue
        start = _grow_left(text, m.start())
        if start is None or names.covers(start, end):
            continue
        name = text[start:end]
        if len(name) <= len(suffix) or name.startswith(gz.ORG_BAD_STARTS) or len(name) > 24:
            continue
        if name.endswith(gz.ORG_FALSE_ENDINGS):
            continue
        if len(name) == 2 and len(suffix) == 1 and name[0] not in _SHORT_ORG_HEADS:
            continue  # 查办, 举办, 开办 are verbs; 区委, 市局 are bodies
        spans.append((start, end, "ORG"))
    return spans


_SHORT_ORG_HEADS = set("区县市省镇乡街村州盟旗党团国部")


def _grow_left(text: str, suffix_start: int, limit: int = 20) -> int | None:
    """Move left over name characters; stop at punctuation, digits or a stop word."""
    i = suffix_start
    while i > 0 and suffix_start - i < limit:
        ch = text[i - 1]
        if not ("\u4e00" <= ch <= "\u9fff" or ch in "“”（）()"):
            break
        if _LEFT_STOP.search(text[max(0, i - 4) : i]) or (ch == "经" and text[i] not in "济技开"):
            break
        i -= 1
    while i < suffix_start and text[i] in "（）()”":
        i += 1
    return i


def find_area_actors(text: str, known: set[str]) -> list[Span]:
    """Areas that act: an area name opening a clause (2024年，泾源县坚持…), and every
    occurrence of an area already known to be an actor of this report."""
    spans: list[Span] = []
    for m in re.finditer(
        rf"(?:^|(?<=\n)|(?<=(?:19|20)\d\d年[，,])|(?<=(?:19|20)\d\d年度[，,]))(?P<area>[{_CJK}]{{2,9}})", text
    ):
        area = _AREA.match(m.group("area"))
        if area and _plausible_area(area.group(0)):
            name = area.group(0)
            after = text[m.start("area") + len(name) : m.start("area") + len(name) + 2]
            if not _ORG_SUFFIX.match(after) and not after.startswith(_AREA_WORD_CONTINUATIONS):
                spans.append((m.start("area"), m.start("area") + len(name), "ORG"))
    for name in known:
        for m in re.finditer(re.escape(name), text):
            after = text[m.end() : m.end() + 2]
            if not _ORG_SUFFIX.match(after) and not after.startswith(_AREA_WORD_CONTINUATIONS):
                spans.append((m.start(), m.end(), "ORG"))
    return spans


_AREA_WORD_CONTINUATIONS = ("的", "级", "域", "内", "委", "场", "民", "别", "分", "间", "城", "长", "政")


def _plausible_area(name: str) -> bool:
    return len(name) <= 8 and not name.startswith(gz.ORG_BAD_STARTS) and not _VERB.search(name)


# ---------------------------------------------------------------- metrics ------
_VERB = re.compile(_alternation(gz.ACTION_VERBS))
_VERB_END = re.compile(f"(?:{_alternation(gz.ACTION_VERBS)})$")
_FILLER_TAIL = re.compile(f"(?:{_alternation(gz.COUNT_FILLERS)})+$")
_SCOPE_HEAD = re.compile(_alternation(gz.METRIC_SCOPE))
# Comparisons and change words are not what is counted: 同比增长400%.
_NOT_METRIC = re.compile(
    r"(?:同比|环比|比|较|同期|上年|去年|上一年)*(?:增长|增加|上升|下降|减少|提高|降低|增幅|降幅|增量)?(?:了|达|为)?$"
)
_CLASSIFIER_UNITS = set("个名家件项支所类部条位户台套张座期批处起宗篇本册幅间栋辆只组队门村场")
_METRIC_STOP = re.compile(r"[\d，,。；;：:！？!?、\n（(]|的|进行|开展|到|在|并|及时|参加|参与|获评|全部|实现|均|达到")
_PARTICIPATION = re.compile(f"^(?:{_alternation(gz.PARTICIPATION_VERBS)})[{_CJK}]{{0,6}}?(?=[，,。；;\n]|$)")


def find_metrics(text: str, counts: list[Span], taken: list[Span]) -> list[Span]:
    """For each COUNT, the noun phrase it measures: before it (受理行政复议案件37件),
    after it (八个部门, 1.8万余人次参加学习), or none (审结25件 carries over)."""
    spans: dict[Span, None] = {}  # ordered and without repeats
    blocked = Ranges((s, e) for s, e, label in taken + counts if label != "INITIATIVE")
    for start, end, _ in counts:
        span = _metric_after(text, start, end) or _metric_before(text, start, blocked)
        if span:
            spans[(*span, "METRIC")] = None
    return list(spans)


def _metric_after(text: str, start: int, end: int) -> tuple[int, int] | None:
    follow = text[end : end + 16]
    if p := _PARTICIPATION.match(follow):
        return end, end + p.end()
    unit_char = text[end - 1]
    if unit_char not in _CLASSIFIER_UNITS or not re.match(f"[{_CJK}“]", follow):
        return None
    head = _left_gap(text, start)
    if head and not _VERB_END.search(head) and head[-1:] not in "对为有从向给与和等":
        return None  # a noun stands before the count: the metric is there
    stop = _METRIC_STOP.search(follow)
    stop_at = stop.start() if stop else len(follow)
    verb = _VERB.search(follow[1:stop_at])
    stop_at = min(stop_at, verb.start() + 1) if verb else stop_at
    return (end, end + stop_at) if stop_at >= 1 else None


def _clause_start(text: str, start: int) -> int:
    return after_last(text, "，,。；;：:！？!?\n", start)


def _left_gap(text: str, start: int) -> str:
    """The clause text in front of a count, fillers (共, 累计…) removed."""
    return _FILLER_TAIL.sub("", text[_clause_start(text, start) : start])


def _metric_before(text: str, start: int, blocked: Ranges) -> tuple[int, int] | None:
    begin = _clause_start(text, start)
    end = begin + len(_left_gap(text, start))
    for s, e in blocked.starting_in(begin, end):  # an ORG, YEAR or COUNT inside: the metric starts after it
        if begin <= s < end:
            begin = max(begin, e)
    if _NOT_METRIC.match(text, begin, end):
        return None
    if not text[begin:end].endswith(("率", "比")):  # rates keep their verb: 调处成功率
        verbs = list(_VERB.finditer(text, begin, end))
        inner = [v for v in verbs if v.end() < end]
        if inner:  # the noun phrase runs from the first governing verb to the count
            begin = inner[0].end()
        elif verbs:
            return None  # only a verb: 审结25件 carries its metric over
    while scope := _SCOPE_HEAD.match(text, begin, end):
        begin = scope.end()
    while begin < end and text[begin] in "、“”的 ，,":
        begin += 1
    if end - begin < 2 or end - begin > 24 or not re.search(f"[{_CJK}]", text[begin:end]):
        return None
    return begin, end


# 昆都仑区(以下简称昆区): the area and its short name are actors of the report.
AREA_ALIAS = rf"([{_CJK}]{{2,10}}?(?:{_alternation(gz.AREA_SUFFIXES)}))[（(]以下简称“?([{_CJK}]{{2,6}}?)”?[）)]"
