"""``lawie extract``: formats, encodings, broken files, atomic output."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from lawie import batch
from lawie.cli import main
from lawie.tables import COLUMNS

REPORT = "台州市黄岩区司法局2024年法治政府建设年度报告\n全年共办理法律援助案件920件，比去年同期增加17%。\n"


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_samples_to_every_format(tmp_path, fmt):
    out = tmp_path / f"records.{fmt}"
    assert main(["extract", "--samples", "--out", str(out), "--no-progress"]) == 0
    frame = (
        pd.read_json(out, lines=True) if fmt == "jsonl" else pd.read_csv(out) if fmt == "csv" else pd.read_parquet(out)
    )
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) > 100 and frame["doc_id"].nunique() == 5
    assert (frame["evidence"].str.len() > 0).all()


def test_encodings_and_html_are_read(tmp_path):
    _write(tmp_path, "gbk.txt", REPORT.encode("gbk"))
    _write(tmp_path, "utf16.txt", REPORT.encode("utf-16"))
    _write(tmp_path, "bom.md", REPORT.encode("utf-8-sig"))
    _write(tmp_path, "page.html", f"<html><body><p>{REPORT}</p></body></html>".encode("gb18030"))
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(tmp_path), "--out", str(out), "--no-progress"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {Path(r["doc_id"]).name for r in rows} == {"gbk.txt", "utf16.txt", "bom.md", "page.html"}
    for r in rows:
        assert r["count_text"] in ("920件", "17%") and r["metric"] == "法律援助案件"


def test_html_offsets_are_into_the_decoded_page(tmp_path):
    page = f"<html><body><p>{REPORT}</p></body></html>"
    _write(tmp_path, "page.html", page.encode("utf-8"))
    out = tmp_path / "out.jsonl"
    main(["extract", str(tmp_path / "page.html"), "--out", str(out), "--no-progress"])
    for row in map(json.loads, out.read_text(encoding="utf-8").splitlines()):
        assert page[row["count_start"] : row["count_end"]] == row["count_text"]


def test_broken_files_are_reported_and_good_ones_kept(tmp_path, capsys):
    for i in range(3):
        _write(tmp_path, f"good{i}.txt", REPORT.encode("utf-8"))
    _write(tmp_path, "binary.txt", bytes(range(256)) * 40)
    _write(tmp_path, "empty.txt", b"")
    out = tmp_path / "out.csv"
    code = main(["extract", str(tmp_path), str(tmp_path / "missing.txt"), "--out", str(out), "--no-progress"])
    assert code == 1
    err = capsys.readouterr().err
    assert "FAILED" in err and "binary.txt" in err and "missing.txt" in err and "good0.txt" not in err
    frame = pd.read_csv(out)
    assert sorted(Path(p).name for p in frame["doc_id"].unique()) == ["good0.txt", "good1.txt", "good2.txt"]


def test_over_limit_files_fail_alone(tmp_path, capsys):
    _write(tmp_path, "big.txt", ("受理案件37件。" * 1000).encode("utf-8"))
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(tmp_path), "--out", str(out), "--max-bytes", "1000", "--no-progress"]) == 1
    assert "over the limit" in capsys.readouterr().err


def test_output_is_atomic(tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    out.write_text("previous complete output\n", encoding="utf-8")

    def crash(path, rows, fmt):
        path.write_text("half a fi", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(batch, "write_rows", crash)
    with pytest.raises(OSError):
        main(["extract", "--samples", "--out", str(out), "--no-progress"])
    assert out.read_text(encoding="utf-8") == "previous complete output\n"
    # no temporary file left; the journal of finished documents stays for --resume
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "out.jsonl.partial"]


def test_unknown_format_and_no_input(tmp_path):
    assert main(["extract", "--samples", "--out", str(tmp_path / "x.xlsx"), "--no-progress"]) == 2
    assert main(["extract", "--out", str(tmp_path / "x.jsonl"), "--no-progress"]) == 2
