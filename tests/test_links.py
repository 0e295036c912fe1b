"""Linking and attribution cases from ``tests/data/links.jsonl``: gold spans in, records out.

Every case runs through the public API, ``lawie.extract(text, engine=GoldSpans(...))``, so the
tagger is out of the picture and only the relation layer and the record fields are tested. The
expected values come from the contract (``shared/spec/ANNOTATION.md``, "Relation" and "Records")
and the project guideline (``data/GUIDELINE.md``), not from what the code outputs.

Format of one line of ``links.jsonl``:

- ``construction``: which linking construction the case exercises (target_before, target_after,
  carried_over, coordinated, change, no_target, org, year, action); test ids are
  ``<construction>-<index within that construction, in file order>``.
- ``text``: plain simplified Chinese, left unchanged by ``lawie.clean``.
- ``spans``: the gold spans as ``[text, label]`` or ``[text, label, k]``: the k-th (0-based,
  default 0) occurrence of ``text`` in the case text, found with ``str.find``; occurrences are
  counted over the raw text, whether or not the earlier ones are spans.
- ``links``: one key per COUNT span, the COUNT's text; where that text occurs more than once in
  the case text, a COUNT other than the first is keyed ``"text#k"`` with its occurrence index k as
  in ``spans`` (``"37件#1"`` is the second 37件). The value is the text of the METRIC or INITIATIVE
  span it QUANTIFIES, written the same way (``"执法队伍#1"``), or null for no target.
- ``org``, ``year``, ``action`` (optional): COUNT key → the record's expected ``org``, ``year``,
  ``action``; only what the contract determines is listed.
- ``report_year``, ``report_org``: the report's own year and author, passed to ``extract``.
- ``optional_records`` (optional): COUNTs that may give no record at all (一批: the contract's
  Labels section does not count 一 used as an article); a record, if any, must still match.
- ``note`` (optional): source and the rule the case rests on.

``links_known_gaps.jsonl`` holds cases in the same format that lawie still gets wrong (a bare
numeral before a counted noun, 分别 lists, a change after a bracketed breakdown); they are not
run, and are listed as open in ``bench/RESULTS.md``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import pytest

import lawie
from lawie.clean import clean

DATA = Path(__file__).resolve().parent / "data" / "links.jsonl"
LABELS = {"ORG", "YEAR", "COUNT", "METRIC", "INITIATIVE"}
CASES = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def _ids(cases: list[dict]) -> list[str]:
    seen: Counter[str] = Counter()
    ids = []
    for case in cases:
        ids.append(f"{case['construction']}-{seen[case['construction']]}")
        seen[case["construction"]] += 1
    return ids


IDS = _ids(CASES)

Span = tuple[int, int, str]


class GoldSpans:
    """An engine that tags its one text with the case's gold spans."""

    name = "gold"

    def __init__(self, text: str, spans: list[Span]):
        self.text = text
        self.spans = sorted(spans)

    def tag(self, texts: Sequence[str]) -> list[list[tuple[int, int, str, float]]]:
        assert list(texts) == [self.text], "lawie.clean changed the case text"
        return [[(start, end, label, 1.0) for start, end, label in self.spans]]


def _find(text: str, needle: str, occurrence: int = 0) -> int:
    at = -1
    for _ in range(occurrence + 1):
        at = text.find(needle, at + 1)
        assert at >= 0, f"{needle!r} has no occurrence {occurrence} in the case text"
    return at


def _key(text: str, key: str) -> tuple[int, int]:
    """``"37件"`` or ``"37件#1"`` → the offsets of that occurrence."""
    needle, hash_, index = key.rpartition("#")
    if not (hash_ and index.isdigit()):
        needle, index = key, "0"
    start = _find(text, needle, int(index))
    return start, start + len(needle)


def _resolve(case: dict) -> tuple[list[Span], dict[tuple[int, int], str]]:
    """The case's spans as offsets, checked; and each COUNT's offsets → its key."""
    text = case["text"]
    spans = []
    for item in case["spans"]:
        needle, label, *rest = item
        assert label in LABELS, item
        start = _find(text, needle, rest[0] if rest else 0)
        spans.append((start, start + len(needle), label))
    spans.sort()
    for a, b in pairwise(spans):
        assert a[1] <= b[0], f"overlapping spans {text[a[0] : a[1]]!r} and {text[b[0] : b[1]]!r}"
    counts = {(s, e) for s, e, label in spans if label == "COUNT"}
    keys = {_key(text, key): key for key in case["links"]}
    assert len(keys) == len(case["links"]), "two links keys name the same COUNT"
    assert set(keys) == counts, "links must name every COUNT span, and only those"
    for field in ("org", "year", "action", "optional_records"):
        for key in case.get(field, ()):
            assert _key(text, key) in counts, f"{field}: {key!r} is not a COUNT span"
    targets = {(s, e) for s, e, label in spans if label in ("METRIC", "INITIATIVE")}
    for key, target in case["links"].items():
        assert target is None or _key(text, target) in targets, f"{key!r} → {target!r}: not a METRIC/INITIATIVE span"
    return spans, keys


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_case_is_well_formed(case):
    assert clean(case["text"]).text == case["text"], "the text must pass lawie's cleaning unchanged"
    assert isinstance(case["report_year"], int) and case["report_org"]
    _resolve(case)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_links_and_attribution(case):
    text = case["text"]
    assert clean(text).text == text
    spans, keys = _resolve(case)
    doc = lawie.extract(text, year=case["report_year"], org=case["report_org"], engine=GoldSpans(text, spans))
    records = {(r.count.start, r.count.end): r for r in doc.records}
    optional = {_key(text, key) for key in case.get("optional_records", ())}
    problems = []
    for offsets, key in sorted(keys.items()):
        record = records.get(offsets)
        if record is None:
            if offsets not in optional:
                problems.append(f"{key}: no record")
            continue
        expected = case["links"][key]
        want = _key(text, expected) if expected is not None else None
        got = (record.target.start, record.target.end) if record.target else None
        if got != want:
            got_text = record.target.text if record.target else None
            problems.append(f"{key}: target {got_text!r}@{got and got[0]}, expected {expected!r}@{want and want[0]}")
        for field in ("org", "year", "action"):
            if key in case.get(field, {}) and getattr(record, field) != case[field][key]:
                problems.append(f"{key}: {field} {getattr(record, field)!r}, expected {case[field][key]!r}")
    assert not problems, "; ".join(problems)
