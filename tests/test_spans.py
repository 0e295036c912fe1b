"""The bisection helpers of ``lawie.spans`` agree with the plain scans they replace."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lawie.spans import Ranges, after_last

RANGES = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 30)).map(lambda r: (r[0], r[0] + r[1])), max_size=12)


@settings(max_examples=300, deadline=None)
@given(RANGES, st.integers(0, 80), st.integers(1, 20))
def test_covers_is_the_scan(ranges, start, width):
    end = start + width
    assert Ranges(ranges).covers(start, end) == any(s <= start and end <= e for s, e in ranges)


@settings(max_examples=300, deadline=None)
@given(RANGES, st.integers(0, 80), st.integers(0, 80))
def test_starting_in_is_the_scan_in_order(ranges, lo, hi):
    assert Ranges(ranges).starting_in(lo, hi) == sorted(r for r in ranges if lo <= r[0] < hi)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab，。\n", max_size=400), st.data())
def test_after_last_is_the_scan(text, data):
    pos = data.draw(st.integers(0, len(text)))
    floor = data.draw(st.integers(0, pos))
    expected = max(floor, max(text.rfind(m, 0, pos) for m in "，。\n") + 1)
    assert after_last(text, "，。\n", pos, floor) == expected


def test_after_last_finds_a_mark_far_back():
    text = "，" + "字" * 10_000
    assert after_last(text, "，", len(text)) == 1 and after_last(text, "。", len(text)) == 0
