"""Annotation tooling: unit splitting, rule pre-annotation, agreement."""

from __future__ import annotations

import json

from lawie.data.agreement import agreement
from lawie.data.gold import GOVWORK, govwork_splits
from lawie.data.preannotate import choose_units, staging_unit
from lawie.data.staging import resolve_unit
from lawie.data.units import split_units
from lawie.pipeline import extract


def test_units_are_lines_or_sentence_runs():
    text = "第一段。\n\n" + "长句子内容很多。" * 60 + "\n  尾段  "
    units = split_units(text, max_len=100)
    assert all(e - s <= 100 for s, e in units[1:-1])
    assert text[units[0][0] : units[0][1]] == "第一段。" and text[units[-1][0] : units[-1][1]] == "尾段"
    assert all(text[s:e] == text[s:e].strip() for s, e in units)


def test_preannotation_is_valid_staging_and_spread_over_the_report():
    path = sorted(GOVWORK.glob("*.txt"))[0]
    text = path.read_text(encoding="utf-8")
    doc = extract(text, engine="rules")
    chosen = choose_units(text, doc, per_report=10)
    assert len(chosen) == 10
    assert chosen[-1][0] > len(text) // 2  # not only the opening paragraphs
    for s, e in chosen:
        unit, problems = resolve_unit(staging_unit("u", "x", text, doc, s, e))
        assert problems == [] and any(ent["label"] == "COUNT" for ent in unit["entities"])


def test_govwork_split_is_five_dev_five_test():
    splits = list(govwork_splits().values())
    assert splits.count("dev") == 5 and splits.count("test") == 5 and splits.count("train") == len(splits) - 10


def _write(path, entities):
    unit = {"id": "u1", "text": "受理行政复议案件37件，审结25件。", "entities": entities}
    path.write_text(json.dumps(unit, ensure_ascii=False) + "\n", encoding="utf-8")


def test_agreement_scores_spans_and_relations(tmp_path):
    count = {"label": "COUNT", "value": 37, "unit": "件", "qualifier": None, "change": False}
    _write(
        tmp_path / "a.jsonl",
        [
            {"id": "T1", "label": "METRIC", "text": "行政复议案件"},
            {"id": "T2", "text": "37件", "target": "T1", **count},
        ],
    )
    _write(
        tmp_path / "b.jsonl",
        [{"id": "T1", "label": "METRIC", "text": "复议案件"}, {"id": "T2", "text": "37件", "target": "T1", **count}],
    )
    tallies, disagreements = agreement(tmp_path / "a.jsonl", tmp_path / "b.jsonl")
    assert tallies["COUNT"].f1 == 1.0 and tallies["METRIC"].f1 == 0.0 and tallies["relation"].f1 == 0.0
    assert len(disagreements) == 2
