"""metric_key against a table of real gold METRIC texts (tests/data/metric_keys.tsv).

Positive rows (``text<TAB>key``) must group under their key; negative rows
(``a<TAB>b<TAB>different``) must not share a key; and the function is total on any text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lawie.metric_key import _table, metric_key, normalize

TABLE = Path(__file__).parent / "data" / "metric_keys.tsv"


def _rows() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    positives, negatives = [], []
    for number, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) == 2:
            positives.append((cells[0], cells[1]))
        elif len(cells) == 3 and cells[2] == "different":
            negatives.append((cells[0], cells[1]))
        else:
            raise ValueError(f"{TABLE.name}:{number}: expected text<TAB>key or a<TAB>b<TAB>different: {line!r}")
    return positives, negatives


POSITIVES, NEGATIVES = _rows()


def test_table_sizes() -> None:
    assert len(POSITIVES) >= 80
    assert len(NEGATIVES) >= 20
    assert len({text for text, _ in POSITIVES}) == len(POSITIVES), "a text is listed twice"


@pytest.mark.parametrize(("text", "key"), POSITIVES, ids=[t for t, _ in POSITIVES])
def test_positive(text: str, key: str) -> None:
    assert metric_key(text) == key


@pytest.mark.parametrize(("a", "b"), NEGATIVES, ids=[f"{a}|{b}" for a, b in NEGATIVES])
def test_negative(a: str, b: str) -> None:
    assert metric_key(a) != metric_key(b)


@pytest.mark.parametrize("key", sorted({key for _, key in POSITIVES}))
def test_key_is_fixed_point(key: str) -> None:
    """A key is its own key, so keys can be fed back (pivot output, hand-written filters)."""
    assert metric_key(key) == key


def test_rate_never_shares_a_key_with_a_count() -> None:
    rate = re.compile(r"(?:率|比例|比重|占比)$")
    for text, key in POSITIVES:
        assert bool(rate.search(normalize(text))) == bool(rate.search(key)), text


def test_table_rows_are_valid() -> None:
    rows = _table()
    assert len(rows) >= 40
    for pattern, key in rows:
        assert pattern.pattern and key.strip()


def test_normalize_strips_spelling_only() -> None:
    assert normalize(" 各类 “矛盾纠纷” ") == "矛盾纠纷"
    assert normalize("累计行政复议案件数") == "行政复议案件"
    assert normalize("镇（街道）") == "镇(街道)"
    assert normalize("新增市场主体") == "新增市场主体"  # 新增 tells a flow from a stock (GUIDELINE 32)
    assert normalize("死亡人数") == "死亡人数"


@pytest.mark.parametrize("text", [" ", "   ", "\n\t", "\u3000", "“”", "《》"])
def test_blank_input_is_its_own_key(text: str) -> None:
    """Nothing left after normalizing: the input itself is the key (never empty, never raises)."""
    assert metric_key(text) == text


def test_empty_input() -> None:
    assert metric_key("") == ""


@given(st.text(min_size=1))
def test_total_and_non_empty(text: str) -> None:
    key = metric_key(text)
    assert isinstance(key, str)
    assert key


@given(st.text(alphabet="行政复议诉讼应案件申请率出庭负责人纠纷调解各类累计数“”《》 （）", min_size=1))
def test_total_on_domain_alphabet(text: str) -> None:
    key = metric_key(text)
    assert isinstance(key, str)
    assert key
