"""Label Studio and doccano: round trips of the real gold, the tools' own quirks, and
``lawie convert`` from report text to tasks and back to trainable gold."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import lawie
from lawie.annotation_tools import (
    from_doccano,
    from_label_studio,
    label_studio_config,
    to_doccano,
    to_label_studio,
    units_from_documents,
)
from lawie.cli import main
from lawie.data.gold import read_gold, validate_unit

REPORT = (
    "台州市黄岩区司法局2024年法治政府建设年度报告\n"
    "全年共办理法律援助案件920件，比去年同期增加17%。\n\n"
    "2024年，区司法局组织开展普法活动120余场次，受理行政复议案件37件，审结25件。\n"
)


@pytest.fixture(scope="module")
def units() -> list[dict]:
    """About 50 gold units: the first with a relation from every report (seeds, govwork,
    synthetic), plus a few without relations or without entities."""
    gold = read_gold()
    by_file: dict[str, list[dict]] = {}
    for unit in gold:
        if unit["relations"]:
            by_file.setdefault(unit["source"]["file"], []).append(unit)
    chosen = [group[0] for group in by_file.values()]
    chosen += [u for u in gold if u["entities"] and not u["relations"]][:4] + [u for u in gold if not u["entities"]][:2]
    assert len(chosen) >= 45 and sum(len(u["relations"]) for u in chosen) > 100
    return chosen


def spans(unit: dict) -> set[tuple[int, int, str, str]]:
    return {(e["start"], e["end"], e["label"], e["text"]) for e in unit["entities"]}


def links(unit: dict) -> set[tuple[tuple[int, int], tuple[int, int], str]]:
    where = {e["id"]: (e["start"], e["end"]) for e in unit["entities"]}
    return {(where[r["head"]], where[r["tail"]], r["type"]) for r in unit["relations"]}


def assert_same_gold(before: list[dict], after: list[dict]) -> None:
    assert len(after) == len(before)
    for old, new in zip(before, after):
        assert validate_unit(new, require_split=False) == []
        assert new["text"] == old["text"] and new["id"] == old["id"] and new["source"] == old["source"]
        assert (new["split"], new["synthetic"]) == (old["split"], old["synthetic"])
        assert spans(new) == spans(old)
        assert links(new) == links(old)


def counts_agree(before: list[dict], after: list[dict]) -> float:
    """Share of COUNTs whose value, unit, qualifier and change the normalizer gives back."""
    fields = ("value", "unit", "qualifier", "change", "direction")
    agree = total = 0
    for old, new in zip(before, after):
        gold = {(e["start"], e["end"]): e for e in old["entities"] if e["label"] == "COUNT"}
        for ent in (e for e in new["entities"] if e["label"] == "COUNT"):
            total += 1
            agree += all(ent[f] == gold[ent["start"], ent["end"]].get(f) for f in fields)
    return agree / total


@pytest.mark.parametrize("as_predictions", [True, False])
def test_gold_through_label_studio_and_back(units, as_predictions):
    tasks = json.loads(json.dumps(to_label_studio(units, as_predictions=as_predictions)))
    kind = "predictions" if as_predictions else "annotations"
    assert all(set(t) == {"data", kind} for t in tasks)
    first = tasks[0][kind][0]["result"]
    assert {r["type"] for r in first} == {"labels", "relation"}
    region = next(r for r in first if r["type"] == "labels")
    assert (region["from_name"], region["to_name"]) == ("label", "text")
    assert tasks[0]["data"]["text"] == units[0]["text"]
    back = from_label_studio(tasks)
    assert_same_gold(units, back)
    assert counts_agree(units, back) > 0.9


def test_gold_through_doccano_and_back(units):
    rows = json.loads(json.dumps(to_doccano(units)))
    for row in rows:
        ids = [e["id"] for e in row["entities"]]
        assert all(isinstance(i, int) for i in ids) and len(set(ids)) == len(ids)
        assert {r["from_id"] for r in row["relations"]} <= set(ids)
        assert all(set(e) == {"id", "label", "start_offset", "end_offset"} for e in row["entities"])
    assert to_doccano(units) == rows  # the id mapping is stable
    back = from_doccano(rows)
    assert_same_gold(units, back)
    assert counts_agree(units, back) > 0.9


def test_last_annotation_wins_and_cancelled_ones_are_skipped(units):
    unit = next(u for u in units if len(u["relations"]) >= 2)
    task = to_label_studio([unit])[0]  # keeps the predictions, which annotations override
    full = to_label_studio([unit], as_predictions=False)[0]["annotations"][0]["result"]
    dropped = unit["relations"][0]["head"]
    corrected = [r for r in full if dropped not in (r.get("id"), r.get("from_id"))]
    task["annotations"] = [
        {"result": full, "was_cancelled": False},
        {"result": corrected},
        {"result": [], "was_cancelled": True},
    ]
    (got,) = from_label_studio([task])
    assert dropped not in {e["id"] for e in got["entities"]}
    assert len(got["entities"]) == len(unit["entities"]) - 1
    assert len(got["relations"]) == len(unit["relations"]) - 1
    skipped = {**task, "annotations": [{"result": full, "was_cancelled": True}]}
    assert from_label_studio([skipped]) == []  # every annotation cancelled: the task is left out
    only_predictions = to_label_studio([unit])
    assert len(from_label_studio(only_predictions)) == 1
    assert from_label_studio(only_predictions, use_predictions=False) == []


def test_tool_quirks_relations_either_way_and_utf16_offsets():
    text = "𠮷县司法局受理行政复议案件37件。"
    metric, count = (text.index("行政"), text.index("37")), (text.index("37"), text.index("。"))
    shift = 1  # 𠮷 is two UTF-16 code units in the browser
    region = [
        {"id": "m", "type": "labels", "value": {"start": metric[0] + shift, "end": metric[1] + shift,
                                                "text": "行政复议案件", "labels": ["METRIC"]}},
        {"id": "c", "type": "labels", "value": {"start": count[0] + shift, "end": count[1] + shift,
                                                "text": "37件", "labels": ["COUNT"]}},
        {"type": "relation", "from_id": "m", "to_id": "c", "direction": "right", "labels": []},
        {"type": "relation", "from_id": "c", "to_id": "m", "direction": "left", "labels": ["QUANTIFIES"]},
        {"type": "relation", "from_id": "c", "to_id": "gone", "direction": "right", "labels": ["QUANTIFIES"]},
    ]  # fmt: skip
    (unit,) = from_label_studio([{"id": 7, "data": {"text": text}, "annotations": [{"result": region}]}])
    assert validate_unit(unit, require_split=False) == []
    assert {(e["start"], e["end"]) for e in unit["entities"]} == {metric, count}
    assert unit["relations"] == [{"head": "c", "tail": "m", "type": "QUANTIFIES"}]
    ent = next(e for e in unit["entities"] if e["label"] == "COUNT")
    assert (ent["value"], ent["unit"], ent["org"], ent["year"], ent["action"]) == (37, "件", None, None, None)
    assert unit["id"] == "label-studio-7" and unit["source"] == {"file": unit["id"], "start": 0, "end": len(text)}


def test_doccano_rows_from_the_tool_and_unreadable_counts():
    text = "全市一半以上的案件在30日内办结，受理案件37件。"
    half, days = (text.index("一半"), text.index("一半") + 2), (text.index("37"), text.index("。"))
    row = {
        "id": 41, "text": text, "Comments": [],
        "entities": [{"id": 901, "label": "COUNT", "start_offset": half[0], "end_offset": half[1]},
                     {"id": 902, "label": "METRIC", "start_offset": text.index("受理"), "end_offset": days[0]},
                     {"id": 903, "label": "COUNT", "start_offset": days[0], "end_offset": days[1]}],
        "relations": [{"id": 5, "from_id": 902, "to_id": 903, "type": "QUANTIFIES"}],
    }  # fmt: skip
    (unit,) = from_doccano([row])
    assert validate_unit(unit, require_split=False) == []
    assert unit["id"] == "doccano-41" and unit["relations"] == [{"head": "T903", "tail": "T902", "type": "QUANTIFIES"}]
    counts = {e["text"]: (e["value"], e["unit"]) for e in unit["entities"] if e["label"] == "COUNT"}
    assert counts == {"一半": (0, ""), "37件": (37, "件")}  # 一半 the normalizer cannot read: placeholder
    (seq,) = from_doccano([{"id": 3, "text": text, "label": [[days[0], days[1], "COUNT"]]}])
    assert spans(seq) == {(days[0], days[1], "COUNT", "37件")}


def test_label_studio_config_names_the_labels_and_the_relation():
    root = ET.fromstring(label_studio_config())
    labels = root.find("Labels")
    assert (labels.get("name"), labels.get("toName")) == ("label", "text")
    assert [lab.get("value") for lab in labels] == list(lawie.LABELS)
    assert [r.get("value") for r in root.iter("Relation")] == ["QUANTIFIES"]
    assert (root.find("Text").get("name"), root.find("Text").get("value")) == ("text", "$text")


def test_units_from_documents_are_valid_paragraphs_with_records():
    doc = lawie.extract(REPORT, engine="rules")
    units = units_from_documents([doc], ids=["my/report.txt"])
    assert len(units) == 3
    for unit in units:
        assert validate_unit(unit, require_split=False) == []
        source = unit["source"]
        assert source["file"] == "my/report.txt" and REPORT[source["start"] : source["end"]] == unit["text"]
    by_text = {e["text"]: e for u in units for e in u["entities"]}
    assert (by_text["920件"]["value"], by_text["120余场次"]["qualifier"], by_text["17%"]["direction"]) == (
        920, "more_than", "up",
    )  # fmt: skip
    names = ("value", "unit", "qualifier", "change", "direction", "org", "year", "action")
    for record in doc.records:  # every COUNT carries its record's fields
        assert [by_text[record.count.text][f] for f in names] == [getattr(record, f) for f in names]
    assert by_text["37件"]["year"] == 2024 and by_text["37件"]["org"]
    record_links = {(r.count.text, r.target.text) for r in doc.records if r.target}
    unit_links = {
        (ents[r["head"]]["text"], ents[r["tail"]]["text"])
        for u in units
        for ents in [{e["id"]: e for e in u["entities"]}]
        for r in u["relations"]
    }
    assert unit_links == record_links and len(unit_links) >= 4


def test_convert_text_to_label_studio_to_gold_to_doccano_and_train_check(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # relative paths: the source file, hence the split, is fixed
    Path("report.txt").write_text(REPORT, encoding="utf-8")
    args = ["--engine", "rules", "--label-config", "config.xml"]
    assert main(["convert", "report.txt", "tasks.json", "--from", "text", "--to", "label-studio", *args]) == 0
    tasks = json.loads(Path("tasks.json").read_text(encoding="utf-8"))
    assert len(tasks) == 3 and all(t["predictions"][0]["model_version"] == "lawie-rules" for t in tasks)
    assert Path("config.xml").read_text(encoding="utf-8") == label_studio_config()
    assert main(["convert", "tasks.json", "gold.jsonl", "--from", "label-studio", "--to", "gold"]) == 0
    gold = [json.loads(line) for line in Path("gold.jsonl").read_text(encoding="utf-8").splitlines()]
    expected = units_from_documents([lawie.extract(REPORT, engine="rules")], ids=["report.txt"])
    assert [(spans(u), links(u), u["source"]) for u in gold] == [(spans(u), links(u), u["source"]) for u in expected]
    assert main(["train", "gold.jsonl", "--check"]) == 0
    assert main(["convert", "gold.jsonl", "rows.jsonl", "--from", "gold", "--to", "doccano"]) == 0
    assert main(["convert", "rows.jsonl", "again.jsonl", "--from", "doccano", "--to", "gold"]) == 0
    again = [json.loads(line) for line in Path("again.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(spans(u), links(u)) for u in again] == [(spans(u), links(u)) for u in gold]
    assert main(["train", "again.jsonl", "--check"]) == 0


def test_convert_refuses_invalid_annotations_and_writes_nothing(tmp_path, capsys):
    text = "受理行政复议案件37件。"
    result = [
        {"id": "a", "type": "labels", "value": {"start": 2, "end": 8, "text": "行政复议案件", "labels": ["METRIC"]}},
        {"id": "b", "type": "labels", "value": {"start": 4, "end": 10, "text": "复议案件37", "labels": ["COUNT"]}},
    ]
    tasks = tmp_path / "export.json"
    tasks.write_text(json.dumps([{"id": 1, "data": {"text": text}, "annotations": [{"result": result}]}]))
    out = tmp_path / "gold.jsonl"
    assert main(["convert", str(tasks), str(out), "--from", "label-studio", "--to", "gold"]) == 2
    assert "overlaps" in capsys.readouterr().err
    assert not out.exists() and list(tmp_path.iterdir()) == [tasks]
