"""Split a report into annotation units (paragraphs, long ones cut at sentence ends)."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[。！？；]")


def split_units(text: str, max_len: int = 400) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each non-blank unit: a line, or a run of whole
    sentences of at most ``max_len`` characters when the line is longer."""
    units: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start, end = _strip(text, line.start(), line.end())
        if start == end:
            continue
        units.extend(_cut(text, start, end, max_len))
    return units


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cut(text: str, start: int, end: int, max_len: int) -> list[tuple[int, int]]:
    if end - start <= max_len:
        return [(start, end)]
    cuts = [m.end() + start for m in _SENTENCE_END.finditer(text[start:end])]
    pieces: list[tuple[int, int]] = []
    piece_start = start
    last_cut = start
    for cut in [*cuts, end]:
        if cut - piece_start > max_len and last_cut > piece_start:
            pieces.append(_strip(text, piece_start, last_cut))
            piece_start = last_cut
        last_cut = cut
    pieces.append(_strip(text, piece_start, end))
    return [p for p in pieces if p[0] < p[1]]
