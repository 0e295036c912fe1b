"""``lawie train``: annotation files checked before training (every problem, by file and line),
splits by document, and a short real fine-tuning run that yields a loadable model with its card."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import lawie
from lawie.cli import main
from lawie.data.gold import read_gold
from lawie.train import AnnotationError, TrainConfig, assign_splits, check_annotations, train


def _write(path: Path, units: list) -> Path:
    path.write_text("".join((u if isinstance(u, str) else json.dumps(u, ensure_ascii=False)) + "\n" for u in units))
    return path


def _unit(uid: str, text: str, entities: list, relations: list = (), source: str = "my/report.txt") -> dict:
    ents = [
        {"id": f"T{i}", "label": lab, "start": s, "end": e, "text": text[s:e]} for i, (lab, s, e) in enumerate(entities)
    ]
    for ent in ents:
        if ent["label"] == "COUNT":
            ent.update(value=37, unit="件", qualifier="exact", change=False, direction=None, org=None, year=None,
                       action=None)  # fmt: skip
    rels = [{"head": h, "tail": t, "type": "QUANTIFIES"} for h, t in relations]
    source = {"file": source, "start": 0, "end": len(text)}
    return {"id": uid, "text": text, "source": source, "synthetic": False, "entities": ents, "relations": rels}


def test_malformed_files_are_refused_with_every_problem_by_file_and_line(tmp_path, capsys):
    good = _unit("u1", "受理行政复议案件37件", [("METRIC", 2, 8), ("COUNT", 8, 11)], [("T1", "T0")])
    bad_offsets = _unit("u2", "受理行政复议案件37件", [("METRIC", 2, 80)])
    wrong_text = _unit("u3", "受理行政复议案件37件", [("METRIC", 2, 8)])
    wrong_text["entities"][0]["text"] = "行政复议"
    overlap = _unit("u4", "受理行政复议案件37件", [("METRIC", 2, 8), ("METRIC", 4, 9)])
    unknown = _unit("u5", "受理行政复议案件37件", [("THING", 2, 8)])
    dangling = _unit("u6", "受理行政复议案件37件", [("METRIC", 2, 8)], [("T9", "T0")])
    first = _write(tmp_path / "a.jsonl", [good, bad_offsets, "{not json", wrong_text])
    second = _write(tmp_path / "b.jsonl", [overlap, unknown, dangling])
    out = tmp_path / "model"
    status = main(["train", str(first), str(second), "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 2 and not out.exists()
    for where, what in [("a.jsonl:2", "bad offsets"), ("a.jsonl:3", "not JSON"), ("a.jsonl:4", "not '行政复议'"),
                        ("b.jsonl:1", "overlaps"), ("b.jsonl:2", "unknown label 'THING'"),
                        ("b.jsonl:3", "missing entity")]:  # fmt: skip
        assert any(where in line and what in line for line in err.splitlines()), (where, what, err)
    assert "a.jsonl:1" not in err


def test_units_without_a_split_are_split_by_document():
    units = [{"id": f"{d}-{i}", "source": {"file": f"doc{d}.txt"}} for d in range(200) for i in range(3)]
    assign_splits(units)
    for d in range(200):
        assert len({u["split"] for u in units if u["source"]["file"] == f"doc{d}.txt"}) == 1
    dev_docs = {u["source"]["file"] for u in units if u["split"] == "dev"}
    assert 8 <= len(dev_docs) <= 35  # about 10 % of 200 documents


def test_the_repository_gold_passes_the_training_check():
    assert len(check_annotations([])) == len(read_gold())


def test_a_short_run_writes_a_model_that_extracts(tmp_path):
    units = [u for u in read_gold() if u["split"] == "train" and not u["synthetic"]][:24]
    dev = [u for u in read_gold() if u["split"] == "dev"][:4]
    for unit in units + dev:  # score dev per unit, not on whole reports: keeps the test short
        unit["source"] = {**unit["source"], "file": f"elsewhere/{unit['id']}.txt"}
    data = _write(tmp_path / "sample.jsonl", units + dev)
    out = tmp_path / "model"
    card = train(TrainConfig(data=[data], out=out, epochs=1, batch_size=8))
    assert card["data"]["train"]["units"] == 24 and card["data"]["dev"]["units"] == 4
    assert 0.0 <= card["dev_reports"]["micro"]["F1"] <= 1.0 and card["dev_reports"]["micro"]["support"] > 0
    assert (out / "README.md").read_text().startswith("# lawie tagger")
    text = "2023年，区司法局共受理行政复议案件37件。"
    doc = lawie.extract(text, engine=lawie.pipeline.get_engine("transformer", model=out))
    assert all(text[e.start : e.end] == e.text for e in doc.entities)


def test_training_refuses_a_missing_base(tmp_path):
    data = _write(tmp_path / "a.jsonl", [_unit("u1", "受理行政复议案件37件", [("METRIC", 2, 8)])])
    with pytest.raises(FileNotFoundError, match="no base model"):
        train(TrainConfig(data=[data], base=tmp_path / "nothing", out=tmp_path / "m"))


def test_check_refuses_files_without_training_units(tmp_path):
    unit = {**_unit("u1", "受理行政复议案件37件", [("METRIC", 2, 8)]), "split": "dev"}
    with pytest.raises(AnnotationError, match="no unit has split 'train'"):
        check_annotations([_write(tmp_path / "a.jsonl", [unit])])
