"""The public API on the bundled reports: offsets, records, batching, report fields."""

from __future__ import annotations

import json

import pytest

import lawie
from lawie.data.gold import read_gold
from lawie.evaluate import gold_reports


@pytest.fixture(scope="module", params=["rules", "hybrid"])
def docs(request, seeds):
    """The samples through each engine: the rules, and the default (shipped tagger + rule counts)."""
    return {key: lawie.extract(text, engine=request.param) for key, text in seeds.items()}


def test_offsets_are_into_the_callers_string(docs, seeds):
    for key, doc in docs.items():
        assert doc.text is seeds[key]
        assert doc.entities, key
        for e in doc.entities:
            assert seeds[key][e.start : e.end] == e.text
        for r in doc.records:
            assert seeds[key][r.count.start : r.count.end] == r.count.text
            assert r.sentence[0] <= r.count.start < r.count.end <= r.sentence[1]


def test_entities_are_sorted_and_flat(docs):
    for doc in docs.values():
        for a, b in zip(doc.entities, doc.entities[1:]):
            assert a.start <= b.start and a.end <= b.start


def test_seed_000_figures_read_through_traditional_and_pinyin(docs):
    records = {r.count.text: r for r in docs["000"].records}
    assert (records["1.8萬余人次"].value, records["1.8萬余人次"].unit, records["1.8萬余人次"].qualifier) == (
        18000,
        "人次",
        "more_than",
    )
    assert (records["240余場次"].value, records["240余場次"].unit) == (240, "場次")  # unit as written
    assert records["2萬余份"].value == 20000


def test_record_values_agree_with_gold_wherever_the_count_span_does(docs, seeds):
    """For every count the engine spans as the annotators did, value and unit are the gold ones."""
    by_path = {f"lawie/samples/{p}": k for k, p in ((k, _name(k)) for k in seeds)}
    checked = 0
    for path, gold in gold_reports(read_gold()).items():
        if path not in by_path:
            continue  # govwork and synthetic units: the samples are what this test reads
        doc = docs[by_path[path]]
        for r in doc.records:
            ent = gold.records.get((r.count.start, r.count.end))
            if ent is None:
                continue
            checked += 1
            assert (r.value, r.unit) == (ent["value"], ent["unit"]), (r.count.text, ent)
            assert r.qualifier == ent["qualifier"], r.count.text
    assert checked > 150


def _name(key: str) -> str:
    from tests.conftest import SAMPLES

    return next(p.name for p in SAMPLES.glob(f"{key}_*.txt"))


def test_rules_link_a_metric_written_after_the_count(seeds):
    records = {r.count.text: r for r in lawie.extract(seeds["000"], engine="rules").records}
    assert records["1.8萬余人次"].target.text == "參加學(xué)習(xí)"


def test_report_fields(docs):
    # the author is the subject of the opening sentence (2024年,黄岩区司法局在…), as in the gold
    assert docs["002"].author_org == "黄岩区司法局"
    assert docs["000"].author_org == "威海經(jīng)濟技術(shù)開發(fā)區(qū)"  # 2024年,我區… → the zone of the heading
    assert docs["002"].report_year == 2024
    assert docs["001"].report_year == 2022
    assert docs["003"].author_org == "泾源县"
    assert docs["004"].title == "深圳市深汕特别合作区党政办公室2024年度法治政府建设年度报告"


def test_caller_given_year_and_org_win():
    doc = lawie.extract("今年共受理行政复议案件37件。", year=2023, org="某县司法局")
    (record,) = doc.records
    assert (record.year, record.org, doc.report_year) == (2023, "某县司法局", 2023)


def test_extract_many_equals_extract_one_by_one(seeds):
    texts = list(seeds.values()) * 2
    many = lawie.extract_many(texts, batch_size=3)
    assert [d.to_dict() for d in many] == [lawie.extract(t).to_dict() for t in texts]


def test_to_dict_is_json_ready(docs):
    for doc in docs.values():
        data = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))
        assert len(data["records"]) == len(doc.records)


def test_bad_arguments_fail_clearly():
    with pytest.raises(TypeError, match="str"):
        lawie.extract(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown engine"):
        lawie.extract("文本", engine="nope")


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "。。。", "abc", "12345"])
def test_empty_and_trivial_texts(text):
    doc = lawie.extract(text)
    assert doc.text == text and doc.records == [] and doc.report_year is None
