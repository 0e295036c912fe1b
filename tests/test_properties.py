"""Property tests: any string in, no crash, every span exact in the caller's string."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lawie
from lawie.clean import clean
from lawie.quantity import parse_quantity

# Text that looks like reports: CJK, digits, units, quotes, pinyin, tags, plus any Unicode.
REPORT_BITS = st.sampled_from(
    [
        "受理",
        "行政复议案件",
        "37件",
        "1.8万余人次",
        "同比增长",
        "400%",
        "，",
        "。",
        "“放管服”",
        "《行政处罚法》",
        "經(jīng)",
        "區(qū)",
        "\u3000",
        "<p>",
        "</p>",
        "&amp;",
        "\n",
        "2024年",
        "黄岩区司法局",
        "近",
        "余",
        "(",
        ")",
        "第四批",
    ]
)
TEXT = st.one_of(st.text(max_size=200), st.lists(st.one_of(REPORT_BITS, st.text(max_size=3)), max_size=40).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_extract_never_breaks_offsets(text):
    doc = lawie.extract(text)
    assert doc.text == text
    for e in doc.entities:
        assert text[e.start : e.end] == e.text and e.start < e.end
    for r in doc.records:
        assert text[r.count.start : r.count.end] == r.count.text


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_cleaning_maps_every_character_back_in_order(text):
    c = clean(text)
    last = 0
    for i in range(len(c.text)):
        s, e = c.to_original(i, i + 1)
        assert last <= s < e <= len(text)
        last = s


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30), st.text(max_size=30))
def test_normalizer_never_raises(span, context):
    parse_quantity(span, context_before=context, context_after=context)
