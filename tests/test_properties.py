"""Property tests and a short fuzz run: any string in, no crash, every span exact in the
caller's string; cleaning maps back in order; the quantity normalizer never raises.

The strategies mix what scraped reports are made of (simplified and traditional CJK,
pinyin glued to characters as in 經(jīng), full-width digits, numbers with 万/亿/余/%,
HTML tags and entities, navigation lines, control characters) with arbitrary Unicode
(hypothesis never generates lone surrogates; a Python ``str`` from a decoded file holds
none). Runs are derandomized, so CI sees the same examples on every run; set
``LAWIE_FUZZ_EXAMPLES`` to run the fuzz tests longer (``LAWIE_FUZZ_EXAMPLES=20000``).
"""

from __future__ import annotations

import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lawie
from lawie.clean import clean
from lawie.io import InputError, decode
from lawie.quantity import UNITS, parse_quantity, read_number
from lawie.records import QUALIFIERS

FUZZ_EXAMPLES = int(os.environ.get("LAWIE_FUZZ_EXAMPLES", "1500"))


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --------------------------------------------------------------------- strategies ---
SIMPLIFIED = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
TRADITIONAL = st.sampled_from("經濟區報告據資產開發處為與會議審結場次萬億餘際機關縣鎮鄉復覆學習處罰")
PINYIN = st.sampled_from(["jīng", "qū", "jì", "shù", "fā", "xué", "xí", "zhèng", "lǜ", "a", "er", "ng"])
# 經(jīng), 區（qū）: a traditional character with its pinyin glued after it
WITH_PINYIN = st.builds(
    lambda ch, py, brackets: f"{ch}{brackets[0]}{py}{brackets[1]}",
    TRADITIONAL | SIMPLIFIED,
    PINYIN,
    st.sampled_from(["()", "（）", "(）"]),
)
FULL_WIDTH = st.text(alphabet="０１２３４５６７８９％．，。\u3000ＡＢａｂ", min_size=1, max_size=6)
CHINESE_NUMERALS = st.text(alphabet="零〇一二两三四五六七八九十百千万亿", min_size=1, max_size=6)
NUMBER = st.one_of(
    st.integers(0, 10**12).map(str),
    st.decimals(0, 10**6, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.integers(0, 10**9).map("{:,}".format),
    st.text(alphabet="0123456789", min_size=1, max_size=40),  # long digit runs
    CHINESE_NUMERALS,
    st.text(alphabet="一二三九万亿", min_size=20, max_size=60),  # long numerals and magnitude chains
    st.builds(lambda digit, n: digit * n, st.sampled_from("19一九"), st.integers(290, 420)),  # past a float
    st.builds(lambda n, magnitude: "1" + magnitude * n, st.integers(1, 45), st.sampled_from("万亿")),
)
QUANTITY = st.builds(
    lambda prefix, number, magnitude, inner, unit, suffix: f"{prefix}{number}{magnitude}{inner}{unit}{suffix}",
    st.sampled_from(["", "", "近", "约", "超过", "不少于", "逾", "第", "党的"]),
    NUMBER,
    st.sampled_from(["", "", "万", "亿", "万亿", "千"]),
    st.sampled_from(["", "", "余", "多"]),
    st.sampled_from([*UNITS, "%", "％", "", "人次", "场次", "万元", "亿元", "台（套）", "元/人"]),
    st.sampled_from(["", "", "以上", "左右", "余", "多"]),
)
HTML = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<br/>",
        "<div class='x'>",
        "</div>",
        "<html><body>",
        "<table><tr><td>",
        "<script>var a = '<p>';</script>",
        "<style>p{}</style>",
        "<!-- 注释 -->",
        "<!DOCTYPE html>",
        "&amp;",
        "&nbsp;",
        "&lt;",
        "&#20013;",
        "&#x4e2d;",
        "&#0;",
        "&#1114112;",
        "&bogus;",
        "&NotEqualTilde;",  # unescapes to two code points
        "<",
        ">",
        "&",
    ]
)
FURNITURE = st.sampled_from(
    [
        "\n打印\n",
        "\n【字体：大 中 小】\n",
        "\n您的位置：首页 > 政务公开\n",
        "\n扫一扫在手机上查看当前页面\n",
        "\n关闭窗口\n",
    ]
)
CONTROL = st.one_of(
    st.characters(max_codepoint=0x1F),
    st.sampled_from(["\x7f", "\x85", "\u2028", "\u2029", "\u200b", "\ufeff", "\ufffd", "\r\n"]),
)
REPORT_BITS = st.sampled_from(
    [
        "受理",
        "审结",
        "行政复议案件",
        "37件",
        "1.8万余人次",
        "同比增长",
        "400%",
        "增加到",
        "，",
        "。",
        "；",
        "\n",
        "“放管服”",
        "《行政处罚法》",
        "2024年",
        "今年",
        "比2022年",
        "黄岩区司法局",
        "昆都仑区(以下简称昆区)",
        "中共威海市委经技区工委",
        "关于2024年法治政府建设情况的报告\n",
        "2024年，",
        "近",
        "余",
        "(",
        ")",
        "第四批",
        "连续",
        "分别",
    ]
)
ANY = st.text(max_size=8)  # arbitrary Unicode: astral characters, combining marks, RTL, …
PIECE = st.one_of(
    REPORT_BITS, SIMPLIFIED, TRADITIONAL, WITH_PINYIN, FULL_WIDTH, QUANTITY, HTML, FURNITURE, CONTROL, ANY
)
TEXT = st.one_of(st.text(max_size=200), st.lists(PIECE, max_size=50).map("".join))


# --------------------------------------------------------------------- checks -------
def _check_document(doc: lawie.Document, text: str) -> None:
    """Every span of ``doc`` is exact in ``text``; entities sorted and flat; each record's
    count inside its sentence; org, author and title read from ``text``."""
    assert doc.text is text
    for e in doc.entities:
        assert 0 <= e.start < e.end <= len(text) and text[e.start : e.end] == e.text, e
    for a, b in zip(doc.entities, doc.entities[1:]):
        assert a.end <= b.start, (a, b)
    org_texts = {e.text for e in doc.entities if e.label == "ORG"} | {doc.author_org}
    for r in doc.records:
        for span in (r.count, r.target):
            if span is not None:
                assert span in doc.entities and text[span.start : span.end] == span.text, span
        assert r.count.label == "COUNT"
        assert r.target is None or r.target.label in ("METRIC", "INITIATIVE")
        assert 0 <= r.sentence[0] <= r.count.start < r.count.end <= r.sentence[1] <= len(text), r
        assert r.org is None or r.org in org_texts, r.org
        assert math.isfinite(r.value) and r.value >= 0, r
    for field in (doc.author_org, doc.title):
        assert field is None or (field and field in text), field


@_settings(400)
@given(TEXT)
def test_extract_never_breaks_offsets_rules(text):
    _check_document(lawie.extract(text, engine="rules"), text)


@pytest.fixture(scope="module")
def hybrid():
    """The default engine (shipped tagger + rule counts) in fp32 on one thread. The offsets do
    not depend on either; but on CPUs with bf16 every new input length costs a slow first
    call, and with two threads on a busy 2-core machine each call of the tagger waits ~1 s."""
    from lawie.tagger import HybridEngine, TransformerEngine, default_model_available

    if not default_model_available():
        pytest.skip("no shipped tagger model")
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield HybridEngine(TransformerEngine(precision="fp32"))
    finally:
        torch.set_num_threads(threads)


@_settings(150)
@given(text=TEXT.map(lambda t: t[:300]))  # short: the model costs ~1 s per 1,000 characters on 2 cores
def test_extract_never_breaks_offsets_hybrid(hybrid, text):
    _check_document(lawie.extract(text, engine=hybrid), text)


@_settings(400)
@given(TEXT)
def test_cleaning_maps_every_character_back_in_order(text):
    c = clean(text)
    assert c.original is text and len(c.offsets) == len(c.text)
    last_start = last_end = 0
    for i in range(len(c.text)):
        s, e = c.to_original(i, i + 1)
        assert last_start <= s < e <= len(text) and last_end <= e
        lo, hi = c.offsets.from_original(s, e)  # and back: the character is among those of its source
        assert lo <= i < hi
        last_start, last_end = s, e
    if c.text == text:  # nothing changed: the map is the identity
        assert all(c.to_original(i, i + 1) == (i, i + 1) for i in range(len(text)))


PLAIN_ASCII = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80)


@_settings(200)
@given(PLAIN_ASCII.filter(lambda t: "<" not in t and "&" not in t))
def test_plain_ascii_text_is_left_alone(text):
    """Text with nothing to clean (no tags, entities, full width, traditional, pinyin after CJK)."""
    c = clean(text)
    if c.text == text:
        assert [c.to_original(i, i + 1) for i in range(len(text))] == [(i, i + 1) for i in range(len(text))]


def _check_quantity(q) -> None:
    if q is None:
        return
    assert isinstance(q.value, int | float) and math.isfinite(q.value) and q.value >= 0, q
    assert isinstance(q.unit, str)
    assert q.qualifier is None or q.qualifier in QUALIFIERS
    assert (q.change, q.direction) == (False, None) or (q.change is True and q.direction in ("up", "down")), q


@_settings(600)
@given(st.one_of(QUANTITY, st.text(max_size=30)), st.text(max_size=30), st.text(max_size=30))
def test_normalizer_never_raises(span, before, after):
    _check_quantity(parse_quantity(span, context_before=before, context_after=after))


@_settings(FUZZ_EXAMPLES)
@given(TEXT, QUANTITY, st.lists(PIECE, max_size=6).map("".join))
def test_fuzz_clean_and_normalize(text, quantity, context):
    """The CI fuzz run: the cleaner and the normalizer on mixed input, bounded examples."""
    c = clean(text)
    if c.text:
        assert c.to_original(0, len(c.text))[1] <= len(text)
    _check_quantity(parse_quantity(quantity, context_before=context, context_after=context))
    _check_quantity(parse_quantity(c.text[:40], context_before=context))
    value = read_number(quantity.rstrip("件人次元%"))
    assert value is None or (math.isfinite(value) and value >= 0)


ENCODINGS = st.sampled_from(["utf-8", "gb18030", "gbk", "big5", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
BYTES = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda text, encoding: text.encode(encoding, "replace"), TEXT, ENCODINGS),
    st.builds(  # cut anywhere, junk appended
        lambda text, encoding, cut, junk: text.encode(encoding, "replace")[:cut] + junk,
        TEXT,
        ENCODINGS,
        st.integers(0, 400),
        st.binary(max_size=8),
    ),
    st.builds(
        lambda head, tail: head + tail,
        st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"<meta charset=gbk>", b"<meta charset=foo>"]),
        st.binary(max_size=100),
    ),
)


@_settings(500)
@given(BYTES)
def test_decode_gives_text_or_input_error(data):
    try:
        assert isinstance(decode(data), str)
    except InputError as err:
        assert str(err)


@_settings(300)
@given(TEXT)
def test_utf8_with_a_bom_reads_back_exactly(text):
    try:
        assert decode(b"\xef\xbb\xbf" + text.encode()) == text
    except InputError as err:  # binary-looking text: over 1 in 100 control characters
        assert "control characters" in str(err)
