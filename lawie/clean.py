"""Text cleaning before tagging, with an offset map back to the caller's string.

Each step proposes edits on the current text; ``apply_edits`` turns them into a
new text and an ``OffsetMap``; maps compose, so any span found on the cleaned
text maps back to exact offsets in the original.
"""

from __future__ import annotations

import html
import operator
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from lawie.spans import Edit, OffsetMap, apply_edits

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# --- HTML -------------------------------------------------------------------
_HTML_HINT = re.compile(r"<(?:html|body|div|p|br|span|table|td|tr|li|a|h[1-6])\b[^>]*>", re.I)
_HTML_DROP = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_HTML_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>|<!DOCTYPE[^>]*>", re.I)
_HTML_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_BLOCK_TAGS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "title"}

# --- web-page furniture ------------------------------------------------------
# Whole lines that are navigation or page controls, never report text.
_BOILERPLATE_LINE = re.compile(
    r"^\s*(?:下载|打印|全屏|收藏|分享|分享到[:：]?.*|加大|还原|减小|大|中|小|[】>|×]|首页|"
    r"【字[号体][:：]?.*|打印本页|关闭窗口|关闭|返回顶部|相关(?:附件|链接|文档|报道)[:：>]*|"
    r"扫一扫在手机[上]?(?:查看|打开)当前页面?|触碰右侧展开|页面导航|您(?:现在)?的位置[:：]?.*|"
    r"[0-9a-f]{32}[:：]?|》》点击图片进入专题《《|视力保护色[:：]?.*)\s*$"
)
# Page controls glued to the end of a metadata line: "信息来源:… 【字体: 视力保护色:".
_BOILERPLATE_TAIL = re.compile(r"【字[号体][:：].*$")

# --- stray pinyin after a character: 經(jīng) --------------------------------------
_PINYIN_SYLLABLE = (
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"[aeiouüvāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]{1,3}(?:ng|n|r)?"
)
_STRAY_PINYIN = re.compile(rf"(?<=[{_CJK}])[(（]{_PINYIN_SYLLABLE}[)）]")

# --- width: full-width spaces, digits, letters and % --------------------------
_WIDTH = re.compile(r"[\u3000\u00a0\u2002-\u200a\u202f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff05\uff0e]")


@dataclass(frozen=True)
class CleanText:
    """The cleaned text and the map of each of its characters onto ``original``."""

    original: str
    text: str
    offsets: OffsetMap

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets.to_original(start, end)


def clean(text: str) -> CleanText:
    """Run every cleaning step; return the cleaned text with its offset map."""
    current, offsets = text, OffsetMap.identity(len(text))
    for step in _STEPS:
        edits = list(step(current))
        if not edits:
            continue
        current, step_map = apply_edits(current, edits)
        offsets = offsets.compose(step_map)
    return CleanText(text, current, offsets)


def html_edits(text: str) -> Iterator[Edit]:
    """Drop tags, scripts and comments (block tags become line breaks); decode entities."""
    if not _HTML_HINT.search(text):
        return
    pattern = re.compile(f"{_HTML_DROP.pattern}|{_HTML_TAG.pattern}|{_HTML_ENTITY.pattern}", re.I | re.S)
    for m in pattern.finditer(text):
        token = m.group(0)
        if token.startswith("&"):
            yield Edit(m.start(), m.end(), html.unescape(token))
        else:
            tag = (m.group(2) or "").lower()
            yield Edit(m.start(), m.end(), "\n" if tag in _BLOCK_TAGS else "")


def boilerplate_edits(text: str) -> Iterator[Edit]:
    """Blank out navigation and page-control lines, keeping the line breaks."""
    for line in re.finditer(r"[^\n]+", text):
        if _BOILERPLATE_LINE.match(line.group(0)):
            yield Edit(line.start(), line.end(), "")
            continue
        tail = _BOILERPLATE_TAIL.search(line.group(0))
        if tail:
            yield Edit(line.start() + tail.start(), line.end(), "")


def pinyin_edits(text: str) -> Iterator[Edit]:
    """Remove pinyin glued after a character; it belongs to that character."""
    for m in _STRAY_PINYIN.finditer(text):
        yield Edit(m.start(), m.end(), "", attach="left")


def width_edits(text: str) -> Iterator[Edit]:
    """Full-width and special spaces to a plain space; full-width digits, letters, % to ASCII."""
    for m in _WIDTH.finditer(text):
        ch = m.group(0)
        yield Edit(m.start(), m.end(), " " if ch.isspace() else unicodedata.normalize("NFKC", ch))


def simplify_edits(text: str) -> Iterator[Edit]:
    """Traditional → simplified with OpenCC, only when the text is written in traditional."""
    if not is_traditional(text):
        return
    converter = _opencc()
    for line in re.finditer(r"[^\n]+", text):
        source = line.group(0)
        target = converter.convert(source)
        if len(target) != len(source):  # a phrase rule changed the length: go char by char
            target = "".join(converter.convert(ch) if len(converter.convert(ch)) == 1 else ch for ch in source)
        yield from (
            Edit(line.start() + i, line.start() + i + 1, new)
            for i, (old, new) in enumerate(zip(source, target))
            if old != new
        )


def to_simplified(text: str) -> str:
    """Width normalized, stray pinyin removed and traditional converted: ``clean`` without
    detection, boilerplate removal or an offset map (for short strings such as units)."""
    narrow = _WIDTH.sub(lambda m: " " if m.group(0).isspace() else unicodedata.normalize("NFKC", m.group(0)), text)
    return _opencc().convert(_STRAY_PINYIN.sub("", narrow))


def is_traditional(text: str, threshold: float = 0.03) -> bool:
    """True when at least ``threshold`` of the CJK characters change under t2s."""
    sample = "".join(re.findall(f"[{_CJK}]", text[:20000]))
    if not sample:
        return False
    converted = _opencc().convert(sample)
    changed = sum(map(operator.ne, sample, converted)) if len(converted) == len(sample) else len(sample)
    return changed / len(sample) >= threshold


@lru_cache(maxsize=1)
def _opencc():
    import opencc

    return opencc.OpenCC("t2s")


_STEPS: tuple[Callable[[str], Iterator[Edit]], ...] = (
    html_edits,
    boilerplate_edits,
    pinyin_edits,
    width_edits,
    simplify_edits,
)
