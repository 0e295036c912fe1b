"""The quantity normalizer against a table of real cases (tests/data/quantities.tsv).

Each case was taken from the seeds or the govwork corpus and its expected reading
written from the guideline by hand; ``source`` holds the file and the fragment it
came from, whose text before the span is the context that decides ``change``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from lawie.clean import to_simplified
from lawie.quantity import parse_quantity, read_number

TABLE = Path(__file__).parent / "data" / "quantities.tsv"


def _cases() -> list[dict]:
    with TABLE.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


CASES = _cases()
POSITIVE = [c for c in CASES if c["value"] != "NONE"]
NEGATIVE = [c for c in CASES if c["value"] == "NONE"]


def _simplified(text: str) -> str:
    return to_simplified(text)  # the normalizer reads cleaned text: simplified, pinyin removed


REPO = Path(__file__).resolve().parents[1]
FOLDERS = (REPO / "lawie" / "samples", REPO / "data" / "corpus" / "govwork")


def _context(case: dict) -> tuple[str, str]:
    """The cleaned text around the case in its source file: 40 characters before, 20 after."""
    name, fragment = case["source"].split(" | ", 1)
    text = next((f / name).read_text(encoding="utf-8") for f in FOLDERS if (f / name).exists())
    at = text.index(fragment) + fragment.index(case["text"])
    end = at + len(case["text"])
    return _simplified(text[max(0, at - 40) : at]), _simplified(text[end : end + 20])


def test_table_is_large_and_balanced():
    assert len(POSITIVE) >= 200 and len(NEGATIVE) >= 50
    assert len({c["text"] for c in CASES}) == len(CASES), "duplicate cases"


@pytest.mark.parametrize("case", POSITIVE, ids=lambda c: c["text"])
def test_positive_case(case):
    before, after = _context(case)
    q = parse_quantity(_simplified(case["text"]), context_before=before, context_after=after)
    assert q is not None, case
    assert q.value == pytest.approx(float(case["value"]), rel=1e-9)
    assert q.unit == _simplified(case["unit"])
    assert q.qualifier == (case["qualifier"] or None)
    assert q.change == (case["change"].lower() == "true")
    if q.change:
        assert q.direction == (case["direction"] or None)


@pytest.mark.parametrize("case", NEGATIVE, ids=lambda c: c["text"])
def test_negative_case(case):
    before, after = _context(case)
    assert parse_quantity(_simplified(case["text"]), context_before=before, context_after=after) is None, case


@pytest.mark.parametrize(
    "numeral, value",
    [
        ("十一", 11),
        ("二十", 20),
        ("两", 2),
        ("一百二十", 120),
        ("1.8万", 18000),
        ("3万亿", 3e12),
        ("7.3亿", 7.3e8),
        ("1,500", 1500),
        ("零", 0),
    ],
)
def test_numerals(numeral, value):
    assert read_number(numeral) == value


@pytest.mark.parametrize(
    "context, span, change, direction",
    [
        ("收到行政复议申请45件，同比增长", "400%", True, "up"),
        ("比去年同期增加", "17%", True, "up"),
        ("较上年下降", "12件", True, "down"),
        ("精简申报材料", "40%以上", True, "down"),
        ("实行告知承诺证明事项已增加到", "15项", False, None),
        ("压减办事环节", "435个", False, None),
        ("由21个工作日压减至", "3个工作日", False, None),
        ("由", "40%", False, None),
        ("办结率", "95.64%", False, None),
    ],
)
def test_change_is_read_from_the_context(context, span, change, direction):
    q = parse_quantity(span, context_before=context)
    assert (q.change, q.direction) == (change, direction)
