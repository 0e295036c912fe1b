"""The one span/offset utility: mapping cleaned text back to the caller's text,
sentence boundaries, and flat (non-overlapping) span selection."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate

import numpy as np

SENTENCE_END = "。；！？;!?\n"
_SENTENCE_RE = re.compile(r"[^。；！？;!?\n]*[。；！？;!?\n]?")


class Ranges:
    """Ranges sorted once, then asked by bisection (a scan per question is quadratic
    in the length of a report): is a span inside one of them, which of them start in
    an interval."""

    def __init__(self, ranges: Iterable[tuple[int, int]]):
        self.ranges = sorted((r[0], r[1]) for r in ranges)
        self.starts = [s for s, _ in self.ranges]
        self.reach = list(accumulate((e for _, e in self.ranges), max))  # furthest end so far

    def covers(self, start: int, end: int) -> bool:
        """Some range ``[s, e)`` has ``s <= start`` and ``end <= e``."""
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and self.reach[i] >= end

    def starting_in(self, lo: int, hi: int) -> list[tuple[int, int]]:
        return self.ranges[bisect_left(self.starts, lo) : bisect_left(self.starts, hi)]


def after_last(text: str, marks: str, pos: int, floor: int = 0) -> int:
    """The index after the last of ``marks`` in ``text[floor:pos]``, else ``floor``.
    Looks back in growing windows: clauses are short, reports are long."""
    lo, window = pos, 64
    while lo > floor:
        lo = max(floor, lo - window)
        found = max(text.rfind(m, lo, pos) for m in marks)
        if found >= 0:
            return found + 1
        window *= 8
    return floor


@dataclass(frozen=True)
class Edit:
    """Replace ``source[start:end]`` by ``replacement``.

    ``attach`` says where a deletion's characters go in the map: ``"left"`` glues
    them to the previous kept character (stray pinyin belongs to the character
    before it); ``"none"`` drops them (boilerplate, tags).
    """

    start: int
    end: int
    replacement: str
    attach: str = "none"


class OffsetMap:
    """For each character of a cleaned text, the ``[start, end)`` range in the original."""

    def __init__(self, starts: array, ends: array, original_length: int):
        self.starts = starts
        self.ends = ends
        self.original_length = original_length

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls(_int_array(np.arange(length)), _int_array(np.arange(1, length + 1)), length)

    def __len__(self) -> int:
        return len(self.starts)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty cleaned span to the smallest original span that covers it."""
        if not 0 <= start < end <= len(self.starts):
            raise ValueError(f"span ({start}, {end}) outside cleaned text of length {len(self)}")
        return self.starts[start], self.ends[end - 1]

    def from_original(self, start: int, end: int) -> tuple[int, int] | None:
        """The cleaned span made of the characters inside original ``[start, end)``, if any."""
        lo, hi = bisect_left(self.starts, start), bisect_right(self.ends, end)
        return (lo, hi) if lo < hi else None

    def compose(self, inner: OffsetMap) -> OffsetMap:
        """``inner`` maps a later text onto this map's cleaned text; return later → original."""
        starts = np.frombuffer(self.starts, dtype=np.int64)[np.frombuffer(inner.starts, dtype=np.int64)]
        ends = np.frombuffer(self.ends, dtype=np.int64)[np.frombuffer(inner.ends, dtype=np.int64) - 1]
        return OffsetMap(_int_array(starts), _int_array(ends), self.original_length)


def _int_array(values: np.ndarray) -> array:
    out = array("q")
    out.frombytes(values.astype(np.int64).tobytes())
    return out


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, OffsetMap]:
    """Apply sorted, non-overlapping edits; return the new text and its map onto ``text``."""
    pieces: list[str] = []
    starts, ends = array("q"), array("q")
    cursor = 0
    for edit in edits:
        if edit.start < cursor:
            raise ValueError(f"overlapping edit at {edit.start}")
        _keep(text, cursor, edit.start, pieces, starts, ends)
        _replace(edit, pieces, starts, ends)
        cursor = edit.end
    _keep(text, cursor, len(text), pieces, starts, ends)
    return "".join(pieces), OffsetMap(starts, ends, len(text))


def _keep(text: str, start: int, end: int, pieces: list[str], starts: array, ends: array) -> None:
    pieces.append(text[start:end])
    starts.extend(range(start, end))
    ends.extend(range(start + 1, end + 1))


def _replace(edit: Edit, pieces: list[str], starts: array, ends: array) -> None:
    new, width = edit.replacement, edit.end - edit.start
    if not new:
        if edit.attach == "left" and ends:
            ends[-1] = max(ends[-1], edit.end)
        return
    pieces.append(new)
    if len(new) == width:  # one character for one: keep character-level precision
        starts.extend(range(edit.start, edit.end))
        ends.extend(range(edit.start + 1, edit.end + 1))
    else:  # every new character stands for the whole replaced range
        starts.extend([edit.start] * len(new))
        ends.extend([edit.end] * len(new))


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence, ending punctuation included."""
    return [(m.start(), m.end()) for m in _SENTENCE_RE.finditer(text) if m.end() > m.start()]


def sentence_of(bounds: Sequence[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The sentence (from ``sentence_bounds``) that contains ``offset``."""
    lo, hi = 0, len(bounds) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        start, end = bounds[mid]
        if offset < start:
            hi = mid - 1
        elif offset >= end:
            lo = mid + 1
        else:
            return bounds[mid]
    return (offset, offset)


def select_flat(spans: Iterable[tuple[int, int, int, object]]) -> list[tuple[int, int, object]]:
    """Pick non-overlapping spans: higher priority first, then longer, then earlier.

    ``spans`` holds ``(start, end, priority, payload)``; returns ``(start, end, payload)``
    sorted by start.
    """
    ranked = sorted(spans, key=lambda s: (-s[2], -(s[1] - s[0]), s[0]))
    occupied = bytearray(max((s[1] for s in ranked), default=0))
    taken: list[tuple[int, int, object]] = []
    for start, end, _prio, payload in ranked:
        if start < end and 1 not in occupied[start:end]:
            occupied[start:end] = b"\x01" * (end - start)
            taken.append((start, end, payload))
    return sorted(taken, key=lambda s: s[0])
