"""The rule linker: COUNT → METRIC/INITIATIVE (QUANTIFIES), plus action, org and year.

Works on the cleaned text with spans as ``(start, end, label)``; every engine
(rules or tagger) hands its spans here, so records are built one way.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from lawie.pairs import PairLinker
from lawie.rules import gazetteer as gz
from lawie.spans import Ranges, after_last, sentence_bounds, sentence_of

Span = tuple[int, int, str]

_FILLERS = re.compile(rf"^(?:{'|'.join(sorted(gz.COUNT_FILLERS, key=len, reverse=True))}|\s)*$")
_VERBS = re.compile("|".join(sorted(gz.ACTION_VERBS, key=len, reverse=True)))
_STREAK = re.compile(r"(?:连续|提前)$")
_COMPARED = re.compile(r"(?:比|较|同|与|相比|对比|快于|高于|低于|好于|慢于|超过)$")
# What may stand between a clause's start and its subject: time words, years, connectives.
_CLAUSE_OPENING = re.compile(
    r"^\s*(?:(?:19|20)\d\d年度?|\d{1,2}月(?:\d{1,2}日)?|全年|今年|去年|本年度?|同时|此外|其中|另外|近年来|一年来|[一二三四五六七八九十]+、|（?[一二三四五六七八九十\d]+[）.、]|\s)*$"
)
_RELATIVE_YEARS = {
    "今年": 0,
    "本年": 0,
    "本年度": 0,
    "当年": 0,
    "去年": -1,
    "上年": -1,
    "上年度": -1,
    "上一年": -1,
    "上一年度": -1,
    "前年": -2,
    "明年": 1,
    "次年": 1,
}


@dataclass(frozen=True)
class Link:
    """What the linker decided for one COUNT (cleaned-text offsets)."""

    count: Span
    target: Span | None
    action: str | None
    org: Span | None
    year: int | None
    sentence: tuple[int, int]


def year_value(year_text: str, report_year: int | None) -> int | None:
    """2024年 → 2024, 2023—2025年 → 2023, 去年 → report year − 1."""
    if m := re.match(r"(19|20)\d\d", year_text):
        return int(m.group(0))
    offset = _RELATIVE_YEARS.get(year_text)
    return None if offset is None or report_year is None else report_year + offset


def link(text: str, spans: list[Span], report_year: int | None, pairs: PairLinker | None = None) -> list[Link]:
    """One ``Link`` per COUNT, in text order. With ``pairs`` (the learned linker) the target is
    the pair classifier's choice among the sentence's targets, given the rules' choice."""
    bounds = sentence_bounds(text)
    spans = sorted(spans)
    years = Ranges(s[:2] for s in spans if s[2] == "YEAR" and not _COMPARED.search(text[max(0, s[0] - 2) : s[0]]))
    in_sentence = _SentenceSpans(spans)
    links: list[Link] = []
    previous: dict[tuple[int, int], Span] = {}  # sentence → last target linked in it
    for count in (s for s in spans if s[2] == "COUNT"):
        sentence = sentence_of(bounds, count[0])
        touching = in_sentence(*sentence)
        around = [s for s in touching if sentence[0] <= s[0] and s[1] <= sentence[1]]
        targets = [t for t in around if t[2] in ("METRIC", "INITIATIVE")]
        target = _target(text, count, targets, previous.get(sentence))
        if _STREAK.search(text[max(0, count[0] - 2) : count[0]]):
            target = None  # 连续7年, 提前3个月: the length of a streak measures nothing (GUIDELINE 29)
        elif pairs is not None and targets:
            target = pairs.choose(text, count, targets, around, rule_choice=target)
        if target:
            previous[sentence] = target
        links.append(
            Link(
                count=count,
                target=target,
                action=_action(text, count, target, sentence, touching),
                org=_actor(text, count, [o for o in around if o[2] == "ORG"], sentence),
                year=_year(text, count, years, sentence, report_year),
                sentence=sentence,
            )
        )
    return links


class _SentenceSpans:
    """The spans that overlap a sentence, found by bisection over the sorted spans (linking
    looks at one sentence per count; scanning the whole report per count is quadratic)."""

    def __init__(self, spans: list[Span]):
        self.spans = spans
        self.starts = [s[0] for s in spans]
        self.longest = max((s[1] - s[0] for s in spans), default=0)
        self.cache: dict[tuple[int, int], list[Span]] = {}

    def __call__(self, lo: int, hi: int) -> list[Span]:
        if (lo, hi) not in self.cache:
            first, last = bisect_left(self.starts, lo - self.longest), bisect_left(self.starts, hi)
            self.cache[lo, hi] = [s for s in self.spans[first:last] if s[1] > lo]
        return self.cache[lo, hi]


def _target(text: str, count: Span, candidates: list[Span], carried: Span | None) -> Span | None:
    before = [t for t in candidates if t[1] <= count[0]]
    after = [t for t in candidates if t[0] >= count[1]]
    if after and text[count[1] : after[0][0]] in ("", "的"):
        return after[0]  # 八个部门; 1.8万余人次参加学习
    if before and _FILLERS.match(text[before[-1][1] : count[0]]):
        return before[-1]  # 受理行政复议案件37件
    if carried:
        return carried  # 受理…37件，审结25件; 45件，同比增长400%
    return before[-1] if before else None


def _action(text: str, count: Span, target: Span | None, sentence: tuple[int, int], spans: list[Span]) -> str | None:
    """The verb of the count's own clause (受理…37件，审结25件 → 审结), else the verb before the
    target's clause, else the verb right after the target (对2件规范性文件进行修改 → 修改).
    Verbs inside a span (法律咨询服务, 信息公开) are part of a name, not the action."""

    def free(verbs) -> list[str]:
        return [v.group(0) for v in verbs if not any(s[0] < v.end() and v.start() < s[1] for s in spans)]

    for anchor in dict.fromkeys((count[0], min(count[0], target[0]) if target else count[0])):
        clause_start = _clause_start(text, anchor, sentence)
        if verbs := free(_VERBS.finditer(text, clause_start, anchor)):
            return verbs[-1]
    if target and target[0] >= count[1]:
        ends = [i for i in (text.find(p, target[1], sentence[1]) for p in "，,；;。") if i >= 0]
        if verbs := free(_VERBS.finditer(text, target[1], min(ends, default=sentence[1]))):
            return verbs[0]
    return None


def _clause_start(text: str, at: int, sentence: tuple[int, int]) -> int:
    """Where the clause holding offset ``at`` begins: after the last ，；： before it in its sentence."""
    return after_last(text, "，,；;：:", at, floor=sentence[0])


def _actor(text: str, count: Span, orgs: list[Span], sentence: tuple[int, int]) -> Span | None:
    """Of ``orgs`` (those in the count's sentence), the one that opens a clause before the count
    (its subject): 昆区市场监督管理局分别与…检查36户. An ORG after a verb or inside a noun phrase
    (审查区政府常务会议议题338件) is not the actor; of coordinated actors (县委、县政府) the nearest."""
    before = [o for o in orgs if o[1] <= count[0]]
    for i, org in enumerate(before):
        clause_start = _clause_start(text, org[0], sentence)
        if _CLAUSE_OPENING.match(text[clause_start : org[0]]) and not text.startswith("的", org[1]):
            while i + 1 < len(before) and before[i + 1][0] == org[1] + 1 and text[org[1]] == "、":
                i, org = i + 1, before[i + 1]
            return org
    return None


def _year(text: str, count: Span, years: Ranges, sentence: tuple[int, int], report_year: int | None) -> int | None:
    """The nearest YEAR in the count's sentence, then line (``years``: those not compared
    with, 比2023年), else the report's year."""
    line_start = text.rfind("\n", 0, count[0]) + 1
    line_end = text.find("\n", count[1])
    line_end = len(text) if line_end < 0 else line_end
    for lo, hi in (sentence, (line_start, line_end)):
        near = [y for y in years.starting_in(lo, hi) if y[1] <= hi]
        near.sort(key=lambda y: (y[0] > count[0], abs(y[0] - count[0])))  # before the count first
        for y in near:
            if (value := year_value(text[y[0] : y[1]], report_year)) is not None:
                return value
    return report_year


def report_fields(text: str, spans: list[Span]) -> tuple[tuple[int, int] | None, Span | None, int | None]:
    """The report's title line, author ORG and year, from its opening (or its signature).

    The author is the subject of the opening sentence (2024年，黄岩区司法局在…), else the
    first ORG of the title or the lines around it, else of the signature."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group(0).strip()]
    title = next((ln for ln in lines[:12] if _is_title(text[ln[0] : ln[1]])), None)
    head_lines = lines[: lines.index(title) + 2] if title else lines[:2]
    orgs = [s for s in spans if s[2] == "ORG"]
    author = _opening_subject(text, orgs, lines[:16])
    author = author or _first_in(orgs, [title] if title else []) or _first_in(orgs, head_lines)
    if author is None and lines:
        author = _first_in(orgs, lines[-3:])  # signed at the end
    years = [s for s in spans if s[2] == "YEAR"]
    first_year = _first_in(years, [title] if title else []) or _first_in(years, lines[:4])
    year = year_value(text[first_year[0] : first_year[1]], None) if first_year else None
    return title, author, year


_OPENING = re.compile(r"\s*(?:(?:19|20)\d\d年度?|今年|一年来|过去一年)[，,]\s*")


_GOVERNMENT_BODY = re.compile(r"(?:管委会|管委|管理委员会|人民政府|政府)$")  # not party committees (工委)


def _opening_subject(text: str, orgs: list[Span], lines: list[tuple[int, int]]) -> Span | None:
    """The ORG right after the year that opens the report's first paragraph. When that subject
    is 我区/我县/我市, the place it stands for, cut from a heading ORG (威海经济技术开发区管委
    → 威海经济技术开发区; party committees such as 中共…工委 are skipped)."""
    for lo, _ in lines:
        if m := _OPENING.match(text, lo):
            if subject := next((o for o in orgs if o[0] == m.end()), None):
                return subject
            if (we := re.match(r"我([区县市省镇旗])", text[m.end() :])) is None:
                return None
            for org in (o for o in orgs if o[1] <= lo):
                name = text[org[0] : org[1]]
                body = _GOVERNMENT_BODY.search(name)
                if body and name[: body.start()].endswith(we.group(1)):
                    return (org[0], org[0] + body.start(), "ORG")
            return None
    return None


def _is_title(line: str) -> bool:
    return "报告" in line and any(w in line for w in gz.REPORT_TITLE_WORDS) and len(line) <= 80


def _first_in(spans: list[Span], ranges: list[tuple[int, int]]) -> Span | None:
    for lo, hi in ranges:
        for s in spans:
            if lo <= s[0] and s[1] <= hi:
                return s
    return None
