from __future__ import annotations

import copy
from pathlib import Path

import pytest

from lawie.data.gold import ANNOTATED, read_gold, validate_file, validate_unit

GOLD_FILES = sorted(ANNOTATED.glob("*.jsonl"))


def test_there_is_gold():
    assert len(GOLD_FILES) >= 5
    assert len(read_gold()) > 100


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.name)
def test_every_gold_file_is_valid(path: Path):
    assert validate_file(path) == []


def _good_unit() -> dict:
    return {
        "id": "u-1",
        "text": "2022年共受理行政复议案件37件",
        "source": {"file": "x", "start": 0, "end": 19},
        "split": "train",
        "synthetic": False,
        "entities": [
            {"id": "T1", "label": "YEAR", "start": 0, "end": 5, "text": "2022年"},
            {"id": "T2", "label": "METRIC", "start": 8, "end": 14, "text": "行政复议案件"},
            {
                "id": "T3",
                "label": "COUNT",
                "start": 14,
                "end": 17,
                "text": "37件",
                "value": 37,
                "unit": "件",
                "qualifier": None,
                "change": False,
            },
        ],
        "relations": [{"head": "T3", "tail": "T2", "type": "QUANTIFIES"}],
    }


def test_a_good_unit_has_no_problems():
    assert validate_unit(_good_unit()) == []


@pytest.mark.parametrize(
    "breakage, expected",
    [
        (lambda u: u["entities"][1].update(text="复议案件"), "not '复议案件'"),
        (lambda u: u["entities"][1].update(end=99), "bad offsets"),
        (lambda u: u["entities"][1].update(label="THING"), "unknown label"),
        (lambda u: u["entities"][2].update(start=12, text="件3"), "overlaps"),
        (lambda u: u["relations"].append({"head": "T3", "tail": "T9", "type": "QUANTIFIES"}), "missing entity"),
        (lambda u: u["relations"].__setitem__(0, {"head": "T2", "tail": "T3", "type": "QUANTIFIES"}), "from COUNT"),
        (lambda u: u["entities"][2].pop("value"), "lacks 'value'"),
        (lambda u: u.update(split="dev", synthetic=True), "synthetic"),
    ],
)
def test_validator_finds_each_kind_of_problem(breakage, expected):
    unit = copy.deepcopy(_good_unit())
    breakage(unit)
    problems = validate_unit(unit)
    assert any(expected in p for p in problems), problems


def test_load_gold_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    from lawie.data import load_gold
    from lawie.data.loader import TAGS

    data = load_gold()
    assert set(data) == {"train", "dev", "test"} and all(len(data[s]) > 0 for s in data)
    names = data["train"].features["ner_tags"].feature.names
    assert tuple(names) == TAGS
    row = data["dev"][0]
    assert len(row["tokens"]) == len(row["ner_tags"]) == len(row["text"])
    for ent in row["entities"]:
        assert names[row["ner_tags"][ent["start"]]] == f"B-{ent['label']}"


def test_splits_are_by_document_and_synthetic_only_in_train():
    split_of_report: dict[str, set[str]] = {}
    for unit in read_gold():
        split_of_report.setdefault(unit["source"]["file"], set()).add(unit["split"])
        assert not unit["synthetic"] or unit["split"] == "train"
    assert all(len(splits) == 1 for splits in split_of_report.values())
