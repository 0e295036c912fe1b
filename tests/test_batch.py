"""Batches in one process: journal and --resume, Parquet inputs, failures kept apart."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from lawie import batch
from lawie.batch import ExtractOptions, extract_to_file, journal_path
from lawie.cli import main

REPORTS = [
    f"黄岩区司法局{2020 + i}年法治政府建设年度报告\n全年共办理法律援助案件{100 + i}件，受理行政复议案件{i + 3}件。\n"
    for i in range(7)
]
RULES = ExtractOptions(engine="rules", batch_size=2)


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    for i, text in enumerate(REPORTS):
        (folder / f"r{i}.txt").write_text(text, encoding="utf-8")
    return folder


def _records(path: Path) -> list[tuple]:
    frame = pd.read_json(path, lines=True)
    return sorted(zip(frame["doc_id"], frame["count_start"], frame["count_text"], frame["metric"]))


class Interrupt(Exception):
    """Stands for a kill in the middle of a run."""


def _crash_after(monkeypatch, groups: int) -> list[int]:
    """Make the run die once ``groups`` batches are done; count the documents extracted."""
    real, seen = batch._extract_group, []

    def group(items, options, engine):
        if len(seen) >= groups * options.batch_size:
            raise Interrupt
        seen.extend(range(len(items)))
        return real(items, options, engine)

    monkeypatch.setattr(batch, "_extract_group", group)
    return seen


def test_resume_after_a_crash_does_each_report_once(tmp_path, monkeypatch):
    folder, out = _folder(tmp_path), tmp_path / "out.jsonl"
    expected = tmp_path / "expected.jsonl"
    extract_to_file([folder], expected, RULES)

    seen = _crash_after(monkeypatch, groups=2)
    with pytest.raises(Interrupt):
        extract_to_file([folder], out, RULES)
    assert not out.exists()  # nothing that looks complete
    assert len(journal_path(out).read_text(encoding="utf-8").splitlines()) == 4
    monkeypatch.undo()

    seen = _crash_after(monkeypatch, groups=100)
    report = extract_to_file([folder], out, RULES, resume=True)
    assert len(seen) == 3  # only the three reports the first run did not finish
    assert report.docs == 7 and report.skipped == 4 and not report.failures
    assert _records(out) == _records(expected)
    assert not journal_path(out).exists()


def test_resume_drops_a_journal_line_cut_short(tmp_path):
    folder, out = _folder(tmp_path), tmp_path / "out.jsonl"
    expected = tmp_path / "expected.jsonl"
    extract_to_file([folder], expected, RULES)
    first = json.dumps({"doc_id": str(folder / "r0.txt"), "chars": 1, "rows": [], "error": None})
    journal_path(out).write_text(first + "\n" + first[:25], encoding="utf-8")  # killed mid-write
    report = extract_to_file([folder], out, RULES, resume=True)
    assert report.skipped == 1 and report.docs == 7
    assert len(_records(out)) == len(_records(expected)) - 2  # r0's two records were "done" (empty) before


def test_without_resume_a_stale_journal_is_started_over(tmp_path):
    folder, out = _folder(tmp_path), tmp_path / "out.jsonl"
    journal_path(out).write_text('{"doc_id": "x", "chars": 0, "rows": [], "error": "old"}\n', encoding="utf-8")
    report = extract_to_file([folder], out, RULES)
    assert report.docs == 7 and not report.failures


def test_cli_resume_flag(tmp_path, monkeypatch, capsys):
    folder, out = _folder(tmp_path), tmp_path / "out.csv"
    _crash_after(monkeypatch, groups=1)
    with pytest.raises(Interrupt):
        main(["extract", str(folder), "--out", str(out), "--engine", "rules", "--batch-size", "2", "--no-progress"])
    monkeypatch.undo()
    args = ["extract", str(folder), "--out", str(out), "--engine", "rules", "--resume", "--no-progress"]
    assert main(args) == 0
    assert "7 report(s) (2 from the earlier run)" in capsys.readouterr().err
    assert pd.read_csv(out)["doc_id"].nunique() == 7


def test_parquet_inputs_give_the_same_records_as_files(tmp_path):
    folder = _folder(tmp_path)
    from_files = tmp_path / "files.jsonl"
    extract_to_file([folder], from_files, RULES)
    table = pd.DataFrame({"id": [str(folder / f"r{i}.txt") for i in range(7)], "text": REPORTS})
    table.to_parquet(tmp_path / "reports.parquet", row_group_size=3)  # rows spread over row groups
    from_parquet = tmp_path / "parquet.jsonl"
    report = extract_to_file([tmp_path / "reports.parquet"], from_parquet, RULES)
    assert report.docs == 7
    assert _records(from_parquet) == _records(from_files)


def test_parquet_rows_without_text_fail_alone(tmp_path):
    pd.DataFrame({"text": [REPORTS[0], None, REPORTS[1]]}).to_parquet(tmp_path / "r.parquet")
    (tmp_path / "other.parquet").write_bytes(b"PAR1 not really parquet")
    pd.DataFrame({"body": ["x"]}).to_parquet(tmp_path / "nocolumn.parquet")
    report = extract_to_file([tmp_path], tmp_path / "out.jsonl", RULES)
    reasons = dict(report.failures)
    assert report.docs == 2
    assert "null" in reasons[f"{tmp_path / 'r.parquet'}#1"]
    assert "cannot read Parquet" in reasons[str(tmp_path / "other.parquet")]
    assert "no column 'text'" in reasons[str(tmp_path / "nocolumn.parquet")]


def test_a_document_that_breaks_the_engine_fails_alone(tmp_path):
    from lawie.rules import RuleEngine

    class Fragile(RuleEngine):
        def tag(self, texts):
            if any("炸" in t for t in texts):
                raise RuntimeError("engine crashed")
            return super().tag(texts)

    folder = _folder(tmp_path)
    (folder / "bomb.txt").write_text("炸" + REPORTS[0], encoding="utf-8")
    outcomes = list(batch.extract_items(batch.iter_items([folder]), ExtractOptions(batch_size=4), Fragile()))
    failed = [o for o in outcomes if o.error]
    assert [Path(o.item.doc_id).name for o in failed] == ["bomb.txt"]
    assert "engine crashed" in failed[0].error
    assert sum(1 for o in outcomes if o.rows) == 7


def test_a_file_named_twice_is_done_once(tmp_path):
    folder = _folder(tmp_path)
    items = list(batch.iter_items([folder, folder / "r0.txt"]))
    assert len(items) == 7
